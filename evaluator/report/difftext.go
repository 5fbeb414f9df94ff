package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/redline"
	"github.com/ladderworks/ladder/spec/termtext"
)

// This file writes a diff as text for a terminal: summary first, then the
// criterion changes, the impact and the redline, laid out for a width and
// wrapped, never cut. The text may be colored, so every string from data
// (IDs, names, titles, CUE text, paths) is made safe on its own, with
// termtext.Line, before it is styled or laid out.

// diffStyles are the looks of the text report.
type diffStyles struct {
	heading, sub, dim lipgloss.Style
	kinds             map[spec.ChangeKind]lipgloss.Style
	before, after     lipgloss.Style
	redline           redline.Styles
}

// newDiffStyles are the looks of the text report, in color or not.
func newDiffStyles(color bool) diffStyles {
	if !color {
		return diffStyles{redline: redline.PlainStyles()}
	}
	fg := func(c ansi.BasicColor) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	return diffStyles{
		heading: lipgloss.NewStyle().Bold(true).Underline(true),
		sub:     lipgloss.NewStyle().Bold(true),
		dim:     lipgloss.NewStyle().Faint(true),
		kinds: map[spec.ChangeKind]lipgloss.Style{
			spec.Added:     fg(lipgloss.Green),
			spec.Removed:   fg(lipgloss.Red),
			spec.Tightened: fg(lipgloss.Magenta),
			spec.Loosened:  fg(lipgloss.Cyan),
			spec.Changed:   fg(lipgloss.Yellow),
			spec.Moved:     fg(lipgloss.Blue),
			spec.Edited:    fg(lipgloss.Blue),
		},
		before:  fg(lipgloss.Red),
		after:   fg(lipgloss.Green),
		redline: redline.ColorStyles(),
	}
}

// textWriter writes rows of at most width cells.
type textWriter struct {
	w     *bufio.Writer
	width int
	st    diffStyles
}

// row writes s after indent spaces, wrapped to the width at spaces; rows
// after the first of each line of s are indented by hang more.
func (t *textWriter) row(indent, hang int, s string) {
	// Keep at least 20 cells for the rows that hang.
	hang = max(0, min(hang, t.width-indent-20))
	for _, para := range strings.Split(s, "\n") {
		rows := wrapWords(para, max(t.width-indent, 10), max(t.width-indent-hang, 10))
		for i, r := range rows {
			if i == 0 {
				t.line(indent, r)
			} else {
				t.line(indent+hang, r)
			}
		}
	}
}

// wrapWords breaks s at spaces into rows of at most first cells, then at
// most rest cells. A word longer than a row is broken where it must be.
// Styles (ANSI sequences) in s do not count towards the width.
func wrapWords(s string, first, rest int) []string {
	var rows []string
	var cur strings.Builder
	width, limit := 0, first
	flush := func() {
		rows = append(rows, cur.String())
		cur.Reset()
		width, limit = 0, rest
	}
	for i, w := range strings.Split(s, " ") {
		ww := ansi.StringWidth(w)
		if i > 0 {
			if width+1+ww <= limit {
				cur.WriteString(" ")
				width++
			} else {
				flush()
			}
		}
		for ww > limit-width && ww > 0 && width == 0 && ww > limit {
			// A word longer than a whole row.
			cur.WriteString(ansi.Truncate(w, limit, ""))
			w = ansi.TruncateLeft(w, limit, "")
			ww = ansi.StringWidth(w)
			flush()
		}
		cur.WriteString(w)
		width += ww
	}
	rows = append(rows, cur.String())
	return rows
}

// line writes one row after indent spaces, without trailing spaces.
func (t *textWriter) line(indent int, s string) {
	t.w.WriteString(strings.TrimRight(strings.Repeat(" ", indent)+s, " "))
	t.w.WriteByte('\n')
}

// blank writes an empty row.
func (t *textWriter) blank() { t.w.WriteByte('\n') }

// heading writes a blank row and a heading.
func (t *textWriter) heading(s string) {
	t.blank()
	t.line(0, t.st.heading.Render(s))
}

// counted is "3 devices", "1 device".
func counted(n int, one, many string) string {
	return fmt.Sprintf("%d %s", n, Plural(n, one, many))
}

