// Package report writes what Ladder found, for people and programs: the
// grading of a corpus (eval: a table, CSV, JSON), a vendor's check (text,
// JSON) and the review of two revisions (diff: text for a terminal,
// Markdown, JSON). Every front end prints through it: the command line
// today, and any other that needs the same documents.
//
// A report reads results and never decides them: [Graded] is a corpus
// graded under one revision (by an engine, [FromGrading], or any other
// [Results]; or a batch at a time as it is graded, [FromStream]), [Check] is a vendor's devices under several revisions, and
// [Diff] is the criterion changes, the impact and the redline of two
// revisions. The JSON shapes are the contract of ARCHITECTURE.md; eval's
// JSON is written by hand for speed on large corpora, byte for byte as
// encoding/json would write it, which a test holds. The text report is laid
// out for a width in display cells and wraps rather than cuts.
package report
