package tui

import (
	"bytes"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
	"github.com/ladderworks/ladder/tui/safefile"
)

// testConfig is the built-in standard and corpus, and one device of the
// user's own.
func testConfig(t testing.TB) Config {
	builtin := spectest.FS(t)
	return Config{
		Workspace: spec.NewWorkspace(builtin, ""),
		Builtin:   builtin,
		Corpus:    []string{"testdata/yours.json"},
		// Never the user's own journal of the built-in standard.
		JournalDir: filepath.Join(os.TempDir(), fmt.Sprintf("ladder-tui-test-%d", os.Getpid())),
	}
}

// loaded returns the workbench at a size with the session loaded, its cost
// fixed so that renders do not depend on the machine.
func loaded(t testing.TB, w, h int) *App {
	t.Helper()
	return start(t, testConfig(t), w, h, func(s *session) { s.took = 2100 * time.Microsecond })
}

// start starts the workbench on a configuration at a size, with its first
// session loaded and, if fix is set, adjusted by it.
func start(t testing.TB, cfg Config, w, h int, fix func(*session)) *App {
	t.Helper()
	m := New(cfg)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	msg := load(m.cfg, m.ws)().(loadedMsg)
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	if fix != nil {
		fix(msg.s)
	}
	m.Update(msg)
	return m
}

// keys are the keys that tests press by name; any other name is the key
// of its first character, typed.
var keys = map[string]tea.KeyPressMsg{
	"enter":     {Code: tea.KeyEnter},
	"esc":       {Code: tea.KeyEscape},
	"tab":       {Code: tea.KeyTab},
	"down":      {Code: tea.KeyDown},
	"end":       {Code: tea.KeyEnd},
	"backspace": {Code: tea.KeyBackspace},
	"ctrl+z":    {Code: 'z', Mod: tea.ModCtrl},
	"ctrl+y":    {Code: 'y', Mod: tea.ModCtrl},
	"ctrl+s":    {Code: 's', Mod: tea.ModCtrl},
	"ctrl+e":    {Code: 'e', Mod: tea.ModCtrl},
	"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
}

// press presses keys, by name, one at a time.
func press(m *App, names ...string) {
	for _, k := range names {
		msg, ok := keys[k]
		if !ok {
			msg = tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
		}
		m.Update(msg)
	}
}

// screen is what the workbench shows, without colors.
func screen(m *App) string {
	return ansi.Strip(m.View().Content)
}

// checkSize checks that a screen has exactly the terminal's rows, each
// exactly as wide as the terminal in display cells.
func checkSize(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("%d rows, want %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw != w {
			t.Errorf("row %d is %d cells wide, want exactly %d: %q", i+1, lw, w, l)
		}
	}
}

// goldenSizes are the sizes the views' goldens are drawn at.
var goldenSizes = [][2]int{{60, 20}, {80, 24}, {120, 40}, {200, 60}}

// TestViewsGolden renders every view at 60×20, 80×24, 120×40 and 200×60, on
// the built-in standard, whose corpus has devices with Chinese names and
// vendors. Run go test ./tui -run TestViewsGolden -update to accept a
// change.
func TestViewsGolden(t *testing.T) {
	for _, size := range goldenSizes {
		for v := range numViews {
			t.Run(fmt.Sprintf("%s-%dx%d", v, size[0], size[1]), func(t *testing.T) {
				m := loaded(t, size[0], size[1])
				switch v {
				case corpusView:
					// The phones of Chinese vendors.
					press(m, "4", "/")
					for _, r := range "远航" {
						m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
					}
					press(m, "enter")
				case deviceView:
					// The device that the draft's MT-L3-LLM moves down.
					m.openDevice("mt-plovik-vinta-9-lite-0031")
				case editView:
					openCriterion(t, m, "MT-L3-LLM")
				}
				m.switchTo(v)
				out := screen(m)
				checkSize(t, out, size[0], size[1])
				golden.RequireEqual(t, out)
			})
		}
	}
}

