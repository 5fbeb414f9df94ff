package evaluator

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ladderworks/ladder/spec"
)

// familyCriteria is a widget ladder with two families: core criteria at
// every level, and one criterion of each family at L2 and L3.
var familyCriteria = map[string][3]string{
	"W-L1-CORE": {"L1", "core", `measurements: n: >=1`},
	"W-L2-CORE": {"L2", "core", `measurements: n: >=2`},
	"W-L2-X":    {"L2", "x", `measurements: i: >=2`},
	"W-L2-Y":    {"L2", "y", `measurements: b: true`},
	"W-L3-CORE": {"L3", "core", `measurements: n: >=3`},
	"W-L3-X":    {"L3", "x", `measurements: i: >=3`},
	"W-L3-Y":    {"L3", "y", `measurements: s: "red"`},
}

func TestDetermine(t *testing.T) {
	rev := widgetRevision(t, "", familyCriteria)
	ref := mustReference(t, rev)
	tests := []struct {
		name     string
		claimed  string
		device   string
		level    string
		families string
		flags    string
	}{
		{"below L1", "", `"n": 0, "i": 9, "b": true, "s": "red"`, "L0", "x L0, y L0", ""},
		{"core fails at L2 in every family", "", `"n": 1, "i": 9, "b": true, "s": "red"`, "L1", "x L1, y L1", ""},
		{"x reaches L3, y L2", "", `"n": 3, "i": 3, "b": true, "s": "blue"`, "L2", "x L3, y L2", ""},
		{"y reaches L3, x L1", "", `"n": 3, "i": 1, "b": true, "s": "red"`, "L1", "x L1, y L3", ""},
		{"both reach L3; L4 is reserved", "L3", `"n": 9, "i": 9, "b": true, "s": "red"`, "L3", "x L3, y L3", ""},
		{"missing evidence in one family", "", `"n": 3, "i": 3, "s": "red"`, "L1", "x L3, y L1", ""},
		{"over-claim", "L3", `"n": 3, "i": 3, "b": true, "s": "blue"`, "L2", "x L3, y L2", "over-claim"},
		{"claim met", "L2", `"n": 3, "i": 3, "b": true, "s": "blue"`, "L2", "x L3, y L2", ""},
		{"claims a reserved level", "L4", `"n": 9, "i": 9, "b": true, "s": "red"`, "L3", "x L3, y L3", "not-assessable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ref.Outcome(widget(t, rev, tt.claimed, tt.device))
			var fams []string
			for _, f := range o.Families {
				fams = append(fams, f.Family+" "+f.Level)
			}
			if o.Level != tt.level || strings.Join(fams, ", ") != tt.families || strings.Join(o.Flags, ",") != tt.flags {
				t.Errorf("got %s (%s) flags %q, want %s (%s) flags %q", o.Level, strings.Join(fams, ", "), o.Flags, tt.level, tt.families, tt.flags)
			}
			if len(o.Checks) != len(familyCriteria) {
				t.Errorf("%d checks, want one for each of the %d criteria", len(o.Checks), len(familyCriteria))
			}
		})
	}
}

func TestGap(t *testing.T) {
	rev := widgetRevision(t, "", familyCriteria)
	ref := mustReference(t, rev)
	ids := func(g *Gap) []string {
		var out []string
		for _, c := range g.Checks {
			out = append(out, c.Criterion.ID+" "+c.Verdict.String())
		}
		return out
	}
	o := ref.Outcome(widget(t, rev, "", `"n": 2, "i": 2, "s": "blue"`)) // L1: y lacks b
	if o.Level != "L1" {
		t.Fatalf("level %s, want L1", o.Level)
	}
	g := o.Gap("")
	if want := []string{"W-L2-Y missing"}; g.Level != "L2" || !slices.Equal(ids(g), want) {
		t.Errorf("gap to the next level: %s %v, want L2 %v", g.Level, ids(g), want)
	}
	g = o.Gap("L3")
	if want := []string{"W-L2-Y missing", "W-L3-CORE fail", "W-L3-X fail", "W-L3-Y fail"}; g.Level != "L3" || !slices.Equal(ids(g), want) {
		t.Errorf("gap to L3: %v, want %v", ids(g), want)
	}
	if msg := g.Checks[1].Message(); msg != "n is 2, needs >=3" {
		t.Errorf("gap message %q", msg)
	}
	if g := o.Gap("L1"); g != nil {
		t.Errorf("a device at L1 has a gap to L1: %+v", g)
	}
	if g := o.Gap("L4"); g == nil || !g.Reserved || len(g.Checks) != 0 {
		t.Errorf("the gap to a reserved level is %+v, want Reserved and no checks", g)
	}
	top := ref.Outcome(widget(t, rev, "", `"n": 9, "i": 9, "b": true, "s": "red"`))
	if g := top.Gap(""); g == nil || !g.Reserved || g.Level != "L4" {
		t.Errorf("the next level of an L3 device is reserved L4; got %+v", g)
	}
}

