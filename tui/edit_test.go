package tui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
	"github.com/ladderworks/ladder/tui/editbuf"
	"github.com/ladderworks/ladder/tui/safefile"
)

// diskConfig is the workbench on a workspace directory, journaling in
// journal.
func diskConfig(t testing.TB, dir, journal string) Config {
	t.Helper()
	ws, err := spec.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Config{Workspace: ws, JournalDir: journal}
}

// compileNow compiles the edits and takes the result. The keys pressed
// through Update started compilations whose commands the test did not
// run; this one, of the latest texts, stands for them.
func compileNow(t testing.TB, m *App) compiledMsg {
	t.Helper()
	m.wsBusy, m.compiling = false, false
	cmd := m.compileNow()
	if cmd == nil {
		t.Fatal("nothing to compile")
	}
	msg := cmd().(compiledMsg)
	m.Update(msg)
	return msg
}

// lineOf returns the line (from 1) of the first line of the open file that
// holds s.
func lineOf(t testing.TB, m *App, s string) int {
	t.Helper()
	f := m.edit.file()
	for i := range f.buf.LineCount() {
		if strings.Contains(f.buf.Line(i), s) {
			return i + 1
		}
	}
	t.Fatalf("%q is not in %s", s, f.key)
	return 0
}

// gotoEnd puts the editor's cursor at the end of a line.
func gotoEnd(m *App, line int) {
	f := m.edit.file()
	f.buf.SetCursor(editbuf.Pos{Line: line - 1})
	press(m, "end")
}

// TestEditThreshold edits a threshold of MT-L3-LLM: the device it moved
// down moves back before the file is saved; the save writes the file, which
// still loads and lints clean.
func TestEditThreshold(t *testing.T) {
	dir := spectest.Dir(t)
	m := start(t, diskConfig(t, dir, t.TempDir()), 120, 40, nil)
	const device = "mt-plovik-vinta-9-lite-0031"
	if r := m.s.row(device); r.from != "L3" || r.to != "L2" {
		t.Fatalf("before the edit the device is %s → %s", r.from, r.to)
	}
	press(m, "2")
	if out := screen(m); !strings.Contains(out, device) {
		t.Fatalf("before the edit the Impact view does not list the device:\n%s", out)
	}
	press(m, "1")
	openCriterion(t, m, "MT-L3-LLM")
	gotoEnd(m, lineOf(t, m, "on_device_llm_params_b: >=7"))
	press(m, "backspace", "4")
	if !m.edit.file().buf.Modified() {
		t.Fatal("the edit did not modify the buffer")
	}
	if msg := compileNow(t, m); msg.err != nil {
		t.Fatal(msg.err)
	}
	if r := m.s.row(device); r.to != "L3" {
		t.Errorf("after >=4, the device is at %s under the edit, want L3", r.to)
	}
	press(m, "esc", "2")
	if out := screen(m); strings.Contains(out, device) {
		t.Errorf("the Impact view still lists the device:\n%s", out)
	}
	// Nothing is on disk yet.
	path := filepath.Join(dir, "cue/revisions/gbz177-l4-draft/mobile_terminal.cue")
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), ">=7") {
		t.Fatal("the edit reached the disk before the save")
	}
	cmd := m.save(nil)
	m.Update(cmd())
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), "on_device_llm_params_b: >=4") {
		t.Fatalf("the file on disk was not saved: %v", err)
	}
	if m.edit.file().buf.Modified() {
		t.Error("the buffer is still modified after the save")
	}
	// The saved workspace is still valid: it loads and lints clean.
	ws := spec.NewWorkspace(os.DirFS(dir), "")
	rev, err := ws.Load("gbz177-l4-draft")
	if err != nil {
		t.Fatal(err)
	}
	if fs := spec.Lint(rev, []string{"gbz177-2026", "gbz177-l4-draft"}); len(fs) > 0 {
		t.Errorf("lint findings after the save: %v", fs)
	}
}

