package tui

import "charm.land/bubbles/v2/key"

// keyMap is every key binding of the workbench, declared once: dispatch and
// help both read it.
type keyMap struct {
	// Views.
	Next, Prev                         key.Binding
	Spec, Impact, Diff, Corpus, Device key.Binding
	// Moving.
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Left, Right                             key.Binding
	Open, Back                              key.Binding
	// View-specific.
	Filter, Sort, SideBySide, NextHunk, PrevHunk key.Binding
	Base, Working                                key.Binding
	// Global.
	Help, Quit key.Binding
}

func defaultKeyMap() keyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return keyMap{
		Next:   b([]string{"tab"}, "tab", "next view"),
		Prev:   b([]string{"shift+tab"}, "shift+tab", "previous view"),
		Spec:   b([]string{"1"}, "1", "spec"),
		Impact: b([]string{"2"}, "2", "impact"),
		Diff:   b([]string{"3"}, "3", "diff"),
		Corpus: b([]string{"4"}, "4", "corpus"),
		Device: b([]string{"5"}, "5", "device"),

		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+d"}, "pgdn", "page down"),
		Top:      b([]string{"home", "g"}, "g", "top"),
		Bottom:   b([]string{"end", "G"}, "G", "bottom"),
		Left:     b([]string{"left", "h"}, "←/h", "previous pane"),
		Right:    b([]string{"right", "l"}, "→/l", "next pane"),
		Open:     b([]string{"enter"}, "enter", "open device"),
		Back:     b([]string{"esc"}, "esc", "back"),

		Filter:     b([]string{"/"}, "/", "filter devices"),
		Sort:       b([]string{"s"}, "s", "sort devices"),
		SideBySide: b([]string{"v"}, "v", "unified/side by side"),
		NextHunk:   b([]string{"n"}, "n", "next hunk"),
		PrevHunk:   b([]string{"N"}, "N", "previous hunk"),
		Base:       b([]string{"b"}, "b", "next base revision"),
		Working:    b([]string{"w"}, "w", "next working revision"),

		Help: b([]string{"?"}, "?", "help"),
		Quit: b([]string{"q", "ctrl+c"}, "q", "quit"),
	}
}

// ShortHelp is the line of help at the bottom of the screen.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Next, k.Up, k.Down, k.Left, k.Right, k.Open, k.Help, k.Quit}
}

// FullHelp is the help that ? shows, by column.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Spec, k.Impact, k.Diff, k.Corpus, k.Device, k.Next, k.Prev},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Left, k.Right},
		{k.Open, k.Back, k.Filter, k.Sort, k.SideBySide, k.NextHunk, k.PrevHunk},
		{k.Base, k.Working, k.Help, k.Quit},
	}
}
