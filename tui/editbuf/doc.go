// Package editbuf is the text buffer of Ladder's terminal CUE editor in the
// workbench. It holds the text being edited as lines, a cursor, and an undo
// history in which bursts of typing are grouped into single undo steps.
//
// Positions are counted in runes, not bytes or display cells, so a
// multi-byte character such as "—" or "中" is one column. The text a
// buffer is made with (New) or replaced by (Replace), a file's, is kept
// exactly as given: it is split into lines on "\n" and joined back with
// "\n", so a trailing newline (or its absence) survives a round trip, and
// any "\r" stays part of its line. Text typed or pasted (Insert, Paste) is
// cleaned first (Clean): its line breaks become "\n", and the controls
// and other characters a terminal does not show are dropped.
//
// A Buffer is not safe for concurrent use.
package editbuf
