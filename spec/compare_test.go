package spec

import (
	"fmt"
	"slices"
	"testing"
	"testing/fstest"
)

// TestCompareBuiltin pins every change that the draft makes to the edition.
func TestCompareBuiltin(t *testing.T) {
	base, target := mustLoad(t, repo, edition), mustLoad(t, repo, draft)
	ch := Compare(base, target)

	ids := func(kind ChangeKind) []string {
		var out []string
		for _, c := range ch.Of(kind) {
			out = append(out, c.ID)
		}
		slices.Sort(out)
		return out
	}
	want := map[ChangeKind][]string{
		Tightened: {"EP-L3-RESPONSE", "GL-L2-VISUAL-QA", "MT-L3-LLM", "PC-L2-NPU", "SP-L2-FALSE-WAKE", "TV-L3-TTFT"},
		Loosened:  {"EP-L2-TRANSLATION", "VC-L2-WAKE-ROAD"},
		Changed:   {"SP-L3-VOICEPRINT"},
		Removed:   {"TV-L1-NPU"},
		Edited:    {"EP-L2-SCENE-ANC"},
		Moved:     nil,
	}
	for kind, ids0 := range want {
		if got := ids(kind); !slices.Equal(got, ids0) {
			t.Errorf("%s = %v, want %v", kind, got, ids0)
		}
	}
	// Every L4 criterion of the draft is added, and one L3 criterion.
	var wantAdded []string
	for _, c := range target.Criteria() {
		if c.Level == "L4" || c.ID == "MT-L3-DECISION-TIERS" {
			wantAdded = append(wantAdded, c.ID)
		}
	}
	slices.Sort(wantAdded)
	if got := ids(Added); !slices.Equal(got, wantAdded) || len(got) < 7*3 {
		t.Errorf("added = %v, want %v", got, wantAdded)
	}

	// Each change carries the CUE text of both sides.
	for _, c := range ch.Criteria {
		if (c.Kind != Added) != (c.BeforeText != "") || (c.Kind != Removed) != (c.AfterText != "") {
			t.Errorf("%s %s: before %q, after %q", c.Kind, c.ID, c.BeforeText, c.AfterText)
		}
	}
	llm := find(ch.Criteria, "MT-L3-LLM")
	if llm.BeforeText != "measurements: on_device_llm_params_b: >=3" || llm.AfterText != "measurements: on_device_llm_params_b: >=7" {
		t.Errorf("MT-L3-LLM text: %q → %q", llm.BeforeText, llm.AfterText)
	}
	if len(llm.Attributes) != 1 || llm.Attributes[0].Name != "title" {
		t.Errorf("MT-L3-LLM attributes = %+v, want the title", llm.Attributes)
	}

	// L4 goes from reserved to draft in every category.
	if len(ch.Levels) != 7 {
		t.Errorf("level changes = %+v, want 7", ch.Levels)
	}
	for _, l := range ch.Levels {
		if l.Level != "L4" || l.Before != LevelReserved || l.After != LevelDraft {
			t.Errorf("level change %+v", l)
		}
	}
	// The draft adds the measurements L4 needs and changes none.
	var added []string
	for _, m := range ch.Measurements {
		if m.Kind != Added {
			t.Errorf("measurement %s %s", m.Name, m.Kind)
		}
		added = append(added, m.Name)
	}
	if !slices.Contains(added, "collab_device_types") || len(added) != 8 {
		t.Errorf("measurements added = %v", added)
	}
	if len(ch.Revision) != 3 || len(ch.Categories) != 0 {
		t.Errorf("revision changes %+v, category changes %+v", ch.Revision, ch.Categories)
	}

	if self := Compare(target, mustLoad(t, repo, draft)); !self.Empty() {
		t.Errorf("a revision against itself: %+v", self)
	}
}

func find(chs []CriterionChange, id string) CriterionChange {
	for _, c := range chs {
		if c.ID == id {
			return c
		}
	}
	return CriterionChange{}
}

