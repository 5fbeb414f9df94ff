package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/termtext"
)

// specModel is the Spec view: the categories with their level
// distributions, the criteria of the selected category with their pass
// counts, and the selected criterion's CUE.
type specModel struct {
	browsing
	cats list
	// crits selects a criterion of those visible; its top is in rows,
	// where each level adds a row of its own.
	crits list
	src   scroll
	// input is the filter (/): with words in it, the criteria pane lists
	// the criteria of every category that they all match, by ID, title
	// or field. filtering is set while it is typed.
	input     textinput.Model
	filtering bool
}

func newSpecModel(isDark bool) specModel {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "words: ID, title or field, such as L3 llm"
	in.SetStyles(inputStyles(isDark))
	return specModel{input: in}
}

// filterWords are the words of the filter, lower-cased; none when there
// is no filter.
func (m *specModel) filterWords() []string {
	return strings.Fields(strings.ToLower(m.input.Value()))
}

// visible returns the criteria the criteria pane lists: the selected
// category's, or, with a filter, those of every category that match it,
// by category, level and ID.
func (m *specModel) visible(sh *shared) []*spec.Criterion {
	words := m.filterWords()
	if len(words) == 0 {
		return sh.criteria()
	}
	var out []*spec.Criterion
	for _, c := range sh.s.work.Revision.Criteria() {
		text := c.ID + " " + c.Title + " " + c.Category + " " + c.Level
		for _, f := range c.Fields {
			text += " " + f.Path
		}
		if matchWords(text, words) {
			out = append(out, c)
		}
	}
	return out
}

// clearFilter drops the filter.
func (m *specModel) clearFilter() {
	m.input.SetValue("")
	m.input.Blur()
	m.filtering = false
	m.crits = list{}
}

// show selects a criterion among those visible, in a pane h rows high: its
// category becomes the selected one.
func (m *specModel) show(sh *shared, c *spec.Criterion, h int) {
	crits := m.visible(sh)
	if len(m.filterWords()) == 0 {
		for i, cat := range sh.s.work.Revision.Categories {
			if cat.Key == c.Category {
				sh.cat = i
			}
		}
		crits = m.visible(sh)
	}
	m.crits.sel = max(slices.Index(crits, c), 0)
	m.crits.top = 0
	m.move(sh, criteriaPane, 0, h)
}

// takesText reports whether the filter is being typed.
func (m *specModel) takesText() bool { return m.filtering }

// shortHelp is the filter's keys while one is typed, else the usual.
func (m *specModel) shortHelp(k *keyMap) (keys, end []key.Binding) {
	if m.filtering {
		return nil, []key.Binding{k.FilterKeep, k.FilterClear}
	}
	return m.browsing.shortHelp(k)
}

func (m *specModel) reset() {
	m.crits = list{}
	m.src = scroll{}
}

// clamp keeps the cursors in a new session, which an edit may have made
// with fewer criteria.
func (m *specModel) clamp(sh *shared) {
	m.crits.sel = min(m.crits.sel, max(len(m.visible(sh))-1, 0))
}

// criterionRows returns the row of each criterion listed in the criteria
// pane, and the number of rows: each level (of each category, when they
// are several) starts with a row of its own.
func criterionRows(crits []*spec.Criterion) (rowOf []int, n int) {
	group := ""
	for _, c := range crits {
		if g := c.Category + " " + c.Level; g != group {
			group = g
			n++
		}
		rowOf = append(rowOf, n)
		n++
	}
	return rowOf, n
}

// category returns the selected category of the working revision.
func (sh *shared) category() *spec.Category {
	cats := sh.s.work.Revision.Categories
	if len(cats) == 0 {
		return nil
	}
	return cats[min(sh.cat, len(cats)-1)]
}

// criteria returns the criteria of the selected category, by level and ID.
func (sh *shared) criteria() []*spec.Criterion {
	c := sh.category()
	if c == nil {
		return nil
	}
	var out []*spec.Criterion
	for _, l := range c.Levels {
		out = append(out, l.Criteria...)
	}
	return out
}

