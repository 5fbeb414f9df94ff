package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/termtext"
	"github.com/ladderworks/ladder/tui/editbuf"
	"github.com/ladderworks/ladder/tui/safefile"
)

// This file is the drafting loop of the workbench: open a criterion's
// file, edit it with every change compiled and evaluated (debounced), save
// it atomically without overwriting another program's change, journal
// unsaved edits for recovery after a crash, hand the file to $EDITOR, and
// pick up files that other programs change.

// Timings of the drafting loop.
const (
	// journalDelay is the pause in typing after which the edit is
	// journaled, and journalEvery the longest an edit stays unjournaled
	// while the typing goes on.
	journalDelay = 400 * time.Millisecond
	journalEvery = 2 * time.Second
	// pollEvery is how often the workspace's files are checked for
	// changes made by other programs.
	pollEvery = 100 * time.Millisecond
)

// Messages of the drafting loop.
type (
	fileOpenedMsg struct {
		key   string
		data  []byte
		stamp safefile.Stamp
		line  int
		err   error
	}
	compiledMsg struct {
		version int
		s       *session
		err     error
		editAt  time.Time
	}
	journalTickMsg struct {
		key     string
		version int
	}
	journalDoneMsg struct{ err error }
	savedMsg       struct {
		results []saveResult
		then    tea.Cmd
	}
	editorDoneMsg struct {
		key string
		err error
	}
	pollTickMsg struct{}
	polledMsg   struct {
		snap    map[string]fileSig
		changed map[string][]byte
		// tick is set for the watcher's own looks, which schedule the next.
		tick bool
	}
	recoveryMsg struct {
		entries []recoverable
		errs    []error
	}
	workspaceMsg struct {
		ws  *spec.Workspace
		err error
	}
	revisionOpMsg struct {
		working string
		err     error
	}
)

// saveResult is what happened to one file that was saved.
type saveResult struct {
	key   string
	data  []byte
	stamp safefile.Stamp
	// version is the buffer version saved.
	version int
	err     error
}

// fileSig is what the watcher compares of a file between two polls.
type fileSig struct {
	size int64
	mod  time.Time
}

// recoverable is a journaled edit and the file as it is on disk now.
type recoverable struct {
	entry safefile.Entry
	disk  []byte
	stamp safefile.Stamp
}

// diskPath is where a file of the workspace is on disk.
func (m *App) diskPath(key string) string {
	return m.cfg.Workspace.Path(key)
}

// keyOf returns the workspace path of a file named as positions show it.
func (m *App) keyOf(display string) string {
	key := filepath.ToSlash(display)
	if root := m.cfg.Workspace.Root(); root != "" {
		key = strings.TrimPrefix(key, filepath.ToSlash(root)+"/")
	}
	return key
}

// openCriterion opens the file that declares a criterion, at its line.
func (m *App) openCriterion(c *spec.Criterion) tea.Cmd {
	return m.openFileAt(m.keyOf(c.Pos.File), c.Pos.Line)
}

// openFileAt opens a file of the workspace in the editor, at a line.
func (m *App) openFileAt(key string, line int) tea.Cmd {
	if f := m.edit.files[key]; f != nil {
		m.edit.openAt(f, line)
		m.showEdit()
		return nil
	}
	return m.readFile(key, line)
}

// readFile reads a file to edit, in a command.
func (m *App) readFile(key string, line int) tea.Cmd {
	ws := m.cfg.Workspace
	path := m.diskPath(key)
	return func() tea.Msg {
		msg := fileOpenedMsg{key: key, line: line}
		if ws.Dir() == "" {
			msg.data, msg.err = fs.ReadFile(ws.FS(), key)
			msg.stamp = safefile.StampOf(msg.data)
			return msg
		}
		// The workspace's file system opens only regular files inside the
		// workspace, without blocking: a named pipe is refused by it, not
		// read from disk.
		f, err := ws.FS().Open(key)
		if err != nil {
			msg.err = err
			return msg
		}
		f.Close()
		msg.data, msg.stamp, msg.err = safefile.Read(path)
		return msg
	}
}

