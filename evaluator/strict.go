package evaluator

import (
	"fmt"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/ladderworks/ladder/spec"
)

// strictRequires compiles the revision a second time with every field that a
// criterion's require declares made required (`x!:`), and returns each
// criterion's require from it. That is the verdict rule
// written in CUE: a device that lacks a constrained field is an error of its
// own kind ("field is required but not present"), where plain unification
// would fill the field in from a concrete constraint and pass. Optional
// fields (`x?:`), definitions and hidden fields are left as they are.
func strictRequires(rev *spec.Revision) (map[*spec.Criterion]cue.Value, error) {
	inst := build.NewContext().NewInstance(rev.Dir, nil)
	for _, f := range rev.Files {
		file, err := parser.ParseFile(f.Name, f.Data)
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", f.Name, err)
		}
		markRequired(file.Decls, nil, false)
		if err := inst.AddSyntax(file); err != nil {
			return nil, fmt.Errorf("adding %s: %w", f.Name, err)
		}
	}
	v := rev.Context().BuildInstance(inst)
	if err := v.Err(); err != nil {
		return nil, fmt.Errorf("compiling revision %s with required fields: %w", rev.ID, err)
	}
	out := map[*spec.Criterion]cue.Value{}
	for _, c := range rev.Criteria() {
		path := cue.MakePath(cue.Str("categories"), cue.Str(c.Category), cue.Str("levels"), cue.Str(c.Level),
			cue.Str("criteria"), cue.Str(c.ID), cue.Str("require"))
		if r := v.LookupPath(path); r.Exists() {
			out[c] = r
		}
	}
	return out, nil
}

// markRequired walks declarations whose labels so far are path, and makes
// every regular field under a criterion's require required. Paths are
// followed through nested fields, embedded structs, conjunctions,
// disjunctions and the bodies of comprehensions.
func markRequired(decls []ast.Decl, path []string, inRequire bool) {
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.Field:
			name, _, err := ast.LabelName(d.Label)
			if err != nil {
				name = "" // a dynamic or pattern label
			}
			p := append(path[:len(path):len(path)], name)
			regular := name != "" && !strings.HasPrefix(name, "#") && !strings.HasPrefix(name, "_")
			if inRequire && regular && d.Constraint != token.OPTION {
				d.Constraint = token.NOT
			}
			markRequiredExpr(d.Value, p, inRequire || isRequirePath(p))
		case *ast.Comprehension:
			markRequiredExpr(d.Value, path, inRequire)
		case *ast.EmbedDecl:
			markRequiredExpr(d.Expr, path, inRequire)
		}
	}
}

func markRequiredExpr(e ast.Expr, path []string, inRequire bool) {
	switch e := e.(type) {
	case *ast.StructLit:
		markRequired(e.Elts, path, inRequire)
	case *ast.BinaryExpr:
		markRequiredExpr(e.X, path, inRequire)
		markRequiredExpr(e.Y, path, inRequire)
	case *ast.ParenExpr:
		markRequiredExpr(e.X, path, inRequire)
	}
}

// isRequirePath reports whether path is
// categories.<category>.levels.<level>.criteria.<id>.require.
func isRequirePath(p []string) bool {
	return len(p) == 7 && p[0] == "categories" && p[2] == "levels" && p[4] == "criteria" && p[6] == "require"
}
