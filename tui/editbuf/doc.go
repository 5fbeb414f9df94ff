// Package editbuf is the text buffer of Ladder's terminal CUE editor in the
// workbench. It holds the text being edited as lines, a cursor, and an undo
// history in which bursts of typing are grouped into single undo steps.
//
// Positions are counted in runes, not bytes or display cells, so a
// multi-byte character such as "—" or "中" is one column. The text is kept
// exactly as given: it is split into lines on "\n" and joined back with
// "\n", so a trailing newline (or its absence) survives a round trip, and
// any "\r" stays part of its line.
//
// A Buffer is not safe for concurrent use.
package editbuf
