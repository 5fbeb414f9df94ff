package tui

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
	"github.com/ladderworks/ladder/tui/editbuf"
	"github.com/ladderworks/ladder/tui/safefile"
)

// bindings returns every binding of a key map, by its field's name: the
// fields of type key.Binding and the elements of arrays of them.
func bindings(k keyMap) map[string]key.Binding {
	out := map[string]key.Binding{}
	v := reflect.ValueOf(k)
	bt := reflect.TypeFor[key.Binding]()
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		switch {
		case f.Type() == bt:
			out[name] = f.Interface().(key.Binding)
		case f.Kind() == reflect.Array && f.Type().Elem() == bt:
			for j := range f.Len() {
				out[name+"["+string(rune('0'+j))+"]"] = f.Index(j).Interface().(key.Binding)
			}
		}
	}
	return out
}

// holds reports whether a list of bindings holds one.
func holds(list []key.Binding, b key.Binding) bool {
	for _, x := range list {
		if reflect.DeepEqual(x, b) {
			return true
		}
	}
	return false
}

// TestREADMEKeyTable checks that the README's table of keys is the one
// made from the key map. With -update (the golden files' flag) it writes
// the table into the README in place of the one there.
func TestREADMEKeyTable(t *testing.T) {
	const path = "../README.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.ReplaceAll(string(data), "\r\n", "\n")
	want := defaultKeyMap().markdown()
	const head = "| group | key | does |\n"
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		start := strings.Index(readme, head)
		end := strings.Index(readme[max(start, 0):], "\n\n")
		if start < 0 || end < 0 {
			t.Fatalf("no table of keys in %s to replace", path)
		}
		readme = readme[:start] + want + readme[start+end+1:]
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The table stands alone, between empty lines, and is the only one.
	if n := strings.Count(readme, "\n\n"+want+"\n"); n != 1 || strings.Count(readme, head) != 1 {
		t.Errorf("README.md does not hold the key map's table once and alone (%d times); "+
			"go test ./tui -run TestREADMEKeyTable -update writes it, or paste it:\n\n%s", n, want)
	}
}

// TestHelpShowsEveryBinding checks that every binding of the key map is in
// the full help, and on screen when ? shows it, at each size from 60×20 to
// 200×60, scrolling through it: its help key with its description on the
// same line. The footer ends with help and quit at every size.
func TestHelpShowsEveryBinding(t *testing.T) {
	k := defaultKeyMap()
	var full []key.Binding
	for _, col := range k.FullHelp() {
		full = append(full, col...)
	}
	for name, b := range bindings(k) {
		if !holds(full, b) {
			t.Errorf("%s (%s %s) is not in the full help", name, b.Help().Key, b.Help().Desc)
		}
	}
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}, {200, 60}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := loaded(t, size[0], size[1])
			footer := screenRow(screen(m), -1)
			if !strings.HasSuffix(strings.TrimRight(footer, " "), "? help • q/ctrl+c quit") {
				t.Errorf("the footer does not end with ? help • q/ctrl+c quit: %q", footer)
			}
			press(m, "?")
			// Every page of the help, scrolled to its end.
			var pages []string
			for range 50 {
				out := screen(m)
				checkSize(t, out, size[0], size[1])
				pages = append(pages, strings.ReplaceAll(out, "│", " │ "))
				before := m.helpTop
				press(m, "pgdown")
				if m.helpTop == before {
					break
				}
			}
			all := strings.Join(pages, "\n")
			for name, b := range bindings(k) {
				h := b.Help()
				if !b.Enabled() || h.Key == "" || h.Desc == "" {
					t.Errorf("%s: a binding without keys or help: %+v", name, h)
					continue
				}
				re := regexp.MustCompile(`(^|[ │])` + regexp.QuoteMeta(h.Key) + ` +` + regexp.QuoteMeta(h.Desc) + `( |$)`)
				if !re.MatchString(all) {
					t.Errorf("%s: the help does not show %q %q", name, h.Key, h.Desc)
				}
			}
			if !m.showHelp {
				t.Error("scrolling closed the help")
			}
			if t.Failed() {
				t.Logf("the help:\n%s", all)
			}
		})
	}
}

// screenRow returns a row of a screen, counting from the end for a
// negative index.
func screenRow(screen string, i int) string {
	rows := strings.Split(screen, "\n")
	if i < 0 {
		i += len(rows)
	}
	return rows[i]
}

