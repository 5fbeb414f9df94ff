package spec

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/token"
)

// This file decides whether one constraint admits every value that another
// admits, which Compare needs to tell a tightened criterion from a loosened
// one. It asks CUE (cue.Value.Subsume) and fills in what CUE's subsumption
// does not know or gets wrong:
//   - it ignores the element constraints of lists, so that [...string] and
//     [...int] subsume each other (cue-lang/cue#1654);
//   - it ignores closedness: {dof: >=6} and close({dof: >=6}) subsume each
//     other, though the closed one refuses every other field;
//   - it cannot compare builtins: list.MinItems(2) and list.MinItems(3), or
//     math.MultipleOf(5) and math.MultipleOf(10);
//   - it cannot compare structs with comprehensions: a bound under an if
//     guard is compared with the guard set each way.
// Every answer is sound: "yes" is proven; "no" may mean "cannot tell", and
// the change is then reported as neither tighter nor looser.

// comparer compares values of two revisions. Revisions are compiled in
// contexts of their own, and CUE compares values of one context only, so it
// rebuilds both sides in a context of its own.
type comparer struct {
	ctx *cue.Context
	// mu guards ctx, which is not safe for concurrent use.
	mu sync.Mutex
}

func newComparer() *comparer {
	return &comparer{ctx: cuecontext.New()}
}

// rebuild returns v compiled afresh in the comparer's context. CUE's
// rendering of a value writes the definitions it uses inline, so the
// result stands alone.
func (c *comparer) rebuild(v cue.Value) (cue.Value, bool) {
	var out cue.Value
	switch n := v.Syntax().(type) {
	case ast.Expr:
		out = c.ctx.BuildExpr(n)
	case *ast.File:
		out = c.ctx.BuildFile(n)
	default:
		return cue.Value{}, false
	}
	return out, out.Err() == nil
}

// order reports whether old admits every value that new admits (new is
// tighter or the same) and whether new admits every value old admits (new
// is looser or the same).
func (c *comparer) order(old, new cue.Value) (oldCovers, newCovers bool) {
	if fingerprint(old) == fingerprint(new) {
		return true, true
	}
	olds, news, ok := guardInstances(old, new)
	if !ok {
		return false, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	oldCovers, newCovers = true, true
	for i := range olds {
		o, ok1 := c.rebuild(olds[i])
		n, ok2 := c.rebuild(news[i])
		if !ok1 || !ok2 {
			return false, false
		}
		oldCovers = oldCovers && covers(o, n)
		newCovers = newCovers && covers(n, o)
	}
	return oldCovers, newCovers
}

// covers reports whether a admits every value that b admits.
func covers(a, b cue.Value) bool {
	if a.Subsume(b) == nil && listsCover(a, b) && closedCovers(a, b) {
		return true
	}
	return structCovers(a, b) || conjunctsCover(a, b)
}

// structCovers compares two structs field by field: a admits every value b
// admits when each field a asks for, b asks for too and no more loosely;
// each field a allows optionally, b allows no more loosely; and a closed a
// allows every field b allows. It answers false for what it cannot tell:
// disjunctions and pattern constraints.
func structCovers(a, b cue.Value) bool {
	if a.IncompleteKind() != cue.StructKind || b.IncompleteKind() != cue.StructKind ||
		isDisjunction(a) || isDisjunction(b) || hasPatterns(a) || hasPatterns(b) {
		return false
	}
	if a.IsClosed() && !b.IsClosed() {
		return false
	}
	it, err := a.Fields(cue.Optional(true))
	if err != nil {
		return false
	}
	inA := map[string]bool{}
	for it.Next() {
		sel := it.Selector()
		if !sel.IsString() {
			return false
		}
		name := sel.Unquoted()
		inA[name] = true
		bf, bsel, found := anyField(b, name)
		switch {
		case sel.ConstraintType() == cue.OptionalConstraint && !found:
			// b must refuse the field, or allow any value of it that a does.
			if !b.IsClosed() || b.Allows(cue.Str(name)) {
				return false
			}
		case !found:
			return false
		case sel.ConstraintType() != cue.OptionalConstraint && bsel.ConstraintType() == cue.OptionalConstraint:
			// a asks for the field; b lets it be absent.
			return false
		case !covers(it.Value(), bf):
			return false
		}
	}
	if a.IsClosed() {
		it, err := b.Fields(cue.Optional(true))
		if err != nil {
			return false
		}
		for it.Next() {
			if sel := it.Selector(); !sel.IsString() || (!inA[sel.Unquoted()] && !a.Allows(sel)) {
				return false
			}
		}
	}
	return true
}

// anyField returns the field of a struct by its name, regular, required or
// optional, with its selector.
func anyField(v cue.Value, name string) (cue.Value, cue.Selector, bool) {
	for _, sel := range []cue.Selector{cue.Str(name), cue.Str(name).Required(), cue.Str(name).Optional()} {
		if f := v.LookupPath(cue.MakePath(sel)); f.Exists() {
			return f, sel, true
		}
	}
	return cue.Value{}, cue.Selector{}, false
}

// hasPatterns reports whether a struct holds a pattern constraint.
func hasPatterns(v cue.Value) bool {
	s, ok := v.Syntax(cue.Raw()).(*ast.StructLit)
	if !ok {
		return false
	}
	for _, e := range s.Elts {
		if f, ok := e.(*ast.Field); ok {
			if _, pattern := f.Label.(*ast.ListLit); pattern {
				return true
			}
		}
	}
	return false
}

// closedCovers checks what CUE's subsumption ignores: that wherever a is a
// closed struct, b is closed too and allows no field that a refuses. It
// answers false for closed structs it cannot walk.
func closedCovers(a, b cue.Value) bool {
	if (a.IncompleteKind()|b.IncompleteKind())&cue.StructKind == 0 {
		return true // closedness is of structs; lists' elements are compared on their own
	}
	if !hasClosed(a) && !hasClosed(b) {
		return true
	}
	if a.IncompleteKind() != cue.StructKind || b.IncompleteKind() != cue.StructKind {
		return !hasClosed(a)
	}
	if isDisjunction(a) || isDisjunction(b) {
		return false
	}
	if a.IsClosed() && !b.IsClosed() {
		return false
	}
	it, err := b.Fields(cue.Optional(true))
	if err != nil {
		return false
	}
	for it.Next() {
		sel := it.Selector()
		if a.IsClosed() && !a.Allows(sel) {
			return false
		}
		if !sel.IsString() {
			continue
		}
		if af, _, ok := anyField(a, sel.Unquoted()); ok && !closedCovers(af, it.Value()) {
			return false
		}
	}
	return true
}

// hasClosed reports whether a value holds a closed struct, of close() or
// of a definition, anywhere.
func hasClosed(v cue.Value) bool {
	if v.IsClosed() {
		return true
	}
	found := false
	ast.Walk(v.Syntax(), func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "close" {
				found = true
			}
		case *ast.Ident:
			if strings.HasPrefix(n.Name, "#") || strings.HasPrefix(n.Name, "_#") {
				found = true
			}
		}
		return !found
	}, nil)
	return found
}

