// Package safefile saves files so that neither a crash nor another program
// writing the same file ever loses data, and keeps a journal of unsaved
// edits from which an editor recovers after a crash. Ladder's workbench
// saves every file it edits with it.
//
// Save replaces a file only if it still holds what the caller read (its
// Stamp), and replaces it atomically: it writes a temporary file in the same
// directory, syncs it to disk and renames it over the file, so that the file
// holds either all of the old content or all of the new, never a part. If
// the file changed on disk since it was read, Save refuses with a
// *ChangedError that carries what is on disk now, for the caller to show or
// merge, unless told to Force.
//
// Journal keeps the unsaved content of edited files in a directory, one
// entry per file, each written with Save, so that after a crash the editor
// finds the edits and can tell whether the file changed on disk since.
package safefile
