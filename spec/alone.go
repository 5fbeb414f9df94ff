package spec

import (
	"bytes"
	"maps"
	"slices"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"
)

// Most edits at the workbench change one criterion's require, a threshold
// or a field, and a reload then parses every file of the revision and
// builds the whole package again to learn one value. So when the last load
// of a revision in the workspace compiled and the only change to its source
// since lies inside the require of one criterion, Load builds that
// criterion alone, in the CUE context of the last load, in the scope of the
// revision it compiled: its declaration, from a tree of the edited file,
// under the criterion's path, so that its values have the paths and
// positions that a full build gives them. The new revision is then read
// from the last one's value, with that criterion's value replaced, by the
// same reader as any load (read.go), taking over what was read of the rest
// (memo.go).
//
// It is done only where it gives exactly the revision that a full load
// gives, and checked each time:
//
//   - the memos may be used (no code can refer to a criterion, see
//     memo.go), the files are the same but one, and the text outside the
//     require's value is unchanged, the new value spanning exactly the
//     edited stretch of the file;
//   - the criterion and its require have one declaration each, the one
//     edited, and are not constrained from elsewhere: no other conjunct,
//     no pattern constraint on the path to them;
//   - every identifier that the criterion's declaration uses and does not
//     declare is a field of the package (not hidden), a predeclared name
//     such as int, or an import of the file: nothing names a field of a
//     struct around the criterion, a let or an alias;
//   - the first time a criterion is built alone after a full build, its
//     text as it was is built alone too, and must mean what the full build
//     made of it;
//   - the criterion built alone validates as the whole revision does;
//   - where the edit moves what follows it in its file (a line more or
//     less, or columns on its last line), whatever follows is criteria,
//     which are built alone again and must mean what they meant, or the
//     structs that hold them; positions in the model come from the
//     declarations, as in a full load.
//
// Anything else, an error included, is a full load, so that errors and
// their positions are always those of a full load. The revision's Value is
// the exception: it stays the value of the last full build, with the
// require as it was then (see Revision.Value). After maxAlone builds alone
// in one context, which keeps every value built in it, Load compiles the
// revision afresh.

// maxAlone is how many criteria a workspace builds alone in the context of
// one full build of a revision before it builds the revision afresh.
const maxAlone = 256

// lastLoad is what Load keeps of the last load of a revision that compiled
// and read without CUE's loader, for an edit of one require.
type lastLoad struct {
	rev    *Revision
	module []byte
	// srcs are the revision's source files, in the order of its files, and
	// memo the memo table of the load.
	srcs []*sourceFile
	memo *memoTable
	// importPath is the import path of the revision's package.
	importPath string
	// alone counts the criteria built alone in rev's context, and replaced
	// holds the values of those that stand in for the full build's in rev,
	// by path key.
	alone    int
	replaced map[string]cue.Value
	// checked are the path keys of the criteria whose text as the full
	// build read it, built alone, meant what the full build made of it.
	checked map[string]bool
}

// keepLast records a load that compiled in full, with its memo table (nil
// if it may not be used), for the next.
func (w *Workspace) keepLast(id string, l *lastLoad) {
	if w.last == nil {
		w.last = map[string]*lastLoad{}
	}
	if l == nil || l.memo == nil {
		delete(w.last, id)
		return
	}
	w.last[id] = l
}

