package evaluator

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"
	"github.com/cockroachdb/apd/v3"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// The fast path: a criterion's require compiled into Go tests over a
// device's decoded JSON tree. It covers the constraints that are cheap to
// decide exactly without CUE — bounds, scalar disjunctions, !=, regular
// expressions, references to definitions, list.Contains, list.MinItems,
// list.MaxItems, list.MatchN, element constraints, required and optional
// fields, nested open structs — and refuses everything else, which the
// reference path then decides. A compiled test that meets a device it cannot
// judge exactly (an object where a number is asked) says so, and the
// reference path decides that pair too. Nothing is approximated.

// errRefused is wrapped by the errors of constraints the compiler does not
// model.
var errRefused = errors.New("not compiled")

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errRefused, fmt.Sprintf(format, args...))
}

// test reports whether a present device value satisfies a constraint, as
// CUE's unification would decide.
type test func(n fixtures.Node) bool

// program is a compiled criterion.
type program struct {
	crit   *spec.Criterion
	fields []compiledField
	// guard, when set, makes the program decide by the value of one boolean
	// field of the device: on when it is true, off when false. Such a
	// program only ever decides a pass; any other verdict is left to the
	// reference path, whose messages come from CUE's errors.
	guard     []string
	guardKeys []fixtures.Key
	on, off   *program
}

// keysOf makes the labels of a path ready for lookups.
func keysOf(labels []string) []fixtures.Key {
	keys := make([]fixtures.Key, len(labels))
	for i, l := range labels {
		keys[i] = fixtures.MakeKey(l)
	}
	return keys
}

// compiledField is one constrained leaf field of a criterion.
type compiledField struct {
	constraint *spec.Constraint
	labels     []string
	keys       []fixtures.Key
	// regular is how many labels, from the first, are regular or required
	// fields: a device must have the field they name. All of them, unless
	// the field or one of its parents is optional.
	regular int
	test    test
	// never marks a measurement that the revision does not define: no
	// valid device has it under the revision (one that another revision
	// defines is ignored; any other makes the record invalid).
	never bool
	// needs is what the criterion asks of the field, and needsAt[k] what
	// it asks of the field's prefix of k+1 labels, for messages.
	needs   string
	needsAt []string
}

// compileCriterion compiles a criterion's require, or returns an error
// wrapping errRefused when the require uses a construct the fast path does
// not model. Defined reports whether the criterion's revision defines a
// measurement; nil means every one.
func compileCriterion(c *spec.Criterion, defined func(string) bool) (*program, error) {
	p := &program{crit: c}
	if !c.Require.Exists() {
		return p, nil
	}
	if len(spec.StructAlternatives(c.Require)) > 0 {
		return nil, refuse("a disjunction of structs")
	}
	guard, err := refuseSyntax(c.Require)
	if err != nil {
		return nil, err
	}
	if guard != nil {
		return compileGuarded(c, guard, defined)
	}
	if err := checkStructs(c.Require, nil, leafSet(c)); err != nil {
		return nil, err
	}
	for _, f := range c.Fields {
		labels := f.Labels
		t, err := compileValue(f.Value, 0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Path, err)
		}
		cf := compiledField{constraint: f, labels: labels, keys: keysOf(labels), regular: regularPrefix(c.Require, labels), test: t, needs: constraintText(f)}
		cf.never = defined != nil && len(labels) > 1 && labels[0] == "measurements" && !defined(labels[1])
		for k := range labels {
			cf.needsAt = append(cf.needsAt, needsOf(c, labels[:k+1]))
		}
		p.fields = append(p.fields, cf)
	}
	return p, nil
}

// leafSet is the set of a criterion's constrained fields, by the
// FieldPath of their labels.
func leafSet(c *spec.Criterion) map[string]bool {
	m := map[string]bool{}
	for _, f := range c.Fields {
		m[f.Path] = true
	}
	return m
}

