package evaluator

import (
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/ladderworks/ladder/fixtures"
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
	// pairs pairs the checks of the category's devices under the two
	// revisions, as the last device added needed.
	pairs *pairing
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
	im.count(ci, before, after, 1)
	switch m, s := ci.pairing(before, after).entry(before, after); {
	case m != nil:
		ci.Moved = append(ci.Moved, *m)
	case s != nil:
		ci.Changed = append(ci.Changed, *s)
	}
}

// count adds a device's levels and passes to its category's counts
// (sign 1), or takes them away (sign -1).
func (im *Impact) count(ci *CategoryImpact, before, after *Outcome, sign int) {
	im.Devices += sign
	ci.Devices += sign
	if from, to := LevelIndex(before.Level), LevelIndex(after.Level); from >= 0 && to >= 0 {
		ci.grow(max(from, to))
		ci.Matrix[from][to] += sign
	}
	for _, c := range before.Checks {
		if p := ci.passes[c.Criterion.ID]; p != nil && c.Verdict == Pass {
			p.Before += sign
		}
	}
	for _, c := range after.Checks {
		if p := ci.passes[c.Criterion.ID]; p != nil && c.Verdict == Pass {
			p.After += sign
		}
	}
}

// pairing matches the checks of two outcomes of a device of one category,
// under the base and under the target. The checks of every device of a
// category come in the order of its criteria, so that one pairing serves
// them all.
type pairing struct {
	// base and target are the criteria of the checks paired.
	base, target []*spec.Criterion
	// ofTarget gives, for each check under the target, the index of the
	// check of the same criterion under the base, or -1; onlyBase are the
	// indexes of the checks under the base whose criterion the target
	// lacks.
	ofTarget []int
	onlyBase []int
}

// pairing returns the pairing of two outcomes of a device of the category:
// the one of the device before, if its checks are of the same criteria.
func (ci *CategoryImpact) pairing(before, after *Outcome) *pairing {
	if p := ci.pairs; p != nil && p.fits(before, after) {
		return p
	}
	p := &pairing{ofTarget: make([]int, len(after.Checks))}
	at := make(map[string]int, len(before.Checks))
	for i, c := range before.Checks {
		p.base = append(p.base, c.Criterion)
		at[c.Criterion.ID] = i
	}
	paired := make([]bool, len(before.Checks))
	for k, c := range after.Checks {
		p.target = append(p.target, c.Criterion)
		i, ok := at[c.Criterion.ID]
		if !ok {
			i = -1
		} else {
			paired[i] = true
		}
		p.ofTarget[k] = i
	}
	for i, ok := range paired {
		if !ok {
			p.onlyBase = append(p.onlyBase, i)
		}
	}
	ci.pairs = p
	return p
}

// fits reports whether the pairing is of the criteria of two outcomes'
// checks.
func (p *pairing) fits(before, after *Outcome) bool {
	if len(before.Checks) != len(p.base) || len(after.Checks) != len(p.target) {
		return false
	}
	for i, c := range before.Checks {
		if c.Criterion != p.base[i] {
			return false
		}
	}
	for k, c := range after.Checks {
		if c.Criterion != p.target[k] {
			return false
		}
	}
	return true
}

// entry returns what a device graded under both revisions is in the lists
// of its category: a move when its level changed, a device that stayed
// when only some of its verdicts did, or neither. The outcomes are those
// the pairing pairs.
func (p *pairing) entry(before, after *Outcome) (*Move, *Stayed) {
	id := after.Device.ID
	if from, to := LevelIndex(before.Level), LevelIndex(after.Level); from != to {
		return &Move{ID: id, From: before.Level, To: after.Level, Because: p.because(before, after, from, to)}, nil
	}
	var changed []*spec.Criterion
	for k, c := range after.Checks {
		if i := p.ofTarget[k]; i >= 0 && before.Checks[i].Verdict != c.Verdict {
			changed = append(changed, c.Criterion)
		}
	}
	if len(changed) == 0 {
		return nil, nil
	}
	return nil, &Stayed{ID: id, Level: after.Level, Criteria: byLevel(changed)}
}