// WriteDiffText writes the review for a terminal: the summary, then (unless
// opts.Stat) the criterion changes, the structure and vocabulary changes,
// the impact and the redline, no row wider than opts.Width.
func WriteDiffText(w io.Writer, r *Diff, opts TextOptions) error {
	bw := bufio.NewWriter(w)
	t := &textWriter{w: bw, width: ClampWidth(opts.Width), st: newDiffStyles(opts.Color)}
	t.row(0, 2, t.st.sub.Render(revisionLabel(r.Base, r.BaseRev)+" → "+revisionLabel(r.Target, r.TargetRev)))
	for _, a := range r.Changes.Revision {
		t.row(2, 4, fmt.Sprintf("%s: %s → %s", termtext.Line(a.Name), termtext.Line(orNone(a.Before)), termtext.Line(orNone(a.After))))
	}
	t.heading("Summary")
	for _, s := range summaryRows(r) {
		t.row(2, 12, fmt.Sprintf("%-10s  %s", s[0], s[1]))
	}
	if opts.Stat {
		return bw.Flush()
	}
	writeCriterionChangesText(t, r)
	writeStructureText(t, r)
	writeImpactText(t, r)
	t.heading("Redline")
	if len(r.Files) == 0 {
		t.line(2, "The CUE files are the same.")
	}
	for i, f := range r.Files {
		if i > 0 {
			t.blank()
		}
		rows := redline.Render(fileLabel(r.Base, f.Before, f.Name), fileLabel(r.Target, f.After, f.Name), f.Hunks,
			redline.Options{Width: t.width, SideBySide: opts.SideBySide, Styles: t.st.redline})
		for _, row := range rows {
			t.line(0, row)
		}
	}
	return bw.Flush()
}

// revisionLabel names a revision with its status, as the header shows it.
func revisionLabel(ref spec.RevisionRef, rev *spec.Revision) string {
	return termtext.Line(fmt.Sprintf("%s (%s)", ref, rev.Status))
}

// fileLabel names a file of a revision as the redline shows it:
// gbz177-2026/schema.cue, or /dev/null where the revision lacks it.
func fileLabel(ref spec.RevisionRef, f *spec.File, name string) string {
	if f == nil {
		return "/dev/null"
	}
	return ref.String() + "/" + name
}

// orNone is s, or "(none)" when it is empty.
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// summaryRows are the lines of the summary: a name and what changed.
func summaryRows(r *Diff) [][2]string {
	c := r.Changes
	var crit []string
	for _, k := range spec.ChangeKinds {
		if n := c.Count(k); n > 0 {
			crit = append(crit, fmt.Sprintf("%d %s", n, k))
		}
	}
	rows := [][2]string{{"criteria", joinOrNone(crit, "no change")}}
	var levels []string
	for _, k := range []spec.ChangeKind{spec.Added, spec.Removed, spec.Changed} {
		n := 0
		for _, l := range c.Levels {
			if l.Kind == k {
				n++
			}
		}
		switch {
		case n == 0:
		case k == spec.Changed:
			levels = append(levels, counted(n, "level status changed", "level statuses changed"))
		default:
			levels = append(levels, counted(n, "level "+string(k), "levels "+string(k)))
		}
	}
	if n := len(c.Categories); n > 0 {
		levels = append(levels, counted(n, "category changed", "categories changed"))
	}
	rows = append(rows, [2]string{"levels", joinOrNone(levels, "no change")})
	var vocab []string
	for _, k := range spec.ChangeKinds {
		n := 0
		for _, m := range c.Measurements {
			if m.Kind == k {
				n++
			}
		}
		if n > 0 {
			vocab = append(vocab, fmt.Sprintf("%d %s", n, k))
		}
	}
	switch n := len(c.Measurements); {
	case len(vocab) == 1:
		vocab[0] = fmt.Sprintf("%s %s", counted(n, "measurement", "measurements"), c.Measurements[0].Kind)
	case len(vocab) > 1:
		vocab = []string{counted(n, "measurement", "measurements") + ": " + strings.Join(vocab, ", ")}
	}
	rows = append(rows, [2]string{"vocabulary", joinOrNone(vocab, "no change")})
	moved, up := r.Impact.MovedCount()
	dev := fmt.Sprintf("%d of %s moved", moved, counted(r.Impact.Devices, "device", "devices"))
	if moved > 0 {
		dev += fmt.Sprintf(" (%d up, %d down)", up, moved-up)
	}
	if n := r.Impact.ChangedCount(); n > 0 {
		dev += fmt.Sprintf("; %s %s with changed verdicts", counted(n, "device", "devices"), Plural(n, "kept its level", "kept their level"))
	}
	if n := onlyOneSide(r.Impact); n > 0 {
		dev += fmt.Sprintf("; %s valid under one revision only", counted(n, "record", "records"))
	}
	rows = append(rows, [2]string{"devices", dev})
	del, ins := 0, 0
	for _, f := range r.Files {
		d, i := redline.Stat(f.Hunks)
		del += d
		ins += i
	}
	text := "the same"
	if len(r.Files) > 0 {
		text = fmt.Sprintf("%s, %s added, %d removed", counted(len(r.Files), "file changed", "files changed"), counted(ins, "line", "lines"), del)
	}
	rows = append(rows, [2]string{"text", text})
	return rows
}

