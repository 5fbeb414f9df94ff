package evaluator

import (
	"context"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	cueerrors "cuelang.org/go/cue/errors"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// Reference evaluates devices under a revision through CUE itself: every
// verdict is decided by unifications of the device with the criterion's
// require, by the verdict rule. It defines what every faster path must
// agree with.
type Reference struct {
	rev *spec.Revision
	// shapes caches the shape of each criterion's require.
	shapes sync.Map
}

// requireShape is what a require holds that decides how much of a device it can
// touch.
type requireShape struct {
	// generative is set when the require holds a comprehension, whose
	// fields only its unification with a device lists; patterns when it
	// holds a pattern constraint, which may constrain any field.
	generative, patterns bool
}

// NewReference returns the reference evaluator of a revision. It never
// fails today; the error is kept for evaluators that need to prepare.
func NewReference(rev *spec.Revision) (*Reference, error) {
	return &Reference{rev: rev}, nil
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

// Check decides the verdict of one criterion on one device by the verdict
// rule, for every construct CUE allows in a require:
//
//   - missing: a field that the require constrains (a regular or required
//     field of the require unified with the device, whatever brought it
//     there: the require's own text, a definition, an embedding, a
//     reference, a comprehension whose condition holds) is absent from the
//     device; checked first;
//   - fail: every constrained field is present, and the device unified with
//     the require does not validate as concrete;
//   - pass: otherwise.
//
// A disjunction of structs is decided per alternative, each by this rule,
// and the best alternative wins; the fields of a struct combine by the
// worst (missing < fail < pass). An optional field (x?:) asks something only
// of a device that has it. Labels are labels: field paths are CUE
// selectors, never strings split on dots.
func (r *Reference) Check(d *fixtures.Device, c *spec.Criterion) Check {
	if !c.Require.Exists() {
		// A criterion without require asks nothing (and `ladder vet`
		// says so).
		return Check{Criterion: c, Verdict: Pass}
	}
	j := judge{c: c, requireShape: r.shapeOf(c)}
	v, problems := j.value(c.Require, d.CUE(), nil, c.Require, false)
	slices.SortFunc(problems, func(a, b Problem) int { return strings.Compare(a.Field, b.Field) })
	problems = slices.CompactFunc(problems, func(a, b Problem) bool { return a.Field == b.Field && a.Absent == b.Absent })
	return Check{Criterion: c, Verdict: v, Problems: problems}
}

// shapeOf returns the shape of a criterion's require, its definitions'
// included.
func (r *Reference) shapeOf(c *spec.Criterion) requireShape {
	if s, ok := r.shapes.Load(c); ok {
		return s.(requireShape)
	}
	var s requireShape
	ast.Walk(c.Require.Syntax(cue.Docs(false), cue.Optional(true)), func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Comprehension:
			s.generative = true
		case *ast.Field:
			if _, ok := n.Label.(*ast.ListLit); ok {
				s.patterns = true
			}
		}
		return true
	}, nil)
	r.shapes.Store(c, s)
	return s
}

// judge decides the verdicts of one criterion.
type judge struct {
	c *spec.Criterion
	requireShape
}

// worse returns the worse of two verdicts: missing < fail < pass.
func worse(a, b Verdict) Verdict {
	if rank(a) < rank(b) {
		return a
	}
	return b
}

// rank orders verdicts: missing 0, fail 1, pass 2.
func rank(v Verdict) int {
	switch v {
	case Missing:
		return 0
	case Fail:
		return 1
	}
	return 2
}

// value decides what req asks of the device's value dev, which stands at
// path in the record and exists. Own is the require's own value there, for
// messages, when it has one; unified reports that req is the device's value
// unified with the require already (a field of a unification above, where
// references and comprehensions saw the device's values).
func (j *judge) value(req, dev cue.Value, path []string, own cue.Value, unified bool) (Verdict, []Problem) {
	if !unified {
		if alts := spec.StructAlternatives(req); len(alts) > 0 {
			best, bestProblems := Missing, []Problem(nil)
			for i, a := range alts {
				v, ps := j.value(a, dev, path, a, false)
				if i == 0 || rank(v) > rank(best) {
					best, bestProblems = v, ps
				}
				if v == Pass {
					break
				}
			}
			return best, bestProblems
		}
	}
	u := req
	if !unified {
		u = dev.Unify(req)
	}
	err := u.Validate(cue.Concrete(true))
	if err == nil && j.covers(req, u, dev, unified) {
		return Pass, nil
	}
	shape := own
	if !shape.Exists() || shape.Err() != nil {
		shape = req
	}
	isStruct := shape.IncompleteKind()&cue.StructKind != 0 || (unified && req.Err() != nil)
	switch {
	case dev.Kind() != cue.StructKind && isStruct:
		// The require asks for fields of a value that has none: those it
		// needs are absent.
		if absent := j.regularFields(shape, path); len(absent) > 0 {
			return Missing, absent
		}
	case dev.Kind() == cue.StructKind && isStruct:
		return j.fields(req, dev, u, err, path, own)
	}
	if err == nil {
		return Pass, nil
	}
	return Fail, []Problem{j.failure(path, own, dev, err)}
}