// eachField calls fn for every field of the struct v, which stands at
// prefix, with the field's path. It refuses a closed struct, an empty one
// and pattern constraints, which the compiled tests do not model.
func eachField(v cue.Value, prefix []string, fn func(path []string, fv cue.Value) error) error {
	if v.IsClosed() {
		return refuse("a closed struct at %q", strings.Join(prefix, "."))
	}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return refuse("a struct whose fields CUE cannot list: %v", err)
	}
	n := 0
	for it.Next() {
		n++
		sel := it.Selector()
		if sel.ConstraintType() == cue.PatternConstraint || !sel.IsString() {
			return refuse("a pattern constraint")
		}
		if err := fn(append(slices.Clone(prefix), sel.Unquoted()), it.Value()); err != nil {
			return err
		}
	}
	if n == 0 {
		return refuse("an empty struct at %q", strings.Join(prefix, "."))
	}
	return nil
}

// checkStructs makes sure that the structs of a require are open, hold at
// least one field each, and that every leaf field is among the criterion's
// constrained fields: then the leaves are all there is to check.
func checkStructs(v cue.Value, prefix []string, leaves map[string]bool) error {
	return eachField(v, prefix, func(path []string, fv cue.Value) error {
		switch {
		case len(spec.StructAlternatives(fv)) > 0:
			// One with a default lists the default's fields alone.
			return refuse("a disjunction of structs at %s", spec.FieldPath(path...))
		case leaves[spec.FieldPath(path...)] && fv.IncompleteKind() == cue.StructKind:
			return refuse("a struct-valued constraint at %s", spec.FieldPath(path...))
		case leaves[spec.FieldPath(path...)]:
			return nil
		case fv.IncompleteKind() != cue.StructKind:
			return refuse("a field the model does not list: %s", spec.FieldPath(path...))
		}
		return checkStructs(fv, path, leaves)
	})
}

// refuseSyntax rejects requires whose source uses constructs whose meaning
// depends on the device in ways the tests below do not model. It accepts
// one kind of comprehension, a simple guard `if a.b.c {...}` on a field of
// the require, and returns the guard's path.
func refuseSyntax(v cue.Value) ([]string, error) {
	var (
		err   error
		guard []string
		path  []string // the labels of the fields enclosing the node
	)
	ast.Walk(v.Syntax(cue.Raw()), func(n ast.Node) bool {
		if err != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.Comprehension:
			if guard != nil {
				err = refuse("more than one comprehension")
				return false
			}
			if guard, err = spec.GuardPath(n, path); err != nil {
				err = refuse("%v", err)
			}
			return err == nil
		case *ast.LetClause, *ast.Interpolation, *ast.ForClause:
			err = refuse("a %T", n)
		case *ast.Field:
			if _, ok := n.Label.(*ast.ListLit); ok {
				err = refuse("a pattern constraint")
				return false
			}
			name, _, lerr := ast.LabelName(n.Label)
			if lerr != nil {
				err = refuse("a dynamic label")
				return false
			}
			path = append(path, name)
		case *ast.EmbedDecl:
			err = refuse("an embedding")
		case *ast.BinaryExpr:
			switch n.Op {
			case token.AND, token.OR:
			default:
				err = refuse("the operator %s", n.Op)
			}
		case *ast.UnaryExpr:
			switch n.Op {
			case token.GEQ, token.GTR, token.LEQ, token.LSS, token.NEQ, token.MAT, token.NMAT, token.MUL, token.SUB, token.ADD:
			default:
				err = refuse("the operator %s", n.Op)
			}
		case *ast.StructLit, *ast.ListLit, *ast.Ident, *ast.SelectorExpr, *ast.BasicLit,
			*ast.CallExpr, *ast.ParenExpr, *ast.File, *ast.ImportDecl, *ast.ImportSpec,
			*ast.Package, *ast.CommentGroup, *ast.Comment, *ast.Attribute,
			*ast.Ellipsis, *ast.IfClause:
			// An ellipsis opens a list or a struct; an if clause is
			// reached only inside a guard that spec.GuardPath accepted.
		default:
			err = refuse("a %T", n)
		}
		return true
	}, func(n ast.Node) {
		if _, ok := n.(*ast.Field); ok && len(path) > 0 {
			path = path[:len(path)-1]
		}
	})
	return guard, err
}

