package spec

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"cuelang.org/go/cue/errors"

	"cuelang.org/go/cue"
)

// Finding is one problem that Lint reports in a revision that compiles.
type Finding struct {
	Pos Position
	// Rule names the kind of problem, such as "unknown-field".
	Rule string
	Msg  string
}

// String formats the finding as "file:line:col: message".
func (f Finding) String() string { return f.Pos.String() + ": " + f.Msg }

// IDPattern is the form of a criterion ID: the category's prefix, the
// level and a name, in capitals, such as MT-L2-LLM.
var IDPattern = regexp.MustCompile(`^([A-Z][A-Z0-9]*)-(L[1-9])-[A-Z0-9][A-Z0-9-]*$`)

// prefixPattern is the form of a category's ID prefix.
var prefixPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]*$`)

// familyPattern is the form of a family's name.
var familyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// SplitID returns the prefix and the level of a criterion ID of the form
// IDPattern gives, or false.
func SplitID(id string) (prefix, level string, ok bool) {
	m := IDPattern.FindStringSubmatch(id)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// Lint checks a loaded revision for the problems that CUE cannot see. The
// known revisions are the IDs of the workspace, against which the revision's
// base is checked. Findings are sorted by position.
func Lint(rev *Revision, known []string) []Finding {
	l := &linter{rev: rev, findings: slices.Clone(rev.problems)}
	l.revision(known)
	l.schema()
	l.categories()
	l.duplicates()
	slices.SortStableFunc(l.findings, func(a, b Finding) int {
		return cmp.Or(a.Pos.Compare(b.Pos), strings.Compare(a.Msg, b.Msg))
	})
	return slices.Compact(l.findings)
}

type linter struct {
	rev      *Revision
	findings []Finding
	// steps caches the walk down #Device by field paths, for fields.
	steps map[string]deviceStep
}

// deviceStep is one step of a walk down #Device: whether the value reached
// so far allows a field, and the field's value if it does.
type deviceStep struct {
	allows bool
	next   cue.Value
}

// step takes the step from cur, the value of #Device at the path before
// the last element of path, to the field name at path.
func (l *linter) step(cur cue.Value, path, name string) deviceStep {
	if st, ok := l.steps[path]; ok {
		return st
	}
	st := deviceStep{allows: cur.Allows(cue.Str(name))}
	if st.allows {
		st.next = lookupField(cur, name)
	}
	if l.steps == nil {
		l.steps = map[string]deviceStep{}
	}
	l.steps[path] = st
	return st
}

func (l *linter) add(pos Position, rule, format string, args ...any) {
	l.findings = append(l.findings, Finding{Pos: pos, Rule: rule, Msg: fmt.Sprintf(format, args...)})
}

func (l *linter) revision(known []string) {
	rev := l.rev
	if rev.Base == "" {
		return
	}
	pos := positionOf(field(field(rev.Value, "revision"), "base").Pos())
	switch {
	case rev.Base == rev.ID:
		l.add(pos, "base", "revision %s names itself as its base", rev.ID)
	case !slices.Contains(known, rev.Base):
		l.add(pos, "base", "revision.base is %q, which is not a revision of this workspace (have: %s)", rev.Base, strings.Join(known, ", "))
	}
}

// schema checks the measurement vocabulary and the device schema.
func (l *linter) schema() {
	for _, m := range l.rev.Measurements {
		if m.Unit == "" {
			l.add(m.Pos, "unit", "measurement %s has no @unit(...) attribute: say what its values count or measure", m.Name)
		}
	}
	dev := l.rev.Device
	if !dev.Exists() {
		return
	}
	pos := positionOf(dev.Pos())
	if dev.Allows(cue.Str("ladder_probe_of_an_unknown_field")) {
		l.add(pos, "schema", "#Device is open: a misspelt field in a device record would go unnoticed; close it")
	}
	if !lookupField(dev, "measurements").Exists() {
		l.add(pos, "schema", "#Device has no measurements field")
	}
	l.deviceCategories(dev)
}

// deviceCategories checks that #Device admits no category that the
// revision does not define: a record of one would be graded by nothing.
func (l *linter) deviceCategories(dev cue.Value) {
	cat := lookupField(dev, "category")
	if !cat.Exists() {
		l.add(positionOf(dev.Pos()), "schema", "#Device has no category field")
		return
	}
	pos := positionOf(cat.Pos())
	values, ok := stringsOf(cat)
	if !ok {
		l.add(pos, "schema", "#Device admits any category (%s): list the categories the revision defines, such as %q", describe(cat), l.categoryKeys()[0])
		return
	}
	for _, v := range values {
		if l.rev.Category(v) == nil {
			l.add(pos, "schema", "#Device admits the category %q, which the revision does not define (it defines %s)", v, strings.Join(l.categoryKeys(), ", "))
		}
	}
}

// categoryKeys lists the keys of the revision's categories, or a stand-in.
func (l *linter) categoryKeys() []string {
	var keys []string
	for _, c := range l.rev.Categories {
		keys = append(keys, c.Key)
	}
	if len(keys) == 0 {
		keys = []string{"a_category"}
	}
	return keys
}

// stringsOf returns the strings a value admits when it is a string or a
// disjunction of strings; false for anything else.
func stringsOf(v cue.Value) ([]string, bool) {
	if s, err := v.String(); err == nil && v.IsConcrete() {
		return []string{s}, true
	}
	op, args := v.Expr()
	if op == cue.SelectorOp {
		// A reference, such as #CategoryKey: what it names.
		if root, path := v.ReferencePath(); root.Exists() {
			return stringsOf(root.LookupPath(path))
		}
		return nil, false
	}
	if op != cue.OrOp {
		return nil, false
	}
	var out []string
	for _, a := range args {
		more, ok := stringsOf(a)
		if !ok {
			return nil, false
		}
		out = append(out, more...)
	}
	return out, true
}

// lookupField looks up a field of a struct whether it is regular, required or
// optional.
func lookupField(v cue.Value, name string) cue.Value {
	for _, sel := range []cue.Selector{cue.Str(name), cue.Str(name).Required(), cue.Str(name).Optional()} {
		if f := v.LookupPath(cue.MakePath(sel)); f.Exists() {
			return f
		}
	}
	return cue.Value{}
}

func (l *linter) categories() {
	deviceCategory := lookupField(l.rev.Device, "category")
	for _, c := range l.rev.Categories {
		l.determination(c)
		if deviceCategory.Exists() {
			probe := deviceCategory.Unify(l.rev.ctx.Encode(c.Key))
			if probe.Validate(cue.Concrete(true)) != nil {
				l.add(c.Pos, "category", "category %s is not a value that #Device.category admits, so no device can be graded in it", c.Key)
			}
		}
		l.ladder(c)
		prefix := l.prefix(c)
		for _, lv := range c.Levels {
			l.level(c, lv)
			for _, cr := range lv.Criteria {
				l.criterion(c, lv, cr, prefix)
			}
		}
		l.inversions(c)
	}
}

func (l *linter) determination(c *Category) {
	d := c.Determination
	if d.Rule != "" && d.Rule != RuleCumulative {
		l.add(c.Pos, "determination", "category %s: determination rule %q is not known; the rule is %q", c.Key, d.Rule, RuleCumulative)
	}
	seen := map[string]bool{}
	for _, f := range d.Families {
		switch {
		case f == FamilyCore:
			l.add(c.Pos, "family", "category %s: %q is not a determination family: a core criterion counts in every family, so core is never listed", c.Key, f)
		case !familyPattern.MatchString(f):
			l.add(c.Pos, "family", "category %s: determination family %q is not a name in lower case, such as on_device", c.Key, f)
		case seen[f]:
			l.add(c.Pos, "family", "category %s: determination family %q is listed twice", c.Key, f)
		}
		seen[f] = true
	}
}

// ladder checks that a category's levels run from L1 up without a gap.
func (l *linter) ladder(c *Category) {
	if len(c.Levels) == 0 {
		if !field(l.categoryValue(c), "levels").Exists() {
			return // reading the revision found it
		}
		l.add(c.Pos, "level", "category %s declares no levels; declare L1 and up, such as levels: L1: {status: %q, criteria: {...}}", c.Key, LevelNormative)
		return
	}
	var gaps []string
	for rank := 1; rank < c.Top(); rank++ {
		if c.Level(LevelName(rank)) == nil {
			gaps = append(gaps, LevelName(rank))
		}
	}
	if len(gaps) > 0 {
		l.add(c.Pos, "level", "category %s declares %s but not %s: its levels run from L1 up without a gap",
			c.Key, LevelName(c.Top()), strings.Join(gaps, ", "))
	}
}

// prefix checks the ID prefix that a category declares, and returns the
// prefix its criteria's IDs must carry: the declared one, else that of its
// first well-formed ID, or "" if there is none to check against (a
// malformed prefix, or one that an earlier category declares: an ID would
// not say which category it belongs to).
func (l *linter) prefix(c *Category) string {
	if c.Prefix != "" {
		pos := positionOf(field(l.categoryValue(c), "prefix").Pos())
		if !prefixPattern.MatchString(c.Prefix) {
			l.add(pos, "prefix", "category %s: prefix %q is not an ID prefix: capitals and digits, starting with a capital, such as %q", c.Key, c.Prefix, suggestPrefix(c.Key))
			return ""
		}
		for _, o := range l.rev.Categories {
			if o == c {
				break
			}
			if o.Prefix == c.Prefix {
				l.add(pos, "prefix", "category %s: prefix %q is category %s's too; every category needs a prefix of its own", c.Key, c.Prefix, o.Key)
				return ""
			}
		}
		return c.Prefix
	}
	for _, lv := range c.Levels {
		for _, cr := range lv.Criteria {
			if p, _, ok := SplitID(cr.ID); ok {
				return p
			}
		}
	}
	return ""
}

// categoryValue returns the value of a category in the revision.
func (l *linter) categoryValue(c *Category) cue.Value {
	return l.rev.Value.LookupPath(cue.MakePath(cue.Str("categories"), cue.Str(c.Key)))
}

// suggestPrefix suggests an ID prefix for a category key: the initials of
// its words in capitals, or its first two letters.
func suggestPrefix(key string) string {
	var b strings.Builder
	for w := range strings.FieldsFuncSeq(key, func(r rune) bool { return r == '_' || r == '-' }) {
		b.WriteByte(w[0])
	}
	p := b.String()
	if len(p) < 2 && len(key) >= 2 {
		p = key[:2]
	}
	p = strings.ToUpper(p)
	if !prefixPattern.MatchString(p) {
		return "XX"
	}
	return p
}

func (l *linter) level(c *Category, lv *Level) {
	switch lv.Status {
	case "":
	case LevelReserved:
		for _, cr := range lv.Criteria {
			l.add(cr.Pos, "reserved", "criterion %s stands under %s %s, which is reserved: a reserved level has no criteria and is never reached", cr.ID, c.Key, lv.Name)
		}
	case LevelNormative:
		if len(lv.Criteria) == 0 {
			l.add(lv.Pos, "empty-level", "%s %s is normative but has no criteria: every device would pass it", c.Key, lv.Name)
		}
	case LevelDraft:
	default:
		l.add(lv.Pos, "status", "%s %s: status %q is not one of %s", c.Key, lv.Name, lv.Status, strings.Join(LevelStatuses, ", "))
	}
}

func (l *linter) criterion(c *Category, lv *Level, cr *Criterion, prefix string) {
	if idPrefix, idLevel, ok := SplitID(cr.ID); !ok {
		l.add(cr.Pos, "id", "criterion ID %q is malformed: want the category's prefix, the level and a name in capitals, such as %s-%s-NAME",
			cr.ID, cmp.Or(prefix, c.Prefix, suggestPrefix(c.Key)), lv.Name)
	} else {
		switch {
		case prefix == "":
		case c.Prefix != "" && idPrefix != prefix:
			l.add(cr.Pos, "id", "criterion %s stands in category %s, whose prefix is %s: its ID must start with %s-%s-", cr.ID, c.Key, prefix, prefix, lv.Name)
		case idPrefix != prefix:
			l.add(cr.Pos, "id", "criterion %s stands in category %s, whose IDs start with %s-", cr.ID, c.Key, prefix)
		}
		if idLevel != lv.Name {
			l.add(cr.Pos, "id", "criterion %s stands under %s, but its ID says %s", cr.ID, lv.Name, idLevel)
		}
	}
	enum := func(what, value string, allowed []string) {
		if value != "" && !slices.Contains(allowed, value) {
			l.add(positionOf(field(cr.Value, what).Pos()), what, "criterion %s: %s %q is not one of %s", cr.ID, what, value, strings.Join(allowed, ", "))
		}
	}
	if l.rev.Elements != nil {
		enum("element", cr.Element, l.rev.Elements)
	}
	enum("provenance", cr.Provenance, Provenances)
	if cr.Family != "" && cr.Family != FamilyCore && !slices.Contains(c.Determination.Families, cr.Family) {
		l.add(positionOf(field(cr.Value, "family").Pos()), "family", "criterion %s: family %q is not a family of category %s (%s)", cr.ID, cr.Family, c.Key, familiesText(c))
	}
	declared := l.declaredPaths(cr)
	guarded := false
	for _, d := range declared {
		guarded = guarded || d.guarded
	}
	// A field under a guard constrains only when its condition holds, and
	// the compiled value does not list it: such a criterion is not empty.
	if cr.Require.Exists() && len(cr.Fields) == 0 && !guarded && !hasFields(cr.Require) {
		l.add(cr.Pos, "no-constraint", "criterion %s: require constrains no field, so every device passes it", cr.ID)
	}
	l.fields(cr, declared)
	l.satisfiable(c, cr)
}

// satisfiable reports a criterion that no device record can pass: its
// require, unified with what #Device admits of the criterion's category,
// is in conflict (a string where #Measurements says number, a bound on a
// bool, a bound beyond the field's declared range, a float for an int, a
// value that no enum member is).
func (l *linter) satisfiable(c *Category, cr *Criterion) {
	if !cr.Require.Exists() || !l.rev.Device.Exists() {
		return
	}
	conflict, ok := l.conflict(c, cr)
	if !ok {
		return
	}
	path, msg := conflict.path, conflict.msg
	pos, asks := cr.Pos, ""
	for _, f := range cr.Fields {
		if f.Path == path {
			pos, asks = f.Pos, f.Text
		}
	}
	if m := l.measurementAt(conflict.labels); m != nil && asks != "" {
		l.add(pos, "unsatisfiable", "criterion %s can never pass: it asks %s of %s, which #Measurements allows only as %s (%s)", cr.ID, asks, m.Name, m.Constraint, msg)
	} else {
		l.add(pos, "unsatisfiable", "criterion %s can never pass: no device record that #Device admits meets its require at %s (%s)", cr.ID, path, msg)
	}
}

// conflict is where and why no record that #Device admits meets a
// require.
type conflict struct {
	labels    []string
	path, msg string
}

// conflicts remembers, across lints, the conflict of each require with
// each #Device (by their fingerprints and the category): the unification
// is most of a lint's cost, and an edit changes few requires.
var conflicts = struct {
	sync.Mutex
	m map[[3]string]*conflict
}{m: map[[3]string]*conflict{}}

// maxConflicts bounds the memory of conflicts; past it, it starts anew.
const maxConflicts = 1 << 14

// conflict returns the first conflict of #Device, for the category, with a
// criterion's require that is not about a field #Device lacks or a
// validator that judges only concrete values; false if there is none.
func (l *linter) conflict(c *Category, cr *Criterion) (*conflict, bool) {
	key := [3]string{l.rev.DeviceFingerprint(), c.Key, cr.RequireFingerprint}
	if cr.RequireFingerprint != "" {
		conflicts.Lock()
		found, ok := conflicts.m[key]
		conflicts.Unlock()
		if ok {
			return found, found != nil
		}
	}
	found := l.findConflict(c, cr)
	if cr.RequireFingerprint != "" {
		conflicts.Lock()
		if len(conflicts.m) >= maxConflicts {
			conflicts.m = map[[3]string]*conflict{}
		}
		conflicts.m[key] = found
		conflicts.Unlock()
	}
	return found, found != nil
}

// findConflict unifies #Device, for the category, with a require, and
// returns the first conflict, or nil.
func (l *linter) findConflict(c *Category, cr *Criterion) *conflict {
	device := l.rev.Device.FillPath(cue.MakePath(cue.Str("category")), c.Key)
	if device.Validate() != nil {
		return nil // #Device does not admit the category: the category rule says so
	}
	err := device.Unify(cr.Require).Validate()
	for _, e := range errors.Errors(err) {
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		switch {
		case strings.Contains(msg, "not allowed"):
			continue // a field that #Device does not define: the unknown-field rule says so
		case strings.Contains(msg, "does not satisfy"), strings.Contains(msg, "non-concrete"), strings.Contains(msg, "incomplete"):
			// A validator such as list.Contains judges only concrete
			// values: CUE runs it on the empty list that [...X] may be.
			continue
		}
		if strings.Contains(msg, "errors in empty disjunction") {
			msg = "none of its values"
		}
		ep := e.Path()
		if len(ep) > 0 && ep[0] == "#Device" {
			ep = ep[1:]
		}
		// CUE writes the labels of an error's path as selectors already.
		return &conflict{labels: ep, path: strings.Join(ep, "."), msg: msg}
	}
	return nil
}

// hasFields reports whether a require constrains a field, in any
// alternative of a disjunction: a field whose value is not a struct, or a
// struct that constrains one. True when CUE cannot list them.
func hasFields(v cue.Value) bool {
	if op, args := v.Expr(); op == cue.OrOp {
		return slices.ContainsFunc(args, hasFields)
	}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return true
	}
	for it.Next() {
		if f := it.Value(); f.IncompleteKind() != cue.StructKind || hasFields(f) {
			return true
		}
	}
	return false
}

// measurementAt returns the measurement at a path of a device record,
// written as CUE selectors, or nil.
func (l *linter) measurementAt(path []string) *Measurement {
	if len(path) != 2 || path[0] != "measurements" {
		return nil
	}
	name := path[1]
	if unquoted, err := strconv.Unquote(name); err == nil {
		name = unquoted
	}
	return l.rev.Measurement(name)
}

func familiesText(c *Category) string {
	if len(c.Determination.Families) == 0 {
		return "it names none, so every criterion is core"
	}
	return "it names " + strings.Join(c.Determination.Families, ", ") + " and core"
}

// declaredPaths returns the declarations of the fields under a criterion's
// require as its source writes them, by the path of their labels relative
// to require (pathKey). They include the fields inside comprehensions,
// which the compiled value does not list while their condition is unknown.
func (l *linter) declaredPaths(cr *Criterion) map[string]*decl {
	prefix := append(criterionPath(cr.Category, cr.Level, cr.ID), "require")
	out := map[string]*decl{}
	for _, d := range l.rev.decls.under(prefix...) {
		p := pathKey(d.path[len(prefix):])
		if _, ok := out[p]; !ok {
			out[p] = d
		}
	}
	return out
}

// fields checks that every field a criterion constrains, in its compiled
// value or in its source, is one that a device record may have: a misspelt
// field would otherwise be absent from every device, or filled in by CUE,
// and decide nothing.
func (l *linter) fields(cr *Criterion, declared map[string]*decl) {
	if !l.rev.Device.Exists() {
		return
	}
	// The fields' label paths, by pathKey, and where each is declared.
	paths := map[string]Position{}
	for p, d := range declared {
		paths[p] = d.pos()
	}
	for _, f := range cr.Fields {
		if _, ok := paths[pathKey(f.Labels)]; !ok {
			paths[pathKey(f.Labels)] = f.Pos
		}
	}
	reported := map[string]bool{}
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		parts := strings.Split(p, "\x00")
		cur := l.rev.Device
		where := "#Device"
		for i, name := range parts {
			bad := FieldPath(parts[:i+1]...)
			st := l.step(cur, bad, name)
			if !st.allows {
				if !reported[bad] {
					reported[bad] = true
					l.add(paths[p], "unknown-field", "criterion %s constrains %s, which %s does not define%s", cr.ID, bad, where, l.suggest(cur, name, parts[:i]))
				}
				break
			}
			cur = st.next
			if name == "measurements" && i == 0 {
				where = "#Measurements"
			} else {
				where = "#Device." + bad
			}
		}
	}
}

// suggest proposes the closest field name that v allows, for a misspelling.
func (l *linter) suggest(v cue.Value, name string, parent []string) string {
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return ""
	}
	var names []string
	for it.Next() {
		names = append(names, selectorName(it.Selector()))
	}
	best := Closest(name, names)
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", FieldPath(append(slices.Clone(parent), best)...))
}

// duplicates reports criterion IDs that stand in more than one place, and
// criteria declared more than once, which CUE merges without a word.
func (l *linter) duplicates() {
	first := map[string]*Criterion{}
	for _, cr := range l.rev.Criteria() {
		if f, ok := first[cr.ID]; ok {
			a, b := f, cr
			if b.Pos.Compare(a.Pos) < 0 {
				a, b = b, a
			}
			l.add(b.Pos, "duplicate-id", "duplicate criterion ID %s: it stands under %s %s and under %s %s (%s)", cr.ID, a.Category, a.Level, b.Category, b.Level, a.Pos)
			continue
		}
		first[cr.ID] = cr
		ds := l.rev.decls.lookup(criterionPath(cr.Category, cr.Level, cr.ID)...)
		for _, d := range ds[min(1, len(ds)):] {
			l.add(d.pos(), "duplicate-id", "criterion %s is declared again here (first at %s); CUE merges the two declarations", cr.ID, ds[0].pos())
		}
	}
}

// inversions reports a higher level that asks less of a field than a lower
// level of the same family: L2 needs >=3 and L3 needs >=1. The bound of the
// higher level must be the same as, or within, the lower one; CUE's
// subsumption decides.
func (l *linter) inversions(c *Category) {
	type bound struct {
		cr *Criterion
		f  *Constraint
	}
	var bounds [][]bound // by level
	for _, lv := range c.Levels {
		var bs []bound
		for _, cr := range lv.Criteria {
			for _, f := range cr.Fields {
				bs = append(bs, bound{cr, f})
			}
		}
		bounds = append(bounds, bs)
	}
	for hi := range bounds {
		for _, h := range bounds[hi] {
			// Report against the closest lower level only.
			found := false
			for lo := hi - 1; lo >= 0 && !found; lo-- {
				for _, w := range bounds[lo] {
					if w.f.Path != h.f.Path || !(h.cr.Counts(w.cr.Family) || w.cr.Counts(h.cr.Family)) {
						continue
					}
					if h.f.Value.Subsume(w.f.Value) == nil && w.f.Value.Subsume(h.f.Value) != nil {
						l.add(h.f.Pos, "ladder-inversion", "criterion %s: %s asks %s: %v, which is looser than %v asked at %s by %s",
							h.cr.ID, h.cr.Level, h.f.Path, h.f.Value, w.f.Value, w.cr.Level, w.cr.ID)
						found = true
						break
					}
				}
			}
		}
	}
}

// Closest returns the candidate nearest to name by edit distance, for a
// "did you mean" in a message, or "" when none is near: fewer edits than
// half the name's length. The first of equally near candidates wins.
func Closest(name string, candidates []string) string {
	best, bestDist := "", len(name)/2+1
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between two strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
