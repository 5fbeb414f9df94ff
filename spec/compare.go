package spec

import (
	"slices"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
)

// ChangeKind says how an element of the standard changed between two
// revisions.
type ChangeKind string

// The kinds of change. A criterion whose require changed is tightened,
// loosened or changed; one whose require did not change but that moved to
// another level is moved, and one that changed only in its text or
// metadata is edited.
const (
	Added ChangeKind = "added"
	// Removed is an element that the target revision no longer has.
	Removed ChangeKind = "removed"
	// Tightened is a constraint that admits a subset of what it admitted.
	Tightened ChangeKind = "tightened"
	// Loosened is a constraint that admits a superset of what it admitted.
	Loosened ChangeKind = "loosened"
	// Changed is a constraint that admits neither a subset nor a superset,
	// or one whose direction Ladder cannot prove.
	Changed ChangeKind = "changed"
	// Moved is a criterion that moved to another level or category and
	// asks the same of a device.
	Moved ChangeKind = "moved"
	// Edited is an element whose title or metadata changed.
	Edited ChangeKind = "edited"
)

// ChangeKinds lists the kinds in the order in which they are reported.
var ChangeKinds = []ChangeKind{Added, Removed, Tightened, Loosened, Changed, Moved, Edited}

// Changes are the differences in meaning between two revisions.
type Changes struct {
	Base, Target *Revision
	// Revision lists changes of the revisions' own title, status and base.
	Revision []Attribute
	// Categories are categories added, removed or edited (title, part,
	// determination).
	Categories []CategoryChange
	// Levels are the levels whose status changed, or that one revision
	// declares and the other does not.
	Levels []LevelChange
	// Criteria are matched by ID, in the order of the categories, levels
	// and IDs of the target revision, then the removed ones.
	Criteria []CriterionChange
	// Measurements are the changes of the measurement vocabulary, by name.
	Measurements []MeasurementChange
}

// Attribute is one named property that differs, with its value before and
// after ("" where there is none).
type Attribute struct {
	Name          string
	Before, After string
}

// CategoryChange is a category added, removed, or edited.
type CategoryChange struct {
	Category   string
	Kind       ChangeKind
	Attributes []Attribute
}

// LevelChange is a level that one revision declares and the other does not,
// or whose status changed. A status is "" on the side that does not declare
// the level.
type LevelChange struct {
	Category, Level string
	// Kind is Added or Removed for a level that one side does not declare,
	// and Changed for a change of status.
	Kind          ChangeKind
	Before, After string
}

// CriterionChange is a criterion that changed, matched by ID.
type CriterionChange struct {
	ID string
	// Category and Level locate the criterion in the target revision, or in
	// the base revision when it was removed.
	Category, Level string
	Kind            ChangeKind
	// Before and After are the criterion in each revision; nil on the side
	// that does not have it.
	Before, After *Criterion
	// BeforeText and AfterText are the CUE text of its require.
	BeforeText, AfterText string
	// Attributes are the other properties that changed: title, element,
	// family, provenance, clause, category and level.
	Attributes []Attribute
}

// MeasurementChange is a field of the measurement vocabulary added, removed
// or changed: tightened or loosened when only its range changed that way,
// changed when its type or unit changed too, edited when only its
// documentation did.
type MeasurementChange struct {
	Name                  string
	Kind                  ChangeKind
	Before, After         *Measurement
	BeforeText, AfterText string
}

// Empty reports whether the revisions mean the same: no criterion, level,
// category, vocabulary or revision property differs. Their text may still
// differ (comments, formatting, order).
func (c *Changes) Empty() bool {
	return len(c.Revision) == 0 && len(c.Categories) == 0 && len(c.Levels) == 0 &&
		len(c.Criteria) == 0 && len(c.Measurements) == 0
}

// Count returns how many criteria changed in the given way.
func (c *Changes) Count(kind ChangeKind) int {
	n := 0
	for _, ch := range c.Criteria {
		if ch.Kind == kind {
			n++
		}
	}
	return n
}

// Compare returns the differences in meaning between a base revision and a
// target revision. Criteria are matched by ID; a changed require is
// classified by CUE's subsumption: tightened when the base constraint
// subsumes the target's, loosened when the target's subsumes the base's.
func Compare(base, target *Revision) *Changes {
	ch := &Changes{Base: base, Target: target}
	cmp := newComparer()
	ch.Revision = diffAttributes(
		[]string{"title", "status", "base"},
		[]string{base.Title, base.Status, base.Base},
		[]string{target.Title, target.Status, target.Base})
	ch.compareCategories()
	ch.compareCriteria(cmp)
	ch.compareMeasurements(cmp)
	return ch
}

