package spec

import (
	"bytes"
	"cmp"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
)

// The fields that each part of a revision may have.
var (
	revisionFields      = []string{"id", "title", "status", "base"}
	categoryFields      = []string{"title", "part", "prefix", "determination", "levels"}
	determinationFields = []string{"rule", "families"}
	levelFields         = []string{"status", "criteria"}
	criterionFields     = []string{"title", "element", "family", "clause", "provenance", "require"}
	topFields           = []string{"revision", "categories"}
)

// reader builds the model of a compiled revision. It never fails: what it
// cannot read becomes a finding, and the model holds what could be read.
type reader struct {
	rev   *Revision
	files map[string][]byte
	// memo, if not nil, holds what earlier loads read of the parts of the
	// revision that have not changed since.
	memo *memoTable
	// sels are the selectors of the categories and levels read, by
	// category key and by category key and level name, and msels those of
	// the measurements, by name.
	sels  map[[2]string]cue.Selector
	msels map[string]cue.Selector
	// queue are the criteria yet to be read.
	queue []*critRead
	// replace, if not nil, holds values of criteria built alone (alone.go)
	// that stand in for those of v, by path key; prior holds the criteria
	// of the last load, read from the same values of v at the same places,
	// by path key, which a criterion whose memo is theirs takes over.
	replace map[string]cue.Value
	prior   map[string]*Criterion
}

// read reads a compiled revision into the model.
func read(ctx *cue.Context, id, dir string, v cue.Value, decls *declIndex, files []*File, memo *memoTable) *Revision {
	return readReplacing(ctx, id, dir, v, decls, files, memo, nil, nil)
}

// readReplacing is read with the values of some criteria, by path key,
// taken from replace rather than from v, and criteria that have not changed
// or moved since the last load taken from prior (see reader).
func readReplacing(ctx *cue.Context, id, dir string, v cue.Value, decls *declIndex, files []*File, memo *memoTable, replace map[string]cue.Value, prior map[string]*Criterion) *Revision {
	newReader := func() *reader {
		r := &reader{
			rev:     &Revision{ID: id, Dir: dir, Files: files, Value: v, decls: decls, ctx: ctx},
			files:   make(map[string][]byte, len(files)),
			memo:    memo,
			replace: replace,
			prior:   prior,
			sels:    map[[2]string]cue.Selector{},
			msels:   map[string]cue.Selector{},
		}
		for _, f := range files {
			r.files[f.Name] = f.Data
		}
		// Until the revision's metadata is found, problems of the whole
		// revision are placed at its directory.
		r.rev.Pos = Position{File: dir}
		return r
	}
	var r *reader
	if o := memo.outline(); o != nil {
		r = newReader()
		if r.recallOutline(v, o) {
			memo.keepOutline(o)
		} else {
			r = nil
		}
	}
	if r == nil {
		r = newReader()
		r.readTop(v)
		r.readRevision(v.LookupPath(cue.MakePath(cue.Str("revision"))))
		r.readMeasurements(v.LookupPath(cue.MakePath(cue.Def("Measurements"))))
		r.readElements(v.LookupPath(cue.MakePath(cue.Def("Element"))))
		r.rev.Device = v.LookupPath(cue.MakePath(cue.Def("Device")))
		if !r.rev.Device.Exists() {
			r.problem(r.rev.Pos, "schema", "the revision defines no #Device schema for device records")
		}
		r.readCategories(v.LookupPath(cue.MakePath(cue.Str("categories"))))
		// Criteria are yet to be read: these are the problems of the
		// rest.
		if memo != nil && len(r.rev.problems) == 0 {
			memo.keepOutline(r.outlineOf())
		}
	}
	r.readQueued()
	r.rev.byID = map[string]*Criterion{}
	for _, c := range r.rev.Criteria() {
		if _, ok := r.rev.byID[c.ID]; !ok {
			r.rev.byID[c.ID] = c
		}
	}
	return r.rev
}

func (r *reader) problem(pos Position, rule, format string, args ...any) {
	r.rev.problems = append(r.rev.problems, Finding{Pos: pos, Rule: rule, Msg: fmt.Sprintf(format, args...)})
}

