package report

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"testing/fstest"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
)

// builtin loads the built-in standard and its reference corpus.
func builtin(t testing.TB) (*spec.Workspace, *spec.Standard, *fixtures.Corpus) {
	t.Helper()
	ws := spec.NewWorkspace(spectest.FS(t), "")
	std, err := ws.LoadAll(spectest.Timeout)
	if err != nil {
		t.Fatal(err)
	}
	corpus, err := fixtures.LoadCorpus(ws, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ws, std, corpus
}

// grade grades a corpus under a revision through the engine.
func grade(t testing.TB, std *spec.Standard, corpus *fixtures.Corpus, rev *spec.Revision) *Graded {
	t.Helper()
	g, err := evaluator.Grade(context.Background(), rev, corpus.Records, fixtures.NewVocabulary(std.Revisions...))
	if err != nil {
		t.Fatal(err)
	}
	return FromGrading(g, corpus.Problems)
}

// referenceResults are the outcomes of the reference path, which decides
// every verdict through CUE.
type referenceResults struct {
	rev      *spec.Revision
	outcomes []*evaluator.Outcome
}

func (r referenceResults) Outcome(i int) *evaluator.Outcome        { return r.outcomes[i] }
func (r referenceResults) OutcomeInto(i int, o *evaluator.Outcome) { *o = *r.outcomes[i] }
func (r referenceResults) Level(i int) string                      { return r.outcomes[i].Level }

// Distribution counts the outcomes of a category by level, on its own.
func (r referenceResults) Distribution(category string) map[string]int {
	out := map[string]int{}
	top := 0
	if c := r.rev.Category(category); c != nil {
		top = c.Top()
	}
	for _, l := range spec.Ladder(top) {
		out[l] = 0
	}
	for _, o := range r.outcomes {
		if o.Device.Category == category {
			out[o.Level]++
		}
	}
	return out
}

// gradeByReference grades a corpus under a revision through the reference
// path alone.
func gradeByReference(t testing.TB, std *spec.Standard, corpus *fixtures.Corpus, rev *spec.Revision) *Graded {
	t.Helper()
	devices, problems := fixtures.ValidateWith(rev, corpus.Records, fixtures.NewVocabulary(std.Revisions...), fixtures.ValidateOptions{})
	ref, err := evaluator.NewReference(rev)
	if err != nil {
		t.Fatal(err)
	}
	outcomes, err := ref.Evaluate(context.Background(), devices)
	if err != nil {
		t.Fatal(err)
	}
	return NewGraded(rev, devices, referenceResults{rev, outcomes}, append(corpus.Problems, problems...))
}

// firstDifference reports where two outputs part.
func firstDifference(t *testing.T, what string, a, b []byte) {
	t.Helper()
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	t.Fatalf("%s: the outputs differ at byte %d:\n%q\n%q", what, i, a[max(0, i-200):min(len(a), i+100)], b[max(0, i-200):min(len(b), i+100)])
}

// TestEvalFastEqualsReference writes eval's JSON through the engine and
// through the reference path alone, and finds them byte for byte the same:
// on the built-in corpus under both revisions, and on a generated corpus of
// 10,000 devices under the edition.
func TestEvalFastEqualsReference(t *testing.T) {
	_, std, reference := builtin(t)
	n := 10_000
	if testing.Short() {
		n = 1_000
	}
	var buf bytes.Buffer
	if err := fixtures.Generate(&buf, std.Newest(spec.RevisionDraft), 7, n); err != nil {
		t.Fatal(err)
	}
	l := fixtures.NewLoader()
	if err := l.AddFS(fstest.MapFS{"gen.jsonl": {Data: buf.Bytes()}}, "gen.jsonl", "gen.jsonl"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		corpus *fixtures.Corpus
		revs   []string
	}{
		{"builtin", reference, []string{spectest.Edition, spectest.Draft}},
		{"generated", l.Corpus(), []string{spectest.Edition}},
	}
	for _, tc := range cases {
		for _, id := range tc.revs {
			t.Run(tc.name+"/"+id, func(t *testing.T) {
				rev := std.Loaded(id)
				var out [2]bytes.Buffer
				for i, g := range []*Graded{grade(t, std, tc.corpus, rev), gradeByReference(t, std, tc.corpus, rev)} {
					g.SortByCategory()
					if err := WriteEvalJSON(&out[i], g); err != nil {
						t.Fatal(err)
					}
				}
				if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
					firstDifference(t, "engine, reference", out[0].Bytes(), out[1].Bytes())
				}
				if out[0].Len() < 1000 {
					t.Fatalf("suspiciously short output: %s", out[0].String())
				}
			})
		}
	}
}

// TestJSONWriterMatchesEncodingJSON writes eval's JSON for the built-in
// corpus under both revisions with the hand-written writer and with
// encoding/json, and finds them byte for byte the same.
func TestJSONWriterMatchesEncodingJSON(t *testing.T) {
	_, std, corpus := builtin(t)
	for _, rev := range std.Revisions {
		g := grade(t, std, corpus, rev)
		var fast, slow bytes.Buffer
		if err := WriteEvalJSON(&fast, g); err != nil {
			t.Fatal(err)
		}
		out := struct {
			Revision string        `json:"revision"`
			Devices  []deviceJSON  `json:"devices"`
			Invalid  []problemJSON `json:"invalid"`
			Summary  evalSummary   `json:"summary"`
		}{Revision: g.Revision.ID, Devices: []deviceJSON{}, Invalid: newProblemsJSON(g.Invalid),
			Summary: evalSummary{Devices: g.Count(), Invalid: len(g.Invalid), ByCategory: g.Summary()}}
		for _, o := range g.All() {
			out.Devices = append(out.Devices, newDeviceJSON(o))
		}
		enc := json.NewEncoder(&slow)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast.Bytes(), slow.Bytes()) {
			firstDifference(t, rev.ID+": writer, encoding/json", fast.Bytes(), slow.Bytes())
		}
	}
}
