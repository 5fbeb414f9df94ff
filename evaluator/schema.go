package evaluator

import (
	"slices"

	"cuelang.org/go/cue"

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
	s, err := compileSchemaStruct(rev.Device, nil, rev, known)
	if err != nil {
		return nil, err
	}
	return func(t *fixtures.Tree, _ []string) bool { return s(t.Root()) }, nil
}

// schemaField is one field of a schema struct.
type schemaField struct {
	name string
	// required fields must be present; the others are tested when present.
	required bool
	test     test
}

// compileSchemaStruct compiles a struct of the schema at path.
func compileSchemaStruct(v cue.Value, path []string, rev *spec.Revision, known fixtures.Vocabulary) (test, error) {
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return nil, refuse("a schema struct whose fields CUE cannot list: %v", err)
	}
	var fields []schemaField
	for it.Next() {
		sel := it.Selector()
		if sel.ConstraintType() == cue.PatternConstraint || !sel.IsString() {
			return nil, refuse("a pattern constraint in the schema")
		}
		fv := it.Value()
		f := schemaField{name: sel.Unquoted()}
		switch sel.ConstraintType() {
		case cue.RequiredConstraint:
			f.required = true
		case cue.OptionalConstraint:
		default:
			// A regular field that a record may omit only if the
			// schema fills it in with a concrete value.
			f.required = !fv.IsConcrete()
		}
		fpath := append(slices.Clone(path), f.name)
		if fv.IncompleteKind() == cue.StructKind {
			f.test, err = compileSchemaStruct(fv, fpath, rev, known)
		} else {
			f.test, err = compileValue(fv, 0)
		}
		if err != nil {
			return nil, err
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
	}, nil
}
