package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// keyMap is every key binding of the workbench, declared once: dispatch
// matches keys against it (key.Matches, nothing else), and the help (?),
// the line of help under the views and the README's table of keys are made
// from it (keyGroups).
type keyMap struct {
	// Views.
	Next, Prev key.Binding
	// Views holds the key of each view, by viewID.
	Views [numViews]key.Binding
	// Moving in the focused pane, and between panes.
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Left, Right                             key.Binding
	// The views' own keys.
	Open, Back                     key.Binding
	Filter, ClearFilter, Sort      key.Binding
	SideBySide, NextHunk, PrevHunk key.Binding
	// Finding things: the go-to palette, the revisions, copying.
	GoTo, Revisions, Copy key.Binding
	// The Corpus filter, while it is typed.
	FilterKeep, FilterClear key.Binding
	// Drafting.
	Save, External, Fork, Rename, Delete key.Binding
	Base, Working                        key.Binding
	// The editor's commands; it takes every other key as text.
	EditBack, Undo, Redo, EditExternal, Unlock, EditHelpKey, EditQuit key.Binding
	EditCopy                                                          key.Binding
	// The editor's cursor and text.
	CursorUp, CursorDown, CursorLeft, CursorRight key.Binding
	LineStart, LineEnd, TextPageUp, TextPageDown  key.Binding
	FileTop, FileBottom, WordLeft, WordRight      key.Binding
	Newline, InsertTab, Backspace, DeleteChar     key.Binding
	// The answers of the dialogs: a save that would overwrite another
	// program's change, an unsaved edit to recover, a quit with unsaved
	// edits, an edit of a published revision, a draft to delete, a save of
	// a revision that does not compile.
	Overwrite, ReloadTheirs, SaveElsewhere key.Binding
	Recover, DiscardEdit                   key.Binding
	SaveQuit, DiscardQuit                  key.Binding
	UnlockRevision                         key.Binding
	DeleteDraft                            key.Binding
	SaveBroken                             key.Binding
	// The keys of every dialog, and those of a dialog that picks from a
	// list.
	Cancel, ScrollUp, ScrollDown, Submit key.Binding
	PickUp, PickDown                     key.Binding
	// The help, while it is shown: scrolling; any other key closes it.
	HelpUp, HelpDown, HelpPageUp, HelpPageDown key.Binding
	// Global.
	Help, Quit key.Binding
}