func (m *specModel) selected(sh *shared) *spec.Criterion {
	crits := m.visible(sh)
	if len(crits) == 0 {
		return nil
	}
	return crits[min(m.crits.sel, len(crits)-1)]
}

// refresh keeps the cursors in a new session, and styles the filter for
// the terminal's background.
func (m *specModel) refresh(c *viewContext) {
	if c.changes&restyled != 0 {
		m.input.SetStyles(inputStyles(c.sh.st.dark))
	}
	if c.sh.s != nil {
		m.clamp(c.sh)
	}
}

// key opens the selected criterion in the editor or in $EDITOR, asks the
// root to fork, rename or delete the working revision, or moves in the
// focused pane.
func (m *specModel) key(c *viewContext, msg tea.Msg) (action, tea.Cmd) {
	k, sh := c.keys, c.sh
	if m.filtering {
		return m.filterKey(c, msg)
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return action{}, nil
	}
	switch {
	case key.Matches(km, k.Filter):
		// A new filter, from nothing.
		m.input.SetValue("")
		m.filtering = true
		return action{}, m.input.Focus()
	case key.Matches(km, k.ClearFilter):
		if m.input.Value() != "" {
			m.clearFilter()
			m.follow(sh)
		}
		return action{}, nil
	case key.Matches(km, k.Copy):
		if cr := m.selected(sh); cr != nil {
			return action{copy: cr.ID}, nil
		}
		return action{}, nil
	case key.Matches(km, k.Open):
		if cr := m.selected(sh); cr != nil {
			return action{edit: cr}, nil
		}
		return action{}, nil
	case key.Matches(km, k.External):
		if cr := m.selected(sh); cr != nil {
			return action{external: &fileLine{c.keyOf(cr.Pos.File), cr.Pos.Line}}, nil
		}
		return action{}, nil
	case key.Matches(km, k.Fork, k.Rename, k.Delete):
		return action{revise: true}, nil
	}
	if d := moveDelta(km, k, c.height()); d != 0 {
		m.move(sh, c.focus, d, c.height())
	}
	return action{}, nil
}

// filterKey is a key or a paste while the filter is typed: enter keeps the
// filter, esc clears it, anything else edits it, and the criteria listed
// follow at once, the first selected.
func (m *specModel) filterKey(c *viewContext, msg tea.Msg) (action, tea.Cmd) {
	k, sh := c.keys, c.sh
	if km, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(km, k.FilterKeep):
			m.filtering = false
			m.input.Blur()
			return action{}, nil
		case key.Matches(km, k.FilterClear):
			m.clearFilter()
			m.follow(sh)
			return action{}, nil
		}
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(oneLine(msg))
	m.crits = list{}
	m.follow(sh)
	return action{}, cmd
}

// follow makes the selected criterion's category the selected one, when
// the criteria listed are of several.
func (m *specModel) follow(sh *shared) {
	if cr := m.selected(sh); cr != nil && len(m.filterWords()) > 0 {
		for i, cat := range sh.s.work.Revision.Categories {
			if cat.Key == cr.Category {
				sh.cat = i
			}
		}
	}
	m.src = scroll{}
}

// scroll moves the focused pane by delta rows.
func (m *specModel) scroll(c *viewContext, delta int) {
	m.move(c.sh, c.focus, delta, c.height())
}

// move moves the cursor or the text of pane p, h rows high, by delta.
func (m *specModel) move(sh *shared, p paneID, delta, h int) {
	switch p {
	case categoriesPane:
		m.cats.sel = sh.cat
		m.cats.move(delta, len(sh.s.work.Revision.Categories), h)
		if m.cats.sel != sh.cat {
			sh.cat = m.cats.sel
			m.reset()
		}
	case criteriaPane:
		crits := m.visible(sh)
		if len(crits) == 0 {
			return
		}
		defer m.follow(sh)
		m.crits.sel = min(max(m.crits.sel+delta, 0), len(crits)-1)
		rowOf, n := criterionRows(crits)
		row := rowOf[m.crits.sel]
		view := list{sel: row, top: m.crits.top}
		m.crits.top = view.window(n, h)
		// Show the level's own row above its first criterion.
		if row-1 < m.crits.top && row > 0 && (m.crits.sel == 0 || rowOf[m.crits.sel-1] != row-1) {
			m.crits.top = row - 1
		}
		m.src = scroll{}
	case sourcePane:
		if c := m.selected(sh); c != nil {
			m.src.by(delta, len(strings.Split(c.Source, "\n")), h)
		}
	}
}

