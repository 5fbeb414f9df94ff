package evaluator

import (
	"slices"
	"strings"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// run decides a compiled criterion on a device's record, with the same
// verdict and the same problems as [Reference.Check]. It reports false
// when the record holds something its tests cannot judge exactly (an
// object where a scalar is asked, an absent parent of an optional field);
// the reference path must decide that pair.
func (p *program) run(d *fixtures.Device) (Check, bool) {
	if d.Tree == nil {
		return Check{}, false
	}
	return p.runRoot(d.Tree.Root())
}

// found is where a field's path ends in a record.
type found struct {
	// node is the field's value, when the record has it.
	node fixtures.Node
	// depth is how many labels of the path the record has, as objects
	// or as the field itself.
	depth int
	// blocked reports that the walk met a value that is no object before
	// the end of the path.
	blocked bool
}

// walk follows a field's path in a record.
func (f *compiledField) walk(root fixtures.Node) found {
	n := root
	for i, k := range f.keys {
		if n.Kind() != fixtures.ObjectKind {
			return found{depth: i, blocked: true}
		}
		if i == 1 && f.never {
			return found{depth: 1}
		}
		n = n.Lookup(k)
		if !n.Exists() {
			return found{depth: i}
		}
	}
	return found{node: n, depth: len(f.keys)}
}

// runRoot decides the program on a record.
func (p *program) runRoot(root fixtures.Node) (Check, bool) {
	var stack [16]found
	at := stack[:0]
	for i := range p.fields {
		at = append(at, p.fields[i].walk(root))
	}
	if p.guard != nil {
		return p.runGuard(root)
	}
	c := Check{Criterion: p.crit, Verdict: Pass}
	for i := range p.fields {
		f, w := &p.fields[i], at[i]
		if f.regular < len(f.labels)-1 && w.depth > f.regular && w.depth < len(f.labels) {
			// A field under an optional parent that the device has: CUE
			// may or may not report the field missing, among other
			// errors of the parent.
			return c, false
		}
		if w.depth < f.regular {
			// The first absent label is a regular field: missing.
			c.Problems = append(c.Problems, Problem{Field: spec.FieldPath(f.labels[:w.depth+1]...), Needs: f.needsAt[w.depth], Absent: true})
		}
	}
	if len(c.Problems) > 0 {
		if len(c.Problems) > 1 {
			slices.SortFunc(c.Problems, func(a, b Problem) int { return strings.Compare(a.Field, b.Field) })
			c.Problems = slices.CompactFunc(c.Problems, func(a, b Problem) bool { return a.Field == b.Field })
		}
		c.Verdict = Missing
		return c, true
	}
	for i := range p.fields {
		f, w := &p.fields[i], at[i]
		if w.depth < len(f.labels) {
			if w.blocked {
				// A parent that is there but is no object: CUE reports a
				// conflict, in words of its own.
				return c, false
			}
			continue // an optional field the device lacks asks nothing
		}
		if w.node.Kind() == fixtures.ObjectKind {
			return c, false
		}
		if !f.test(w.node) {
			c.Verdict = Fail
			c.Problems = append(c.Problems, Problem{Field: f.constraint.Path, Needs: f.needs, Has: string(w.node.AppendJSON(nil))})
		}
	}
	return c, true
}

// runGuard decides a guarded program: only a pass, the rest is the
// reference path's.
func (p *program) runGuard(root fixtures.Node) (Check, bool) {
	g := root
	for _, k := range p.guardKeys {
		if g.Kind() != fixtures.ObjectKind {
			return Check{}, false
		}
		g = g.Lookup(k)
	}
	if g.Kind() != fixtures.BoolKind {
		return Check{}, false
	}
	sub := p.off
	if g.Bool() {
		sub = p.on
	}
	c, ok := sub.runRoot(root)
	if !ok || c.Verdict != Pass {
		return Check{}, false
	}
	return Check{Criterion: p.crit, Verdict: Pass}, true
}
