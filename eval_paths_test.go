package main

import (
	"bytes"
	"testing"
	"testing/fstest"

	"github.com/ladderworks/ladder/fixtures"
)

// TestEvalFastEqualsReference writes eval's JSON through the engine and
// through the reference path alone, and finds them byte for byte the same:
// on the built-in corpus under both revisions, and on a generated corpus of
// 10,000 devices under the edition.
func TestEvalFastEqualsReference(t *testing.T) {
	std, err := loadStandard("")
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := std.ws.loadCorpus(nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 10_000
	if testing.Short() {
		n = 1_000
	}
	var buf bytes.Buffer
	if err := fixtures.Generate(&buf, std.Newest("draft"), 7, n); err != nil {
		t.Fatal(err)
	}
	l := fixtures.NewLoader()
	if err := l.AddFS(fstest.MapFS{"gen.jsonl": {Data: buf.Bytes()}}, "gen.jsonl", "gen.jsonl"); err != nil {
		t.Fatal(err)
	}
	generated := l.Corpus()
	cases := []struct {
		name   string
		corpus *fixtures.Corpus
		revs   []string
	}{
		{"builtin", builtin, []string{"gbz177-2026", "gbz177-l4-draft"}},
		{"generated", generated, []string{"gbz177-2026"}},
	}
	for _, tc := range cases {
		for _, id := range tc.revs {
			t.Run(tc.name+"/"+id, func(t *testing.T) {
				rev := std.Loaded(id)
				var out [2]bytes.Buffer
				for i, reference := range []bool{false, true} {
					g, err := std.gradeBy(tc.corpus, rev, reference)
					if err != nil {
						t.Fatal(err)
					}
					g.sortByCategory()
					if err := writeEvalJSON(&out[i], g); err != nil {
						t.Fatal(err)
					}
				}
				if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
					a, b := out[0].String(), out[1].String()
					i := 0
					for i < len(a) && i < len(b) && a[i] == b[i] {
						i++
					}
					t.Fatalf("the outputs differ at byte %d:\nengine:    %q\nreference: %q", i, a[max(0, i-200):min(len(a), i+100)], b[max(0, i-200):min(len(b), i+100)])
				}
				if out[0].Len() < 1000 {
					t.Fatalf("suspiciously short output: %s", out[0].String())
				}
			})
		}
	}
}