// regularFields lists the regular and required fields of a struct of the
// require, at path, as absent.
func (j *judge) regularFields(v cue.Value, path []string) []Problem {
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return nil
	}
	var out []Problem
	for it.Next() {
		sel := it.Selector()
		if !sel.IsString() || sel.ConstraintType() == cue.OptionalConstraint {
			continue
		}
		p := append(slices.Clip(path), sel.Unquoted())
		out = append(out, Problem{Field: spec.FieldPath(p...), Needs: j.needs(p, it.Value()), Absent: true})
	}
	return out
}

// fields decides a struct: each field of the device unified with the
// require, then what is wrong with the struct itself.
func (j *judge) fields(req, dev, u cue.Value, err error, path []string, own cue.Value) (Verdict, []Problem) {
	verdict := Pass
	var missing, failed []Problem
	// One pass over each struct's fields: looking them up one by one costs
	// a context each in CUE's API.
	devFields, ownFields := fieldMap(dev), fieldMap(own)
	for _, f := range fieldsOf(u, own, dev) {
		p := append(slices.Clip(path), f.label)
		devF, has := devFields[f.label]
		if !has {
			if f.optional {
				continue // an optional field the device lacks asks nothing
			}
			missing = append(missing, Problem{Field: spec.FieldPath(p...), Needs: j.needs(p, f.value), Absent: true})
			verdict = Missing
			continue
		}
		// A disjunction is decided per alternative, from the require's own
		// field; anything else from the unified field, where references
		// and comprehensions see the device's values.
		ownF := ownFields[f.label]
		uF := f.value
		if !f.unified {
			uF = u.LookupPath(cue.MakePath(cue.Str(f.label)))
		}
		if own.Exists() && !ownF.Exists() && !j.generative && !j.patterns && uF.Err() == nil {
			// The device's own field, which the require does not name: only
			// a closed struct could refuse it, which would be an error.
			continue
		}
		var v Verdict
		var ps []Problem
		switch {
		case ownF.Exists() && len(spec.StructAlternatives(ownF)) > 0:
			v, ps = j.value(ownF, devF, p, ownF, false)
		case uF.Exists():
			v, ps = j.value(uF, devF, p, ownF, true)
		case ownF.Exists():
			v, ps = j.value(ownF, devF, p, ownF, false)
		default:
			continue // the device's own, which the require leaves alone
		}
		verdict = worse(verdict, v)
		if v == Missing {
			missing = append(missing, ps...)
		} else {
			failed = append(failed, ps...)
		}
	}
	if verdict == Missing {
		return Missing, missing
	}
	if verdict == Pass && err != nil {
		// What the fields do not explain: an error of the struct itself,
		// such as a validator of the whole struct.
		for _, e := range cueerrors.Errors(err) {
			if len(e.Path()) <= len(path) {
				format, args := e.Msg()
				failed = append(failed, Problem{Field: spec.FieldPath(path...), Has: valueText(dev), Reason: fmt.Sprintf(format, args...)})
				verdict = Fail
			}
		}
	}
	return verdict, failed
}

// structField is a field of a struct being decided.
type structField struct {
	label    string
	optional bool
	// value is what the unification, or else the require, holds there;
	// unified reports which.
	value   cue.Value
	unified bool
}

// fieldMap returns the fields of a struct by label, optional and required
// fields included; nil for a value that is no struct.
func fieldMap(v cue.Value) map[string]cue.Value {
	if !v.Exists() {
		return nil
	}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return nil
	}
	m := map[string]cue.Value{}
	for it.Next() {
		if sel := it.Selector(); sel.IsString() {
			m[sel.Unquoted()] = it.Value()
		}
	}
	return m
}

// fieldsOf lists the fields of the device's struct unified with the
// require's: those CUE lists of the unification, which include the fields
// of comprehensions whose conditions hold; or, when CUE cannot list them
// (a field in conflict may stop it), the require's own and the device's.
func fieldsOf(u, own, dev cue.Value) []structField {
	var out []structField
	if it, err := u.Fields(cue.Optional(true)); err == nil {
		for it.Next() {
			if sel := it.Selector(); sel.IsString() {
				out = append(out, structField{sel.Unquoted(), sel.ConstraintType() == cue.OptionalConstraint, it.Value(), true})
			}
		}
		return out
	}
	seen := map[string]bool{}
	for _, v := range []cue.Value{own, dev} {
		if !v.Exists() {
			continue
		}
		it, err := v.Fields(cue.Optional(true))
		if err != nil {
			continue
		}
		for it.Next() {
			sel := it.Selector()
			if !sel.IsString() || seen[sel.Unquoted()] {
				continue
			}
			seen[sel.Unquoted()] = true
			out = append(out, structField{sel.Unquoted(), sel.ConstraintType() == cue.OptionalConstraint, it.Value(), false})
		}
	}
	return out
}