// pos returns the position of a value, preferring the first place in the
// source that declares its path.
func (r *reader) pos(v cue.Value) Position {
	sels := v.Path().Selectors()
	path := make([]string, len(sels))
	for i, s := range sels {
		path[i] = selectorName(s)
	}
	return r.posAt(path, v)
}

// posAt is pos for a value whose path is known.
func (r *reader) posAt(path []string, v cue.Value) Position {
	if len(path) > 0 {
		if ds := r.rev.decls.lookup(path...); len(ds) > 0 {
			return ds[0].pos()
		}
	}
	return positionOf(v.Pos())
}

func selectorName(s cue.Selector) string {
	if s.IsString() {
		return s.Unquoted()
	}
	return s.String()
}

// field looks up a regular field of a struct.
func field(v cue.Value, name string) cue.Value {
	return v.LookupPath(cue.MakePath(cue.Str(name)))
}

// checkFields reports the fields of v that are not among known, and whether v
// is a struct at all.
func (r *reader) checkFields(v cue.Value, what string, known []string) bool {
	if v.IncompleteKind() != cue.StructKind {
		r.problem(r.pos(v), "structure", "%s must be a struct, not %s", what, describe(v))
		return false
	}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		r.problem(r.pos(v), "structure", "%s: %v", what, err)
		return false
	}
	for it.Next() {
		name := selectorName(it.Selector())
		if !slices.Contains(known, name) {
			r.problem(r.pos(it.Value()), "structure", "%s has an unknown field %q (known: %s)", what, name, strings.Join(known, ", "))
		}
	}
	return true
}

// members returns the regular fields of a struct that holds parts by key,
// such as the categories of a revision. A value that is not a struct is a
// finding, and has no members.
func (r *reader) members(v cue.Value, what, holds string) iter.Seq2[string, cue.Value] {
	return func(yield func(string, cue.Value) bool) {
		if v.IncompleteKind() != cue.StructKind {
			r.problem(r.pos(v), "structure", "%s must be a struct of %s, not %s", what, holds, describe(v))
			return
		}
		it, err := v.Fields()
		if err != nil {
			r.problem(r.pos(v), "structure", "%s: %v", what, err)
			return
		}
		for it.Next() {
			if !yield(selectorName(it.Selector()), it.Value()) {
				return
			}
		}
	}
}

// str reads a string field of a struct. A required field that is absent, and
// a field that is not a concrete string, are findings.
func (r *reader) str(parent cue.Value, name, what string, required bool) string {
	v := field(parent, name)
	if !v.Exists() {
		if required {
			r.problem(r.pos(parent), "structure", "%s has no %s", what, name)
		}
		return ""
	}
	s, err := v.String()
	if err != nil {
		r.problem(r.pos(v), "structure", "%s: %s must be a string, not %s", what, name, describe(v))
		return ""
	}
	return s
}

// describe names what a value is, for messages.
func describe(v cue.Value) string {
	if !v.IsConcrete() {
		return fmt.Sprintf("%v", v.IncompleteKind())
	}
	return fmt.Sprintf("%v", v)
}

func (r *reader) readTop(v cue.Value) {
	it, err := v.Fields()
	if err != nil {
		return
	}
	for it.Next() {
		name := selectorName(it.Selector())
		if !slices.Contains(topFields, name) {
			r.problem(r.pos(it.Value()), "structure", "unknown top-level field %q: a revision holds revision, categories and definitions", name)
		}
	}
}

func (r *reader) readRevision(v cue.Value) {
	rev := r.rev
	if !v.Exists() {
		r.problem(rev.Pos, "structure", "revision %s declares no revision: {id, title, status}", rev.ID)
		return
	}
	rev.Pos = r.pos(v)
	if !r.checkFields(v, "revision", revisionFields) {
		return
	}
	declared := r.str(v, "id", "revision", true)
	if declared != "" && declared != rev.ID {
		r.problem(r.pos(field(v, "id")), "revision-id", "revision.id is %q but its directory is %q; they must be equal", declared, rev.ID)
	}
	rev.Title = r.str(v, "title", "revision", true)
	rev.Status = r.str(v, "status", "revision", true)
	if rev.Status != "" && !slices.Contains(RevisionStatuses, rev.Status) {
		r.problem(r.pos(field(v, "status")), "status", "revision.status is %q; want one of %s", rev.Status, strings.Join(RevisionStatuses, ", "))
	}
	rev.Base = r.str(v, "base", "revision", false)
}

