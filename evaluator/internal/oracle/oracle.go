package oracle

import (
	"fmt"
	"slices"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/ast/astutil"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
)

// Oracle decides verdicts in a CUE context of its own.
type Oracle struct {
	ctx *cue.Context
	// alts caches the alternatives of each require, by its text.
	alts map[string][]cue.Value
}

// New returns an oracle.
func New() *Oracle {
	return &Oracle{ctx: cuecontext.New(), alts: map[string][]cue.Value{}}
}

// Device compiles a device record from its JSON, in the oracle's context.
func (o *Oracle) Device(json []byte) (cue.Value, error) {
	v := o.ctx.CompileBytes(json)
	if err := v.Err(); err != nil {
		return cue.Value{}, fmt.Errorf("oracle: the device does not compile: %w", err)
	}
	return v, nil
}

// Verdict decides a criterion's require on a device compiled by Device:
// "pass", "fail" or "missing".
func (o *Oracle) Verdict(require, dev cue.Value) (string, error) {
	alts, err := o.alternatives(require)
	if err != nil {
		return "", err
	}
	best := ""
	for _, alt := range alts {
		v := o.plain(alt, dev)
		if best == "" || oracleRank(v) > oracleRank(best) {
			best = v
		}
	}
	return best, nil
}

func oracleRank(v string) int {
	return map[string]int{"missing": 0, "fail": 1, "pass": 2}[v]
}

// plain decides one alternative, free of disjunctions of structs.
func (o *Oracle) plain(alt, dev cue.Value) string {
	u := dev.Unify(alt)
	if lacks(alt, u, dev) {
		return "missing"
	}
	if u.Validate(cue.Concrete(true)) != nil {
		return "fail"
	}
	return "pass"
}

// lacks reports whether the device lacks a field that the alternative, or
// its unification with the device, asks for (a regular or required field,
// at any depth).
func lacks(alt, u, dev cue.Value) bool {
	type field struct {
		label    string
		optional bool
	}
	var fields []field
	for _, v := range []cue.Value{alt, u} {
		if !v.Exists() {
			continue
		}
		it, err := v.Fields(cue.Optional(true))
		if err != nil {
			continue
		}
		for it.Next() {
			if sel := it.Selector(); sel.IsString() {
				fields = append(fields, field{sel.Unquoted(), sel.ConstraintType() == cue.OptionalConstraint})
			}
		}
	}
	for _, f := range fields {
		d := dev.LookupPath(cue.MakePath(cue.Str(f.label)))
		if dev.Kind() != cue.StructKind {
			d = cue.Value{}
		}
		if !d.Exists() {
			if f.optional {
				continue // an optional field asks something only of a device that has it
			}
			return true
		}
		// The device has the field: what the require asks of it is asked,
		// fields of a struct included, whatever the device's value is.
		a, w := anyField(alt, f.label), anyField(u, f.label)
		if (d.Kind() == cue.StructKind || isStruct(a)) && lacks(a, w, d) {
			return true
		}
	}
	return false
}

// isStruct reports whether a value of the require is a struct.
func isStruct(v cue.Value) bool {
	return v.Exists() && v.IncompleteKind()&cue.StructKind != 0
}

// anyField returns a field of v, regular, optional or required.
func anyField(v cue.Value, label string) cue.Value {
	for _, s := range []cue.Selector{cue.Str(label), cue.Str(label).Optional(), cue.Str(label).Required()} {
		if f := v.LookupPath(cue.MakePath(s)); f.Exists() {
			return f
		}
	}
	return cue.Value{}
}

// alternatives writes a require out as self-contained CUE (a file, with the
// imports it needs, that embeds the require), expands its disjunctions of
// structs and compiles each alternative with its regular fields required.
func (o *Oracle) alternatives(require cue.Value) ([]cue.Value, error) {
	alts, broken, err := o.compile(require, cue.Docs(false), cue.Optional(true), cue.Attributes(false))
	if err == nil && broken {
		// CUE writes some references out of scope (a let bound to a
		// definition): write the require out resolved instead, which
		// keeps its meaning for these.
		alts, _, err = o.compile(require, cue.Final(), cue.Docs(false), cue.Optional(true), cue.Attributes(false))
	}
	return alts, err
}