// TestViewsGoldenChinese renders every view with Chinese titles, names and
// vendors, emoji and combining marks, at the four sizes: columns and
// borders line up in display cells.
func TestViewsGoldenChinese(t *testing.T) {
	for _, size := range goldenSizes {
		for v := range numViews {
			t.Run(fmt.Sprintf("%s-%dx%d", v, size[0], size[1]), func(t *testing.T) {
				m := start(t, chineseConfig(t), size[0], size[1], func(s *session) { s.took = 2100 * time.Microsecond })
				switch v {
				case corpusView:
					press(m, "4", "/", "z", "h", "enter")
				case deviceView:
					m.openDevice("mt-zh-1")
				case editView:
					openCriterion(t, m, "MT-L3-LLM")
				}
				m.switchTo(v)
				out := screen(m)
				checkSize(t, out, size[0], size[1])
				golden.RequireEqual(t, out)
			})
		}
	}
}

// TestViewsGoldenSecondLadder renders every view at the four sizes on the
// second example standard: categories of five, three and four levels,
// families of other names, nested measurements, Chinese vendor names. Run go
// test ./tui -run TestViewsGoldenSecondLadder -update to accept a change.
func TestViewsGoldenSecondLadder(t *testing.T) {
	cfg := Config{
		Workspace:  spec.NewWorkspace(os.DirFS(spectest.Autonomy(t)), "autonomy"),
		JournalDir: t.TempDir(),
	}
	for _, size := range goldenSizes {
		for v := range numViews {
			t.Run(fmt.Sprintf("%s-%dx%d", v, size[0], size[1]), func(t *testing.T) {
				m := start(t, cfg, size[0], size[1], func(s *session) { s.took = 2100 * time.Microsecond })
				switch v {
				case deviceView:
					// A vehicle that the draft's L4 and L5 move up.
					m.openDevice("pv-kestrila-pod")
				case editView:
					openCriterion(t, m, "PV-L3-HIGHWAY-TAKEOVER")
				}
				m.switchTo(v)
				out := screen(m)
				checkSize(t, out, size[0], size[1])
				golden.RequireEqual(t, out)
			})
		}
	}
}

// openCriterion opens the file of a criterion of the working revision in
// the editor, as enter in Spec does.
func openCriterion(t testing.TB, m *App, id string) {
	t.Helper()
	c := m.s.work.Revision.Criterion(id)
	if c == nil {
		t.Fatalf("no criterion %s", id)
	}
	cmd := m.openCriterion(c)
	if cmd != nil {
		m.Update(cmd())
	}
	if m.view != editView || m.edit.file() == nil {
		t.Fatalf("%s did not open: view %s", id, m.view)
	}
}

// TestNoRowWiderThanTheTerminal renders every view, with its panes
// focused in turn and with the help shown, at sizes from tiny to wide, in
// color.
func TestNoRowWiderThanTheTerminal(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    Config
		device string
		crit   string
	}{
		{"built-in", testConfig(t), "mt-yours-x1", "MT-L3-LLM"},
		{"chinese", chineseConfig(t), "mt-zh-1", "MT-L3-LLM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := start(t, tc.cfg, 80, 24, nil)
			openCriterion(t, m, tc.crit)
			m.openDevice(tc.device)
			for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}, {60, 20}, {60, 18}, {40, 10}, {20, 5}} {
				m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				for v := range numViews {
					m.view = v
					m.pending[v] |= newSize | shown
					m.refreshView()
					for f := range viewPanes[v] {
						m.focus[v] = f
						checkSize(t, m.View().Content, size[0], size[1])
					}
				}
				m.showHelp = true
				checkSize(t, m.View().Content, size[0], size[1])
				m.showHelp = false
				// A dialog with a long diff in it.
				m.askConflict(m.edit.cur, &safefile.ChangedError{Path: m.edit.cur, Disk: []byte("other\n")}, nil)
				checkSize(t, m.View().Content, size[0], size[1])
				m.dlg = nil
			}
		})
	}
}

// chineseConfig is the built-in standard with Chinese text where drafters
// and vendors will write it: a criterion's title, a category's title, and
// devices of the user's with Chinese, emoji and combining marks in their
// names and vendors.
func chineseConfig(t testing.TB) Config {
	mt := spectest.RevFile(spectest.Draft, "mobile_terminal.cue")
	builtin := spectest.FS(t,
		spectest.Replace(mt, `title:      "Runs a language model of at least 7B parameters on the device"`,
			`title:      "在终端侧运行参数量不少于七十亿的大语言模型，并在离线时保持流畅响应"`),
		spectest.Replace(mt, `title:  "Mobile terminal"`, `title:  "移动终端（智能手机、平板电脑）"`),
	)
	return Config{
		Workspace:  spec.NewWorkspace(builtin, ""),
		Builtin:    builtin,
		Corpus:     []string{"testdata/yours_zh.jsonl"},
		JournalDir: filepath.Join(os.TempDir(), fmt.Sprintf("ladder-tui-test-zh-%d", os.Getpid())),
	}
}