// loadAlone loads a revision whose source differs from the last load's
// inside one criterion's require by building that criterion alone, as
// described above. It reports false, having changed nothing, when it may
// not, and the revision must be loaded in full.
func (w *Workspace) loadAlone(id, version, dir string, mod *moduleFile, files []*File) (*Revision, bool) {
	last := w.last[id]
	if last == nil || w.noAlone || last.alone >= maxAlone || !bytes.Equal(last.module, mod.data) ||
		len(files) != len(last.srcs) || last.rev.Dir != dir {
		return nil, false
	}
	changed := -1
	for i, f := range files {
		sf := last.srcs[i]
		if sf.name != f.Name || sf.version != version {
			return nil, false
		}
		if !bytes.Equal(sf.data, f.Data) {
			if changed >= 0 {
				return nil, false
			}
			changed = i
		}
	}
	if changed < 0 {
		return nil, false
	}
	old := last.srcs[changed]
	data := files[changed].Data
	start, endOld, endNew := editSpan(old.data, data)

	// The require whose value holds the edit, in the last load's tree.
	var req *decl
	for _, d := range old.decls {
		if len(d.path) == 7 && d.path[6] == "require" && isCriterionPath(d.path[:6]) && !d.guarded && d.field.Value != nil &&
			d.field.Value.Pos().Offset() <= start && endOld <= d.field.Value.End().Offset() {
			req = d
			break
		}
	}
	if req == nil {
		return nil, false
	}
	crit := req.path[:6]
	critKey := pathKey(crit)

	file, err := parseSource(old.name, data, version)
	if err != nil {
		return nil, false
	}
	sf := newSourceFile(old.name, data, version, file)
	if !sf.plain || sf.pkg != old.pkg || sf.opaque || !sameHoles(old, sf, critKey) {
		return nil, false
	}
	srcs := slices.Clone(last.srcs)
	srcs[changed] = sf
	var all []*decl
	for _, s := range srcs {
		all = append(all, s.decls...)
	}
	decls := newDeclIndex(all)
	// One declaration of the criterion and of its require, the one edited,
	// spanning what it spanned, the edit aside.
	delta := endNew - endOld
	cds, rds := decls.lookup(crit...), decls.lookup(req.path...)
	if len(cds) != 1 || len(rds) != 1 || rds[0].guarded || rds[0].field.Value == nil ||
		rds[0].field.Value.Pos().Offset() != req.field.Value.Pos().Offset() ||
		rds[0].field.Value.End().Offset() != req.field.Value.End().Offset()+delta {
		return nil, false
	}
	memo := newMemoTable(mod.data, dir, srcs, nil)
	if memo == nil {
		return nil, false
	}

	// The criteria to build: the one edited, and those that its edit
	// moves.
	build := map[string]*ast.Field{critKey: cds[0].field}
	if !movedCriteria(file, data, endNew, lineDelta(old.data[start:endOld], data[start:endNew]), delta != 0, cds[0].field, build) {
		return nil, false
	}
	prev := last.rev
	root := prev.Value
	for k := range build {
		c := prev.criterionAt(k)
		if c == nil || !builtAlone(c, root, prev.decls) {
			return nil, false
		}
	}
	opts := []cue.BuildOption{cue.Scope(root), cue.ImportPath(last.importPath)}
	// The criterion as it was, the first time.
	if !last.checked[critKey] {
		oldFile, err := parseSource(old.name, old.data, version)
		if err != nil {
			return nil, false
		}
		var of *ast.Field
		for _, d := range fileDecls(oldFile, nil) {
			if d.key == critKey {
				of = d.field
			}
		}
		v, ok := buildCriteria(prev.ctx, map[string]*ast.Field{critKey: of}, decls, oldFile, opts)
		if !ok {
			return nil, false
		}
		c := prev.criterionAt(critKey)
		now := v.LookupPath(cuePath(crit))
		if fingerprint(field(now, "require")) != c.RequireFingerprint || fingerprint(now) != fingerprint(c.Value) {
			return nil, false
		}
	}
	v, ok := buildCriteria(prev.ctx, build, decls, file, opts)
	if !ok {
		return nil, false
	}
	replace := make(map[string]cue.Value, len(last.replaced)+len(build))
	for k, v := range last.replaced {
		replace[k] = v
	}
	for k := range build {
		cv := v.LookupPath(cuePath(strings.Split(k, "\x00")))
		if !cv.Exists() {
			return nil, false
		}
		// What the edit moved must mean what it meant.
		if k != critKey && fingerprint(field(cv, "require")) != prev.criterionAt(k).RequireFingerprint {
			return nil, false
		}
		replace[k] = cv
	}

	// The memos of the last load, under the keys of this one: the same
	// keys unless the edit changed the number of lines of its file.
	memo.old = last.memo.new
	if memo.global != last.memo.global {
		carried := &revisionMemo{outlineKey: memo.new.outlineKey, outline: last.memo.new.outline, criteria: make(map[memoKey]*critMemo, len(last.memo.new.criteria))}
		for _, c := range prev.Criteria() {
			p := criterionPath(c.Category, c.Level, c.ID)
			if m := last.memo.new.criteria[last.memo.key(p)]; m != nil && pathKey(p) != critKey {
				carried.criteria[memo.key(p)] = m
			}
		}
		memo.old = carried
	}
	// The criteria that were not built alone now nor before, and have
	// neither changed nor moved, are the last load's.
	prior := make(map[string]*Criterion, len(prev.byID))
	for _, c := range prev.Criteria() {
		if k := pathKey(criterionPath(c.Category, c.Level, c.ID)); !replace[k].Exists() {
			prior[k] = c
		}
	}
	rev := readReplacing(prev.ctx, id, dir, root, decls, files, memo, replace, prior)

	next := make(map[string]*sourceFile, len(srcs))
	for _, s := range srcs {
		next[s.name] = s
	}
	w.sources[id] = next
	w.memos[id] = memo.new
	checked := last.checked
	if !checked[critKey] {
		checked = make(map[string]bool, len(last.checked)+1)
		for k := range last.checked {
			checked[k] = true
		}
		checked[critKey] = true
	}
	w.last[id] = &lastLoad{rev: rev, module: last.module, srcs: srcs, memo: memo, importPath: last.importPath, alone: last.alone + len(build), replaced: replace, checked: checked}
	// The same #Device as the last load's.
	rev.deviceFPOnce.Do(func() { rev.deviceFP = prev.DeviceFingerprint() })
	w.aloneLoads.Add(1)
	return rev, true
}