// joinOrNone joins parts with commas, or is none when there are none.
func joinOrNone(parts []string, none string) string {
	if len(parts) == 0 {
		return none
	}
	return strings.Join(parts, ", ")
}

// onlyOneSide counts the records that only one revision could grade.
func onlyOneSide(im *evaluator.Impact) int {
	n := 0
	for _, ci := range im.Categories {
		n += len(ci.OnlyBase) + len(ci.OnlyTarget)
	}
	return n
}

// kindWidth is the width of the column of change kinds.
const kindWidth = 10

// writeCriterionChangesText writes the criterion changes by category, each
// with its kind and what changed.
func writeCriterionChangesText(t *textWriter, r *Diff) {
	t.heading("Criterion changes")
	if len(r.Changes.Criteria) == 0 {
		t.line(2, "none")
		return
	}
	category := ""
	for _, ch := range r.Changes.Criteria {
		if ch.Category != category {
			category = ch.Category
			t.line(2, t.st.sub.Render(termtext.Line(category)))
		}
		kind := t.st.kinds[ch.Kind].Render(fmt.Sprintf("%-*s", kindWidth, ch.Kind))
		t.row(4, kindWidth+1, kind+" "+termtext.Line(ch.ID)+"  "+termtext.Line(ch.Level))
		body := 4 + kindWidth + 1
		switch ch.Kind {
		case spec.Added:
			t.row(body, 2, termtext.Line(ch.After.Title))
		case spec.Removed:
			t.row(body, 2, termtext.Line(ch.Before.Title))
		}
		if ch.BeforeText != ch.AfterText || ch.Kind == spec.Added || ch.Kind == spec.Removed {
			for _, l := range cueLines(ch.BeforeText) {
				t.row(body, 2, t.st.before.Render("- "+l))
			}
			for _, l := range cueLines(ch.AfterText) {
				t.row(body, 2, t.st.after.Render("+ "+l))
			}
		}
		for _, a := range ch.Attributes {
			name := termtext.Line(a.Name)
			t.row(body, len(name)+2, name+": "+termtext.Line(orNone(a.Before)))
			t.row(body+len(name), 2, "→ "+termtext.Line(orNone(a.After)))
		}
	}
}

// cueLines splits CUE text into lines, with tabs as 4 spaces, each made
// safe to show (termtext.Line).
func cueLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.Split(strings.ReplaceAll(s, "\t", "    "), "\n")
	for i, l := range lines {
		lines[i] = termtext.Line(l)
	}
	return lines
}

// cueText is CUE text as cueLines makes it, joined again.
func cueText(s string) string { return strings.Join(cueLines(s), "\n") }

// writeStructureText writes the changes of level statuses, categories and
// the measurement vocabulary.
func writeStructureText(t *textWriter, r *Diff) {
	c := r.Changes
	if len(c.Levels) > 0 || len(c.Categories) > 0 {
		t.heading("Levels and categories")
		for _, cc := range c.Categories {
			kind := t.st.kinds[cc.Kind].Render(fmt.Sprintf("%-*s", kindWidth, cc.Kind))
			t.row(2, kindWidth+1, kind+" "+termtext.Line(cc.Category))
			for _, a := range cc.Attributes {
				t.row(2+kindWidth+1, 2, termtext.Line(a.Name+": "+orNone(a.Before)+" → "+orNone(a.After)))
			}
		}
		for _, l := range c.Levels {
			t.row(2, 4, LevelChangeText(l))
		}
	}
	if len(c.Measurements) > 0 {
		t.heading("Measurement vocabulary")
		for _, m := range c.Measurements {
			kind := t.st.kinds[m.Kind].Render(fmt.Sprintf("%-*s", kindWidth, m.Kind))
			name := termtext.Line(m.Name)
			if m.Kind == spec.Added || m.Kind == spec.Removed {
				t.row(2, kindWidth+3, kind+" "+name+"  "+cueText(m.AfterText+m.BeforeText))
				continue
			}
			t.row(2, kindWidth+1, kind+" "+name)
			body := 2 + kindWidth + 1
			if m.Kind != spec.Edited {
				t.row(body, 2, t.st.before.Render("- "+cueText(m.BeforeText)))
			}
			if m.AfterText != "" {
				t.row(body, 2, t.st.after.Render("+ "+cueText(m.AfterText)))
			}
		}
	}
}

