// Package oracle decides verdicts by the verdict rule transcribed as plainly
// as it is written, through the CUE API, without any of the evaluator's
// code. The require is written out as self-contained CUE (definitions,
// references and lets inlined by CUE itself), expanded into its
// alternatives (one choice at every disjunction that has a struct among its
// operands), every regular field made required (x!:), and compiled afresh.
// For each alternative: missing if the device lacks a field that the
// alternative, or its unification with the device (which sees the fields of
// comprehensions), asks for; else fail if the unification does not validate
// as concrete; else pass. The best alternative wins: missing < fail < pass.
//
// It is for tests only: it is slow, and gives no messages. It shares no code
// with the evaluator, whose reference and fast paths the tests hold equal to
// it.
package oracle