// because returns the criteria that moved a device from level index from to
// level index to (see Move.Because).
func (p *pairing) because(before, after *Outcome, from, to int) []string {
	var out []*spec.Criterion
	for k, a := range after.Checks {
		var base Verdict
		i := p.ofTarget[k]
		if i >= 0 {
			base = before.Checks[i].Verdict
		}
		if moves(from, to, LevelIndex(a.Criterion.Level), a.Verdict, base, i >= 0) {
			out = append(out, a.Criterion)
		}
	}
	if to > from {
		for _, i := range p.onlyBase {
			if b := before.Checks[i]; LevelIndex(b.Criterion.Level) <= to && b.Verdict != Pass {
				out = append(out, b.Criterion)
			}
		}
	}
	return byLevel(out)
}

// moves reports whether a criterion of the target at level rank, whose
// verdict on a device is now (and was base under the base revision, if
// inBase), is one of those that moved the device from level index from to
// level index to: on the way down, one it passed (or that did not exist)
// and does not pass, up to its old level; on the way up, one it did not
// pass (or that did not exist) and passes, up to its new level.
func moves(from, to, rank int, now, base Verdict, inBase bool) bool {
	if to < from {
		return rank <= from && now != Pass && (!inBase || base == Pass)
	}
	return rank <= to && now == Pass && (!inBase || base != Pass)
}

// byLevel returns the IDs of criteria ordered by level, then ID.
func byLevel(crits []*spec.Criterion) []string {
	slices.SortFunc(crits, func(a, b *spec.Criterion) int {
		if ra, rb := LevelIndex(a.Level), LevelIndex(b.Level); ra != rb {
			return ra - rb
		}
		return strings.Compare(a.ID, b.ID)
	})
	ids := make([]string, len(crits))
	for i, c := range crits {
		ids[i] = c.ID
	}
	return ids
}

// changes are what an update of the target changed for the devices graded
// under both revisions, for with. Levels are the devices whose level
// changed, and outcomes fills, for the k-th, its outcome under the base and
// the one that replaces it, reusing what they hold. Passes are the changes
// of the pass counts of the target's criteria that the verdicts that
// changed make (on every device graded under both); verdicts are the
// verdicts that changed on the devices whose levels stayed.
type changes struct {
	levels   []levelRow
	outcomes func(k int, before, now *Outcome)
	passes   map[*spec.Criterion]int
	verdicts []verdictChange
}

// levelRow is a device whose level changed: its index in the target's
// grading, and its level as an impact counted it.
type levelRow struct {
	index  int
	device *fixtures.Device
	was    string
}

// verdictChange is a verdict on a device that changed while its level did
// not.
type verdictChange struct {
	device    *fixtures.Device
	criterion *spec.Criterion
	// level is the device's level under the target, before and after.
	level string
	// base is the device's verdict on the criterion under the base, if
	// inBase; now is the one under the target after the update.
	base, now Verdict
	inBase    bool
}