// TestEditBreaksAndHeals breaks the syntax: the error shows at its line and
// the results stay, stale; fixing it brings fresh results.
func TestEditBreaksAndHeals(t *testing.T) {
	m := loaded(t, 120, 40)
	before := m.s
	openCriterion(t, m, "MT-L3-LLM")
	line := lineOf(t, m, "on_device_llm_params_b: >=7")
	gotoEnd(m, line)
	press(m, " ", "&")
	msg := compileNow(t, m)
	if msg.err == nil {
		t.Fatal("a dangling & compiled")
	}
	if m.s != before {
		t.Error("a failed compilation replaced the results")
	}
	f := m.edit.file()
	if len(f.errs) == 0 {
		t.Fatal("no error in the edited file")
	}
	out := screen(m)
	if !strings.Contains(out, "results are stale") || !strings.Contains(out, "●") {
		t.Errorf("the error and the stale results are not shown:\n%s", out)
	}
	press(m, "backspace", "backspace")
	if msg := compileNow(t, m); msg.err != nil {
		t.Fatal(msg.err)
	}
	if m.compileErr != nil || len(f.errs) > 0 || m.s == before {
		t.Error("fixing the edit did not bring fresh results")
	}
	if strings.Contains(screen(m), "stale") {
		t.Error("still stale")
	}
}

// TestUndoRedo undoes a burst of typing as one step.
func TestUndoRedo(t *testing.T) {
	m := loaded(t, 120, 40)
	openCriterion(t, m, "MT-L3-LLM")
	f := m.edit.file()
	orig := f.buf.Text()
	gotoEnd(m, lineOf(t, m, "on_device_llm_params_b: >=7"))
	press(m, "0", "0")
	if !strings.Contains(f.buf.Text(), ">=700") {
		t.Fatal("typing did not insert")
	}
	press(m, "ctrl+z")
	if f.buf.Text() != orig || f.buf.Modified() {
		t.Error("ctrl+z did not undo the burst")
	}
	press(m, "ctrl+y")
	if !strings.Contains(f.buf.Text(), ">=700") {
		t.Error("ctrl+y did not redo")
	}
}

// TestPublishedIsReadOnly refuses edits to the edition until unlocked.
func TestPublishedIsReadOnly(t *testing.T) {
	m := loaded(t, 120, 40)
	m.Update(reevaluate(m.s, m.s.work.Revision, m.s.base.Revision)())
	openCriterion(t, m, "MT-L3-LLM")
	f := m.edit.file()
	if f.rev != "gbz177-2026" {
		t.Fatalf("opened %s", f.key)
	}
	press(m, "x")
	if f.buf.Modified() || !strings.Contains(m.notice, "read-only") {
		t.Errorf("an edit of the edition was taken (notice %q)", m.notice)
	}
	m.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	if m.dlg == nil {
		t.Fatal("ctrl+u asked nothing")
	}
	press(m, "u")
	press(m, "x")
	if !f.buf.Modified() {
		t.Error("an unlocked edition refused the edit")
	}
}

// TestSaveConflict saves a file that another program changed: the save
// asks, and each answer does what it says.
func TestSaveConflict(t *testing.T) {
	dir := spectest.Dir(t)
	m := start(t, diskConfig(t, dir, t.TempDir()), 120, 40, nil)
	openCriterion(t, m, "MT-L3-LLM")
	gotoEnd(m, lineOf(t, m, "on_device_llm_params_b: >=7"))
	press(m, "backspace", "5")
	path := filepath.Join(dir, "cue/revisions/gbz177-l4-draft/mobile_terminal.cue")
	theirs := strings.Replace(string(m.edit.file().disk), "collab_device_types:              >=3", "collab_device_types:              >=4", 1)
	if err := os.WriteFile(path, []byte(theirs), 0o644); err != nil {
		t.Fatal(err)
	}
	m.Update(m.save(nil)())
	if m.dlg == nil || !strings.Contains(screen(m), "changed on disk") {
		t.Fatalf("the save did not ask:\n%s", screen(m))
	}
	if data, _ := os.ReadFile(path); string(data) != theirs {
		t.Fatal("the save overwrote the other program's change without asking")
	}
	// The dialog shows the edit as a diff against theirs.
	if out := screen(m); !strings.Contains(out, ">=5") {
		t.Errorf("the dialog does not show the edit:\n%s", out)
	}
	// Overwrite.
	cmd := m.dialogKey(tea.KeyPressMsg{Code: 'o', Text: "o"})
	m.Update(cmd())
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), "on_device_llm_params_b: >=5") || strings.Contains(string(data), ">=4\n\t\t\tcross") {
		t.Error("o did not overwrite")
	}

	// Reload theirs drops the edit.
	gotoEnd(m, lineOf(t, m, "on_device_llm_params_b: >=5"))
	press(m, "backspace", "6")
	theirs = strings.Replace(theirs, "on_device_llm_params_b: >=7", "on_device_llm_params_b: >=9", 1)
	if err := os.WriteFile(path, []byte(theirs), 0o644); err != nil {
		t.Fatal(err)
	}
	m.Update(m.save(nil)())
	if m.dlg == nil {
		t.Fatal("the second save did not ask")
	}
	m.dialogKey(tea.KeyPressMsg{Code: 'r', Text: "r"})
	if f := m.edit.file(); f.buf.Text() != theirs || f.buf.Modified() {
		t.Error("r did not take theirs")
	}
}

