package evaluator

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	cueerrors "cuelang.org/go/cue/errors"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// Reference evaluates devices under a revision through CUE itself: every
// verdict is a unification of the device with the criterion's require. It
// defines what every faster path must agree with.
type Reference struct {
	rev *spec.Revision
	// strict holds each criterion's require with its fields required.
	strict map[*spec.Criterion]cue.Value
}

// NewReference returns the reference evaluator of a revision. It compiles
// the revision once more, with the fields of every require made required
// (see the package documentation); an error means that the revision's files
// no longer compile, which Load would have reported.
func NewReference(rev *spec.Revision) (*Reference, error) {
	strict, err := strictRequires(rev)
	if err != nil {
		return nil, err
	}
	return &Reference{rev: rev, strict: strict}, nil
}

// Revision returns the revision the evaluator grades by.
func (r *Reference) Revision() *spec.Revision {
	return r.rev
}

// Evaluate decides the outcome of every device, in the order given, using
// every core. It stops early, with the context's error, when ctx is done.
func (r *Reference) Evaluate(ctx context.Context, devices []*fixtures.Device) ([]*Outcome, error) {
	out := make([]*Outcome, len(devices))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(devices), 1)) {
		wg.Go(func() {
			for i := range next {
				out[i] = r.Outcome(devices[i])
			}
		})
	}
	var err error
