package evaluator

import (
	"slices"
	"strings"

	"github.com/ladderworks/ladder/spec"
)

// This file compares the grading of one corpus under two revisions: what a
// revision does to real devices. Each device is graded under each revision
// on its own; Impact only sets the two outcomes side by side.

// Impact is the difference that a target revision makes, against a base
// revision, to the levels and verdicts of a corpus.
type Impact struct {
	Base, Target *spec.Revision
	// Categories are in the order of the target's categories, then those
	// only the base has; each holds the devices of that category.
	Categories []*CategoryImpact
	// Devices counts the devices graded under both revisions.
	Devices int
	byKey   map[string]*CategoryImpact
}

// CategoryImpact is the impact on the devices of one category.
type CategoryImpact struct {
	Category string
	// Devices counts the devices of the category graded under both
	// revisions.
	Devices int
	// Levels are the levels a device of the category may be at under
	// either revision: L0 up to the highest level either declares.
	Levels []string
	// Matrix counts the devices by level under the base revision (first
	// index) and under the target (second), indexed by rank as Levels.
	Matrix [][]int
	// Moved are the devices whose level changed, by ID.
	Moved []Move
	// Changed are the devices whose level did not change but some of whose
	// verdicts did, by ID.
	Changed []Stayed
	// Criteria are the criteria of the category in either revision, with
	// their pass counts: the target's in order, then those it removed.
	Criteria []CriterionPasses
	// OnlyBase and OnlyTarget are the devices that only one revision
	// could grade: the other found the record invalid.
	OnlyBase, OnlyTarget []string
	passes               map[string]*CriterionPasses
}

// Move is a device whose level changed.
type Move struct {
	ID       string
	From, To string
	// Because are the criteria whose verdicts moved the device, by level
	// and ID: on the way down, those it passed (or that did not exist)
	// under the base and does not pass under the target, up to its old
	// level; on the way up, those it did not pass (or that did not exist)
	// and passes now, and those removed that it failed, up to its new
	// level. It is empty when only a level's status or the category's
	// determination moved the device.
	Because []string
}

// Stayed is a device whose level stayed the same while some of its
// verdicts changed.
type Stayed struct {
	ID    string
	Level string
	// Criteria are the criteria that both revisions have whose verdict on
	// the device differs.
	Criteria []string
}

// CriterionPasses is how many devices of its category pass a criterion
// under each revision.
type CriterionPasses struct {
	ID string
	// Level is the criterion's level in the target, or in the base when
	// the target removed it.
	Level string
	// Before and After are the pass counts, -1 under a revision that does
	// not have the criterion.
	Before, After int
}

// Moved reports whether the counts changed.
func (p CriterionPasses) Moved() bool { return p.Before != p.After }

// NewImpact starts an impact of target against base, to which Add adds
// the devices one by one.
func NewImpact(base, target *spec.Revision) *Impact {
	im := &Impact{Base: base, Target: target, byKey: map[string]*CategoryImpact{}}
	add := func(c *spec.Category) {
		if ci := im.byKey[c.Key]; ci != nil {
			ci.grow(c.Top())
			return
		}
		im.byKey[c.Key] = newCategoryImpact(c.Key, c.Top())
		im.Categories = append(im.Categories, im.byKey[c.Key])
	}
	for _, c := range target.Categories {
		add(c)
		ci := im.byKey[c.Key]
		for _, cr := range criteriaOf(c) {
			before := 0
			if base.Criterion(cr.ID) == nil {
				before = -1
			}
			ci.Criteria = append(ci.Criteria, CriterionPasses{ID: cr.ID, Level: cr.Level, Before: before})
		}
	}
	for _, c := range base.Categories {
		add(c)
		ci := im.byKey[c.Key]
		for _, cr := range criteriaOf(c) {
			if target.Criterion(cr.ID) == nil {
				ci.Criteria = append(ci.Criteria, CriterionPasses{ID: cr.ID, Level: cr.Level, After: -1})
			}
		}
	}
	for _, ci := range im.Categories {
		for i := range ci.Criteria {
			ci.passes[ci.Criteria[i].ID] = &ci.Criteria[i]
		}
	}
	return im
}

// newCategoryImpact returns the empty impact on a category whose highest
// level under either revision is top.
func newCategoryImpact(key string, top int) *CategoryImpact {
	ci := &CategoryImpact{Category: key, passes: map[string]*CriterionPasses{}}
	ci.grow(top)
	return ci
}

// grow makes room in the matrix for the levels up to top.
func (ci *CategoryImpact) grow(top int) {
	n := top + 1
	if n <= len(ci.Levels) {
		return
	}
	ci.Levels = spec.Ladder(top)
	for i := range ci.Matrix {
		ci.Matrix[i] = append(ci.Matrix[i], make([]int, n-len(ci.Matrix[i]))...)
	}
	for len(ci.Matrix) < n {
		ci.Matrix = append(ci.Matrix, make([]int, n))
	}
}

func criteriaOf(c *spec.Category) []*spec.Criterion {
	var out []*spec.Criterion
	for _, l := range c.Levels {
		out = append(out, l.Criteria...)
	}
	return out
}

