package tui

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
)

// BenchmarkStartToFirstFrame measures what the workbench does between its
// start and its first frame with results, on the built-in standard and
// corpus: load both revisions, read and validate the corpus, grade it under
// both, compare them, and render the Spec view at 120×40.
func BenchmarkStartToFirstFrame(b *testing.B) {
	for b.Loop() {
		m := New(testConfig(b))
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		m.Update(load(m.cfg, m.ws)())
		if !strings.Contains(m.View().Content, "checks in") {
			b.Fatal("no results on the first frame")
		}
	}
}

// BenchmarkStartToKeptFirstFrame measures what the workbench does between
// its start and its first frame with results when an earlier start on the
// same inputs kept it: the inputs hashed (the built-in standard and
// corpus), the kept frame read and checked, and drawn at 120×40. The
// evaluation that follows, as at every start, is BenchmarkStartToFirstFrame.
func BenchmarkStartToKeptFirstFrame(b *testing.B) {
	cfg := testConfig(b)
	cfg.FirstFrames = b.TempDir()
	m := New(cfg)
	m.tick = noTick
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	settle(b, m, readFirstFrame(m.cfg))
	_, cmd := m.Update(load(m.cfg, m.ws)())
	settle(b, m, cmd)
	b.ResetTimer()
	for b.Loop() {
		m := New(cfg)
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		m.Update(readFirstFrame(m.cfg)())
		if !strings.Contains(m.View().Content, "checks in") {
			b.Fatal("no kept first frame")
		}
	}
}

// BenchmarkRender measures drawing one frame of each view at 120×40 from a
// loaded session, with a device opened, the redline laid out and
// MT-L3-LLM in the editor.
func BenchmarkRender(b *testing.B) {
	m := loaded(b, 120, 40)
	openCriterion(b, m, "MT-L3-LLM")
	m.openDevice("mt-plovik-vinta-9-lite-0031")
	m.switchTo(diffView)
	if len(m.diff.rows) == 0 {
		b.Fatal("no redline laid out")
	}
	b.ResetTimer()
	for b.Loop() {
		for v := range numViews {
			m.view = v
			_ = m.View()
		}
	}
}

// BenchmarkKeystroke measures a keystroke in the editor to its results on
// screen, on the built-in corpus: the edit of one threshold of MT-L3-LLM,
// the draft compiled again with the edit, the verdicts that it can change
// re-checked by the engine, the impact, the criterion changes and the
// redline made again, and the Edit view drawn. The debounce that waits for
// the end of a burst of typing is not counted.
func BenchmarkKeystroke(b *testing.B) {
	m, edit := editing(b, testConfig(b))
	keystrokes(b, m, edit)
}

// keystrokes makes an edit, compiles it with its results, and draws the
// screen, again and again.
func keystrokes(b *testing.B, m *App, edit func()) {
	for b.Loop() {
		edit()
		if msg := compileNow(b, m); msg.err != nil {
			b.Fatal(msg.err)
		}
		_ = m.View()
	}
}

// BenchmarkKeystrokeNewText is BenchmarkKeystroke with a text never
// compiled before at each keystroke (the threshold counts up, 7, 8, …, 10,
// 11, …), as when someone types: the compile guard compiles each text
// before the workbench does, where BenchmarkKeystroke's two texts are known
// to it after the first two. LADDER_TEST_NO_GUARD=1 measures the same
// without a guard.
func BenchmarkKeystrokeNewText(b *testing.B) {
	m := loaded(b, 120, 40)
	openCriterion(b, m, "MT-L3-LLM")
	gotoEnd(m, lineOf(b, m, "on_device_llm_params_b: >=7"))
	n := 7
	keystrokes(b, m, func() {
		for range len(strconv.Itoa(n)) {
			press(m, "backspace")
		}
		n++
		for _, d := range strconv.Itoa(n) {
			press(m, string(d))
		}
	})
}

// BenchmarkKeystrokeFromScratch is the same edit evaluated without the
// incremental path: the standard loaded, the corpus read and graded under
// both revisions anew, as the workbench does at its start.
func BenchmarkKeystrokeFromScratch(b *testing.B) {
	m, edit := editing(b, testConfig(b))
	for b.Loop() {
		edit()
		m.ov.set(m.texts())
		cfg := m.cfg
		cfg.Base, cfg.Working = m.s.base.Revision.ID, m.s.work.Revision.ID
		msg := load(cfg, spec.NewWorkspace(m.ov, ""))().(loadedMsg)
		if msg.err != nil {
			b.Fatal(msg.err)
		}
		m.Update(msg)
		_ = m.View()
	}
}

// BenchmarkKeystrokeLarge is BenchmarkKeystroke with 100,000 generated
// devices added to the corpus (as `--corpus` adds them), 14,286 of them
// mobile terminals graded by the criterion edited.
func BenchmarkKeystrokeLarge(b *testing.B) {
	cfg := testConfig(b)
	cfg.Corpus = append(cfg.Corpus, generated(b, 100_000))
	m, edit := editing(b, cfg)
	keystrokes(b, m, edit)
}

// BenchmarkKeystrokeLargeWide is BenchmarkKeystrokeLarge with edits that
// move thousands of devices, as tui/scripts/keylatency.sh types them:
// MT-L3-LLM's threshold goes from >=12 to >=1 and back, by a backspace and
// a digit, which changes some 12,000 verdicts and 5,000 levels each time.
func BenchmarkKeystrokeLargeWide(b *testing.B) {
	cfg := testConfig(b)
	cfg.Corpus = append(cfg.Corpus, generated(b, 100_000))
	m := start(b, cfg, 120, 40, nil)
	openCriterion(b, m, "MT-L3-LLM")
	gotoEnd(m, lineOf(b, m, "on_device_llm_params_b: >=7"))
	press(m, "backspace", "1", "0")
	compileNow(b, m)
	i := 0
	keystrokes(b, m, func() {
		i++
		if i%2 == 1 {
			press(m, "backspace")
		} else {
			press(m, "2")
		}
	})
	if d := m.s.cmp.Delta; d != nil {
		b.ReportMetric(float64(len(d.Verdicts)), "verdicts")
		b.ReportMetric(float64(len(d.Levels)), "levels")
	}
}

// generated writes n devices from the generator, aimed at the draft, to a
// file of JSON Lines, and returns its path.
func generated(b *testing.B, n int) string {
	b.Helper()
	draft, err := spec.NewWorkspace(spectest.FS(b), "").Load("gbz177-l4-draft")
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := fixtures.Generate(&buf, draft, 42, n); err != nil {
		b.Fatal(err)
	}
	name := filepath.Join(b.TempDir(), "generated.jsonl")
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	return name
}

// editing opens MT-L3-LLM in the editor at its threshold, in a workbench
// started on cfg, and returns an edit that flips the threshold between 6
// and 7.
func editing(b *testing.B, cfg Config) (*App, func()) {
	m := start(b, cfg, 120, 40, nil)
	openCriterion(b, m, "MT-L3-LLM")
	gotoEnd(m, lineOf(b, m, "on_device_llm_params_b: >=7"))
	digits := []string{"6", "7"}
	i := 0
	return m, func() {
		press(m, "backspace", digits[i%2])
		i++
	}
}
