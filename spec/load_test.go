package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"cuelang.org/go/cue/cuecontext"

	"github.com/ladderworks/ladder/spec/spectest"
)

// dump writes out everything a loaded revision holds, values as CUE prints
// them, so that two loads can be compared.
func dump(rev *Revision) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("revision %q %q %q %q dir %q pos %s", rev.ID, rev.Title, rev.Status, rev.Base, rev.Dir, rev.Pos)
	for _, f := range rev.Files {
		p("file %s %d bytes", f.Name, len(f.Data))
	}
	p("device %v at %s", rev.Device, positionOf(rev.Device.Pos()))
	for _, m := range rev.Measurements {
		p("measurement %s %s %v %q %q %q %s value %v", m.Name, m.Path, m.Kind, m.Unit, m.Doc, m.Constraint, m.Pos, m.Value)
	}
	for _, c := range rev.Categories {
		p("category %s %q %q %v %s", c.Key, c.Title, c.Part, c.Determination, c.Pos)
		for _, l := range c.Levels {
			p("  level %s %d %s %s", l.Name, l.Rank, l.Status, l.Pos)
			for _, cr := range l.Criteria {
				p("    criterion %s %s/%s %q %q %q %q %q at %s", cr.ID, cr.Category, cr.Level, cr.Title, cr.Element, cr.Family, cr.Provenance, cr.Clause, cr.Pos)
				p("      source %q", cr.Source)
				p("      fingerprints %s %s", cr.Fingerprint, cr.RequireFingerprint)
				p("      require %v path %v exists %v", cr.Require, cr.Require.Path(), cr.Require.Exists())
				p("      value path %v", cr.Value.Path())
				for _, f := range cr.Fields {
					p("      field %s %q at %s: %v (path %v)", f.Path, f.Text, f.Pos, f.Value, f.Value.Path())
				}
			}
		}
	}
	for _, f := range rev.problems {
		p("problem %s [%s] %s", f.Pos, f.Rule, f.Msg)
	}
	for _, f := range Lint(rev, []string{edition, draft}) {
		p("lint %s [%s] %s", f.Pos, f.Rule, f.Msg)
	}
	return b.String()
}

// loadBoth loads a revision from fsys directly and with CUE's loader, each
// in a fresh workspace, and fails the test if they differ. It returns the
// direct load, and fails if the revision could not be loaded directly.
func loadBoth(t *testing.T, fsys fs.FS, root, id string) *Revision {
	t.Helper()
	slow, err := NewWorkspace(fsys, root).loadWithLoaderForTest(id)
	if err != nil {
		t.Fatalf("loading %s with CUE's loader: %v", id, err)
	}
	rev, err := NewWorkspace(fsys, root).loadDirectForTest(id)
	if err != nil {
		t.Fatalf("loading %s without CUE's loader: %v", id, err)
	}
	if got, want := dump(rev), dump(slow); got != want {
		t.Errorf("loading %s directly differs from CUE's loader:\n%s", id, diffLines(got, want))
	}
	return rev
}

// loadWithLoaderForTest loads a revision with CUE's loader only.
func (w *Workspace) loadWithLoaderForTest(id string) (*Revision, error) {
	if err := w.checkSource(id); err != nil {
		return nil, err
	}
	snap, err := w.snapshot(id)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.loadWithLoader(cuecontext.New(), snap, id, snap.rev)
}

// loadDirectForTest loads a revision without CUE's loader, or returns
// errUseLoader if it cannot.
func (w *Workspace) loadDirectForTest(id string) (*Revision, error) {
	if err := w.checkSource(id); err != nil {
		return nil, err
	}
	snap, err := w.snapshot(id)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.loadDirect(cuecontext.New(), snap, id, snap.rev)
}

// diffLines returns the first lines in which got and want differ.
func diffLines(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var out []string
	for i := 0; i < max(len(g), len(w)) && len(out) < 12; i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			out = append(out, fmt.Sprintf("line %d:\n  got  %s\n  want %s", i+1, gl, wl))
		}
	}
	return strings.Join(out, "\n")
}

