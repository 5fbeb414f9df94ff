package tui

import (
	"fmt"
	"path"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/evaluator/report"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/redline"
	"github.com/ladderworks/ladder/spec/termtext"
)

// diffModel is the Diff view: the criterion changes between the base and the
// working revision, the selected change before and after, and the redline of
// their CUE files, unified or side by side.
type diffModel struct {
	browsing
	changes    list
	change     scroll
	red        scroll
	sideBySide bool
	// rows and hunks are the redline laid out for the pane's width, and
	// the rows where its hunks start; relayout makes them when the
	// session, the width, the mode or the styles change.
	rows  []string
	hunks []int
	// files are the rows where each file's redline starts, and names the
	// files' labels: the pane's title names the file at its top.
	files []int
	names []string
	// changesWidth is the width of the changes pane, as last laid out.
	changesWidth int
}

// clamp keeps the cursors in a new session.
func (m *diffModel) clamp(sh *shared) {
	m.changes.sel = min(m.changes.sel, max(len(sh.s.diff().changes.Criteria)-1, 0))
}

// refresh lays the redline out again when the session, the size or the
// styles changed; coming on screen alone changes nothing.
func (m *diffModel) refresh(c *viewContext) {
	m.changesWidth = c.inner(changesPane).w
	if c.changes&^shown != 0 {
		m.relayout(c.sh, c.inner(redlinePane).w)
	}
}

// key switches the redline between unified and side by side, jumps to the
// next or previous hunk, or moves in the focused pane.
func (m *diffModel) key(c *viewContext, msg tea.Msg) (action, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return action{}, nil
	}
	k := c.keys
	switch {
	case key.Matches(km, k.SideBySide):
		m.sideBySide = !m.sideBySide
		m.red = scroll{}
		m.relayout(c.sh, c.inner(redlinePane).w)
		return action{}, nil
	case key.Matches(km, k.NextHunk, k.PrevHunk):
		m.jumpHunk(key.Matches(km, k.NextHunk))
		return action{}, nil
	case key.Matches(km, k.Open, k.Copy):
		chs := c.sh.s.diff().changes.Criteria
		if len(chs) == 0 {
			return action{}, nil
		}
		ch := chs[min(m.changes.sel, len(chs)-1)]
		if key.Matches(km, k.Copy) {
			return action{copy: ch.ID}, nil
		}
		// The criterion as the working revision has it; a removed one is
		// not there to edit.
		if cr := c.sh.s.work.Revision.Criterion(ch.ID); cr != nil {
			return action{edit: cr}, nil
		}
		return action{refused: ch.ID + " is removed in " + c.sh.s.work.Revision.ID + ": there is nothing to edit"}, nil
	}
	if d := moveDelta(km, k, c.height()); d != 0 {
		m.move(c.sh, c.focus, d, c.height())
	}
	return action{}, nil
}

// scroll moves the focused pane by delta rows.
func (m *diffModel) scroll(c *viewContext, delta int) {
	m.move(c.sh, c.focus, delta, c.height())
}

// move moves the cursor or the text of pane p, h rows high, by delta.
func (m *diffModel) move(sh *shared, p paneID, delta, h int) {
	switch p {
	case changesPane:
		// The summary heads the pane; the changes have the rest.
		h -= len(m.summary(sh, m.changesWidth))
		m.changes.move(delta, len(sh.s.diff().changes.Criteria), max(h, 1))
		m.change = scroll{}
		m.reveal(sh)
	case changePane:
		m.change.by(delta, len(m.changeLines(sh, 1<<20)), h)
	case redlinePane:
		m.red.by(delta, len(m.rows), h)
	}
}

// reveal scrolls the redline to the selected change: the first row that
// declares its criterion, a few rows of context above.
func (m *diffModel) reveal(sh *shared) {
	chs := sh.s.diff().changes.Criteria
	if len(chs) == 0 {
		return
	}
	id := `"` + chs[min(m.changes.sel, len(chs)-1)].ID + `"`
	for i, r := range m.rows {
		if strings.Contains(ansi.Strip(r), id) {
			m.red.top = max(i-2, 0)
			return
		}
	}
}

