package spec

import (
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/token"
)

// This file decides whether one constraint admits every value that another
// admits, which Compare needs to tell a tightened criterion from a loosened
// one. It asks CUE (cue.Value.Subsume) and guards against what CUE's
// subsumption gets wrong: it ignores the element constraints of lists, so
// that [...string] and [...int] subsume each other (cue-lang/cue#1654).
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
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok1 := c.rebuild(old)
	n, ok2 := c.rebuild(new)
	if !ok1 || !ok2 {
		return false, false
	}
	return covers(o, n), covers(n, o)
}

// covers reports whether a admits every value that b admits.
func covers(a, b cue.Value) bool {
	if a.Subsume(b) == nil && listsCover(a, b) {
		return true
	}
	return conjunctsCover(a, b)
}

// conjunctsCover reports whether every conjunct of a is also a conjunct of
// b, so that b is a & more. This holds for validators, which CUE does not
// subsume: list.Contains("noise") covers list.Contains("noise") &
// list.MinItems(2).
func conjunctsCover(a, b cue.Value) bool {
	have := map[string]bool{}
	for _, v := range conjuncts(b) {
		have[fingerprint(v)] = true
	}
	for _, v := range conjuncts(a) {
		if !have[fingerprint(v)] {
			return false
		}
	}
	return true
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
