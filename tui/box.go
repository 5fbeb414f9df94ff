package tui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/tui/editbuf"
)

// box draws lines in a rounded frame of exactly w × h cells, with a title in
// its top border. Lines are cut or padded to fit; panes that must not lose
// text wrap it before.
func box(title string, lines []string, w, h int, focused bool, st styles) string {
	if w < 2 || h < 2 {
		return blank(w, h)
	}
	border := st.pane.GetBorderTopForeground()
	if focused {
		border = st.accent
	}
	bs := lipgloss.NewStyle().Foreground(border)
	b := lipgloss.RoundedBorder()
	innerW := w - 2
	t := ""
	if title != "" {
		ts := st.dim
		if focused {
			ts = st.title
		}
		t = ts.Render(ansi.Truncate(" "+title+" ", max(innerW-1, 0), "…"))
	}
	var out strings.Builder
	topFill := max(innerW-1-ansi.StringWidth(t), 0)
	if innerW >= 1 {
		out.WriteString(bs.Render(b.TopLeft+b.Top) + t + bs.Render(strings.Repeat(b.Top, topFill)+b.TopRight))
	} else {
		out.WriteString(bs.Render(b.TopLeft + b.TopRight))
	}
	for i := range h - 2 {
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		out.WriteString("\n" + bs.Render(b.Left) + fit(line, innerW) + bs.Render(b.Right))
	}
	out.WriteString("\n" + bs.Render(b.BottomLeft+strings.Repeat(b.Bottom, innerW)+b.BottomRight))
	return out.String()
}

// fit cuts or pads a styled line to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if sw := ansi.StringWidth(s); sw > w {
		s = ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}

// width is the display width of s in cells: an East Asian wide character
// or an emoji counts two, a combining mark none, an escape sequence
// nothing.
func width(s string) int { return ansi.StringWidth(s) }

// truncate cuts s to at most n cells, ending with … where it cuts, and
// never in the middle of a character: a wide character that would straddle
// the edge goes, and the row is one cell shorter.
func truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if width(s) <= n {
		return s
	}
	return ansi.Truncate(s, n, "…")
}

// inputStyles are the styles of the workbench's text inputs on a dark or a
// light background, with a cursor that does not blink: nothing ticks while
// the user thinks.
func inputStyles(isDark bool) textinput.Styles {
	st := textinput.DefaultStyles(isDark)
	st.Cursor.Blink = false
	return st
}

// oneLine turns a paste into one line, for a one-line input (a filter, a
// dialog's answer). It is cleaned as the editor's is (editbuf.Clean): CR,
// CRLF and LF are all line breaks, and no control is left. The line
// breaks at its ends are dropped and each run of them between two lines
// becomes one space; tabs are left to the input, which makes them spaces.
// Other messages pass as they are.
func oneLine(msg tea.Msg) tea.Msg {
	if p, ok := msg.(tea.PasteMsg); ok {
		p.Content = strings.Join(strings.FieldsFunc(editbuf.Clean(p.Content), func(r rune) bool { return r == '\n' }), " ")
		return p
	}
	return msg
}

// blank is w × h spaces.
func blank(w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	row := strings.Repeat(" ", w)
	rows := make([]string, h)
	for i := range rows {
		rows[i] = row
	}
	return strings.Join(rows, "\n")
}

// list is a cursor over rows of which h show at a time.
type list struct {
	sel, top int
}

// move moves the cursor by delta within n rows and scrolls to keep it in
// the h rows shown.
func (l *list) move(delta, n, h int) {
	l.sel = min(max(l.sel+delta, 0), max(n-1, 0))
	l.top = l.window(n, h)
}

// window returns the first row to show so that the cursor shows: the
// current top where it does, else the nearest that does.
func (l list) window(n, h int) int {
	top := l.top
	if h <= 0 {
		return 0
	}
	if l.sel < top {
		top = l.sel
	}
	if l.sel >= top+h {
		top = l.sel - h + 1
	}
	return min(max(top, 0), max(n-h, 0))
}

// visible returns the rows to show of rows, and the index of the selected
// one among them (-1 when it is not).
func (l list) visible(rows []string, h int) ([]string, int) {
	top := l.window(len(rows), h)
	end := min(top+h, len(rows))
	if top > end {
		return nil, -1
	}
	return rows[top:end], l.sel - top
}

// scroll is an offset into lines of which h show at a time.
type scroll struct{ top int }

func (s *scroll) by(delta, n, h int) {
	s.top = min(max(s.top+delta, 0), max(n-h, 0))
}

func (s scroll) visible(lines []string, h int) []string {
	top := min(max(s.top, 0), max(len(lines)-h, 0))
	return lines[top:min(top+h, len(lines))]
}