// editSpan returns where two texts differ: the stretch from start to
// endOld of old became the stretch from start to endNew of new.
func editSpan(old, new []byte) (start, endOld, endNew int) {
	n := min(len(old), len(new))
	for start < n && old[start] == new[start] {
		start++
	}
	endOld, endNew = len(old), len(new)
	for endOld > start && endNew > start && old[endOld-1] == new[endNew-1] {
		endOld--
		endNew--
	}
	return start, endOld, endNew
}

// lineDelta returns how many more lines new has than old.
func lineDelta(old, new []byte) int {
	return bytes.Count(new, []byte{'\n'}) - bytes.Count(old, []byte{'\n'})
}

// sameHoles reports whether two versions of a file declare the same
// criteria in the same order, each declared once, with the same text but
// for the criterion with path key edited.
func sameHoles(old, new *sourceFile, edited string) bool {
	if len(old.holes) != len(new.holes) {
		return false
	}
	for i, h := range old.holes {
		n := new.holes[i]
		if h.key != n.key || (h.key != edited && h.sum != n.sum) {
			return false
		}
	}
	return true
}

// movedCriteria adds to build the declarations of the criteria of a file
// whose positions an edit that ends at end (in the new text) moves: all
// that follow it when it changed the number of lines, those that follow it
// on its last line when it changed columns. It reports false if the edit
// moves anything else than criteria and the structs that hold them (a
// definition, a field of a category, a comprehension), whose values in the
// last build keep their positions.
func movedCriteria(file *ast.File, data []byte, end, lines int, columns bool, edited *ast.Field, build map[string]*ast.Field) bool {
	if lines == 0 && !columns {
		return true
	}
	limit := len(data)
	if lines == 0 {
		if i := bytes.IndexByte(data[end:], '\n'); i >= 0 {
			limit = end + i
		}
	}
	moved := func(n ast.Node) bool { return n.End().Offset() > end && n.Pos().Offset() < limit }
	var walk func(path []string, decls []ast.Decl) bool
	walk = func(path []string, decls []ast.Decl) bool {
		for _, d := range decls {
			if d == edited || !moved(d) {
				continue
			}
			f, ok := d.(*ast.Field)
			if !ok {
				return false
			}
			name, _, err := ast.LabelName(f.Label)
			if err != nil || f.Alias != nil {
				return false
			}
			p := append(slices.Clip(path), name)
			switch {
			case isCriterionPath(p):
				if f.Pos().Offset() < end {
					// It holds the edit: only the edited criterion may.
					return false
				}
				build[pathKey(p)] = f
			case isCriterionPrefix(p):
				s, ok := f.Value.(*ast.StructLit)
				if !ok || !walk(p, s.Elts) {
					return false
				}
			default:
				return false
			}
		}
		return true
	}
	return walk(nil, file.Decls)
}

// isCriterionPrefix reports whether path leads to the criteria of a level
// without reaching one: categories, categories.<c>, and so on to
// categories.<c>.levels.<l>.criteria.
func isCriterionPrefix(p []string) bool {
	want := []string{"categories", "", "levels", "", "criteria"}
	if len(p) == 0 || len(p) > len(want) {
		return false
	}
	for i, l := range p {
		if want[i] != "" && l != want[i] {
			return false
		}
	}
	return true
}

// criterionAt returns the criterion at a path key, or nil.
func (r *Revision) criterionAt(key string) *Criterion {
	for _, c := range r.Criteria() {
		if pathKey(criterionPath(c.Category, c.Level, c.ID)) == key {
			return c
		}
	}
	return nil
}

// builtAlone reports whether a criterion of a full build may be built alone:
// it and its require are each the one declaration of the source (a single
// conjunct), and nothing on the path to them has a pattern constraint that
// would apply to them.
func builtAlone(c *Criterion, root cue.Value, decls *declIndex) bool {
	path := criterionPath(c.Category, c.Level, c.ID)
	cds, rds := decls.lookup(path...), decls.lookup(append(slices.Clip(path), "require")...)
	if len(cds) != 1 || len(rds) != 1 || !samePlace(c.Value.Source(), cds[0].field) || !samePlace(c.Require.Source(), rds[0].field) {
		return false
	}
	v := root
	for i := 0; ; i++ {
		if v.LookupPath(cue.MakePath(cue.AnyString)).Exists() {
			return false
		}
		if i == len(path) {
			return true
		}
		v = field(v, path[i])
	}
}

