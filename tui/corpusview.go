package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/spec/termtext"
)

// corpusModel is the Corpus view: every device as a row, sortable and
// filtered by words that each must match the device's ID, name, vendor,
// category, levels, flags, "moved", "up", "down" or "yours".
type corpusModel struct {
	browsing
	rows      []*deviceRow
	list      list
	input     textinput.Model
	filtering bool
	sort      int
}

// sortOrders are the orders the rows can be sorted in, s cycling through
// them.
var sortOrders = []struct {
	name string
	cmp  func(a, b *deviceRow) int
}{
	{"category", nil},
	{"id", func(a, b *deviceRow) int { return strings.Compare(a.dev.ID, b.dev.ID) }},
	{"vendor", func(a, b *deviceRow) int {
		return cmp.Or(strings.Compare(a.dev.Vendor, b.dev.Vendor), strings.Compare(a.dev.ID, b.dev.ID))
	}},
	{"level", func(a, b *deviceRow) int {
		return cmp.Or(cmp.Compare(evaluator.LevelIndex(b.to), evaluator.LevelIndex(a.to)), strings.Compare(a.dev.ID, b.dev.ID))
	}},
	{"moved", func(a, b *deviceRow) int {
		ma, mb := evaluator.LevelIndex(a.to)-evaluator.LevelIndex(a.from), evaluator.LevelIndex(b.to)-evaluator.LevelIndex(b.from)
		return cmp.Or(cmp.Compare(abs(mb), abs(ma)), cmp.Compare(mb, ma), strings.Compare(a.dev.ID, b.dev.ID))
	}},
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func newCorpusModel(isDark bool) corpusModel {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "words: id, vendor, category, L3, L3→L2, moved, up, down, over-claim, yours"
	m := corpusModel{input: in}
	m.setDark(isDark)
	return m
}

// setDark styles the filter for a dark or a light background.
func (m *corpusModel) setDark(isDark bool) {
	m.input.SetStyles(inputStyles(isDark))
}

// filter filters and sorts the rows of a session.
func (m *corpusModel) filter(s *session) {
	if s == nil {
		return
	}
	terms := strings.Fields(strings.ToLower(m.input.Value()))
	m.rows = m.rows[:0]
	for _, r := range s.devices {
		if matches(r, terms) {
			m.rows = append(m.rows, r)
		}
	}
	if c := sortOrders[m.sort].cmp; c != nil {
		slices.SortStableFunc(m.rows, c)
	}
	m.list.sel = min(m.list.sel, max(len(m.rows)-1, 0))
}

// matches reports whether a device matches every term of a filter.
func matches(r *deviceRow, terms []string) bool {
	if len(terms) == 0 {
		return true
	}
	fields := []string{r.dev.ID, r.dev.Name, r.dev.Vendor, r.dev.Category, r.from, r.to,
		r.from + "→" + r.to, r.from + "->" + r.to}
	fields = append(fields, r.flags...)
	if r.moved() {
		fields = append(fields, "moved")
		if evaluator.LevelIndex(r.to) > evaluator.LevelIndex(r.from) {
			fields = append(fields, "up")
		} else {
			fields = append(fields, "down")
		}
	}
	if r.theirs {
		fields = append(fields, "yours")
	}
	for _, t := range terms {
		found := false
		for _, f := range fields {
			if strings.Contains(strings.ToLower(f), t) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// refresh fits the filter to the pane's width and the styles, and filters
// and sorts the rows of the session.
func (m *corpusModel) refresh(c *viewContext) {
	if c.changes&restyled != 0 {
		m.setDark(c.sh.st.dark)
	}
	m.resize(c.inner(devicesPane).w)
	m.filter(c.sh.s)
}

// takesText reports whether the filter is being typed, which takes every
// key.
func (m *corpusModel) takesText() bool { return m.filtering }

// shortHelp is the filter's keys while one is typed, else the usual.
func (m *corpusModel) shortHelp(k *keyMap) (keys, end []key.Binding) {
	if m.filtering {
		return nil, []key.Binding{k.FilterKeep, k.FilterClear}
	}
	return m.browsing.shortHelp(k)
}

// filterKey edits the filter, which applies as it is typed: FilterKeep
// keeps it, FilterClear clears it.
func (m *corpusModel) filterKey(c *viewContext, msg tea.KeyPressMsg) tea.Cmd {
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, c.keys.FilterKeep):
		m.filtering = false
		m.input.Blur()
	case key.Matches(msg, c.keys.FilterClear):
		m.filtering = false
		m.input.Blur()
		m.input.SetValue("")
	default:
		m.input, cmd = m.input.Update(msg)
	}
	m.list = list{}
	m.filter(c.sh.s)
	return cmd
}

// resize fits the filter's input to the pane's width.
func (m *corpusModel) resize(w int) {
	m.input.SetWidth(max(w-4, 10))
}

// key edits the filter while it is typed (a paste goes into it, as one
// line: oneLine); otherwise it starts the filter, sorts, opens the
// selected device or moves.
func (m *corpusModel) key(c *viewContext, msg tea.Msg) (action, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	switch {
	case m.filtering && ok:
		return action{}, m.filterKey(c, km)
	case m.filtering:
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(oneLine(msg))
		m.filter(c.sh.s)
		return action{}, cmd
	case !ok:
		return action{}, nil
	}
	k := c.keys
	switch {
	case key.Matches(km, k.Filter):
		// A new filter, from nothing.
		m.input.SetValue("")
		m.filter(c.sh.s)
		m.filtering = true
		m.list = list{}
		return action{}, m.input.Focus()
	case key.Matches(km, k.ClearFilter):
		if m.input.Value() != "" {
			m.input.SetValue("")
			m.filter(c.sh.s)
			m.list = list{}
		}
		return action{}, nil
	case key.Matches(km, k.Copy):
		if len(m.rows) > 0 {
			return action{copy: m.rows[min(m.list.sel, len(m.rows)-1)].dev.ID}, nil
		}
		return action{}, nil
	case key.Matches(km, k.Sort):
		m.sort = (m.sort + 1) % len(sortOrders)
		m.filter(c.sh.s)
		return action{}, nil
	case key.Matches(km, k.Open):
		if len(m.rows) > 0 {
			return action{open: m.rows[min(m.list.sel, len(m.rows)-1)].dev.ID}, nil
		}
		return action{}, nil
	}
	if d := moveDelta(km, k, c.height()); d != 0 {
		m.scroll(c, d)
	}
	return action{}, nil
}

// scroll moves the cursor by delta rows.
func (m *corpusModel) scroll(c *viewContext, delta int) {
	m.list.move(delta, len(m.rows), max(c.height()-2, 1))
}

// pane draws the filter and the devices.
func (m *corpusModel) pane(c *viewContext, _ paneID, w, h int) (string, []string) {
	sh := c.sh
	st := sh.st
	title := fmt.Sprintf("Devices · %d of %d · %s → %s · sorted by %s (s) · / filters · enter opens", len(m.rows), len(sh.s.devices),
		termtext.Line(sh.s.base.Revision.ID), termtext.Line(sh.s.work.Revision.ID), sortOrders[m.sort].name)
	var filter string
	switch {
	case m.filtering:
		filter = m.input.View()
	case m.input.Value() != "":
		filter = st.dim.Render("/" + m.input.Value() + "  (esc clears, / starts anew)")
	default:
		filter = st.dim.Render("/ to filter")
	}
	// The columns take the widths their texts need, in display cells, up
	// to a share of the pane each; the name shows where there is room.
	idW, vendorW, nameW, catW := 8, 6, 4, 8
	for _, r := range m.rows {
		idW = max(idW, width(termtext.Line(r.dev.ID)))
		vendorW = max(vendorW, width(termtext.Line(r.dev.Vendor)))
		nameW = max(nameW, width(termtext.Line(r.dev.Name)))
		catW = max(catW, width(termtext.Line(r.dev.Category)))
	}
	idW = min(idW, max(w*2/5, 12))
	vendorW = min(vendorW, max(w/6, 6))
	catW = min(catW, max(w/6, 6))
	// mark, id, vendor, name, category, base, arrow, work and their gaps.
	rest := w - (1 + 1 + idW + 1 + vendorW + 1 + catW + 1 + 4 + 1 + 1 + 1 + 4 + 2)
	nameW = min(nameW, rest-15) // flags keep room for not-assessable
	if nameW < 8 {
		nameW = 0
	}
	row := func(mark, id, vendor, name, category, from, arrow, to, flags string) string {
		out := mark + " " + fit(id, idW) + " " + fit(vendor, vendorW) + " "
		if nameW > 0 {
			out += fit(name, nameW) + " "
		}
		return out + fit(category, catW) + " " + fit(from, 4) + " " + arrow + " " + fit(to, 4) + " " + flags
	}
	header := st.dim.Render(row(" ", "device", "vendor", "name", "category", "base", " ", "work", "flags"))
	var rows []string
	for i, r := range m.rows {
		mark := " "
		switch {
		case r.theirs:
			mark = st.theirs.Render("●")
		case i == m.list.sel:
			mark = "▸"
		}
		arrow := " "
		switch {
		case r.moved() && evaluator.LevelIndex(r.to) > evaluator.LevelIndex(r.from):
			arrow = st.up.Render("▲")
		case r.moved():
			arrow = st.down.Render("▼")
		}
		to := r.to
		if k := evaluator.LevelIndex(r.to); k >= 0 && i != m.list.sel {
			to = st.levels[k].Render(r.to)
		}
		d := r.dev
		line := row(mark, termtext.Line(d.ID), termtext.Line(d.Vendor), termtext.Line(d.Name), termtext.Line(d.Category), r.from, arrow, to, strings.Join(r.flags, ", "))
		if i == m.list.sel {
			// The selected row: the same cells, in reverse.
			line = st.selected.Render(fit(ansi.Strip(line), w))
		}
		rows = append(rows, line)
	}
	if len(rows) == 0 {
		msg := "  No device matches the filter."
		if len(sh.s.devices) == 0 {
			msg = "  The corpus has no device: the workspace has none under fixtures/devices, and none were given with --corpus."
		}
		rows = []string{st.dim.Render(truncate(msg, w))}
	}
	vis, _ := m.list.visible(rows, max(h-2, 1))
	out := append([]string{filter, header}, vis...)
	return title, out
}

// click selects the device under the mouse; a click on the device already
// selected opens it.
func (m *corpusModel) click(c *viewContext, _ paneID, row int) action {
	// The filter and the header come first.
	h := max(c.inner(devicesPane).h-2, 1)
	i := m.list.window(len(m.rows), h) + row - 2
	switch {
	case row < 2 || i < 0 || i >= len(m.rows):
	case i == m.list.sel:
		return action{open: m.rows[i].dev.ID}
	default:
		m.list.move(i-m.list.sel, len(m.rows), h)
	}
	return action{}
}