// TestDeciderIsTheRule holds the decider, which works out once what the
// level rule asks of a category's criteria, to the rule as written
// (ruleAsWritten), on random categories (levels out of order, missing,
// reserved, named twice; families or none; criteria at levels the category
// lacks) and random verdicts.
func TestDeciderIsTheRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	statuses := []string{spec.LevelNormative, spec.LevelNormative, spec.LevelDraft, spec.LevelReserved}
	for range 3000 {
		cat := &spec.Category{Key: "c"}
		if rng.IntN(2) == 0 {
			cat.Determination.Families = []string{"x", "y"}[:1+rng.IntN(2)]
		}
		for i := range rng.IntN(6) {
			rank := i + 1
			if rng.IntN(6) == 0 {
				rank = 1 + rng.IntN(6) // out of order, or a gap
			}
			cat.Levels = append(cat.Levels, &spec.Level{Name: spec.LevelName(rank), Rank: rank, Status: statuses[rng.IntN(len(statuses))]})
		}
		var crits []*spec.Criterion
		for i := range rng.IntN(12) {
			crits = append(crits, &spec.Criterion{ID: fmt.Sprint("C", i), Level: spec.LevelName(1 + rng.IntN(6)),
				Family: []string{spec.FamilyCore, "x", "y", "z"}[rng.IntN(4)]})
		}
		d := newDecider(cat, crits)
		for range 5 {
			verdicts := make([]Verdict, len(crits))
			for i := range verdicts {
				verdicts[i] = []Verdict{Pass, Fail, Missing}[rng.IntN(3)]
			}
			claimed := []string{"", "L1", "L3", "L5"}[rng.IntN(4)]
			got, want := d.decide(verdicts, claimed), ruleAsWritten(cat, crits, verdicts, claimed)
			if got.level != want.level || !slices.Equal(got.families, want.families) || !slices.Equal(got.flags, want.flags) {
				t.Fatalf("levels %+v, criteria %v, verdicts %v: decided %+v, the rule says %+v", cat.Levels, crits, verdicts, got, want)
			}
		}
	}
}

// ruleAsWritten is the level rule written out plainly: in each family, the
// levels are climbed in the order declared while each is the next rank and
// not reserved, and the climb stops below the first level with a criterion
// of the family (or of core) that the device does not pass.
func ruleAsWritten(cat *spec.Category, crits []*spec.Criterion, verdicts []Verdict, claimed string) levelResult {
	families := cat.Determination.Families
	if len(families) == 0 {
		families = []string{spec.FamilyCore}
	}
	var r levelResult
	lowest := -1
	for _, fam := range families {
		rank := 0
	climb:
		for _, l := range cat.Levels {
			if l.Rank != rank+1 || l.Status == spec.LevelReserved {
				break
			}
			for i, c := range crits {
				if verdicts[i] != Pass && c.Level == l.Name && c.Counts(fam) {
					break climb
				}
			}
			rank = l.Rank
		}
		if lowest < 0 || rank < lowest {
			lowest = rank
		}
		if len(cat.Determination.Families) > 0 {
			r.families = append(r.families, FamilyLevel{Family: fam, Level: spec.LevelName(rank)})
		}
	}
	r.level = spec.LevelName(lowest)
	if claimed != "" {
		switch l := cat.Level(claimed); {
		case l == nil || l.Status == spec.LevelReserved:
			r.flags = []string{FlagNotAssessable}
		case l.Rank > lowest:
			r.flags = []string{FlagOverClaim}
		}
	}
	return r
}