// TestLoadDirectMatchesLoader checks that compiling a revision without CUE's
// loader gives the model that the loader gives, for the built-in revisions
// and for edits of them that use what the loader might treat differently.
func TestLoadDirectMatchesLoader(t *testing.T) {
	mt := spectest.RevFile(edition, "mobile_terminal.cue")
	schema := spectest.RevFile(edition, "schema.cue")
	for _, root := range []string{"", "ws"} {
		for _, id := range []string{edition, draft} {
			loadBoth(t, repo, root, id)
		}
	}
	for _, tc := range []struct {
		name  string
		edits []edit
	}{{
		name:  "a hidden field that criteria use",
		edits: []edit{{schema, "#Percent: number & >=0 & <=100", "#Percent: number & >=0 & <=100\n\n_minNPU: 20"}, {mt, "npu_tops_int8: >=20", "npu_tops_int8: >=_minNPU"}},
	}, {
		name:  "a criterion declared twice",
		edits: []edit{{mt, "// L2 Tool:", "categories: mobile_terminal: levels: L1: criteria: \"MT-L1-NPU\": element: \"cognition\"\n\n// L2 Tool:"}},
	}, {
		name:  "a field behind a guard",
		edits: []edit{{mt, "require: measurements: session_memory: true", "require: measurements: {\n\t\t\tsession_memory: bool\n\t\t\tif session_memory {long_term_memory: \"episodic\"}\n\t\t}"}},
	}, {
		name:  "problems that Lint reports",
		edits: []edit{{mt, "require: measurements: session_memory: true", "requires: measurements: session_memory: true"}, {mt, `"MT-L1-SESSION": {`, `"mt-l1-session": {`}},
	}, {
		name:  "a criterion that refers to another",
		edits: []edit{{mt, "require: measurements: npu_tops_int8: >=20", `require: categories.mobile_terminal.levels.L1.criteria."MT-L1-NPU".require`}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			loadBoth(t, builtinWith(t, tc.edits...), "", edition)
		})
	}
}

