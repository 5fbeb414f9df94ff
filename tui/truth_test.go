package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
	"github.com/ladderworks/ladder/tui/safefile"
)

// The tests of this file hold that the workbench tells the truth after
// every action: whatever was done, every view shows what a fresh start on
// the same files would show.

// noTick stands for tea.Tick in tests: the journal's and the watcher's
// ticks never come, so that settle can run every other command at once.
func noTick(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }

// cmdType is the type of a command, to find the sequences of tea.Sequence.
var cmdType = reflect.TypeFor[tea.Cmd]()

// settle runs a command as the program would, and the commands of the
// messages it leads to, until none is left; tea.Quit ends it.
func settle(t testing.TB, m *App, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			t.Fatal("the workbench's commands do not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
			return
		default:
			// tea.Sequence's message is a slice of commands.
			if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == cmdType {
				for i := range v.Len() {
					queue = append(queue, v.Index(i).Interface().(tea.Cmd))
				}
				continue
			}
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// startSettled starts the workbench on a configuration at a size, as the
// program does, with every command of its start run.
func startSettled(t testing.TB, cfg Config, w, h int) *App {
	t.Helper()
	m := New(cfg)
	m.tick = noTick
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	settle(t, m, load(m.cfg, m.ws))
	if m.s == nil {
		t.Fatalf("the workbench did not start: %v", m.err)
	}
	return m
}

// type_ presses keys by name, one at a time, running what each leads to.
func type_(t testing.TB, m *App, names ...string) {
	t.Helper()
	for _, k := range names {
		msg, ok := keys[k]
		if !ok {
			msg = tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
		}
		_, cmd := m.Update(msg)
		settle(t, m, cmd)
	}
}

// truthful checks that the session on screen is what a fresh start on the
// workspace's files shows for the same two revisions: every device's level
// under each, every criterion's text and pass count, and the changes
// between them. It checks the Spec view's drawing of a criterion too.
func truthful(t *testing.T, m *App, dir string) {
	t.Helper()
	if m.compileErr != nil || m.err != nil {
		t.Fatalf("the workbench shows an error: %v %v", m.compileErr, m.err)
	}
	ws, err := spec.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Workspace: ws, Base: m.s.base.Revision.ID, Working: m.s.work.Revision.ID, Timeout: spectest.Timeout}
	msg := load(cfg, ws)().(loadedMsg)
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	fresh := msg.s
	for _, r := range fresh.devices {
		got := m.s.row(r.dev.ID)
		if got == nil || got.from != r.from || got.to != r.to {
			t.Errorf("device %s: the workbench shows %v, a fresh start %s → %s", r.dev.ID, got, r.from, r.to)
		}
	}
	if len(m.s.devices) != len(fresh.devices) {
		t.Errorf("%d devices, a fresh start %d", len(m.s.devices), len(fresh.devices))
	}
	for _, want := range fresh.work.Revision.Criteria() {
		got := m.s.work.Revision.Criterion(want.ID)
		if got == nil || got.Source != want.Source {
			t.Errorf("criterion %s: the workbench shows %q, the disk has %q", want.ID, sourceOf(got), want.Source)
			continue
		}
		gp, gof, _ := m.s.workState.Passes(want.ID)
		fp, fof, _ := fresh.workState.Passes(want.ID)
		if gp != fp || gof != fof {
			t.Errorf("criterion %s passes %d/%d, a fresh start %d/%d", want.ID, gp, gof, fp, fof)
		}
	}
	if g, f := len(m.s.diff().changes.Criteria), len(fresh.diff().changes.Criteria); g != f {
		t.Errorf("%d criterion changes, a fresh start %d", g, f)
	}
}

func sourceOf(c *spec.Criterion) string {
	if c == nil {
		return "(none)"
	}
	return c.Source
}

// editThreshold opens MT-L3-LLM and sets its bound to n, with the keys.
func editThreshold(t *testing.T, m *App, n string) {
	t.Helper()
	type_(t, m, "1")
	openCriterion(t, m, "MT-L3-LLM")
	gotoEnd(m, lineOf(t, m, "on_device_llm_params_b: >=7"))
	type_(t, m, "backspace")
	for _, r := range n {
		type_(t, m, string(r))
	}
}

// TestSavedEditSurvivesSwitches is point 1 of the issue: edit, save, leave
// the editor, switch the working revision away and back; every view shows
// the saved text and its counts.
func TestSavedEditSurvivesSwitches(t *testing.T) {
	dir := spectest.Dir(t)
	m := startSettled(t, diskConfig(t, dir, t.TempDir()), 120, 40)
	editThreshold(t, m, "50")
	type_(t, m, "ctrl+s")
	if !strings.Contains(m.notice, "saved") {
		t.Fatalf("no save: %q %v", m.notice, m.err)
	}
	type_(t, m, "esc")
	type_(t, m, "w")
	if m.s.work.Revision.ID == spectest.Draft {
		t.Fatal("w did not switch the working revision")
	}
	type_(t, m, "w")
	if m.s.work.Revision.ID != spectest.Draft {
		t.Fatalf("w w ends on %s", m.s.work.Revision.ID)
	}
	truthful(t, m, dir)
	type_(t, m, "2")
	pass, _, _ := m.s.workState.Passes("MT-L3-LLM")
	got := regexp.MustCompile(`MT-L3-LLM +\d+ → (\d+) `).FindStringSubmatch(screen(m))
	if got == nil || got[1] != fmt.Sprint(pass) {
		t.Errorf("the Impact view's pass counts show %q for MT-L3-LLM, want → %d:\n%s", got, pass, screen(m))
	}
}

// TestVetFindingsWhileTyping is point 3: a typo in a measurement's name,
// or a value of the wrong type, is shown in the editor (a mark and the
// message at the line) and in the Effect pane, within the compilation of
// the keystroke that makes it.
func TestVetFindingsWhileTyping(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"a misspelt measurement", "on_device_llm_params_b: >=7", "on_device_llm_param_b: >=7",
			"constrains measurements.on_device_llm_param_b, which #Measurements does not define (did you mean measurements.on_device_llm_params_b?)"},
		{"a string for a number", "on_device_llm_params_b: >=7", `on_device_llm_params_b: "8"`,
			`criterion MT-L3-LLM can never pass: it asks "8" of on_device_llm_params_b`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := startSettled(t, diskConfig(t, spectest.Dir(t), t.TempDir()), 200, 50)
			type_(t, m, "1")
			openCriterion(t, m, "MT-L3-LLM")
			line := lineOf(t, m, tc.old)
			gotoEnd(m, line)
			for range len([]rune(tc.old)) {
				type_(t, m, "backspace")
			}
			// The indentation stays; the new text is typed key by key, and
			// each key is compiled before the next (settle).
			for _, r := range tc.new {
				type_(t, m, string(r))
			}
			f := m.edit.file()
			if len(f.findings) == 0 {
				t.Fatalf("no finding in %s after the edit", f.key)
			}
			out := screen(m)
			if !strings.Contains(strings.ReplaceAll(out, "\n", " "), "▲") {
				t.Errorf("no ▲ mark on screen:\n%s", out)
			}
			// The editor's last line says it at the cursor's line; the
			// Effect pane lists it.
			if status := rowOf(out, fmt.Sprintf("▲ %d:", line)); !strings.Contains(unframed(out), tc.want[:40]) || status == "" {
				t.Errorf("the finding %q is not shown at line %d:\n%s", tc.want, line, out)
			}
			// The Problems view lists it; enter goes back to it.
			type_(t, m, "esc", "7")
			if out := unframed(screen(m)); !strings.Contains(out, "vet finds in gbz177-l4-draft (1)") || !strings.Contains(out, tc.want[:40]) {
				t.Errorf("the Problems view does not list the finding:\n%s", screen(m))
			}
			type_(t, m, "enter")
			if m.view != editView || m.edit.file().buf.Cursor().Line+1 != line {
				t.Errorf("enter on the finding shows view %s at line %d, want the editor at %d", m.view, m.edit.file().buf.Cursor().Line+1, line)
			}
			// Fixed, it goes.
			type_(t, m, "ctrl+z")
			for m.edit.file().buf.Modified() {
				type_(t, m, "ctrl+z")
			}
			if n := len(m.edit.file().findings); n != 0 {
				t.Errorf("%d findings after undoing the edit", n)
			}
		})
	}
}