func TestLayout(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}, {60, 18}, {30, 8}} {
		for v := range numViews {
			l := layout(v, size[0], size[1])
			if l.header.h+l.body.h+l.status.h != size[1] {
				t.Errorf("%s %v: header %d + body %d + status %d rows", v, size, l.header.h, l.body.h, l.status.h)
			}
			// The panes tile the body: every cell of it is in exactly one.
			area := 0
			for _, p := range viewPanes[v] {
				r, ok := l.panes[p]
				if !ok {
					t.Fatalf("%s %v: no place for %d", v, size, p)
				}
				area += r.w * r.h
				if r.x < 0 || r.y < l.body.y || r.x+r.w > size[0] || r.y+r.h > l.body.y+l.body.h {
					t.Errorf("%s %v: pane %s at %+v is outside the body %+v", v, size, paneTitles[p], r, l.body)
				}
				if r.w > 0 && r.h > 0 {
					if got, ok := l.paneAt(v, r.x+r.w/2, r.y+r.h/2); !ok || got != p {
						t.Errorf("%s %v: paneAt the middle of %s = %s", v, size, paneTitles[p], paneTitles[got])
					}
				}
			}
			if area != l.body.w*l.body.h {
				t.Errorf("%s %v: panes cover %d cells of a body of %d", v, size, area, l.body.w*l.body.h)
			}
		}
	}
}

// TestKeys drives the workbench as a user would, through Update.
func TestKeys(t *testing.T) {
	m := loaded(t, 120, 40)
	out := screen(m)
	for _, want := range []string{"mobile_terminal", "earphone", "MT-L1-CONFIRM", "224 devices (1 yours)", "13,570 checks in 2.1 ms"} {
		if !strings.Contains(out, want) {
			t.Errorf("the first screen lacks %q:\n%s", want, out)
		}
	}

	// Down in the categories selects the next; its criteria follow.
	press(m, "j")
	if out := screen(m); !strings.Contains(out, "PC-L1-") || !strings.Contains(out, "Criteria · microcomputer") {
		t.Errorf("after j, the criteria are not the microcomputer's:\n%s", out)
	}
	// Right focuses the criteria; down moves to the next one, whose CUE
	// shows.
	press(m, "l", "j")
	if out := screen(m); !strings.Contains(out, "▸PC-L1-") {
		t.Errorf("no criterion selected:\n%s", out)
	}

	// The diff view shows the L4 additions.
	press(m, "3")
	if out := screen(m); !strings.Contains(out, "added     MT-L4-CROSS-DEVICE") || !strings.Contains(out, "Redline") {
		t.Errorf("the diff view lacks the L4 additions:\n%s", out)
	}
	press(m, "v")
	if !m.diff.sideBySide {
		t.Error("v did not switch the redline to side by side")
	}
	press(m, "n")
	if m.diff.red.top == 0 {
		t.Error("n did not move to the next hunk")
	}

	// The corpus filters as one types; enter opens the device.
	press(m, "4", "/", "y", "o", "u", "r", "s", "enter")
	if out := screen(m); !strings.Contains(out, "1 of 224") || !strings.Contains(out, "mt-yours-x1") {
		t.Errorf("the filter 'yours' does not find the user's device:\n%s", out)
	}
	press(m, "enter")
	out = screen(m)
	if m.view != deviceView || !strings.Contains(out, "mt-yours-x1") || !strings.Contains(out, "● yours") {
		t.Fatalf("enter did not open the device:\n%s", out)
	}
	if !strings.Contains(out, "To reach L1 under gbz177-l4-draft, meet 7 criteria") || !regexp.MustCompile(`MT-L1-CONFIRM +missing +sensitive_action_confirmation`).MatchString(out) {
		t.Errorf("the device view does not explain the level and the gap:\n%s", out)
	}
	press(m, "esc")
	if m.view != corpusView {
		t.Errorf("esc went to %s, want Corpus", m.view)
	}

	// ? shows the help; j scrolls it, and any other key closes it.
	press(m, "?")
	if out := screen(m); !strings.Contains(out, "Views") || !strings.Contains(out, "1 Spec") {
		t.Errorf("? does not show the help:\n%s", out)
	}
	press(m, "j")
	if !m.showHelp || m.helpTop != 1 {
		t.Errorf("j did not scroll the help: shown %v, top %d", m.showHelp, m.helpTop)
	}
	press(m, "x")
	if m.showHelp {
		t.Error("a key did not close the help")
	}

	// Clicking a pane focuses it; clicking a tab switches to its view.
	press(m, "1")
	l := layout(specView, 120, 40)
	src := l.panes[sourcePane]
	m.Update(tea.MouseClickMsg{X: src.x + 2, Y: src.y + 2, Button: tea.MouseLeft})
	if m.focusedPane() != sourcePane {
		t.Errorf("a click on the CUE pane focused %s", paneTitles[m.focusedPane()])
	}
	m.Update(tea.MouseClickMsg{X: strings.Index(screen(m), "2 Impact") + 1, Y: 0, Button: tea.MouseLeft})
	if m.view != impactView {
		t.Errorf("a click on the Impact tab shows %s", m.view)
	}
}