func (r *reader) readMeasurements(v cue.Value) {
	if !v.Exists() {
		r.problem(r.rev.Pos, "schema", "the revision defines no #Measurements vocabulary")
		return
	}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		r.problem(r.pos(v), "schema", "#Measurements must be a struct: %v", err)
		return
	}
	for it.Next() {
		fv := it.Value()
		name := selectorName(it.Selector())
		r.msels[name] = it.Selector()
		m := &Measurement{
			Name:  name,
			Path:  FieldPath("measurements", name),
			Kind:  fv.IncompleteKind(),
			Doc:   docText(fv.Doc()),
			Value: fv,
			Pos:   r.pos(fv),
		}
		if attr := fv.Attribute("unit"); attr.Err() == nil {
			unit, _ := attr.String(0)
			m.Unit = unit
		}
		m.Constraint = r.exprText(fv)
		r.rev.Measurements = append(r.rev.Measurements, m)
	}
	slices.SortFunc(r.rev.Measurements, func(a, b *Measurement) int { return strings.Compare(a.Name, b.Name) })
}

// exprText returns the CUE text of a field's value as written in the source.
func (r *reader) exprText(v cue.Value) string {
	if f, ok := v.Source().(*ast.Field); ok {
		sourceFormat.Lock()
		b, err := format.Node(f.Value)
		sourceFormat.Unlock()
		if err == nil {
			return string(b)
		}
	}
	return fmt.Sprint(v)
}

// sourceFormat serialises formatting source syntax, which criteria read in
// parallel may share: format.Node may adjust the positions in what it
// formats (those in string interpolations).
var sourceFormat sync.Mutex

func docText(groups []*ast.CommentGroup) string {
	var parts []string
	for _, g := range groups {
		parts = append(parts, strings.TrimSpace(g.Text()))
	}
	return strings.Join(parts, "\n")
}

// readElements reads the capability elements that #Element admits, if the
// revision declares it.
func (r *reader) readElements(v cue.Value) {
	if !v.Exists() {
		return
	}
	elements, ok := stringsOf(v)
	if !ok || len(elements) == 0 {
		r.problem(r.pos(v), "schema", "#Element must list the capability elements as strings, such as \"perception\" | \"cognition\"; it is %s", describe(v))
		return
	}
	r.rev.Elements = elements
}

func (r *reader) readCategories(v cue.Value) {
	if !v.Exists() {
		r.problem(r.rev.Pos, "structure", "the revision defines no categories")
		return
	}
	for key, cv := range r.members(v, "categories", "categories by key") {
		r.sels[[2]string{key}] = lastSelector(cv)
		r.rev.Categories = append(r.rev.Categories, r.readCategory(key, cv))
	}
	slices.SortStableFunc(r.rev.Categories, func(a, b *Category) int {
		return cmp.Or(naturalCompare(a.Part, b.Part), strings.Compare(a.Key, b.Key))
	})
}

func (r *reader) readCategory(key string, v cue.Value) *Category {
	c := &Category{Key: key, Pos: r.pos(v)}
	what := "category " + key
	if !r.checkFields(v, what, categoryFields) {
		return c
	}
	c.Title = r.str(v, "title", what, true)
	c.Part = r.str(v, "part", what, true)
	c.Prefix = r.str(v, "prefix", what, false)
	if d := field(v, "determination"); !d.Exists() {
		r.problem(c.Pos, "structure", "%s has no determination", what)
	} else if r.checkFields(d, what+" determination", determinationFields) {
		c.Determination.Rule = r.str(d, "rule", what+" determination", true)
		if fams := field(d, "families"); fams.Exists() {
			if err := fams.Decode(&c.Determination.Families); err != nil {
				r.problem(r.pos(fams), "structure", "%s: determination.families must be a list of strings: %v", what, err)
			}
		}
	}
	levels := field(v, "levels")
	if !levels.Exists() {
		r.problem(c.Pos, "structure", "%s has no levels", what)
		return c
	}
	for name, lv := range r.members(levels, what+": levels", "levels by name") {
		if LevelRank(name) == 0 {
			r.problem(r.pos(lv), "level", "%s has a level %q; levels are named L1, L2 and so on, up to L%d", what, name, MaxLevels)
			continue
		}
		r.sels[[2]string{key, name}] = lastSelector(lv)
		c.Levels = append(c.Levels, r.readLevel(c, name, lv))
	}
	slices.SortFunc(c.Levels, func(a, b *Level) int { return cmp.Compare(a.Rank, b.Rank) })
	return c
}