// Category returns the impact on one category, or nil.
func (im *Impact) Category(key string) *CategoryImpact {
	return im.byKey[key]
}

// Add adds a device graded under both revisions. The outcomes must be of
// the same device; before is under the base revision.
func (im *Impact) Add(before, after *Outcome) {
	cat := after.Device.Category
	ci := im.byKey[cat]
	if ci == nil {
		// A category neither revision has cannot validate; keep it anyway.
		ci = newCategoryImpact(cat, 0)
		im.byKey[cat] = ci
		im.Categories = append(im.Categories, ci)
	}
	im.Devices++
	ci.Devices++
	from, to := LevelIndex(before.Level), LevelIndex(after.Level)
	if from >= 0 && to >= 0 {
		ci.grow(max(from, to))
		ci.Matrix[from][to]++
	}
	vb, va := verdicts(before), verdicts(after)
	for id, v := range vb {
		if p := ci.passes[id]; p != nil && v.verdict == Pass {
			p.Before++
		}
	}
	for id, v := range va {
		if p := ci.passes[id]; p != nil && v.verdict == Pass {
			p.After++
		}
	}
	id := after.Device.ID
	if from != to {
		ci.Moved = append(ci.Moved, Move{ID: id, From: before.Level, To: after.Level, Because: because(vb, va, from, to)})
		return
	}
	var changed []string
	for _, c := range after.Checks {
		if b, ok := vb[c.Criterion.ID]; ok && b.verdict != c.Verdict {
			changed = append(changed, c.Criterion.ID)
		}
	}
	if len(changed) > 0 {
		ci.Changed = append(ci.Changed, Stayed{ID: id, Level: after.Level, Criteria: sortCriteria(changed, va, vb)})
	}
}

// AddOnlyBase records a device that only the base revision could grade,
// and AddOnlyTarget one that only the target could.
func (im *Impact) AddOnlyBase(category, id string) {
	if ci := im.byKey[category]; ci != nil {
		ci.OnlyBase = append(ci.OnlyBase, id)
	}
}

// AddOnlyTarget records a device that only the target revision could grade.
func (im *Impact) AddOnlyTarget(category, id string) {
	if ci := im.byKey[category]; ci != nil {
		ci.OnlyTarget = append(ci.OnlyTarget, id)
	}
}

// Finish sorts the devices of each category by ID. Call it after the last
// Add.
func (im *Impact) Finish() {
	for _, ci := range im.Categories {
		slices.SortFunc(ci.Moved, func(a, b Move) int { return strings.Compare(a.ID, b.ID) })
		slices.SortFunc(ci.Changed, func(a, b Stayed) int { return strings.Compare(a.ID, b.ID) })
		slices.Sort(ci.OnlyBase)
		slices.Sort(ci.OnlyTarget)
	}
}

// Empty reports whether no device moved or changed a verdict.
func (im *Impact) Empty() bool {
	for _, ci := range im.Categories {
		if len(ci.Moved) > 0 || len(ci.Changed) > 0 || len(ci.OnlyBase) > 0 || len(ci.OnlyTarget) > 0 {
			return false
		}
	}
	return true
}

// MovedCount counts the devices that moved, and of them those that moved up.
func (im *Impact) MovedCount() (moved, up int) {
	for _, ci := range im.Categories {
		for _, m := range ci.Moved {
			moved++
			if LevelIndex(m.To) > LevelIndex(m.From) {
				up++
			}
		}
	}
	return moved, up
}

// ChangedCount counts the devices whose verdicts changed and level did not.
func (im *Impact) ChangedCount() int {
	n := 0
	for _, ci := range im.Categories {
		n += len(ci.Changed)
	}
	return n
}

// verdictAt is a verdict with the rank of its criterion's level.
type verdictAt struct {
	verdict Verdict
	rank    int
}

func verdicts(o *Outcome) map[string]verdictAt {
	m := make(map[string]verdictAt, len(o.Checks))
	for _, c := range o.Checks {
		m[c.Criterion.ID] = verdictAt{c.Verdict, LevelIndex(c.Criterion.Level)}
	}
	return m
}

// because returns the criteria that moved a device from level index from to
// level index to (see Move.Because).
func because(vb, va map[string]verdictAt, from, to int) []string {
	var out []string
	if to < from {
		for id, a := range va {
			b, had := vb[id]
			if a.rank <= from && a.verdict != Pass && (!had || b.verdict == Pass) {
				out = append(out, id)
			}
		}
	} else {
		for id, a := range va {
			b, had := vb[id]
			if a.rank <= to && a.verdict == Pass && (!had || b.verdict != Pass) {
				out = append(out, id)
			}
		}
		for id, b := range vb {
			if _, has := va[id]; !has && b.rank <= to && b.verdict != Pass {
				out = append(out, id)
			}
		}
	}
	return sortCriteria(out, va, vb)
}

// sortCriteria orders criterion IDs by level, then ID.
func sortCriteria(ids []string, va, vb map[string]verdictAt) []string {
	rank := func(id string) int {
		if v, ok := va[id]; ok {
			return v.rank
		}
		return vb[id].rank
	}
	slices.SortFunc(ids, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return ids
}