// shownAs is how the help writes a key.
func shownAs(k string) string {
	mods, name := "", k
	if i := strings.LastIndex(k, "+"); i > 0 && i < len(k)-1 {
		mods, name = k[:i+1], k[i+1:]
	}
	if s, ok := map[string]string{"up": "↑", "down": "↓", "left": "←", "right": "→", "pgdown": "pgdn"}[name]; ok {
		name = s
	}
	return mods + name
}

// TestHelpNamesEveryKey checks that each binding's help names each of its
// keys and no other: no key is dispatched that the help does not show.
func TestHelpNamesEveryKey(t *testing.T) {
	for name, b := range bindings(defaultKeyMap()) {
		h := b.Help().Key
		shown := strings.Split(h, "/")
		if h == "/" {
			shown = []string{"/"}
		}
		var want []string
		for _, k := range b.Keys() {
			want = append(want, shownAs(k))
		}
		if !reflect.DeepEqual(shown, want) {
			t.Errorf("%s: the help shows %q for the keys %q (%q)", name, h, b.Keys(), strings.Join(want, "/"))
		}
	}
}

// clashes says where two bindings active at once share a key.
func clashes(k keyMap) []string {
	var out []string
	for _, mode := range k.keyModes() {
		owner := map[string]key.Binding{}
		for _, b := range mode.keys {
			for _, s := range b.Keys() {
				if o, ok := owner[s]; ok && !reflect.DeepEqual(o, b) {
					out = append(out, fmt.Sprintf("%s: %q is both %q and %q", mode.name, s, o.Help().Desc, b.Help().Desc))
				}
				owner[s] = b
			}
		}
	}
	return out
}

// TestNoKeyTwiceInAMode checks that no two bindings active at once share a
// key, and that every binding is active somewhere, so that this checks it.
func TestNoKeyTwiceInAMode(t *testing.T) {
	k := defaultKeyMap()
	for _, c := range clashes(k) {
		t.Error(c)
	}
	var all []key.Binding
	for _, mode := range k.keyModes() {
		all = append(all, mode.keys...)
	}
	for name, b := range bindings(k) {
		if !holds(all, b) {
			t.Errorf("%s (%s) is in no mode: nothing checks its keys", name, b.Help().Key)
		}
	}
}

// TestClashesFound checks that clashes finds a clash in each kind of mode:
// a view's key given a key of the root, an editor's key another's, and a
// dialog's answer the key that cancels.
func TestClashesFound(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(k *keyMap)
	}{
		{"a view's key", func(k *keyMap) { k.Sort.SetKeys("j") }},
		{"the editor's", func(k *keyMap) { k.Redo.SetKeys("ctrl+z") }},
		{"a dialog's", func(k *keyMap) { k.DeleteDraft.SetKeys("esc") }},
	} {
		k := defaultKeyMap()
		tc.spoil(&k)
		if len(clashes(k)) == 0 {
			t.Errorf("%s: no clash found", tc.name)
		}
	}
}

// keyPress returns the key press whose name is s, as key.Matches sees it.
func keyPress(t *testing.T, s string) tea.KeyPressMsg {
	t.Helper()
	var msg tea.KeyPressMsg
	name := s
	for {
		mod, rest, ok := strings.Cut(name, "+")
		if !ok || rest == "" {
			break
		}
		switch mod {
		case "ctrl":
			msg.Mod |= tea.ModCtrl
		case "alt":
			msg.Mod |= tea.ModAlt
		case "shift":
			msg.Mod |= tea.ModShift
		default:
			t.Fatalf("no modifier %q in %q", mod, s)
		}
		name = rest
	}
	codes := map[string]rune{
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"home": tea.KeyHome, "end": tea.KeyEnd, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "backspace": tea.KeyBackspace,
		"delete": tea.KeyDelete, "f1": tea.KeyF1,
	}
	if c, ok := codes[name]; ok {
		msg.Code = c
	} else if r, n := utf8.DecodeRuneInString(name); n == len(name) {
		msg.Code = r
		if msg.Mod == 0 {
			msg.Text = name
		}
	} else {
		t.Fatalf("no key %q", s)
	}
	if msg.String() != s {
		t.Fatalf("the key press for %q is %q", s, msg.String())
	}
	return msg
}

