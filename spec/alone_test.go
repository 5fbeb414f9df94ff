package spec

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ladderworks/ladder/spec/spectest"
)

// dumpValues is dump with what dump leaves out of a criterion's values:
// what each means and where CUE places it.
func dumpValues(rev *Revision) string {
	var b strings.Builder
	b.WriteString(dump(rev))
	for _, cr := range rev.Criteria() {
		fmt.Fprintf(&b, "criterion %s value %s at %s, require %s at %s\n", cr.ID, fingerprint(cr.Value), positionOf(cr.Value.Pos()), fingerprint(cr.Require), positionOf(cr.Require.Pos()))
		for _, f := range cr.Fields {
			fmt.Fprintf(&b, "  field %s %s at %s\n", f.Path, fingerprint(f.Value), positionOf(f.Value.Pos()))
		}
	}
	fmt.Fprintf(&b, "device %s\n", rev.DeviceFingerprint())
	return b.String()
}

// loadResult is what a load gives, as text: the revision, or the error.
func loadResult(rev *Revision, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return dumpValues(rev)
}

// dirFS copies a workspace on disk into memory.
func dirFS(t *testing.T, dir string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path.Join(dir, p))
		out[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	numberPattern   = regexp.MustCompile(`\b[0-9]+(\.[0-9]+)?\b`)
	boundPattern    = regexp.MustCompile(`[<>]=?`)
	stringPattern   = regexp.MustCompile(`"[a-z_]+"`)
	boolPattern     = regexp.MustCompile(`\b(true|false)\b`)
	requireEditKind = []string{"number", "bound", "string", "bool", "add field", "remove field", "wrap", "break"}
)

// requireEdit makes a random edit of the value of a criterion's require,
// which is text[start:end], and says what it did. Some edits leave the
// revision valid, some do not ("break", and a field added that conflicts).
func requireEdit(rnd *rand.Rand, rev *Revision, cr *Criterion, text string) (string, string) {
	kind := requireEditKind[rnd.IntN(len(requireEditKind))]
	switch kind {
	case "number", "bound", "string", "bool":
		re := map[string]*regexp.Regexp{"number": numberPattern, "bound": boundPattern, "string": stringPattern, "bool": boolPattern}[kind]
		locs := re.FindAllStringIndex(text, -1)
		if len(locs) == 0 {
			return "wrap", "{\n" + text + "\n}"
		}
		l := locs[rnd.IntN(len(locs))]
		var repl string
		switch kind {
		case "number":
			repl = fmt.Sprint(rnd.IntN(200))
			if rnd.IntN(3) == 0 {
				repl += ".5"
			}
		case "bound":
			repl = []string{"<", "<=", ">", ">="}[rnd.IntN(4)]
		case "string":
			repl = `"` + []string{"preferences", "episodic", "voice", "none", "edited"}[rnd.IntN(5)] + `"`
		case "bool":
			repl = []string{"true", "false", "bool"}[rnd.IntN(3)]
		}
		return kind, text[:l[0]] + repl + text[l[1]:]
	case "add field":
		m := rev.Measurements[rnd.IntN(len(rev.Measurements))]
		c := "_"
		switch m.Kind.String() {
		case "number", "int":
			c = fmt.Sprintf(">=%d", rnd.IntN(5))
		case "bool":
			c = "true"
		}
		return kind, "{\n\t" + text + "\n\tmeasurements: " + m.Name + ": " + c + "\n}"
	case "remove field":
		if len(cr.Fields) < 2 {
			return "wrap", "{\n" + text + "\n}"
		}
		drop := rnd.IntN(len(cr.Fields))
		var b strings.Builder
		b.WriteString("{")
		for i, f := range cr.Fields {
			if i != drop {
				fmt.Fprintf(&b, "\n\t%s: %s", strings.ReplaceAll(f.Path, ".", ": "), f.Text)
			}
		}
		b.WriteString("\n}")
		return kind, b.String()
	case "wrap":
		return kind, "{\n" + text + "\n}"
	}
	return kind, text + " & >="
}

