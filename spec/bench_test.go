package spec

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ladderworks/ladder/spec/spectest"
)

// BenchmarkLoad measures compiling a revision and reading it into the model,
// fingerprints included, in a workspace that has loaded nothing before: the
// cold load that opens a workspace.
func BenchmarkLoad(b *testing.B) {
	for _, id := range []string{edition, draft} {
		b.Run(id, func(b *testing.B) {
			for b.Loop() {
				if _, err := NewWorkspace(repo, "").Load(id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReload measures what the workbench does on every edit: it loads
// the draft again in a workspace that has loaded it before, after one
// threshold of one file has changed. Each iteration flips the threshold, so
// that the file's content really differs from the last load. The loads
// follow each other at once. In "criterion", Load builds the edited
// criterion alone (alone.go); in "full", it compiles the whole revision.
func BenchmarkReload(b *testing.B) {
	for _, mode := range reloadModes {
		b.Run(mode.name, func(b *testing.B) { benchmarkReload(b, 0, mode.full) })
	}
}

// reloadModes are the ways a reload may compile an edit of one require.
var reloadModes = []struct {
	name string
	full bool
}{{"criterion", false}, {"full", true}}

// BenchmarkReloadPaced is BenchmarkReload with a pause before each load, as
// between the edits of someone at the workbench: the work that a workspace
// does in the background between loads is then done. Its ns/op counts the
// pause; ns/load is the time of the load alone. (Stopping the benchmark's
// timer instead would read the memory statistics around every load, which
// slows the load down.)
func BenchmarkReloadPaced(b *testing.B) {
	benchmarkReload(b, 10*time.Millisecond, false)
}

func benchmarkReload(b *testing.B, pause time.Duration, full bool) {
	name := spectest.RevFile(draft, "mobile_terminal.cue")
	fsys := builtinWith(b)
	orig := fsys[name].Data
	const before, after = "on_device_llm_params_b: >=7", "on_device_llm_params_b: >=8"
	if !strings.Contains(string(orig), before) {
		b.Fatalf("%s does not contain %q", name, before)
	}
	versions := [2][]byte{orig, []byte(strings.Replace(string(orig), before, after, 1))}
	ws := NewWorkspace(fsys, "")
	ws.noAlone = full
	if _, err := ws.Load(draft); err != nil {
		b.Fatal(err)
	}
	var loading time.Duration
	i := 0
	for b.Loop() {
		i++
		fsys[name] = &fstest.MapFile{Data: versions[i%2]}
		time.Sleep(pause)
		start := time.Now()
		if _, err := ws.Load(draft); err != nil {
			b.Fatal(err)
		}
		loading += time.Since(start)
	}
	if pause > 0 {
		b.ReportMetric(float64(loading.Nanoseconds())/float64(i), "ns/load")
	}
}

// BenchmarkReloadNewText is BenchmarkReload with a threshold that counts
// up, so that every load is of a text never compiled before: the compile
// guard compiles each before the workspace does, where BenchmarkReload's
// two texts are known to it after the first two. LADDER_TEST_NO_GUARD=1
// measures the same without a guard. Its modes are BenchmarkReload's.
func BenchmarkReloadNewText(b *testing.B) {
	for _, mode := range reloadModes {
		b.Run(mode.name, func(b *testing.B) {
			name := spectest.RevFile(draft, "mobile_terminal.cue")
			fsys := builtinWith(b)
			orig := string(fsys[name].Data)
			const before = "on_device_llm_params_b: >=7"
			if !strings.Contains(orig, before) {
				b.Fatalf("%s does not contain %q", name, before)
			}
			ws := NewWorkspace(fsys, "")
			ws.noAlone = mode.full
			if _, err := ws.Load(draft); err != nil {
				b.Fatal(err)
			}
			n := 7 + len(mode.name)*1_000_000
			for b.Loop() {
				n++
				fsys[name] = &fstest.MapFile{Data: []byte(strings.Replace(orig, before, fmt.Sprintf("on_device_llm_params_b: >=%d", n), 1))}
				if _, err := ws.Load(draft); err != nil {
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
	// first lints a revision never linted; again one whose requires were,
	// as after an edit of one criterion.
	for _, tc := range []struct {
		name   string
		forget bool
	}{{"first", true}, {"again", false}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if tc.forget {
					conflicts.Lock()
					conflicts.m = map[[3]string]*conflict{}
					conflicts.Unlock()
				}
				if f := Lint(rev, known); len(f) > 0 {
					b.Fatal(f)
				}
			}
		})
	}
}

// BenchmarkCompare measures the semantic diff of the edition and the draft:
// 227 criteria matched, 42 changed, each changed require classified by
// subsumption.
func BenchmarkCompare(b *testing.B) {
	base, target := mustLoad(b, repo, edition), mustLoad(b, repo, draft)
	b.ReportAllocs()
	for b.Loop() {
		if ch := Compare(base, target); len(ch.Criteria) == 0 {
			b.Fatal("no changes")
		}
	}
}

// BenchmarkRedline measures the textual diff of the edition and the draft:
// 8 files, line by line and then word by word.
func BenchmarkRedline(b *testing.B) {
	base, target := mustLoad(b, repo, edition), mustLoad(b, repo, draft)
	b.ReportAllocs()
	for b.Loop() {
		if files := Redline(base, target); len(files) != 8 {
			b.Fatalf("%d files differ", len(files))
		}
	}
}
