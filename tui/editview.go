package tui

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/termtext"
	"github.com/ladderworks/ladder/tui/editbuf"
	"github.com/ladderworks/ladder/tui/safefile"
)

// editModel is the Edit view: the CUE files of the working revision in a
// built-in editor, beside what the edit does to the corpus.
type editModel struct {
	// files are the files opened, by key: their path in the workspace,
	// such as cue/revisions/draft-1/thermostat.cue.
	files map[string]*openFile
	// cur is the key of the file shown.
	cur string
	// top and left are the first line and display column shown.
	top, left int
	// unlocked are the published revisions that the user unlocked for
	// editing; the others are read-only.
	unlocked map[string]bool
	effect   scroll
	// moves is what the Effect pane last said the unsaved edit does to a
	// category, for the sessions it compared: drawn again at each frame,
	// it is worked out once.
	moves *editMoves
}

// editMoves are the devices of a category whose level differs between a
// session and the session of the files as saved: how many, and the first
// of them (in the session's order), each with its level as saved.
type editMoves struct {
	s, saved *session
	category string
	n        int
	first    []*deviceRow
	was      []string
}

// openFile is a file being edited.
type openFile struct {
	key string
	// rev is the ID of the revision the file belongs to.
	rev string
	buf *editbuf.Buffer
	// disk is the text read from disk (or last saved) and stamp its stamp:
	// a save that finds another on disk asks first.
	disk  []byte
	stamp safefile.Stamp
	// changedOnDisk is set when another program changed the file while it
	// had unsaved edits here.
	changedOnDisk bool
	// errs are the compile errors in the file, from the last compilation,
	// and findings vet's findings in it, when the revision compiled.
	errs     []*spec.Error
	findings []spec.Finding
	// lex keeps the scanner's state at line starts, drawn the text as
	// last drawn, and col the display column of the cursor (editdraw.go).
	lex   lexStarts
	drawn *drawnWindow
	col   struct {
		version int
		at      editbuf.Pos
		x       int
		ok      bool
	}
	// journaled is the buffer version last written to the journal, at
	// journaledAt.
	journaled   int
	journaledAt time.Time
}

func newEditModel() editModel {
	return editModel{files: map[string]*openFile{}, unlocked: map[string]bool{}}
}

// file returns the file shown, or nil.
func (m *editModel) file() *openFile { return m.files[m.cur] }

// modified returns the files with unsaved edits, by key.
func (m *editModel) modified() []*openFile {
	var out []*openFile
	for _, f := range m.files {
		if f.buf.Modified() {
			out = append(out, f)
		}
	}
	sortFiles(out)
	return out
}

