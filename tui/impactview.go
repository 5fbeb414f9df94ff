package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/evaluator/report"
	"github.com/ladderworks/ladder/spec/termtext"
)

// impactModel is the Impact view: for the selected category, the level
// migration matrix from the base to the working revision, the devices that
// moved and the criteria that moved them, and the pass counts that changed;
// and the same in brief for the whole standard.
type impactModel struct {
	browsing
	sum    list
	moved  list
	passes scroll
}

func (m *impactModel) reset() {
	m.moved = list{}
	m.passes = scroll{}
}

// clamp keeps the cursors in a new session.
func (m *impactModel) clamp(sh *shared) {
	m.moved.sel = min(m.moved.sel, max(len(impactDevices(sh.categoryImpact()))-1, 0))
}

// categoryImpact returns the impact on the selected category.
func (sh *shared) categoryImpact() *evaluator.CategoryImpact {
	c := sh.category()
	if c == nil {
		return nil
	}
	return sh.s.impact.Category(c.Key)
}

// impactDevice is a device listed in the moved pane.
type impactDevice struct {
	id, from, to string
	criteria     []string
	moved        bool
}

func impactDevices(ci *evaluator.CategoryImpact) []impactDevice {
	if ci == nil {
		return nil
	}
	var out []impactDevice
	for _, mv := range ci.Moved {
		out = append(out, impactDevice{id: mv.ID, from: mv.From, to: mv.To, criteria: mv.Because, moved: true})
	}
	for _, c := range ci.Changed {
		out = append(out, impactDevice{id: c.ID, from: c.Level, to: c.Level, criteria: c.Criteria})
	}
	return out
}

// refresh keeps the cursors in a new session.
func (m *impactModel) refresh(c *viewContext) {
	if c.sh.s != nil {
		m.clamp(c.sh)
	}
}

// key opens the selected device of the moved pane, or moves in the focused
// pane.
func (m *impactModel) key(c *viewContext, msg tea.Msg) (action, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return action{}, nil
	}
	if key.Matches(km, c.keys.Open, c.keys.Copy) && c.focus == movedPane {
		if ds := impactDevices(c.sh.categoryImpact()); len(ds) > 0 {
			id := ds[min(m.moved.sel, len(ds)-1)].id
			if key.Matches(km, c.keys.Copy) {
				return action{copy: id}, nil
			}
			return action{open: id}, nil
		}
		return action{}, nil
	}
	if key.Matches(km, c.keys.Copy) {
		if cat := c.sh.category(); cat != nil {
			return action{copy: cat.Key}, nil
		}
		return action{}, nil
	}
	if d := moveDelta(km, c.keys, c.height()); d != 0 {
		m.move(c.sh, c.focus, d, c.height())
	}
	return action{}, nil
}

// scroll moves the focused pane by delta rows.
func (m *impactModel) scroll(c *viewContext, delta int) {
	m.move(c.sh, c.focus, delta, c.height())
}

// moveDelta is how far a key moves a cursor in a pane of height h.
func moveDelta(km tea.KeyPressMsg, k *keyMap, h int) int {
	switch {
	case key.Matches(km, k.Up):
		return -1
	case key.Matches(km, k.Down):
		return 1
	case key.Matches(km, k.PageUp):
		return -max(h-1, 1)
	case key.Matches(km, k.PageDown):
		return max(h-1, 1)
	case key.Matches(km, k.Top):
		return -1 << 30
	case key.Matches(km, k.Bottom):
		return 1 << 30
	}
	return 0
}

// move moves the cursor or the text of pane p, h rows high, by delta.
func (m *impactModel) move(sh *shared, p paneID, delta, h int) {
	switch p {
	case summaryPane, matrixPane:
		m.sum.sel = sh.cat
		m.sum.move(delta, len(sh.s.work.Revision.Categories), max(h-1, 1))
		if m.sum.sel != sh.cat {
			sh.cat = m.sum.sel
			m.reset()
		}
	case movedPane:
		m.moved.move(delta, len(impactDevices(sh.categoryImpact())), h)
	case passesPane:
		m.passes.by(delta, len(m.passLines(sh)), h)
	}
}

