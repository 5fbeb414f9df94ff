package evaluator

import (
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// CompileSchema compiles the revision's #Device schema into a test that a
// record surely satisfies it: when the test says yes, CUE would accept the
// record (a measurement that another revision defines, in known, being
// ignored as fixtures.Validate ignores it). When it says no, or when the
// schema uses a construct the compiler does not model (the error), the
// record must be validated through CUE, which also says why it fails.
func CompileSchema(rev *spec.Revision, known fixtures.Vocabulary) (func(t *fixtures.Tree, ignored []string) bool, error) {
	if !rev.Device.Exists() {
		return nil, refuse("the revision has no #Device")
	}
	s, _, err := compileSchemaStruct(rev.Device, nil, rev, known)
	if err != nil {
		return nil, err
	}
	return func(t *fixtures.Tree, _ []string) bool { return s(t.Root()) }, nil
}

// DiagnoseSchema compiles the revision's #Device schema, as CompileSchema
// does, into a function that says where a record breaks it: the faults
// that CUE would report, each the field it names and what is wrong with
// it. It is asked only about records that the compiled test refuses
// (fixtures.ValidateOptions.Diagnose); a record whose fault it cannot
// place gets no fault, and goes to CUE.
func DiagnoseSchema(rev *spec.Revision, known fixtures.Vocabulary) (func(t *fixtures.Tree, ignored []string) []fixtures.Fault, error) {
	if !rev.Device.Exists() {
		return nil, refuse("the revision has no #Device")
	}
	_, d, err := compileSchemaStruct(rev.Device, nil, rev, known)
	if err != nil {
		return nil, err
	}
	return func(t *fixtures.Tree, _ []string) []fixtures.Fault {
		var out []fixtures.Fault
		d(t.Root(), nil, &out)
		return out
	}, nil
}

// diagnosis adds the faults of a value of the schema at path to out.
type diagnosis func(n fixtures.Node, path []string, out *[]fixtures.Fault)

// schemaField is one field of a schema struct.
type schemaField struct {
	name string
	// required fields must be present; the others are tested when present.
	required bool
	// elem is the test of each element of a leaf that is a list of
	// scalars ([...X], X itself, or through references), whose faults are
	// its elements; nil for others.
	elem test
	// class and elemClass name why a leaf's value, or an element of it,
	// is refused (see classifier); nil where they cannot.
	class, elemClass func(fixtures.Node) string
	// marked is set for a field required by its marker (name!).
	marked bool
	test   test
	// diag places the faults of a struct field's value; nil for a leaf,
	// whose fault is the value itself.
	diag diagnosis
}

// compileSchemaStruct compiles a struct of the schema at path.
func compileSchemaStruct(v cue.Value, path []string, rev *spec.Revision, known fixtures.Vocabulary) (test, diagnosis, error) {
	if hasComprehension(v) {
		// Fields that depend on the record's values (if category ==
		// "kettle" { subtype!: ... }): the fields listed below would
		// miss them.
		return nil, nil, refuse("a comprehension in a schema struct")
	}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return nil, nil, refuse("a schema struct whose fields CUE cannot list: %v", err)
	}
	var fields []schemaField
	for it.Next() {
		sel := it.Selector()
		if sel.ConstraintType() == cue.PatternConstraint || !sel.IsString() {
			return nil, nil, refuse("a pattern constraint in the schema")
		}
		fv := it.Value()
		f := schemaField{name: sel.Unquoted()}
		switch sel.ConstraintType() {
		case cue.RequiredConstraint:
			f.required, f.marked = true, true
		case cue.OptionalConstraint:
		default:
			// A regular field that a record may omit only if the
			// schema fills it in with a concrete value.
			f.required = !fv.IsConcrete()
		}
		fpath := append(slices.Clone(path), f.name)
		if fv.IncompleteKind() == cue.StructKind {
			f.test, f.diag, err = compileSchemaStruct(fv, fpath, rev, known)
		} else {
			f.test, err = compileValue(fv, 0)
			if err == nil {
				f.elem, f.elemClass = listElement(fv)
				f.class = classifier(fv)
			}
		}
		if err != nil {
			return nil, nil, err
		}
		fields = append(fields, f)
	}
	closed := v.IsClosed()
	// Under the revision, the measurements that another revision defines
	// are left out of the record before CUE sees it.
	skip := func(string) bool { return false }
	if len(path) == 1 && path[0] == "measurements" {
		skip = func(name string) bool { return known[name] && rev.Measurement(name) == nil }
	}
	names := make([]string, len(fields))
	want := 0
	for i, f := range fields {
		names[i] = f.name
		if f.required {
			want++
		}
	}
	set := fixtures.NewKeySet(names...)
	// The faults are placed only where the fields listed are the whole
	// struct: not in a disjunction of structs, nor where a pattern
	// constraint admits other fields, which the test above refuses.
	op, _ := v.Expr()
	exact := op != cue.OrOp && !v.LookupPath(cue.MakePath(cue.AnyString)).Exists() &&
		closed == !v.Allows(cue.Str("\x00ladder: no such field"))
	diag := func(n fixtures.Node, path []string, out *[]fixtures.Fault) {
		if !exact {
			*out = append(*out, fixtures.Fault{Kind: fixtures.FaultUnknown, Path: path, Node: n})
			return
		}
		if n.Kind() != fixtures.ObjectKind {
			*out = append(*out, fixtures.Fault{Kind: fixtures.FaultValue, Path: path, Node: n})
			return
		}
		var present uint64
		for i := range n.Len() {
			j := set.IndexOf(n, i)
			name, m := n.Member(i)
			if j < 0 {
				if skip(name) || !closed {
					continue
				}
				*out = append(*out, fixtures.Fault{Kind: fixtures.FaultExtra, Path: append(slices.Clip(path), name), Node: n, Member: i})
				continue
			}
			if j < 64 {
				present |= 1 << j
			}
			if fields[j].test(m) {
				continue
			}
			fpath := append(slices.Clip(path), fields[j].name)
			if fields[j].diag != nil {
				fields[j].diag(m, fpath, out)
				continue
			}
			if et := fields[j].elem; et != nil && m.Kind() == fixtures.ListKind {
				for k := range m.Len() {
					if e := m.Index(k); !et(e) {
						*out = append(*out, fixtures.Fault{Kind: fixtures.FaultValue, Path: append(slices.Clip(fpath), strconv.Itoa(k)), Node: e, Class: classOf(fields[j].elemClass, e)})
					}
				}
				continue
			}
			*out = append(*out, fixtures.Fault{Kind: fixtures.FaultValue, Path: fpath, Node: m, Class: classOf(fields[j].class, m)})
		}
		for j, f := range fields {
			if !f.required {
				continue
			}
			if !f.marked {
				// A regular field without a concrete value: CUE says it
				// is incomplete, not absent.
				*out = append(*out, fixtures.Fault{Kind: fixtures.FaultUnknown, Path: path, Node: n})
				return
			}
			if j >= 64 {
				// Not tracked: say nothing, and leave the record to CUE.
				*out = append(*out, fixtures.Fault{Kind: fixtures.FaultUnknown, Path: path, Node: n})
				return
			}
			if present&(1<<j) == 0 {
				*out = append(*out, fixtures.Fault{Kind: fixtures.FaultMissing, Path: append(slices.Clip(path), f.name), Node: n})
			}
		}
	}
	return func(n fixtures.Node) bool {
		if n.Kind() != fixtures.ObjectKind {
			return false
		}
		seen := 0
		for i := range n.Len() {
			j := set.IndexOf(n, i)
			if j < 0 {
				if name, _ := n.Member(i); skip(name) || !closed {
					continue
				}
				return false
			}
			if _, m := n.Member(i); !fields[j].test(m) {
				return false
			}
			if fields[j].required {
				seen++
			}
		}
		return seen == want
	}, diag, nil
}

