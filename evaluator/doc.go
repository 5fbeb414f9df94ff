// Package evaluator decides the level of devices under a revision of the
// standard, and explains it.
//
// A criterion's verdict on a device is CUE's, by the verdict rule (ARCHITECTURE.md, "Contracts"): the
// criterion's require, with every field it declares made required (`x!:`),
// is unified with the device record and validated as concrete. No error is
// [Pass]. A constrained field that the device lacks is [Missing] (no
// evidence), checked before anything else; any other error is [Fail]. The
// rewrite matters: in plain CUE a concrete constraint such as `b: true`
// fills in a field the device lacks and passes. Fields under an `if` guard
// are constrained when the guard holds, and a field of one alternative of a
// disjunction when that alternative is tried; as in CUE, an alternative
// whose required field is absent is not ruled out, so a disjunction of
// structs can be left undecided, which fails.
//
// [Reference] computes verdicts this way, through CUE, for every criterion.
// [Determine] turns a device's verdicts into its level (cumulative, per
// family, then the lowest), its flags and, with [Outcome.Gap], what it
// lacks for a higher level. [Explain] gives CUE's own errors for one
// verdict, with the positions of the criterion and of the device's file.
package evaluator