// TestBackground restyles the workbench for a light terminal.
func TestBackground(t *testing.T) {
	m := loaded(t, 80, 24)
	dark := m.st.accent
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	if m.st.accent == dark {
		t.Error("a light background kept the dark styles")
	}
	if m.sh.st != &m.st {
		t.Error("the views do not share the new styles")
	}
	checkSize(t, m.View().Content, 80, 24)
}

// TestSwitchRevision evaluates under another base revision with b.
func TestSwitchRevision(t *testing.T) {
	m := loaded(t, 120, 40)
	m.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
	if !m.busy {
		t.Fatal("b did not start an evaluation")
	}
	_, cmd := m.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
	if cmd != nil {
		t.Error("a second b started a second evaluation while one runs")
	}
	msg := reevaluate(m.s, m.s.work.Revision, m.s.work.Revision)().(loadedMsg)
	m.Update(msg)
	if m.busy || m.s.base.Revision.ID != "gbz177-l4-draft" {
		t.Fatalf("base %s, busy %v", m.s.base.Revision.ID, m.busy)
	}
	press(m, "3")
	if out := screen(m); !strings.Contains(out, "gbz177-l4-draft → gbz177-l4-draft") || !strings.Contains(out, "Criterion changes · none") {
		t.Errorf("the draft against itself:\n%s", out)
	}
}

// TestLoadError shows an error instead of the views when nothing loads.
func TestLoadError(t *testing.T) {
	cfg := testConfig(t)
	cfg.Workspace = spec.NewWorkspace(os.DirFS(t.TempDir()), "")
	m := New(cfg)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(load(cfg, m.ws)())
	out := screen(m)
	if !strings.Contains(out, "Ladder cannot start") || !strings.Contains(out, "cue/revisions") {
		t.Errorf("no error shown:\n%s", out)
	}
	checkSize(t, out, 80, 24)
}