// TestLoadDirectErrors checks that a revision compiled without CUE's loader
// has the errors that the loader reports.
func TestLoadDirectErrors(t *testing.T) {
	mt := spectest.RevFile(edition, "mobile_terminal.cue")
	sp := spectest.RevFile(edition, "speaker.cue")
	schema := spectest.RevFile(edition, "schema.cue")
	for _, tc := range []struct {
		name  string
		edits []edit
		// direct is false for a revision that must be loaded with the
		// loader.
		direct bool
	}{
		{"conflicts in two files", []edit{{mt, `"MT-L2-LLM": {`, `"MT-L2-NPU": {`}, {sp, `title:      "Keeps the context of a session"`, `title:      "Keeps the context of a session"` + "\n\t\ttitle: 3"}}, true},
		{"a value outside a closed schema", []edit{{schema, "#Device: {", "_example: #Device & {id: \"Bad ID\", name: \"n\", vendor: \"v\", category: \"toaster\", measurements: {foo: 1}}\n\n#Device: {"}}, true},
		{"an undefined reference", []edit{{mt, "npu_tops_int8: >=20", "npu_tops_int8: >=#MinNPU"}}, true},
		{"an unused import", []edit{{sp, "package standard", "package standard\n\nimport \"strings\""}}, true},
		{"an unknown standard package", []edit{{sp, "package standard", "package standard\n\nimport \"lists\"\n\nx: lists.Foo"}}, true},
		{"a structural cycle", []edit{{schema, "#Percent: number & >=0 & <=100", "#Percent: number & >=0 & <=100\n\n_a: b: _a"}}, true},
		{"a builtin on the wrong type", []edit{{mt, "npu_tops_int8: >=20", "npu_tops_int8: list.Sum(\"a\")"}}, true},
		{"a syntax error", []edit{{mt, `title:      "Accepts spoken instructions"`, `title:      "Accepts spoken instructions`}}, false},
		{"two packages", []edit{{sp, "package standard", "package other"}}, false},
		{"a package of the module", []edit{{sp, "package standard", "package standard\n\nimport \"github.com/ladderworks/ladder/cue/lib\"\n\nx: lib.X"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := builtinWith(t, tc.edits...)
			_, want := NewWorkspace(fsys, "").loadWithLoaderForTest(edition)
			if want == nil {
				t.Fatal("CUE's loader loads the revision")
			}
			_, direct := NewWorkspace(fsys, "").loadDirectForTest(edition)
			if (direct != errUseLoader) != tc.direct {
				t.Fatalf("loading without the loader gave %v", direct)
			}
			_, err := NewWorkspace(fsys, "").Load(edition)
			var le *LoadError
			if !errors.As(err, &le) || err.Error() != want.Error() {
				t.Errorf("Load() error =\n%v\nwant\n%v", err, want)
			}
		})
	}
}

// TestLoadFallsBackToLoader checks that a revision that CUE's loader might
// read otherwise than Load would by itself is loaded by the loader.
func TestLoadFallsBackToLoader(t *testing.T) {
	for _, tc := range []struct {
		name  string
		add   map[string]string
		edits []edit
	}{{
		name: "a file of the package in a parent directory",
		add:  map[string]string{"cue/revisions/common.cue": "package standard\n\n#Extra: 1\n"},
	}, {
		name:  "a file excluded by a build attribute",
		edits: []edit{{spectest.RevFile(edition, "speaker.cue"), "package standard", "@if(never)\n\npackage standard\n\nbroken: 1 & 2"}},
	}, {
		name: "a test file",
		add:  map[string]string{spectest.RevFile(edition, "x_test.cue"): "package standard\n\nbroken: 1 & 2\n"},
	}, {
		// The snapshot that Load compiles then holds the rest of the
		// module.
		name: "a package of the module imported",
		add: map[string]string{
			"cue/lib/lib.cue":                      "package lib\n\n#Bound: 20\n",
			spectest.RevFile(edition, "extra.cue"): "package standard\n\nimport \"github.com/ladderworks/ladder/cue/lib\"\n\n_bound: lib.#Bound\n",
		},
	}, {
		name: "a file embedded",
		add: map[string]string{
			spectest.RevFile(edition, "bound.json"): `{"bound": 20}`,
			spectest.RevFile(edition, "extra.cue"):  "@extern(embed)\n\npackage standard\n\n_data: _ @embed(file=\"bound.json\")\n_data: bound: 20\n",
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := builtinWith(t, tc.edits...)
			for name, data := range tc.add {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			if rev, err := NewWorkspace(fsys, "").loadDirectForTest(edition); err != errUseLoader {
				t.Fatalf("loading without CUE's loader gave %v, %v; want %v", rev, err, errUseLoader)
			}
			rev, err := NewWorkspace(fsys, "").Load(edition)
			if err != nil {
				t.Fatal(err)
			}
			slow, err := NewWorkspace(fsys, "").loadWithLoaderForTest(edition)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := dump(rev), dump(slow); got != want {
				t.Errorf("Load differs from CUE's loader:\n%s", diffLines(got, want))
			}
		})
	}
}

// TestReload edits a revision step by step in one workspace, and checks
// after each step that loading it again gives what a fresh workspace and
// CUE's loader give, errors included, and that a reload reads afresh only
// the criteria that an edit may have changed.
func TestReload(t *testing.T) {
	mt := spectest.RevFile(draft, "mobile_terminal.cue")
	schema := spectest.RevFile(draft, "schema.cue")
	fsys := builtinWith(t)
	orig := map[string]string{mt: string(fsys[mt].Data), schema: string(fsys[schema].Data)}
	ws := NewWorkspace(fsys, "")
	if _, err := ws.Load(draft); err != nil {
		t.Fatal(err)
	}
	nCriteria := len(ws.memos[draft].criteria)
	if nCriteria < 200 {
		t.Fatalf("the first load kept %d memos, want one for each criterion", nCriteria)
	}
	// all means that every criterion is read afresh; memoOff that memos
	// must not be used at all.
	const all, memoOff = -1, -2
	steps := []struct {
		name  string
		file  string
		old   string // "" restores the file's original content
		new   string
		fresh int // criteria read afresh
		err   bool
	}{
		{name: "a threshold", file: mt, old: "on_device_llm_params_b: >=7", new: "on_device_llm_params_b: >=8", fresh: 1},
		{name: "the threshold back", file: mt, fresh: 1},
		{name: "a longer threshold", file: mt, old: "on_device_llm_params_b: >=7", new: "on_device_llm_params_b: >=10", fresh: 1},
		{name: "a title", file: mt, old: `title:      "Accepts spoken instructions"`, new: `title:      "Accepts spoken commands"`, fresh: 1},
		{name: "a comment outside criteria", file: mt, old: "// L1 Response:", new: "// The first level.\n// L1 Response:", fresh: all},
		{name: "a line in a criterion", file: mt, old: `title:      "Accepts spoken commands"`, new: "title: \"Accepts spoken commands\"\n\t\tclause: \"x\"", fresh: all},
		{name: "a syntax error", file: mt, old: `clause: "x"`, new: `clause: "x`, err: true},
		{name: "the error fixed", file: mt, old: `clause: "x`, new: `clause: "y"`, fresh: 1},
		{name: "a shared definition", file: schema, old: `#LongTermMemory: "preferences" | "episodic"`, new: `#LongTermMemory: "episodic"`, fresh: all},
		{name: "a conflict", file: schema, old: `#LongTermMemory: "episodic"`, new: `#LongTermMemory: "episodic" & "preferences"`, err: true},
		{name: "the schema back", file: schema, fresh: all},
		{name: "a criterion added", file: mt, old: `	"MT-L1-VOICE-INPUT": {`, new: "\t\"MT-L1-EXTRA\": {\n\t\ttitle:      \"Extra\"\n\t\telement:    \"memory\"\n\t\tfamily:     \"core\"\n\t\tprovenance: \"illustrative\"\n\t\trequire: measurements: session_memory: true\n\t}\n\t\"MT-L1-VOICE-INPUT\": {", fresh: all},
		{name: "a criterion that refers to another", file: mt, old: "require: measurements: session_memory: true\n\t}\n\t\"MT-L1-VOICE-INPUT\"", new: "require: categories.mobile_terminal.levels.L1.criteria.\"MT-L1-SESSION\".require\n\t}\n\t\"MT-L1-VOICE-INPUT\"", fresh: memoOff},
		{name: "the referred criterion changed", file: mt, old: "require: measurements: session_memory: true", new: "require: measurements: session_memory: false", fresh: memoOff},
		{name: "the file back", file: mt, fresh: all},
		{name: "a threshold again", file: mt, old: "on_device_llm_params_b: >=7", new: "on_device_llm_params_b: >=9", fresh: 1},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			content := orig[st.file]
			if st.old != "" {
				cur := string(fsys[st.file].Data)
				if !strings.Contains(cur, st.old) {
					t.Fatalf("%s does not contain %q", st.file, st.old)
				}
				content = strings.Replace(cur, st.old, st.new, 1)
			}
			fsys[st.file] = &fstest.MapFile{Data: []byte(content)}
			var before map[memoKey]*critMemo
			var beforeOutline *outline
			if m := ws.memos[draft]; m != nil {
				before, beforeOutline = m.criteria, m.outline
			}
			rev, err := ws.Load(draft)
			_, slowErr := NewWorkspace(fsys, "").loadWithLoaderForTest(draft)
			if st.err {
				var le *LoadError
				if !errors.As(err, &le) || slowErr == nil || err.Error() != slowErr.Error() {
					t.Fatalf("Load() error = %v, want a *LoadError as CUE's loader reports it: %v", err, slowErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			fresh := loadBoth(t, fsys, "", draft)
			if got, want := dump(rev), dump(fresh); got != want {
				t.Errorf("reloading differs from loading afresh:\n%s", diffLines(got, want))
			}
			if st.fresh == memoOff {
				if ws.memos[draft] != nil {
					t.Errorf("memos were kept, although a criterion refers to another")
				}
				return
			}
			after := ws.memos[draft].criteria
			if outline := ws.memos[draft].outline; outline == nil || (outline == beforeOutline) != (st.fresh == 1) {
				t.Errorf("outline taken over: %v, want %v", outline == beforeOutline, st.fresh == 1)
			}
			reused := 0
			for k, m := range after {
				if before[k] == m {
					reused++
				}
			}
			want := len(after) - st.fresh
			if st.fresh == all {
				want = 0
			}
			if reused != want {
				t.Errorf("%d of %d criteria were taken from memos, want %d", reused, len(after), want)
			}
		})
	}
}

// lockedFS is a file system whose files may be changed while it is read.
type lockedFS struct {
	mu sync.Mutex
	m  fstest.MapFS
}

func (l *lockedFS) Open(name string) (fs.File, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	data, err := fs.ReadFile(l.m, name)
	if err != nil {
		// A directory, or no such file.
		return l.m.Open(name)
	}
	return fstest.MapFS{name: &fstest.MapFile{Data: data}}.Open(name)
}

func (l *lockedFS) ReadDir(name string) ([]fs.DirEntry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return fs.ReadDir(l.m, name)
}

func (l *lockedFS) set(name string, data []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m[name] = &fstest.MapFile{Data: data}
}

// TestReloadWhileUsingRevisions reloads revisions over and over, from
// several goroutines and while a file changes, while other goroutines use
// the values of a revision loaded before. Run with -race, it checks that a
// load writes to nothing that earlier revisions use.
func TestReloadWhileUsingRevisions(t *testing.T) {
	name := spectest.RevFile(draft, "mobile_terminal.cue")
	fsys := &lockedFS{m: builtinWith(t)}
	orig := fsys.m[name].Data
	versions := [][]byte{orig, []byte(strings.Replace(string(orig), ">=7", ">=8", 1))}
	ws := NewWorkspace(fsys, "")
	first, err := ws.Load(draft)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Go(func() {
			for i := range 6 {
				if g == 0 {
					fsys.set(name, versions[i%2])
				}
				if _, err := ws.Load([]string{draft, edition}[(g+i)%3/2]); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for _, c := range first.Criteria() {
				_ = fmt.Sprint(c.Require)
				_ = c.Require.Syntax()
				if err := c.Require.Unify(first.Context().CompileString("{}")).Validate(); err != nil {
					t.Error(err)
					return
				}
			}
			_ = Lint(first, nil)
		})
	}
	wg.Wait()
}