// TestJournalRecovery journals an unsaved edit; a new workbench on the
// same workspace, as after kill -9, offers it back.
func TestJournalRecovery(t *testing.T) {
	dir, journal, edited := journaledEdit(t)

	// "Crash": a new workbench, the same workspace and journal.
	m2 := New(diskConfig(t, dir, journal))
	m2.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m2.Update(load(m2.cfg, m2.ws)())
	rec := m2.checkJournal()().(recoveryMsg)
	if len(rec.entries) != 1 || len(rec.errs) > 0 {
		t.Fatalf("recovery found %d edits, errors %v", len(rec.entries), rec.errs)
	}
	m2.Update(rec)
	if m2.dlg == nil || !strings.Contains(screen(m2), "Recover an unsaved edit?") || !strings.Contains(screen(m2), ">=2") {
		t.Fatalf("no recovery offered:\n%s", screen(m2))
	}
	m2.dialogKey(tea.KeyPressMsg{Code: 'r', Text: "r"})
	g := m2.edit.file()
	if g == nil || g.buf.Text() != edited || !g.buf.Modified() {
		t.Fatal("the recovered edit is not in the editor, unsaved")
	}

	// Discarding removes the entry.
	m3 := New(diskConfig(t, dir, journal))
	m3.Update(load(m3.cfg, m3.ws)())
	m3.Update(m3.checkJournal()())
	cmd := m3.dialogKey(tea.KeyPressMsg{Code: 'd', Text: "d"})
	cmd()
	entries, _ := (&safefile.Journal{Dir: journal}).List()
	if len(entries) != 0 {
		t.Errorf("%d journal entries after discarding", len(entries))
	}
}

// journaledEdit makes a workspace and a journal with one unsaved edit in
// it, MT-L3-LLM's bound set to 2, and returns the edited text.
func journaledEdit(t *testing.T) (dir, journal, edited string) {
	t.Helper()
	dir, journal = spectest.Dir(t), t.TempDir()
	m := start(t, diskConfig(t, dir, journal), 120, 40, nil)
	openCriterion(t, m, "MT-L3-LLM")
	gotoEnd(m, lineOf(t, m, "on_device_llm_params_b: >=7"))
	press(m, "backspace", "2")
	f := m.edit.file()
	cmd := m.journalTick(journalTickMsg{key: f.key, version: f.buf.Version()})
	if msg := cmd().(journalDoneMsg); msg.err != nil {
		t.Fatal(msg.err)
	}
	return dir, journal, f.buf.Text()
}

// TestQuitAsks asks before quitting with unsaved edits.
func TestQuitAsks(t *testing.T) {
	m := loaded(t, 120, 40)
	openCriterion(t, m, "MT-L3-LLM")
	press(m, "x")
	m.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if m.dlg == nil || !strings.Contains(screen(m), "unsaved edits") {
		t.Fatalf("ctrl+c quit without asking:\n%s", screen(m))
	}
	press(m, "esc")
	if m.dlg != nil || !m.edit.file().buf.Modified() {
		t.Error("esc did not keep editing")
	}
}

