package spec

import (
	"slices"
	"testing"

	"github.com/ladderworks/ladder/spec/spectest"
)

// TestLoadAllKeepsWhatABrokenRevisionDeclares loads a workspace whose draft
// does not compile: the draft is Broken, and the measurements its schema
// declares are still known, as far as its files parse.
func TestLoadAllKeepsWhatABrokenRevisionDeclares(t *testing.T) {
	schema := spectest.RevFile(draft, "schema.cue")
	for _, tc := range []struct {
		name  string
		edits []edit
	}{
		// A conflict: every file parses.
		{"a conflict", []edit{{spectest.RevFile(draft, "speaker.cue"), "package standard\n", "package standard\n\nrevision: status: \"published\"\n"}}},
		// A syntax error after #Measurements, in the same file.
		{"a syntax error", []edit{{schema, "#Device: {", "#Device: {{"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			std, err := NewWorkspace(builtinWith(t, tc.edits...), "").LoadAll(spectest.Timeout)
			if err != nil {
				t.Fatal(err)
			}
			if std.Broken[draft] == nil || std.Loaded(draft) != nil {
				t.Fatalf("the draft loaded: broken %v", std.Broken)
			}
			d := std.Declared[draft]
			if d == nil || d.Status != RevisionDraft || d.Base != edition {
				t.Fatalf("declared %+v, want status draft and base %s", d, edition)
			}
			got := d.Measurements
			for _, want := range []string{"personal_model", "npu_tops_int8", "wake_rate_quiet_pct"} {
				if !slices.Contains(got, want) {
					t.Errorf("declared measurements lack %s: %v", want, got)
				}
			}
			// The drafter's revision is the draft, though it does not load.
			if id, err := std.ChooseID("", RevisionDraft, RevisionPublished); id != draft || err != nil {
				t.Errorf("ChooseID() = %q, %v; want the broken draft", id, err)
			}
			if r, _ := std.Choose("", RevisionDraft, RevisionPublished); r == nil || r.ID != edition {
				t.Errorf("Choose() = %v, want the edition, the newest that loads", r)
			}
			if id, err := std.ChooseID("nope"); err == nil {
				t.Errorf("ChooseID(nope) = %q, want an error", id)
			}
			if len(std.Declared) != 1 {
				t.Errorf("declared measurements of %d revisions, want the broken one's", len(std.Declared))
			}
		})
	}
}

// TestStandardWith puts a later version of a revision in place, or adds one
// that did not load, without changing the standard it came from.
func TestStandardWith(t *testing.T) {
	std, err := NewWorkspace(builtinWith(t), "").LoadAll(spectest.Timeout)
	if err != nil {
		t.Fatal(err)
	}
	edited := mustLoad(t, builtinWith(t, edit{spectest.RevFile(draft, "mobile_terminal.cue"), "on_device_llm_params_b: >=7", "on_device_llm_params_b: >=50"}), draft)
	with := std.With(edited)
	if with.Loaded(draft) != edited || std.Loaded(draft) == edited {
		t.Errorf("With: the new standard has %p, the old %p, want the edit %p only in the new", with.Loaded(draft), std.Loaded(draft), edited)
	}
	if len(with.Revisions) != len(std.Revisions) || with.Revisions[0] != std.Revisions[0] {
		t.Errorf("With changed the other revisions")
	}

	// A revision that did not load comes back, in its place among the
	// others, and is no longer broken.
	broken := &Standard{IDs: std.IDs, Revisions: std.Revisions[:1], Broken: map[string]error{draft: errBroken}, Declared: map[string]*Declared{draft: {Measurements: []string{"x"}}}}
	back := broken.With(edited)
	if back.Loaded(draft) != edited || back.Broken[draft] != nil || back.Declared[draft] != nil {
		t.Errorf("With of a broken revision: loaded %v, broken %v, declared %v", back.Loaded(draft), back.Broken, back.Declared)
	}
	if got := []string{back.Revisions[0].ID, back.Revisions[1].ID}; !slices.Equal(got, []string{edition, draft}) {
		t.Errorf("order %v, want the draft after its base", got)
	}
}

var errBroken = &LoadError{}
