// Package spec reads a revision of a capability-ladder standard, written in
// CUE, into the model that the rest of Ladder works on, and checks it.
//
// A workspace holds a CUE module under cue/ with one package per revision in
// cue/revisions/<id>/. [Workspace.Load] compiles one revision as CUE's own
// loader does and returns a [Revision]: its categories in the order of the
// standard's parts, each with the levels it declares (L1 up to at most L9, as
// the revision says), each with its criteria
// ordered by ID. Every element of the model keeps its source position, and
// every criterion keeps its CUE value, its source text and a fingerprint
// that changes exactly when the criterion or a definition it uses changes.
//
// A revision that does not compile is reported as a [*LoadError] listing
// every error with its file, line and column. Compiling is bounded in time
// and memory ([Limits]): a program that calls [RunGuardIfChild] compiles
// each new source in a child process first, and a revision whose
// compilation goes beyond the limits is a [*StoppedError], never compiled
// in the program itself. A revision that compiles may
// still be wrong in ways CUE cannot see (a misspelt measurement, a criterion
// under a reserved level, a higher level that asks less than a lower one):
// [Lint] reports those as findings.
package spec