// diffAttributes returns the attributes whose values differ.
func diffAttributes(names, before, after []string) []Attribute {
	var out []Attribute
	for i, n := range names {
		if before[i] != after[i] {
			out = append(out, Attribute{Name: n, Before: before[i], After: after[i]})
		}
	}
	return out
}

// categoryKeys returns the keys of both revisions' categories: the target's
// in its order, then those only the base has.
func (c *Changes) categoryKeys() []string {
	var keys []string
	for _, cat := range c.Target.Categories {
		keys = append(keys, cat.Key)
	}
	for _, cat := range c.Base.Categories {
		if c.Target.Category(cat.Key) == nil {
			keys = append(keys, cat.Key)
		}
	}
	return keys
}

func determinationText(d Determination) string {
	s := d.Rule
	if len(d.Families) > 0 {
		s += " over families " + strings.Join(d.Families, ", ")
	}
	return s
}

func (c *Changes) compareCategories() {
	for _, key := range c.categoryKeys() {
		b, t := c.Base.Category(key), c.Target.Category(key)
		switch {
		case b == nil:
			c.Categories = append(c.Categories, CategoryChange{Category: key, Kind: Added})
		case t == nil:
			c.Categories = append(c.Categories, CategoryChange{Category: key, Kind: Removed})
		default:
			attrs := diffAttributes(
				[]string{"title", "part", "prefix", "determination"},
				[]string{b.Title, b.Part, b.Prefix, determinationText(b.Determination)},
				[]string{t.Title, t.Part, t.Prefix, determinationText(t.Determination)})
			if len(attrs) > 0 {
				c.Categories = append(c.Categories, CategoryChange{Category: key, Kind: Edited, Attributes: attrs})
			}
		}
		if b == nil || t == nil {
			continue
		}
		for rank := 1; rank <= max(b.Top(), t.Top()); rank++ {
			name := LevelName(rank)
			bl, tl := b.Level(name), t.Level(name)
			ch := LevelChange{Category: key, Level: name, Kind: Changed}
			switch {
			case bl == nil && tl == nil:
				continue
			case bl == nil:
				ch.Kind, ch.After = Added, tl.Status
			case tl == nil:
				ch.Kind, ch.Before = Removed, bl.Status
			case bl.Status == tl.Status:
				continue
			default:
				ch.Before, ch.After = bl.Status, tl.Status
			}
			c.Levels = append(c.Levels, ch)
		}
	}
}

func (c *Changes) compareCriteria(cmp *comparer) {
	for _, cr := range c.Target.Criteria() {
		old := c.Base.Criterion(cr.ID)
		if old == nil {
			c.Criteria = append(c.Criteria, CriterionChange{
				ID: cr.ID, Category: cr.Category, Level: cr.Level, Kind: Added,
				After: cr, AfterText: RequireText(cr),
			})
			continue
		}
		ch := CriterionChange{
			ID: cr.ID, Category: cr.Category, Level: cr.Level,
			Before: old, After: cr,
			Attributes: diffAttributes(
				[]string{"title", "element", "family", "provenance", "clause", "category", "level"},
				[]string{old.Title, old.Element, old.Family, old.Provenance, old.Clause, old.Category, old.Level},
				[]string{cr.Title, cr.Element, cr.Family, cr.Provenance, cr.Clause, cr.Category, cr.Level}),
		}
		if old.RequireFingerprint != cr.RequireFingerprint {
			switch oldCovers, newCovers := requireOrder(cmp, old, cr); {
			case oldCovers && newCovers:
				// Written differently, meaning the same.
			case oldCovers:
				ch.Kind = Tightened
			case newCovers:
				ch.Kind = Loosened
			default:
				ch.Kind = Changed
			}
		}
		if ch.Kind == "" {
			for _, a := range ch.Attributes {
				if a.Name == "level" || a.Name == "category" {
					ch.Kind = Moved
				}
			}
		}
		if ch.Kind == "" && len(ch.Attributes) > 0 {
			ch.Kind = Edited
		}
		if ch.Kind != "" {
			ch.BeforeText, ch.AfterText = RequireText(old), RequireText(cr)
			c.Criteria = append(c.Criteria, ch)
		}
	}
	for _, old := range c.Base.Criteria() {
		if c.Target.Criterion(old.ID) == nil {
			c.Criteria = append(c.Criteria, CriterionChange{
				ID: old.ID, Category: old.Category, Level: old.Level, Kind: Removed,
				Before: old, BeforeText: RequireText(old),
			})
		}
	}
}