// rowOf returns the first row of a screen that holds s, or "".
func rowOf(screen, s string) string {
	for _, row := range strings.Split(screen, "\n") {
		if strings.Contains(row, s) {
			return row
		}
	}
	return ""
}

// unframed joins a screen's rows, without the frames of the panes, so that
// a message wrapped over rows reads as one.
func unframed(screen string) string {
	var b strings.Builder
	for _, row := range strings.Split(screen, "\n") {
		for _, part := range strings.FieldsFunc(row, func(r rune) bool { return strings.ContainsRune("│╭╮╰╯", r) }) {
			b.WriteString(strings.TrimSpace(part) + " ")
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// TestBrokenDraftStaysFixable is point 4: a draft saved while it does not
// compile is, at the next start, the working revision still: open in the
// editor at its error, with the error at its line, while the other views
// show the newest revision that compiles, and the records that hold its
// measurements stay valid. Fixed in the editor, it is evaluated.
func TestBrokenDraftStaysFixable(t *testing.T) {
	draft := spectest.RevFile(spectest.Draft, "speaker.cue")
	dir := spectest.Dir(t, spectest.Replace(draft, "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=95 &"))
	m := startSettled(t, diskConfig(t, dir, t.TempDir()), 120, 40)
	if m.sh.workID != spectest.Draft || m.compileErr == nil {
		t.Fatalf("working revision %q, error %v; want the broken draft and its error", m.sh.workID, m.compileErr)
	}
	if n := len(m.s.invalid); n != 0 {
		t.Errorf("%d records invalid while the draft does not compile: %v", n, m.s.invalid[0])
	}
	if m.view != editView || m.edit.file() == nil || m.edit.file().key != draft {
		t.Fatalf("the editor does not show %s", draft)
	}
	f := m.edit.file()
	if len(f.errs) == 0 {
		t.Fatal("the file shows no error")
	}
	out := screen(m)
	if !strings.Contains(out, "●") || !strings.Contains(out, "showing gbz177-2026 meanwhile") {
		t.Errorf("the error or what is shown meanwhile is not on screen:\n%s", out)
	}
	// The Problems view says it, and enter goes back to it.
	type_(t, m, "esc", "7")
	if out := unframed(screen(m)); !strings.Contains(out, "gbz177-l4-draft does not compile (") {
		t.Errorf("the Problems view does not say the draft does not compile:\n%s", screen(m))
	}
	type_(t, m, "enter")
	if m.view != editView {
		t.Errorf("enter on the error shows %s", m.view)
	}
	// The fix: the stray & goes.
	gotoEnd(m, f.errs[0].Pos.Line)
	line := lineOf(t, m, "wake_rate_quiet_pct: >=95 &")
	gotoEnd(m, line)
	type_(t, m, "backspace", "backspace")
	if m.compileErr != nil || m.s.work.Revision.ID != spectest.Draft {
		t.Fatalf("after the fix: error %v, working %s", m.compileErr, m.s.work.Revision.ID)
	}
	type_(t, m, "ctrl+s")
	truthful(t, m, dir)
}

// TestSavingABrokenRevisionAsks: a save of edits with which the working
// revision does not compile asks first; cancelled, nothing is written.
func TestSavingABrokenRevisionAsks(t *testing.T) {
	dir := spectest.Dir(t)
	m := startSettled(t, diskConfig(t, dir, t.TempDir()), 120, 40)
	type_(t, m, "1")
	openCriterion(t, m, "MT-L3-LLM")
	gotoEnd(m, lineOf(t, m, "on_device_llm_params_b: >=7"))
	type_(t, m, " ", "&")
	if m.compileErr == nil {
		t.Fatal("the edit compiles")
	}
	path := m.diskPath(m.edit.file().key)
	before, _ := os.ReadFile(path)
	type_(t, m, "ctrl+s")
	if m.dlg == nil || m.dlg.title != "Save a revision that does not compile?" {
		t.Fatalf("no question: %+v", m.dlg)
	}
	type_(t, m, "esc")
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("cancelled, the file was written")
	}
	type_(t, m, "ctrl+s", "s")
	if after, _ := os.ReadFile(path); !strings.Contains(string(after), ">=7 &") {
		t.Fatal("answered s, the file was not written")
	}
}

// secondDraft adds to a workspace a draft zz-draft, a copy of the built-in
// draft: the newest draft, which the workbench works on by default. Its
// base is the edition, or the base given.
func secondDraft(t *testing.T, dir string, base ...string) {
	t.Helper()
	from := filepath.Join(dir, "cue", "revisions", spectest.Draft)
	to := filepath.Join(dir, "cue", "revisions", "zz-draft")
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
	schema := filepath.Join(to, "schema.cue")
	data, err := os.ReadFile(schema)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), `id:     "gbz177-l4-draft"`, `id:     "zz-draft"`, 1))
	if len(base) > 0 {
		data = []byte(strings.Replace(string(data), `base:   "gbz177-2026"`, `base:   "`+base[0]+`"`, 1))
	}
	if err := os.WriteFile(schema, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRecoveryWorksOnTheRecoveredRevision is point 2: an unsaved edit of a
// draft that is not the one the workbench starts on is recovered; the
// working revision becomes the edit's, whose results every view shows, and
// further typing in the recovered file changes them.
func TestRecoveryWorksOnTheRecoveredRevision(t *testing.T) {
	dir, journal := spectest.Dir(t), t.TempDir()
	secondDraft(t, dir)
	key := spectest.RevFile(spectest.Draft, "mobile_terminal.cue")
	disk, err := os.ReadFile(filepath.Join(dir, key))
	if err != nil {
		t.Fatal(err)
	}
	edit := strings.Replace(string(disk), "on_device_llm_params_b: >=7", "on_device_llm_params_b: >=50", 1)
	j := &safefile.Journal{Dir: journal}
	if err := j.Put(safefile.Entry{Path: key, Base: safefile.StampOf(disk), Content: []byte(edit), Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	m := startSettled(t, diskConfig(t, dir, journal), 120, 40)
	if m.sh.workID != "zz-draft" || m.dlg == nil {
		t.Fatalf("working %s, dialog %v; want zz-draft and the offer to recover", m.sh.workID, m.dlg)
	}
	type_(t, m, "r")
	if m.sh.workID != spectest.Draft || m.s.work.Revision.ID != spectest.Draft {
		t.Fatalf("after recovery the working revision is %s (session %s), want %s", m.sh.workID, m.s.work.Revision.ID, spectest.Draft)
	}
	if src := m.s.work.Revision.Criterion("MT-L3-LLM").Source; !strings.Contains(src, ">=50") {
		t.Fatalf("the session does not have the recovered edit: %s", src)
	}
	// Typing in the recovered file changes the results.
	before, _, _ := m.s.workState.Passes("MT-L3-LLM")
	gotoEnd(m, lineOf(t, m, "on_device_llm_params_b: >=50"))
	type_(t, m, "backspace", "backspace", "1")
	if after, _, _ := m.s.workState.Passes("MT-L3-LLM"); after == before {
		t.Errorf("typing in the recovered file did not change MT-L3-LLM's passes (%d)", after)
	}
	type_(t, m, "ctrl+s")
	truthful(t, m, dir)
}

// TestTruthAfterEveryAction: after an edit is saved, each of rename, fork
// and a change by another program leaves every view as a fresh start on
// the files would show it.
func TestTruthAfterEveryAction(t *testing.T) {
	for _, tc := range []struct {
		name string
		act  func(t *testing.T, m *App, dir string)
		// working is the working revision after it.
		working string
	}{
		{"rename", func(t *testing.T, m *App, dir string) {
			type_(t, m, "1", "R")
			m.dlg.input.SetValue("renamed-draft")
			type_(t, m, "enter")
		}, "renamed-draft"},
		{"fork", func(t *testing.T, m *App, dir string) {
			type_(t, m, "1", "f")
			m.dlg.input.SetValue("forked-draft")
			type_(t, m, "enter")
		}, "forked-draft"},
		{"a change on disk", func(t *testing.T, m *App, dir string) {
			settle(t, m, m.scan(false)) // the watcher's first look
			path := filepath.Join(dir, spectest.RevFile(spectest.Draft, "speaker.cue"))
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			data = []byte(strings.Replace(string(data), "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=99", 1))
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			settle(t, m, m.scan(false))
		}, spectest.Draft},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := spectest.Dir(t)
			m := startSettled(t, diskConfig(t, dir, t.TempDir()), 120, 40)
			editThreshold(t, m, "50")
			type_(t, m, "ctrl+s", "esc")
			tc.act(t, m, dir)
			if m.sh.workID != tc.working || m.s.work.Revision.ID != tc.working {
				t.Fatalf("working revision %s (session %s), want %s", m.sh.workID, m.s.work.Revision.ID, tc.working)
			}
			truthful(t, m, dir)
		})
	}
}

// TestInvalidRecordsListed is point 5: a vendor's device file that breaks
// the schema is listed with its file:line:col, field and reason; fixed on
// disk, it is read again and graded.
func TestInvalidRecordsListed(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "mine.json")
	bad := `{"id": "my-phone", "name": "My Phone", "vendor": "Me", "category": "mobile_terminal",
 "measurements": {"npu_tops_int8": "fast"}}`
	if err := os.WriteFile(mine, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t)
	cfg.Corpus = []string{mine}
	m := startSettled(t, cfg, 120, 40)
	if len(m.s.invalid) == 0 {
		t.Fatal("the record is not invalid")
	}
	if !strings.Contains(screen(m), "invalid (7 lists them)") {
		t.Errorf("the status line does not point at the list:\n%s", screen(m))
	}
	type_(t, m, "7")
	out := unframed(screen(m))
	for _, want := range []string{"device records not graded (1)", mine + ":2:36", "measurements.npu_tops_int8: "} {
		if !strings.Contains(out, want) {
			t.Errorf("the Problems view does not show %q:\n%s", want, screen(m))
		}
	}
	// The file is watched: fixed, it is graded.
	settle(t, m, m.scan(false))
	good := strings.Replace(bad, `"fast"`, "45", 1)
	if err := os.WriteFile(mine, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	settle(t, m, m.scan(false))
	if n := len(m.s.invalid); n != 0 {
		t.Fatalf("after the fix, %d records are invalid", n)
	}
	if r := m.s.row("my-phone"); r == nil || !r.theirs {
		t.Fatalf("the fixed device is not graded as the user's: %+v", r)
	}
	if out := screen(m); !strings.Contains(out, "Problems · none") {
		t.Errorf("the Problems view still lists problems:\n%s", out)
	}
}

// TestStartFailures is point 6: a start that cannot show anything (an
// unknown or unresolvable revision, an unreadable corpus) ends the program
// with the reason, which the command prints before it exits 2; a base from
// git (ID@REV) is taken as diff takes it.
func TestStartFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  func(*Config)
		want string
	}{
		{"an unknown base", func(c *Config) { c.Base = "nope" }, `the base revision: unknown revision "nope"`},
		{"an unknown working revision", func(c *Config) { c.Working = "nope" }, `the working revision: unknown revision "nope"`},
		{"a working revision from git", func(c *Config) { c.Working = spectest.Draft + "@HEAD" }, "it is edited, so it is one of the workspace's"},
		{"a base from git outside git", func(c *Config) { c.Base = spectest.Draft + "@HEAD" }, "the base revision: "},
		{"a corpus that cannot be read", func(c *Config) { c.Corpus = []string{"/nonexistent/devices.json"} }, "/nonexistent/devices.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := diskConfig(t, spectest.Dir(t), t.TempDir())
			tc.cfg(&cfg)
			m := New(cfg)
			m.tick = noTick
			m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
			settle(t, m, load(m.cfg, m.ws))
			if err := m.StartError(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("StartError() = %v, want one that says %q", err, tc.want)
			}
		})
	}
}

