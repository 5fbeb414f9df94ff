package evaluator

import (
	"math/rand/v2"
	"testing"

	"github.com/ladderworks/ladder/evaluator/internal/oracle"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// agreeWithOracle decides every pair of a revision's criteria and devices
// by the reference path, by the engine (the fast path where it compiles)
// and by the oracle, and reports the disagreements. It returns the number
// of pairs and of each verdict.
func agreeWithOracle(t *testing.T, rev *spec.Revision, devices []*fixtures.Device) (pairs int, verdicts map[string]int) {
	t.Helper()
	ref := mustReference(t, rev)
	e := NewEngine()
	if _, err := e.Update(t.Context(), rev, devices); err != nil {
		t.Fatal(err)
	}
	st := e.State()
	o := oracle.New()
	verdicts = map[string]int{}
	bad := 0
	for i, d := range devices {
		dv, err := o.Device(d.Tree.Raw())
		if err != nil {
			t.Fatal(err)
		}
		engine := map[*spec.Criterion]Check{}
		for _, c := range st.Outcome(i).Checks {
			engine[c.Criterion] = c
		}
		for _, c := range rev.Criteria() {
			if c.Category != d.Category {
				continue
			}
			want, err := o.Verdict(c.Require, dv)
			if err != nil {
				t.Fatalf("%s: %v", c.ID, err)
			}
			got := ref.Check(d, c)
			pairs++
			verdicts[want]++
			if got.Verdict.String() != want || engine[c].Verdict.String() != want {
				bad++
				if bad <= 10 {
					t.Errorf("%s\n  on %s:\n  oracle %s, reference %s (%s), engine %s", c.Source, d.Tree.Raw(), want, got.Verdict, got.Message(), engine[c].Verdict)
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d disagreements with the oracle in %d pairs", bad, pairs)
	}
	return pairs, verdicts
}

// TestReferenceAgreesWithOracle decides criteria drawn from the grammar,
// which covers every construct of the verdict rule, on devices drawn
// around their bounds, three ways.
func TestReferenceAgreesWithOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 2026))
	g := grammar{r}
	criteria, devices := 400, 150
	if testing.Short() {
		criteria, devices = 80, 40
	}
	requires := make([]string, criteria)
	for i := range requires {
		requires[i] = g.require()
	}
	rev := fuzzRevision(t, requires)
	lines := make([]string, devices)
	for i := range lines {
		lines[i] = fuzzDevice(r, i)
	}
	pairs, verdicts := agreeWithOracle(t, rev, fuzzDevices(t, rev, lines))
	t.Logf("%d criteria, %d devices: %d pairs (%d pass, %d fail, %d missing)", len(rev.Criteria()), devices, pairs, verdicts["pass"], verdicts["fail"], verdicts["missing"])
	if verdicts["pass"] == 0 || verdicts["fail"] == 0 || verdicts["missing"] == 0 {
		t.Errorf("the grammar does not exercise every verdict: %v", verdicts)
	}
}