// defaultKeyMap returns the workbench's keys. Each binding's help names
// every key it has: what the help shows is what is dispatched.
func defaultKeyMap() keyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return keyMap{
		Next: b([]string{"tab"}, "tab", "next view"),
		Prev: b([]string{"shift+tab"}, "shift+tab", "previous view"),
		Views: [numViews]key.Binding{
			specView:     b([]string{"1"}, "1", "spec"),
			impactView:   b([]string{"2"}, "2", "impact"),
			diffView:     b([]string{"3"}, "3", "diff"),
			corpusView:   b([]string{"4"}, "4", "corpus"),
			deviceView:   b([]string{"5"}, "5", "device"),
			editView:     b([]string{"6"}, "6", "edit"),
			problemsView: b([]string{"7"}, "7", "problems"),
		},

		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup", "ctrl+u"}, "pgup/ctrl+u", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+d"}, "pgdn/ctrl+d", "page down"),
		Top:      b([]string{"home", "g"}, "home/g", "top"),
		Bottom:   b([]string{"end", "G"}, "end/G", "bottom"),
		Left:     b([]string{"left", "h"}, "←/h", "previous pane"),
		Right:    b([]string{"right", "l"}, "→/l", "next pane"),

		Open:        b([]string{"enter"}, "enter", "open device, edit criterion"),
		Back:        b([]string{"esc"}, "esc", "back from the device"),
		Filter:      b([]string{"/"}, "/", "filter criteria (Spec), devices (Corpus)"),
		ClearFilter: b([]string{"esc"}, "esc", "clear the filter (Spec, Corpus)"),
		Sort:        b([]string{"s"}, "s", "sort devices (Corpus)"),
		SideBySide:  b([]string{"v"}, "v", "unified/side by side (Diff)"),
		NextHunk:    b([]string{"n"}, "n", "next hunk (Diff)"),
		PrevHunk:    b([]string{"N"}, "N", "previous hunk (Diff)"),

		FilterKeep:  b([]string{"enter"}, "enter", "keep the filter"),
		FilterClear: b([]string{"esc"}, "esc", "clear the filter"),

		GoTo:      b([]string{":"}, ":", "go to a criterion, device, revision or view"),
		Revisions: b([]string{"r"}, "r", "pick the revisions compared"),
		Copy:      b([]string{"y"}, "y", "copy the selected ID"),

		Save:     b([]string{"ctrl+s"}, "ctrl+s", "save edits"),
		External: b([]string{"e"}, "e", "open in $EDITOR (Spec)"),
		Fork:     b([]string{"f"}, "f", "fork a draft (Spec)"),
		Rename:   b([]string{"R"}, "R", "rename the draft (Spec)"),
		Delete:   b([]string{"D"}, "D", "delete the draft (Spec)"),
		Base:     b([]string{"b"}, "b", "next base revision"),
		Working:  b([]string{"w"}, "w", "next working revision"),

		EditBack:     b([]string{"esc"}, "esc", "leave the editor"),
		Undo:         b([]string{"ctrl+z"}, "ctrl+z", "undo"),
		Redo:         b([]string{"ctrl+y"}, "ctrl+y", "redo"),
		EditExternal: b([]string{"ctrl+e"}, "ctrl+e", "$EDITOR"),
		Unlock:       b([]string{"ctrl+u"}, "ctrl+u", "unlock published"),
		EditHelpKey:  b([]string{"f1"}, "f1", "help"),
		EditQuit:     b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		EditCopy:     b([]string{"alt+c"}, "alt+c", "copy the line"),

		CursorUp:     b([]string{"up"}, "↑", "line up"),
		CursorDown:   b([]string{"down"}, "↓", "line down"),
		CursorLeft:   b([]string{"left"}, "←", "character left"),
		CursorRight:  b([]string{"right"}, "→", "character right"),
		LineStart:    b([]string{"home", "ctrl+a"}, "home/ctrl+a", "line start"),
		LineEnd:      b([]string{"end"}, "end", "line end"),
		TextPageUp:   b([]string{"pgup"}, "pgup", "page up"),
		TextPageDown: b([]string{"pgdown"}, "pgdn", "page down"),
		FileTop:      b([]string{"ctrl+home"}, "ctrl+home", "top of the file"),
		FileBottom:   b([]string{"ctrl+end"}, "ctrl+end", "end of the file"),
		WordLeft:     b([]string{"alt+left", "ctrl+left"}, "alt+←/ctrl+←", "word left"),
		WordRight:    b([]string{"alt+right", "ctrl+right"}, "alt+→/ctrl+→", "word right"),
		Newline:      b([]string{"enter"}, "enter", "new line"),
		InsertTab:    b([]string{"tab"}, "tab", "insert a tab"),
		Backspace:    b([]string{"backspace"}, "backspace", "delete left"),
		DeleteChar:   b([]string{"delete"}, "delete", "delete right"),

		Overwrite:      b([]string{"o"}, "o", "overwrite theirs"),
		ReloadTheirs:   b([]string{"r"}, "r", "reload theirs, dropping your edits"),
		SaveElsewhere:  b([]string{"a"}, "a", "save yours elsewhere…"),
		Recover:        b([]string{"r"}, "r", "recover it"),
		DiscardEdit:    b([]string{"d"}, "d", "discard it"),
		SaveQuit:       b([]string{"s"}, "s", "save and quit"),
		DiscardQuit:    b([]string{"d"}, "d", "discard and quit"),
		UnlockRevision: b([]string{"u"}, "u", "unlock it for this session"),
		DeleteDraft:    b([]string{"y"}, "y", "delete it"),
		SaveBroken:     b([]string{"s"}, "s", "save it anyway"),

		Cancel:     b([]string{"esc"}, "esc", "cancel"),
		ScrollUp:   b([]string{"pgup", "ctrl+u"}, "pgup/ctrl+u", "scroll up"),
		ScrollDown: b([]string{"pgdown", "ctrl+d"}, "pgdn/ctrl+d", "scroll down"),
		Submit:     b([]string{"enter"}, "enter", "ok"),
		PickUp:     b([]string{"up", "ctrl+p"}, "↑/ctrl+p", "previous match"),
		PickDown:   b([]string{"down", "ctrl+n"}, "↓/ctrl+n", "next match"),

		HelpUp:       b([]string{"up", "k"}, "↑/k", "scroll the help up"),
		HelpDown:     b([]string{"down", "j"}, "↓/j", "scroll the help down"),
		HelpPageUp:   b([]string{"pgup", "ctrl+u"}, "pgup/ctrl+u", "a page up"),
		HelpPageDown: b([]string{"pgdown", "ctrl+d", "space"}, "pgdn/ctrl+d/space", "a page down"),

		Help: b([]string{"?"}, "?", "help"),
		Quit: b([]string{"q", "ctrl+c"}, "q/ctrl+c", "quit"),
	}
}