// samePlace reports whether a node is a field that starts and ends where f
// does, by file, line and column. (A load's index of declarations may come
// from other trees than those it built, of a text that differs from theirs
// in a line before.)
func samePlace(n ast.Node, f *ast.Field) bool {
	_, ok := n.(*ast.Field)
	return ok && positionOf(n.Pos()) == positionOf(f.Pos()) && positionOf(n.End()) == positionOf(f.End())
}

// cuePath is the path of regular fields with the given labels.
func cuePath(labels []string) cue.Path {
	sels := make([]cue.Selector, len(labels))
	for i, l := range labels {
		sels[i] = cue.Str(l)
	}
	return cue.MakePath(sels...)
}

// buildCriteria builds the declarations of criteria of a file, by path key,
// under their paths, in the scope of the revision given with the build
// options, and validates them as a revision is validated. It reports false
// if a declaration uses an identifier that it does not declare and that is
// not a field of the package, a predeclared name or an import of the file,
// or if the criteria do not build or validate. It clears what the parser
// resolved of the identifiers of the package's fields, which are looked up
// in the scope instead: the tree must be one of the caller's own.
func buildCriteria(ctx *cue.Context, build map[string]*ast.Field, decls *declIndex, file *ast.File, opts []cue.BuildOption) (cue.Value, bool) {
	top := &ast.StructLit{}
	// The structs around the criteria, by the path key of their field.
	structs := map[string]*ast.StructLit{}
	for _, k := range slices.Sorted(maps.Keys(build)) {
		f := build[k]
		if f == nil || !regularLabel(f) || !freeNamesResolve(f.Value, decls, file) {
			return cue.Value{}, false
		}
		s := top
		labels := strings.Split(k, "\x00")
		for i, l := range labels[:len(labels)-1] {
			pk := pathKey(labels[:i+1])
			next := structs[pk]
			if next == nil {
				next = &ast.StructLit{}
				structs[pk] = next
				s.Elts = append(s.Elts, &ast.Field{Label: ast.NewString(l), Value: next})
			}
			s = next
		}
		// The declaration itself, so that the criterion's value is placed
		// where a full build places it.
		s.Elts = append(s.Elts, f)
	}
	v := ctx.BuildExpr(top, opts...)
	if v.Err() != nil || validate(v) != nil {
		return cue.Value{}, false
	}
	return v, true
}

// freeNamesResolve checks the identifiers that an expression of a file
// uses and does not declare, as described at buildCriteria, and clears
// the resolution of those that name fields of the package.
func freeNamesResolve(x ast.Expr, decls *declIndex, file *ast.File) bool {
	inside := map[ast.Node]bool{}
	ast.Walk(x, func(n ast.Node) bool { inside[n] = true; return true }, nil)
	ok := true
	var free []*ast.Ident
	references(x, func(n *ast.Ident) {
		if n.Node == nil || !inside[n.Node] || (n.Scope != nil && !inside[n.Scope]) {
			free = append(free, n)
		}
	})
	for _, n := range free {
		if n.Name == "_" {
			// Top.
			continue
		}
		if strings.HasPrefix(n.Name, "_") {
			return false
		}
		switch node := n.Node.(type) {
		case nil:
			ok = ok && (len(decls.lookup(n.Name)) > 0 || predeclaredNames[n.Name])
		case *ast.ImportSpec:
			ok = ok && slices.Contains(slices.Collect(file.ImportSpecs()), node)
		case *ast.Field:
			name, _, err := ast.LabelName(node.Label)
			if n.Scope != ast.Node(file) || err != nil || name != n.Name || node.Alias != nil {
				return false
			}
			if _, aliased := node.Label.(*ast.Alias); aliased {
				return false
			}
			n.Node, n.Scope = nil, nil
		default:
			return false
		}
	}
	return ok
}

// regularLabel reports whether a field's label is that of a regular field,
// an identifier or a string, without an alias.
func regularLabel(f *ast.Field) bool {
	switch l := f.Label.(type) {
	case *ast.Ident:
		return !strings.HasPrefix(l.Name, "#") && !strings.HasPrefix(l.Name, "_") && f.Alias == nil
	case *ast.BasicLit:
		return l.Kind == token.STRING && f.Alias == nil
	}
	return false
}

// predeclaredNames are the names that CUE knows in every scope.
var predeclaredNames = map[string]bool{
	"string": true, "bytes": true, "bool": true, "int": true, "float": true, "number": true,
	"error": true, "len": true, "close": true, "matchIf": true, "matchN": true,
	"and": true, "or": true, "div": true, "mod": true, "quo": true, "rem": true,
}
