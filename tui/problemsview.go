package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/termtext"
)

// problemsModel is the Problems view: everything that stands in the way of
// a true answer, each with where it is: the working revision's compile
// errors or vet's findings, the other revisions that do not compile, and
// the device records that are not graded. Enter on a problem in a file of
// the workspace opens it in the editor there.
type problemsModel struct {
	browsing
	rows []problemRow
	list list
}

// problemRow is one line of the Problems view: a heading, or a problem.
type problemRow struct {
	// heading is set for a heading row, which cannot be selected.
	heading string
	// where is the problem's file:line:col, what its message.
	where, what string
	// at is the place to open in the editor, for a file of the workspace's
	// revisions; nil for the others (a device record).
	at *fileLine
}

// problems lists the problems that the session and the compilation show,
// their texts made safe to show (termtext): a message, a file's name or a
// revision's may quote what a file holds.
func problems(c *viewContext) []problemRow {
	sh := c.sh
	var rows []problemRow
	add := func(heading string, items []problemRow) {
		if len(items) > 0 {
			rows = append(rows, problemRow{heading: termtext.Line(fmt.Sprintf("%s (%d)", heading, len(items)))})
			for _, it := range items {
				it.where, it.what = termtext.Line(it.where), termtext.Text(it.what)
				rows = append(rows, it)
			}
		}
	}
	var work []problemRow
	var le *spec.LoadError
	var stopped *spec.StoppedError
	switch {
	case errors.As(c.compileErr, &le):
		for _, e := range le.Errs {
			work = append(work, fileProblem(c, e.Pos, e.Msg))
		}
	case errors.As(c.compileErr, &stopped) && stopped.Pos.IsValid():
		// A compilation stopped at its limits, at the comprehension
		// that is likely why.
		unplaced := *stopped
		unplaced.Pos = spec.Position{}
		work = append(work, fileProblem(c, stopped.Pos, unplaced.Error()))
	case c.compileErr != nil:
		work = append(work, problemRow{what: firstLine(c.compileErr.Error())})
	case sh.s != nil && sh.s.work.Revision.ID == sh.workID:
		for _, f := range sh.s.findings {
			work = append(work, fileProblem(c, f.Pos, f.Msg))
		}
	}
	if sh.workID != "" {
		heading := "vet finds in " + sh.workID
		if c.compileErr != nil {
			heading = sh.workID + " does not compile"
		}
		add(heading, work)
	}
	if sh.s == nil {
		return rows
	}
	var broken []string
	for id := range sh.s.std.Broken {
		if id != sh.workID {
			broken = append(broken, id)
		}
	}
	slices.Sort(broken)
	var others []problemRow
	for _, id := range broken {
		err := sh.s.std.Broken[id]
		if errors.As(err, &le) && len(le.Errs) > 0 {
			for _, e := range le.Errs {
				others = append(others, fileProblem(c, e.Pos, e.Msg))
			}
			continue
		}
		others = append(others, problemRow{where: id, what: firstLine(err.Error())})
	}
	add("other revisions that do not compile", others)
	var records []problemRow
	for _, p := range sh.s.invalid {
		where := p.File
		if p.Line > 0 {
			where += fmt.Sprintf(":%d:%d", p.Line, p.Column)
		}
		what := p.Message
		if p.Field != "" {
			what = p.Field + ": " + what
		}
		records = append(records, problemRow{where: where, what: what})
	}
	add("device records not graded", records)
	return rows
}

// detail is the selected problem in full, under a rule, for a pane w × h:
// nothing when the pane is too low or a heading is selected.
func (m *problemsModel) detail(c *viewContext, w, h int) []string {
	if m.list.sel >= len(m.rows) || m.rows[m.list.sel].heading != "" || h < 8 {
		return nil
	}
	st := c.sh.st
	r := m.rows[m.list.sel]
	text := r.what
	if r.where != "" {
		text = r.where + "\n" + text
	}
	wrapped := wrapText(text, w)
	return append([]string{st.dim.Render(strings.Repeat("─", w))}, wrapped[:min(len(wrapped), h/3)]...)
}

// detailRows is how many rows the detail takes in the pane.
func (m *problemsModel) detailRows(c *viewContext, h int) int {
	return len(m.detail(c, c.inner(problemsPane).w, h))
}

// fileProblem is a problem at a position in a file of the workspace.
func fileProblem(c *viewContext, pos spec.Position, msg string) problemRow {
	r := problemRow{where: c.sh.shown(pos.String()), what: msg}
	if pos.File != "" && pos.Line > 0 {
		r.at = &fileLine{key: c.keyOf(pos.File), line: pos.Line}
	}
	return r
}