// TestLoadAloneIsAFullLoad makes random edits inside the requires of
// criteria, one after another, and loads each in a workspace that loaded
// the last, where Load builds the edited criterion alone, and in a fresh
// workspace, which compiles the revision in full: the two must give the
// same revision, or the same error.
func TestLoadAloneIsAFullLoad(t *testing.T) {
	cases := []struct {
		name string
		fsys func(t *testing.T) fstest.MapFS
		ids  []string
	}{
		{"builtin", func(t *testing.T) fstest.MapFS { return builtinWith(t) }, []string{edition, draft}},
		{"autonomy", func(t *testing.T) fstest.MapFS { return dirFS(t, spectest.Autonomy(t)) }, []string{spectest.AutonomyEdition, spectest.AutonomyDraft}},
	}
	edits := 40
	if testing.Short() {
		edits = 10
	}
	for _, tc := range cases {
		for _, id := range tc.ids {
			t.Run(tc.name+"/"+id, func(t *testing.T) {
				rnd := rand.New(rand.NewPCG(1, uint64(len(id))))
				fsys := tc.fsys(t)
				ws := NewWorkspace(fsys, "")
				good, err := ws.Load(id)
				if err != nil {
					t.Fatal(err)
				}
				kinds := map[string]int{}
				for i := range edits {
					crits := good.Criteria()
					cr := crits[rnd.IntN(len(crits))]
					req := good.decls.lookup(append(criterionPath(cr.Category, cr.Level, cr.ID), "require")...)[0].field.Value
					name := strings.TrimPrefix(req.Pos().Filename(), "")
					data := string(fsys[name].Data)
					start, end := req.Pos().Offset(), req.End().Offset()
					kind, repl := requireEdit(rnd, good, cr, data[start:end])
					edited := data[:start] + repl + data[end:]
					fsys[name] = &fstest.MapFile{Data: []byte(edited)}

					before := ws.aloneLoads.Load()
					rev, err := ws.Load(id)
					alone := ws.aloneLoads.Load() > before
					got := loadResult(rev, err)
					want := loadResult(NewWorkspace(fsys, "").Load(id))
					if got != want {
						t.Fatalf("edit %d (%s of %s's require, %q → %q, built alone: %v) differs from a full load:\n%s", i, kind, cr.ID, data[start:end], repl, alone, diffLines(got, want))
					}
					if err != nil {
						kinds[kind+" (error)"]++
						fsys[name] = &fstest.MapFile{Data: []byte(data)}
						continue
					}
					if alone {
						kinds[kind+" (alone)"]++
					} else {
						kinds[kind+" (full)"]++
					}
					good = rev
				}
				t.Logf("%d edits: %v", edits, kinds)
				if ws.aloneLoads.Load() < int64(edits)/3 {
					t.Errorf("%d of %d edits built one criterion alone; want a third at least (%v)", ws.aloneLoads.Load(), edits, kinds)
				}
			})
		}
	}
}

