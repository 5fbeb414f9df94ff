package spec

import "testing"

// BenchmarkLoad measures compiling a revision and reading it into the model,
// fingerprints included, in a workspace that is already open.
func BenchmarkLoad(b *testing.B) {
	for _, id := range []string{edition, draft} {
		b.Run(id, func(b *testing.B) {
			ws := NewWorkspace(repo, "")
			for b.Loop() {
				if _, err := ws.Load(id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLint measures linting a loaded revision.
func BenchmarkLint(b *testing.B) {
	rev := mustLoad(b, repo, draft)
	known := []string{edition, draft}
	for b.Loop() {
		if f := Lint(rev, known); len(f) > 0 {
			b.Fatal(f)
		}
	}
}