// fileAt returns the label of the file whose redline is at a row, or "".
func (m *diffModel) fileAt(row int) string {
	name := ""
	for i, start := range m.files {
		if start <= row {
			name = m.names[i]
		}
	}
	return name
}

// jumpHunk scrolls the redline to the next or previous hunk.
func (m *diffModel) jumpHunk(next bool) {
	target := -1
	for _, row := range m.hunks {
		if next && row > m.red.top {
			target = row
			break
		}
		if !next && row < m.red.top {
			target = row
		}
	}
	if target >= 0 {
		m.red.top = target
	}
}

// relayout lays out the redline of every file for a width, and keeps the
// cursor among the changes of the session. It is costly: the root calls it
// (through refresh) only while the view is on screen.
func (m *diffModel) relayout(sh *shared, w int) {
	m.rows, m.hunks, m.files, m.names = nil, nil, nil, nil
	if sh.s == nil || w <= 0 {
		return
	}
	m.clamp(sh)
	var rows []string
	var hunks []int
	s := sh.s
	for i, f := range s.diff().files {
		if i > 0 {
			rows = append(rows, "")
		}
		label := func(r *spec.Revision, file *spec.File) string {
			if file == nil {
				return "/dev/null"
			}
			return r.ID + "/" + f.Name
		}
		m.files = append(m.files, len(rows))
		m.names = append(m.names, f.Name)
		for _, r := range redline.Render(label(s.base.Revision, f.Before), label(s.work.Revision, f.After), f.Hunks,
			redline.Options{Width: w, SideBySide: m.sideBySide, Styles: sh.st.redline}) {
			if strings.HasPrefix(ansi.Strip(r), "@@ ") {
				hunks = append(hunks, len(rows))
			}
			rows = append(rows, r)
		}
	}
	if len(s.diff().files) == 0 {
		rows = append(rows, sh.st.dim.Render(" The CUE files of the two revisions are the same."))
	}
	m.rows, m.hunks = rows, hunks
}

// pane draws the criterion changes, the selected change or the redline.
func (m *diffModel) pane(c *viewContext, p paneID, w, h int) (string, []string) {
	sh := c.sh
	switch p {
	case changesPane:
		return m.changesTitle(sh), m.changesLines(sh, w, h)
	case changePane:
		return "", m.change.visible(m.changeLines(sh, w), h)
	default:
		mode := "unified"
		if m.sideBySide {
			mode = "side by side"
		}
		title := fmt.Sprintf("Redline · %s · v switches · n/N hunks", mode)
		// The file at the top stays named when its first rows scroll away.
		if top := min(max(m.red.top, 0), max(len(m.rows)-h, 0)); top > 0 {
			if name := m.fileAt(top); name != "" {
				title = fmt.Sprintf("Redline · %s · %s · v, n/N", termtext.Line(path.Base(name)), mode)
			}
		}
		return title, m.red.visible(m.rows, h)
	}
}

func (m *diffModel) changesTitle(sh *shared) string {
	if n := len(sh.s.diff().changes.Criteria); n > 0 {
		return fmt.Sprintf("Criterion changes · %d · enter edits", n)
	}
	return "Criterion changes · none"
}

