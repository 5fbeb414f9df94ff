package spec

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
)

// fingerprint identifies what a value means. It hashes CUE's own
// rendering of the value, which writes every definition the criterion refers
// to inline: a change to such a definition changes the fingerprint of exactly
// the values that use it. Comments and formatting are not part of the
// rendering, and fields are put in order of their labels first, so that
// neither changes it.
func fingerprint(v cue.Value) string {
	n := v.Syntax()
	ast.Walk(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.File:
			n.Decls = sortDecls(n.Decls)
		case *ast.StructLit:
			n.Elts = sortDecls(n.Elts)
		}
		return true
	}, nil)
	b, err := format.Node(n)
	if err != nil {
		b = fmt.Appendf(nil, "%v", v)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// sortDecls orders a list of declarations canonically without changing its
// meaning: package and imports first, then fields by label, then everything
// else (let clauses, comprehensions, embeddings) in its original order.
func sortDecls(decls []ast.Decl) []ast.Decl {
	rank := func(d ast.Decl) int {
		switch d := d.(type) {
		case *ast.Package, *ast.ImportDecl:
			return 0
		case *ast.Field:
			if _, _, err := ast.LabelName(d.Label); err == nil {
				return 1
			}
		}
		return 2
	}
	label := func(d ast.Decl) string {
		if f, ok := d.(*ast.Field); ok {
			name, _, _ := ast.LabelName(f.Label)
			return name
		}
		return ""
	}
	out := slices.Clone(decls)
	slices.SortStableFunc(out, func(a, b ast.Decl) int {
		ra, rb := rank(a), rank(b)
		if ra != rb || ra != 1 {
			return cmp.Compare(ra, rb)
		}
		return cmp.Compare(label(a), label(b))
	})
	return out
}

// hashStrings hashes a list of strings, each delimited, so that no two lists
// hash alike by running one string into the next.
func hashStrings(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
