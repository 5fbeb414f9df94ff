package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/termtext"
)

// deviceModel is the Device view: one device under both revisions, with
// every criterion's verdict and why, the level per family, the flags and
// the gap to the next level.
type deviceModel struct {
	browsing
	sc scroll
}

func (m *deviceModel) reset() { m.sc = scroll{} }

// refresh needs do nothing: the device's text is made as it is drawn.
func (m *deviceModel) refresh(*viewContext) {}

// key goes back to the view the device was opened from, or scrolls.
func (m *deviceModel) key(c *viewContext, msg tea.Msg) (action, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return action{}, nil
	}
	if key.Matches(km, c.keys.Back) {
		return action{back: true}, nil
	}
	if key.Matches(km, c.keys.Copy) {
		return action{copy: c.sh.device}, nil
	}
	if d := moveDelta(km, c.keys, c.height()); d != 0 {
		m.scroll(c, d)
	}
	return action{}, nil
}

// scroll scrolls the device's text by delta rows.
func (m *deviceModel) scroll(c *viewContext, delta int) {
	m.sc.by(delta, len(m.lines(c.sh, c.inner(devicePane).w)), c.height())
}

// pane draws the device, or says how to open one.
func (m *deviceModel) pane(c *viewContext, _ paneID, w, h int) (string, []string) {
	sh := c.sh
	r := sh.s.row(sh.device)
	if r == nil {
		return "Device", []string{sh.st.dim.Render(" Open a device from Corpus or Impact (enter).")}
	}
	return "Device · " + termtext.Line(r.dev.ID) + " · esc goes back", m.sc.visible(m.lines(sh, w), h)
}

// lines writes everything the view shows of the device, wrapped to w. What
// comes from the record, the revisions or a verdict's message is made safe
// to show (termtext.Line).
func (m *deviceModel) lines(sh *shared, w int) []string {
	s, st := sh.s, sh.st
	r := s.row(sh.device)
	if r == nil {
		return nil
	}
	before, after := s.outcomes(r)
	d := r.dev
	head := st.bold.Render(termtext.Line(d.ID))
	if d.Name != "" {
		head += " · " + termtext.Line(d.Name)
	}
	if d.Vendor != "" {
		head += " · " + termtext.Line(d.Vendor)
	}
	if r.theirs {
		head += " " + st.theirs.Render("● yours")
	}
	lines := []string{head}
	meta := termtext.Line(d.Category)
	if d.ClaimedLevel != "" {
		meta += " · claims " + termtext.Line(d.ClaimedLevel)
	}
	file := d.File
	if !r.theirs {
		file = sh.shown(file) // the reference corpus's
	}
	meta += " · " + termtext.Line(file)
	if d.Line > 1 {
		meta += fmt.Sprintf(":%d", d.Line)
	}
	lines = append(lines, wrapText(st.dim.Render(meta), w)...)
	lines = append(lines, "")

	revs := []*spec.Revision{s.base.Revision, s.work.Revision}
	outs := []*evaluator.Outcome{before, after}
	colW := max((w-16)/2, 12)
	row := func(label string, cells ...string) string {
		out := fit(label, 15)
		for _, c := range cells {
			out += " " + fit(c, colW)
		}
		return strings.TrimRight(out, " ")
	}
	var heads, levels, flags []string
	for i, rev := range revs {
		heads = append(heads, st.bold.Render(termtext.Line(rev.ID)))
		o := outs[i]
		if o == nil {
			levels = append(levels, st.statusErr.Render("invalid"))
			flags = append(flags, "")
			continue
		}
		lv := o.Level
		if k := evaluator.LevelIndex(lv); k >= 0 {
			lv = st.levels[k].Render(lv)
		}
		if i == 1 && before != nil && before.Level != o.Level {
			if evaluator.LevelIndex(o.Level) > evaluator.LevelIndex(before.Level) {
				lv += st.up.Render(" ▲ moved up")
			} else {
				lv += st.down.Render(" ▼ moved down")
			}
		}
		levels = append(levels, lv)
		flags = append(flags, strings.Join(o.Flags, ", "))
	}
	lines = append(lines, row("", heads...), row("level", levels...))
	// The families of either revision.
	var fams []string
	for _, o := range outs {
		if o == nil {
			continue
		}
		for _, f := range o.Families {
			if !contains(fams, f.Family) {
				fams = append(fams, f.Family)
			}
		}
	}
	for _, f := range fams {
		var cells []string
		for _, o := range outs {
			cell := ""
			if o != nil {
				for _, fl := range o.Families {
					if fl.Family == f {
						cell = fl.Level
					}
				}
			}
			cells = append(cells, cell)
		}
		lines = append(lines, row("  "+termtext.Line(f), cells...))
	}
	lines = append(lines, row("flags", flags...))
	for i, o := range outs {
		if o == nil {
			continue
		}
		lines = append(lines, "")
		lines = append(lines, gapLines(st, termtext.Line(revs[i].ID), o, w)...)
	}
	lines = append(lines, "")
	return append(lines, m.criteriaLines(sh, revs, outs, w)...)
}