func sortFiles(fs []*openFile) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].key < fs[j-1].key; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// revisionOfKey returns the revision ID of a file key, or "".
func revisionOfKey(key string) string {
	rest, ok := strings.CutPrefix(key, spec.RevisionsDir+"/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}

// gutterWidth is the width of the line numbers and the error mark.
func (f *openFile) gutterWidth() int {
	return len(fmt.Sprint(f.buf.LineCount())) + 2
}

// scrollToCursor keeps the cursor in the h × w cells of text shown.
func (m *editModel) scrollToCursor(h, w int) {
	f := m.file()
	if f == nil {
		return
	}
	c := f.buf.Cursor()
	if c.Line < m.top {
		m.top = c.Line
	}
	if h > 0 && c.Line >= m.top+h {
		m.top = c.Line - h + 1
	}
	textW := w - f.gutterWidth()
	x := f.cursorCol()
	// A scroll leaves up to 8 cells beside the cursor, fewer in a narrow
	// pane, where the cursor must still show.
	margin := min(8, max(textW/4, 1))
	if x < m.left {
		m.left = max(x-margin, 0)
	}
	if textW > 0 && x >= m.left+textW {
		m.left = x - textW + margin
	}
}

// textCursor returns where the cursor is in a pane's text of w cells, or
// false when it is not shown.
func (m *editModel) textCursor(h, w int) (x, y int, ok bool) {
	f := m.file()
	if f == nil {
		return 0, 0, false
	}
	c := f.buf.Cursor()
	x = f.gutterWidth() + f.cursorCol() - m.left
	y = c.Line - m.top
	return x, y, y >= 0 && y < h && x >= f.gutterWidth() && x < w
}

// editorLines draws the text with line numbers, marking lines with errors.
func (m *editModel) editorLines(sh *shared, w, h int) []string {
	f := m.file()
	st := sh.st
	if f == nil {
		return []string{st.dim.Render(" Select a criterion in Spec and press enter to edit it here.")}
	}
	errLines, findingLines := map[int]bool{}, map[int]bool{}
	for _, e := range f.errs {
		errLines[e.Pos.Line] = true
	}
	for _, fd := range f.findings {
		findingLines[fd.Pos.Line] = true
	}
	gw := f.gutterWidth()
	cur := f.buf.Cursor()
	rows := max(h-1, 0)
	var out []string
	colored := f.window(st.syntax, m.top, rows, m.left, max(w-gw, 0))
	for i := m.top; i < m.top+len(colored); i++ {
		num := fmt.Sprintf("%*d ", gw-2, i+1)
		mark := " "
		switch {
		case errLines[i+1]:
			mark = st.statusErr.Render("●")
		case findingLines[i+1]:
			mark = st.stale.Render("▲")
		}
		if i == cur.Line {
			num = st.bold.Render(num)
		} else {
			num = st.dim.Render(num)
		}
		out = append(out, mark+num+colored[i-m.top])
	}
	for len(out) < rows {
		out = append(out, st.dim.Render(strings.Repeat(" ", gw-1)+"~"))
	}
	return append(out, m.editorStatus(sh, w))
}

// editorStatus is the last line of the editor: the error at the cursor's
// line, or the first one, or where the cursor is.
func (m *editModel) editorStatus(sh *shared, w int) string {
	f := m.file()
	st := sh.st
	c := f.buf.Cursor()
	var errAt *spec.Error
	for _, e := range f.errs {
		if e.Pos.Line == c.Line+1 {
			errAt = e
			break
		}
	}
	if errAt == nil && len(f.errs) > 0 {
		errAt = f.errs[0]
	}
	if errAt != nil {
		return st.statusErr.Render(termtext.Line(fmt.Sprintf("● %d:%d %s", errAt.Pos.Line, errAt.Pos.Column, errAt.Msg)))
	}
	for _, fd := range f.findings {
		if fd.Pos.Line == c.Line+1 {
			return st.stale.Render(termtext.Line(fmt.Sprintf("▲ %d:%d %s", fd.Pos.Line, fd.Pos.Column, fd.Msg)))
		}
	}
	var state []string
	if n := len(f.findings); n > 0 {
		state = append(state, st.stale.Render(fmt.Sprintf("▲ %d %s of vet in this file", n, plural(n, "finding", "findings"))))
	}
	if f.buf.Modified() {
		state = append(state, "modified")
	}
	if f.changedOnDisk {
		state = append(state, st.stale.Render("changed on disk"))
	}
	if !m.editable(sh, f) {
		state = append(state, st.stale.Render("read-only: "+termtext.Line(f.rev)+" is published (ctrl+u unlocks)"))
	}
	return st.dim.Render(fmt.Sprintf("%d:%d", c.Line+1, c.Col+1)) + "  " + strings.Join(state, " · ")
}

// editable reports whether the file may be changed: drafts always,
// published revisions once unlocked.
func (m *editModel) editable(sh *shared, f *openFile) bool {
	if m.unlocked[f.rev] {
		return true
	}
	if sh.s != nil {
		if r := sh.s.std.Loaded(f.rev); r != nil {
			return r.Status != spec.RevisionPublished
		}
	}
	return true
}

// editTitle names the file shown in the editor's frame.
func (m *editModel) editTitle(sh *shared) string {
	f := m.file()
	if f == nil {
		return "Edit"
	}
	t := "Edit · " + termtext.Line(sh.shown(f.key))
	if f.buf.Modified() {
		t += " ●"
	}
	return t
}

// effectLines show what the edit does: the compilation, its cost, and the
// impact on the category of the file.
func (m *editModel) effectLines(c *viewContext, w int) []string {
	sh, st := c.sh, c.sh.st
	var lines []string
	switch {
	case c.compiling:
		lines = append(lines, st.stale.Render("compiling…"))
	case c.compileErr != nil:
		lines = append(lines, st.statusErr.Render(termtext.Line(errorSummary(c.compileErr))+":"))
		var le *spec.LoadError
		var stopped *spec.StoppedError
		if errors.As(c.compileErr, &le) {
			for _, e := range le.Errs {
				where := fmt.Sprintf("%s:%d:%d", path.Base(e.Pos.File), e.Pos.Line, e.Pos.Column)
				for _, l := range wrapText(termtext.Line(where+" "+e.Msg), w) {
					lines = append(lines, st.statusErr.Render(l))
				}
			}
		} else if errors.As(c.compileErr, &stopped) && stopped.Pos.IsValid() {
			where := fmt.Sprintf("%s:%d:%d", path.Base(stopped.Pos.File), stopped.Pos.Line, stopped.Pos.Column)
			for _, l := range wrapText(where+" is likely why", w) {
				lines = append(lines, st.statusErr.Render(l))
			}
		}
		lines = append(lines, "")
		for _, l := range wrapText("Other views show the last results that compiled, marked stale.", w) {
			lines = append(lines, st.stale.Render(l))
		}
	case c.editCost > 0:
		lines = append(lines, st.dim.Render(fmt.Sprintf("keystroke → results in %s", formatDuration(c.editCost))))
	}
	// What vet finds in the file: criteria that can never pass, fields
	// that no measurement is, and the rest.
	if f := m.file(); f != nil && len(f.findings) > 0 {
		lines = append(lines, "", st.stale.Render(fmt.Sprintf("vet finds %d %s in this file:", len(f.findings), plural(len(f.findings), "problem", "problems"))))
		for _, fd := range f.findings {
			for _, l := range wrapText(termtext.Line(fmt.Sprintf("▲ %d:%d %s", fd.Pos.Line, fd.Pos.Column, fd.Msg)), w) {
				lines = append(lines, st.stale.Render(l))
			}
		}
	}
	if sh.s == nil {
		return lines
	}
	ci := sh.categoryImpact()
	if ci == nil {
		return lines
	}
	lines = append(lines, m.thisEdit(sh, ci.Category, w)...)
	lines = append(lines, "", st.bold.Render(fmt.Sprintf("%s: %d of %d %s moved", termtext.Line(ci.Category), len(ci.Moved), ci.Devices, plural(ci.Devices, "device", "devices"))))
	var im impactModel
	lines = append(lines, im.matrixLines(sh, ci, w)...)
	lines = append(lines, "")
	// A pane beside the editor lists the first moves; the Impact view has
	// them all. (At 100,000 devices an edit may move thousands, which
	// would cost a frame to draw each time.)
	for i, mv := range ci.Moved {
		if i == effectMoves {
			lines = append(lines, st.dim.Render(truncate(fmt.Sprintf(" and %d more (the Impact view lists them all)", len(ci.Moved)-i), w)))
			break
		}
		arrow := st.down.Render(mv.From + "→" + mv.To)
		if evaluator.LevelIndex(mv.To) > evaluator.LevelIndex(mv.From) {
			arrow = st.up.Render(mv.From + "→" + mv.To)
		}
		lines = append(lines, " "+truncate(termtext.Line(mv.ID), max(w-8, 8))+" "+arrow)
	}
	lines = append(lines, "")
	lines = append(lines, im.passLines(sh)...)
	return lines
}

// effectMoves is how many of a category's moved devices the Effect pane
// lists.
const effectMoves = 200

// thisEdit says what the unsaved edit does to a category: the devices
// whose level under the working revision differs from their level under
// the revision as saved. The matrix below it is base against working.
func (m *editModel) thisEdit(sh *shared, category string, w int) []string {
	st := sh.st
	if sh.saved == nil || sh.saved == sh.s || sh.saved.work.Revision.ID != sh.s.work.Revision.ID {
		return nil
	}
	const most = 8
	mv := m.movesOf(sh.s, sh.saved, category, most)
	var moves []string
	for i, r := range mv.first {
		arrow := st.down.Render(mv.was[i] + "→" + r.to)
		if evaluator.LevelIndex(r.to) > evaluator.LevelIndex(mv.was[i]) {
			arrow = st.up.Render(mv.was[i] + "→" + r.to)
		}
		moves = append(moves, " "+truncate(termtext.Line(r.dev.ID), max(w-8, 8))+" "+arrow)
	}
	n := mv.n
	head := fmt.Sprintf("this edit moves %d %s", n, plural(n, "device", "devices"))
	if n == 0 {
		head = "this edit moves no device"
	}
	out := []string{"", st.bold.Render(truncate(head, w)), st.dim.Render(truncate("(against the file as saved)", w))}
	if n > most {
		moves = append(moves, st.dim.Render(fmt.Sprintf(" and %d more", n-most)))
	}
	return append(out, moves...)
}

// movesOf returns the devices of a category whose level differs between
// a session and the session as saved, keeping up to most of them: those
// the Effect pane drew last if the sessions are the same.
func (m *editModel) movesOf(s, saved *session, category string, most int) *editMoves {
	if mv := m.moves; mv != nil && mv.s == s && mv.saved == saved && mv.category == category {
		return mv
	}
	mv := &editMoves{s: s, saved: saved, category: category}
	// Sessions of the same devices share their rows, in the same places,
	// where an edit left them alone.
	shared := len(saved.devices) == len(s.devices) && sameDevices(saved.work.Devices, s.work.Devices)
	for i, r := range s.devices {
		if shared && saved.devices[i] == r || r.dev.Category != category {
			continue
		}
		before := saved.row(r.dev.ID)
		if before == nil || before.to == r.to {
			continue
		}
		if mv.n++; mv.n <= most {
			mv.first, mv.was = append(mv.first, r), append(mv.was, before.to)
		}
	}
	m.moves = mv
	return mv
}

// refresh colors the open files anew for new styles; and when the view
// comes on screen, it selects the category of the file shown, whose impact
// the Effect pane shows, and scrolls the text to the cursor.
func (m *editModel) refresh(c *viewContext) {
	if c.changes&restyled != 0 {
		for _, f := range m.files {
			f.drawn = nil // drawn in the old colors
		}
	}
	if c.changes&newSize != 0 {
		// Laid out anew for the size: no horizontal scroll but what the
		// cursor needs.
		m.left = 0
		in := c.inner(editPane)
		m.scrollToCursor(max(in.h-1, 1), in.w)
	}
	if c.changes&shown == 0 {
		return
	}
	if f := m.file(); f != nil && c.sh.s != nil {
		for i, cat := range c.sh.s.work.Revision.Categories {
			if cat.Key == categoryOfKey(f.key) {
				c.sh.cat = i
			}
		}
	}
	in := c.inner(editPane)
	m.scrollToCursor(max(in.h-1, 1), in.w)
}

// takesText reports true: the editor takes every key, as text but for its
// bindings.
func (m *editModel) takesText() bool { return true }

// shortHelp is the editor's line of help.
func (m *editModel) shortHelp(k *keyMap) (keys, end []key.Binding) { return k.EditShort(), k.EditEnd() }

// cursor is where the editor's cursor is on screen, when it shows.
func (m *editModel) cursor(c *viewContext) (x, y int, ok bool) {
	in := c.inner(editPane)
	x, y, ok = m.textCursor(max(in.h-1, 0), in.w)
	return in.x + x, in.y + y, ok
}

// key handles a key or a paste in the editor: its commands become actions
// of the root; the other keys move the cursor or edit the text.
func (m *editModel) key(c *viewContext, msg tea.Msg) (action, tea.Cmd) {
	in := c.inner(editPane)
	var changed bool
	var refused string
	switch msg := msg.(type) {
	case tea.PasteMsg:
		changed, refused = m.paste(c.sh, msg.Content, in.h, in.w)
	case tea.KeyPressMsg:
		k := c.keys
		switch {
		case key.Matches(msg, k.EditBack):
			return action{back: true}, nil
		case key.Matches(msg, k.Save):
			return action{save: true}, nil
		case key.Matches(msg, k.EditExternal):
			if f := m.file(); f != nil {
				return action{external: &fileLine{f.key, f.buf.Cursor().Line + 1}}, nil
			}
			return action{}, nil
		case key.Matches(msg, k.Unlock):
			return action{unlock: true}, nil
		case key.Matches(msg, k.EditHelpKey):
			return action{help: true}, nil
		case key.Matches(msg, k.EditCopy):
			if f := m.file(); f != nil {
				return action{copy: f.buf.Line(f.buf.Cursor().Line)}, nil
			}
			return action{}, nil
		case key.Matches(msg, k.EditQuit):
			return action{quit: true}, nil
		}
		changed, refused = m.editKey(c.sh, k, msg, in.h, in.w)
	}
	return action{edited: changed, refused: refused}, nil
}

// scroll scrolls the text, without moving the cursor, or the Effect pane.
func (m *editModel) scroll(c *viewContext, delta int) {
	if c.focus == editPane {
		m.scrollText(delta, max(c.height()-1, 1))
		return
	}
	m.effect.by(delta, len(m.effectLines(c, c.inner(effectPane).w)), c.height())
}

// pane draws the editor or the Effect pane.
func (m *editModel) pane(c *viewContext, p paneID, w, h int) (string, []string) {
	if p == editPane {
		return m.editTitle(c.sh), m.editorLines(c.sh, w, h)
	}
	return "", m.effect.visible(m.effectLines(c, w), h)
}

// openAt shows a file in the editor with the cursor at a line (from 1).
func (m *editModel) openAt(f *openFile, line int) {
	if old, ok := m.files[f.key]; ok {
		f = old
	} else {
		m.files[f.key] = f
	}
	m.cur = f.key
	if line > 0 {
		f.buf.SetCursor(editbuf.Pos{Line: line - 1})
	}
	m.top = max(line-6, 0)
	m.left = 0
}

// categoryOfKey returns the category a file is named after, such as
// thermostat for .../thermostat.cue, or "".
func categoryOfKey(key string) string {
	return strings.TrimSuffix(path.Base(key), ".cue")
}

// editKey is a key pressed in the editor, which moves the cursor or edits
// the text, in a pane of h × w cells. A key of no binding types its text,
// if it has any and no ctrl or alt. It reports whether the text changed.
func (m *editModel) editKey(sh *shared, k *keyMap, msg tea.KeyPressMsg, h, w int) (changed bool, refused string) {
	f := m.file()
	if f == nil {
		return false, ""
	}
	b := f.buf
	v := b.Version()
	edit := func(fn func()) {
		if !m.editable(sh, f) {
			refused = f.rev + " is published and read-only: ctrl+u unlocks it for editing"
			return
		}
		fn()
	}
	switch {
	case key.Matches(msg, k.CursorUp):
		b.Up()
	case key.Matches(msg, k.CursorDown):
		b.Down()
	case key.Matches(msg, k.CursorLeft):
		b.Left()
	case key.Matches(msg, k.CursorRight):
		b.Right()
	case key.Matches(msg, k.LineStart):
		b.Home()
	case key.Matches(msg, k.LineEnd):
		b.End()
	case key.Matches(msg, k.TextPageUp):
		b.PageUp(max(h-2, 1))
	case key.Matches(msg, k.TextPageDown):
		b.PageDown(max(h-2, 1))
	case key.Matches(msg, k.FileTop):
		b.Top()
	case key.Matches(msg, k.FileBottom):
		b.Bottom()
	case key.Matches(msg, k.WordLeft):
		b.WordLeft()
	case key.Matches(msg, k.WordRight):
		b.WordRight()
	case key.Matches(msg, k.Newline):
		edit(b.Newline)
	case key.Matches(msg, k.InsertTab):
		edit(func() { b.Insert("\t") })
	case key.Matches(msg, k.Backspace):
		edit(b.Backspace)
	case key.Matches(msg, k.DeleteChar):
		edit(b.Delete)
	case key.Matches(msg, k.Undo):
		edit(func() { b.Undo() })
	case key.Matches(msg, k.Redo):
		edit(func() { b.Redo() })
	default:
		if msg.Text != "" && msg.Mod&(tea.ModCtrl|tea.ModAlt) == 0 {
			edit(func() { b.Insert(msg.Text) })
		}
	}
	m.scrollToCursor(max(h-1, 1), w)
	return b.Version() != v, refused
}

// paste inserts pasted text in the editor, as one undo step, with its
// newlines (CR, CRLF or LF, as terminals send them) as LF and without its
// controls (editbuf.Clean). It reports whether the text changed.
func (m *editModel) paste(sh *shared, text string, h, w int) (changed bool, refused string) {
	f := m.file()
	if f == nil {
		return false, ""
	}
	if !m.editable(sh, f) {
		return false, f.rev + " is published and read-only: ctrl+u unlocks it for editing"
	}
	v := f.buf.Version()
	f.buf.Paste(text)
	m.scrollToCursor(max(h-1, 1), w)
	return f.buf.Version() != v, ""
}

// scrollText moves the editor's view of h rows without moving the cursor.
func (m *editModel) scrollText(delta, h int) {
	f := m.file()
	if f == nil {
		return
	}
	m.top = min(max(m.top+delta, 0), max(f.buf.LineCount()-h, 0))
}

// errorsByFile distributes the errors of a compilation to the files they
// are in, by key.
func errorsByFile(err error, root string) map[string][]*spec.Error {
	out := map[string][]*spec.Error{}
	le, ok := err.(*spec.LoadError)
	if !ok {
		return out
	}
	for _, e := range le.Errs {
		key := e.Pos.File
		if root != "" {
			key = strings.TrimPrefix(key, root+"/")
		}
		out[key] = append(out[key], e)
	}
	return out
}