// TestBuiltinSaveMakesWorkspace saves an edit of the built-in standard: it
// offers to make a workspace, and saves there.
func TestBuiltinSaveMakesWorkspace(t *testing.T) {
	target := filepath.Join(t.TempDir(), "ws")
	cfg := testConfig(t)
	cfg.JournalDir = t.TempDir()
	m := start(t, cfg, 120, 40, nil)
	openCriterion(t, m, "MT-L3-LLM")
	gotoEnd(m, lineOf(t, m, "on_device_llm_params_b: >=7"))
	press(m, "backspace", "6")
	if cmd := m.save(nil); cmd != nil {
		t.Fatal("the built-in standard was saved without asking")
	}
	if m.dlg == nil || m.dlg.input == nil {
		t.Fatal("no workspace offered")
	}
	m.dlg.input.SetValue(target)
	cmd := m.dialogKey(tea.KeyPressMsg{Code: tea.KeyEnter})
	msg := cmd().(workspaceMsg)
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	m.cfg.JournalDir = cfg.JournalDir
	for _, c := range flatten(m.workspaceMade(msg)) {
		if c == nil {
			continue
		}
		switch r := c().(type) {
		case savedMsg:
			m.Update(r)
		}
	}
	data, err := os.ReadFile(filepath.Join(target, "cue/revisions/gbz177-l4-draft/mobile_terminal.cue"))
	if err != nil || !strings.Contains(string(data), "on_device_llm_params_b: >=6") {
		t.Fatalf("the edit was not saved in the new workspace: %v", err)
	}
	if m.cfg.Workspace.Dir() != target {
		t.Errorf("the workbench works on %q, want %q", m.cfg.Workspace.Dir(), target)
	}
}

// flatten returns the commands of a batch, run once.
func flatten(cmd tea.Cmd) []tea.Cmd {
	if cmd == nil {
		return nil
	}
	var out []tea.Cmd
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				out = append(out, flatten(c)...)
			}
			return out
		}
		return []tea.Cmd{func() tea.Msg { return msg }}
	case <-time.After(2 * time.Second):
		return nil // a tick or a poll
	}
}