// TestCompareKinds shows how small changes of a require are classified.
func TestCompareKinds(t *testing.T) {
	for _, tc := range []struct {
		name      string
		old, new  string
		want      ChangeKind
		wantEqual bool
	}{
		{name: "raised lower bound", old: `a: >=3`, new: `a: >=5`, want: Tightened},
		{name: "lowered lower bound", old: `a: >=5`, new: `a: >=3`, want: Loosened},
		{name: "bound turned around", old: `a: >=3`, new: `a: <=9`, want: Changed},
		{name: "lowered upper bound by a fraction", old: `a: <=2`, new: `a: <=1.5`, want: Tightened},
		{name: "range narrowed", old: `a: >=1 & <=10`, new: `a: >=2 & <=10`, want: Tightened},
		{name: "int only", old: `a: >=3`, new: `a: int & >=3`, want: Tightened},
		{name: "enum grows", old: `a: "x" | "y"`, new: `a: "x" | "y" | "z"`, want: Loosened},
		{name: "enum shrinks", old: `a: "x" | "y" | "z"`, new: `a: "x" | "y"`, want: Tightened},
		{name: "enum swaps", old: `a: "x" | "y"`, new: `a: "x" | "z"`, want: Changed},
		{name: "definition grows", old: `a: #M`, new: `a: #M | "z"`, want: Loosened},
		{name: "bool to true", old: `a: bool`, new: `a: true`, want: Tightened},
		{name: "list elements narrow", old: `a: [...("x" | "y")]`, new: `a: [...("x")]`, want: Tightened},
		{name: "list elements widen", old: `a: [...("x")]`, new: `a: [...("x" | "y")]`, want: Loosened},
		{name: "list elements change", old: `a: [...int]`, new: `a: [...string]`, want: Changed},
		{name: "list of numbers tightened", old: `a: [...(>=3)]`, new: `a: [...(>=5)]`, want: Tightened},
		{name: "list.Contains more", old: `a: list.Contains("x")`, new: `a: list.Contains("x") & list.Contains("y")`, want: Tightened},
		{name: "list.Contains less", old: `a: list.Contains("x") & list.MinItems(2)`, new: `a: list.Contains("x")`, want: Loosened},
		{name: "list.Contains other", old: `a: list.Contains("x")`, new: `a: list.Contains("y")`, want: Changed},
		{name: "field added", old: `a: >=3`, new: `{a: >=3, b: <=10}`, want: Tightened},
		{name: "field dropped", old: `{a: >=3, b: <=10}`, new: `a: >=3`, want: Loosened},
		{name: "field added, other loosened", old: `a: >=4`, new: `{a: >=3, b: <=10}`, want: Changed},
		{name: "nested field tightened", old: `s: {a: >=3, b: true}`, new: `s: {a: >=4, b: true}`, want: Tightened},
		{name: "struct disjunction narrowed", old: `{a: >=3} | {b: >=3}`, new: `{a: >=4} | {b: >=3}`, want: Tightened},
		{name: "same meaning, other text", old: `a: >=3 & >=2`, new: `a: >=3`, wantEqual: true},
		// Closedness is part of the meaning.
		{name: "closed", old: `a: {dof: >=6}`, new: `a: close({dof: >=6})`, want: Tightened},
		{name: "opened", old: `a: close({dof: >=6})`, new: `a: {dof: >=6}`, want: Loosened},
		{name: "closed and loosened", old: `a: {dof: >=6}`, new: `a: close({dof: >=5})`, want: Changed},
		{name: "closed, a field added", old: `a: close({dof: >=6})`, new: `a: close({dof: >=6, reach: >=1})`, want: Changed},
		// Builtins with a direction.
		{name: "more items", old: `a: list.MinItems(2)`, new: `a: list.MinItems(3)`, want: Tightened},
		{name: "fewer items", old: `a: list.MinItems(3)`, new: `a: list.MinItems(2)`, want: Loosened},
		{name: "at most fewer items", old: `a: list.MaxItems(3)`, new: `a: list.MaxItems(2)`, want: Tightened},
		{name: "more items and a member", old: `a: list.MinItems(2)`, new: `a: list.MinItems(3) & list.Contains("x")`, want: Tightened},
		{name: "a multiple of a multiple", old: `a: math.MultipleOf(5)`, new: `a: math.MultipleOf(10)`, want: Tightened},
		{name: "a multiple of a divisor", old: `a: math.MultipleOf(10)`, new: `a: math.MultipleOf(5)`, want: Loosened},
		{name: "a multiple of another", old: `a: math.MultipleOf(5)`, new: `a: math.MultipleOf(7)`, want: Changed},
		{name: "more matches", old: `a: list.MatchN(>=1, "x")`, new: `a: list.MatchN(>=2, "x")`, want: Tightened},
		{name: "a regular expression changed", old: `a: =~"^x"`, new: `a: =~"^y"`, want: Changed},
		// A bound under an if guard.
		{name: "a guarded bound raised", old: `{g: bool, if measurements.g {b: >=3}}`, new: `{g: bool, if measurements.g {b: >=5}}`, want: Tightened},
		{name: "a guarded bound lowered", old: `{g: bool, if measurements.g {b: >=5}}`, new: `{g: bool, if measurements.g {b: >=3}}`, want: Loosened},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := widgetRevision(t, tc.old)
			target := widgetRevision(t, tc.new)
			ch := Compare(base, target)
			if tc.wantEqual {
				if len(ch.Criteria) != 0 {
					t.Fatalf("changes = %+v, want none", ch.Criteria)
				}
				return
			}
			if len(ch.Criteria) != 1 {
				t.Fatalf("changes = %+v, want one", ch.Criteria)
			}
			if got := ch.Criteria[0].Kind; got != tc.want {
				t.Errorf("%s → %s: %s, want %s", tc.old, tc.new, got, tc.want)
			}
		})
	}
}

