package tui

import "charm.land/bubbles/v2/key"

// keyMap is every key binding of the workbench, declared once: dispatch and
// help both read it.
type keyMap struct {
	// Views.
	Next, Prev key.Binding
	// Views holds the key of each view, by viewID.
	Views [numViews]key.Binding
	// Moving.
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Left, Right                             key.Binding
	Open, Back                              key.Binding
	// View-specific.
	Filter, Sort, SideBySide, NextHunk, PrevHunk key.Binding
	Base, Working                                key.Binding
	// Drafting.
	Save, External, Fork, Rename, Delete key.Binding
	// In the editor, which takes every other key as text.
	EditBack, Undo, Redo, EditExternal, Unlock, EditHelpKey, EditQuit key.Binding
	// Global.
	Help, Quit key.Binding
}

func defaultKeyMap() keyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return keyMap{
		Next: b([]string{"tab"}, "tab", "next view"),
		Prev: b([]string{"shift+tab"}, "shift+tab", "previous view"),
		Views: [numViews]key.Binding{
			specView:   b([]string{"1"}, "1", "spec"),
			impactView: b([]string{"2"}, "2", "impact"),
			diffView:   b([]string{"3"}, "3", "diff"),
			corpusView: b([]string{"4"}, "4", "corpus"),
			deviceView: b([]string{"5"}, "5", "device"),
			editView:   b([]string{"6"}, "6", "edit"),
		},

		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+d"}, "pgdn", "page down"),
		Top:      b([]string{"home", "g"}, "g", "top"),
		Bottom:   b([]string{"end", "G"}, "G", "bottom"),
		Left:     b([]string{"left", "h"}, "←/h", "previous pane"),
		Right:    b([]string{"right", "l"}, "→/l", "next pane"),
		Open:     b([]string{"enter"}, "enter", "open device, edit criterion"),
		Back:     b([]string{"esc"}, "esc", "back"),

		Filter:     b([]string{"/"}, "/", "filter devices"),
		Sort:       b([]string{"s"}, "s", "sort devices"),
		SideBySide: b([]string{"v"}, "v", "unified/side by side"),
		NextHunk:   b([]string{"n"}, "n", "next hunk"),
		PrevHunk:   b([]string{"N"}, "N", "previous hunk"),
		Base:       b([]string{"b"}, "b", "next base revision"),
		Working:    b([]string{"w"}, "w", "next working revision"),

		Save:     b([]string{"ctrl+s"}, "ctrl+s", "save edits"),
		External: b([]string{"e"}, "e", "open in $EDITOR"),
		Fork:     b([]string{"n"}, "n", "fork a draft (Spec)"),
		Rename:   b([]string{"R"}, "R", "rename the draft (Spec)"),
		Delete:   b([]string{"D"}, "D", "delete the draft (Spec)"),

		EditBack:     b([]string{"esc"}, "esc", "leave the editor"),
		Undo:         b([]string{"ctrl+z"}, "ctrl+z", "undo"),
		Redo:         b([]string{"ctrl+y"}, "ctrl+y", "redo"),
		EditExternal: b([]string{"ctrl+e"}, "ctrl+e", "$EDITOR"),
		Unlock:       b([]string{"ctrl+u"}, "ctrl+u", "unlock published"),
		EditHelpKey:  b([]string{"f1"}, "f1", "help"),
		EditQuit:     b([]string{"ctrl+c"}, "ctrl+c", "quit"),

		Help: b([]string{"?"}, "?", "help"),
		Quit: b([]string{"q", "ctrl+c"}, "q", "quit"),
	}
}

// ShortHelp is the line of help at the bottom of the screen.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Next, k.Up, k.Down, k.Left, k.Right, k.Open, k.Help, k.Quit}
}

// EditHelp is the line of help under the editor.
func (k keyMap) EditHelp() []key.Binding {
	return []key.Binding{k.EditBack, k.Save, k.Undo, k.Redo, k.EditExternal, k.Unlock, k.EditHelpKey, k.EditQuit}
}

// FullHelp is the help that ? shows, by column.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		append(k.Views[:], k.Next, k.Prev),
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Left, k.Right},
		{k.Open, k.Back, k.Filter, k.Sort, k.SideBySide, k.NextHunk, k.PrevHunk},
		{k.Save, k.External, k.Fork, k.Rename, k.Delete, k.Base, k.Working},
		{k.EditBack, k.Undo, k.Redo, k.EditExternal, k.Unlock, k.EditHelpKey, k.EditQuit},
		{k.Help, k.Quit},
	}
}