// covers reports whether the device has every field that req asks for
// (not an optional one), where u, its unification with the device,
// validated as concrete: then the require filled in nothing the device
// lacks. The require's own fields are few, and are all there is to look
// at unless a comprehension adds fields that only u lists.
func (j *judge) covers(req, u, dev cue.Value, unified bool) bool {
	if j.generative || unified {
		return coversAll(u, dev)
	}
	return coversRequire(req, u, dev)
}

// coversRequire reports whether the device has every field of the require
// that asks for something: every one but the optional fields it lacks.
func coversRequire(req, u, dev cue.Value) bool {
	if req.IncompleteKind()&cue.StructKind == 0 {
		return true
	}
	if len(spec.StructAlternatives(req)) > 0 {
		// CUE may have chosen any alternative: look at what it chose.
		return coversAll(u, dev)
	}
	it, err := req.Fields(cue.Optional(true))
	if err != nil {
		return coversAll(u, dev)
	}
	for it.Next() {
		sel := it.Selector()
		if !sel.IsString() {
			continue
		}
		p := cue.MakePath(cue.Str(sel.Unquoted()))
		df := dev.LookupPath(p)
		if !df.Exists() {
			if sel.ConstraintType() == cue.OptionalConstraint {
				continue
			}
			return false
		}
		if rf := it.Value(); rf.IncompleteKind()&cue.StructKind != 0 && !coversRequire(rf, u.LookupPath(p), df) {
			return false
		}
	}
	return true
}

// coversAll reports whether the device has every regular field of u, its
// unification with a require, at every depth.
func coversAll(u, dev cue.Value) bool {
	if u.IncompleteKind() != cue.StructKind {
		return true
	}
	it, err := u.Fields()
	if err != nil {
		return false
	}
	for it.Next() {
		df := dev.LookupPath(cue.MakePath(it.Selector()))
		if !df.Exists() || !coversAll(it.Value(), df) {
			return false
		}
	}
	return true
}

// failure explains why a device's value at path does not satisfy the
// require, whose own value there is own: what the criterion asks of the
// field, as written where it says, else CUE's own message.
func (j *judge) failure(path []string, own, dev cue.Value, err error) Problem {
	p := Problem{Field: spec.FieldPath(path...), Has: valueText(dev)}
	if f := j.constraintAt(path); f != nil && f.Value.Err() == nil {
		p.Needs = constraintText(f)
		return p
	}
	if own.Exists() && own.Err() == nil {
		if text := oneLine(fmt.Sprint(own)); text != "" && len(text) <= 120 {
			p.Needs = text
			return p
		}
	}
	if errs := cueerrors.Errors(err); len(errs) > 0 {
		format, args := errs[0].Msg()
		p.Reason = fmt.Sprintf(format, args...)
	} else {
		p.Reason = "does not satisfy the criterion"
	}
	return p
}

// constraintAt returns the criterion's constraint on the field at path, or
// nil.
func (j *judge) constraintAt(path []string) *spec.Constraint {
	for _, f := range j.c.Fields {
		if slices.Equal(f.Labels, path) {
			return f
		}
	}
	return nil
}

// needs returns what a criterion asks of a field the device lacks: the
// criterion's own text for the field where it has one, else what the
// unification holds there, which is all the criterion's.
func (j *judge) needs(path []string, v cue.Value) string {
	if text := needsOf(j.c, path); text != "" {
		return text
	}
	return oneLine(fmt.Sprint(v))
}

// oneLine writes CUE text on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// needsOf returns what a criterion's own constrained fields ask of the
// field at path: its constraint, or those of the fields under it as
// "{h: >=3, w: >=2}"; "" when it constrains nothing there.
func needsOf(c *spec.Criterion, path []string) string {
	var inner []string
	for _, f := range c.Fields {
		if slices.Equal(f.Labels, path) {
			return constraintText(f)
		}
		if len(f.Labels) > len(path) && slices.Equal(f.Labels[:len(path)], path) {
			inner = append(inner, spec.FieldPath(f.Labels[len(path):]...)+": "+constraintText(f))
		}
	}
	if len(inner) > 0 {
		return "{" + strings.Join(inner, ", ") + "}"
	}
	return ""
}

// constraintText returns a constraint as written, followed by what it
// stands for when it names a definition or another value: `#LongTermMemory
// ("preferences" | "episodic")`.
func constraintText(f *spec.Constraint) string {
	resolved := oneLine(fmt.Sprint(f.Value))
	if f.Text == "" {
		return resolved
	}
	if isReference.MatchString(f.Text) && resolved != f.Text && len(resolved) <= 80 {
		return fmt.Sprintf("%s (%s)", f.Text, resolved)
	}
	return f.Text
}

// isReference matches the text of a reference: a definition, a let, a
// selection such as #Limits.max.
var isReference = regexp.MustCompile(`^[#_\p{L}][#_\p{L}\p{N}]*(\.[#_\p{L}][#_\p{L}\p{N}]*)*$`)

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

// selectors are the selectors of a path of labels.
func selectors(path []string) []cue.Selector {
	sels := make([]cue.Selector, len(path))
	for i, l := range path {
		sels[i] = cue.Str(l)
	}
	return sels
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
			if sel := it.Selector(); sel.IsString() && sel.Unquoted() == label {
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
