package evaluator_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
)

// TestWithTargetEqualsCompare edits the draft again and again, as a drafter
// does in the workbench, and checks after each edit that the comparison
// made from the last one (WithTarget: the engine's update, and the impact
// changed only for the devices the update moved) is the one made from
// nothing (Compare): the same impact, device by device, and the same
// problems. The corpus is the reference corpus, 1,000 generated devices and
// a record that only the draft admits.
func TestWithTargetEqualsCompare(t *testing.T) {
	// The few devices here are looked at on every core, as thousands are.
	defer evaluator.LookInParallel()()
	const draftFile = "cue/revisions/gbz177-l4-draft/"
	fsys := spectest.FS(t)
	ws := spec.NewWorkspace(fsys, "")
	draft, err := ws.Load("gbz177-l4-draft")
	if err != nil {
		t.Fatal(err)
	}
	base, err := ws.Load("gbz177-2026")
	if err != nil {
		t.Fatal(err)
	}
	var gen bytes.Buffer
	if err := fixtures.Generate(&gen, draft, 7, 1000); err != nil {
		t.Fatal(err)
	}
	l := fixtures.NewLoader()
	if err := l.AddFS(fsys, fixtures.DevicesDir, fixtures.DevicesDir); err != nil {
		t.Fatal(err)
	}
	if err := l.AddFS(fstest.MapFS{"gen.jsonl": {Data: gen.Bytes()}}, "gen.jsonl", "gen.jsonl"); err != nil {
		t.Fatal(err)
	}
	corpus := l.Corpus()
	known := fixtures.NewVocabulary(base, draft)

	// Each edit applies to the draft as the one before left it.
	edits := []struct{ name, file, from, to string }{
		{"a threshold up", "mobile_terminal.cue", "on_device_llm_params_b: >=7", "on_device_llm_params_b: >=9"},
		{"the same threshold down", "mobile_terminal.cue", "on_device_llm_params_b: >=9", "on_device_llm_params_b: >=1"},
		{"another category", "television.cue", "far_field_distance_m: >=3", "far_field_distance_m: >=5"},
		{"a criterion no device passes", "television.cue", "explicit_cmd_success_pct: >=90", "explicit_cmd_success_pct: >=1000"},
		{"back again", "television.cue", "explicit_cmd_success_pct: >=1000", "explicit_cmd_success_pct: >=90"},
		{"a level's status", "earphone.cue", `L3: status: "normative"`, `L3: status: "draft"`},
		{"a shared definition", "schema.cue", `#LongTermMemory: "preferences" | "episodic"`, `#LongTermMemory: "episodic"`},
		{"nothing that moves a device", "mobile_terminal.cue", "on_device_llm_params_b: >=1", "on_device_llm_params_b: >=0.1"},
	}
	// Before them, every bound of the draft's mobile terminals and
	// televisions in turn, each set to a value drawn at random and then put
	// back: most change verdicts on devices whose level stays, some move
	// devices.
	var random []struct{ name, file, from, to string }
	rng := rand.New(rand.NewPCG(1, 2))
	bound := regexp.MustCompile(`([a-z_]+): (>=|<=|>|<)([0-9.]+)`)
	for _, file := range []string{"mobile_terminal.cue", "television.cue"} {
		for _, m := range bound.FindAllStringSubmatch(string(fsys[draftFile+file].Data), -1) {
			v, err := strconv.ParseFloat(m[3], 64)
			if err != nil {
				t.Fatal(err)
			}
			to := fmt.Sprintf("%s: %s%g", m[1], m[2], math.Round(v*(0.25+1.5*rng.Float64())*10)/10)
			random = append(random, struct{ name, file, from, to string }{"bound " + m[0], file, m[0], to},
				struct{ name, file, from, to string }{"bound " + m[0] + " back", file, to, m[0]})
		}
	}
	edits = append(random, edits...)
	ctx := context.Background()
	cmp, err := evaluator.Compare(ctx, corpus, known, base, draft)
	if err != nil {
		t.Fatal(err)
	}
	moved, stayed := 0, 0
	for _, e := range edits {
		name := draftFile + e.file
		text := string(fsys[name].Data)
		if !bytes.Contains([]byte(text), []byte(e.from)) {
			t.Fatalf("%s: %s does not hold %q", e.name, name, e.from)
		}
		fsys[name] = &fstest.MapFile{Data: bytes.Replace([]byte(text), []byte(e.from), []byte(e.to), 1)}
		rev, err := ws.Load("gbz177-l4-draft")
		if err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
		next, err := cmp.WithTarget(ctx, rev, known)
		if err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
		fresh, err := evaluator.Compare(ctx, corpus, known, base, rev)
		if err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
		if !evaluator.SameImpact(next.Impact, fresh.Impact) {
			t.Errorf("%s: the impact made from the last edit differs from the one made from nothing", e.name)
			for i, ci := range fresh.Impact.Categories {
				got := next.Impact.Categories[i]
				if !reflect.DeepEqual(got, ci) {
					t.Errorf("  %s: matrix %v, want %v; %d moved, want %d; %d changed, want %d", ci.Category, got.Matrix, ci.Matrix, len(got.Moved), len(ci.Moved), len(got.Changed), len(ci.Changed))
				}
			}
		}
		if !reflect.DeepEqual(next.Invalid, fresh.Invalid) {
			t.Errorf("%s: problems %v, want %v", e.name, next.Invalid, fresh.Invalid)
		}
		m, _ := fresh.Impact.MovedCount()
		moved += m
		if next.Delta != nil {
			stayed += len(next.Delta.Verdicts) - len(next.Delta.Levels)
		}
		cmp = next
	}
	if moved == 0 || stayed == 0 {
		t.Fatalf("%d devices moved, %d verdicts changed on devices that did not: the test shows too little", moved, stayed)
	}
	t.Logf("%d edits, %d moves, %d verdicts changed beside level changes", len(edits), moved, stayed)
}