// keyGroup is a titled group of bindings, a column of the help and a part
// of the README's table.
type keyGroup struct {
	title string
	keys  []key.Binding
}

// keyGroups are every binding of the workbench, grouped for the help and
// the README. A binding may be in more than one group (ctrl+s saves in the
// views and in the editor); keys_test.go checks that none is in none.
func (k keyMap) keyGroups() []keyGroup {
	groups := []keyGroup{
		{"Views", append(k.Views[:], k.Next, k.Prev)},
		{"Move", []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Left, k.Right}},
		{"Views' own keys", []key.Binding{k.Open, k.Back, k.Filter, k.ClearFilter, k.Sort, k.SideBySide, k.NextHunk, k.PrevHunk}},
		{"Finding", []key.Binding{k.GoTo, k.Revisions, k.Copy}},
		{"Typing a filter", []key.Binding{k.FilterKeep, k.FilterClear}},
		{"Drafting", []key.Binding{k.Save, k.External, k.Fork, k.Rename, k.Delete, k.Base, k.Working}},
		{"Global", []key.Binding{k.Help, k.Quit}},
		{"In this help (any other key closes it)", k.helpKeys()},
		{"Editor", k.EditHelp()},
		{"Editor: cursor and text", k.editorText()},
	}
	groups = append(groups, k.dialogAnswers()...)
	groups = append(groups, keyGroup{"Every dialog", k.dialogKeys()})
	return append(groups, keyGroup{"Go to (:) and the revisions (r)", []key.Binding{k.PickUp, k.PickDown}})
}

// dialogAnswers are the answers of each dialog that has some, by the
// dialog's title.
func (k keyMap) dialogAnswers() []keyGroup {
	return []keyGroup{
		{"Save: the file changed on disk", []key.Binding{k.Overwrite, k.ReloadTheirs, k.SaveElsewhere}},
		{"Recover an unsaved edit?", []key.Binding{k.Recover, k.DiscardEdit}},
		{"Quit with unsaved edits?", []key.Binding{k.SaveQuit, k.DiscardQuit}},
		{"Edit a published revision?", []key.Binding{k.UnlockRevision}},
		{"Delete the draft?", []key.Binding{k.DeleteDraft}},
		{"Save a revision that does not compile?", []key.Binding{k.SaveBroken}},
	}
}

// helpKeys scroll the help.
func (k keyMap) helpKeys() []key.Binding {
	return []key.Binding{k.HelpUp, k.HelpDown, k.HelpPageUp, k.HelpPageDown}
}

// dialogKeys are the keys of every dialog: cancel, scroll, submit and quit.
func (k keyMap) dialogKeys() []key.Binding {
	return []key.Binding{k.Cancel, k.ScrollUp, k.ScrollDown, k.Submit, k.EditQuit}
}

// keyMode is a set of bindings that are active at the same time, in one
// view or dialog: no two of them may share a key (keys_test.go checks).
type keyMode struct {
	name string
	keys []key.Binding
}