// widget describes a one-criterion revision for the tests.
type widget struct {
	require string
	// level is the criterion's level, L1 when "".
	level string
	// measurements is the body of #Measurements.
	measurements string
	// determination is the category's determination.
	determination string
	// l2 is the status of L2, reserved when "".
	l2 string
	// more are further fields of the category, such as levels above L2 or
	// a prefix.
	more string
}

// widgetRevision loads a one-criterion revision whose require is the given
// CUE.
func widgetRevision(t *testing.T, require string) *Revision {
	t.Helper()
	return loadWidget(t, widget{require: require})
}

func loadWidget(t *testing.T, w widget) *Revision {
	t.Helper()
	if w.level == "" {
		w.level = "L1"
	}
	if w.measurements == "" {
		w.measurements = "a?: _, b?: _, s?: _, g?: _"
	}
	if w.determination == "" {
		w.determination = `rule: "cumulative"`
	}
	if w.l2 == "" {
		w.l2 = "reserved"
	}
	levels := map[string]string{
		"L1": `{status: "normative", criteria: %s}`,
		"L2": fmt.Sprintf(`{status: %q, criteria: %%s}`, w.l2),
	}
	crit := fmt.Sprintf(`{"WG-L1-A": {
			title: "A", element: "cognition", family: "core", provenance: "illustrative"
			require: measurements: %s
		}}`, w.require)
	l1, l2 := fmt.Sprintf(levels["L1"], "{}"), fmt.Sprintf(levels["L2"], "{}")
	if w.level == "L1" {
		l1 = fmt.Sprintf(levels["L1"], crit)
	} else {
		l2 = fmt.Sprintf(levels["L2"], crit)
	}
	if w.l2 == "reserved" {
		l2 = `{status: "reserved"}`
	}
	files := map[string]string{
		"cue/cue.mod/module.cue": "module: \"example.com/w\"\nlanguage: version: \"v0.17.0\"\n",
		"cue/revisions/w/w.cue": fmt.Sprintf(`package w

import (
	"list"
	"math"
)

revision: {id: "w", title: "W", status: "draft"}
#M: "x" | "y"
#Measurements: {%s}
#Device: {id: string, category: "widget", measurements?: #Measurements}
categories: widget: {
	title: "Widget"
	part: "P"
	determination: {%s}
	levels: {
		L1: %s
		L2: %s
	}
	%s
}
_uses: [list.Sum, math.Pi]
`, w.measurements, w.determination, l1, l2, w.more),
	}
	m := fstest.MapFS{}
	for name, data := range files {
		m[name] = &fstest.MapFile{Data: []byte(data)}
	}
	rev, err := NewWorkspace(m, "").Load("w")
	if err != nil {
		t.Fatalf("%+v: %v", w, err)
	}
	return rev
}

