package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/tui/safefile"
)

// This file holds what the workbench trusts of its journal of unsaved
// edits, and what it does with it when a signal ends it.
//
// The journal is data like any other file of a workspace from elsewhere: an
// entry's path is accepted only if it names a CUE file of a revision,
// cue/revisions/<id>/<name>.cue, clean, relative and slash-separated, that
// resolves (symbolic links followed) to a regular file inside the
// workspace. Any other entry is refused, with its entry file named, and
// the file it names is never read or written.

// entryPathRule is the form of a journal entry's path that recovery accepts.
const entryPathRule = spec.RevisionsDir + "/<id>/<name>.cue"

// checkEntryPath returns why a journal entry's path is refused, or nil: it
// must be a CUE file of a revision, cue/revisions/<id>/<name>.cue, clean,
// relative and slash-separated, in printable characters.
func checkEntryPath(p string) error {
	refuse := func(why string) error { return fmt.Errorf("its path %q %s", p, why) }
	if !utf8.ValidString(p) || strings.ContainsFunc(p, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) || strings.Contains(p, `\`) {
		return refuse("is not a plain slash-separated path")
	}
	if path.IsAbs(p) || filepath.IsAbs(p) || filepath.VolumeName(p) != "" {
		return refuse("is absolute")
	}
	for _, elem := range strings.Split(p, "/") {
		if elem == ".." {
			return refuse("leads out of the workspace")
		}
	}
	if path.Clean(p) != p || !filepath.IsLocal(filepath.FromSlash(p)) {
		return refuse("is not a clean path")
	}
	parts := strings.Split(p, "/")
	rest, ok := strings.CutPrefix(p, spec.RevisionsDir+"/")
	if !ok || len(parts) != strings.Count(spec.RevisionsDir, "/")+3 || !strings.HasSuffix(rest, ".cue") || strings.HasPrefix(path.Base(p), ".") {
		return refuse("is not a CUE file of a revision (" + entryPathRule + ")")
	}
	return nil
}

// readEntryFile reads the file that a journal entry's path names, which
// checkEntryPath accepted, from the workspace: never outside it (a
// symbolic link that leads out is refused) and never a file that is not a
// regular file. A missing file is nil data.
func readEntryFile(ws *spec.Workspace, key string) ([]byte, safefile.Stamp, error) {
	if ws.Dir() == "" {
		// The built-in standard is in the program: no links, no FIFOs.
		data, err := fs.ReadFile(ws.FS(), key)
		return data, safefile.StampOf(data), err
	}
	data, st, err := safefile.ReadIn(ws.Dir(), key)
	var oe *safefile.OutsideError
	switch {
	case errors.As(err, &oe) && oe.Target != "":
		return nil, st, fmt.Errorf("its path %q: a symbolic link leads outside the workspace (to %q)", key, oe.Target)
	case errors.Is(err, safefile.ErrOutside):
		return nil, st, fmt.Errorf("its path %q leads out of the workspace", key)
	case errors.Is(err, safefile.ErrNotRegular):
		return nil, st, fmt.Errorf("its path %q is %s", key, strings.TrimPrefix(err.Error(), "reading "+key+": "))
	}
	return data, st, err
}

// journalProblems shows every journal entry that is not recovered, each
// with its entry file and why, then goes on with the entries that are.
func (m *App) journalProblems(errs []error, rs []recoverable) {
	dir := m.journalDir()
	n := len(errs)
	m.err = fmt.Errorf("%d %s of unsaved edits not recovered (listed at the start); %s in %s",
		n, plural(n, "journal entry", "journal entries"), plural(n, "it stays", "they stay"), dir)
	body := []string{
		fmt.Sprintf("%d %s in the journal of unsaved edits cannot be recovered:", n, plural(n, "entry", "entries")),
		"",
	}
	for _, err := range errs {
		body = append(body, "• "+err.Error())
	}
	body = append(body, "",
		"Only an edit of a CUE file of a revision of this workspace ("+entryPathRule+") is",
		"recovered: nothing that these entries name was read or written. They stay in",
		dir+"; delete them if you do not need them.")
	if len(rs) > 0 {
		body = append(body, "", fmt.Sprintf("Enter or esc goes on to the %d %s that can be recovered.", len(rs), plural(len(rs), "edit", "edits")))
	}
	m.dlg = &dialog{
		title: "Journal entries not recovered",
		body:  body,
		then: func(m *App) tea.Cmd {
			m.offerRecovery(rs)
			return nil
		},
	}
}

// Signal is the message that tells the workbench that a signal (SIGTERM,
// SIGHUP, SIGINT) asks it to end: it quits at once, whatever is on
// screen, and FlushJournal then keeps its unsaved edits.
type Signal struct{ os.Signal }

// Signalled returns the signal that ended the workbench, or nil.
func (m *App) Signalled() os.Signal { return m.signal }

// FlushJournal writes every unsaved edit to the journal at once, as the
// end of a burst of typing does, and drops the entries of open files that
// are as saved; it returns the files whose edits it kept. It does I/O: the
// program calls it after Run returns, never from Update.
func (m *App) FlushJournal() (kept []string, err error) {
	j := m.journal()
	var errs []error
	var files []*openFile
	for _, f := range m.edit.files {
		files = append(files, f)
	}
	sortFiles(files)
	for _, f := range files {
		if !f.buf.Modified() && f.buf.Text() == string(f.disk) {
			if f.journaled != 0 && f.journaled != f.buf.Version() {
				errs = append(errs, j.Remove(f.key))
			}
			continue
		}
		e := safefile.Entry{Path: f.key, Base: f.stamp, Content: []byte(f.buf.Text()), Time: time.Now()}
		if err := j.Put(e); err != nil {
			errs = append(errs, err)
			continue
		}
		f.journaled, f.journaledAt = f.buf.Version(), e.Time
		kept = append(kept, f.key)
	}
	return kept, errors.Join(errs...)
}