// compileGuarded compiles a require with one if guard: the require with the
// guard's field set to true, and set to false, each compiled from the
// fields CUE then lists.
func compileGuarded(c *spec.Criterion, guard []string, defined func(string) bool) (*program, error) {
	if defined != nil && len(guard) > 1 && guard[0] == "measurements" && !defined(guard[1]) {
		return nil, refuse("a guard on a measurement the revision does not define")
	}
	p := &program{crit: c, guard: guard, guardKeys: keysOf(guard)}
	gpath := cue.MakePath(selectors(guard)...)
	if k := c.Require.LookupPath(gpath).IncompleteKind(); k != cue.BoolKind {
		return nil, refuse("a guard on a field of kind %v", k)
	}
	for _, on := range []bool{true, false} {
		v := c.Require.FillPath(gpath, on)
		if err := v.Err(); err != nil {
			return nil, refuse("the require with its guard %v: %v", on, err)
		}
		sub := &program{crit: c}
		if err := sub.compileFields(v, v, nil, defined); err != nil {
			return nil, err
		}
		if on {
			p.on = sub
		} else {
			p.off = sub
		}
	}
	return p, nil
}

// compileFields compiles the leaf fields of v, the part of root at prefix,
// walking its structs, for a program that decides only passes.
func (p *program) compileFields(root, v cue.Value, prefix []string, defined func(string) bool) error {
	return eachField(v, prefix, func(path []string, fv cue.Value) error {
		if len(spec.StructAlternatives(fv)) > 0 {
			return refuse("a disjunction of structs at %s", spec.FieldPath(path...))
		}
		if fv.IncompleteKind() == cue.StructKind {
			return p.compileFields(root, fv, path, defined)
		}
		t, err := compileValue(fv, 0)
		if err != nil {
			return err
		}
		p.fields = append(p.fields, compiledField{
			constraint: &spec.Constraint{Labels: path, Path: spec.FieldPath(path...), Value: fv},
			labels:     path, keys: keysOf(path), regular: regularPrefix(root, path), test: t,
			// The texts are never shown: a guarded program decides only
			// passes.
			needsAt: make([]string, len(path)),
			never:   defined != nil && len(path) > 1 && path[0] == "measurements" && !defined(path[1]),
		})
		return nil
	})
}

// maxRefs bounds how many references compileValue follows, against cycles.
const maxRefs = 16

// compileValue compiles the constraint of one leaf field.
func compileValue(v cue.Value, refs int) (test, error) {
	if err := v.Err(); err != nil {
		return nil, refuse("an erroneous constraint: %v", err)
	}
	op, args := v.Expr()
	switch op {
	case cue.SubtractOp, cue.AddOp:
		// A negative number, or a sum CUE has folded.
		if v.IsConcrete() && v.IncompleteKind()&(cue.NumberKind) != 0 {
			return compileEqual(v)
		}
		return nil, refuse("arithmetic")
	case cue.AndOp:
		tests := make([]test, len(args))
		for i, a := range args {
			t, err := compileValue(a, refs)
			if err != nil {
				return nil, err
			}
			tests[i] = t
		}
		return func(n fixtures.Node) bool {
			for _, t := range tests {
				if !t(n) {
					return false
				}
			}
			return true
		}, nil
	case cue.OrOp:
		tests := make([]test, len(args))
		for i, a := range args {
			switch a.IncompleteKind() {
			case cue.StructKind, cue.ListKind:
				return nil, refuse("a disjunction of structs or lists")
			}
			t, err := compileValue(a, refs)
			if err != nil {
				return nil, err
			}
			tests[i] = t
		}
		return func(n fixtures.Node) bool {
			for _, t := range tests {
				if t(n) {
					return true
				}
			}
			return false
		}, nil
	case cue.SelectorOp:
		if refs >= maxRefs {
			return nil, refuse("references nested too deeply")
		}
		root, path := v.ReferencePath()
		if !root.Exists() {
			return nil, refuse("a reference that cannot be resolved")
		}
		return compileValue(root.LookupPath(path), refs+1)
	case cue.GreaterThanEqualOp, cue.GreaterThanOp, cue.LessThanEqualOp, cue.LessThanOp:
		return compileBound(op, args)
	case cue.NotEqualOp:
		return compileNotEqual(args)
	case cue.RegexMatchOp, cue.NotRegexMatchOp:
		return compileRegexp(op, args)
	case cue.CallOp:
		return compileCall(args, refs)
	case cue.NoOp:
		return compileBasic(v, refs)
	}
	return nil, refuse("the operation %v", op)
}

