// Package spectest gives tests the built-in standard and its reference
// corpus, copied, with the edits a test makes to them: in memory as a file
// system, or on disk as a workspace directory.
//
// An edit replaces the first occurrence of a text in a file, and the test
// fails at once when the file does not hold that text, so that no test can
// pass by editing nothing. The copies are the test's own: the repository's
// files are only read.
package spectest