// pane draws the summary, the level matrix, the moved devices or the pass
// counts.
func (m *impactModel) pane(c *viewContext, p paneID, w, h int) (string, []string) {
	sh := c.sh
	ci := sh.categoryImpact()
	switch p {
	case summaryPane:
		return "", m.summaryLines(sh, w, h)
	case matrixPane:
		if ci == nil {
			return "", nil
		}
		return "Levels · " + termtext.Line(ci.Category), m.matrixLines(sh, ci, w)
	case movedPane:
		return m.movedTitle(ci), m.movedLines(sh, ci, w, h)
	default:
		title := ""
		if ci != nil {
			title = fmt.Sprintf("Pass counts · of %d %s", ci.Devices, plural(ci.Devices, "device", "devices"))
		}
		return title, m.passes.visible(m.passLines(sh), h)
	}
}

func (m *impactModel) summaryLines(sh *shared, w, h int) []string {
	st, im := sh.st, sh.s.impact
	// The counts take 19 cells, the category what is left.
	nameW := max(w-21, 6)
	lines := []string{st.dim.Render(fmt.Sprintf("  %s %3s %4s %4s %4s", fit("category", nameW), "dev", "up", "down", "kept"))}
	var rows []string
	totals := [5]int{}
	for i, c := range sh.s.work.Revision.Categories {
		ci := im.Category(c.Key)
		if ci == nil {
			continue
		}
		up := 0
		for _, mv := range ci.Moved {
			if evaluator.LevelIndex(mv.To) > evaluator.LevelIndex(mv.From) {
				up++
			}
		}
		n := [5]int{ci.Devices, len(ci.Moved), up, len(ci.Moved) - up, len(ci.Changed)}
		for k := range totals {
			totals[k] += n[k]
		}
		row := fmt.Sprintf("%s %3d %s %s %s", fit(termtext.Line(c.Key), nameW), n[0], countOrDot(n[2], 4, st.up), countOrDot(n[3], 4, st.down), countOrDot(n[4], 4, st.bold))
		if i == sh.cat {
			row = "▸ " + st.selected.Render(row)
		} else {
			row = "  " + row
		}
		rows = append(rows, row)
	}
	lines = append(lines, rows...)
	lines = append(lines, st.bold.Render(fmt.Sprintf("  %s %3d %4d %4d %4d", fit("all", nameW), totals[0], totals[2], totals[3], totals[4])))
	return lines[:min(len(lines), max(h, 0))]
}

// countOrDot right-aligns a count in w cells, styled, or a dot for none.
func countOrDot(n, w int, style lipgloss.Style) string {
	if n == 0 {
		return fmt.Sprintf("%*s", w, "·")
	}
	return style.Render(fmt.Sprintf("%*d", w, n))
}

// matrixLines lays out a category's level-migration matrix in w cells: a
// column a level, five cells wide where the levels fit, down to three.
func (m *impactModel) matrixLines(sh *shared, ci *evaluator.CategoryImpact, w int) []string {
	st := sh.st
	n := max(len(ci.Levels), 1)
	// A column holds a level's name or its widest count, after a space.
	need := 3
	for _, row := range ci.Matrix {
		for _, c := range row {
			need = max(need, len(strconv.Itoa(c))+1)
		}
	}
	// Every level has its column, whatever the width: the row labels and
	// the columns narrow before anything is cut, down to "L0" and two
	// cells a count ("+" for one that does not fit beside its
	// neighbour).
	labelW, corner := 9, "  from\\to"
	if labelW+need*n > w {
		labelW, corner = 3, ""
	}
	cw := min(max((w-labelW)/n, 2), max(need, 5))
	head := fit(corner, labelW)
	for _, l := range ci.Levels {
		head += fmt.Sprintf("%*s", cw, l)
	}
	lines := []string{st.dim.Render(head)}
	for i, from := range ci.Levels {
		row := st.levels[i].Render(fit(strings.Repeat(" ", labelW-len(from)-1)+from, labelW))
		if labelW > 3 {
			row = "  " + st.levels[i].Render(fit(from, labelW-2))
		}
		for j := range ci.Levels {
			c := ci.Matrix[i][j]
			cell := fmt.Sprintf("%*s", cw, "·")
			if c > 0 {
				cell = fmt.Sprintf("%*d", cw, c)
				if len(strconv.Itoa(c)) >= cw {
					cell = fmt.Sprintf("%*s", cw, "+")
				}
			}
			switch {
			case c > 0 && j > i:
				cell = st.up.Render(cell)
			case c > 0 && j < i:
				cell = st.down.Render(cell)
			case c == 0:
				cell = st.dim.Render(cell)
			}
			row += cell
		}
		lines = append(lines, row)
	}
	lines = append(lines, st.dim.Render(truncate("  rows: base · columns: working", w)))
	return lines
}

