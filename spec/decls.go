package spec

import (
	"slices"
	"strings"
	"sync"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"
)

// decl is one declaration of a field in a revision's source. CUE lets the
// same field be declared in many places and unifies them; the index keeps
// every place, which the compiled value does not.
type decl struct {
	path []string
	// key is pathKey(path).
	key   string
	field *ast.Field
	// at is the position of the field's label.
	at Position
	// guarded is set for a field declared inside a comprehension or a
	// disjunction, which exists only under a condition.
	guarded bool
}

func (d *decl) pos() Position { return d.at }

// declIndex indexes the field declarations of a revision's files by their
// label path from the package root.
type declIndex struct {
	all    []*decl
	byPath map[string][]*decl

	// below indexes the declarations strictly below each path of a given
	// length, by length and path key; it is built on demand, under mu.
	mu    sync.Mutex
	below map[int]map[string][]*decl
}

func pathKey(path []string) string { return strings.Join(path, "\x00") }

// indexDecls indexes the declarations of whole files.
func indexDecls(files []*ast.File) *declIndex {
	var all []*decl
	for _, f := range files {
		all = append(all, fileDecls(f, nil)...)
	}
	return newDeclIndex(all)
}

// newDeclIndex indexes declarations given in source order.
func newDeclIndex(all []*decl) *declIndex {
	x := &declIndex{all: all, byPath: make(map[string][]*decl, len(all))}
	for _, d := range all {
		x.byPath[d.key] = append(x.byPath[d.key], d)
	}
	return x
}

// fileDecls returns the field declarations of one file in source order. If
// onDecl is not nil, it is called for each declaration with whether the
// field or one of the fields it is declared in has an alias.
func fileDecls(f *ast.File, onDecl func(d *decl, aliased bool)) []*decl {
	w := &declWalker{onDecl: onDecl}
	w.walkDecls(nil, f.Decls, false, false)
	return w.all
}

type declWalker struct {
	all    []*decl
	onDecl func(d *decl, aliased bool)
}

func (x *declWalker) walkDecls(path []string, decls []ast.Decl, guarded, aliased bool) {
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
			dc := &decl{path: p, key: pathKey(p), field: d, at: positionOf(d.Label.Pos()), guarded: guarded}
			x.all = append(x.all, dc)
			_, labelAlias := d.Label.(*ast.Alias)
			al := aliased || labelAlias || d.Alias != nil
			if x.onDecl != nil {
				x.onDecl(dc, al)
			}
			x.walkExpr(p, d.Value, guarded, al)
		case *ast.Comprehension:
			x.walkExpr(path, d.Value, true, aliased)
		case *ast.EmbedDecl:
			x.walkExpr(path, d.Expr, guarded, aliased)
		}
	}
}

func (x *declWalker) walkExpr(path []string, e ast.Expr, guarded, aliased bool) {
	switch e := e.(type) {
	case *ast.StructLit:
		x.walkDecls(path, e.Elts, guarded, aliased)
	case *ast.ParenExpr:
		x.walkExpr(path, e.X, guarded, aliased)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.AND:
			x.walkExpr(path, e.X, guarded, aliased)
			x.walkExpr(path, e.Y, guarded, aliased)
		case token.OR:
			x.walkExpr(path, e.X, true, aliased)
			x.walkExpr(path, e.Y, true, aliased)
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

// under returns the declarations of every field strictly below prefix, in
// source order.
func (x *declIndex) under(prefix ...string) []*decl {
	if x == nil {
		return nil
	}
	n := len(prefix)
	x.mu.Lock()
	defer x.mu.Unlock()
	byPrefix, ok := x.below[n]
	if !ok {
		byPrefix = map[string][]*decl{}
		for _, d := range x.all {
			if len(d.path) > n {
				k := pathKey(d.path[:n])
				byPrefix[k] = append(byPrefix[k], d)
			}
		}
		if x.below == nil {
			x.below = map[int]map[string][]*decl{}
		}
		x.below[n] = byPrefix
	}
	return slices.Clone(byPrefix[pathKey(prefix)])
}
