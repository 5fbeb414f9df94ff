// Package redline computes and renders the textual differences between two
// versions of a file, as a standards reviewer reads them: hunks of changed
// lines with their context, and inside each changed line the words that
// changed. It knows nothing of CUE or of the standard.
//
// Diff computes the hunks with github.com/sergi/go-diff, first line by line
// and then, inside each block of replaced lines, word by word. Unified writes
// them as a patch; Render lays them out for a terminal of a given width,
// unified or side by side, wrapping long lines rather than cutting them.
package redline
