package evaluator_test

import (
	"context"
	"os"
	"testing"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// referenceCorpus loads a built-in revision and the reference corpus,
// validated against it.
func referenceCorpus(b *testing.B, id string) (*spec.Revision, []*fixtures.Device) {
	b.Helper()
	root := os.DirFS("..")
	rev, err := spec.NewWorkspace(root, "").Load(id)
	if err != nil {
		b.Fatal(err)
	}
	l := fixtures.NewLoader()
	if err := l.AddFS(root, fixtures.DevicesDir, fixtures.DevicesDir); err != nil {
		b.Fatal(err)
	}
	devices, problems := fixtures.Validate(rev, l.Corpus().Records, vocabulary(b))
	if len(problems) > 0 {
		b.Fatal(problems[0])
	}
	return rev, devices
}

// vocabulary returns the measurements of both built-in revisions.
func vocabulary(b *testing.B) fixtures.Vocabulary {
	b.Helper()
	ws := spec.NewWorkspace(os.DirFS(".."), "")
	var revs []*spec.Revision
	for _, id := range []string{"gbz177-2026", "gbz177-l4-draft"} {
		rev, err := ws.Load(id)
		if err != nil {
			b.Fatal(err)
		}
		revs = append(revs, rev)
	}
	return fixtures.NewVocabulary(revs...)
}

// BenchmarkReferenceCorpus grades the whole reference corpus under the draft
// through CUE; checks/op is the number of (device, criterion) verdicts.
func BenchmarkReferenceCorpus(b *testing.B) {
	rev, devices := referenceCorpus(b, "gbz177-l4-draft")
	ref, err := evaluator.NewReference(rev)
	if err != nil {
		b.Fatal(err)
	}
	checks := 0
	for b.Loop() {
		outs, err := ref.Evaluate(context.Background(), devices)
		if err != nil {
			b.Fatal(err)
		}
		checks = 0
		for _, o := range outs {
			checks += len(o.Checks)
		}
	}
	b.ReportMetric(float64(checks), "checks/op")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*checks), "µs/check")
}

// BenchmarkReferenceCheck is one verdict through CUE: a phone against the
// criterion MT-L3-LLM.
func BenchmarkReferenceCheck(b *testing.B) {
	rev, devices := referenceCorpus(b, "gbz177-l4-draft")
	ref, err := evaluator.NewReference(rev)
	if err != nil {
		b.Fatal(err)
	}
	c := rev.Criterion("MT-L3-LLM")
	var d *fixtures.Device
	for _, dev := range devices {
		if dev.Category == "mobile_terminal" {
			d = dev
			break
		}
	}
	for b.Loop() {
		ref.Check(d, c)
	}
}

// BenchmarkLoadAndValidate reads the reference corpus and validates it
// against the draft's #Device.
func BenchmarkLoadAndValidate(b *testing.B) {
	rev, _ := referenceCorpus(b, "gbz177-l4-draft")
	root := os.DirFS("..")
	vocab := vocabulary(b)
	for b.Loop() {
		l := fixtures.NewLoader()
		if err := l.AddFS(root, fixtures.DevicesDir, fixtures.DevicesDir); err != nil {
			b.Fatal(err)
		}
		if _, problems := fixtures.Validate(rev, l.Corpus().Records, vocab); len(problems) > 0 {
			b.Fatal(problems[0])
		}
	}
}