// pane draws the categories, the criteria or the selected criterion's CUE.
func (m *specModel) pane(c *viewContext, p paneID, w, h int) (string, []string) {
	sh := c.sh
	switch p {
	case categoriesPane:
		return "", m.categoryLines(sh, w)
	case criteriaPane:
		return m.criteriaTitle(sh), m.criteriaLines(sh, w, h)
	default:
		cr := m.selected(sh)
		if cr == nil {
			return "", nil
		}
		src := cr.Source
		if src == "" {
			src = spec.RequireText(cr)
		}
		// The source may hold controls in a string or a comment: they are
		// drawn as the editor draws them.
		return "CUE · " + termtext.Line(sh.shown(cr.Pos.String())), m.src.visible(highlight(termtext.Text(src), sh.st.syntax), h)
	}
}

// bar draws a level distribution, the devices at each level, in w cells: a
// run of each level's mark, as long as its share.
func bar(dist map[string]int, w int, st *styles) string {
	counts := make([]int, spec.MaxLevels+1)
	for lvl, name := range spec.Ladder(spec.MaxLevels) {
		counts[lvl] = dist[name]
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if total == 0 || w <= 0 {
		return strings.Repeat(" ", max(w, 0))
	}
	var b strings.Builder
	used, acc := 0, 0
	for lvl, n := range counts {
		acc += n
		end := (acc*w + total/2) / total
		if n > 0 && end == used && used < w {
			end = used + 1 // a level with devices shows
		}
		end = min(end, w)
		if end > used {
			b.WriteString(st.levels[lvl].Render(strings.Repeat(levelMarks[lvl], end-used)))
			used = end
		}
	}
	b.WriteString(strings.Repeat(" ", w-used))
	return b.String()
}

func (m *specModel) categoryLines(sh *shared, w int) []string {
	s, st := sh.s, sh.st
	barW := min(max((w-22)/2, 4), 14)
	nameW := max(w-2*barW-4, 6)
	lines := []string{st.dim.Render(fmt.Sprintf("  %-*s %-*s %s", nameW, "category", barW, "base", "work"))}
	for i, c := range s.work.Revision.Categories {
		b := bar(s.baseState.Distribution(c.Key), barW, st)
		wk := bar(s.workState.Distribution(c.Key), barW, st)
		name := fit(termtext.Line(c.Key), nameW)
		lead := "  "
		if i == sh.cat {
			lead = "▸ "
			name = st.selected.Render(name)
		}
		lines = append(lines, lead+name+" "+b+" "+wk)
	}
	var legend []string
	for l, name := range spec.Ladder(s.work.Revision.Top()) {
		legend = append(legend, st.levels[l].Render(levelMarks[l])+" "+name)
	}
	// The legend, on as many rows as the levels need.
	lines = append(lines, "")
	row := ""
	for _, item := range legend {
		if row != "" && ansi.StringWidth(row)+2+ansi.StringWidth(item) > w {
			lines = append(lines, row)
			row = ""
		}
		if row == "" {
			row = "  " + item
		} else {
			row += "  " + item
		}
	}
	lines = append(lines, row, "")
	c := sh.category()
	if c == nil {
		return lines
	}
	lines = append(lines, st.bold.Render(termtext.Line(fmt.Sprintf("  %s · %s", c.Title, c.Part))))
	if len(c.Determination.Families) > 0 {
		lines = append(lines, st.dim.Render(termtext.Line("  lowest of "+strings.Join(c.Determination.Families, ", "))))
	}
	bd, wd := s.baseState.Distribution(c.Key), s.workState.Distribution(c.Key)
	// The status takes what the counts leave: "L1 " and " cr base → work".
	statusW := min(max(w-2-3-14, 6), 14)
	lines = append(lines, st.dim.Render("  "+fit("level", 3+statusW)+" cr devices"))
	bc := s.base.Revision.Category(c.Key)
	for rank := 1; rank <= max(c.Top(), baseTop(bc)); rank++ {
		name := spec.LevelName(rank)
		l, old := c.Level(name), (*spec.Level)(nil)
		if bc != nil {
			old = bc.Level(name)
		}
		// A level that one revision does not declare counts no devices
		// there: "–".
		before, after, crits := "–", "–", 0
		var status string
		switch {
		case l == nil && old == nil:
			continue
		case l == nil:
			status = "removed"
		case old == nil:
			status = "added, " + l.Status
		case old.Status != l.Status:
			status = old.Status + "→" + l.Status
		default:
			status = l.Status
		}
		if old != nil {
			before = fmt.Sprint(bd[name])
		}
		if l != nil {
			after, crits = fmt.Sprint(wd[name]), len(l.Criteria)
		}
		lines = append(lines, fmt.Sprintf("  %s %s %2d %3s → %s", st.levels[rank].Render(name), fit(termtext.Line(status), statusW), crits, before, after))
	}
	return lines
}

// baseTop returns the highest level of a category of the base revision, 0
// if the base does not have the category.
func baseTop(c *spec.Category) int {
	if c == nil {
		return 0
	}
	return c.Top()
}

func (m *specModel) criteriaTitle(sh *shared) string {
	if words := m.filterWords(); len(words) > 0 {
		return fmt.Sprintf("Criteria · %d match /%s · %s", len(m.visible(sh)), m.input.Value(), termtext.Line(sh.s.work.Revision.ID))
	}
	c := sh.category()
	if c == nil {
		return ""
	}
	return fmt.Sprintf("Criteria · %s · %s · / filters", termtext.Line(c.Key), termtext.Line(sh.s.work.Revision.ID))
}

// criteriaLines lists the criteria, a row each under a row for each level
// (of each category, with a filter), in w × h cells; the filter, when
// there is one, takes the first row.
func (m *specModel) criteriaLines(sh *shared, w, h int) []string {
	s, st := sh.s, sh.st
	var head []string
	switch {
	case m.filtering:
		head = []string{m.input.View()}
	case m.input.Value() != "":
		head = []string{st.dim.Render(truncate("/"+m.input.Value()+"  (esc clears)", w))}
	}
	h -= len(head)
	crits := m.visible(sh)
	idW := 0
	for _, c := range crits {
		idW = max(idW, width(termtext.Line(c.ID)))
	}
	cats := map[string]map[string]string{}
	famW := 0
	for _, cat := range s.work.Revision.Categories {
		cats[cat.Key] = familyNames(cat)
		for _, f := range cats[cat.Key] {
			famW = max(famW, width(f))
		}
	}
	// The ID and the counts come first (" ID 12/34 +3 "); element, family
	// and provenance where there is room for them beside the whole ID.
	extras := w >= 1+idW+1+9+1+4+1+famW+1+4
	if extras {
		idW = min(idW, max(w-24, 8))
	} else {
		idW = min(idW, max(w-11, 6))
	}
	filtered := len(m.filterWords()) > 0
	// Each criterion is a row; each level starts with a row of its own.
	var rows []string
	var critRow []int
	group := ""
	for _, c := range crits {
		if g := c.Category + " " + c.Level; g != group {
			group = g
			label := c.Level
			if filtered {
				label = c.Category + " · " + c.Level
			}
			rows = append(rows, st.bold.Render(truncate(termtext.Line(label), w)))
		}
		pass, of, _ := s.workState.Passes(c.ID)
		delta := st.dim.Render(" new")
		if bp, _, ok := s.baseState.Passes(c.ID); ok {
			switch {
			case pass > bp:
				delta = st.up.Render(fmt.Sprintf(" ▲%-2d", pass-bp))
			case pass < bp:
				delta = st.down.Render(fmt.Sprintf(" ▼%-2d", bp-pass))
			default:
				delta = "    "
			}
		}
		row := fmt.Sprintf(" %s %5s%s", fit(termtext.Line(c.ID), idW), fmt.Sprintf("%d/%d", pass, of), delta)
		if extras {
			row += fmt.Sprintf(" %s %s %s", short(termtext.Line(c.Element), 4), fit(cats[c.Category][c.Family], famW), st.badge[c.Provenance].Render(short(termtext.Line(c.Provenance), 4)))
		}
		if rest := w - width(row) - 2; rest >= 12 {
			row += "  " + st.dim.Render(truncate(termtext.Line(c.Title), rest))
		}
		critRow = append(critRow, len(rows))
		rows = append(rows, row)
	}
	if len(crits) == 0 {
		msg := " no criteria"
		if filtered {
			msg = " no criterion matches the filter"
		}
		return append(head, st.dim.Render(msg))
	}
	sel := min(m.crits.sel, len(crits)-1)
	selRow := critRow[sel]
	top := list{sel: selRow, top: m.crits.top}.window(len(rows), h)
	end := min(top+h, len(rows))
	out := head
	for i := top; i < end; i++ {
		if i == selRow {
			out = append(out, st.selected.Render(fit("▸"+strings.TrimPrefix(ansi.Strip(rows[i]), " "), w)))
			continue
		}
		out = append(out, rows[i])
	}
	return out
}

// familyWidth is the most cells a family's short name takes.
const familyWidth = 8

// familyNames returns the short names of a category's families (and core)
// for the criteria pane, safe to show (termtext.Line): for each, the
// shortest word of its name that fits and that no other family of the
// category has, else its name cut to fit. So near_field and far_field are
// "near" and "far".
func familyNames(c *spec.Category) map[string]string {
	out := map[string]string{spec.FamilyCore: spec.FamilyCore}
	if c == nil {
		return out
	}
	words := map[string]int{}
	for _, f := range c.Determination.Families {
		for _, w := range slices.Compact(slices.Sorted(strings.SplitSeq(f, "_"))) {
			words[w]++
		}
	}
	for _, f := range c.Determination.Families {
		best := ""
		for w := range strings.SplitSeq(f, "_") {
			if w != "" && words[w] == 1 && w != spec.FamilyCore && len(w) <= familyWidth && (best == "" || len(w) < len(best)) {
				best = w
			}
		}
		if best == "" {
			best = truncate(termtext.Line(f), familyWidth)
		}
		out[f] = termtext.Line(best)
	}
	return out
}

// short cuts a word to n cells, padded to n.
func short(s string, n int) string {
	if width(s) <= n {
		return fit(s, n)
	}
	return fit(ansi.Truncate(s, n, ""), n)
}

// click selects the category or the criterion under the mouse; a click on
// the criterion already selected edits it.
func (m *specModel) click(c *viewContext, p paneID, row int) action {
	sh := c.sh
	switch p {
	case categoriesPane:
		// The header, then a row a category.
		if i := row - 1; i >= 0 && i < len(sh.s.work.Revision.Categories) && i != sh.cat {
			sh.cat = i
			m.cats.sel = i
			m.reset()
		}
	case criteriaPane:
		crits := m.visible(sh)
		if len(crits) == 0 {
			return action{}
		}
		head := 0
		if m.filtering || m.input.Value() != "" {
			head = 1
		}
		rowOf, n := criterionRows(crits)
		sel := min(m.crits.sel, len(crits)-1)
		h := c.inner(criteriaPane).h - head
		top := list{sel: rowOf[sel], top: m.crits.top}.window(n, h)
		at := top + row - head
		i := slices.Index(rowOf, at)
		switch {
		case row < head || i < 0:
		case i == sel:
			return action{edit: crits[i]}
		default:
			m.move(sh, criteriaPane, i-sel, h)
		}
	}
	return action{}
}
