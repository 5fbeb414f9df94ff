package tui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/spec/termtext"
)

// This file is how the editor draws its text. A character (a grapheme
// cluster) takes the cells the terminal gives it, two for a wide East Asian
// one, but a tab takes tabWidth cells, drawn as spaces, and a character that
// a terminal would not show (a control, a format character, a byte that is
// not UTF-8: what editbuf.Clean drops from typed and pasted text, which a
// file may still hold) takes one, drawn as a visible stand-in, so that no
// control reaches the terminal and the user sees every byte of the file.
// Only the cells shown are drawn: a line of a megabyte costs one walk
// through its bytes up to the columns shown, and the frames of an idle
// editor cost nothing (drawnWindow).

// tabWidth is the number of cells of a tab.
const tabWidth = 4

// standIn returns what the editor draws for the rune r, decoded from size
// bytes, when a terminal would not show it (termtext.StandIn: a picture of
// a C0 control or of DEL, else U+FFFD); or "" when r is shown as it is. A
// tab is drawn as spaces, not by standIn.
func standIn(r rune, size int) string {
	if r == '\t' {
		return ""
	}
	return termtext.StandIn(r, size)
}

// nextCell returns the size in bytes and the width in cells of the
// character at s[i:], which must be within s.
func nextCell(s string, i int) (size, width int) {
	if c := s[i]; c < utf8.RuneSelf && (i+1 == len(s) || s[i+1] < utf8.RuneSelf) {
		if c == '\t' {
			return 1, tabWidth
		}
		return 1, 1 // printable, or a control drawn as its picture
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	switch {
	case r == '\t':
		return 1, tabWidth
	case standIn(r, n) != "":
		return n, 1
	}
	g, w := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
	return len(g), w
}

// displayCol is the display column of a rune column of a line: the cells
// of the characters before it.
func displayCol(line string, col int) int {
	w := 0
	for i := 0; i < len(line) && col > 0; {
		if c := line[i]; c < utf8.RuneSelf && (i+1 == len(line) || line[i+1] < utf8.RuneSelf) {
			// The fast path of nextCell, inlined: a line of a megabyte
			// is measured in a millisecond.
			w++
			if c == '\t' {
				w += tabWidth - 1
			}
			i++
			col--
			continue
		}
		n, cw := nextCell(line, i)
		col -= utf8.RuneCountInString(line[i : i+n])
		i += n
		w += cw
	}
	return w
}

// cellWidth returns the cells that the editor draws s in.
func cellWidth(s string) int {
	w := 0
	for i := 0; i < len(s); {
		n, cw := nextCell(s, i)
		i += n
		w += cw
	}
	return w
}

// drawText returns s, which starts at cell cell of its line, as the editor
// draws it: tabs as spaces, and the characters that a terminal would not
// show as their stand-ins. A character that the edge of cell cutA or of
// cell cutB splits is drawn as spaces, so that a cut there is exact.
func drawText(s string, cell, cutA, cutB int) string {
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); {
		n, w := nextCell(s, i)
		switch {
		case cell < cutA && cell+w > cutA, cell < cutB && cell+w > cutB, s[i] == '\t':
			sb.WriteString(strings.Repeat(" ", w))
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if in := standIn(r, size); in != "" {
				sb.WriteString(in)
			} else {
				sb.WriteString(s[i : i+n])
			}
		}
		cell += w
		i += n
	}
	return sb.String()
}

// lookahead is how many bytes past the last column shown are colored
// with a line cut there, so that what follows can decide the colors of
// what is shown (an identifier followed by ':' is a label).
const lookahead = 64