// refresh lists the problems anew, keeping the cursor on a problem.
func (m *problemsModel) refresh(c *viewContext) {
	m.rows = problems(c)
	m.list.sel = m.selectable(m.list.sel, 1)
	m.list.top = m.list.window(len(m.rows), c.inner(problemsPane).h)
}

// selectable returns the row nearest to i, looking in direction d first,
// that is a problem and not a heading; i itself when there is none.
func (m *problemsModel) selectable(i, d int) int {
	for _, dir := range []int{d, -d} {
		for j := i; j >= 0 && j < len(m.rows); j += dir {
			if m.rows[j].heading == "" {
				return j
			}
		}
	}
	return min(max(i, 0), max(len(m.rows)-1, 0))
}

// key moves among the problems, and enter opens one in the editor.
func (m *problemsModel) key(c *viewContext, msg tea.Msg) (action, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return action{}, nil
	}
	if key.Matches(km, c.keys.Copy) && m.list.sel < len(m.rows) && m.rows[m.list.sel].heading == "" {
		r := m.rows[m.list.sel]
		return action{copy: strings.TrimSpace(r.where + " " + r.what)}, nil
	}
	if key.Matches(km, c.keys.Open) {
		if m.list.sel < len(m.rows) {
			if r := m.rows[m.list.sel]; r.at != nil {
				return action{goTo: r.at}, nil
			}
			return action{refused: "only a problem in a revision's file opens in the editor"}, nil
		}
		return action{}, nil
	}
	if d := moveDelta(km, c.keys, c.height()); d != 0 {
		m.move(d, c.height())
	}
	return action{}, nil
}

// move moves the cursor by d rows, over the headings.
func (m *problemsModel) move(d, h int) {
	next := min(max(m.list.sel+d, 0), max(len(m.rows)-1, 0))
	dir := 1
	if d < 0 {
		dir = -1
	}
	m.list.sel = m.selectable(next, dir)
	m.list.top = m.list.window(len(m.rows), h)
}

// scroll moves the cursor by the wheel.
func (m *problemsModel) scroll(c *viewContext, delta int) { m.move(delta, c.height()) }

// pane draws the problems, or says there are none.
func (m *problemsModel) pane(c *viewContext, _ paneID, w, h int) (string, []string) {
	st := c.sh.st
	n := 0
	for _, r := range m.rows {
		if r.heading == "" {
			n++
		}
	}
	if n == 0 {
		var lines []string
		for _, l := range wrapText("Every revision compiles, vet finds nothing in the working one, and every device record is graded.", w-1) {
			lines = append(lines, st.dim.Render(" "+l))
		}
		return "Problems · none", lines
	}
	var lines []string
	for i, r := range m.rows {
		if r.heading != "" {
			lines = append(lines, st.bold.Render(truncate(r.heading, w)))
			continue
		}
		line := " " + r.where
		if r.where != "" {
			line += "  "
		}
		line += r.what
		if i == m.list.sel {
			lines = append(lines, st.selected.Render(fit("▸"+strings.TrimPrefix(line, " "), w)))
			continue
		}
		lines = append(lines, ansi.Truncate(line, w, "…"))
	}
	// Under the list, the selected problem in full.
	detail := m.detail(c, w, h)
	vis, _ := m.list.visible(lines, h-len(detail))
	for len(vis) < h-len(detail) {
		vis = append(vis, "")
	}
	return fmt.Sprintf("Problems · %d · enter opens one in a revision's file", n), append(vis, detail...)
}

// click selects the problem under the mouse; a click on the problem
// already selected opens it in the editor.
func (m *problemsModel) click(c *viewContext, _ paneID, row int) action {
	h := c.inner(problemsPane).h
	if m.list.sel < len(m.rows) && m.rows[m.list.sel].heading == "" && h >= 8 {
		h -= m.detailRows(c, h)
	}
	i := m.list.window(len(m.rows), h) + row
	switch {
	case i >= len(m.rows) || m.rows[i].heading != "":
	case i == m.list.sel:
		if r := m.rows[i]; r.at != nil {
			return action{goTo: r.at}
		}
	default:
		m.list.sel = i
		m.list.top = m.list.window(len(m.rows), h)
	}
	return action{}
}

// errorSummary is the first line of an error, as the status line shows it.
// A compilation stopped at its limits is said without the position of its
// likely cause, which the Problems view and the editor give apart.
func errorSummary(err error) string {
	var stopped *spec.StoppedError
	if errors.As(err, &stopped) {
		return stopped.Summary()
	}
	return firstLine(err.Error())
}
