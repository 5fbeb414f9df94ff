package tui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
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
	// choices are the answers, by key; esc cancels unless a choice takes it.
	choices []choice
	// input, when set, asks for a line of text; enter submits it to submit.
	input  *textinput.Model
	submit func(m *App, text string) tea.Cmd
	// err is shown under the input when its last value was refused.
	err string
}

// choice is one answer of a dialog.
type choice struct {
	key, label string
	do         func(m *App) tea.Cmd
}

// dialogKey answers the dialog on screen.
func (m *App) dialogKey(msg tea.KeyPressMsg) tea.Cmd {
	d := m.dlg
	k := msg.String()
	for _, c := range d.choices {
		if c.key == k {
			m.dlg = nil
			return c.do(m)
		}
	}
	switch k {
	case "esc":
		m.dlg = nil
		return nil
	case "pgup", "ctrl+u":
		d.sc.by(-10, len(d.body), m.dialogBodyHeight())
		return nil
	case "pgdown", "ctrl+d":
		d.sc.by(10, len(d.body), m.dialogBodyHeight())
		return nil
	}
	if d.input != nil {
		if k == "enter" {
			return d.submit(m, strings.TrimSpace(d.input.Value()))
		}
		var cmd tea.Cmd
		*d.input, cmd = d.input.Update(msg)
		d.err = ""
		return cmd
	}
	if len(d.choices) == 0 && k == "enter" {
		m.dlg = nil
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
		lines = append(lines, m.st.dim.Render("pgup/pgdn scroll"))
	}
	if d.input != nil {
		lines = append(lines, "", d.input.View())
		if d.err != "" {
			lines = append(lines, m.st.statusErr.Render(d.err))
		}
	}
	var opts []string
	for _, c := range d.choices {
		opts = append(opts, m.st.bold.Render(c.key)+" "+c.label)
	}
	if d.input != nil {
		opts = append(opts, m.st.bold.Render("enter")+" ok")
	}
	opts = append(opts, m.st.bold.Render("esc")+" cancel")
	lines = append(lines, "", strings.Join(opts, "  ·  "))
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