func (r *reader) readLevel(c *Category, name string, v cue.Value) *Level {
	l := &Level{Name: name, Rank: LevelRank(name), Pos: r.pos(v)}
	what := c.Key + " " + name
	if !r.checkFields(v, what, levelFields) {
		return l
	}
	l.Status = r.str(v, "status", what, true)
	crits := field(v, "criteria")
	if !crits.Exists() {
		return l
	}
	for id, cv := range r.members(crits, what+": criteria", "criteria by ID") {
		l.Criteria = append(l.Criteria, r.queueCriterion(c.Key, name, id, cv))
	}
	slices.SortFunc(l.Criteria, func(a, b *Criterion) int { return strings.Compare(a.ID, b.ID) })
	return l
}

// queueCriterion returns a criterion with its place and value, and queues
// it to be read by readQueued. Criteria are read last, in parallel, as they
// are most of the work.
func (r *reader) queueCriterion(category, level, id string, v cue.Value) *Criterion {
	if r.replace != nil {
		if nv, ok := r.replace[pathKey(criterionPath(category, level, id))]; ok {
			v = nv
		}
	}
	c := &Criterion{ID: id, Category: category, Level: level, Value: v}
	r.queue = append(r.queue, &critRead{c: c, at: len(r.rev.problems)})
	return c
}

// critRead is a criterion being read.
type critRead struct {
	c *Criterion
	// at is where the criterion's problems go among the revision's, and
	// problems are those problems.
	at       int
	problems []Finding
	// key is the criterion's memo key, and sels lead from its require to
	// the fields it constrains.
	key  memoKey
	sels [][]cue.Selector
	// recalled is the memo that the criterion was read from, if any; memo
	// is set if the criterion, read afresh, is to be remembered.
	recalled *critMemo
	memo     bool
}

// readQueued reads the queued criteria, spreading the work over the
// processors, puts their problems in order among the revision's, and keeps
// their memos.
func (r *reader) readQueued() {
	queue := r.queue
	r.queue = nil
	parallel(len(queue), func(i int) { r.readCriterion(queue[i]) })
	var problems []Finding
	prev := 0
	for _, q := range queue {
		if len(q.problems) > 0 {
			problems = append(problems, r.rev.problems[prev:q.at]...)
			problems = append(problems, q.problems...)
			prev = q.at
		}
	}
	if problems != nil {
		r.rev.problems = append(problems, r.rev.problems[prev:]...)
	}
	for _, q := range queue {
		switch {
		case q.recalled != nil:
			r.memo.keep(q.key, q.recalled)
		case q.memo:
			r.memo.keep(q.key, memoOf(q.c, q.sels))
		}
	}
}

// readCriterion reads a queued criterion. It runs in parallel with others,
// and keeps its problems to itself.
func (r *reader) readCriterion(q *critRead) {
	c, v := q.c, q.c.Value
	// A reader of the criterion's own, for its problems.
	cr := &reader{rev: &Revision{decls: r.rev.decls}, files: r.files}
	defer func() { q.problems = cr.rev.problems }()
	path := criterionPath(c.Category, c.Level, c.ID)
	c.Pos = cr.posAt(path, v)
	what := "criterion " + c.ID
	if r.memo != nil {
		q.key = r.memo.key(path)
		if m := r.memo.criterion(q.key); m != nil {
			if p := r.prior[pathKey(path)]; p != nil && p.Fingerprint == m.fingerprint && p.RequireFingerprint == m.requireFingerprint {
				*c = *p
				c.Value, c.Fields = v, slices.Clone(p.Fields)
				q.recalled = m
				return
			}
			if cr.recall(c, m) {
				q.recalled = m
				return
			}
		}
	}
	if ds := cr.rev.decls.lookup(path...); len(ds) > 0 {
		c.Source = cr.sourceOf(ds[0].field)
	}
	if !cr.checkFields(v, what, criterionFields) {
		return
	}
	c.Title = cr.str(v, "title", what, true)
	c.Element = cr.str(v, "element", what, true)
	c.Family = cr.str(v, "family", what, true)
	c.Provenance = cr.str(v, "provenance", what, true)
	c.Clause = cr.str(v, "clause", what, false)
	c.Require = field(v, "require")
	if !c.Require.Exists() {
		cr.problem(c.Pos, "no-constraint", "%s has no require: it would pass every device", what)
	} else {
		c.Fields, q.sels = constrainedFields(c.Require, cr.pos, cr.exprText)
		c.RequireFingerprint = fingerprint(c.Require)
	}
	c.Fingerprint = hashStrings(c.Title, c.Element, c.Family, c.Provenance, c.Clause, c.RequireFingerprint)
	q.memo = r.memo != nil && len(cr.rev.problems) == 0 && c.Require.Exists()
}

