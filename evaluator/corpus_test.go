package evaluator_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

const (
	edition = "gbz177-2026"
	draft   = "gbz177-l4-draft"
)

// corpusRequirements are what the reference corpus must hold in each
// category, beyond what it must hold in all (see TestReferenceCorpus).
var corpusRequirements = []struct {
	category string
	// families are whether the corpus must have devices whose end-side and
	// device-cloud levels differ under the edition, each way round.
	families bool
	// retuned are the criteria of the category whose threshold the draft
	// tightens or loosens: some device must change level between the
	// revisions with one of them changing verdict.
	retuned []string
}{
	{"mobile_terminal", true, []string{"MT-L3-LLM"}},
	{"microcomputer", true, []string{"PC-L2-NPU"}},
	{"television", false, []string{"TV-L3-TTFT"}},
	{"glasses", false, []string{"GL-L2-VISUAL-QA"}},
	{"vehicle_cockpit", false, []string{"VC-L2-WAKE-ROAD"}},
	{"speaker", false, []string{"SP-L2-FALSE-WAKE"}},
	{"earphone", false, []string{"EP-L3-RESPONSE", "EP-L2-TRANSLATION"}},
}

// minDevices is the fewest devices a category of the corpus may have.
const minDevices = 30

// gradedCorpus is the reference corpus graded under both built-in
// revisions.
type gradedCorpus struct {
	revs map[string]*spec.Revision
	// outcomes are by revision, then by device ID.
	outcomes map[string]map[string]*evaluator.Outcome
	// ids are the device IDs of each category, in file order.
	ids map[string][]string
}

