package evaluator

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/ladderworks/ladder/evaluator/internal/oracle"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
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

// loadWorkspace loads every revision of a workspace and the devices of its
// reference corpus that each accepts.
func loadWorkspace(t *testing.T, ws *spec.Workspace) (*spec.Standard, map[string][]*fixtures.Device) {
	t.Helper()
	std, err := ws.LoadAll(spectest.Timeout)
	if err != nil {
		t.Fatal(err)
	}
	if len(std.Broken) > 0 {
		t.Fatalf("revisions that do not load: %v", std.Broken)
	}
	corpus, err := fixtures.LoadCorpus(ws, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	known := fixtures.NewVocabulary(std.Revisions...)
	devices := map[string][]*fixtures.Device{}
	for _, rev := range std.Revisions {
		devs, problems := fixtures.Validate(rev, corpus.Records, known)
		if len(corpus.Problems)+len(problems) > 0 {
			t.Fatalf("%s: the corpus has problems: %v %v", rev.ID, corpus.Problems, problems)
		}
		devices[rev.ID] = devs
	}
	return std, devices
}

// TestRevisionsAgreeWithOracle decides every (device, criterion) pair of
// the built-in revisions, of a ladder written apart from them to use every
// construct of the verdict rule (testdata/robots), of the second example
// standard (five, three and four levels, nested measurements) and of the
// starter, three ways.
func TestRevisionsAgreeWithOracle(t *testing.T) {
	for _, tc := range []struct {
		name string
		ws   *spec.Workspace
	}{
		{"builtin", spec.NewWorkspace(spectest.FS(t), "")},
		{"robots", spec.NewWorkspace(os.DirFS("testdata/robots"), "testdata/robots")},
		{"autonomy", spec.NewWorkspace(os.DirFS(spectest.Autonomy(t)), "autonomy")},
		{"starter", spec.NewWorkspace(os.DirFS("../starter"), "starter")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			std, devices := loadWorkspace(t, tc.ws)
			for _, rev := range std.Revisions {
				pairs, verdicts := agreeWithOracle(t, rev, devices[rev.ID])
				t.Logf("%s: %d devices, %d pairs (%d pass, %d fail, %d missing)", rev.ID, len(devices[rev.ID]), pairs, verdicts["pass"], verdicts["fail"], verdicts["missing"])
				if verdicts["pass"] == 0 || verdicts["fail"] == 0 || verdicts["missing"] == 0 {
					t.Errorf("%s: the corpus does not exercise every verdict: %v", rev.ID, verdicts)
				}
			}
		})
	}
}
