package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
	"github.com/ladderworks/ladder/tui/safefile"
)

// The tests of this file hold the journal's trust rule: an entry is
// recovered only if its path is a CUE file of a revision inside the
// workspace, every other entry is listed with its entry file and never
// touches the file it names; and a signal keeps every unsaved edit.

// victimText is what a file outside the workspace holds, which no planted
// journal entry may show or change.
const victimText = "VICTIM: a file outside the workspace\n"

// plantedWorld is a workspace at root/a/b/ws, so that ../../victim.txt
// from it is root/a/victim.txt, which holds victimText, and the workspace's
// own journal (.ladder/recover).
func plantedWorld(t *testing.T) (ws, victim string, j *safefile.Journal) {
	t.Helper()
	root := t.TempDir()
	ws = filepath.Join(root, "a", "b", "ws")
	if err := os.CopyFS(ws, spectest.FS(t)); err != nil {
		t.Fatal(err)
	}
	victim = filepath.Join(root, "a", "victim.txt")
	if err := os.WriteFile(victim, []byte(victimText), 0o644); err != nil {
		t.Fatal(err)
	}
	return ws, victim, &safefile.Journal{Dir: filepath.Join(ws, ".ladder", "recover")}
}

// plant writes a journal entry for a path, as a workspace from elsewhere
// may hold one, and returns its entry file.
func plant(t *testing.T, j *safefile.Journal, path string) string {
	t.Helper()
	if err := j.Put(safefile.Entry{Path: path, Base: safefile.StampOf([]byte(victimText)), Content: []byte("PLANTED: overwritten\n"), Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	entries, errs := j.List()
	for _, e := range entries {
		if e.Path == path {
			return e.File
		}
	}
	t.Fatalf("the planted entry of %q is not in the journal: %v", path, errs)
	return ""
}

// wsConfig is the workbench on a workspace directory with its own journal,
// .ladder/recover.
func wsConfig(t *testing.T, dir string) Config {
	t.Helper()
	ws, err := spec.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Config{Workspace: ws}
}

// TestPlantedJournalEntry: a journal entry whose path leads out of the
// workspace, or names anything but a CUE file of a revision, is listed at
// the start with its entry file and why; the file it names is never shown
// or written, whatever the user then presses (r, ctrl+s).
func TestPlantedJournalEntry(t *testing.T) {
	for _, tc := range []struct {
		name string
		// path is the entry's path; "<victim>" stands for the victim's
		// absolute path.
		path string
		why  string
	}{
		{"climbs out", "../../victim.txt", `its path "../../victim.txt" leads out of the workspace`},
		{"absolute", "<victim>", `is absolute`},
		{"climbs out of a revision", "cue/revisions/" + spectest.Draft + "/../../../../victim.txt", `leads out of the workspace`},
		{"not clean", "cue/revisions/" + spectest.Draft + "/./mobile_terminal.cue", `is not a clean path`},
		{"not a revision's file", "fixtures/devices/mobile_terminal/x.cue", `is not a CUE file of a revision (cue/revisions/<id>/<name>.cue)`},
		{"not a CUE file", "cue/revisions/" + spectest.Draft + "/notes.txt", `is not a CUE file of a revision`},
		{"in a subdirectory", "cue/revisions/" + spectest.Draft + "/sub/a.cue", `is not a CUE file of a revision`},
		{"the module", "cue/cue.mod/module.cue", `is not a CUE file of a revision`},
		{"backslashes", `cue\revisions\` + spectest.Draft + `\..\..\..\..\victim.txt`, `is not a plain slash-separated path`},
		{"control characters", "cue/revisions/" + spectest.Draft + "/\x1b[2J.cue", `"cue/revisions/` + spectest.Draft + `/\x1b[2J.cue" is not a plain slash-separated path`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, victim, j := plantedWorld(t)
			path := strings.ReplaceAll(tc.path, "<victim>", victim)
			file := plant(t, j, path)

			m := startSettled(t, wsConfig(t, dir), 120, 40)
			want := "• journal entry " + file + ": refused: " + tc.why
			if m.dlg == nil || !slices.ContainsFunc(m.dlg.body, func(l string) bool {
				return strings.HasPrefix(l, "• journal entry "+file+": refused: ") && strings.Contains(l, tc.why)
			}) {
				t.Fatalf("the start does not list %q:\n%s", want, screen(m))
			}
			s := screen(m)
			if !strings.Contains(s, "Journal entries not recovered") || !strings.Contains(s, filepath.Base(file)[:16]) {
				t.Errorf("the screen does not name the entry file:\n%s", s)
			}
			// The attack: recover, save, and again after the dialog.
			type_(t, m, "r", "ctrl+s", "enter", "r", "ctrl+s", "esc")
			for _, s := range []string{s, screen(m)} {
				if strings.Contains(s, "VICTIM") || strings.Contains(s, "PLANTED") || strings.Contains(s, "\x1b[2J") {
					t.Errorf("the screen shows the file outside or the planted text:\n%s", s)
				}
			}
			if data, err := os.ReadFile(victim); err != nil || string(data) != victimText {
				t.Errorf("victim.txt holds %q (%v); want it untouched", data, err)
			}
			if names, _ := os.ReadDir(filepath.Dir(victim)); len(names) != 2 {
				t.Errorf("a file was written beside the workspace: %v", names)
			}
			for _, f := range m.edit.files {
				t.Errorf("the editor holds %s", f.key)
			}
			if entries, _ := j.List(); len(entries) != 1 {
				t.Errorf("the planted entry was not kept for the user to see: %v", entries)
			}
		})
	}
}

// TestPlantedJournalEntryOnDisk: an entry whose path has the right form
// but names a symbolic link out of the workspace, a directory or a FIFO is
// refused, and the file is never read (a FIFO would block the reader).
func TestPlantedJournalEntryOnDisk(t *testing.T) {
	rev := "cue/revisions/" + spectest.Draft + "/"
	for _, tc := range []struct {
		name, path string
		make       func(t *testing.T, file, victim string)
		why        string
	}{
		{"a link out", rev + "evil.cue", func(t *testing.T, file, victim string) {
			if err := os.Symlink(victim, file); err != nil {
				t.Skip(err)
			}
		}, `its path "` + rev + `evil.cue": a symbolic link leads outside the workspace (to "`},
		{"a relative link out", rev + "evil.cue", func(t *testing.T, file, victim string) {
			if err := os.Symlink("../../../../../victim.txt", file); err != nil {
				t.Skip(err)
			}
		}, `a symbolic link leads outside the workspace`},
		{"a directory", rev + "dir.cue", func(t *testing.T, file, victim string) {
			if err := os.Mkdir(file, 0o755); err != nil {
				t.Fatal(err)
			}
		}, `its path "` + rev + `dir.cue" is not a regular file: it is a directory`},
		{"a FIFO", rev + "fifo.cue", func(t *testing.T, file, victim string) {
			if err := syscall.Mkfifo(file, 0o644); err != nil {
				t.Skip(err)
			}
		}, `its path "` + rev + `fifo.cue" is not a regular file: it is a named pipe (FIFO)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, victim, j := plantedWorld(t)
			tc.make(t, filepath.Join(dir, filepath.FromSlash(tc.path)), victim)
			file := plant(t, j, tc.path)
			m := New(wsConfig(t, dir))
			done := make(chan tea.Msg)
			go func() { done <- m.checkJournal()() }()
			var rec recoveryMsg
			select {
			case msg := <-done:
				rec = msg.(recoveryMsg)
			case <-time.After(5 * time.Second):
				t.Fatal("the journal check hangs")
			}
			if len(rec.entries) != 0 || len(rec.errs) != 1 {
				t.Fatalf("recovery offers %d edits, errors %v; want none, one error", len(rec.entries), rec.errs)
			}
			want := "journal entry " + file + ": refused: its path "
			if got := rec.errs[0].Error(); !strings.HasPrefix(got, want) || !strings.Contains(got, tc.why) || strings.Contains(got, "VICTIM") {
				t.Errorf("error %q; want %q…%q", got, want, tc.why)
			}
			if data, err := os.ReadFile(victim); err != nil || string(data) != victimText {
				t.Errorf("victim.txt holds %q (%v); want it untouched", data, err)
			}
		})
	}
}

// TestCorruptJournalEntriesAllListed: every damaged entry of the journal is
// listed at the start with its entry file (not only the first), and the
// good entry is offered back after them.
func TestCorruptJournalEntriesAllListed(t *testing.T) {
	dir, _, j := plantedWorld(t)
	key := spectest.RevFile(spectest.Draft, "mobile_terminal.cue")
	disk, err := os.ReadFile(filepath.Join(dir, key))
	if err != nil {
		t.Fatal(err)
	}
	edit := strings.Replace(string(disk), "on_device_llm_params_b: >=7", "on_device_llm_params_b: >=50", 1)
	if err := j.Put(safefile.Entry{Path: key, Base: safefile.StampOf(disk), Content: []byte(edit), Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	good, _ := j.List()
	whole, err := os.ReadFile(good[0].File)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := map[string]string{
		"0badjson.json":   "{not json",
		"1truncated.json": string(whole[:len(whole)/2]),
		"2schema.json":    `{"version":7,"path":"cue/revisions/x/a.cue","text":"x"}`,
		"3nopath.json":    `{"version":1,"text":"x"}`,
		"4array.json":     `[1, 2, 3]`,
	}
	want := map[string]string{
		"0badjson.json":   "decoding: invalid character 'n'",
		"1truncated.json": "decoding: unexpected end of JSON input",
		"2schema.json":    "unknown entry version 7",
		"3nopath.json":    "the entry has no path",
		"4array.json":     "decoding: json: cannot unmarshal array",
	}
	for name, data := range corrupt {
		if err := os.WriteFile(filepath.Join(j.Dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	m := startSettled(t, wsConfig(t, dir), 120, 40)
	if m.dlg == nil || m.dlg.title != "Journal entries not recovered" {
		t.Fatalf("the start does not list the damaged entries:\n%s", screen(m))
	}
	body := strings.Join(m.dlg.body, "\n")
	if !strings.HasPrefix(body, "5 entries in the journal of unsaved edits cannot be recovered:") {
		t.Errorf("the dialog does not count the entries:\n%s", body)
	}
	for name, why := range want {
		line := "• journal entry " + filepath.Join(j.Dir, name) + ": " + why
		if !strings.Contains(body, line) {
			t.Errorf("the dialog does not list %q:\n%s", line, body)
		}
	}
	if m.err == nil || !strings.Contains(m.err.Error(), "5 journal entries of unsaved edits not recovered") {
		t.Errorf("the status line says %v", m.err)
	}
	// The good entry is offered next.
	type_(t, m, "enter")
	if m.dlg == nil || !strings.Contains(screen(m), "Recover an unsaved edit?") {
		t.Fatalf("the good entry is not offered after the damaged ones:\n%s", screen(m))
	}
	type_(t, m, "r")
	if f := m.edit.file(); f == nil || f.buf.Text() != edit {
		t.Fatal("the good entry was not recovered")
	}
}

// TestRecoveredSaveStaysInside: the save of a recovered edit writes inside
// the workspace even when the revision's file became a link out of it
// after the journal was checked; the save is refused and says why.
func TestRecoveredSaveStaysInside(t *testing.T) {
	dir, victim, j := plantedWorld(t)
	key := spectest.RevFile(spectest.Draft, "mobile_terminal.cue")
	file := filepath.Join(dir, key)
	disk, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edit := strings.Replace(string(disk), "on_device_llm_params_b: >=7", "on_device_llm_params_b: >=50", 1)
	if err := j.Put(safefile.Entry{Path: key, Base: safefile.StampOf(disk), Content: []byte(edit), Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	m := startSettled(t, wsConfig(t, dir), 120, 40)
	type_(t, m, "r")
	// Another program swaps the file for a link out.
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, file); err != nil {
		t.Skip(err)
	}
	f := m.edit.file()
	settle(t, m, m.forceSave(f.key, nil))
	if data, _ := os.ReadFile(victim); string(data) != victimText {
		t.Errorf("the save wrote outside the workspace: victim.txt holds %q", data)
	}
	if m.err == nil || !strings.Contains(m.err.Error(), "a symbolic link leads outside") {
		t.Errorf("the save does not say why it was refused: %v", m.err)
	}
}

// TestSignalFlushesJournal: a signal ends the workbench at once, whatever
// dialog is open, and FlushJournal then keeps every unsaved edit, typed
// within the journal's delay, and drops the entry of a file whose edits
// were undone.
func TestSignalFlushesJournal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			dir, _, j := plantedWorld(t)
			m := startSettled(t, wsConfig(t, dir), 120, 40)
			openCriterion(t, m, "MT-L3-LLM")
			gotoEnd(m, lineOf(t, m, "on_device_llm_params_b: >=7"))
			// Typed, never journaled: the journal's tick does not come.
			type_(t, m, "backspace", "4", "2")
			f := m.edit.file()
			if entries, _ := j.List(); len(entries) != 0 {
				t.Fatalf("journaled before the signal: %v", entries)
			}
			type_(t, m, "ctrl+c") // the quit dialog: the signal ends it anyway
			if m.dlg == nil {
				t.Fatal("no quit dialog")
			}
			_, cmd := m.Update(Signal{sig})
			if cmd == nil {
				t.Fatal("the signal does not end the program")
			}
			if _, ok := cmd().(tea.QuitMsg); !ok || m.Signalled() != sig {
				t.Fatalf("the signal does not quit (Signalled %v)", m.Signalled())
			}
			kept, err := m.FlushJournal()
			if err != nil || !slices.Equal(kept, []string{f.key}) {
				t.Fatalf("FlushJournal = %v, %v; want %s kept", kept, err, f.key)
			}
			entries, errs := j.List()
			if len(errs) > 0 || len(entries) != 1 || string(entries[0].Content) != f.buf.Text() || !strings.Contains(string(entries[0].Content), "on_device_llm_params_b: >=42") {
				t.Fatalf("the journal holds %v, %v; want the typed text", entries, errs)
			}

			// Undone, the file is as saved: a flush drops its entry.
			type_(t, m, "esc")
			for range 3 {
				f.buf.Undo()
			}
			if kept, err := m.FlushJournal(); err != nil || len(kept) != 0 {
				t.Fatalf("FlushJournal of an undone edit = %v, %v", kept, err)
			}
			if entries, _ := j.List(); len(entries) != 0 {
				t.Errorf("the entry of an undone edit stays: %v", entries)
			}
		})
	}
}

// TestStateStaysInside: a workspace whose .ladder is a link out of it gets
// no state.json outside, whether the directory linked to exists or not;
// the status line says why.
func TestStateStaysInside(t *testing.T) {
	for _, exists := range []bool{true, false} {
		t.Run(fmt.Sprintf("exists=%v", exists), func(t *testing.T) {
			dir, victim, _ := plantedWorld(t)
			outside := filepath.Join(filepath.Dir(victim), "elsewhere")
			if exists {
				if err := os.Mkdir(outside, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Symlink(outside, filepath.Join(dir, ".ladder")); err != nil {
				t.Skip(err)
			}
			cfg := wsConfig(t, dir)
			cfg.Remember = true
			m := startSettled(t, cfg, 120, 40)
			if names, _ := os.ReadDir(outside); len(names) > 0 || (!exists && dirExists(outside)) {
				t.Errorf("the workbench wrote outside the workspace: %v", names)
			}
			if m.err == nil || !strings.Contains(m.err.Error(), "remembering the revisions in .ladder/state.json: saving ") || !strings.Contains(m.err.Error(), "a symbolic link leads outside") {
				t.Errorf("the status line says %v", m.err)
			}
		})
	}
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
