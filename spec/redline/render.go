package redline

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/ladderworks/ladder/spec/termtext"
	"github.com/rivo/uniseg"
)

// Styles are the looks of a rendered diff. The zero value draws plain text.
type Styles struct {
	File, Hunk, LineNumber lipgloss.Style
	Context                lipgloss.Style
	Delete, Insert         lipgloss.Style
	// DeleteWord and InsertWord draw the changed words of a line.
	DeleteWord, InsertWord lipgloss.Style
	// Marks, when set, also marks changed words in the text itself, as
	// [-old-] and {+new+}: the only way to see them without color.
	Marks bool
}

// PlainStyles draws without color and marks changed words in the text.
func PlainStyles() Styles {
	return Styles{Marks: true}
}

// ColorStyles draws with the 16 ANSI colors, which every color terminal
// has and themes adapt to light and dark backgrounds.
func ColorStyles() Styles {
	red, green := lipgloss.Red, lipgloss.Green
	return Styles{
		File:       lipgloss.NewStyle().Bold(true),
		Hunk:       lipgloss.NewStyle().Foreground(lipgloss.Cyan),
		LineNumber: lipgloss.NewStyle().Faint(true),
		Delete:     lipgloss.NewStyle().Foreground(red),
		Insert:     lipgloss.NewStyle().Foreground(green),
		DeleteWord: lipgloss.NewStyle().Foreground(red).Reverse(true),
		InsertWord: lipgloss.NewStyle().Foreground(green).Reverse(true),
	}
}

// Options say how to lay out a diff.
type Options struct {
	// Width is the number of terminal cells a row may take; from 20 to
	// 1000 (a width outside is taken as the nearest).
	Width int
	// SideBySide puts the old text on the left and the new on the right.
	SideBySide bool
	// TabWidth is the number of cells a tab stop spans; 4 when 0.
	TabWidth int
	Styles   Styles
}

// minWidth is the narrowest layout Render draws; narrower widths get it.
// maxWidth is the widest; wider widths get it.
const (
	minWidth = 20
	maxWidth = 1000
)

// Render lays out the hunks of one file as rows of at most opt.Width cells:
// a header naming both sides, then each hunk. Long lines wrap onto more
// rows; nothing is cut. Side by side falls back to unified where the width
// leaves less than 10 cells a side.
func Render(oldName, newName string, hunks []Hunk, opt Options) []string {
	opt.Width = min(max(opt.Width, minWidth), maxWidth)
	if opt.TabWidth <= 0 {
		opt.TabWidth = 4
	}
	st := opt.Styles
	var rows []string
	header := oldName
	if oldName != newName {
		header = oldName + " → " + newName
	}
	for _, r := range wrapCells(toCells(header, nil, Equal, opt), opt.Width) {
		rows = append(rows, st.File.Render(r.plain()))
	}
	numWidth := 3
	for _, h := range hunks {
		numWidth = max(numWidth, len(fmt.Sprint(h.OldStart+h.OldLines)), len(fmt.Sprint(h.NewStart+h.NewLines)))
	}
	// Side by side needs room for two columns of text; below that, the
	// hunks are shown unified.
	side := opt.SideBySide && sideColumn(numWidth, opt.Width) >= minColumn
	for _, h := range hunks {
		rows = append(rows, st.Hunk.Render(h.Header()))
		if side {
			rows = append(rows, sideBySide(h, numWidth, opt)...)
		} else {
			rows = append(rows, unified(h, opt)...)
		}
	}
	return rows
}

// unified lays out a hunk as a unified diff: an op column, then the text.
func unified(h Hunk, opt Options) []string {
	var rows []string
	for _, l := range h.Lines {
		for _, r := range wrapCells(toCells(l.Text, l.Words, l.Op, opt), opt.Width-1) {
			rows = append(rows, opStyle(l.Op, opt.Styles).Render(string(l.Op))+r.render(l.Op, opt.Styles))
		}
	}
	return rows
}

// sideBySide lays out a hunk in two columns, pairing each deleted line of a
// changed block with the inserted line at the same place in it.
func sideBySide(h Hunk, numWidth int, opt Options) []string {
	st := opt.Styles
	col := sideColumn(numWidth, opt.Width)
	half := func(l *Line, n int) [][]string {
		if l == nil {
			return [][]string{{strings.Repeat(" ", numWidth+3+col)}}
		}
		var out [][]string
		for i, r := range wrapCells(toCells(l.Text, l.Words, l.Op, opt), col) {
			num := strings.Repeat(" ", numWidth)
			if i == 0 {
				num = fmt.Sprintf("%*d", numWidth, n)
			}
			out = append(out, []string{st.LineNumber.Render(num) + " " + opStyle(l.Op, st).Render(string(l.Op)) + " " + r.render(l.Op, st) + strings.Repeat(" ", col-r.width)})
		}
		return out
	}
	var rows []string
	emit := func(left, right *Line) {
		var a, b [][]string
		if left != nil {
			a = half(left, left.Old)
		} else {
			a = half(nil, 0)
		}
		if right != nil {
			b = half(right, right.New)
		} else {
			b = half(nil, 0)
		}
		for i := range max(len(a), len(b)) {
			l, r := blankHalf(numWidth, col), blankHalf(numWidth, col)
			if i < len(a) {
				l = a[i][0]
			}
			if i < len(b) {
				r = b[i][0]
			}
			rows = append(rows, strings.TrimRight(l+" │ "+r, " "))
		}
	}
	ls := h.Lines
	for i := 0; i < len(ls); {
		if ls[i].Op == Equal {
			l := ls[i]
			left, right := l, l
			left.Op, right.Op = Equal, Equal
			emit(&left, &right)
			i++
			continue
		}
		var dels, ins []*Line
		for ; i < len(ls) && ls[i].Op == Delete; i++ {
			dels = append(dels, &ls[i])
		}
		for ; i < len(ls) && ls[i].Op == Insert; i++ {
			ins = append(ins, &ls[i])
		}
		for k := range max(len(dels), len(ins)) {
			var left, right *Line
			if k < len(dels) {
				left = dels[k]
			}
			if k < len(ins) {
				right = ins[k]
			}
			emit(left, right)
		}
	}
	return rows
}