// compileBasic compiles a value with no operation at its top: a concrete
// value (equality), a type, or a list with an element constraint.
func compileBasic(v cue.Value, refs int) (test, error) {
	if v.IncompleteKind() == cue.ListKind {
		// [...X] counts as concrete in CUE: an empty list that may grow.
		return compileList(v, refs)
	}
	if v.IsConcrete() {
		return compileEqual(v)
	}
	switch k := v.IncompleteKind(); k {
	case cue.TopKind:
		return func(fixtures.Node) bool { return true }, nil
	case cue.IntKind:
		return func(n fixtures.Node) bool { return n.Kind() == fixtures.NumberKind && n.IsInt() }, nil
	case cue.FloatKind:
		return func(n fixtures.Node) bool { return n.Kind() == fixtures.NumberKind && !n.IsInt() }, nil
	case cue.NumberKind:
		return kindTest(fixtures.NumberKind), nil
	case cue.StringKind:
		return kindTest(fixtures.StringKind), nil
	case cue.BoolKind:
		return kindTest(fixtures.BoolKind), nil
	case cue.NullKind:
		return kindTest(fixtures.NullKind), nil
	case cue.ListKind:
		return compileList(v, refs)
	default:
		return nil, refuse("a value of kind %v", k)
	}
}

func kindTest(k fixtures.Kind) test {
	return func(n fixtures.Node) bool { return n.Kind() == k }
}

// compileList compiles an open list whose elements all satisfy a
// constraint: [...X].
func compileList(v cue.Value, refs int) (test, error) {
	it, err := v.List()
	if err != nil {
		return nil, refuse("a list CUE cannot iterate: %v", err)
	}
	if it.Next() {
		return nil, refuse("a list with fixed elements")
	}
	elem := v.LookupPath(cue.MakePath(cue.AnyIndex))
	if !elem.Exists() {
		// [], which only an empty list satisfies.
		return func(n fixtures.Node) bool { return n.Kind() == fixtures.ListKind && n.Len() == 0 }, nil
	}
	if elem.IncompleteKind()&(cue.StructKind|cue.ListKind) != 0 {
		return nil, refuse("a list of structs or lists")
	}
	et, err := compileValue(elem, refs)
	if err != nil {
		return nil, err
	}
	return func(n fixtures.Node) bool {
		if n.Kind() != fixtures.ListKind {
			return false
		}
		for i := range n.Len() {
			if !et(n.Index(i)) {
				return false
			}
		}
		return true
	}, nil
}

// scalar is a concrete scalar of a constraint, held so that a device's value
// can be compared with it exactly.
type scalar struct {
	kind  fixtures.Kind
	isInt bool
	num   float64
	dec   apd.Decimal
	str   string
	b     bool
}

func scalarOf(v cue.Value) (scalar, error) {
	switch v.Kind() {
	case cue.IntKind, cue.FloatKind, cue.NumberKind:
		s := scalar{kind: fixtures.NumberKind, isInt: v.Kind() == cue.IntKind}
		if _, _, err := s.dec.SetString(fmt.Sprint(v)); err != nil {
			return s, refuse("a number CUE cannot give: %v", err)
		}
		f, err := s.dec.Float64()
		if err != nil {
			return s, refuse("a number out of float64's range")
		}
		s.num = f
		return s, nil
	case cue.StringKind:
		str, err := v.String()
		return scalar{kind: fixtures.StringKind, str: str}, err
	case cue.BoolKind:
		b, err := v.Bool()
		return scalar{kind: fixtures.BoolKind, b: b}, err
	case cue.NullKind:
		return scalar{kind: fixtures.NullKind}, nil
	}
	return scalar{}, refuse("a concrete value of kind %v", v.Kind())
}

