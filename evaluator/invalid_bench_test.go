package evaluator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// breakOne returns a generated record with one field wrong under rev, of
// the kind k (of 8): a misspelt measurement, a number out of range, a
// string for a number, a category no revision defines, a field #Device
// does not have, a required field absent, a wrong element of a list, a
// string for a bool.
func breakOne(b *testing.B, line []byte, rev *spec.Revision, k int) []byte {
	var r map[string]any
	if err := json.Unmarshal(line, &r); err != nil {
		b.Fatal(err)
	}
	ms := r["measurements"].(map[string]any)
	var names []string
	for name := range ms {
		if rev.Measurement(name) != nil {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	first := func(ok func(any) bool) string {
		for _, n := range names {
			if ok(ms[n]) {
				return n
			}
		}
		return ""
	}
	isNum := func(v any) bool { _, ok := v.(float64); return ok }
	isBool := func(v any) bool { _, ok := v.(bool); return ok }
	isList := func(v any) bool { l, ok := v.([]any); return ok && len(l) > 0 }
	switch {
	case k == 0 && len(names) > 0:
		ms[names[0][:len(names[0])-1]] = ms[names[0]]
		delete(ms, names[0])
	case k == 1 && first(isNum) != "":
		ms[first(isNum)] = -1
	case k == 2 && first(isNum) != "":
		ms[first(isNum)] = "x"
	case k == 3:
		r["category"] = "fridge"
	case k == 5:
		delete(r, "vendor")
	case k == 6 && first(isList) != "":
		ms[first(isList)].([]any)[0] = "smell"
	case k == 7 && first(isBool) != "":
		ms[first(isBool)] = "yes"
	default:
		r["colour"] = "red"
	}
	out, err := json.Marshal(r)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkGradeInvalid grades 10,000 generated records under the edition,
// as eval does (validation with the compiled schema, then every verdict):
// valid, and the same records with one field wrong in each (all ids
// different); and, for the ratio, the invalid records validated through
// CUE as before faults were placed. ns/record is the figure to compare: the
// contract asks that an invalid record cost no more than a valid one.
func BenchmarkGradeInvalid(b *testing.B) {
	const n = 10_000
	ws, _ := builtinWorkspace(b)
	draft, err := ws.Load("gbz177-l4-draft")
	if err != nil {
		b.Fatal(err)
	}
	edition, err := ws.Load("gbz177-2026")
	if err != nil {
		b.Fatal(err)
	}
	vocab := fixtures.NewVocabulary(edition, draft)
	var valid bytes.Buffer
	if err := fixtures.Generate(&valid, draft, benchSeed, n); err != nil {
		b.Fatal(err)
	}
	var invalid bytes.Buffer
	for i, line := range bytes.Split(bytes.TrimSpace(valid.Bytes()), []byte("\n")) {
		invalid.Write(breakOne(b, line, edition, i%8))
		invalid.WriteByte('\n')
	}
	for _, c := range []struct {
		name    string
		data    []byte
		invalid int
	}{{"valid", valid.Bytes(), 0}, {"invalid", invalid.Bytes(), n}} {
		b.Run(c.name, func(b *testing.B) {
			l := fixtures.NewLoader()
			if err := l.AddFS(fstest.MapFS{"c.jsonl": {Data: c.data}}, "c.jsonl", "c.jsonl"); err != nil {
				b.Fatal(err)
			}
			records := l.Corpus().Records
			for b.Loop() {
				g, err := evaluator.Grade(context.Background(), edition, records, vocab)
				if err != nil {
					b.Fatal(err)
				}
				if got := fixtures.CountProblems(g.Invalid); got != c.invalid {
					b.Fatalf("%d problems, want %d", got, c.invalid)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/record")
		})
	}
	// The invalid records as they were validated before the compiled
	// schema placed faults: every one through CUE for its message.
	b.Run("invalid-through-CUE", func(b *testing.B) {
		l := fixtures.NewLoader()
		if err := l.AddFS(fstest.MapFS{"c.jsonl": {Data: invalid.Bytes()}}, "c.jsonl", "c.jsonl"); err != nil {
			b.Fatal(err)
		}
		check, err := evaluator.CompileSchema(edition, vocab)
		if err != nil {
			b.Fatal(err)
		}
		records := l.Corpus().Records
		for b.Loop() {
			_, problems := fixtures.ValidateWith(edition, records, vocab, fixtures.ValidateOptions{Precheck: check})
			if got := fixtures.CountProblems(problems); got != n {
				b.Fatalf("%d problems, want %d", got, n)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/record")
	})
}