// listElement returns the test of the elements of a constraint that is
// exactly an open list of scalars, [...X] (through references): a list
// satisfies it when each element satisfies X; and the classifier of an
// element that does not (see classifier). Or nil.
func listElement(v cue.Value) (test, func(fixtures.Node) string) {
	for range maxRefs {
		op, _ := v.Expr()
		if op != cue.SelectorOp {
			break
		}
		root, path := v.ReferencePath()
		if !root.Exists() {
			return nil, nil
		}
		v = root.LookupPath(path)
	}
	if op, _ := v.Expr(); op != cue.NoOp || v.IncompleteKind() != cue.ListKind {
		return nil, nil
	}
	it, err := v.List()
	if err != nil || it.Next() {
		return nil, nil
	}
	elem := v.LookupPath(cue.MakePath(cue.AnyIndex))
	if !elem.Exists() || elem.IncompleteKind()&(cue.StructKind|cue.ListKind) != 0 {
		return nil, nil
	}
	et, err := compileValue(elem, 0)
	if err != nil {
		return nil, nil
	}
	return et, classifier(elem)
}

// classifier returns a function that names why a value that a leaf's
// constraint refuses is refused: the value's kind (and for a number,
// whether it is an integer), and which of the constraints the leaf's
// constraint is the conjunction of (types, bounds, patterns, through
// references) it breaks; for a number, its sign too. CUE's message then depends on the value only
// through its own text (fixtures learns it as a template, see
// fixtures.Fault.Class). It returns nil for a constraint with anything
// else in it (a disjunction, a concrete value, a call), whose message may
// depend on the value otherwise.
func classifier(v cue.Value) func(fixtures.Node) string {
	tests, ok := atoms(v, 0, nil)
	if !ok || len(tests) == 0 {
		return nil
	}
	return func(n fixtures.Node) string {
		b := append(make([]byte, 0, 16+len(tests)), n.Kind().String()...)
		if n.Kind() == fixtures.NumberKind {
			// CUE reads a negative number as an operation, which orders
			// the values of its messages otherwise.
			if strings.HasPrefix(n.Literal(), "-") {
				b = append(b, " negative"...)
			}
			if n.IsInt() {
				b = append(b, " int"...)
			}
		}
		b = append(b, ':')
		for _, t := range tests {
			if t(n) {
				b = append(b, '0')
			} else {
				b = append(b, '1')
			}
		}
		return string(b)
	}
}