// again returns a new workbench at 120×40 on the session of another: a
// session never changes, so workbenches may share one. It journals in a
// directory of the test's own.
func again(t *testing.T, from *App) *App {
	t.Helper()
	cfg := testConfig(t)
	cfg.JournalDir = t.TempDir()
	m := New(cfg)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(loadedMsg{s: from.s, fromLoad: true})
	return m
}

// TestEditorKeys presses the editor's keys, and keys that are not its, on
// MT-L3-LLM's file with the cursor in the middle of its threshold's line.
func TestEditorKeys(t *testing.T) {
	first := loaded(t, 120, 40)
	in := layout(editView, 120, 40).panes[editPane].inner()
	page := max(in.h-2, 1)
	type state struct {
		m    *App
		f    *openFile
		at   editbuf.Pos
		line string // the cursor's line before the keys
		cmd  tea.Cmd
	}
	// pos checks where the cursor went, the text unchanged.
	pos := func(want func(s state) editbuf.Pos) func(*testing.T, state) {
		return func(t *testing.T, s state) {
			t.Helper()
			if got, w := s.f.buf.Cursor(), want(s); got != w {
				t.Errorf("the cursor is at %+v, want %+v", got, w)
			}
			if s.f.buf.Modified() {
				t.Error("the text changed")
			}
		}
	}
	// line checks the cursor's line after the keys.
	line := func(want func(l string) string) func(*testing.T, state) {
		return func(t *testing.T, s state) {
			t.Helper()
			if got, w := s.f.buf.Line(s.at.Line), want(s.line); got != w {
				t.Errorf("the line is %q, want %q", got, w)
			}
		}
	}
	same := line(func(l string) string { return l })
	// nothing checks that the keys did nothing at all.
	nothing := func(t *testing.T, s state) {
		t.Helper()
		pos(func(s state) editbuf.Pos { return s.at })(t, s)
		if s.cmd != nil || s.m.dlg != nil || s.m.view != editView || s.m.showHelp {
			t.Errorf("a command %v, a dialog %v, the view %s, help %v", s.cmd != nil, s.m.dlg != nil, s.m.view, s.m.showHelp)
		}
	}
	// row checks the cursor's line, wherever its column.
	row := func(delta int) func(*testing.T, state) {
		return func(t *testing.T, s state) {
			t.Helper()
			if got := s.f.buf.Cursor().Line; got != s.at.Line+delta {
				t.Errorf("the cursor is on line %d, want %d", got, s.at.Line+delta)
			}
		}
	}
	at := func(line, col int) func(state) editbuf.Pos {
		return func(s state) editbuf.Pos { return editbuf.Pos{Line: s.at.Line + line, Col: s.at.Col + col} }
	}
	for _, tc := range []struct {
		keys  []string
		check func(*testing.T, state)
	}{
		{[]string{"up"}, row(-1)},
		{[]string{"down"}, row(1)},
		{[]string{"left"}, pos(at(0, -1))},
		{[]string{"right"}, pos(at(0, 1))},
		{[]string{"home"}, pos(func(s state) editbuf.Pos { return editbuf.Pos{Line: s.at.Line} })},
		{[]string{"ctrl+a"}, pos(func(s state) editbuf.Pos { return editbuf.Pos{Line: s.at.Line} })},
		{[]string{"end"}, pos(func(s state) editbuf.Pos { return editbuf.Pos{Line: s.at.Line, Col: utf8.RuneCountInString(s.line)} })},
		{[]string{"pgup"}, row(-page)},
		{[]string{"pgdown"}, row(page)},
		{[]string{"ctrl+home"}, pos(func(state) editbuf.Pos { return editbuf.Pos{} })},
		{[]string{"ctrl+end"}, func(t *testing.T, s state) {
			if c := s.f.buf.Cursor(); c.Line != s.f.buf.LineCount()-1 {
				t.Errorf("the cursor is at %+v, not on the last line", c)
			}
		}},
		{[]string{"alt+left"}, pos(func(s state) editbuf.Pos { return editbuf.Pos{Line: s.at.Line, Col: 2} })},
		{[]string{"ctrl+left"}, pos(func(s state) editbuf.Pos { return editbuf.Pos{Line: s.at.Line, Col: 2} })},
		{[]string{"alt+right"}, pos(func(s state) editbuf.Pos { return editbuf.Pos{Line: s.at.Line, Col: 9} })},
		{[]string{"ctrl+right"}, pos(func(s state) editbuf.Pos { return editbuf.Pos{Line: s.at.Line, Col: 9} })},
		{[]string{"enter"}, line(func(l string) string { return l[:6] })},
		{[]string{"tab"}, line(func(l string) string { return l[:6] + "\t" + l[6:] })},
		{[]string{"backspace"}, line(func(l string) string { return l[:5] + l[6:] })},
		{[]string{"delete"}, line(func(l string) string { return l[:6] + l[7:] })},
		{[]string{"x"}, line(func(l string) string { return l[:6] + "x" + l[6:] })},
		{[]string{"x", "y", "ctrl+z"}, same},
		{[]string{"x", "ctrl+z", "ctrl+y"}, line(func(l string) string { return l[:6] + "x" + l[6:] })},
		// Keys that no binding has do nothing.
		{[]string{"ctrl+q"}, nothing},
		{[]string{"x", "ctrl+z", "ctrl+shift+z"}, same},
		{[]string{"alt+x"}, nothing},
		{[]string{"ctrl+x"}, nothing},
		{[]string{"q"}, line(func(l string) string { return l[:6] + "q" + l[6:] })},
		// The editor's commands.
		{[]string{"esc"}, func(t *testing.T, s state) {
			if s.m.view != specView {
				t.Errorf("esc went to %s, want Spec", s.m.view)
			}
		}},
		{[]string{"f1"}, func(t *testing.T, s state) {
			if !s.m.showHelp {
				t.Error("f1 did not show the help")
			}
		}},
		{[]string{"ctrl+c"}, func(t *testing.T, s state) {
			if s.cmd == nil {
				t.Fatal("ctrl+c did not quit")
			}
			if _, ok := s.cmd().(tea.QuitMsg); !ok {
				t.Error("ctrl+c did not quit")
			}
		}},
		{[]string{"x", "ctrl+c"}, func(t *testing.T, s state) {
			if s.m.dlg == nil || s.m.dlg.title != "Quit with unsaved edits?" {
				t.Error("ctrl+c with an edit did not ask")
			}
		}},
		{[]string{"ctrl+s"}, func(t *testing.T, s state) {
			if s.m.notice != "nothing to save" {
				t.Errorf("ctrl+s: notice %q", s.m.notice)
			}
		}},
		{[]string{"ctrl+e"}, func(t *testing.T, s state) {
			if !strings.Contains(s.m.notice, "read-only") {
				t.Errorf("ctrl+e on the built-in standard: notice %q", s.m.notice)
			}
		}},
	} {
		t.Run(strings.Join(tc.keys, ","), func(t *testing.T) {
			m := again(t, first)
			openCriterion(t, m, "MT-L3-LLM")
			f := m.edit.file()
			// In "\t\trequire: measurements: …", before the i.
			l := lineOf(t, m, "on_device_llm_params_b: >=7") - 1
			f.buf.SetCursor(editbuf.Pos{Line: l, Col: 6})
			s := state{m: m, f: f, at: f.buf.Cursor(), line: f.buf.Line(l)}
			if !strings.HasPrefix(s.line, "\t\trequire: ") {
				t.Fatalf("the line is %q", s.line)
			}
			for _, k := range tc.keys {
				_, s.cmd = m.Update(keyPress(t, k))
			}
			tc.check(t, s)
		})
	}
}