// with returns the impact of another version of the target revision whose
// categories, levels and criteria are those of im's (sameOutline says
// when), in which the changed devices have their new outcomes and every
// other device its old one. Im is not changed: the two share what did not
// change.
//
// The pass counts change by the verdicts that changed. A device whose
// level changed moves in the matrix, and its entry in the lists is made
// again from its outcomes. One whose verdicts alone changed keeps its place
// in the matrix, and its entry changes only by the criteria whose verdicts
// changed, without its outcomes, which is what makes an edit at 100,000
// devices, thousands of whose verdicts change, cheap.
func (im *Impact) with(target *spec.Revision, ch changes) *Impact {
	n := &Impact{Base: im.Base, Target: target, Devices: im.Devices, Categories: make([]*CategoryImpact, len(im.Categories)), byKey: make(map[string]*CategoryImpact, len(im.byKey))}
	for i, ci := range im.Categories {
		c := *ci
		c.Matrix = make([][]int, len(ci.Matrix))
		for j, row := range ci.Matrix {
			c.Matrix[j] = slices.Clone(row)
		}
		c.Criteria = slices.Clone(ci.Criteria)
		c.passes = make(map[string]*CriterionPasses, len(c.Criteria))
		for j := range c.Criteria {
			c.passes[c.Criteria[j].ID] = &c.Criteria[j]
		}
		n.Categories[i], n.byKey[c.Category] = &c, &c
	}
	// The entries of each category's lists that go, by their place in
	// the lists, and those that come.
	type edits struct {
		goneMoved, goneChanged []bool
		moved                  []Move
		changed                []Stayed
	}
	byCat := map[*CategoryImpact]*edits{}
	editsOf := func(ci *CategoryImpact) *edits {
		e := byCat[ci]
		if e == nil {
			e = &edits{goneMoved: make([]bool, len(ci.Moved)), goneChanged: make([]bool, len(ci.Changed))}
			byCat[ci] = e
		}
		return e
	}
	moveID := func(m Move) string { return m.ID }
	stayedID := func(s Stayed) string { return s.ID }
	// goes marks the entry of a device in the lists, if it has one, as
	// going; it returns its place in either.
	goes := func(ci *CategoryImpact, e *edits, id string) (moved, changed int) {
		if i, ok := find(ci.Moved, id, moveID); ok {
			e.goneMoved[i] = true
			return i, -1
		}
		if i, ok := find(ci.Changed, id, stayedID); ok {
			e.goneChanged[i] = true
			return -1, i
		}
		return -1, -1
	}
	for c, d := range ch.passes {
		if ci := n.byKey[c.Category]; ci != nil {
			if p := ci.passes[c.ID]; p != nil {
				p.After += d
			}
		}
	}
	for k, r := range levelChanges(n, ch) {
		ci := r.ci
		if ci == nil {
			continue
		}
		if r.from >= 0 && r.was >= 0 && r.to >= 0 {
			ci.grow(max(r.from, r.to))
			ci.Matrix[r.from][r.was]--
			ci.Matrix[r.from][r.to]++
		}
		e := editsOf(ci)
		goes(ci, e, ch.levels[k].device.ID)
		switch {
		case r.move != nil:
			e.moved = append(e.moved, *r.move)
		case r.stayed != nil:
			e.changed = append(e.changed, *r.stayed)
		}
	}
	// The verdicts that changed on devices whose level did not, by device.
	byDevice := map[*fixtures.Device][]verdictChange{}
	var devices []*fixtures.Device
	for _, v := range ch.verdicts {
		if byDevice[v.device] == nil {
			devices = append(devices, v.device)
		}
		byDevice[v.device] = append(byDevice[v.device], v)
	}
	var ci *CategoryImpact
	for _, d := range devices {
		// The devices come category after category.
		if ci == nil || ci.Category != d.Category {
			if ci = n.byKey[d.Category]; ci == nil {
				continue
			}
		}
		vs := byDevice[d]
		e := editsOf(ci)
		if i, j := goes(ci, e, d.ID); i >= 0 {
			m := ci.Moved[i]
			from, to := LevelIndex(m.From), LevelIndex(m.To)
			m.Because = reconsider(n, m.Because, vs, func(v verdictChange) bool {
				return moves(from, to, LevelIndex(v.criterion.Level), v.now, v.base, v.inBase)
			})
			e.moved = append(e.moved, m)
		} else {
			s := Stayed{ID: d.ID, Level: vs[0].level}
			if j >= 0 {
				s = ci.Changed[j]
			}
			s.Criteria = reconsider(n, s.Criteria, vs, func(v verdictChange) bool { return v.inBase && v.base != v.now })
			if len(s.Criteria) > 0 {
				e.changed = append(e.changed, s)
			}
		}
	}
	for ci, e := range byCat {
		ci.Moved = mergeByID(ci.Moved, e.moved, e.goneMoved, moveID)
		ci.Changed = mergeByID(ci.Changed, e.changed, e.goneChanged, stayedID)
	}
	return n
}

// levelChange is what a device whose level changed is in an impact: its
// category's impact, its level ranks under the base and under the target
// before and after, and its entry in the lists.
type levelChange struct {
	ci            *CategoryImpact
	from, was, to int
	move          *Move
	stayed        *Stayed
	// needsPairing is set for a device that the category's pairing does
	// not fit, looked at alone.
	needsPairing bool
}

// parallelChanges is how many devices whose level changed are looked at on
// every core rather than on one.
var parallelChanges = 1024