// TestCompareStructure covers the changes around criteria: a criterion that
// moves to another level, a level's status, the determination, and the
// measurement vocabulary.
func TestCompareStructure(t *testing.T) {
	base := loadWidget(t, widget{require: "a: >=3", measurements: "a?: number & >=0 @unit(TOPS), b?: bool, c?: string"})

	moved := Compare(base, loadWidget(t, widget{require: "a: >=3", level: "L2", l2: "draft",
		measurements: "a?: number & >=0 @unit(TOPS), b?: bool, c?: string"}))
	if len(moved.Criteria) != 1 || moved.Criteria[0].Kind != Moved || moved.Criteria[0].Level != "L2" {
		t.Errorf("moved: %+v", moved.Criteria)
	}
	if len(moved.Levels) != 1 || moved.Levels[0] != (LevelChange{Category: "widget", Level: "L2", Kind: Changed, Before: LevelReserved, After: LevelDraft}) {
		t.Errorf("levels: %+v", moved.Levels)
	}

	// A level that one side declares and the other does not is added or
	// removed, however many levels each side has.
	five := loadWidget(t, widget{require: "a: >=3", measurements: "a?: number & >=0 @unit(TOPS), b?: bool, c?: string",
		more: `levels: L3: status: "draft", levels: L4: status: "reserved", levels: L5: status: "reserved"`})
	wantAdded := []LevelChange{
		{Category: "widget", Level: "L3", Kind: Added, After: LevelDraft},
		{Category: "widget", Level: "L4", Kind: Added, After: LevelReserved},
		{Category: "widget", Level: "L5", Kind: Added, After: LevelReserved},
	}
	if got := Compare(base, five).Levels; !slices.Equal(got, wantAdded) {
		t.Errorf("levels added: %+v\nwant %+v", got, wantAdded)
	}
	var wantRemoved []LevelChange
	for _, l := range wantAdded {
		wantRemoved = append(wantRemoved, LevelChange{Category: l.Category, Level: l.Level, Kind: Removed, Before: l.After})
	}
	if got := Compare(five, base).Levels; !slices.Equal(got, wantRemoved) {
		t.Errorf("levels removed: %+v\nwant %+v", got, wantRemoved)
	}

	prefixed := Compare(base, loadWidget(t, widget{require: "a: >=3", measurements: "a?: number & >=0 @unit(TOPS), b?: bool, c?: string", more: `prefix: "WG"`}))
	if len(prefixed.Categories) != 1 || prefixed.Categories[0].Attributes[0] != (Attribute{Name: "prefix", After: "WG"}) {
		t.Errorf("prefix: %+v", prefixed.Categories)
	}

	det := Compare(base, loadWidget(t, widget{require: "a: >=3", determination: `rule: "cumulative", families: ["end_side", "device_cloud"]`,
		measurements: "a?: number & >=0 @unit(TOPS), b?: bool, c?: string"}))
	if len(det.Categories) != 1 || det.Categories[0].Kind != Edited || det.Categories[0].Attributes[0].Name != "determination" ||
		det.Categories[0].Attributes[0].After != "cumulative over families end_side, device_cloud" {
		t.Errorf("determination: %+v", det.Categories)
	}
	if len(det.Criteria) != 0 {
		t.Errorf("determination: criteria changed: %+v", det.Criteria)
	}

	vocab := Compare(base, loadWidget(t, widget{require: "a: >=3",
		measurements: "a?: number & >=0 & <=1000 @unit(TOPS), b?: int, d?: string"}))
	got := map[string]ChangeKind{}
	for _, m := range vocab.Measurements {
		got[m.Name] = m.Kind
	}
	want := map[string]ChangeKind{"a": Tightened, "b": Changed, "c": Removed, "d": Added}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("measurements: %v, want %v", got, want)
	}
	unit := Compare(base, loadWidget(t, widget{require: "a: >=3", measurements: "a?: number & >=0 @unit(GOPS), b?: bool, c?: string"}))
	if len(unit.Measurements) != 1 || unit.Measurements[0].Kind != Changed || unit.Measurements[0].AfterText != "number & >=0 @unit(GOPS)" {
		t.Errorf("unit: %+v", unit.Measurements)
	}
}