// requireOrder compares the requires of two versions of a criterion. A
// plain require asks that each of its leaf fields be present and satisfy
// its constraint, so one plain require is at least as strict as another
// when it constrains every field the other does, each at least as
// strictly; other requires are compared whole.
func requireOrder(cmp *comparer, old, new *Criterion) (oldCovers, newCovers bool) {
	if !isPlainRequire(old.Require) || !isPlainRequire(new.Require) {
		return cmp.order(old.Require, new.Require)
	}
	oldFields, newFields := map[string]*Constraint{}, map[string]*Constraint{}
	for _, f := range old.Fields {
		oldFields[f.Path] = f
	}
	for _, f := range new.Fields {
		newFields[f.Path] = f
	}
	oldCovers, newCovers = true, true
	for _, f := range old.Fields {
		g, ok := newFields[f.Path]
		if !ok {
			// The new require no longer asks for the field.
			oldCovers = false
			continue
		}
		o, n := cmp.order(f.Value, g.Value)
		oldCovers = oldCovers && o
		newCovers = newCovers && n
	}
	for _, g := range new.Fields {
		if _, ok := oldFields[g.Path]; !ok {
			newCovers = false
		}
	}
	return oldCovers, newCovers
}

func (c *Changes) compareMeasurements(cmp *comparer) {
	i, j := 0, 0
	bm, tm := c.Base.Measurements, c.Target.Measurements
	for i < len(bm) || j < len(tm) {
		switch {
		case j == len(tm) || (i < len(bm) && bm[i].Name < tm[j].Name):
			c.Measurements = append(c.Measurements, MeasurementChange{Name: bm[i].Name, Kind: Removed, Before: bm[i], BeforeText: measurementText(bm[i])})
			i++
		case i == len(bm) || tm[j].Name < bm[i].Name:
			c.Measurements = append(c.Measurements, MeasurementChange{Name: tm[j].Name, Kind: Added, After: tm[j], AfterText: measurementText(tm[j])})
			j++
		default:
			b, t := bm[i], tm[j]
			i++
			j++
			var kind ChangeKind
			switch oldCovers, newCovers := cmp.order(b.Value, t.Value); {
			case b.Unit != t.Unit || b.Kind != t.Kind:
				kind = Changed
			case oldCovers && newCovers:
				if b.Doc != t.Doc {
					kind = Edited
				}
			case oldCovers:
				kind = Tightened
			case newCovers:
				kind = Loosened
			default:
				kind = Changed
			}
			if kind != "" {
				c.Measurements = append(c.Measurements, MeasurementChange{
					Name: b.Name, Kind: kind, Before: b, After: t,
					BeforeText: measurementText(b), AfterText: measurementText(t),
				})
			}
		}
	}
}

// measurementText is a measurement's type and range with its unit, as CUE.
func measurementText(m *Measurement) string {
	s := m.Constraint
	if m.Unit != "" {
		s += " @unit(" + m.Unit + ")"
	}
	return s
}

// RequireText returns the CUE text of a criterion's require as written in
// its declaration, or as CUE renders it when the declaration does not hold
// it.
func RequireText(c *Criterion) string {
	if c.Source != "" {
		if f, err := parser.ParseFile("criterion.cue", c.Source, parser.ParseComments); err == nil {
			for _, d := range f.Decls {
				outer, ok := d.(*ast.Field)
				if !ok {
					continue
				}
				s, ok := outer.Value.(*ast.StructLit)
				if !ok {
					continue
				}
				for _, e := range s.Elts {
					if f, ok := e.(*ast.Field); ok {
						if name, _, _ := ast.LabelName(f.Label); name == "require" {
							if text, ok := exprSource(f.Value); ok {
								return text
							}
						}
					}
				}
			}
		}
	}
	if !c.Require.Exists() {
		return ""
	}
	b, err := format.Node(c.Require.Syntax(cue.Raw()))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// exprSource formats an expression. A struct written without braces, as in
// require: measurements: x: >=3, is formatted without them too.
func exprSource(e ast.Expr) (string, bool) {
	var n ast.Node = e
	if s, ok := e.(*ast.StructLit); ok && !s.Lbrace.IsValid() {
		n = &ast.File{Decls: s.Elts}
	}
	b, err := format.Node(n)
	if err != nil {
		return "", false
	}
	return strings.TrimSpace(string(b)), true
}

// Of returns the criterion changes of one kind, in order.
func (c *Changes) Of(kind ChangeKind) []CriterionChange {
	return slices.DeleteFunc(slices.Clone(c.Criteria), func(ch CriterionChange) bool { return ch.Kind != kind })
}
