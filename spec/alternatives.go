package spec

import (
	"slices"
	"strings"

	"cuelang.org/go/cue"
	cueerrors "cuelang.org/go/cue/errors"
)

// StructAlternatives returns the alternatives of a disjunction that has a
// struct among them, or nil: such a disjunction is decided per
// alternative, where a disjunction of scalars is one constraint, which
// unification decides. A reference (a definition that is a disjunction)
// is followed, and a conjunction with such a disjunction in it is
// distributed: (A | B) & C is A & C | B & C. An alternative in conflict
// with itself is none, as in CUE, unless every one is.
func StructAlternatives(v cue.Value) []cue.Value {
	alts := alternativesOf(v, 0)
	out := slices.DeleteFunc(slices.Clone(alts), Contradictory)
	if len(out) == 0 {
		return alts
	}
	return out
}

// maxAlternativeDepth bounds the references and conjunctions that
// StructAlternatives follows.
const maxAlternativeDepth = 8

func alternativesOf(v cue.Value, depth int) []cue.Value {
	if depth > maxAlternativeDepth {
		return nil
	}
	op, args := v.Expr()
	switch op {
	case cue.OrOp:
		if slices.ContainsFunc(args, func(a cue.Value) bool { return a.IncompleteKind()&cue.StructKind != 0 }) {
			return args
		}
	case cue.SelectorOp:
		if root, path := v.ReferencePath(); root.Exists() {
			return alternativesOf(root.LookupPath(path), depth+1)
		}
	case cue.AndOp:
		for i, a := range args {
			alts := alternativesOf(a, depth+1)
			if len(alts) < 2 {
				continue
			}
			out := make([]cue.Value, 0, len(alts))
			for _, alt := range alts {
				u := alt
				for j, b := range args {
					if j != i {
						u = u.Unify(b)
					}
				}
				out = append(out, u)
			}
			return out
		}
	}
	return nil
}

// Contradictory reports whether a value is in conflict with itself, not
// merely incomplete.
func Contradictory(v cue.Value) bool {
	for _, e := range cueerrors.Errors(v.Validate()) {
		if !strings.Contains(e.Error(), "incomplete") {
			return true
		}
	}
	return false
}
