package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/spec/redline"
)

// dialog is a question over the screen that takes every key until it is
// answered: a save that would overwrite another program's change, an edit
// to recover, unsaved edits at quit, the name of a new draft.
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
	case key.Matches(msg, k.Cancel):
		m.dlg = nil
		return nil
	case key.Matches(msg, k.ScrollUp):
		d.sc.by(-10, len(d.body), m.dialogBodyHeight())
		return nil
	case key.Matches(msg, k.ScrollDown):
		d.sc.by(10, len(d.body), m.dialogBodyHeight())
		return nil
	case key.Matches(msg, k.Submit) && d.input != nil:
		return d.submit(m, strings.TrimSpace(d.input.Value()))
	case key.Matches(msg, k.Submit) && len(d.choices) == 0:
		m.dlg = nil
		return nil
	case d.input != nil:
		var cmd tea.Cmd
		*d.input, cmd = d.input.Update(msg)
		d.err = ""
		return cmd
	}
	return nil
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

// renderDialog draws the dialog in the middle of the body.
func (m *App) renderDialog(body rect) string {
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
			lines = append(lines, m.st.statusErr.Render(d.err))
		}
	}
	var opts []string
	opt := func(b key.Binding) {
		opts = append(opts, m.st.bold.Render(b.Help().Key)+" "+b.Help().Desc)
	}
	for _, c := range d.choices {
		opt(c.b)
	}
	if d.input != nil {
		opt(m.keys.Submit)
	}
	opt(m.keys.Cancel)
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
	b := box(d.title, lines, w, h, true, m.st)
	return lipgloss.Place(body.w, body.h, lipgloss.Center, lipgloss.Center, b)
}

// newInput returns a text input for a dialog, holding a value.
func newInput(prompt, value string, width int) *textinput.Model {
	in := textinput.New()
	in.Prompt = prompt
	in.SetValue(value)
	in.SetWidth(max(width, 10))
	in.Focus()
	return &in
}