// minColumn is the narrowest column of text that side by side shows.
const minColumn = 10

// sideColumn is the width of each column of text side by side: a line
// number, an op and a space before each, and " │ " between them.
func sideColumn(numWidth, width int) int {
	return (width - 3 - 2*(numWidth+3)) / 2
}

func blankHalf(numWidth, col int) string {
	return strings.Repeat(" ", numWidth+3+col)
}

func opStyle(op Op, st Styles) lipgloss.Style {
	switch op {
	case Delete:
		return st.Delete
	case Insert:
		return st.Insert
	}
	return st.Context
}

// cell is one grapheme of a rendered line, or a piece of a word mark.
type cell struct {
	text  string
	width int
	kind  cellKind
}

type cellKind uint8

const (
	plainCell cellKind = iota
	changedCell
	markCell
)

// toCells splits a line into cells, expanding tabs, and marks the cells of
// its changed words.
func toCells(text string, spans []Span, op Op, opt Options) []cell {
	var out []cell
	col := 0
	add := func(s string, kind cellKind) {
		g := uniseg.NewGraphemes(s)
		for g.Next() {
			t := g.Str()
			if t == "\t" {
				n := opt.TabWidth - col%opt.TabWidth
				for range n {
					out = append(out, cell{" ", 1, kind})
				}
				col += n
				continue
			}
			w := g.Width()
			if shown := termtext.Line(t); shown != t {
				// What a terminal would obey or not show (a control, a
				// bidirectional override) shows as its stand-in.
				t, w = shown, uniseg.StringWidth(shown)
			}
			out = append(out, cell{t, w, kind})
			col += w
		}
	}
	open, close := "[-", "-]"
	if op == Insert {
		open, close = "{+", "+}"
	}
	pos := 0
	for _, s := range spans {
		add(text[pos:s.Start], plainCell)
		if opt.Styles.Marks {
			add(open, markCell)
		}
		add(text[s.Start:s.End], changedCell)
		if opt.Styles.Marks {
			add(close, markCell)
		}
		pos = s.End
	}
	add(text[pos:], plainCell)
	return out
}

// row is the cells of one rendered row and their width.
type row struct {
	cells []cell
	width int
}

// wrapCells breaks cells into rows of at most width cells, after the last
// space of a row where there is one in its second half. Rows after the first
// are indented as the line is, up to a third of the width, so that wrapped
// CUE stays in its block.
func wrapCells(cells []cell, width int) []row {
	width = max(width, 2)
	lead := 0
	for lead < len(cells) && cells[lead].text == " " && cells[lead].kind == plainCell {
		lead++
	}
	indent := min(lead, width/3)
	pad := make([]cell, indent)
	for i := range pad {
		pad[i] = cell{" ", 1, plainCell}
	}
	var rows []row
	first := true
	for len(cells) > 0 {
		// The line's own indentation is no place to break it.
		noBreak := 0
		if first {
			noBreak = lead
		} else if indent > 0 {
			cells = append(slices.Clip(pad), cells...)
			noBreak = indent
		}
		w, n := 0, 0
		for n < len(cells) && w+cells[n].width <= width {
			w += cells[n].width
			n++
		}
		if n == 0 {
			n, w = 1, cells[0].width // a cell wider than the row
		}
		if n < len(cells) {
			for k := n; k > max(n/2, noBreak); k-- {
				if cells[k-1].text == " " {
					n = k
					break
				}
			}
			w = 0
			for _, c := range cells[:n] {
				w += c.width
			}
		}
		rows = append(rows, row{cells[:n], w})
		cells = cells[n:]
		first = false
	}
	if len(rows) == 0 {
		rows = append(rows, row{})
	}
	return rows
}

func (r row) plain() string {
	var b strings.Builder
	for _, c := range r.cells {
		b.WriteString(c.text)
	}
	return b.String()
}

// render draws a row, styling runs of cells of a kind together.
func (r row) render(op Op, st Styles) string {
	var b strings.Builder
	for i := 0; i < len(r.cells); {
		k := r.cells[i].kind
		j := i
		var s strings.Builder
		for ; j < len(r.cells) && r.cells[j].kind == k; j++ {
			s.WriteString(r.cells[j].text)
		}
		style := opStyle(op, st)
		if k == changedCell {
			switch op {
			case Delete:
				style = st.DeleteWord
			case Insert:
				style = st.InsertWord
			}
		}
		b.WriteString(style.Render(s.String()))
		i = j
	}
	return b.String()
}