// TestWatch picks up a file that another program changed.
func TestWatch(t *testing.T) {
	dir := spectest.Dir(t)
	m := start(t, diskConfig(t, dir, t.TempDir()), 120, 40, nil)
	openCriterion(t, m, "MT-L3-LLM")
	m.Update(m.scan(false)()) // the first look
	path := filepath.Join(dir, "cue/revisions/gbz177-l4-draft/mobile_terminal.cue")
	data, _ := os.ReadFile(path)
	changed := strings.Replace(string(data), "on_device_llm_params_b: >=7", "on_device_llm_params_b: >=4", 1)
	later := time.Now().Add(time.Second)
	if err := os.WriteFile(path, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.Chtimes(path, later, later)
	msg := m.scan(false)().(polledMsg)
	if _, ok := msg.changed["cue/revisions/gbz177-l4-draft/mobile_terminal.cue"]; !ok {
		t.Fatalf("the scan missed the change: %v", msg.changed)
	}
	for _, c := range flatten(m.polled(msg)) {
		if c == nil {
			continue
		}
		if r, ok := c().(loadedMsg); ok {
			m.Update(r)
		}
	}
	if f := m.edit.file(); f.buf.Text() != changed || f.buf.Modified() {
		t.Error("the open file did not take the new text")
	}
	if r := m.s.row("mt-plovik-vinta-9-lite-0031"); r.to != "L3" {
		t.Errorf("the change was not evaluated: the device is at %s", r.to)
	}
}

// TestEditFlow runs the workbench as a program on a workspace: edit a
// threshold of MT-L3-LLM, see the device it moved move back in Impact before
// saving, save, quit; the file on disk has the edit and still loads and
// lints clean.
func TestEditFlow(t *testing.T) {
	dir := spectest.Dir(t)
	cfg := diskConfig(t, dir, t.TempDir())
	m := New(cfg)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	waitFor := func(what string, ok func(b []byte) bool) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), ok, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	contains := func(s string) func([]byte) bool { return func(b []byte) bool { return bytes.Contains(b, []byte(s)) } }
	waitFor("the spec", contains("MT-L1-CONFIRM"))

	// Walk to MT-L3-LLM in the criteria of mobile_terminal and open it.
	rev, err := spec.NewWorkspace(os.DirFS(dir), "").Load("gbz177-l4-draft")
	if err != nil {
		t.Fatal(err)
	}
	idx := -1
	var ids []string
	for _, l := range rev.Category("mobile_terminal").Levels {
		for _, c := range l.Criteria {
			ids = append(ids, c.ID)
		}
	}
	for i, id := range ids {
		if id == "MT-L3-LLM" {
			idx = i
		}
	}
	tm.Send(tea.KeyPressMsg{Code: 'l', Text: "l"})
	for range idx {
		tm.Send(tea.KeyPressMsg{Code: 'j', Text: "j"})
	}
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor("the editor", contains("Edit · "))
	// The cursor is on the criterion's key; the require is 6 lines down.
	for range 6 {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	}
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnd})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	tm.Type("4")
	waitFor("the results of the edit", contains("keystroke → results"))

	// Impact, before saving: the device no longer moves down.
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	tm.Send(tea.KeyPressMsg{Code: '2', Text: "2"})
	waitFor("the impact", contains("Impact by category"))
	tm.Send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	waitFor("the save", contains("saved cue/revisions/gbz177-l4-draft/mobile_terminal.cue"))
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App)
	if r := fm.s.row("mt-plovik-vinta-9-lite-0031"); r == nil || r.to != "L3" {
		t.Errorf("after the edit the device is not back at L3: %+v", r)
	}
	if strings.Contains(ansi.Strip(fm.View().Content), "mt-plovik-vinta-9-li") {
		t.Errorf("the Impact view still lists the device:\n%s", ansi.Strip(fm.View().Content))
	}
	data, err := os.ReadFile(filepath.Join(dir, "cue/revisions/gbz177-l4-draft/mobile_terminal.cue"))
	if err != nil || !strings.Contains(string(data), "on_device_llm_params_b: >=4") {
		t.Fatalf("the edit is not on disk: %v", err)
	}
	ws := spec.NewWorkspace(os.DirFS(dir), "")
	for _, id := range []string{"gbz177-2026", "gbz177-l4-draft"} {
		rev, err := ws.Load(id)
		if err != nil {
			t.Fatal(err)
		}
		if fs := spec.Lint(rev, []string{"gbz177-2026", "gbz177-l4-draft"}); len(fs) > 0 {
			t.Errorf("%s: lint findings after the save: %v", id, fs)
		}
	}
}

// TestForkRenameDelete forks the draft, renames the fork and deletes it.
func TestForkRenameDelete(t *testing.T) {
	dir := spectest.Dir(t)
	m := start(t, diskConfig(t, dir, t.TempDir()), 120, 40, nil)
	run := func(cmd tea.Cmd) {
		t.Helper()
		for cmd != nil {
			msg := cmd()
			if msg == nil {
				return
			}
			_, cmd = m.Update(msg)
			if _, ok := msg.(loadedMsg); ok {
				return
			}
		}
	}
	// n asks for an ID, offering a free one.
	m.Update(tea.KeyPressMsg{Code: 'f', Text: "f"})
	if m.dlg == nil || m.dlg.input == nil || m.dlg.input.Value() != "gbz177-l4-draft-2" {
		t.Fatalf("n did not offer an ID: %+v", m.dlg)
	}
	m.dlg.input.SetValue("Bad ID")
	m.dialogKey(tea.KeyPressMsg{Code: tea.KeyEnter})
	if m.dlg == nil || m.dlg.err == "" {
		t.Fatal("a bad ID was taken")
	}
	m.dlg.input.SetValue("gbz177-l5-draft")
	run(m.dialogKey(tea.KeyPressMsg{Code: tea.KeyEnter}))
	if m.err != nil {
		t.Fatal(m.err)
	}
	if m.s.work.Revision.ID != "gbz177-l5-draft" || m.s.work.Revision.Status != spec.RevisionDraft || m.s.work.Revision.Base != "gbz177-l4-draft" {
		t.Fatalf("the fork is %s (%s, base %s)", m.s.work.Revision.ID, m.s.work.Revision.Status, m.s.work.Revision.Base)
	}
	// R renames it; D deletes it.
	m.Update(tea.KeyPressMsg{Code: 'R', Text: "R"})
	m.dlg.input.SetValue("gbz177-l5-wip")
	run(m.dialogKey(tea.KeyPressMsg{Code: tea.KeyEnter}))
	if m.s.work.Revision.ID != "gbz177-l5-wip" {
		t.Fatalf("the rename gives %s", m.s.work.Revision.ID)
	}
	if _, err := os.Stat(filepath.Join(dir, "cue/revisions/gbz177-l5-draft")); !os.IsNotExist(err) {
		t.Error("the old directory is still there")
	}
	m.Update(tea.KeyPressMsg{Code: 'D', Text: "D"})
	run(m.dialogKey(tea.KeyPressMsg{Code: 'y', Text: "y"}))
	if m.s.work.Revision.ID != "gbz177-l4-draft" {
		t.Errorf("after the delete the working revision is %s", m.s.work.Revision.ID)
	}
	if _, err := os.Stat(filepath.Join(dir, "cue/revisions/gbz177-l5-wip")); !os.IsNotExist(err) {
		t.Error("the deleted draft is still on disk")
	}
	// A published revision is neither renamed nor deleted.
	m.Update(reevaluate(m.s, m.s.base.Revision, m.s.base.Revision)())
	m.Update(tea.KeyPressMsg{Code: 'D', Text: "D"})
	if m.dlg != nil || !strings.Contains(m.notice, "published") {
		t.Errorf("D on a published revision: dialog %v, notice %q", m.dlg != nil, m.notice)
	}
}