func (m *App) fileOpened(msg fileOpenedMsg) tea.Cmd {
	if msg.err != nil {
		m.err = fmt.Errorf("opening %s: %w", msg.key, msg.err)
		return nil
	}
	f := &openFile{key: msg.key, rev: revisionOfKey(msg.key), buf: editbuf.New(string(msg.data)), disk: msg.data, stamp: msg.stamp}
	f.errs, f.findings = m.problemsOf(msg.key)
	m.edit.openAt(f, msg.line)
	m.showEdit()
	return nil
}

// showEdit switches to the Edit view, which shows the category of its
// file (editModel.refresh).
func (m *App) showEdit() {
	m.switchTo(editView)
}

// edited follows a change of the text: it compiles it (at once when no
// compilation runs, else right after the one that does, so that a burst of
// typing compiles as often as it can and no more) and schedules its
// journal entry. The editor colors the lines it shows when it draws them.
func (m *App) edited() tea.Cmd {
	f := m.edit.file()
	if f.rev != "" && f.rev != m.sh.workID {
		// The results follow the revision being edited.
		m.sh.workID = f.rev
		m.notice = "the working revision is now " + f.rev + ", whose file you edit"
	}
	m.version++
	m.editAt = time.Now()
	key, fv := f.key, f.buf.Version()
	return tea.Batch(
		m.compileNow(),
		m.tick(journalDelay, func(time.Time) tea.Msg { return journalTickMsg{key, fv} }),
	)
}

// texts are the edited texts to compile, by key: those of every open file
// whose text differs from the disk's.
func (m *App) texts() map[string][]byte {
	out := map[string][]byte{}
	for key, f := range m.edit.files {
		if text := f.buf.Text(); text != string(f.disk) {
			out[key] = []byte(text)
		}
	}
	return out
}