// compareNum compares a device's number with the scalar's exactly: floats
// decide where they differ (rounding keeps order), decimals where they tie.
func compareNum(n fixtures.Node, s *scalar) int {
	lit := n.Literal()
	f, ok := quickFloat(lit)
	if !ok {
		f = n.Float()
	}
	switch {
	case f < s.num:
		return -1
	case f > s.num:
		return 1
	case math.IsInf(f, 0) || math.IsNaN(f):
		return 0
	}
	var d apd.Decimal
	if _, _, err := d.SetString(lit); err != nil {
		return 0
	}
	return d.Cmp(&s.dec)
}

// pow10 are the powers of ten that a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// quickFloat parses the common number literals, such as "45" or "-12.75",
// exactly as strconv.ParseFloat would: an integer of at most 15 digits
// divided by an exact power of ten is correctly rounded. It reports false
// for anything else (exponents, long literals), which ParseFloat handles.
func quickFloat(lit string) (float64, bool) {
	neg := false
	if lit != "" && lit[0] == '-' {
		neg, lit = true, lit[1:]
	}
	if lit == "" || len(lit) > 16 {
		return 0, false
	}
	var mant uint64
	digits, frac, dot := 0, 0, false
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	f := float64(mant) / pow10[frac]
	if neg {
		f = -f
	}
	return f, true
}

// equalScalar reports whether a device's value unifies with a concrete
// scalar: the same kind (an int is not a float) and the same value.
func equalScalar(n fixtures.Node, s *scalar) bool {
	if n.Kind() != s.kind {
		return false
	}
	switch s.kind {
	case fixtures.NumberKind:
		return n.IsInt() == s.isInt && compareNum(n, s) == 0
	case fixtures.StringKind:
		return n.Str() == s.str
	case fixtures.BoolKind:
		return n.Bool() == s.b
	}
	return true // null
}

func compileEqual(v cue.Value) (test, error) {
	s, err := scalarOf(v)
	if err != nil {
		return nil, err
	}
	return func(n fixtures.Node) bool { return equalScalar(n, &s) }, nil
}

func compileBound(op cue.Op, args []cue.Value) (test, error) {
	if len(args) != 1 {
		return nil, refuse("a bound with %d operands", len(args))
	}
	s, err := scalarOf(args[0])
	if err != nil {
		return nil, err
	}
	if s.kind != fixtures.NumberKind && s.kind != fixtures.StringKind {
		return nil, refuse("a bound on a %v", args[0].Kind())
	}
	holds := func(c int) bool {
		switch op {
		case cue.GreaterThanEqualOp:
			return c >= 0
		case cue.GreaterThanOp:
			return c > 0
		case cue.LessThanEqualOp:
			return c <= 0
		default:
			return c < 0
		}
	}
	if s.kind == fixtures.StringKind {
		return func(n fixtures.Node) bool {
			return n.Kind() == fixtures.StringKind && holds(strings.Compare(n.Str(), s.str))
		}, nil
	}
	return func(n fixtures.Node) bool {
		return n.Kind() == fixtures.NumberKind && holds(compareNum(n, &s))
	}, nil
}

// compileNotEqual compiles !=X: a value of X's kind that differs from it.
// Numbers compare by value across int and float, as in CUE.
func compileNotEqual(args []cue.Value) (test, error) {
	if len(args) != 1 {
		return nil, refuse("!= with %d operands", len(args))
	}
	s, err := scalarOf(args[0])
	if err != nil {
		return nil, err
	}
	if s.kind == fixtures.NullKind {
		return nil, refuse("!=null")
	}
	return func(n fixtures.Node) bool {
		if n.Kind() != s.kind {
			return false
		}
		switch s.kind {
		case fixtures.NumberKind:
			return compareNum(n, &s) != 0
		case fixtures.StringKind:
			return n.Str() != s.str
		default:
			return n.Bool() != s.b
		}
	}, nil
}