// conjunctsCover reports whether every conjunct of a admits every value of
// some conjunct of b, so that b is at least as strict: list.Contains("x")
// covers list.Contains("x") & list.MinItems(2), and list.MinItems(2) covers
// list.MinItems(3).
func conjunctsCover(a, b cue.Value) bool {
	bs := conjuncts(b)
	for _, x := range conjuncts(a) {
		if !slices.ContainsFunc(bs, func(y cue.Value) bool { return atomCovers(x, y) }) {
			return false
		}
	}
	return true
}

// atomCovers reports whether one conjunct admits every value of another.
func atomCovers(x, y cue.Value) bool {
	if fingerprint(x) == fingerprint(y) {
		return true
	}
	if c, ok := builtinCovers(x, y); ok {
		return c
	}
	if isCall(x) || isCall(y) {
		return false
	}
	return x.Subsume(y) == nil && listsCover(x, y) && closedCovers(x, y)
}

// isCall reports whether a value is a call of a builtin.
func isCall(v cue.Value) bool {
	op, _ := v.Expr()
	return op == cue.CallOp
}

// builtinCovers compares calls of the same builtin whose arguments order
// them: MinItems, MaxItems and MatchN of lists, MinRunes and MaxRunes of
// strings, MinFields and MaxFields of structs, and MultipleOf. It reports
// false for ok when it cannot tell.
func builtinCovers(x, y cue.Value) (covers, ok bool) {
	fx, ax, okx := call(x)
	fy, ay, oky := call(y)
	if !okx || !oky || fx != fy || len(ax) != len(ay) {
		return false, false
	}
	switch fx {
	case "list.MinItems", "strings.MinRunes", "struct.MinFields":
		nx, ny, ok := int64s(ax, ay)
		return ok && nx <= ny, ok
	case "list.MaxItems", "strings.MaxRunes", "struct.MaxFields":
		nx, ny, ok := int64s(ax, ay)
		return ok && nx >= ny, ok
	case "math.MultipleOf":
		// Every multiple of y's divisor is one of x's when x's divides it.
		if len(ax) != 1 {
			return false, false
		}
		dx, errx := ax[0].Float64()
		dy, erry := ay[0].Float64()
		if errx != nil || erry != nil || dx == 0 {
			return false, false
		}
		q := dy / dx
		return q == float64(int64(q)), true
	case "list.MatchN":
		// The same matcher, counted by constraints that order.
		if len(ax) != 2 || fingerprint(ax[1]) != fingerprint(ay[1]) {
			return false, false
		}
		return ax[0].Subsume(ay[0]) == nil, true
	}
	return false, false
}