// compileNow compiles the edits unless the workspace is busy, in which
// case it compiles when it is free.
func (m *App) compileNow() tea.Cmd {
	if m.s == nil {
		return nil
	}
	if m.wsBusy {
		m.compileQueued = true
		return nil
	}
	m.wsBusy, m.compiling = true, true
	ws, ov, prev, texts, v, at, id := m.ws, m.ov, m.s, m.texts(), m.version, m.editAt, m.sh.workID
	timeout := m.cfg.Timeout
	return func() tea.Msg {
		ov.set(texts)
		// Load stops a compilation that takes more time or memory than
		// the workspace's limits allow: the edit then shows why, and the
		// next compiles as usual.
		rev, err := ws.Load(id)
		if err != nil {
			return compiledMsg{version: v, err: err, editAt: at}
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		s, err := prev.withWorking(ctx, rev)
		return compiledMsg{version: v, s: s, err: err, editAt: at}
	}
}

func (m *App) compiled(msg compiledMsg) tea.Cmd {
	m.wsBusy, m.compiling = false, false
	if msg.err != nil {
		m.compileErr = msg.err
	} else {
		m.compileErr = nil
		m.compiledVersion = msg.version
		m.takeSession(msg.s)
		m.keepSaved()
		m.editCost = time.Since(msg.editAt)
	}
	m.placeProblems()
	return tea.Batch(m.rememberState(), m.nextWorkspaceJob(msg.version))
}

// placeProblems gives each open file the compile errors and vet's findings
// that are in it: of the last compilation of the working revision, or of
// the session's working revision when it compiled.
func (m *App) placeProblems() {
	for key, f := range m.edit.files {
		f.errs, f.findings = m.problemsOf(key)
	}
	m.pending[problemsView] |= newProblems
	m.refreshView()
}

// problemsOf returns the compile errors and vet's findings in a file.
func (m *App) problemsOf(key string) ([]*spec.Error, []spec.Finding) {
	root := filepath.ToSlash(m.cfg.Workspace.Root())
	if m.compileErr != nil {
		return errorsByFile(m.compileErr, root)[key], nil
	}
	if m.s == nil || m.s.work.Revision.ID != m.sh.workID {
		return nil, nil
	}
	var out []spec.Finding
	for _, f := range m.s.findings {
		if m.keyOf(f.Pos.File) == key {
			out = append(out, f)
		}
	}
	return nil, out
}

// openProblem opens the file of the first compile error of the working
// revision in the editor, at its line: a revision that does not compile is
// shown where it can be fixed.
func (m *App) openProblem() tea.Cmd {
	var le *spec.LoadError
	if !errors.As(m.compileErr, &le) || len(le.Errs) == 0 {
		return nil
	}
	e := le.Errs[0]
	return m.openFileAt(m.keyOf(e.Pos.File), e.Pos.Line)
}

// nextWorkspaceJob starts what waited for the workspace: a reload, or a
// compilation of edits newer than the one just done.
func (m *App) nextWorkspaceJob(done int) tea.Cmd {
	switch {
	case m.reloadQueued:
		m.reloadQueued = false
		return m.reload()
	case m.compileQueued || m.version > done:
		m.compileQueued = false
		if m.version > done || len(m.texts()) > 0 {
			return m.compileNow()
		}
	}
	return nil
}

// reload loads every revision again, as after a change on disk, keeping the
// revisions compared and the edits.
func (m *App) reload() tea.Cmd {
	var base string
	if m.s != nil {
		base = m.s.base.Revision.ID
		// A base read from git is read from git again.
		if ref := spec.ParseRevisionRef(m.cfg.Base); ref.Git != "" && ref.ID == base && m.s.std.Loaded(base) != m.s.base.Revision {
			base = m.cfg.Base
		}
	}
	return m.reloadWith(base, m.sh.workID)
}

// reloadWith reloads the standard comparing the given revisions, or the
// defaults where they are gone (after a git checkout, say).
func (m *App) reloadWith(base, work string) tea.Cmd {
	if m.wsBusy {
		m.reloadQueued = true
		return nil
	}
	m.wsBusy = true
	cfg := m.cfg
	cfg.Base, cfg.Working = base, work
	ws, ov, texts := m.ws, m.ov, m.texts()
	return func() tea.Msg {
		ov.set(texts)
		msg := load(cfg, ws)().(loadedMsg)
		if msg.err != nil && msg.s == nil && (cfg.Base != "" || cfg.Working != "") {
			cfg.Base, cfg.Working = "", ""
			msg = load(cfg, ws)().(loadedMsg)
		}
		return msg
	}
}

// journal is where unsaved edits are kept for recovery.
func (m *App) journal() *safefile.Journal {
	j := &safefile.Journal{Dir: m.journalDir()}
	if m.cfg.JournalDir == "" {
		// In the workspace: nothing outside it is read or written.
		j.Within = m.cfg.Workspace.Dir()
	}
	return j
}

func (m *App) journalDir() string {
	switch {
	case m.cfg.JournalDir != "":
		return m.cfg.JournalDir
	case m.cfg.Workspace.Dir() != "":
		return m.cfg.Workspace.Path(".ladder/recover")
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "ladder", "recover", "builtin")
}

// journalTick writes a file's edit to the journal once its burst of
// typing has ended, or drops the entry when the file is as saved.
func (m *App) journalTick(msg journalTickMsg) tea.Cmd {
	f := m.edit.files[msg.key]
	if f == nil || f.journaled == f.buf.Version() {
		return nil
	}
	// A burst that has not ended is journaled anyway once the last entry
	// is older than journalEvery: typing without a pause loses nothing
	// older than that.
	if f.buf.Version() != msg.version && time.Since(f.journaledAt) < journalEvery {
		return nil
	}
	f.journaled, f.journaledAt = f.buf.Version(), time.Now()
	j := m.journal()
	if !f.buf.Modified() && f.buf.Text() == string(f.disk) {
		key := f.key
		return func() tea.Msg { return journalDoneMsg{j.Remove(key)} }
	}
	e := safefile.Entry{Path: f.key, Base: f.stamp, Content: []byte(f.buf.Text()), Time: time.Now()}
	return func() tea.Msg { return journalDoneMsg{j.Put(e)} }
}

// save saves every file with unsaved edits, atomically; then runs then.
// The built-in standard is never written: the first save offers to make a
// workspace of it.
func (m *App) save(then tea.Cmd) tea.Cmd {
	files := m.edit.modified()
	if len(files) == 0 {
		m.notice = "nothing to save"
		return then
	}
	if m.cfg.Workspace.Dir() == "" {
		m.askWorkspace(func(m *App) tea.Cmd { return m.save(then) })
		return nil
	}
	if m.compileErr != nil {
		m.askSaveBroken(then)
		return nil
	}
	return m.saveFiles(files, then)
}

// askSaveBroken asks before saving edits with which the working revision
// does not compile: saved, it stays in the workbench with its errors, but
// the commands refuse it until it is fixed.
func (m *App) askSaveBroken(then tea.Cmd) {
	n := 1
	var le *spec.LoadError
	if errors.As(m.compileErr, &le) {
		n = len(le.Errs)
	}
	body := []string{
		termtext.Line(fmt.Sprintf("With your edits, %s does not compile (%d %s):", m.sh.workID, n, plural(n, "error", "errors"))),
		"  " + termtext.Line(statusError(m.compileErr)),
		"",
		"Saved as it is, it stays open here with its errors until you fix it, and",
		"ladder eval, diff and check refuse it meanwhile. Save it anyway?",
	}
	m.dlg = &dialog{
		title: "Save a revision that does not compile?",
		body:  body,
		choices: []choice{{m.keys.SaveBroken, func(m *App) tea.Cmd {
			return m.saveFiles(m.edit.modified(), then)
		}}},
	}
}

// saveFiles saves files atomically, then runs then.
func (m *App) saveFiles(files []*openFile, then tea.Cmd) tea.Cmd {
	type job struct {
		key, path string
		data      []byte
		was       safefile.Stamp
		version   int
	}
	var jobs []job
	within := m.cfg.Workspace.Dir()
	for _, f := range files {
		jobs = append(jobs, job{f.key, m.diskPath(f.key), []byte(f.buf.Text()), f.stamp, f.buf.Version()})
	}
	return func() tea.Msg {
		var out []saveResult
		for _, j := range jobs {
			stamp, err := safefile.Save(j.path, j.data, j.was, safefile.Options{Within: within})
			out = append(out, saveResult{key: j.key, data: j.data, stamp: stamp, version: j.version, err: err})
		}
		return savedMsg{results: out, then: then}
	}
}

func (m *App) saved(msg savedMsg) tea.Cmd {
	var cmds []tea.Cmd
	var conflict *safefile.ChangedError
	var conflictKey string
	var saved []string
	for _, r := range msg.results {
		f := m.edit.files[r.key]
		switch {
		case r.err == nil:
			if f != nil {
				f.disk, f.stamp, f.changedOnDisk = r.data, r.stamp, false
				if f.buf.Version() == r.version {
					f.buf.MarkSaved()
				}
			}
			saved = append(saved, r.key)
			j, key := m.journal(), r.key
			cmds = append(cmds, func() tea.Msg { return journalDoneMsg{j.Remove(key)} })
		case errors.As(r.err, &conflict):
			conflictKey = r.key
		default:
			m.err = r.err
		}
	}
	if len(saved) > 0 {
		m.notice = "saved " + strings.Join(saved, ", ")
		m.err = nil
		m.keepSaved()
	}
	if conflict != nil {
		m.askConflict(conflictKey, conflict, msg.then)
		return tea.Batch(cmds...)
	}
	if m.err == nil && msg.then != nil {
		cmds = append(cmds, msg.then)
	}
	return tea.Batch(cmds...)
}

// askConflict asks what to do with a file that another program changed
// since it was read: overwrite it, take theirs (dropping the edits, which
// the dialog shows as a diff first), or save the edits elsewhere.
func (m *App) askConflict(key string, c *safefile.ChangedError, then tea.Cmd) {
	f := m.edit.files[key]
	if f == nil {
		return
	}
	mine := f.buf.Text()
	theirs := string(c.Disk)
	body := []string{
		termtext.Line(fmt.Sprintf("%s changed on disk since you opened it.", key)),
		"Your edits, against what is on disk now:", "",
	}
	body = append(body, m.dialogDiff("on disk", "yours", theirs, mine)...)
	m.dlg = &dialog{
		title: "Save: the file changed on disk",
		body:  body,
		choices: []choice{
			{m.keys.Overwrite, func(m *App) tea.Cmd {
				return m.forceSave(key, then)
			}},
			{m.keys.ReloadTheirs, func(m *App) tea.Cmd {
				f.buf.Replace(theirs)
				f.buf.MarkSaved()
				f.disk, f.stamp, f.changedOnDisk = c.Disk, c.DiskStamp, false
				m.notice = "reloaded " + key + " from disk"
				return tea.Batch(m.edited(), then)
			}},
			{m.keys.SaveElsewhere, func(m *App) tea.Cmd {
				m.askSaveAs(key)
				return nil
			}},
		},
	}
}

// forceSave overwrites a file whatever is on disk.
func (m *App) forceSave(key string, then tea.Cmd) tea.Cmd {
	f := m.edit.files[key]
	if f == nil {
		return nil
	}
	data, v, path, within := []byte(f.buf.Text()), f.buf.Version(), m.diskPath(key), m.cfg.Workspace.Dir()
	return func() tea.Msg {
		stamp, err := safefile.Save(path, data, safefile.Stamp{}, safefile.Options{Force: true, Within: within})
		return savedMsg{results: []saveResult{{key: key, data: data, stamp: stamp, version: v, err: err}}, then: then}
	}
}

// askSaveAs asks for a path to save a file's edits to, keeping the file as
// it is on disk.
func (m *App) askSaveAs(key string) {
	f := m.edit.files[key]
	m.dlg = &dialog{
		title: "Save your edits elsewhere",
		body:  []string{"A new file for your edits of " + termtext.Line(key) + " (it must not exist yet):"},
		input: newInput("> ", m.diskPath(key)+".mine", min(m.width-12, 90)),
		submit: func(m *App, path string) tea.Cmd {
			if path == "" {
				m.dlg.err = "give a path"
				return nil
			}
			m.dlg = nil
			data := []byte(f.buf.Text())
			return func() tea.Msg {
				_, err := safefile.Save(path, data, safefile.Stamp{}, safefile.Options{})
				if err != nil {
					return noticeMsg{err: fmt.Errorf("saving your edits of %s to %s: %w", key, path, err)}
				}
				return noticeMsg{text: "your edits of " + key + " are in " + path + "; the file itself is unchanged"}
			}
		},
	}
}

// noticeMsg is a line for the status bar, or an error.
type noticeMsg struct {
	text string
	err  error
}

// askWorkspace offers to write the built-in standard to a workspace, where
// edits can be saved, and then goes on with next.
func (m *App) askWorkspace(next func(*App) tea.Cmd) {
	if m.cfg.Builtin == nil {
		m.err = errors.New("the built-in standard is never written, and no workspace can be made here")
		return
	}
	m.dlg = &dialog{
		title: "The built-in standard is read-only",
		body: []string{
			"Ladder never writes the built-in standard. Make a workspace of it (as",
			"ladder init does: the standard and the reference corpus), and your",
			"edits are saved there. The directory must be new or empty:",
		},
		input: newInput("> ", "ladder-workspace", min(m.width-12, 90)),
		submit: func(m *App, dir string) tea.Cmd {
			if dir == "" {
				m.dlg.err = "give a directory"
				return nil
			}
			m.dlg = nil
			m.afterWorkspace = next
			builtin := m.cfg.Builtin
			return func() tea.Msg {
				if err := spec.Init(dir, builtin); err != nil {
					return workspaceMsg{err: err}
				}
				ws, err := spec.Open(dir, builtin)
				return workspaceMsg{ws: ws, err: err}
			}
		},
	}
}

// workspaceMade switches the workbench to a workspace just made, keeping
// the open files and their edits.
func (m *App) workspaceMade(msg workspaceMsg) tea.Cmd {
	if msg.err != nil {
		m.err = msg.err
		return nil
	}
	oldJournal := m.journal()
	m.setWorkspace(msg.ws)
	m.notice = "made the workspace " + msg.ws.Dir()
	var keys []string
	for key := range m.edit.files {
		keys = append(keys, key)
	}
	next := m.afterWorkspace
	m.afterWorkspace = nil
	cmds := []tea.Cmd{m.reload(), m.poll()}
	if next != nil {
		cmds = append(cmds, next(m))
	}
	cmds = append(cmds, func() tea.Msg {
		for _, k := range keys {
			_ = oldJournal.Remove(k)
		}
		return nil
	})
	return tea.Batch(cmds...)
}

// externalEditor hands a file of the workspace (the criterion's in Spec,
// the editor's) to $EDITOR, at a line; Ladder picks up the change when the
// editor exits.
func (m *App) externalEditor(key string, line int) tea.Cmd {
	if key == "" {
		return nil
	}
	if m.cfg.Workspace.Dir() == "" {
		m.notice = "the built-in standard is read-only: edit it in Ladder (enter) and save, which makes a workspace"
		return nil
	}
	if f := m.edit.files[key]; f != nil && f.buf.Modified() {
		m.notice = "save or undo your edits of " + key + " first (ctrl+s)"
		return nil
	}
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	if editor == "" {
		editor = "vi"
	}
	args := strings.Fields(editor)
	args = append(args, fmt.Sprintf("+%d", line), m.diskPath(key))
	cmd := exec.Command(args[0], args[1:]...)
	return tea.ExecProcess(cmd, func(err error) tea.Msg { return editorDoneMsg{key, err} })
}

// poll checks the workspace's files, and the device files the user gave,
// for changes by other programs, every pollEvery.
func (m *App) poll() tea.Cmd {
	if m.cfg.Workspace.Dir() == "" && len(m.cfg.Corpus) == 0 {
		return nil
	}
	return m.tick(pollEvery, func(time.Time) tea.Msg { return pollTickMsg{} })
}

// corpusKey is the prefix of the watcher's keys of device files, which are
// not files of the standard.
const corpusKey = "corpus:"

// scan reads the sizes and times of the workspace's CUE files and of the
// device files (the reference corpus and the user's), and the texts of the
// CUE files that differ from the last scan. tick is set for the watcher's
// looks, every pollEvery, and not for one after $EDITOR.
func (m *App) scan(tick bool) tea.Cmd {
	dir, last, corpus := m.cfg.Workspace.Dir(), m.snap, m.cfg.Corpus
	fsys := m.cfg.Workspace.FS()
	return func() tea.Msg {
		snap := map[string]fileSig{}
		changed := map[string][]byte{}
		look := func(root, keyPrefix string, cue bool) {
			_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || (cue && !strings.HasSuffix(p, ".cue")) {
					return nil
				}
				info, err := d.Info()
				if err != nil {
					return nil
				}
				key := keyPrefix + filepath.ToSlash(p)
				if cue {
					rel, _ := filepath.Rel(dir, p)
					key = filepath.ToSlash(rel)
				}
				sig := fileSig{info.Size(), info.ModTime()}
				snap[key] = sig
				if old, ok := last[key]; last != nil && (!ok || old != sig) {
					// A CUE file is read through the workspace, which
					// refuses a named pipe or a link out of it.
					if !cue {
						changed[key] = []byte{}
					} else if data, err := fs.ReadFile(fsys, key); err == nil {
						changed[key] = data
					}
				}
				return nil
			})
		}
		if dir != "" {
			look(filepath.Join(dir, "cue"), "", true)
			look(filepath.Join(dir, filepath.FromSlash(fixtures.DevicesDir)), corpusKey, false)
		}
		for _, p := range corpus {
			look(p, corpusKey, false)
		}
		for key := range last {
			if _, ok := snap[key]; !ok {
				changed[key] = nil
			}
		}
		return polledMsg{snap: snap, changed: changed, tick: tick}
	}
}