// writeImpactText writes the impact on the corpus, category by category.
func writeImpactText(t *textWriter, r *Diff) {
	im := r.Impact
	t.heading(fmt.Sprintf("Impact on %s (%s)", counted(im.Devices, "device", "devices"), termtext.Line(r.Corpus)))
	for _, ci := range im.Categories {
		head := fmt.Sprintf("%s: %s, %d moved", termtext.Line(ci.Category), counted(ci.Devices, "device", "devices"), len(ci.Moved))
		if n := len(ci.Changed); n > 0 {
			head += fmt.Sprintf(", %d %s with changed verdicts", n, Plural(n, "kept its level", "kept their level"))
		}
		t.blank()
		t.row(2, 4, t.st.sub.Render(head))
		if ci.Devices > 0 {
			// With no device graded under both, there is nothing to count.
			for _, row := range matrixRows(ci) {
				t.line(4, row)
			}
		}
		if len(ci.Moved) > 0 {
			t.line(4, "moved")
			idw := 0
			for _, m := range ci.Moved {
				idw = max(idw, min(ansi.StringWidth(termtext.Line(m.ID)), t.width/2))
			}
			for _, m := range ci.Moved {
				because := strings.Join(m.Because, ", ")
				if because == "" {
					because = "(level status or determination)"
				}
				t.row(6, idw+10, termtext.Line(fmt.Sprintf("%s  %s → %s  %s", pad(termtext.Line(m.ID), idw), m.From, m.To, because)))
			}
		}
		var passes []evaluator.CriterionPasses
		for _, p := range ci.Criteria {
			if p.Moved() {
				passes = append(passes, p)
			}
		}
		if len(passes) > 0 && ci.Devices > 0 {
			t.line(4, "pass counts that changed")
			idw := 0
			for _, p := range passes {
				idw = max(idw, ansi.StringWidth(termtext.Line(p.ID)))
			}
			for _, p := range passes {
				t.line(6, fmt.Sprintf("%s  %3s → %s", pad(termtext.Line(p.ID), idw), PassCount(p.Before), PassCount(p.After)))
			}
		}
		if len(ci.Changed) > 0 {
			t.line(4, "verdicts changed, level kept")
			idw := 0
			for _, c := range ci.Changed {
				idw = max(idw, min(ansi.StringWidth(termtext.Line(c.ID)), t.width/2))
			}
			for _, c := range ci.Changed {
				t.row(6, idw+6, termtext.Line(fmt.Sprintf("%s  %s  %s", pad(termtext.Line(c.ID), idw), c.Level, strings.Join(c.Criteria, ", "))))
			}
		}
		if len(ci.OnlyBase) > 0 {
			t.row(4, 2, termtext.Line(fmt.Sprintf("invalid under %s only: %s", r.Target, strings.Join(ci.OnlyBase, ", "))))
		}
		if len(ci.OnlyTarget) > 0 {
			t.row(4, 2, termtext.Line(fmt.Sprintf("invalid under %s only: %s", r.Base, strings.Join(ci.OnlyTarget, ", "))))
		}
	}
}

// pad pads s with spaces to w cells.
func pad(s string, w int) string {
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}

// PassCount shows a pass count of evaluator.CriterionPasses, or "–" for a
// criterion the revision lacks (-1).
func PassCount(n int) string {
	if n < 0 {
		return "–"
	}
	return fmt.Sprint(n)
}

// LevelChangeText describes a change of a level in a line, safe to show
// (termtext.Line): "drone L4: reserved → draft", or "robot L5: added
// (draft)".
func LevelChangeText(l spec.LevelChange) string {
	switch l.Kind {
	case spec.Added:
		return termtext.Line(fmt.Sprintf("%s %s: added (%s)", l.Category, l.Level, orNone(l.After)))
	case spec.Removed:
		return termtext.Line(fmt.Sprintf("%s %s: removed (was %s)", l.Category, l.Level, orNone(l.Before)))
	}
	return termtext.Line(fmt.Sprintf("%s %s: %s → %s", l.Category, l.Level, orNone(l.Before), orNone(l.After)))
}

// matrixRows lays out a category's level-migration matrix: base levels down,
// target levels across, "." for none.
func matrixRows(ci *evaluator.CategoryImpact) []string {
	head := "from\\to"
	for _, l := range ci.Levels {
		head += fmt.Sprintf("%4s", l)
	}
	rows := []string{head}
	for i, from := range ci.Levels {
		row := fmt.Sprintf("%-7s", from)
		for j := range ci.Levels {
			cell := "."
			if n := ci.Matrix[i][j]; n > 0 {
				cell = fmt.Sprint(n)
			}
			row += fmt.Sprintf("%4s", cell)
		}
		rows = append(rows, row)
	}
	return rows
}