// call splits a call of a builtin into its name and arguments.
func call(v cue.Value) (string, []cue.Value, bool) {
	op, args := v.Expr()
	if op != cue.CallOp || len(args) == 0 {
		return "", nil, false
	}
	return fmt.Sprint(args[0]), args[1:], true
}

// int64s reads the single int arguments of two calls.
func int64s(ax, ay []cue.Value) (int64, int64, bool) {
	if len(ax) != 1 || len(ay) != 1 {
		return 0, 0, false
	}
	nx, errx := ax[0].Int64()
	ny, erry := ay[0].Int64()
	return nx, ny, errx == nil && erry == nil
}

// conjuncts splits a value written as x & y & ... into its parts.
func conjuncts(v cue.Value) []cue.Value {
	op, args := v.Expr()
	if op != cue.AndOp {
		return []cue.Value{v}
	}
	var out []cue.Value
	for _, a := range args {
		out = append(out, conjuncts(a)...)
	}
	return out
}

// guardInstances returns two requires as pairs of instances without if
// guards: each guard, a boolean field that both ask for, set to each of
// its values in turn. Requires without guards are their own instances. It
// reports false when a require has a comprehension of another kind.
func guardInstances(old, new cue.Value) ([]cue.Value, []cue.Value, bool) {
	og, ok1 := guards(old)
	ng, ok2 := guards(new)
	if !ok1 || !ok2 {
		return nil, nil, false
	}
	all := map[string][]string{}
	for _, g := range append(og, ng...) {
		all[pathKey(g)] = g
	}
	if len(all) == 0 {
		return []cue.Value{old}, []cue.Value{new}, true
	}
	if len(all) > 3 {
		return nil, nil, false
	}
	var paths []cue.Path
	for _, key := range slices.Sorted(maps.Keys(all)) {
		p := cue.MakePath(strSelectors(all[key])...)
		for _, v := range []cue.Value{old, new} {
			// The guard must be a bool that every value asks for, in both.
			if f := v.LookupPath(p); f.IncompleteKind() != cue.BoolKind || !regularAlong(v, all[key]) {
				return nil, nil, false
			}
		}
		paths = append(paths, p)
	}
	var olds, news []cue.Value
	for set := range 1 << len(paths) {
		o, n := old, new
		for i, p := range paths {
			o, n = o.FillPath(p, set&(1<<i) != 0), n.FillPath(p, set&(1<<i) != 0)
		}
		if o.Err() != nil || n.Err() != nil {
			return nil, nil, false
		}
		olds, news = append(olds, o), append(news, n)
	}
	return olds, news, true
}

// guards returns the paths of the if guards of a value's comprehensions,
// such as measurements.g for `if measurements.g {...}` in measurements;
// false when a comprehension is anything else.
func guards(v cue.Value) ([][]string, bool) {
	var out [][]string
	ok := true
	var path []string
	ast.Walk(v.Syntax(cue.Raw()), func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			name, _, err := ast.LabelName(n.Label)
			if err != nil {
				name = ""
			}
			path = append(path, name)
		case *ast.Comprehension:
			g, err := GuardPath(n, path)
			if err != nil {
				ok = false
				return false
			}
			out = append(out, g)
		}
		return ok
	}, func(n ast.Node) {
		if _, isField := n.(*ast.Field); isField && len(path) > 0 {
			path = path[:len(path)-1]
		}
	})
	return out, ok
}

// GuardPath reads the condition of a comprehension `if x.y {...}` that
// stands in the struct at path of a require, and returns the condition's
// path in the require: x names the innermost enclosing field of that name,
// else a field of the struct itself. It fails for a comprehension of any
// other kind.
func GuardPath(c *ast.Comprehension, path []string) ([]string, error) {
	if len(c.Clauses) != 1 {
		return nil, fmt.Errorf("a comprehension with %d clauses", len(c.Clauses))
	}
	ifc, ok := c.Clauses[0].(*ast.IfClause)
	if !ok {
		return nil, errors.New("a comprehension that is not an if")
	}
	var labels []string
	for e := ifc.Condition; ; {
		switch x := e.(type) {
		case *ast.Ident:
			labels = append([]string{x.Name}, labels...)
		case *ast.SelectorExpr:
			name, _, err := ast.LabelName(x.Sel)
			if err != nil {
				return nil, errors.New("a guard with a dynamic selector")
			}
			labels = append([]string{name}, labels...)
			e = x.X
			continue
		default:
			return nil, errors.New("a guard that is not a field reference")
		}
		break
	}
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == labels[0] {
			return append(slices.Clone(path[:i+1]), labels[1:]...), nil
		}
	}
	return append(slices.Clone(path), labels...), nil
}