// TestDialogKeys answers each dialog by each key of each of its answers'
// bindings, which must be the key map's and shown in the dialog, and
// checks what each answer does; esc cancels, and the other keys of every
// dialog answer nothing.
func TestDialogKeys(t *testing.T) {
	k := defaultKeyMap()
	first := loaded(t, 120, 40)
	const file = "cue/revisions/gbz177-l4-draft/mobile_terminal.cue"
	// editing opens MT-L3-LLM's file with an edit, x typed.
	editing := func(t *testing.T, m *App) *openFile {
		openCriterion(t, m, "MT-L3-LLM")
		press(m, "x")
		return m.edit.file()
	}
	// theirs is the file as another program changed it.
	theirs := func(m *App) []byte {
		return []byte(strings.Replace(string(m.edit.file().disk), "on_device_llm_params_b: >=7", "on_device_llm_params_b: >=9", 1))
	}
	type effect func(t *testing.T, m *App, cmd tea.Cmd)
	// asked checks that the answer asks another question.
	asked := func(title string) effect {
		return func(t *testing.T, m *App, _ tea.Cmd) {
			if m.dlg == nil || m.dlg.title != title {
				t.Errorf("no dialog %q", title)
			}
		}
	}
	// command checks that the answer returns a command, not run here: it
	// would write or delete files.
	command := func(t *testing.T, m *App, cmd tea.Cmd) {
		if cmd == nil || m.dlg != nil {
			t.Errorf("a command %v, a dialog %v", cmd != nil, m.dlg != nil)
		}
	}
	for _, tc := range []struct {
		name    string
		open    func(t *testing.T, m *App)
		answers []key.Binding
		effects []effect
	}{
		{"save conflict", func(t *testing.T, m *App) {
			editing(t, m)
			d := theirs(m)
			m.askConflict(file, &safefile.ChangedError{Path: file, Disk: d, DiskStamp: safefile.StampOf(d)}, nil)
		}, []key.Binding{k.Overwrite, k.ReloadTheirs, k.SaveElsewhere}, []effect{
			command,
			func(t *testing.T, m *App, _ tea.Cmd) {
				f := m.edit.file()
				if f.buf.Modified() || f.buf.Text() != string(f.disk) || !strings.Contains(f.buf.Text(), "on_device_llm_params_b: >=9") {
					t.Error("the file is not theirs")
				}
			},
			asked("Save your edits elsewhere"),
		}},
		{"recovery", func(t *testing.T, m *App) {
			disk, err := fs.ReadFile(m.cfg.Workspace.FS(), file)
			if err != nil {
				t.Fatal(err)
			}
			e := safefile.Entry{Path: file, Base: safefile.StampOf(disk), Content: append(disk, "// mine\n"...)}
			if err := m.journal().Put(e); err != nil {
				t.Fatal(err)
			}
			m.offerRecovery([]recoverable{{entry: e, disk: disk, stamp: e.Base}})
		}, []key.Binding{k.Recover, k.DiscardEdit}, []effect{
			func(t *testing.T, m *App, _ tea.Cmd) {
				if f := m.edit.file(); m.view != editView || f == nil || !strings.HasSuffix(f.buf.Text(), "// mine\n") {
					t.Error("the edit was not recovered into the editor")
				}
			},
			func(t *testing.T, m *App, cmd tea.Cmd) {
				if cmd == nil {
					t.Fatal("no command")
				}
				cmd()
				if entries, _ := m.journal().List(); len(entries) != 0 {
					t.Error("the journaled edit is still there")
				}
			},
		}},
		{"quit", func(t *testing.T, m *App) {
			editing(t, m)
			m.quit()
		}, []key.Binding{k.SaveQuit, k.DiscardQuit}, []effect{
			// The built-in standard is never written: saving offers to
			// make a workspace of it first.
			asked("The built-in standard is read-only"),
			command,
		}},
		{"unlock", func(t *testing.T, m *App) {
			m.Update(reevaluate(m.s, m.s.work.Revision, m.s.base.Revision)())
			openCriterion(t, m, "MT-L3-LLM")
			m.askUnlock()
		}, []key.Binding{k.UnlockRevision}, []effect{
			func(t *testing.T, m *App, _ tea.Cmd) {
				if !m.edit.unlocked["gbz177-2026"] {
					t.Error("the edition is not unlocked")
				}
			},
		}},
		{"delete", func(t *testing.T, m *App) {
			ws, err := spec.Open(spectest.Dir(t), nil) // what the answer would delete is in there
			if err != nil {
				t.Fatal(err)
			}
			m.cfg.Workspace = ws
			m.askDelete(m.s.work.Revision)
		}, []key.Binding{k.DeleteDraft}, []effect{command}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := again(t, first)
			tc.open(t, m)
			if m.dlg == nil {
				t.Fatal("no dialog")
			}
			var got []key.Binding
			for _, c := range m.dlg.choices {
				got = append(got, c.b)
			}
			if !reflect.DeepEqual(got, tc.answers) {
				t.Fatalf("the dialog answers by %v, want %v", got, tc.answers)
			}
			out := screen(m)
			for _, b := range append(got, k.Cancel) {
				if h := b.Help(); !strings.Contains(out, h.Key+" "+h.Desc) {
					t.Errorf("the dialog does not show %q", h.Key+" "+h.Desc)
				}
			}
			// Every key of every answer gives that answer, and only it.
			for i, b := range tc.answers {
				for _, s := range b.Keys() {
					m := again(t, first)
					tc.open(t, m)
					gave := -1
					for j := range m.dlg.choices {
						m.dlg.choices[j].do = func(*App) tea.Cmd { gave = j; return nil }
					}
					m.Update(keyPress(t, s))
					if gave != i || m.dlg != nil {
						t.Errorf("%s gave answer %d, want %d (the dialog is closed: %v)", s, gave, i, m.dlg == nil)
					}
				}
				m := again(t, first)
				tc.open(t, m)
				_, cmd := m.Update(keyPress(t, b.Keys()[0]))
				t.Run(b.Help().Desc, func(t *testing.T) { tc.effects[i](t, m, cmd) })
			}
			// The keys of every dialog answer nothing; esc cancels.
			for _, s := range []string{"pgup", "ctrl+u", "pgdown", "ctrl+d", "enter", "z", "ctrl+q", "esc"} {
				gave := -1
				for j := range m.dlg.choices {
					m.dlg.choices[j].do = func(*App) tea.Cmd { gave = j; return nil }
				}
				m.Update(keyPress(t, s))
				if gave >= 0 {
					t.Errorf("%s gave answer %d", s, gave)
				}
				if closed := m.dlg == nil; closed != (s == "esc") {
					t.Errorf("%s: the dialog is closed: %v", s, closed)
				}
			}
		})
	}
}