// TestJournalWhileTyping journals an edit whose burst has not ended once
// the last entry is old enough, and not more often.
func TestJournalWhileTyping(t *testing.T) {
	journal := t.TempDir()
	cfg := testConfig(t)
	cfg.JournalDir = journal
	m := start(t, cfg, 120, 40, nil)
	openCriterion(t, m, "MT-L3-LLM")
	press(m, "x")
	f := m.edit.file()
	old := f.buf.Version()
	press(m, "y") // the typing goes on
	cmd := m.journalTick(journalTickMsg{key: f.key, version: old})
	if cmd == nil {
		t.Fatal("an edit never journaled was not journaled while the typing went on")
	}
	cmd()
	entries, _ := (&safefile.Journal{Dir: journal}).List()
	if len(entries) != 1 || !strings.Contains(string(entries[0].Content), "xy") {
		t.Fatalf("journal %v", entries)
	}
	press(m, "z")
	if cmd := m.journalTick(journalTickMsg{key: f.key, version: f.buf.Version() - 1}); cmd != nil {
		t.Error("journaled again within journalEvery while the typing went on")
	}
}

// TestRecoverAfterTheFileChanged recovers an edit of a file that changed on
// disk since: the save asks instead of overwriting the newer file.
func TestRecoverAfterTheFileChanged(t *testing.T) {
	dir, journal, _ := journaledEdit(t)

	// Another program changes the file; then Ladder restarts.
	path := filepath.Join(dir, "cue/revisions/gbz177-l4-draft/mobile_terminal.cue")
	data, _ := os.ReadFile(path)
	theirs := strings.Replace(string(data), "npu_tops_int8: >=40", "npu_tops_int8: >=45", 1)
	if err := os.WriteFile(path, []byte(theirs), 0o644); err != nil {
		t.Fatal(err)
	}
	m2 := start(t, diskConfig(t, dir, journal), 120, 40, nil)
	m2.Update(m2.checkJournal()())
	if !strings.Contains(screen(m2), "changed on disk since") {
		t.Errorf("the recovery does not say the file changed:\n%s", screen(m2))
	}
	m2.dialogKey(tea.KeyPressMsg{Code: 'r', Text: "r"})
	m2.Update(m2.save(nil)())
	if m2.dlg == nil || !strings.Contains(screen(m2), "changed on disk since you opened it") {
		t.Fatalf("the save of the recovered edit did not ask:\n%s", screen(m2))
	}
	if got, _ := os.ReadFile(path); string(got) != theirs {
		t.Error("the newer file was overwritten")
	}
}