// drawLine colors the cells [left, left+w) of a line that starts in the
// state st, and returns them as a styled string of at most w cells. Only
// the bytes of the line up to the last cell shown (and lookahead more) are
// looked at.
func drawLine(line string, st lexState, left, w int, styles syntaxStyles) string {
	if w <= 0 {
		return ""
	}
	// from is the first character that ends after cell left, which starts
	// at cell fromCell.
	from, fromCell := 0, 0
	for from < len(line) {
		if c := line[from]; c != '\t' && c < utf8.RuneSelf && fromCell < left && (from+1 == len(line) || line[from+1] < utf8.RuneSelf) {
			from++ // the fast path of nextCell, inlined
			fromCell++
			continue
		}
		n, cw := nextCell(line, from)
		if fromCell+cw > left {
			break
		}
		from += n
		fromCell += cw
	}
	if from == len(line) {
		return ""
	}
	// to is the first character that ends after the last cell shown, plus
	// the lookahead.
	to, toCell := from, fromCell
	for to < len(line) && toCell < left+w {
		n, cw := nextCell(line, to)
		to += n
		toCell += cw
	}
	end := min(to+lookahead, len(line))
	for end < len(line) && !utf8.RuneStart(line[end]) {
		end++
	}
	// The scanner's state at a point at or before from; the cells between
	// it and from are colored, then cut.
	at, start := st.scanTo(line, from)
	startCell := fromCell - cellWidth(line[start:from])
	open := at.opener()
	text := drawText(line[start:end], startCell, left, left+w)
	colored := highlight(open+text, styles)
	skip := strings.Count(open, "\n")
	if skip >= len(colored) {
		return ""
	}
	row := colored[skip]
	cut := ansi.StringWidth(open[strings.LastIndexByte(open, '\n')+1:]) + left - startCell
	return ansi.Cut(row, cut, cut+w)
}

// lexEvery is how many lines apart the editor keeps the scanner's state
// at the start of a line (lexStarts).
const lexEvery = 128

// lexStarts are the scanner's states at the start of every lexEvery-th line
// of a buffer's version, as far down as the editor drew.
type lexStarts struct {
	version int
	states  []lexState
}

// lexAt returns the scanner's state at the start of a line of the buffer.
// It follows the scanner from the nearest line above whose state it
// keeps, and keeps the states it passes. An edit drops the states below
// the first line it changed.
func (f *openFile) lexAt(line int) lexState {
	ls := &f.lex
	if v := f.buf.Version(); ls.version != v || len(ls.states) == 0 {
		// The state at line k*lexEvery depends on the lines above it.
		keep := f.buf.FirstChanged(ls.version)/lexEvery + 1
		if len(ls.states) == 0 {
			keep = 0
		}
		ls.version, ls.states = v, ls.states[:min(keep, len(ls.states))]
		if len(ls.states) == 0 {
			ls.states = append(ls.states, lexState{})
		}
	}
	k := min(line/lexEvery, len(ls.states)-1)
	st := ls.states[k]
	for i := k * lexEvery; i < line; i++ {
		st = st.line(f.buf.Line(i))
		if (i+1)%lexEvery == 0 && (i+1)/lexEvery == len(ls.states) {
			ls.states = append(ls.states, st)
		}
	}
	return st
}

// drawnWindow is the editor's text as last drawn, and what decides it.
type drawnWindow struct {
	version, top, n, left, w int
	lines                    []string
}

// window returns lines [top, top+n) of the buffer, colored and cut to the
// cells [left, left+w). The same window of the same version is drawn
// once: frames drawn while nothing changes cost nothing.
func (f *openFile) window(st syntaxStyles, top, n, left, w int) []string {
	end := min(top+n, f.buf.LineCount())
	if top >= end {
		return nil
	}
	d := f.drawn
	if d != nil && d.version == f.buf.Version() && d.top == top && d.n == n && d.left == left && d.w == w {
		return d.lines
	}
	lines := make([]string, 0, end-top)
	state := f.lexAt(top)
	for i := top; i < end; i++ {
		line := f.buf.Line(i)
		lines = append(lines, drawLine(line, state, left, w, st))
		if i+1 < end {
			state = state.line(line)
		}
	}
	f.drawn = &drawnWindow{version: f.buf.Version(), top: top, n: n, left: left, w: w, lines: lines}
	return lines
}

// cursorCol returns the display column of the cursor, measured once for
// each version and position of the cursor.
func (f *openFile) cursorCol() int {
	c, v := f.buf.Cursor(), f.buf.Version()
	if f.col.version != v || f.col.at != c || !f.col.ok {
		f.col.version, f.col.at, f.col.ok = v, c, true
		f.col.x = displayCol(f.buf.Line(c.Line), c.Col)
	}
	return f.col.x
}
