package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/spec/redline"
	"github.com/ladderworks/ladder/spec/termtext"
)

// dialog is a question over the screen that takes every key until it is
// answered: a save that would overwrite another program's change, an edit
// to recover, unsaved edits at quit, the name of a new draft. Its title,
// err and the items picked are made safe to show as they are drawn; its
// body, which may hold a styled diff, is made so where it is written.
type dialog struct {
	title string
	// body is shown above the choices; it scrolls when it is long, such as
	// a diff.
	body []string
	sc   scroll
	// choices are the answers, by binding; Cancel cancels unless a choice
	// takes its key.
	choices []choice
	// input, when set, asks for a line of text; Submit submits it to
	// submit.
	input  *textinput.Model
	submit func(m *App, text string) tea.Cmd
	// err is shown under the input when its last value was refused.
	err string
	// pick, when set, lists what the input's words find, of which enter
	// takes the selected one (picked; ↑ and ↓ move).
	pick   func(text string) []pickItem
	picked []pickItem
	sel    int
	// then, when set, goes on once the dialog is dismissed without a
	// choice (cancelled, or closed with Submit when it has no choices).
	then func(m *App) tea.Cmd
}

// pickItem is one thing a picking dialog offers: a label, what else is
// known of it, and what taking it does.
type pickItem struct {
	label, detail string
	do            func(m *App) tea.Cmd
}

// maxPicked is the most items a picking dialog lists.
const maxPicked = 200

