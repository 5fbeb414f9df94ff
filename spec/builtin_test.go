package spec

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/load"
	"github.com/ladderworks/ladder/spec/spectest"
)

var wantCategories = []string{"mobile_terminal", "microcomputer", "television", "glasses", "vehicle_cockpit", "speaker", "earphone"}

// wantPrefixes are the ID prefixes that the built-in categories declare.
var wantPrefixes = map[string]string{
	"mobile_terminal": "MT", "microcomputer": "PC", "television": "TV", "glasses": "GL",
	"vehicle_cockpit": "VC", "speaker": "SP", "earphone": "EP",
}

// wantElements are the capability elements of GB/Z 177.1, as the built-in
// revisions declare them.
var wantElements = []string{"perception", "cognition", "execution", "memory", "learning"}

func TestBuiltinRevisions(t *testing.T) {
	ws := NewWorkspace(repo, "")
	ids, err := ws.Revisions()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{edition, draft}; !slices.Equal(ids, want) {
		t.Fatalf("Revisions() = %v, want %v", ids, want)
	}
	for _, tc := range []struct {
		id, status, base string
		l4Status         string
		minL4            int
	}{
		{id: edition, status: RevisionPublished, l4Status: LevelReserved},
		{id: draft, status: RevisionDraft, base: edition, l4Status: LevelDraft, minL4: 3},
	} {
		t.Run(tc.id, func(t *testing.T) {
			rev := mustLoad(t, repo, tc.id)
			if rev.ID != tc.id || rev.Status != tc.status || rev.Base != tc.base || rev.Title == "" {
				t.Errorf("revision = {ID %q, Status %q, Base %q, Title %q}, want {%q, %q, %q, non-empty}", rev.ID, rev.Status, rev.Base, rev.Title, tc.id, tc.status, tc.base)
			}
			var keys []string
			for _, c := range rev.Categories {
				keys = append(keys, c.Key)
			}
			if !slices.Equal(keys, wantCategories) {
				t.Errorf("categories = %v, want %v in the order of the parts", keys, wantCategories)
			}
			for _, c := range rev.Categories {
				if c.Title == "" || c.Part == "" || c.Determination.Rule != RuleCumulative {
					t.Errorf("%s: title %q, part %q, rule %q", c.Key, c.Title, c.Part, c.Determination.Rule)
				}
				if (c.Key == "mobile_terminal" || c.Key == "microcomputer") && !slices.Equal(c.Determination.Families, []string{"end_side", "device_cloud"}) {
					t.Errorf("%s: families = %v, want end_side and device_cloud", c.Key, c.Determination.Families)
				}
				if got := len(c.Levels); got != 4 {
					t.Fatalf("%s has %d levels, want 4", c.Key, got)
				}
				for _, l := range c.Levels[:3] {
					if l.Status != LevelNormative || len(l.Criteria) < 5 {
						t.Errorf("%s %s: status %q with %d criteria, want normative with at least 5", c.Key, l.Name, l.Status, len(l.Criteria))
					}
				}
				elements := map[string]bool{}
				for _, l := range c.Levels[:3] {
					for _, cr := range l.Criteria {
						elements[cr.Element] = true
					}
				}
				if len(elements) != len(wantElements) {
					t.Errorf("%s: L1-L3 criteria cover elements %v, want all of %v", c.Key, elements, wantElements)
				}
				if c.Prefix != wantPrefixes[c.Key] {
					t.Errorf("%s: prefix %q, want %q", c.Key, c.Prefix, wantPrefixes[c.Key])
				}
				l4 := c.Levels[3]
				if l4.Status != tc.l4Status || len(l4.Criteria) < tc.minL4 || (tc.minL4 == 0 && len(l4.Criteria) > 0) {
					t.Errorf("%s L4: status %q with %d criteria, want %q with at least %d", c.Key, l4.Status, len(l4.Criteria), tc.l4Status, tc.minL4)
				}
			}
			for _, cr := range rev.Criteria() {
				if prefix, level, ok := SplitID(cr.ID); !ok || prefix != wantPrefixes[cr.Category] || level != cr.Level {
					t.Errorf("criterion ID %s does not match its place %s %s", cr.ID, cr.Category, cr.Level)
				}
				if cr.Title == "" || cr.Provenance != "illustrative" || len(cr.Fields) == 0 || cr.Fingerprint == "" || cr.RequireFingerprint == "" {
					t.Errorf("criterion %s: title %q, provenance %q, %d fields, fingerprints %q %q", cr.ID, cr.Title, cr.Provenance, len(cr.Fields), cr.Fingerprint, cr.RequireFingerprint)
				}
			}
			if !slices.Equal(rev.Elements, wantElements) {
				t.Errorf("elements = %v, want %v", rev.Elements, wantElements)
			}
			for _, m := range rev.Measurements {
				if m.Unit == "" || m.Doc == "" || m.Kind == cue.BottomKind {
					t.Errorf("measurement %s: unit %q, doc %q, kind %v", m.Name, m.Unit, m.Doc, m.Kind)
				}
			}
			if findings := Lint(rev, ids); len(findings) > 0 {
				t.Errorf("Lint found problems in the built-in %s:\n%v", tc.id, findings)
			}
		})
	}
}