func criterionPath(category, level, id string) []string {
	return []string{"categories", category, "levels", level, "criteria", id}
}

// constrainedFields returns the leaf fields that a require value constrains,
// by path, sorted. It descends into structs and stops at anything else. The
// selectors lead from require to each field.
func constrainedFields(require cue.Value, pos func(cue.Value) Position, text func(cue.Value) string) ([]*Constraint, [][]cue.Selector) {
	type leaf struct {
		c    *Constraint
		sels []cue.Selector
	}
	var leaves []leaf
	var walk func(sels []cue.Selector, v cue.Value)
	walk = func(sels []cue.Selector, v cue.Value) {
		it, err := v.Fields(cue.Optional(true))
		if err != nil {
			return
		}
		for it.Next() {
			fv := it.Value()
			s := append(slices.Clip(sels), it.Selector())
			if fv.IncompleteKind() == cue.StructKind {
				walk(s, fv)
				continue
			}
			leaves = append(leaves, leaf{newConstraint(s, fv, text(fv), pos(fv)), s})
		}
	}
	if require.IncompleteKind() == cue.StructKind {
		walk(nil, require)
	}
	slices.SortFunc(leaves, func(a, b leaf) int { return strings.Compare(a.c.Path, b.c.Path) })
	var out []*Constraint
	var sels [][]cue.Selector
	for _, l := range leaves {
		out = append(out, l.c)
		sels = append(sels, l.sels)
	}
	return out, sels
}

// newConstraint is the constraint at the field that the selectors lead to
// from require.
func newConstraint(sels []cue.Selector, v cue.Value, text string, pos Position) *Constraint {
	labels := make([]string, len(sels))
	for i, s := range sels {
		labels[i] = selectorName(s)
	}
	return &Constraint{Labels: labels, Path: FieldPath(labels...), Value: v, Text: text, Pos: pos}
}

// sourceOf returns the text of a field declaration as it stands in its file,
// with the indentation of its first line removed from every line.
func (r *reader) sourceOf(f *ast.Field) string {
	start, end := f.Pos(), f.End()
	data := r.files[start.Filename()]
	if data == nil || start.Offset() < 0 || end.Offset() > len(data) || start.Offset() > end.Offset() {
		sourceFormat.Lock()
		b, _ := format.Node(f)
		sourceFormat.Unlock()
		return string(b)
	}
	lineStart := bytes.LastIndexByte(data[:start.Offset()], '\n') + 1
	indent := string(data[lineStart:start.Offset()])
	text := string(data[start.Offset():end.Offset()])
	if strings.TrimSpace(indent) != "" {
		return text
	}
	lines := strings.Split(text, "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.TrimPrefix(lines[i], indent)
	}
	return strings.Join(lines, "\n")
}

// naturalCompare compares strings so that runs of digits compare as numbers:
// "GB/Z 177.9" sorts before "GB/Z 177.10". An empty string sorts last.
func naturalCompare(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	for a != "" && b != "" {
		da, db := digitPrefix(a), digitPrefix(b)
		if da != "" && db != "" {
			na, nb := strings.TrimLeft(da, "0"), strings.TrimLeft(db, "0")
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), strings.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitPrefix(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}