// levelChanges looks at each device of ch whose level changed, in the
// impact n: its outcomes and its entry, on every core when there are many
// (the outcomes of thousands of devices are most of an edit at 100,000).
// The workers only read n; a device whose checks the category's pairing
// does not fit is looked at afterwards, alone.
func levelChanges(n *Impact, ch changes) []levelChange {
	out := make([]levelChange, len(ch.levels))
	look := func(k int, before, now *Outcome, alone bool) {
		ch.outcomes(k, before, now)
		r := &out[k]
		r.ci = n.byKey[now.Device.Category]
		if r.ci == nil {
			return
		}
		r.from, r.was, r.to = LevelIndex(before.Level), LevelIndex(ch.levels[k].was), LevelIndex(now.Level)
		p := r.ci.pairs
		if alone {
			p = r.ci.pairing(before, now)
		} else if p == nil || !p.fits(before, now) {
			r.needsPairing = true
			return
		}
		r.move, r.stayed = p.entry(before, now)
	}
	// The first device of each category makes its pairing.
	var before, now Outcome
	done := make([]bool, len(ch.levels))
	seen := map[string]bool{}
	for k, l := range ch.levels {
		if cat := l.device.Category; !seen[cat] {
			seen[cat], done[k] = true, true
			look(k, &before, &now, true)
		}
	}
	workers := 1
	if len(ch.levels) >= parallelChanges {
		workers = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var before, now Outcome
			for k := w; k < len(ch.levels); k += workers {
				if !done[k] {
					look(k, &before, &now, false)
				}
			}
		})
	}
	wg.Wait()
	for k := range out {
		if out[k].needsPairing {
			out[k].needsPairing = false
			look(k, &before, &now, true)
		}
	}
	return out
}

// passCount is 1 for a pass, else 0.
func passCount(v Verdict) int {
	if v == Pass {
		return 1
	}
	return 0
}

// find returns the place of the entry with the given ID in a list ordered
// by ID.
func find[T any](list []T, id string, idOf func(T) string) (int, bool) {
	return slices.BinarySearchFunc(list, id, func(x T, id string) int { return strings.Compare(idOf(x), id) })
}

// reconsider returns a new list of criterion IDs, ordered by level (in the
// target, or in the base for a criterion the target lacks) and ID: those
// of ids, less the criteria of the verdict changes, and with those whose
// changes are in by the rule.
func reconsider(im *Impact, ids []string, vs []verdictChange, in func(verdictChange) bool) []string {
	drop := map[string]bool{}
	var crits []*spec.Criterion
	for _, v := range vs {
		drop[v.criterion.ID] = true
		if in(v) {
			crits = append(crits, v.criterion)
		}
	}
	for _, id := range ids {
		if drop[id] {
			continue
		}
		c := im.Target.Criterion(id)
		if c == nil {
			c = im.Base.Criterion(id)
		}
		crits = append(crits, c)
	}
	return byLevel(crits)
}

// mergeByID returns, in a new slice ordered by ID, the entries of old (in
// that order) but those marked gone, and those of added.
func mergeByID[T any](old, added []T, gone []bool, id func(T) string) []T {
	slices.SortFunc(added, func(a, b T) int { return strings.Compare(id(a), id(b)) })
	out := make([]T, 0, len(old)+len(added))
	for i, x := range old {
		if gone[i] {
			continue
		}
		k := id(x)
		for len(added) > 0 && id(added[0]) < k {
			out, added = append(out, added[0]), added[1:]
		}
		out = append(out, x)
	}
	return append(out, added...)
}

// sameOutline reports whether two revisions have the same categories, in
// the same order, with the same levels and the same criteria at each
// level, in the same order: an impact of one can then be made one of the
// other by with.
func sameOutline(a, b *spec.Revision) bool {
	return slices.EqualFunc(a.Categories, b.Categories, func(x, y *spec.Category) bool {
		return x.Key == y.Key && slices.EqualFunc(x.Levels, y.Levels, func(l, m *spec.Level) bool {
			return l.Name == m.Name && slices.EqualFunc(l.Criteria, m.Criteria, func(c, d *spec.Criterion) bool { return c.ID == d.ID })
		})
	})
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