feed:
	for i := range devices {
		select {
		case next <- i:
		case <-ctx.Done():
			err = fmt.Errorf("evaluating %d devices under %s: %w", len(devices), r.rev.ID, context.Cause(ctx))
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Outcome checks one device against every criterion of its category and
// determines its level.
func (r *Reference) Outcome(d *fixtures.Device) *Outcome {
	cat := r.rev.Category(d.Category)
	var checks []Check
	if cat != nil {
		for _, l := range cat.Levels {
			for _, c := range l.Criteria {
				checks = append(checks, r.Check(d, c))
			}
		}
	}
	return Determine(cat, d, checks)
}

// Check decides the verdict of one criterion on one device: the device
// unified with the criterion's require, every constrained field required,
// validated as concrete. A field that is required and not present makes the
// verdict Missing, any other error Fail.
func (r *Reference) Check(d *fixtures.Device, c *spec.Criterion) Check {
	strict, ok := r.strict[c]
	if !ok || !c.Require.Exists() {
		// A criterion without require asks nothing (and `ladder vet`
		// says so).
		return Check{Criterion: c, Verdict: Pass}
	}
	err := d.CUE().Unify(strict).Validate(cue.Concrete(true))
	if err == nil {
		return Check{Criterion: c, Verdict: Pass}
	}
	u := d.CUE().Unify(c.Require)
	if absent := absentFields(c, d, err); len(absent) > 0 {
		problems := make([]Problem, len(absent))
		for i, path := range absent {
			problems[i] = Problem{Field: joinPath(path), Needs: needs(c, u, path), Absent: true}
		}
		return Check{Criterion: c, Verdict: Missing, Problems: problems}
	}
	return Check{Criterion: c, Verdict: Fail, Problems: failures(c, d, u, err)}
}

// absentFields returns the paths of the constrained fields that the device
// lacks, sorted: the criterion's fields that the device does not have, and
// the required fields that the strict unification reports absent (fields
// under an `if` guard or in one alternative of a disjunction, which the
// criterion alone cannot list). Both are needed, because CUE reports a
// required field's absence only when nothing else is wrong with its struct.
func absentFields(c *spec.Criterion, d *fixtures.Device, err error) [][]string {
	var out [][]string
	seen := map[string]bool{}
	add := func(path []string) {
		if key := joinPath(path); !seen[key] {
			seen[key] = true
			out = append(out, path)
		}
	}
	for _, f := range c.Fields {
		labels := strings.Split(f.Path, ".")
		if !notOptional(c.Require, labels) {
			continue
		}
		if path := firstAbsent(d.CUE(), labels); path != nil {
			add(path)
		}
	}
	for _, e := range cueerrors.Errors(err) {
		format, args := e.Msg()
		switch {
		case strings.Contains(format, "required but not present"):
			add(e.Path())
		case strings.HasPrefix(format, "required field missing: ") && len(args) == 1:
			add(append(slices.Clone(e.Path()), fmt.Sprint(args[0])))
		}
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(joinPath(a), joinPath(b)) })
	return out
}

// notOptional reports whether the field at path is regular or required all
// the way down in v, rather than optional: an optional field (x?:) asks
// something only of a device that has it.
func notOptional(v cue.Value, path []string) bool {
	for _, label := range path {
		it, err := v.Fields(cue.Optional(true))
		if err != nil {
			return false
		}
		found := false
		for it.Next() {
			if sel := it.Selector(); sel.Unquoted() == label {
				if sel.ConstraintType() == cue.OptionalConstraint {
					return false
				}
				v, found = it.Value(), true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// firstAbsent returns the shortest prefix of path that names a field the
// device lacks, or nil if the device has every field on the path.
func firstAbsent(dev cue.Value, path []string) []string {
	v := dev
	for i, label := range path {
		v = v.LookupPath(cue.MakePath(cue.Str(label)))
		if !v.Exists() {
			return slices.Clone(path[:i+1])
		}
	}
	return nil
}

// failures explains why a device fails a criterion: one problem for each
// constrained field that does not hold, or CUE's own errors when the
// failure lies elsewhere (in a field under an `if` guard, say).
func failures(c *spec.Criterion, d *fixtures.Device, u cue.Value, err error) []Problem {
	var out []Problem
	for _, f := range c.Fields {
		p := cuePath(f.Path)
		has := d.CUE().LookupPath(p)
		if !has.Exists() {
			// An optional field the device lacks asks nothing.
			continue
		}
		if has.IncompleteKind() == cue.StructKind {
			// A struct with a comprehension in it: CUE's errors say which
			// of its fields is at fault.
			continue
		}
		if u.LookupPath(p).Validate(cue.Concrete(true)) != nil {
			out = append(out, Problem{Field: f.Path, Needs: constraintText(f), Has: valueText(has)})
		}
	}
	if len(out) > 0 {
		return out
	}
	seen := map[string]bool{}
	for _, e := range cueerrors.Errors(err) {
		field := strings.Join(e.Path(), ".")
		if seen[field] {
			continue
		}
		seen[field] = true
		format, args := e.Msg()
		out = append(out, Problem{Field: field, Has: valueText(d.CUE().LookupPath(cuePath(field))), Reason: fmt.Sprintf(format, args...)})
	}
	slices.SortFunc(out, func(a, b Problem) int { return strings.Compare(a.Field, b.Field) })
	return out
}

// needs returns what a criterion asks of a field the device lacks: the
// criterion's own text for the field where it has one, else what the
// unification holds there, which is all the criterion's.
func needs(c *spec.Criterion, u cue.Value, path []string) string {
	if text := needsOf(c, path); text != "" {
		return text
	}
	return strings.Join(strings.Fields(fmt.Sprint(u.LookupPath(cue.MakePath(selectors(path)...)))), " ")
}

// needsOf returns what a criterion's own constrained fields ask of the
// field at path: its constraint, or those of the fields under it as
// "{h: >=3, w: >=2}"; "" when it constrains nothing there.
func needsOf(c *spec.Criterion, path []string) string {
	field := joinPath(path)
	var inner []string
	for _, f := range c.Fields {
		if f.Path == field {
			return constraintText(f)
		}
		if rest, ok := strings.CutPrefix(f.Path, field+"."); ok {
			inner = append(inner, rest+": "+constraintText(f))
		}
	}
	if len(inner) > 0 {
		return "{" + strings.Join(inner, ", ") + "}"
	}
	return ""
}

// constraintText returns a constraint as written, followed by what it
// stands for when it names a definition: `#LongTermMemory ("preferences" |
// "episodic")`.
func constraintText(f *spec.Constraint) string {
	resolved := strings.Join(strings.Fields(fmt.Sprint(f.Value)), " ")
	if f.Text == "" {
		return resolved
	}
	if strings.HasPrefix(f.Text, "#") && resolved != f.Text && len(resolved) <= 80 {
		return fmt.Sprintf("%s (%s)", f.Text, resolved)
	}
	return f.Text
}

// valueText renders a device's value as JSON, or "" when it is absent.
func valueText(v cue.Value) string {
	if !v.Exists() {
		return ""
	}
	b, err := v.MarshalJSON()
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func joinPath(path []string) string {
	return strings.Join(path, ".")
}

func selectors(path []string) []cue.Selector {
	sels := make([]cue.Selector, len(path))
	for i, l := range path {
		sels[i] = cue.Str(l)
	}
	return sels
}

// cuePath turns a dotted field path of the model into a CUE path.
func cuePath(field string) cue.Path {
	return cue.MakePath(selectors(strings.Split(field, "."))...)
}