// polled takes the changes that other programs made: an open file without
// edits takes the new text; one with edits is marked, and its save will
// ask. Any change of the standard reloads it.
func (m *App) polled(msg polledMsg) tea.Cmd {
	first := m.snap == nil
	m.snap = msg.snap
	next := m.poll()
	if !msg.tick {
		next = nil
	}
	if first || len(msg.changed) == 0 {
		return next
	}
	reload := false
	for key, data := range msg.changed {
		if strings.HasPrefix(key, corpusKey) {
			reload = true
			m.notice = "device files changed on disk: read again"
			continue
		}
		f := m.edit.files[key]
		if f != nil && data != nil && safefile.StampOf(data) == f.stamp {
			continue // our own save
		}
		reload = true
		if f == nil || data == nil {
			what := "changed"
			if data == nil {
				what = "was removed"
			}
			m.notice = key + " " + what + " on disk: the standard is read again"
			continue
		}
		if f.buf.Modified() {
			f.changedOnDisk = true
			m.notice = key + " changed on disk; your edits are kept, and saving will ask"
			continue
		}
		f.buf.Replace(string(data))
		f.buf.MarkSaved()
		f.disk, f.stamp = data, safefile.StampOf(data)
		m.notice = key + " changed on disk: reloaded"
	}
	if !reload {
		return next
	}
	return tea.Batch(m.reload(), next)
}