func (m *impactModel) movedTitle(ci *evaluator.CategoryImpact) string {
	if ci == nil {
		return ""
	}
	return fmt.Sprintf("Moved · %d of %d %s · enter opens", len(ci.Moved), ci.Devices, plural(ci.Devices, "device", "devices"))
}

func (m *impactModel) movedLines(sh *shared, ci *evaluator.CategoryImpact, w, h int) []string {
	lines, _ := m.movedLayout(sh, ci, w, h)
	return lines
}

// movedLayout draws the moved devices in w × h cells, and gives for each
// line the index of the device it belongs to. A device whose criteria do
// not fit beside it has them wrapped onto lines of its own below: every
// device's where all fit in h lines, else the selected one's.
func (m *impactModel) movedLayout(sh *shared, ci *evaluator.CategoryImpact, w, h int) ([]string, []int) {
	st := sh.st
	ds := impactDevices(ci)
	if len(ds) == 0 {
		return []string{st.dim.Render(" No device of this category moved or changed a verdict.")}, []int{-1}
	}
	idW := 0
	for _, d := range ds {
		idW = max(idW, width(termtext.Line(d.id)))
	}
	idW = min(idW, max(w*2/5, 10))
	// The criteria wrap one or more to a line: the ID gives up cells so
	// that the longest criterion (with its comma) is whole, down to 10.
	item := 0
	for _, d := range ds {
		for _, c := range d.criteria {
			item = max(item, width(c)+1)
		}
	}
	idW = max(min(idW, w-11-item), min(idW, 10))
	indent := 1 + idW + 1 + 8 + 1
	// blocks[i] are device i's lines, its criteria wrapped.
	blocks := make([][]string, len(ds))
	ones := make([]string, len(ds)) // each device on one line
	total := 0
	for i, d := range ds {
		var change string
		switch {
		case !d.moved:
			change = st.dim.Render(fmt.Sprintf("%-8s", d.to+" kept"))
		case evaluator.LevelIndex(d.to) > evaluator.LevelIndex(d.from):
			change = st.up.Render(fmt.Sprintf("%-8s", d.from+"→"+d.to))
		default:
			change = st.down.Render(fmt.Sprintf("%-8s", d.from+"→"+d.to))
		}
		criteria := make([]string, len(d.criteria))
		for k, c := range d.criteria {
			criteria[k] = termtext.Line(c)
		}
		because := strings.Join(criteria, ", ")
		if d.moved && because == "" {
			because = "level status or determination"
		}
		mark := " "
		if r := sh.s.row(d.id); r != nil && r.theirs {
			mark = st.theirs.Render("●")
		}
		head := mark + fit(termtext.Line(d.id), idW) + " " + change + " "
		room := w - indent
		parts := []string{truncate(because, max(room, 1))}
		if room >= 12 && width(because) > room {
			parts = wrapItems(criteria, room)
		}
		block := []string{head + parts[0]}
		for _, p := range parts[1:] {
			block = append(block, strings.Repeat(" ", indent)+p)
		}
		blocks[i] = block
		ones[i] = head + truncate(because, max(room, 1))
		total += len(block)
	}
	var lines []string
	var devOf []int
	add := func(i int, block []string) {
		for _, l := range block {
			lines = append(lines, l)
			devOf = append(devOf, i)
		}
	}
	if total <= h {
		for i, b := range blocks {
			add(i, b)
		}
	} else {
		// One line a device, the selected one whole (as much of it as
		// the pane holds), kept in sight.
		sel := blocks[m.moved.sel]
		if len(sel) > h {
			sel = append(slices.Clip(sel[:h-1]), strings.Repeat(" ", indent)+"…")
		}
		top := m.moved.window(len(ds), h)
		for i := top; i < len(ds) && len(lines) < h+len(sel); i++ {
			if i == m.moved.sel {
				add(i, sel)
			} else {
				add(i, []string{ones[i]})
			}
		}
		last := slices.Index(devOf, m.moved.sel) + len(sel)
		if drop := last - h; drop > 0 {
			lines, devOf = lines[drop:], devOf[drop:]
		}
		lines, devOf = lines[:min(h, len(lines))], devOf[:min(h, len(devOf))]
	}
	for k, i := range devOf {
		if i == m.moved.sel {
			lines[k] = st.selected.Render(fit(ansi.Strip(lines[k]), w))
		}
	}
	return lines, devOf
}