// TestPaste hands a paste to whoever takes text: the editor, the Corpus
// filter being typed, a dialog's input; a view that takes no text ignores
// it.
func TestPaste(t *testing.T) {
	first := loaded(t, 120, 40)

	m := again(t, first)
	m.Update(tea.PasteMsg{Content: "yours"})
	if m.view != specView || m.dlg != nil || m.notice != "" {
		t.Error("a paste in Spec did something")
	}

	openCriterion(t, m, "MT-L3-LLM")
	m.edit.file().buf.SetCursor(editbuf.Pos{})
	m.Update(tea.PasteMsg{Content: "// pasted\n"})
	if f := m.edit.file(); !strings.HasPrefix(f.buf.Text(), "// pasted\n") || !f.buf.Modified() {
		t.Error("the paste is not in the editor")
	}

	m = again(t, first)
	press(m, "4", "/")
	m.Update(tea.PasteMsg{Content: "yours"})
	if out := screen(m); !strings.Contains(out, "1 of 224") {
		t.Errorf("the pasted filter does not apply:\n%s", out)
	}

	m = again(t, first)
	m.askFork(m.s.work.Revision)
	m.dlg.input.SetValue("")
	m.Update(tea.PasteMsg{Content: "pasted-id"})
	if got := m.dlg.input.Value(); got != "pasted-id" {
		t.Errorf("the dialog's input holds %q", got)
	}
}

// TestWheel scrolls the pane under the mouse, in a browsing view and in
// the editor, whose cursor stays.
func TestWheel(t *testing.T) {
	m := loaded(t, 120, 40)
	l := layout(specView, 120, 40)
	r := l.panes[categoriesPane]
	m.Update(tea.MouseWheelMsg{X: r.x + 2, Y: r.y + 2, Button: tea.MouseWheelDown})
	if m.sh.cat != 3 {
		t.Errorf("the wheel in the categories selected %d, want 3", m.sh.cat)
	}
	openCriterion(t, m, "MT-L3-LLM")
	top, at := m.edit.top, m.edit.file().buf.Cursor()
	r = layout(editView, 120, 40).panes[editPane]
	m.Update(tea.MouseWheelMsg{X: r.x + 2, Y: r.y + 2, Button: tea.MouseWheelDown})
	if m.edit.top != top+3 || m.edit.file().buf.Cursor() != at {
		t.Errorf("the wheel in the editor: top %d → %d, cursor %+v → %+v", top, m.edit.top, at, m.edit.file().buf.Cursor())
	}
}