// regularAlong reports whether every field on a path of v is regular or
// required, not optional.
func regularAlong(v cue.Value, path []string) bool {
	for _, name := range path {
		f, sel, ok := anyField(v, name)
		if !ok || sel.ConstraintType() == cue.OptionalConstraint {
			return false
		}
		v = f
	}
	return true
}

// strSelectors are the selectors of a path of labels.
func strSelectors(path []string) []cue.Selector {
	out := make([]cue.Selector, len(path))
	for i, l := range path {
		out[i] = cue.Str(l)
	}
	return out
}

// listsCover checks, where CUE's subsumption does not, that the lists in a
// admit every list that the lists in b admit. It answers false where it
// cannot tell.
func listsCover(a, b cue.Value) bool {
	ka, kb := a.IncompleteKind(), b.IncompleteKind()
	hasList := (ka|kb)&cue.ListKind != 0
	switch {
	case ka == cue.BottomKind || kb == cue.BottomKind:
		// A list validated by a builtin has no kind to read here.
		return false
	case ka == cue.StructKind && kb == cue.StructKind:
		if isDisjunction(a) || isDisjunction(b) {
			return !containsList(a) && !containsList(b)
		}
		it, err := a.Fields(cue.Optional(true))
		if err != nil {
			return false
		}
		for it.Next() {
			w := b.LookupPath(cue.MakePath(it.Selector()))
			if w.Exists() && !listsCover(it.Value(), w) {
				return false
			}
		}
		return true
	case !hasList:
		return true
	case ka != cue.ListKind || kb != cue.ListKind || isDisjunction(a) || isDisjunction(b):
		return false
	}
	ea, eb := a.LookupPath(cue.MakePath(cue.AnyIndex)), b.LookupPath(cue.MakePath(cue.AnyIndex))
	if fixedElements(a) > 0 || fixedElements(b) > 0 {
		return false
	}
	switch {
	case !eb.Exists():
		// b admits only the empty list, which every list type admits.
		return true
	case !ea.Exists():
		// a admits only the empty list and b more.
		return false
	}
	return covers(ea, eb)
}

// fixedElements counts the elements a list value declares one by one.
func fixedElements(v cue.Value) int {
	it, err := v.List()
	if err != nil {
		return 0
	}
	n := 0
	for it.Next() {
		n++
	}
	return n
}

func isDisjunction(v cue.Value) bool {
	op, _ := v.Expr()
	return op == cue.OrOp
}

// containsList reports whether a value's syntax holds a list anywhere.
func containsList(v cue.Value) bool {
	found := false
	ast.Walk(v.Syntax(cue.Raw()), func(n ast.Node) bool {
		if _, ok := n.(*ast.ListLit); ok {
			found = true
		}
		return !found
	}, nil)
	return found
}

// isPlainRequire reports whether a require is a struct of regular fields,
// nested or not, whose values are constraints on single fields: no
// comprehension, embedding, struct disjunction, pattern or optional field.
// Its meaning is then the conjunction of the constraints of its leaves, each
// on a field that must be present, and it can be compared leaf by leaf.
func isPlainRequire(v cue.Value) bool {
	var plainStruct func(s *ast.StructLit) bool
	plainLeaf := func(e ast.Expr) bool {
		ok := true
		ast.Walk(e, func(n ast.Node) bool {
			switch n.(type) {
			case *ast.StructLit, *ast.Comprehension, *ast.Field:
				ok = false
			}
			return ok
		}, nil)
		return ok
	}
	plainStruct = func(s *ast.StructLit) bool {
		for _, d := range s.Elts {
			f, ok := d.(*ast.Field)
			if !ok {
				if _, comment := d.(*ast.CommentGroup); comment {
					continue
				}
				return false
			}
			if f.Constraint != token.ILLEGAL {
				return false // optional or required marker
			}
			if _, _, err := ast.LabelName(f.Label); err != nil {
				return false
			}
			if sub, ok := f.Value.(*ast.StructLit); ok {
				if !plainStruct(sub) {
					return false
				}
				continue
			}
			if !plainLeaf(f.Value) {
				return false
			}
		}
		return true
	}
	switch n := v.Syntax(cue.Raw()).(type) {
	case *ast.StructLit:
		return plainStruct(n)
	case *ast.File:
		var decls []ast.Decl
		for _, d := range n.Decls {
			switch d.(type) {
			case *ast.ImportDecl, *ast.Package, *ast.CommentGroup:
			default:
				decls = append(decls, d)
			}
		}
		return plainStruct(&ast.StructLit{Elts: decls})
	}
	return false
}