// TestPositionsPointAtKeys checks that each criterion's position is the
// position of its key, and that its source text is its declaration.
func TestPositionsPointAtKeys(t *testing.T) {
	for _, id := range []string{edition, draft} {
		rev := mustLoad(t, repo, id)
		files := map[string][]string{}
		for _, f := range rev.Files {
			files[f.Name] = strings.Split(string(f.Data), "\n")
		}
		for _, cr := range rev.Criteria() {
			lines, ok := files[cr.Pos.File]
			if !ok || cr.Pos.Line < 1 || cr.Pos.Line > len(lines) {
				t.Errorf("%s: position %s is not in a file of the revision", cr.ID, cr.Pos)
				continue
			}
			line := lines[cr.Pos.Line-1]
			if !strings.HasPrefix(line[cr.Pos.Column-1:], `"`+cr.ID+`":`) {
				t.Errorf("%s: position %s points at %q, not at the criterion's key", cr.ID, cr.Pos, line)
			}
			if !strings.HasPrefix(cr.Source, `"`+cr.ID+`": {`) || !strings.HasSuffix(cr.Source, "}") || !strings.Contains(cr.Source, "\n\ttitle:") {
				t.Errorf("%s: source text is not the declaration:\n%s", cr.ID, cr.Source)
			}
			for _, f := range cr.Fields {
				if f.Pos.File != cr.Pos.File || f.Pos.Line <= cr.Pos.Line {
					t.Errorf("%s: field %s at %s, want after the key at %s", cr.ID, f.Path, f.Pos, cr.Pos)
				}
			}
		}
	}
}

// TestDraftHasEveryKindOfChange checks that a diff of the edition and the
// draft has every kind of criterion change in it, as decided by CUE's
// subsumption of their require values.
func TestDraftHasEveryKindOfChange(t *testing.T) {
	ws := NewWorkspace(repo, "")
	old, err := ws.Load(edition)
	if err != nil {
		t.Fatal(err)
	}
	nw, err := ws.Load(draft)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string][]string{}
	for _, c := range nw.Criteria() {
		o := old.Criterion(c.ID)
		switch {
		case o == nil:
			kinds["added "+c.Level] = append(kinds["added "+c.Level], c.ID)
		case o.RequireFingerprint == c.RequireFingerprint:
			if o.Fingerprint != c.Fingerprint {
				kinds["metadata"] = append(kinds["metadata"], c.ID)
			}
		case c.Level == "L2" || c.Level == "L3":
			oldAdmitsNew := o.Require.Subsume(c.Require) == nil
			newAdmitsOld := c.Require.Subsume(o.Require) == nil
			switch {
			case oldAdmitsNew && !newAdmitsOld:
				kinds["tightened"] = append(kinds["tightened"], c.ID)
			case newAdmitsOld && !oldAdmitsNew:
				kinds["loosened"] = append(kinds["loosened"], c.ID)
			case !oldAdmitsNew && !newAdmitsOld:
				kinds["changed"] = append(kinds["changed"], c.ID)
			}
		}
	}
	for _, c := range old.Criteria() {
		if nw.Criterion(c.ID) == nil {
			kinds["removed"] = append(kinds["removed"], c.ID)
		}
	}
	for kind, min := range map[string]int{"added L4": 7 * 3, "added L3": 1, "tightened": 3, "loosened": 1, "changed": 1, "removed": 1, "metadata": 1} {
		if len(kinds[kind]) < min {
			t.Errorf("draft has %d criteria %s (%v), want at least %d", len(kinds[kind]), kind, kinds[kind], min)
		}
	}
	for _, m := range []string{"collab_device_types", "personal_model", "autonomous_learning_gain_pct", "proactive_scene_types"} {
		if old.Measurement(m) != nil || nw.Measurement(m) == nil {
			t.Errorf("measurement %s: want it new in the draft", m)
		}
	}
}