// gradeCorpus loads the built-in revisions and corpus from the repository,
// as the command line does, and grades every device under both revisions.
// Every record must be valid under both.
func gradeCorpus(t *testing.T) *gradedCorpus {
	t.Helper()
	root := os.DirFS("..")
	ws := spec.NewWorkspace(root, "")
	g := &gradedCorpus{revs: map[string]*spec.Revision{}, outcomes: map[string]map[string]*evaluator.Outcome{}, ids: map[string][]string{}}
	for _, id := range []string{edition, draft} {
		rev, err := ws.Load(id)
		if err != nil {
			t.Fatalf("loading %s: %v", id, err)
		}
		g.revs[id] = rev
	}
	l := fixtures.NewLoader()
	if err := l.AddFS(root, fixtures.DevicesDir, fixtures.DevicesDir); err != nil {
		t.Fatalf("loading the corpus: %v", err)
	}
	c := l.Corpus()
	for _, p := range c.Problems {
		t.Errorf("corpus: %v", p)
	}
	vocab := fixtures.NewVocabulary(g.revs[edition], g.revs[draft])
	for _, id := range []string{edition, draft} {
		rev := g.revs[id]
		devs, problems := fixtures.Validate(rev, c.Records, vocab)
		for _, p := range problems {
			t.Errorf("corpus under %s: %v", id, p)
		}
		ref, err := evaluator.NewReference(rev)
		if err != nil {
			t.Fatal(err)
		}
		outs, err := ref.Evaluate(context.Background(), devs)
		if err != nil {
			t.Fatal(err)
		}
		g.outcomes[id] = map[string]*evaluator.Outcome{}
		for _, o := range outs {
			g.outcomes[id][o.Device.ID] = o
			if id == edition {
				g.ids[o.Device.Category] = append(g.ids[o.Device.Category], o.Device.ID)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return g
}

func TestReferenceCorpus(t *testing.T) {
	g := gradeCorpus(t)
	if got, want := len(g.ids), len(corpusRequirements); got != want {
		t.Errorf("the corpus has devices of %d categories, want %d", got, want)
	}
	for _, req := range corpusRequirements {
		t.Run(req.category, func(t *testing.T) {
			ids := g.ids[req.category]
			ed := outcomesOf(g, edition, ids)
			dr := outcomesOf(g, draft, ids)
			fail := func(format string, args ...any) {
				t.Helper()
				t.Errorf("%s: "+format, append([]any{req.category}, args...)...)
			}
			if len(ids) < minDevices {
				fail("%d devices, want at least %d", len(ids), minDevices)
			}
			for _, o := range ed {
				want := filepath.Join(filepath.FromSlash(fixtures.DevicesDir), req.category, o.Device.ID+".json")
				if o.Device.File != want {
					fail("device %s is in %s, want %s", o.Device.ID, o.Device.File, want)
				}
			}
			for _, level := range []string{"L0", "L1", "L2", "L3"} {
				if !slices.ContainsFunc(ed, func(o *evaluator.Outcome) bool { return o.Level == level }) {
					fail("no device is at %s under %s", level, edition)
				}
			}
			if !slices.ContainsFunc(ed, func(o *evaluator.Outcome) bool { return o.HasFlag(evaluator.FlagOverClaim) }) {
				fail("no device over-claims under %s", edition)
			}
			if !slices.ContainsFunc(ed, missesEvidence) {
				fail("no device misses evidence for a criterion of %s", edition)
			}
			if !slices.ContainsFunc(ed, func(o *evaluator.Outcome) bool {
				return o.Device.ClaimedLevel == "L4" && o.HasFlag(evaluator.FlagNotAssessable)
			}) {
				fail("no device claims L4 and is flagged %s under %s", evaluator.FlagNotAssessable, edition)
			}
			if req.families {
				checkFamilySplits(t, req.category, ed)
			}
			if n := countFunc(dr, func(o *evaluator.Outcome) bool { return o.Level == "L4" }); n < 2 {
				fail("%d devices reach L4 under %s, want at least 2", n, draft)
			}
			checkRetuned(t, g, req.category, req.retuned, ids)
		})
	}
}

func outcomesOf(g *gradedCorpus, rev string, ids []string) []*evaluator.Outcome {
	out := make([]*evaluator.Outcome, len(ids))
	for i, id := range ids {
		out[i] = g.outcomes[rev][id]
	}
	return out
}

func missesEvidence(o *evaluator.Outcome) bool {
	_, _, missing := o.Counts()
	return missing > 0
}

func countFunc[T any](s []T, f func(T) bool) int {
	n := 0
	for _, x := range s {
		if f(x) {
			n++
		}
	}
	return n
}

// familyLevel returns an outcome's level in a family, or "".
func familyLevel(o *evaluator.Outcome, family string) string {
	for _, f := range o.Families {
		if f.Family == family {
			return f.Level
		}
	}
	return ""
}

// checkFamilySplits checks that at least two devices have end-side and
// device-cloud levels that differ under the edition, one each way round.
func checkFamilySplits(t *testing.T, category string, outs []*evaluator.Outcome) {
	t.Helper()
	higher := map[string]int{}
	for _, o := range outs {
		end, cloud := familyLevel(o, "end_side"), familyLevel(o, "device_cloud")
		switch {
		case end == "" || cloud == "":
			t.Errorf("%s: %s has no end_side or device_cloud level under %s", category, o.Device.ID, edition)
			return
		case end > cloud:
			higher["end_side"]++
		case cloud > end:
			higher["device_cloud"]++
		}
	}
	if higher["end_side"]+higher["device_cloud"] < 2 {
		t.Errorf("%s: %d devices have end_side and device_cloud levels that differ under %s, want at least 2",
			category, higher["end_side"]+higher["device_cloud"], edition)
	}
	for _, fam := range []string{"end_side", "device_cloud"} {
		if higher[fam] == 0 {
			t.Errorf("%s: no device has a higher %s level than its other family under %s", category, fam, edition)
		}
	}
}

// checkRetuned checks that the retuned criteria differ between the
// revisions, and that some device changes level between them while one of
// those criteria changes verdict on it.
func checkRetuned(t *testing.T, g *gradedCorpus, category string, retuned []string, ids []string) {
	t.Helper()
	for _, id := range retuned {
		a, b := g.revs[edition].Criterion(id), g.revs[draft].Criterion(id)
		if a == nil || b == nil || a.Category != category || b.Category != category {
			t.Errorf("%s: %s is not a criterion of %s in both revisions", category, id, category)
			return
		}
		if a.RequireFingerprint == b.RequireFingerprint {
			t.Errorf("%s: %s asks the same of a device in both revisions; it is not retuned", category, id)
		}
	}
	for _, id := range ids {
		ed, dr := g.outcomes[edition][id], g.outcomes[draft][id]
		if ed.Level == dr.Level {
			continue
		}
		for _, c := range retuned {
			if verdictOf(ed, c) != verdictOf(dr, c) {
				t.Logf("%s: %s is %s under %s and %s under %s; %s changes verdict", category, id, ed.Level, edition, dr.Level, draft, c)
				return
			}
		}
	}
	t.Errorf("%s: no device changes level between %s and %s with a change of verdict of %v", category, edition, draft, retuned)
}

func verdictOf(o *evaluator.Outcome, criterion string) string {
	for _, c := range o.Checks {
		if c.Criterion.ID == criterion {
			return c.Verdict.String()
		}
	}
	return ""
}

// TestReferenceCorpusLevels logs the level distribution of each category
// under both revisions, for the README and for reviewers.
func TestReferenceCorpusLevels(t *testing.T) {
	g := gradeCorpus(t)
	for _, req := range corpusRequirements {
		for _, rev := range []string{edition, draft} {
			counts := map[string]int{}
			for _, o := range outcomesOf(g, rev, g.ids[req.category]) {
				counts[o.Level]++
			}
			t.Logf("%-16s %-16s %d devices: L0 %d, L1 %d, L2 %d, L3 %d, L4 %d", req.category, rev,
				len(g.ids[req.category]), counts["L0"], counts["L1"], counts["L2"], counts["L3"], counts["L4"])
		}
	}
}