func compileRegexp(op cue.Op, args []cue.Value) (test, error) {
	if len(args) != 1 {
		return nil, refuse("a regular expression with %d operands", len(args))
	}
	src, err := args[0].String()
	if err != nil {
		return nil, refuse("a regular expression that is not a string")
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, refuse("a regular expression Go cannot compile: %v", err)
	}
	want := op == cue.RegexMatchOp
	return func(n fixtures.Node) bool {
		return n.Kind() == fixtures.StringKind && re.MatchString(n.Str()) == want
	}, nil
}

// compileCall compiles the validators of CUE's list package that the fast
// path models.
func compileCall(args []cue.Value, refs int) (test, error) {
	if len(args) == 0 {
		return nil, refuse("a call without a function")
	}
	name := fmt.Sprint(args[0])
	args = args[1:]
	switch name {
	case "list.Contains":
		if len(args) != 1 || !args[0].IsConcrete() {
			return nil, refuse("list.Contains of a value that is not concrete")
		}
		s, err := scalarOf(args[0])
		if err != nil {
			return nil, err
		}
		return func(n fixtures.Node) bool {
			if n.Kind() != fixtures.ListKind {
				return false
			}
			for i := range n.Len() {
				if equalScalar(n.Index(i), &s) {
					return true
				}
			}
			return false
		}, nil
	case "list.MinItems", "list.MaxItems":
		if len(args) != 1 {
			return nil, refuse("%s with %d arguments", name, len(args))
		}
		limit, err := args[0].Int64()
		if err != nil {
			return nil, refuse("%s of a value that is not an int", name)
		}
		min := name == "list.MinItems"
		return func(n fixtures.Node) bool {
			if n.Kind() != fixtures.ListKind {
				return false
			}
			if min {
				return int64(n.Len()) >= limit
			}
			return int64(n.Len()) <= limit
		}, nil
	case "list.MatchN":
		if len(args) != 2 {
			return nil, refuse("list.MatchN with %d arguments", len(args))
		}
		count, err := compileValue(args[0], refs)
		if err != nil {
			return nil, err
		}
		if args[1].IncompleteKind()&(cue.StructKind|cue.ListKind) != 0 {
			return nil, refuse("list.MatchN of structs or lists")
		}
		match, err := compileValue(args[1], refs)
		if err != nil {
			return nil, err
		}
		return func(n fixtures.Node) bool {
			if n.Kind() != fixtures.ListKind {
				return false
			}
			k := 0
			for i := range n.Len() {
				if match(n.Index(i)) {
					k++
				}
			}
			return count(intNode(k))
		}, nil
	}
	return nil, refuse("the function %s", name)
}

// regularPrefix returns how many labels of path, from the first, name
// fields of v that are not optional.
func regularPrefix(v cue.Value, path []string) int {
	for i := range path {
		if !notOptional(v, path[:i+1]) {
			return i
		}
	}
	return len(path)
}

// smallInts holds trees of the ints 0 to 255, the counts of list.MatchN.
var smallInts = func() []*fixtures.Tree {
	out := make([]*fixtures.Tree, 256)
	for i := range out {
		t, err := fixtures.ParseTree([]byte(strconv.Itoa(i)), 1)
		if err != nil {
			panic(err) // an int always parses
		}
		out[i] = t
	}
	return out
}()

// intNode returns a node holding the int k.
func intNode(k int) fixtures.Node {
	if k < len(smallInts) {
		return smallInts[k].Root()
	}
	t, err := fixtures.ParseTree([]byte(strconv.Itoa(k)), 1)
	if err != nil {
		return fixtures.Node{}
	}
	return t.Root()
}
