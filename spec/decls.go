package spec

import (
	"slices"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"
)

// decl is one declaration of a field in a revision's source. CUE lets the
// same field be declared in many places and unifies them; the index keeps
// every place, which the compiled value does not.
type decl struct {
	path  []string
	field *ast.Field
	// guarded is set for a field declared inside a comprehension or a
	// disjunction, which exists only under a condition.
	guarded bool
}

func (d *decl) pos() Position { return positionOf(d.field.Label.Pos()) }

// declIndex indexes the field declarations of a revision's files by their
// label path from the package root.
type declIndex struct {
	all    []*decl
	byPath map[string][]*decl
}

func pathKey(path []string) string { return strings.Join(path, "\x00") }

func indexDecls(files []*ast.File) *declIndex {
	x := &declIndex{byPath: map[string][]*decl{}}
	for _, f := range files {
		x.walkDecls(nil, f.Decls, false)
	}
	return x
}

func (x *declIndex) walkDecls(path []string, decls []ast.Decl, guarded bool) {
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.Field:
			name, _, err := ast.LabelName(d.Label)
			if err != nil {
				// A pattern constraint or a dynamic label: it names no
				// single field.
				continue
			}
			p := append(slices.Clip(path), name)
			dc := &decl{path: p, field: d, guarded: guarded}
			x.all = append(x.all, dc)
			x.byPath[pathKey(p)] = append(x.byPath[pathKey(p)], dc)
			x.walkExpr(p, d.Value, guarded)
		case *ast.Comprehension:
			x.walkExpr(path, d.Value, true)
		case *ast.EmbedDecl:
			x.walkExpr(path, d.Expr, guarded)
		}
	}
}

func (x *declIndex) walkExpr(path []string, e ast.Expr, guarded bool) {
	switch e := e.(type) {
	case *ast.StructLit:
		x.walkDecls(path, e.Elts, guarded)
	case *ast.ParenExpr:
		x.walkExpr(path, e.X, guarded)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.AND:
			x.walkExpr(path, e.X, guarded)
			x.walkExpr(path, e.Y, guarded)
		case token.OR:
			x.walkExpr(path, e.X, true)
			x.walkExpr(path, e.Y, true)
		}
	}
}

// lookup returns the declarations of the field at path, in source order.
func (x *declIndex) lookup(path ...string) []*decl {
	if x == nil {
		return nil
	}
	return x.byPath[pathKey(path)]
}

// under returns the declarations of every field strictly below prefix.
func (x *declIndex) under(prefix ...string) []*decl {
	if x == nil {
		return nil
	}
	var out []*decl
	for _, d := range x.all {
		if len(d.path) > len(prefix) && slices.Equal(d.path[:len(prefix)], prefix) {
			out = append(out, d)
		}
	}
	return out
}