// compile writes a require out with the options and compiles its
// alternatives. Broken reports that one does not compile for want of a
// reference.
func (o *Oracle) compile(require cue.Value, opts ...cue.Option) (alts []cue.Value, broken bool, err error) {
	src, err := format.Node(require.Syntax(opts...))
	if err != nil {
		return nil, false, fmt.Errorf("oracle: writing the require: %w", err)
	}
	// CUE writes the bound < -1 as <-1, which it cannot read back.
	src = []byte(strings.ReplaceAll(string(src), "<-", "< -"))
	if alts, ok := o.alts[string(src)]; ok {
		return alts, false, nil
	}
	texts, err := expand(string(src))
	if err != nil {
		return nil, false, err
	}
	var out []cue.Value
	for _, text := range texts {
		f, err := parser.ParseFile("alt.cue", text)
		if err != nil {
			return nil, false, fmt.Errorf("oracle: %w\n%s", err, text)
		}
		required(f)
		pruneLets(f)
		pruneImports(f)
		v := o.ctx.BuildFile(f)
		if err := v.Err(); err != nil {
			if strings.Contains(err.Error(), "reference") && strings.Contains(err.Error(), "not found") {
				return nil, true, nil
			}
			// A contradiction within one alternative: no device passes it,
			// as CUE drops such an alternative.
			continue
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		out = []cue.Value{o.ctx.CompileString("_|_")}
	}
	o.alts[string(src)] = out
	return out, false, nil
}

// expand returns the alternatives of an expression's text: one for every
// choice at every disjunction that has a struct among its operands.
func expand(src string) ([]string, error) {
	first := func() (*ast.File, *ast.BinaryExpr, error) {
		e, err := parser.ParseFile("alt.cue", src)
		if err != nil {
			return nil, nil, fmt.Errorf("oracle: %w\n%s", err, src)
		}
		var target *ast.BinaryExpr
		ast.Walk(e, func(n ast.Node) bool {
			if target != nil {
				return false
			}
			if b, ok := n.(*ast.BinaryExpr); ok && b.Op == token.OR && slices.ContainsFunc(operands(b), isStructLit) {
				target = b
				return false
			}
			return true
		}, nil)
		return e, target, nil
	}
	_, target, err := first()
	if err != nil {
		return nil, err
	}
	if target == nil {
		return []string{src}, nil
	}
	var out []string
	for k := range operands(target) {
		// Parse afresh, and put the k-th operand where the disjunction was.
		e, target, _ := first()
		alt := operands(target)[k]
		if u, ok := alt.(*ast.UnaryExpr); ok && u.Op == token.MUL {
			alt = u.X // a default is an alternative like any other
		}
		replaced := astutil.Apply(e, func(c astutil.Cursor) bool {
			if c.Node() == ast.Node(target) {
				c.Replace(alt)
				return false
			}
			return true
		}, nil)
		b, err := format.Node(replaced)
		if err != nil {
			return nil, fmt.Errorf("oracle: %w", err)
		}
		more, err := expand(string(b))
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

// operands flattens a disjunction into its operands.
func operands(b *ast.BinaryExpr) []ast.Expr {
	var out []ast.Expr
	for _, x := range []ast.Expr{b.X, b.Y} {
		if p, ok := x.(*ast.ParenExpr); ok {
			x = p.X
		}
		if bb, ok := x.(*ast.BinaryExpr); ok && bb.Op == token.OR {
			out = append(out, operands(bb)...)
		} else {
			out = append(out, x)
		}
	}
	return out
}

// isStructLit reports whether an operand is a struct, possibly a default
// or closed.
func isStructLit(e ast.Expr) bool {
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.MUL {
		e = u.X
	}
	if c, ok := e.(*ast.CallExpr); ok && len(c.Args) == 1 {
		if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "close" {
			e = c.Args[0]
		}
	}
	_, ok := e.(*ast.StructLit)
	return ok
}

// required makes every regular field of an expression required, but those
// of definitions, hidden fields and pattern constraints.
func required(e ast.Node) {
	ast.Walk(e, func(n ast.Node) bool {
		if f, ok := n.(*ast.Field); ok {
			name, _, err := ast.LabelName(f.Label)
			if err == nil && !strings.HasPrefix(name, "#") && !strings.HasPrefix(name, "_") && f.Constraint == token.ILLEGAL {
				f.Constraint = token.NOT
			}
		}
		return true
	}, nil)
}

// pruneImports drops the imports that an alternative no longer uses, which
// CUE refuses.
func pruneImports(f *ast.File) {
	used := map[string]bool{}
	ast.Walk(f, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := s.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	}, nil)
	var decls []ast.Decl
	for _, d := range f.Decls {
		if imp, ok := d.(*ast.ImportDecl); ok {
			var specs []*ast.ImportSpec
			for _, spec := range imp.Specs {
				name := strings.Trim(spec.Path.Value, `"`)
				if spec.Name != nil {
					name = spec.Name.Name
				} else if i := strings.LastIndex(name, "/"); i >= 0 {
					name = name[i+1:]
				}
				if used[name] {
					specs = append(specs, spec)
				}
			}
			if len(specs) == 0 {
				continue
			}
			imp.Specs = specs
		}
		decls = append(decls, d)
	}
	f.Decls = decls
}

// pruneLets drops the let clauses that an alternative no longer uses, which
// CUE refuses, until none is left unused.
func pruneLets(f *ast.File) {
	for {
		used := map[string]int{}
		ast.Walk(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name]++
			}
			return true
		}, nil)
		removed := false
		astutil.Apply(f, func(c astutil.Cursor) bool {
			if l, ok := c.Node().(*ast.LetClause); ok && used[l.Ident.Name] <= 1 {
				c.Delete()
				removed = true
				return false
			}
			return true
		}, nil)
		if !removed {
			return
		}
	}
}