// matchWords reports whether every word matches the text, ignoring case.
func matchWords(text string, words []string) bool {
	text = strings.ToLower(text)
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// refilter lists what the dialog's input finds now.
func (d *dialog) refilter() {
	if d.pick == nil {
		return
	}
	d.picked = d.pick(d.input.Value())
	if len(d.picked) > maxPicked {
		d.picked = d.picked[:maxPicked]
	}
	d.sel = min(d.sel, max(len(d.picked)-1, 0))
}

// choice is one answer of a dialog: the binding that gives it, whose help
// the dialog shows, and what it does.
type choice struct {
	b  key.Binding
	do func(m *App) tea.Cmd
}

// dialogKey answers the dialog on screen: a choice's binding, or the keys
// of every dialog (cancel, scroll, submit); the input takes any other key.
func (m *App) dialogKey(msg tea.KeyPressMsg) tea.Cmd {
	d, k := m.dlg, &m.keys
	for _, c := range d.choices {
		if key.Matches(msg, c.b) {
			m.dlg = nil
			return c.do(m)
		}
	}
	switch {
	case key.Matches(msg, k.EditQuit):
		// ctrl+c quits from any dialog, as the footer says, asking first
		// only where there are unsaved edits.
		m.dlg = nil
		return m.quit()
	case key.Matches(msg, k.Cancel):
		m.dlg = nil
		return d.dismissed(m)
	case key.Matches(msg, k.ScrollUp):
		d.sc.by(-10, len(d.body), m.dialogBodyHeight())
		return nil
	case key.Matches(msg, k.ScrollDown):
		d.sc.by(10, len(d.body), m.dialogBodyHeight())
		return nil
	case d.pick != nil && key.Matches(msg, k.PickUp):
		d.sel = max(d.sel-1, 0)
		return nil
	case d.pick != nil && key.Matches(msg, k.PickDown):
		d.sel = min(d.sel+1, max(len(d.picked)-1, 0))
		return nil
	case d.pick != nil && key.Matches(msg, k.Submit):
		if len(d.picked) == 0 {
			d.err = "nothing matches"
			return nil
		}
		m.dlg = nil
		return d.picked[d.sel].do(m)
	case key.Matches(msg, k.Submit) && d.input != nil:
		return d.submit(m, strings.TrimSpace(d.input.Value()))
	case key.Matches(msg, k.Submit) && len(d.choices) == 0:
		m.dlg = nil
		return d.dismissed(m)
	case d.input != nil:
		var cmd tea.Cmd
		*d.input, cmd = d.input.Update(msg)
		d.err = ""
		d.sel = 0
		d.refilter()
		return cmd
	}
	return nil
}

// dismissed goes on after the dialog is dismissed without a choice.
func (d *dialog) dismissed(m *App) tea.Cmd {
	if d.then == nil {
		return nil
	}
	return d.then(m)
}

// dialogBodyHeight is how many rows of its body a dialog shows.
func (m *App) dialogBodyHeight() int {
	return max(m.height-headerHeight-statusHeight-8, 3)
}

// dialogWidth is the width of a dialog on a body w cells wide, its frame
// included.
func dialogWidth(w int) int {
	return min(max(w-4, 20), 110)
}

// dialogDiff lays out, for a dialog's body, the diff from one text to
// another.
func (m *App) dialogDiff(oldName, newName, old, new string) []string {
	return redline.Render(oldName, newName, redline.Diff(old, new, redline.Context),
		redline.Options{Width: dialogWidth(m.width) - 2, Styles: m.st.redline})
}

// renderDialog draws the dialog in the middle of the body, over what is
// under it (the view, dimmed).
func (m *App) renderDialog(body rect, under string) string {
	d := m.dlg
	w := dialogWidth(body.w)
	var lines []string
	for _, l := range d.sc.visible(d.body, m.dialogBodyHeight()) {
		lines = append(lines, wrapText(l, w-2)...)
	}
	if len(d.body) > len(lines) {
		up, down := m.keys.ScrollUp.Help(), m.keys.ScrollDown.Help()
		lines = append(lines, m.st.dim.Render(up.Key+" "+up.Desc+"  ·  "+down.Key+" "+down.Desc))
	}
	if d.input != nil {
		lines = append(lines, "", d.input.View())
		if d.err != "" {
			lines = append(lines, m.st.statusErr.Render(termtext.Line(d.err)))
		}
	}
	if d.pick != nil {
		lines = append(lines, m.pickLines(d, w-2)...)
	}
	var opts []string
	opt := func(b key.Binding) {
		opts = append(opts, m.st.bold.Render(b.Help().Key)+" "+b.Help().Desc)
	}
	for _, c := range d.choices {
		opt(c.b)
	}
	if d.pick != nil {
		opt(m.keys.PickUp)
		opt(m.keys.PickDown)
	}
	if d.input != nil {
		opt(m.keys.Submit)
	}
	opt(m.keys.Cancel)
	opt(m.keys.EditQuit)
	// The answers flow onto as many rows as they need, each whole.
	const sep = "  ·  "
	row := ""
	lines = append(lines, "")
	for _, o := range opts {
		switch {
		case row == "":
			row = o
		case ansi.StringWidth(row+sep+o) <= w-2:
			row += sep + o
		default:
			lines = append(lines, row)
			row = o
		}
	}
	lines = append(lines, row)
	h := min(len(lines)+2, body.h)
	b := box(termtext.Line(d.title), lines, w, h, true, m.st)
	return overlay(under, b, (body.w-w)/2, (body.h-h)/2, m.st.dim)
}

// overlay draws fg over bg at column x, row y, in display cells; what
// shows of bg around it is drawn in the style given, plain.
func overlay(bg, fg string, x, y int, dim lipgloss.Style) string {
	rows := strings.Split(bg, "\n")
	top := strings.Split(fg, "\n")
	for i, r := range rows {
		plain := ansi.Strip(r)
		w := width(plain)
		j := i - y
		if j < 0 || j >= len(top) {
			rows[i] = dim.Render(plain)
			continue
		}
		fw := width(top[j])
		left := ansi.Cut(plain, 0, x)
		left += strings.Repeat(" ", max(x-width(left), 0))
		right := ansi.Cut(plain, x+fw, w)
		// A wide character cut at either edge leaves a cell: fit fills it.
		rows[i] = fit(dim.Render(left)+top[j]+dim.Render(right), w)
	}
	return strings.Join(rows, "\n")
}

// pickLines lists a picking dialog's items in w cells, the selected one
// marked, as many as the screen leaves room for around it.
func (m *App) pickLines(d *dialog, w int) []string {
	if len(d.picked) == 0 {
		return []string{m.st.dim.Render("nothing matches")}
	}
	h := max(m.dialogBodyHeight()-len(d.body), 3)
	top := list{sel: d.sel}.window(len(d.picked), h)
	labelW := 0
	for _, it := range d.picked[top:min(top+h, len(d.picked))] {
		labelW = max(labelW, width(termtext.Line(it.label)))
	}
	labelW = min(labelW, max(w/2, 12))
	var out []string
	for i := top; i < min(top+h, len(d.picked)); i++ {
		it := d.picked[i]
		label, detail := termtext.Line(it.label), termtext.Line(it.detail)
		row := " " + fit(label, labelW) + "  " + m.st.dim.Render(detail)
		if i == d.sel {
			row = m.st.selected.Render(fit("▸"+fit(label, labelW)+"  "+detail, w))
		}
		out = append(out, truncate(row, w))
	}
	if n := len(d.picked); n > h {
		out = append(out, m.st.dim.Render(fmt.Sprintf("%d of %d shown: type more to narrow", h, n)))
	}
	return out
}

// newInput returns a text input for a dialog, holding a value.
func newInput(prompt, value string, width int) *textinput.Model {
	in := textinput.New()
	in.SetStyles(inputStyles(true))
	in.Prompt = prompt
	in.SetValue(value)
	in.SetWidth(max(width, 10))
	in.Focus()
	return &in
}