// atoms adds to out the tests of the types, bounds and patterns whose
// conjunction a constraint is, through references; false when it is not
// only those.
func atoms(v cue.Value, refs int, out []test) ([]test, bool) {
	if v.Err() != nil {
		return nil, false
	}
	op, args := v.Expr()
	switch op {
	case cue.AndOp:
		for _, a := range args {
			var ok bool
			if out, ok = atoms(a, refs, out); !ok {
				return nil, false
			}
		}
		return out, true
	case cue.SelectorOp:
		if refs >= maxRefs {
			return nil, false
		}
		root, path := v.ReferencePath()
		if !root.Exists() {
			return nil, false
		}
		return atoms(root.LookupPath(path), refs+1, out)
	case cue.GreaterThanEqualOp, cue.GreaterThanOp, cue.LessThanEqualOp, cue.LessThanOp, cue.NotEqualOp, cue.RegexMatchOp, cue.NotRegexMatchOp:
	case cue.NoOp:
		switch v.IncompleteKind() {
		case cue.IntKind, cue.FloatKind, cue.NumberKind, cue.StringKind, cue.BoolKind, cue.NullKind:
			if v.IsConcrete() {
				return nil, false
			}
		default:
			return nil, false
		}
	default:
		return nil, false
	}
	t, err := compileValue(v, refs)
	if err != nil {
		return nil, false
	}
	return append(out, t), true
}

// classOf returns the class of a refused value, or "" without a
// classifier.
func classOf(class func(fixtures.Node) string, n fixtures.Node) string {
	if class == nil {
		return ""
	}
	return class(n)
}

// hasComprehension reports whether a struct's syntax holds a comprehension.
func hasComprehension(v cue.Value) bool {
	found := false
	ast.Walk(v.Syntax(cue.Raw()), func(n ast.Node) bool {
		if _, ok := n.(*ast.Comprehension); ok {
			found = true
		}
		return !found
	}, nil)
	return found
}
