package evaluator

import (
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// Determine decides a device's level from the verdicts of its category's
// criteria, by the cumulative rule: a device is at Lk when it passes every
// criterion of L1 to Lk. Where the category names families, the rule is
// applied in each family (a criterion of family core counts in every one)
// and the device's level is the lowest. A reserved level is never reached.
// The outcome is flagged over-claim when the device claims more than it
// reaches, and not-assessable when it claims a level the revision reserves.
func Determine(cat *spec.Category, d *fixtures.Device, checks []Check) *Outcome {
	o := &Outcome{Device: d, Category: cat, Level: LevelNone, Checks: checks}
	if cat == nil {
		return o
	}
	crits := make([]*spec.Criterion, len(checks))
	verdicts := make([]Verdict, len(checks))
	for i, c := range checks {
		crits[i], verdicts[i] = c.Criterion, c.Verdict
	}
	r := decide(cat, crits, verdicts, d.ClaimedLevel)
	o.Level, o.Families, o.Flags = r.level, r.families, r.flags
	return o
}

// decide applies the level rule to the verdicts of a category's criteria.
func decide(cat *spec.Category, crits []*spec.Criterion, verdicts []Verdict, claimed string) levelResult {
	return newDecider(cat, crits).decide(verdicts, claimed)
}

// A decider applies the level rule to the verdicts of a category's
// criteria, given in one order, for device after device: what the rule
// asks of the category and the criteria is worked out once.
type decider struct {
	cat      *spec.Category
	families []string
	// top is the highest rank a device can reach: that of the last level
	// of the category's contiguous run of levels L1, L2, … that are not
	// reserved.
	top int
	// ranks holds the rank of each criterion's level when the level is in
	// that run, and 0 for one whose level is not (it decides nothing).
	ranks []int
	// counts tells, for each family, whether each criterion counts in it.
	counts [][]bool
	// levels are the category's levels by name, the first of a name.
	levels map[string]*spec.Level
}

func newDecider(cat *spec.Category, crits []*spec.Criterion) *decider {
	d := &decider{cat: cat, families: cat.Determination.Families, ranks: make([]int, len(crits)), levels: map[string]*spec.Level{}}
	for _, l := range cat.Levels {
		if _, ok := d.levels[l.Name]; !ok {
			d.levels[l.Name] = l
		}
	}
	if len(d.families) == 0 {
		d.families = []string{spec.FamilyCore}
	}
	rankOf := map[string]int{}
	for _, l := range cat.Levels {
		if l.Rank != d.top+1 || l.Status == spec.LevelReserved {
			break
		}
		if _, ok := rankOf[l.Name]; !ok {
			rankOf[l.Name] = l.Rank
		}
		d.top = l.Rank
	}
	for i, c := range crits {
		d.ranks[i] = rankOf[c.Level]
	}
	for _, fam := range d.families {
		counts := make([]bool, len(crits))
		for i, c := range crits {
			counts[i] = c.Counts(fam)
		}
		d.counts = append(d.counts, counts)
	}
	return d
}

// decide applies the rule to one device's verdicts: in each family, the
// device reaches the level below the lowest one (of the run) with a
// criterion that counts in the family and that it does not pass, or the top
// of the run; its level is the lowest of its families'.
func (d *decider) decide(verdicts []Verdict, claimed string) levelResult {
	var r levelResult
	lowest := -1
	for f, fam := range d.families {
		rank := d.top
		counts := d.counts[f]
		for i, v := range verdicts {
			if v != Pass && d.ranks[i] > 0 && d.ranks[i]-1 < rank && counts[i] {
				rank = d.ranks[i] - 1
			}
		}
		if lowest < 0 || rank < lowest {
			lowest = rank
		}
		if len(d.cat.Determination.Families) > 0 {
			r.families = append(r.families, FamilyLevel{Family: fam, Level: spec.LevelName(rank)})
		}
	}
	r.level = spec.LevelName(lowest)
	if claimed != "" {
		r.flags = flagsOf(d.levels[claimed], lowest)
	}
	return r
}

// The flags an outcome may have, shared by every outcome that has them:
// they are never changed.
var (
	notAssessable = []string{FlagNotAssessable}
	overClaim     = []string{FlagOverClaim}
)

// flagsOf returns the flags of a device that claims level l (nil when the
// category has no such level) and reaches rank.
func flagsOf(l *spec.Level, rank int) []string {
	switch {
	case l == nil || l.Status == spec.LevelReserved:
		return notAssessable
	case l.Rank > rank:
		return overClaim
	}
	return nil
}

// LevelIndex returns the rank of a level (0 for L0), its index in
// spec.Ladder, or -1 for a name that is no level.
func LevelIndex(level string) int {
	if level == LevelNone {
		return 0
	}
	if r := spec.LevelRank(level); r > 0 {
		return r
	}
	return -1
}

// Gap is what a device lacks to reach a level.
type Gap struct {
	// Level is the level aimed at.
	Level string
	// Reserved reports that the revision reserves the level, or a level on
	// the way to it, or that the category does not declare it: no device
	// can reach it, and Checks is empty.
	Reserved bool
	// Blocked is the lowest level on the way that is reserved or not
	// declared, when Reserved is set; Undeclared reports that the category
	// does not declare it.
	Blocked    string
	Undeclared bool
	// Checks are the criteria of the levels above the device's, up to and
	// including Level, that the device does not pass, by level and ID.
	Checks []Check
}

// Gap returns what the device lacks to reach target, or the next level up
// when target is "". It returns nil when the device is at the top of its
// category's ladder and no target is given, or already reaches the target.
// A target above the category's ladder is a level it does not declare,
// which no device reaches.
func (o *Outcome) Gap(target string) *Gap {
	if o.Category == nil {
		return nil
	}
	rank := LevelIndex(o.Level)
	want := rank + 1
	if target != "" {
		want = LevelIndex(target)
	} else if want > o.Category.Top() {
		return nil
	}
	if want <= rank || want > spec.MaxLevels {
		return nil
	}
	g := &Gap{Level: spec.LevelName(want)}
	for r := rank + 1; r <= want; r++ {
		if l := o.Category.Level(spec.LevelName(r)); l == nil || l.Status == spec.LevelReserved {
			g.Reserved, g.Blocked, g.Undeclared = true, spec.LevelName(r), l == nil
			return g
		}
	}
	for _, c := range o.Checks {
		if r := LevelIndex(c.Criterion.Level); r > rank && r <= want && c.Verdict != Pass {
			g.Checks = append(g.Checks, c)
		}
	}
	return g
}

// levelResult is what the level rule decides of one device.
type levelResult struct {
	level    string
	families []FamilyLevel
	flags    []string
}
