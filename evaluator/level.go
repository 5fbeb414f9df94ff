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
	families := cat.Determination.Families
	if len(families) == 0 {
		families = []string{spec.FamilyCore}
	}
	var r levelResult
	lowest := -1
	for _, fam := range families {
		rank := familyRank(cat, fam, crits, verdicts)
		if lowest < 0 || rank < lowest {
			lowest = rank
		}
		if len(cat.Determination.Families) > 0 {
			r.families = append(r.families, FamilyLevel{Family: fam, Level: spec.LevelName(rank)})
		}
	}
	r.level = spec.LevelName(lowest)
	r.flags = flags(cat, claimed, lowest)
	return r
}

// familyRank returns the rank of the highest level reached in one family:
// every level up to it is declared, not reserved, and passed.
func familyRank(cat *spec.Category, family string, crits []*spec.Criterion, verdicts []Verdict) int {
	rank := 0
	for _, l := range cat.Levels {
		if l.Rank != rank+1 || l.Status == spec.LevelReserved {
			break
		}
		for i, c := range crits {
			if verdicts[i] != Pass && c.Level == l.Name && c.Counts(family) {
				return rank
			}
		}
		rank = l.Rank
	}
	return rank
}

func flags(cat *spec.Category, claimed string, rank int) []string {
	if claimed == "" {
		return nil
	}
	l := cat.Level(claimed)
	switch {
	case l == nil || l.Status == spec.LevelReserved:
		return []string{FlagNotAssessable}
	case l.Rank > rank:
		return []string{FlagOverClaim}
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