// checkJournal lists the journaled edits, with the files as they are on
// disk, to offer them back after a crash.
func (m *App) checkJournal() tea.Cmd {
	j, ws := m.journal(), m.cfg.Workspace
	return func() tea.Msg {
		entries, errs := j.List()
		var out []recoverable
		for _, e := range entries {
			// The entry is data: the file it names is read only if it
			// is a CUE file of a revision inside the workspace.
			err := checkEntryPath(e.Path)
			var data []byte
			var stamp safefile.Stamp
			if err == nil {
				data, stamp, err = readEntryFile(ws, e.Path)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("journal entry %s: refused: %w", e.File, err))
				continue
			}
			if bytes.Equal(data, e.Content) {
				_ = j.Remove(e.Path) // nothing was lost
				continue
			}
			out = append(out, recoverable{entry: e, disk: data, stamp: stamp})
		}
		return recoveryMsg{entries: out, errs: errs}
	}
}

// offerRecovery offers each journaled edit back, one dialog at a time.
func (m *App) offerRecovery(rs []recoverable) {
	if len(rs) == 0 {
		return
	}
	r, rest := rs[0], rs[1:]
	e := r.entry
	body := []string{
		termtext.Line(fmt.Sprintf("Ladder ended with unsaved edits of %s (journaled %s).", e.Path, e.Time.Format("2006-01-02 15:04:05"))),
	}
	if r.stamp != e.Base {
		body = append(body, "The file also changed on disk since: recovering keeps yours, and saving will ask.")
	}
	body = append(body, "Your edits, against the file on disk:", "")
	body = append(body, m.dialogDiff("on disk", "unsaved", string(r.disk), string(e.Content))...)
	m.dlg = &dialog{
		title: "Recover an unsaved edit?",
		body:  body,
		choices: []choice{
			{m.keys.Recover, func(m *App) tea.Cmd {
				f := &openFile{key: e.Path, rev: revisionOfKey(e.Path), buf: editbuf.New(string(r.disk)), disk: r.disk, stamp: r.stamp}
				f.buf.Replace(string(e.Content))
				if r.stamp != e.Base {
					// The edit was made on another text than the disk's
					// now: its save must ask.
					f.changedOnDisk, f.stamp = true, e.Base
				}
				m.edit.openAt(f, firstDifference(string(r.disk), string(e.Content)))
				m.showEdit()
				m.offerRecovery(rest)
				return m.edited()
			}},
			{m.keys.DiscardEdit, func(m *App) tea.Cmd {
				j, key := m.journal(), e.Path
				m.offerRecovery(rest)
				return func() tea.Msg { return journalDoneMsg{j.Remove(key)} }
			}},
		},
	}
}