// TestLoadAloneOnlyInsideARequire checks which edits Load compiles by
// building one criterion alone: only those inside one criterion's require,
// where nothing refers to criteria. Every load must still give what a full
// load gives.
func TestLoadAloneOnlyInsideARequire(t *testing.T) {
	speaker := spectest.RevFile(draft, "speaker.cue")
	schema := spectest.RevFile(draft, "schema.cue")
	tests := []struct {
		name  string
		first []edit // made before the first load
		edits []edit
		alone bool
	}{
		{name: "a threshold", edits: []edit{{speaker, "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=94"}}, alone: true},
		{name: "a field added on lines of its own", edits: []edit{{speaker, "require: measurements: wake_rate_quiet_pct: >=95", "require: {\n\t\t\tmeasurements: wake_rate_quiet_pct: >=95\n\t\t\tmeasurements: session_memory: true\n\t\t}"}}, alone: true},
		{name: "a definition used", edits: []edit{{speaker, "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: #Percent"}}, alone: true},
		{name: "the title", edits: []edit{{speaker, `"Wakes on its wake word in a quiet room"`, `"Wakes in a quiet room"`}}},
		{name: "a definition", edits: []edit{{schema, "#Percent: number & >=0 & <=100", "#Percent: number & >=0 & <=99"}}},
		{name: "the vocabulary", edits: []edit{{schema, "far_field_distance_m?: number & >=0 & <=30", "far_field_distance_m?: number & >=0 & <=31"}}},
		{name: "a level's status", edits: []edit{{speaker, `L4: status: "draft"`, `L4: status: "normative"`}}},
		{name: "two criteria", edits: []edit{
			{speaker, "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=94"},
			{speaker, "wake_rate_noise_pct: >=85", "wake_rate_noise_pct: >=84"},
		}},
		{name: "two files", edits: []edit{
			{speaker, "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=94"},
			{schema, "#Percent: number & >=0 & <=100", "#Percent: number & >=0 & <=99"},
		}},
		{name: "a reference to a criterion", edits: []edit{{speaker, "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: categories.speaker.levels.L1.criteria.\"SP-L1-WAKE-NOISE\".require.measurements.wake_rate_noise_pct"}}},
		{name: "a field of the criterion", edits: []edit{{speaker, "require: measurements: wake_rate_quiet_pct: >=95", "require: measurements: wake_rate_quiet_pct: >=95\n\t\t_x: 1\n\t\tx: _x"}}},
		{name: "an alias of a criterion", first: []edit{
			{speaker, `"SP-L1-WAKE": {`, `W="SP-L1-WAKE": {`},
			{speaker, `"Wakes on its wake word while the television plays"`, `W.title`},
		}, edits: []edit{{speaker, "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=94"}}},
		{name: "a let", first: []edit{{speaker, "package standard\n", "package standard\n\nlet bar = 95\n#Bar: bar\n"}}, edits: []edit{{speaker, "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=bar"}}},
		{name: "the criterion's title", edits: []edit{{speaker, "require: measurements: wake_rate_quiet_pct: >=95", "require: {measurements: wake_rate_quiet_pct: >=95, measurements: m: title}"}}, alone: true},
		{name: "a field of the level", first: []edit{
			{speaker, "categories: speaker: levels: L1: criteria: {", "categories: speaker: levels: L1: {\n\tnote: 90\n\tcriteria: {"},
			{speaker, "// L2 Tool", "}\n\n// L2 Tool"},
		}, edits: []edit{{speaker, "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=note"}}},
		{name: "a criterion's field outside its require", edits: []edit{{speaker, "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=95\n\t\tnote: 1"}}},
		{name: "a pattern on criteria", first: []edit{{speaker, "package standard\n", "package standard\n\ncategories: speaker: levels: [string]: criteria: [string]: require: measurements: [string]: _\n"}},
			edits: []edit{{speaker, "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=94"}}},
		{name: "a second declaration", first: []edit{{speaker, "package standard\n", "package standard\n\ncategories: speaker: levels: L1: criteria: \"SP-L1-WAKE\": require: measurements: session_memory: true\n"}},
			edits: []edit{{speaker, "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=94"}}},
		{name: "a line more before a category's fields", first: []edit{{speaker, "// L2 Tool", "categories: speaker: title: \"Speaker\"\n\n// L2 Tool"}},
			edits: []edit{{speaker, "require: measurements: wake_rate_quiet_pct: >=95", "require: {\n\t\t\tmeasurements: wake_rate_quiet_pct: >=95\n\t\t}"}}, alone: false},
		{name: "an error", edits: []edit{{speaker, "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=95 & <=90"}}},
		{name: "a syntax error", edits: []edit{{speaker, "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >="}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := builtinWith(t, tc.first...)
			ws := NewWorkspace(fsys, "")
			if _, err := ws.Load(draft); err != nil {
				t.Fatal(err)
			}
			for _, e := range tc.edits {
				data := string(fsys[e.File].Data)
				if !strings.Contains(data, e.Old) {
					t.Fatalf("%s does not contain %q", e.File, e.Old)
				}
				fsys[e.File] = &fstest.MapFile{Data: []byte(strings.Replace(data, e.Old, e.New, 1))}
			}
			got := loadResult(ws.Load(draft))
			if alone := ws.aloneLoads.Load() > 0; alone != tc.alone {
				t.Errorf("built one criterion alone: %v, want %v", alone, tc.alone)
			}
			if want := loadResult(NewWorkspace(fsys, "").Load(draft)); got != want {
				t.Errorf("differs from a full load:\n%s", diffLines(got, want))
			}
		})
	}
}
