package evaluator_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// The workloads of the performance contract (ARCHITECTURE.md),
// on corpora from the generator. Run them with
//
//	go test -run XXX -bench . -benchmem ./evaluator/
//
// Each fast-path benchmark has a reference-path twin on the same workload,
// for the ratio.

const benchSeed = 42

// benchCorpus generates n devices aimed at the draft and validates them
// against rev.
func benchCorpus(b *testing.B, ws *spec.Workspace, rev *spec.Revision, n int) []*fixtures.Device {
	b.Helper()
	draft, err := ws.Load("gbz177-l4-draft")
	if err != nil {
		b.Fatal(err)
	}
	edition, err := ws.Load("gbz177-2026")
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := fixtures.Generate(&buf, draft, benchSeed, n); err != nil {
		b.Fatal(err)
	}
	l := fixtures.NewLoader()
	if err := l.AddFS(fstest.MapFS{"c.jsonl": {Data: buf.Bytes()}}, "c.jsonl", "c.jsonl"); err != nil {
		b.Fatal(err)
	}
	vocab := fixtures.NewVocabulary(edition, draft)
	check, err := evaluator.CompileSchema(rev, vocab)
	if err != nil {
		b.Fatal(err)
	}
	devices, problems := fixtures.ValidateWith(rev, l.Corpus().Records, vocab, fixtures.ValidateOptions{Precheck: check})
	if len(problems) > 0 {
		b.Fatal(problems[0])
	}
	return devices
}

func builtinWorkspace(b *testing.B) (*spec.Workspace, fstest.MapFS) {
	b.Helper()
	m := builtinFS(b)
	return spec.NewWorkspace(m, ""), m
}

var sizes = []int{1_000, 10_000, 100_000}

// BenchmarkFullEvaluation grades a whole corpus from nothing: every verdict,
// level and aggregate.
func BenchmarkFullEvaluation(b *testing.B) {
	ws, _ := builtinWorkspace(b)
	rev, err := ws.Load("gbz177-2026")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range sizes {
		devices := benchCorpus(b, ws, rev, n)
		b.Run(fmt.Sprintf("fast/%dk", n/1000), func(b *testing.B) {
			for b.Loop() {
				if _, err := evaluator.NewEngine().Update(context.Background(), rev, devices); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/device")
		})
		if n > 10_000 {
			continue // the reference path takes minutes at 100k
		}
		b.Run(fmt.Sprintf("reference/%dk", n/1000), func(b *testing.B) {
			ref, err := evaluator.NewReference(rev)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := ref.Evaluate(context.Background(), devices); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/device")
		})
	}
}

// editBench measures an edit of one file of the draft, flipping between two
// contents, to the delta being ready: the revision recompiled, the changed
// criteria found and re-checked, levels and aggregates updated.
func editBench(b *testing.B, file, from, to string) {
	ws, m := builtinWorkspace(b)
	rev, err := ws.Load("gbz177-l4-draft")
	if err != nil {
		b.Fatal(err)
	}
	orig := m[file].Data
	if !bytes.Contains(orig, []byte(from)) {
		b.Fatalf("%s does not contain %q", file, from)
	}
	edited := []byte(strings.Replace(string(orig), from, to, 1))
	// flip edits the file on odd calls and restores it on even ones, and
	// reloads the revision.
	flip := func(i int) *spec.Revision {
		data := orig
		if i%2 == 1 {
			data = edited
		}
		m[file] = &fstest.MapFile{Data: data}
		r, err := ws.Load("gbz177-l4-draft")
		if err != nil {
			b.Fatal(err)
		}
		return r
	}
	for _, n := range []int{10_000, 100_000} {
		devices := benchCorpus(b, ws, rev, n)
		b.Run(fmt.Sprintf("fast/%dk", n/1000), func(b *testing.B) {
			e := evaluator.NewEngine()
			if _, err := e.Update(context.Background(), rev, devices); err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				i++
				r := flip(i)
				d, err := e.Update(context.Background(), r, devices)
				if err != nil {
					b.Fatal(err)
				}
				if d.Checks == 0 {
					b.Fatal("the edit re-checked nothing")
				}
			}
			m[file] = &fstest.MapFile{Data: orig}
		})
		if n > 10_000 {
			continue
		}
		b.Run(fmt.Sprintf("reference/%dk", n/1000), func(b *testing.B) {
			// The reference path re-checks the criteria whose fingerprint
			// changed, through CUE, on the devices of their category.
			i := 0
			for b.Loop() {
				i++
				r := flip(i)
				ref, err := evaluator.NewReference(r)
				if err != nil {
					b.Fatal(err)
				}
				for _, c := range r.Criteria() {
					if old := rev.Criterion(c.ID); old != nil && old.RequireFingerprint == c.RequireFingerprint {
						continue
					}
					for _, d := range devices {
						if d.Category == c.Category {
							ref.Check(d, c)
						}
					}
				}
			}
			m[file] = &fstest.MapFile{Data: orig}
		})
	}
}

// BenchmarkThresholdEdit moves one threshold of the draft (MT-L3-LLM).
func BenchmarkThresholdEdit(b *testing.B) {
	editBench(b, "cue/revisions/gbz177-l4-draft/mobile_terminal.cue", "on_device_llm_params_b: >=7", "on_device_llm_params_b: >=8")
}

// BenchmarkSharedDefinitionEdit changes a definition that several criteria
// of several categories use.
func BenchmarkSharedDefinitionEdit(b *testing.B) {
	editBench(b, "cue/revisions/gbz177-l4-draft/schema.cue", `#LongTermMemory: "preferences" | "episodic"`, `#LongTermMemory: "episodic"`)
}
