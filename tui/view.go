package tui

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/spec"
)

// view is one view of the workbench. The root (App) holds one of each and
// routes through this interface alone: it refreshes the view on screen,
// hands it the keys and the wheel it does not take itself, draws its
// panes, and carries out the actions it returns. A view keeps its own
// cursors; what it shares with the others is in the context's shared state.
type view interface {
	// refresh follows a change: c.changes says which (a new session, size
	// or styles, or the view coming on screen). It clamps cursors and lays
	// out again. The root refreshes the view on screen at once, and any
	// other when it next comes on screen.
	refresh(c *viewContext)
	// key handles a key press (or a paste) that the root did not take, in
	// the focused pane, and says what the root is to do.
	key(c *viewContext, msg tea.Msg) (action, tea.Cmd)
	// scroll moves the focused pane by delta rows (the mouse wheel).
	scroll(c *viewContext, delta int)
	// pane draws one pane in w × h cells: its title ("" for the pane's
	// own) and its lines.
	pane(c *viewContext, p paneID, w, h int) (string, []string)
	// takesText reports whether the view takes every key first, as text
	// (the editor, a filter being typed): the root's keys do not apply,
	// and the view asks for what it needs of them by its actions.
	takesText() bool
	// shortHelp is the line of help under the view: the keys shown where
	// there is room, and those that end it whatever the width.
	shortHelp(k *keyMap) (keys, end []key.Binding)
	// cursor is where the terminal's cursor goes on screen, if anywhere.
	cursor(c *viewContext) (x, y int, ok bool)
}

// clicker is a view whose panes list things that a click selects: a click
// on a row selects it, and a click on the row already selected opens it
// (as enter does). row counts the rows inside the pane from 0.
type clicker interface {
	click(c *viewContext, p paneID, row int) action
}

// change is what a view's refresh follows, a bit each.
type change uint8

const (
	// newSession: another session, such as an edit's, compiled.
	newSession change = 1 << iota
	// newSize: the terminal was resized.
	newSize
	// restyled: the styles changed with the terminal's background.
	restyled
	// shown: the view came on screen.
	shown
	// newProblems: the compile errors or vet's findings changed, without
	// another session (an edit that does not compile).
	newProblems
)

// viewContext is what a view is given of the root for one call.
type viewContext struct {
	// sh is the state the views share, keys the key map.
	sh   *shared
	keys *keyMap
	// layout is where the view's panes are on screen, and focus its
	// focused pane.
	layout screenLayout
	focus  paneID
	// changes is what refresh follows.
	changes change
	// keyOf returns the workspace key of a file named as positions name it.
	keyOf func(file string) string
	// The compilation of the edits, for the Edit view's Effect pane:
	// whether one runs, why the edits do not compile, and the time from
	// the last keystroke to its results.
	compiling  bool
	compileErr error
	editCost   time.Duration
}

// inner is the rectangle inside a pane's border.
func (c *viewContext) inner(p paneID) rect { return c.layout.panes[p].inner() }

// height is the number of rows inside the focused pane.
func (c *viewContext) height() int { return c.inner(c.focus).h }

// action is what a view asks of the root.
type action struct {
	// open is the ID of a device to show in the device view.
	open string
	// edit is a criterion to edit.
	edit *spec.Criterion
	// external is a line of a file of the workspace to open in $EDITOR,
	// and goTo one to open in the editor.
	external, goTo *fileLine
	// back leaves the view for the one shown before it.
	back bool
	// revise forks, renames or deletes the working revision, by the key
	// pressed.
	revise bool
	// save, quit and help ask for the root's commands of those names;
	// unlock asks before unlocking the published revision being edited.
	save, quit, help, unlock bool
	// edited is set when the editor's text changed, and refused says why
	// an edit was not made.
	edited  bool
	refused string
	// copy is text to copy to the terminal's clipboard.
	copy string
}

// fileLine is a line (from 1) of a file of the workspace, by its key.
type fileLine struct {
	key  string
	line int
}

// browsing is what a view that only browses does by default: it takes no
// text, has the usual line of help and no cursor on screen.
type browsing struct{}

// takesText reports false: the root's keys apply.
func (browsing) takesText() bool { return false }

// shortHelp is the usual line of help.
func (browsing) shortHelp(k *keyMap) (keys, end []key.Binding) { return k.ShortHelp(), k.ShortEnd() }

// cursor reports that the view shows no cursor.
func (browsing) cursor(*viewContext) (x, y int, ok bool) { return 0, 0, false }