// TestBaseFromGit starts on the repository itself, which is a git
// checkout, with a base read from its history, as diff reads one.
func TestBaseFromGit(t *testing.T) {
	ws, err := spec.Open(spectest.Root(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := startSettled(t, Config{Workspace: ws, Base: spectest.Edition + "@HEAD", JournalDir: t.TempDir()}, 120, 40)
	if m.s.base.Revision.ID != spectest.Edition || m.s.std.Loaded(spectest.Edition) == m.s.base.Revision {
		t.Errorf("the base is %s (the workspace's own: %v), want the edition read from git", m.s.base.Revision.ID, m.s.std.Loaded(spectest.Edition) == m.s.base.Revision)
	}
	if len(m.s.invalid) != 0 {
		t.Errorf("%d invalid records", len(m.s.invalid))
	}
}

// TestDeleteRebasesChildren is point 7's first: deleting a draft that
// another is based on says so, and gives that one the deleted draft's base,
// so that no base dangles.
func TestDeleteRebasesChildren(t *testing.T) {
	dir := spectest.Dir(t)
	secondDraft(t, dir, spectest.Draft)
	cfg := diskConfig(t, dir, t.TempDir())
	cfg.Working = spectest.Draft
	m := startSettled(t, cfg, 120, 40)
	type_(t, m, "1", "D")
	if m.dlg == nil || !strings.Contains(strings.Join(m.dlg.body, " "), "Based on it: zz-draft. Their base becomes gbz177-2026.") {
		t.Fatalf("the question does not say what is based on the draft: %+v", m.dlg)
	}
	type_(t, m, "y")
	ws, err := spec.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	std, err := ws.LoadAll(spectest.Timeout)
	if err != nil {
		t.Fatal(err)
	}
	zz := std.Loaded("zz-draft")
	if zz == nil || zz.Base != spectest.Edition || std.Loaded(spectest.Draft) != nil {
		t.Fatalf("after the delete: zz-draft %v (base %q), the draft %v", zz != nil, zz.Base, std.Loaded(spectest.Draft) != nil)
	}
	for _, f := range spec.Lint(zz, std.IDs) {
		if f.Rule == "base" {
			t.Errorf("a dangling base: %s", f)
		}
	}
	if m.sh.workID != spectest.Edition {
		t.Errorf("the working revision is %s, want the deleted draft's base", m.sh.workID)
	}
	truthful(t, m, dir)
}

// TestSetRevision sets, adds and removes the fields of a revision block.
func TestSetRevision(t *testing.T) {
	src := "package x\n\nrevision: {\n\tid:     \"a\"\n\tstatus: \"draft\"\n\tbase:   \"b\"\n}\n\nx: 1\n"
	for _, tc := range []struct {
		name   string
		fields map[string]string
		want   string
	}{
		{"set", map[string]string{"base": "c"}, "revision: {\n\tid:     \"a\"\n\tstatus: \"draft\"\n\tbase:   \"c\"\n}"},
		{"add", map[string]string{"title": "T"}, "\tbase:   \"b\"\n\ttitle:  \"T\"\n}"},
		{"remove", map[string]string{"base": ""}, "revision: {\n\tid:     \"a\"\n\tstatus: \"draft\"\n}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, ok, err := setRevision([]byte(src), tc.fields)
			if err != nil || !ok || !strings.Contains(string(out), tc.want) || !strings.Contains(string(out), "x: 1") {
				t.Errorf("setRevision(%v) = %q, %v, %v; want it to hold %q", tc.fields, out, ok, err, tc.want)
			}
		})
	}
}

// TestEffectOfThisEdit: the Effect pane says what the unsaved edit does,
// against the file as saved, apart from base against working.
func TestEffectOfThisEdit(t *testing.T) {
	m := startSettled(t, diskConfig(t, spectest.Dir(t), t.TempDir()), 160, 60)
	editThreshold(t, m, "4") // >=7 becomes >=4: the device the draft moved down comes back
	out := unframed(screen(m))
	if !strings.Contains(out, "this edit moves 1 device") || !strings.Contains(out, "(against the file as saved)") || !strings.Contains(out, "mt-plovik-vinta-9-lite-0031 L2→L3") {
		t.Errorf("the Effect pane does not say what this edit does:\n%s", screen(m))
	}
	type_(t, m, "ctrl+s")
	if out := unframed(screen(m)); strings.Contains(out, "this edit moves") {
		t.Errorf("saved, the Effect pane still shows an unsaved edit:\n%s", screen(m))
	}
}

// TestRemembersTheWorkingRevision is point 7's last: after a restart, the
// workbench works on the revision the drafter was working on, unless the
// command line names another.
func TestRemembersTheWorkingRevision(t *testing.T) {
	dir := spectest.Dir(t)
	remember := func() Config {
		cfg := diskConfig(t, dir, t.TempDir())
		cfg.Remember = true
		return cfg
	}
	m := startSettled(t, remember(), 120, 40)
	if m.sh.workID != spectest.Draft {
		t.Fatalf("working on %s", m.sh.workID)
	}
	type_(t, m, "w") // the edition
	if m.sh.workID != spectest.Edition {
		t.Fatalf("after w, working on %s", m.sh.workID)
	}
	again := startSettled(t, remember(), 120, 40)
	if again.sh.workID != spectest.Edition {
		t.Errorf("after a restart, working on %s, want %s", again.sh.workID, spectest.Edition)
	}
	cfg := remember()
	cfg.Working = spectest.Draft
	if named := startSettled(t, cfg, 120, 40); named.sh.workID != spectest.Draft {
		t.Errorf("with --rev, working on %s", named.sh.workID)
	}
}

// TestStatusLineForgetsTheKeystroke: the time from a keystroke to its
// results is shown until an evaluation that no keystroke led to (a switch
// of revisions, a reload) replaces the results.
func TestStatusLineForgetsTheKeystroke(t *testing.T) {
	m := startSettled(t, diskConfig(t, spectest.Dir(t), t.TempDir()), 200, 40)
	editThreshold(t, m, "4")
	if !strings.Contains(screen(m), "keystroke → results") {
		t.Fatalf("no keystroke time after an edit:\n%s", screen(m))
	}
	type_(t, m, "ctrl+s", "esc", "w")
	if out := screen(m); strings.Contains(out, "keystroke →") {
		t.Errorf("after w, the status line still shows a keystroke's time:\n%s", out)
	}
}

// TestRefusedKeysSayWhy is point 7's second: with edits that do not
// compile, the keys that cannot act say why instead of doing nothing.
func TestRefusedKeysSayWhy(t *testing.T) {
	m := startSettled(t, diskConfig(t, spectest.Dir(t), t.TempDir()), 200, 40)
	type_(t, m, "1")
	openCriterion(t, m, "MT-L3-LLM")
	gotoEnd(m, lineOf(t, m, "on_device_llm_params_b: >=7"))
	type_(t, m, " ", "&")
	if m.compileErr == nil {
		t.Fatal("the edit compiles")
	}
	for _, tc := range []struct{ keys []string }{
		{[]string{"ctrl+e"}},
		{[]string{"esc", "D"}},
		{[]string{"esc", "w"}},
	} {
		type_(t, m, tc.keys...)
		if m.notice == "" {
			t.Errorf("%v did nothing and said nothing", tc.keys)
		} else if !strings.Contains(screen(m), m.notice[:min(len(m.notice), 40)]) {
			t.Errorf("%v: the notice %q is not on screen", tc.keys, m.notice)
		}
		type_(t, m, "6")
	}
}
