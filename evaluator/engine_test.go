package evaluator_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
)

// builtinFS returns a copy of the built-in standard and corpus with edits:
// each is a file and the replacement of its first OLD by NEW.
func builtinFS(t testing.TB, edits ...[3]string) fstest.MapFS {
	t.Helper()
	kit := make([]spectest.Edit, len(edits))
	for i, e := range edits {
		kit[i] = spectest.Replace(e[0], e[1], e[2])
	}
	return spectest.FS(t, kit...)
}

// graded loads a revision and the corpus of fsys, validated against it.
func graded(t testing.TB, fsys fs.FS, id string) (*spec.Revision, []*fixtures.Device) {
	t.Helper()
	ws := spec.NewWorkspace(fsys, "")
	rev, err := ws.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	other, err := ws.Load(map[string]string{"gbz177-2026": "gbz177-l4-draft", "gbz177-l4-draft": "gbz177-2026"}[id])
	if err != nil {
		t.Fatal(err)
	}
	l := fixtures.NewLoader()
	if err := l.AddFS(fsys, fixtures.DevicesDir, fixtures.DevicesDir); err != nil {
		t.Fatal(err)
	}
	devices, problems := fixtures.Validate(rev, l.Corpus().Records, fixtures.NewVocabulary(rev, other))
	if len(problems) > 0 {
		t.Fatal(problems[0])
	}
	return rev, devices
}

// sameAsReference checks every outcome of the engine's state against the
// reference path's.
func sameAsReference(t *testing.T, st *evaluator.State) {
	t.Helper()
	ref, err := evaluator.NewReference(st.Revision)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range st.Devices {
		got, want := st.Outcome(i), ref.Outcome(d)
		if got.Level != want.Level || !equalStrings(got.Flags, want.Flags) || len(got.Checks) != len(want.Checks) {
			t.Fatalf("%s: engine says %s %v, reference %s %v", d.ID, got.Level, got.Flags, want.Level, want.Flags)
		}
		for j := range got.Checks {
			g, w := got.Checks[j], want.Checks[j]
			if g.Criterion.ID != w.Criterion.ID || g.Verdict != w.Verdict || g.Message() != w.Message() || g.Field() != w.Field() {
				t.Fatalf("%s, %s: engine says %v %q, reference %s %v %q", d.ID, g.Criterion.ID, g.Verdict, g.Message(), w.Criterion.ID, w.Verdict, w.Message())
			}
		}
	}
}

func equalStrings(a, b []string) bool {
	return strings.Join(a, ",") == strings.Join(b, ",")
}

func TestEngineAgreesWithReference(t *testing.T) {
	for _, id := range []string{"gbz177-2026", "gbz177-l4-draft"} {
		t.Run(id, func(t *testing.T) {
			rev, devices := graded(t, os.DirFS(".."), id)
			e := evaluator.NewEngine()
			delta, err := e.Update(context.Background(), rev, devices)
			if err != nil {
				t.Fatal(err)
			}
			if delta.Fallbacks != 0 {
				t.Errorf("%d verdicts fell back to the reference path; every built-in criterion should compile", delta.Fallbacks)
			}
			sameAsReference(t, e.State())
		})
	}
}

func TestEngineThresholdEdit(t *testing.T) {
	const file = "cue/revisions/gbz177-l4-draft/mobile_terminal.cue"
	rev, devices := graded(t, builtinFS(t), "gbz177-l4-draft")
	e := evaluator.NewEngine()
	if _, err := e.Update(context.Background(), rev, devices); err != nil {
		t.Fatal(err)
	}
	before := e.State()
	edited, devices2 := graded(t, builtinFS(t, [3]string{file, "on_device_llm_params_b: >=7", "on_device_llm_params_b: >=4"}), "gbz177-l4-draft")
	delta, err := e.Update(context.Background(), edited, devices2)
	if err != nil {
		t.Fatal(err)
	}
	phones := 0
	for _, d := range devices2 {
		if d.Category == "mobile_terminal" {
			phones++
		}
	}
	if delta.Checks != phones {
		t.Errorf("the edit re-checked %d verdicts, want %d: one criterion on the phones", delta.Checks, phones)
	}
	for _, v := range delta.Verdicts {
		if v.Criterion != "MT-L3-LLM" {
			t.Errorf("a verdict of %s changed", v.Criterion)
		}
	}
	if len(delta.Verdicts) == 0 || len(delta.Levels) == 0 {
		t.Errorf("loosening MT-L3-LLM to >=4 changed %d verdicts and %d levels; the corpus has a phone with a 4B model", len(delta.Verdicts), len(delta.Levels))
	}
	if _, ok := delta.Distributions["mobile_terminal"]; !ok || len(delta.Distributions) != 1 {
		t.Errorf("distributions that changed: %v, want only mobile_terminal's", delta.Distributions)
	}
	if len(delta.Passes) != 1 {
		t.Errorf("pass counts that changed: %v, want only MT-L3-LLM's", delta.Passes)
	}
	sameAsReference(t, e.State())
	// The same edit with the very same devices, as the workbench makes it,
	// takes the path that keeps their grouping.
	e2 := evaluator.NewEngine()
	if _, err := e2.Update(context.Background(), rev, devices); err != nil {
		t.Fatal(err)
	}
	if d2, err := e2.Update(context.Background(), edited, devices); err != nil || d2.Checks != phones {
		t.Fatalf("the edit with the same devices: %v, %d checks, want %d", err, d2.Checks, phones)
	}
	sameAsReference(t, e2.State())
	// The old snapshot is untouched.
	if before.Revision != rev {
		t.Error("the previous snapshot changed")
	}
	sameAsReference(t, before)
}