// standards are the standards this repository holds as workspaces: the
// built-in one, the starting point that init --empty writes, and the second
// example, which is not GB/Z 177.
var standards = []struct {
	dir  string
	revs []string
}{
	{"..", []string{edition, draft}},
	{"../starter", []string{"draft-1"}},
	{"../testdata/autonomy", []string{spectest.AutonomyEdition, spectest.AutonomyDraft}},
}

// TestStandardsAreFormatted checks that `cue fmt` would leave every file of
// each standard as it is.
func TestStandardsAreFormatted(t *testing.T) {
	for _, std := range standards {
		root := os.DirFS(std.dir)
		err := fs.WalkDir(root, "cue", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".cue") {
				return err
			}
			src, err := fs.ReadFile(root, p)
			if err != nil {
				return err
			}
			got, err := format.Source(src)
			if err != nil {
				t.Errorf("%s/%s: %v", std.dir, p, err)
			} else if !bytes.Equal(got, src) {
				t.Errorf("%s/%s is not formatted as cue fmt formats it", std.dir, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestStandardsPassCueVet runs what `cue vet -c=false ./revisions/<id>`
// runs in each standard's cue/, through CUE's own loader reading the files
// from disk.
func TestStandardsPassCueVet(t *testing.T) {
	ctx := cuecontext.New()
	for _, std := range standards {
		for _, id := range std.revs {
			insts := load.Instances([]string{"./revisions/" + id}, &load.Config{Dir: filepath.Join(std.dir, "cue")})
			if err := insts[0].Err; err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			v := ctx.BuildInstance(insts[0])
			if err := v.Validate(cue.Attributes(true), cue.Definitions(true), cue.Hidden(true), cue.Concrete(false)); err != nil {
				t.Errorf("cue vet -c=false ./revisions/%s in %s: %v", id, std.dir, err)
			}
		}
	}
}

// TestExampleStandards checks that the starter and the second example
// load and lint clean, and have what they are there to show: levels other
// than four, families of their own, nested measurements, prefixes.
func TestExampleStandards(t *testing.T) {
	type want struct {
		rev      string
		tops     map[string]int
		families map[string][]string
		prefixes map[string]string
	}
	for _, w := range []want{
		{"draft-1", map[string]int{"thermostat": 3}, map[string][]string{}, map[string]string{"thermostat": "TH"}},
		{spectest.AutonomyEdition,
			map[string]int{"passenger_vehicle": 4, "delivery_robot": 3, "farm_tractor": 4},
			map[string][]string{"passenger_vehicle": {"highway", "urban"}, "farm_tractor": {"field", "transport"}},
			map[string]string{"passenger_vehicle": "PV", "delivery_robot": "DR", "farm_tractor": "FT"}},
		{spectest.AutonomyDraft,
			map[string]int{"passenger_vehicle": 5, "delivery_robot": 3, "farm_tractor": 4},
			map[string][]string{"passenger_vehicle": {"highway", "urban"}, "farm_tractor": {"field", "transport"}},
			map[string]string{"passenger_vehicle": "PV", "delivery_robot": "DR", "farm_tractor": "FT"}},
	} {
		t.Run(w.rev, func(t *testing.T) {
			dir := "../starter"
			if w.rev != "draft-1" {
				dir = "../testdata/autonomy"
			}
			ws := NewWorkspace(os.DirFS(dir), "")
			ids, err := ws.Revisions()
			if err != nil {
				t.Fatal(err)
			}
			rev := mustLoad(t, os.DirFS(dir), w.rev)
			if f := Lint(rev, ids); len(f) > 0 {
				t.Errorf("Lint: %v", f)
			}
			if len(rev.Categories) != len(w.tops) {
				t.Errorf("%d categories, want %d", len(rev.Categories), len(w.tops))
			}
			nested := false
			for _, c := range rev.Categories {
				if c.Top() != w.tops[c.Key] || len(c.Levels) != c.Top() {
					t.Errorf("%s: levels %d, top L%d, want L1 to L%d", c.Key, len(c.Levels), c.Top(), w.tops[c.Key])
				}
				if !slices.Equal(c.Determination.Families, w.families[c.Key]) {
					t.Errorf("%s: families %v, want %v", c.Key, c.Determination.Families, w.families[c.Key])
				}
				if c.Prefix != w.prefixes[c.Key] {
					t.Errorf("%s: prefix %q, want %q", c.Key, c.Prefix, w.prefixes[c.Key])
				}
				for _, l := range c.Levels {
					for _, cr := range l.Criteria {
						for _, f := range cr.Fields {
							nested = nested || len(f.Labels) > 2
						}
					}
				}
			}
			if !nested {
				t.Error("no criterion tests a nested measurement")
			}
		})
	}
}
