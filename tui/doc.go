// Package tui is Ladder's workbench: a keyboard-first terminal UI, on Bubble
// Tea, to browse a standard, see what a revision does to a corpus of
// devices, read the diff of two revisions and explain a device's level.
//
// The root model, App, only routes: it owns the window size, the layout (a
// pure function, layout.go), the key map (keys.go) and the styles
// (styles.go), and hands keys and scrolling to the view on screen through
// one interface (view.go). Each view is a child that keeps its own cursors
// and renders its panes from the session, an immutable snapshot of
// everything evaluated. Loading and evaluating happen in commands
// (session.go) that return messages: Update and View do no I/O and
// evaluate nothing.
package tui