func TestEngineSharedDefinitionEdit(t *testing.T) {
	const file = "cue/revisions/gbz177-2026/schema.cue"
	rev, devices := graded(t, builtinFS(t), "gbz177-2026")
	e := evaluator.NewEngine()
	if _, err := e.Update(context.Background(), rev, devices); err != nil {
		t.Fatal(err)
	}
	edited, devices2 := graded(t, builtinFS(t, [3]string{file, `#LongTermMemory: "preferences" | "episodic"`, `#LongTermMemory: "episodic"`}), "gbz177-2026")
	// The criteria that use #LongTermMemory, and their devices.
	want := 0
	for _, c := range edited.Criteria() {
		if strings.Contains(c.Source, "#LongTermMemory") {
			for _, d := range devices2 {
				if d.Category == c.Category {
					want++
				}
			}
		}
	}
	delta, err := e.Update(context.Background(), edited, devices2)
	if err != nil {
		t.Fatal(err)
	}
	if want == 0 || delta.Checks != want {
		t.Errorf("re-checked %d verdicts, want %d: the criteria that use #LongTermMemory on their categories", delta.Checks, want)
	}
	sameAsReference(t, e.State())
}

func TestEngineDeviceEdit(t *testing.T) {
	rev, devices := graded(t, os.DirFS(".."), "gbz177-2026")
	e := evaluator.NewEngine()
	if _, err := e.Update(context.Background(), rev, devices); err != nil {
		t.Fatal(err)
	}
	// Rewrite one phone with its LLM shrunk, as a file changed on disk.
	var target *fixtures.Device
	for _, d := range devices {
		if d.Category == "mobile_terminal" && strings.Contains(string(d.Tree.Raw()), `"on_device_llm_params_b"`) {
			target = d
			break
		}
	}
	fsys := builtinFS(t)
	data := string(fsys[target.File].Data)
	i := strings.Index(data, `"on_device_llm_params_b": `)
	j := i + strings.IndexAny(data[i:], ",\n")
	fsys[target.File] = &fstest.MapFile{Data: []byte(data[:i] + `"on_device_llm_params_b": 0.1` + data[j:])}
	_, devices2 := graded(t, fsys, "gbz177-2026")
	delta, err := e.Update(context.Background(), rev, devices2)
	if err != nil {
		t.Fatal(err)
	}
	crits := len(rev.Category("mobile_terminal").Levels[0].Criteria) + len(rev.Category("mobile_terminal").Levels[1].Criteria) + len(rev.Category("mobile_terminal").Levels[2].Criteria)
	if delta.Checks != crits {
		t.Errorf("re-checked %d verdicts, want %d: the criteria of the one device that changed", delta.Checks, crits)
	}
	for _, v := range delta.Verdicts {
		if v.Device != target.ID {
			t.Errorf("a verdict of %s changed", v.Device)
		}
	}
	sameAsReference(t, e.State())
}

func TestEngineCancel(t *testing.T) {
	rev, devices := graded(t, os.DirFS(".."), "gbz177-2026")
	e := evaluator.NewEngine()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Update(ctx, rev, devices); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled update returned %v", err)
	}
	if st := e.State(); st.Revision != nil || len(st.Devices) != 0 {
		t.Error("a cancelled update changed the state")
	}
}

// TestEngineConcurrentReaders reads snapshots while updates run; run it
// with -race.
func TestEngineConcurrentReaders(t *testing.T) {
	rev, devices := graded(t, os.DirFS(".."), "gbz177-2026")
	e := evaluator.NewEngine()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				st := e.State()
				for i := range st.Devices {
					_ = st.Outcome(i).Level
				}
				_ = st.Distribution("speaker")
			}
		})
	}
	for i := range 4 {
		ds := devices
		if i%2 == 1 {
			ds = devices[:len(devices)/2]
		}
		if _, err := e.Update(context.Background(), rev, ds); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	sameAsReference(t, e.State())
}