// firstDifference returns the first line (from 1) where two texts differ.
func firstDifference(a, b string) int {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

// quit quits, asking first when edits are unsaved.
func (m *App) quit() tea.Cmd {
	files := m.edit.modified()
	if len(files) == 0 {
		return tea.Quit
	}
	var names []string
	for _, f := range files {
		names = append(names, "  "+termtext.Line(f.key))
	}
	m.dlg = &dialog{
		title: "Quit with unsaved edits?",
		body:  append([]string{"These files have unsaved edits:"}, names...),
		choices: []choice{
			{m.keys.SaveQuit, func(m *App) tea.Cmd { return m.save(tea.Quit) }},
			{m.keys.DiscardQuit, func(m *App) tea.Cmd {
				j := m.journal()
				var keys []string
				for _, f := range files {
					keys = append(keys, f.key)
				}
				return tea.Sequence(func() tea.Msg {
					for _, k := range keys {
						_ = j.Remove(k)
					}
					return nil
				}, tea.Quit)
			}},
		},
	}
	return nil
}

// askUnlock asks before allowing edits to a published revision.
func (m *App) askUnlock() tea.Cmd {
	f := m.edit.file()
	if f == nil || m.edit.editable(&m.sh, f) {
		return nil
	}
	rev := f.rev
	m.dlg = &dialog{
		title: "Edit a published revision?",
		body: []string{
			termtext.Line(rev) + " is published: its text is the standard as balloted.",
			"Fork a draft from it instead (f in Spec), or unlock it for this session.",
		},
		choices: []choice{{m.keys.UnlockRevision, func(m *App) tea.Cmd {
			m.edit.unlocked[rev] = true
			m.notice = rev + " is unlocked for editing"
			return nil
		}}},
	}
	return nil
}