func (m *impactModel) passLines(sh *shared) []string {
	st := sh.st
	ci := sh.categoryImpact()
	if ci == nil {
		return nil
	}
	var changed []evaluator.CriterionPasses
	unchanged := 0
	for _, p := range ci.Criteria {
		if p.Moved() {
			changed = append(changed, p)
		} else {
			unchanged++
		}
	}
	idW := 0
	for _, p := range changed {
		idW = max(idW, width(termtext.Line(p.ID)))
	}
	var lines []string
	for _, p := range changed {
		var delta string
		switch {
		case p.Before < 0:
			delta = st.kinds["added"].Render("new")
		case p.After < 0:
			delta = st.kinds["removed"].Render("removed")
		case p.After > p.Before:
			delta = st.up.Render(fmt.Sprintf("▲%d", p.After-p.Before))
		default:
			delta = st.down.Render(fmt.Sprintf("▼%d", p.Before-p.After))
		}
		lines = append(lines, fmt.Sprintf(" %s %3s → %-3s %s", fit(termtext.Line(p.ID), idW), report.PassCount(p.Before), report.PassCount(p.After), delta))
	}
	if len(changed) == 0 {
		lines = append(lines, st.dim.Render(" No pass count changed."))
	}
	if unchanged > 0 {
		lines = append(lines, st.dim.Render(fmt.Sprintf(" %d other criteria pass as many devices as before.", unchanged)))
	}
	return lines
}

// click selects the category or the device under the mouse; a click on
// the device already selected opens it.
func (m *impactModel) click(c *viewContext, p paneID, row int) action {
	sh := c.sh
	switch p {
	case summaryPane:
		if i := row - 1; i >= 0 && i < len(sh.s.work.Revision.Categories) && i != sh.cat {
			m.move(sh, summaryPane, i-sh.cat, c.inner(summaryPane).h)
		}
	case movedPane:
		ds := impactDevices(sh.categoryImpact())
		r := c.inner(movedPane)
		_, devOf := m.movedLayout(sh, sh.categoryImpact(), r.w, r.h)
		if row < 0 || row >= len(devOf) {
			break
		}
		i := devOf[row]
		switch {
		case i < 0 || i >= len(ds):
		case i == m.moved.sel:
			return action{open: ds[i].id}
		default:
			m.moved.move(i-m.moved.sel, len(ds), r.h)
		}
	}
	return action{}
}

// wrapItems packs items, joined by ", ", into lines of at most w cells,
// breaking only between items; an item wider than a line is cut.
func wrapItems(items []string, w int) []string {
	var out []string
	line := ""
	for k, it := range items {
		if k < len(items)-1 {
			it += ","
		}
		switch {
		case line == "":
			line = it
		case width(line)+1+width(it) <= w:
			line += " " + it
		default:
			out = append(out, truncate(line, w))
			line = it
		}
	}
	return append(out, truncate(line, w))
}