// criteriaLines lists every criterion of either revision with the device's
// verdict under each, and why it does not pass.
func (m *deviceModel) criteriaLines(sh *shared, revs []*spec.Revision, outs []*evaluator.Outcome, w int) []string {
	st := sh.st
	type entry struct {
		id, level string
		checks    [2]*evaluator.Check
	}
	var entries []*entry
	byID := map[string]*entry{}
	for i := len(outs) - 1; i >= 0; i-- { // the working revision's order first
		o := outs[i]
		if o == nil {
			continue
		}
		for j := range o.Checks {
			c := &o.Checks[j]
			e := byID[c.Criterion.ID]
			if e == nil {
				e = &entry{id: c.Criterion.ID, level: c.Criterion.Level}
				byID[e.id] = e
				entries = append(entries, e)
			}
			e.checks[i] = c
		}
	}
	idW := 9
	for _, e := range entries {
		e.id, e.level = termtext.Line(e.id), termtext.Line(e.level)
		idW = max(idW, width(e.id))
	}
	verdict := func(c *evaluator.Check) string {
		if c == nil {
			return st.dim.Render(fit("—", 8))
		}
		return st.verdicts[c.Verdict].Render(fit(c.Verdict.String(), 8))
	}
	lines := []string{st.dim.Render(fit("criterion", idW) + " " + fit("level", 5) + " " + fit("base", 8) + " " + fit("working", 8) + " why")}
	indent := idW + 1 + 5 + 1 + 8 + 1 + 8 + 1
	for _, e := range entries {
		// Why the working revision does not pass it, or, for a criterion
		// only the base has, why the base does not.
		var why string
		switch base, work := e.checks[0], e.checks[1]; {
		case work != nil && work.Verdict != evaluator.Pass:
			why = termtext.Line(work.Message())
		case work == nil && base != nil && base.Verdict != evaluator.Pass:
			why = "(base) " + termtext.Line(base.Message())
		}
		changed := e.checks[0] != nil && e.checks[1] != nil && e.checks[0].Verdict != e.checks[1].Verdict
		id := fit(e.id, idW)
		if changed {
			id = st.bold.Render(id)
		}
		head := id + " " + fit(e.level, 5) + " " + verdict(e.checks[0]) + " " + verdict(e.checks[1])
		if why == "" {
			lines = append(lines, head)
			continue
		}
		if indent+width(why) <= w {
			lines = append(lines, head+" "+why)
			continue
		}
		lines = append(lines, head)
		for _, l := range wrapText(why, max(w-8, 20)) {
			lines = append(lines, "        "+st.dim.Render(l))
		}
	}
	return lines
}

// gapLines says what the device lacks for the next level under a revision:
// a row a criterion, its ID, verdict and why in columns.
func gapLines(st *styles, rev string, o *evaluator.Outcome, w int) []string {
	g := o.Gap("")
	switch {
	case g == nil:
		return []string{st.dim.Render(fmt.Sprintf("Under %s the device is at the top of its ladder.", rev))}
	case g.Undeclared:
		return []string{st.dim.Render(fmt.Sprintf("Under %s, %s has no %s: no device reaches it.", rev, termtext.Line(o.Category.Key), g.Blocked))}
	case g.Reserved:
		return []string{st.dim.Render(fmt.Sprintf("Under %s, %s is reserved: no device reaches it.", rev, g.Blocked))}
	}
	lines := []string{st.bold.Render(fmt.Sprintf("To reach %s under %s, meet %d %s:", g.Level, rev, len(g.Checks), plural(len(g.Checks), "criterion", "criteria")))}
	idW := 0
	for _, c := range g.Checks {
		idW = max(idW, width(termtext.Line(c.Criterion.ID)))
	}
	indent := 2 + idW + 2 + 8
	for _, c := range g.Checks {
		head := "  " + fit(termtext.Line(c.Criterion.ID), idW) + "  " + st.verdicts[c.Verdict].Render(fit(c.Verdict.String(), 8))
		for i, l := range wrapText(termtext.Line(c.Message()), max(w-indent, 20)) {
			if i == 0 {
				lines = append(lines, head+l)
			} else {
				lines = append(lines, strings.Repeat(" ", indent)+l)
			}
		}
	}
	return lines
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