// summary says how many criteria changed of each kind, in rows of w cells
// that head the changes pane.
func (m *diffModel) summary(sh *shared, w int) []string {
	c := sh.s.diff().changes
	var parts []string
	for _, k := range spec.ChangeKinds {
		if n := c.Count(k); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	if len(parts) == 0 {
		return nil
	}
	var out []string
	for _, l := range wrapText(strings.Join(parts, ", "), w-1) {
		out = append(out, sh.st.dim.Render(" "+l))
	}
	return out[:min(len(out), 2)]
}

func (m *diffModel) changesLines(sh *shared, w, h int) []string {
	st := sh.st
	chs := sh.s.diff().changes.Criteria
	if len(chs) == 0 {
		lines := []string{st.dim.Render(" No criterion changed.")}
		for _, l := range sh.s.diff().changes.Levels {
			lines = append(lines, " "+truncate(report.LevelChangeText(l), max(w-1, 1)))
		}
		return lines
	}
	head := m.summary(sh, w)
	var rows []string
	for _, c := range chs {
		rows = append(rows, fmt.Sprintf(" %s %s %s", st.kinds[c.Kind].Render(fmt.Sprintf("%-9s", c.Kind)), termtext.Line(c.ID), st.dim.Render(termtext.Line(c.Level))))
	}
	vis, sel := m.changes.visible(rows, h-len(head))
	out := make([]string, len(vis))
	copy(out, vis)
	if sel >= 0 && sel < len(out) {
		out[sel] = st.selected.Render(fit("▸"+strings.TrimPrefix(ansi.Strip(out[sel]), " "), w))
	}
	return append(head, out...)
}

// changeLines describes the selected change: where, what it asks before and
// after, and the properties that changed, every text of the revisions made
// safe to show (termtext.Line).
func (m *diffModel) changeLines(sh *shared, w int) []string {
	st := sh.st
	chs := sh.s.diff().changes.Criteria
	if len(chs) == 0 {
		return nil
	}
	c := chs[min(m.changes.sel, len(chs)-1)]
	cr := c.After
	if cr == nil {
		cr = c.Before
	}
	lines := []string{
		st.kinds[c.Kind].Render(string(c.Kind)) + " " + st.bold.Render(termtext.Line(c.ID)) + st.dim.Render(" · "+termtext.Line(c.Category+" "+c.Level)),
	}
	lines = append(lines, wrapText(termtext.Line(cr.Title), w)...)
	lines = append(lines, "")
	for _, l := range strings.Split(c.BeforeText, "\n") {
		if c.Before != nil {
			lines = append(lines, st.redline.Delete.Render("- "+termtext.Line(strings.ReplaceAll(l, "\t", "    "))))
		}
	}
	for _, l := range strings.Split(c.AfterText, "\n") {
		if c.After != nil {
			lines = append(lines, st.redline.Insert.Render("+ "+termtext.Line(strings.ReplaceAll(l, "\t", "    "))))
		}
	}
	for _, a := range c.Attributes {
		lines = append(lines, "", st.dim.Render(termtext.Line(a.Name)+":"))
		for _, l := range wrapText("- "+termtext.Line(orNone(a.Before)), w) {
			lines = append(lines, st.redline.Delete.Render(l))
		}
		for _, l := range wrapText("+ "+termtext.Line(orNone(a.After)), w) {
			lines = append(lines, st.redline.Insert.Render(l))
		}
	}
	if sh.s.impact != nil {
		if ci := sh.s.impact.Category(c.Category); ci != nil {
			for _, p := range ci.Criteria {
				if p.ID == c.ID {
					lines = append(lines, "", st.dim.Render(fmt.Sprintf("passes: %s → %s of %d %s", report.PassCount(p.Before), report.PassCount(p.After), ci.Devices, plural(ci.Devices, "device", "devices"))))
				}
			}
		}
	}
	// The levels of the criterion's category that changed: added, removed
	// or of another status.
	first := true
	for _, l := range sh.s.diff().changes.Levels {
		if l.Category != c.Category {
			continue
		}
		if first {
			lines = append(lines, "", st.dim.Render("levels of "+termtext.Line(c.Category)+":"))
			first = false
		}
		lines = append(lines, wrapText(strings.TrimPrefix(report.LevelChangeText(l), termtext.Line(l.Category)+" "), w)...)
	}
	return lines
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// click selects the change under the mouse, bringing its redline into
// view; a click on the change already selected edits its criterion.
func (m *diffModel) click(c *viewContext, p paneID, row int) action {
	if p != changesPane {
		return action{}
	}
	chs := c.sh.s.diff().changes.Criteria
	head := len(m.summary(c.sh, c.inner(changesPane).w))
	h := c.inner(changesPane).h
	i := m.changes.window(len(chs), max(h-head, 1)) + row - head
	switch {
	case row < head || i >= len(chs):
	case i == m.changes.sel:
		if cr := c.sh.s.work.Revision.Criterion(chs[i].ID); cr != nil {
			return action{edit: cr}
		}
	default:
		m.move(c.sh, changesPane, i-m.changes.sel, h)
	}
	return action{}
}