// keyModes are the sets of bindings active at once: each view's own keys
// with the root's, the editor's, the Corpus filter's, the help's, and each
// dialog's answers with the keys of every dialog.
func (k keyMap) keyModes() []keyMode {
	root := append(k.Views[:], k.Next, k.Prev,
		k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Left, k.Right,
		k.Save, k.Base, k.Working, k.Help, k.Quit, k.GoTo, k.Revisions, k.Copy)
	with := func(keys ...key.Binding) []key.Binding {
		return append(keys, root...)
	}
	modes := []keyMode{
		{"Spec", with(k.Open, k.External, k.Fork, k.Rename, k.Delete, k.Filter, k.ClearFilter)},
		{"Impact", with(k.Open)},
		{"Diff", with(k.Open, k.SideBySide, k.NextHunk, k.PrevHunk)},
		{"Corpus", with(k.Filter, k.ClearFilter, k.Sort, k.Open)},
		{"Device", with(k.Back)},
		{"Problems", with(k.Open)},
		{"Edit", append(k.EditHelp(), k.editorText()...)},
		{"Filter", []key.Binding{k.FilterKeep, k.FilterClear}},
		{"Help", append(k.helpKeys(), k.Quit)},
		// A dialog that asks for text has only the keys of every dialog.
		{"Dialog", k.dialogKeys()},
		{"Dialog: a pick", append(k.dialogKeys(), k.PickUp, k.PickDown)},
	}
	for _, d := range k.dialogAnswers() {
		modes = append(modes, keyMode{"Dialog: " + d.title, append(d.keys, k.dialogKeys()...)})
	}
	return modes
}

// editorText are the editor's keys that move the cursor or edit the text.
func (k keyMap) editorText() []key.Binding {
	return []key.Binding{k.CursorUp, k.CursorDown, k.CursorLeft, k.CursorRight,
		k.LineStart, k.LineEnd, k.TextPageUp, k.TextPageDown, k.FileTop, k.FileBottom, k.WordLeft, k.WordRight,
		k.Newline, k.InsertTab, k.Backspace, k.DeleteChar}
}

// keyMap serves the help bubble: the line of help and the full help.
var _ help.KeyMap = keyMap{}

// ShortHelp is the line of help at the bottom of the browsing views; the
// footer ends it with ShortEnd.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Next, k.Up, k.Down, k.Left, k.Right, k.Open, k.GoTo, k.Filter}
}

// ShortEnd are the keys that end the footer of the browsing views, shown
// whatever its width: help and quit.
func (k keyMap) ShortEnd() []key.Binding {
	return []key.Binding{k.Help, k.Quit}
}

// EditHelp is the editor's commands, the keys that are not for the text.
func (k keyMap) EditHelp() []key.Binding {
	return []key.Binding{k.EditBack, k.Save, k.Undo, k.Redo, k.EditCopy, k.EditExternal, k.Unlock, k.EditHelpKey, k.EditQuit}
}

// EditShort is the line of help under the editor, and EditEnd the keys
// that end it whatever its width.
func (k keyMap) EditShort() []key.Binding {
	return []key.Binding{k.EditBack, k.Save, k.Undo, k.Redo, k.EditExternal, k.Unlock}
}

func (k keyMap) EditEnd() []key.Binding {
	return []key.Binding{k.EditHelpKey, k.EditQuit}
}

// FullHelp is every binding, a column a group of keyGroups.
func (k keyMap) FullHelp() [][]key.Binding {
	var out [][]key.Binding
	for _, g := range k.keyGroups() {
		out = append(out, g.keys)
	}
	return out
}

// markdown is the table of every key for the README, a row a binding.
func (k keyMap) markdown() string {
	var b strings.Builder
	b.WriteString("| group | key | does |\n|---|---|---|\n")
	for _, g := range k.keyGroups() {
		title := g.title
		for _, kb := range g.keys {
			h := kb.Help()
			fmt.Fprintf(&b, "| %s | `%s` | %s |\n", title, h.Key, h.Desc)
			title = ""
		}
	}
	return b.String()
}