// TestFlow runs the workbench as a program: start, switch views, filter
// the corpus, open a device, quit.
func TestFlow(t *testing.T) {
	tm := teatest.NewTestModel(t, New(testConfig(t)),
		teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	waitFor := func(s string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
			teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	waitFor("MT-L1-CONFIRM")
	tm.Send(tea.KeyPressMsg{Code: '2', Text: "2"})
	waitFor("Impact by category")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	waitFor("Redline")
	tm.Send(tea.KeyPressMsg{Code: '4', Text: "4"})
	tm.Type("/plovik-vinta-9")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor("To reach")
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App)
	if fm.view != deviceView || fm.sh.device != "mt-plovik-vinta-9-lite-0031" {
		t.Errorf("ended in %s on %q", fm.view, fm.sh.device)
	}
	out := ansi.Strip(fm.View().Content)
	if !strings.Contains(out, "L3 → L2") && !strings.Contains(out, "moved down") {
		t.Errorf("the device view does not say the device moved down:\n%s", out)
	}
}

// TestNewCategoryInEveryView adds a category to a workspace in CUE alone (a
// file with its criteria, its key in #CategoryKey, a measurement, and its
// devices) and finds it in every view: no Go code knows the categories.
func TestNewCategoryInEveryView(t *testing.T) {
	draft := func(name string) string { return spectest.RevFile(spectest.Draft, name) }
	device := func(id, claim string, steps, days float64) spectest.Edit {
		return spectest.Edit{File: "fixtures/devices/smart_watch/" + id + ".json", New: fmt.Sprintf(
			`{"id": %q, "name": "Watch %s", "vendor": "Tindrel", "category": "smart_watch", "claimed_level": %q,
			 "measurements": {"wake_rate_quiet_pct": %g, "battery_days": %g}}`, id, id, claim, steps, days)}
	}
	dir := spectest.Dir(t,
		spectest.Replace(draft("schema.cue"), `| "speaker" | "earphone"`, `| "speaker" | "earphone" | "smart_watch"`),
		spectest.Replace(draft("schema.cue"), "#Measurements: {", "#Measurements: {\n\tbattery_days?: number & >=0 & <=60 @unit(days)\n"),
		spectest.Edit{File: draft("smart_watch.cue"), New: `package standard

categories: smart_watch: {
	title:  "Smart watch"
	part:   "GB/Z 177.10"
	prefix: "SW"
	determination: rule: "cumulative"
	levels: {
		L1: status: "draft"
		L2: status: "draft"
	}
}

categories: smart_watch: levels: L1: criteria: "SW-L1-WAKE": {
	title:      "Wakes to a spoken command"
	element:    "perception"
	family:     "core"
	provenance: "illustrative"
	require: measurements: wake_rate_quiet_pct: >=90
}

categories: smart_watch: levels: L2: criteria: "SW-L2-BATTERY": {
	title:      "Lasts two days on a charge"
	element:    "execution"
	family:     "core"
	provenance: "illustrative"
	require: measurements: battery_days: >=2
}
`},
		device("sw-one", "L1", 95, 1),
		device("sw-two", "L2", 96, 3),
	)
	m := start(t, diskConfig(t, dir, t.TempDir()), 120, 40, nil)
	if m.s.work.Revision.Category("smart_watch") == nil {
		t.Fatal("the working revision has no smart_watch")
	}
	// Select the category in Spec, as a user would.
	for range len(m.s.work.Revision.Categories) {
		if c := m.sh.category(); c != nil && c.Key == "smart_watch" {
			break
		}
		press(m, "down")
	}
	want := map[viewID][]string{
		specView:   {"smart_watch", "SW-L1-WAKE", "SW-L2-BATTERY", "2/2", "L2 added, draft"},
		impactView: {"smart_watch", "Levels · smart_watch", "from\\to   L0   L1   L2  "},
		diffView:   {"SW-L1-WAKE", "SW-L2-BATTERY"},
		corpusView: {"sw-one", "sw-two"},
		deviceView: {"sw-two", "SW-L2-BATTERY", "at the top of its ladder"},
		editView:   {"smart_watch.cue", "battery_days: >=2"},
	}
	for v := range numViews {
		m.switchTo(v)
		switch v {
		case diffView:
			press(m, "end") // the new category's criteria come last
		case corpusView:
			press(m, "/", "s", "w", "-", "enter")
		case deviceView:
			m.openDevice("sw-two")
		case editView:
			openCriterion(t, m, "SW-L2-BATTERY")
		}
		out := screen(m)
		for _, s := range want[v] {
			if !strings.Contains(out, s) {
				t.Errorf("%s view does not show %q:\n%s", v, s, out)
			}
		}
	}
}

// TestColumnsLineUp: in the Corpus view, with Chinese, emoji and combining
// marks in vendors and names, every row's columns start at the same cell
// as the header's.
func TestColumnsLineUp(t *testing.T) {
	m := start(t, chineseConfig(t), 160, 40, nil)
	press(m, "4", "/", "z", "h", "enter")
	out := screen(m)
	lines := strings.Split(out, "\n")
	var header string
	for _, l := range lines {
		if strings.Contains(l, "device") && strings.Contains(l, "vendor") {
			header = l
			break
		}
	}
	col := func(line, s string) int {
		i := strings.Index(line, s)
		if i < 0 {
			return -1
		}
		return ansi.StringWidth(line[:i])
	}
	want := col(header, "category")
	rows := 0
	for _, l := range lines {
		for _, cat := range []string{"mobile_terminal", "speaker"} {
			if strings.Contains(l, "zh-") && strings.Contains(l, cat) {
				rows++
				if got := col(l, cat); got != want {
					t.Errorf("the category starts at cell %d, the header's at %d:\n%s\n%s", got, want, header, l)
				}
			}
		}
	}
	if rows != 3 {
		t.Fatalf("%d rows of the user's devices, want 3:\n%s", rows, out)
	}
}
