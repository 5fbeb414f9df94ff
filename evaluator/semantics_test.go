package evaluator

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// widgetSchema is a small revision for pinning the verdict rule: one
// category with two families, and a measurement of every shape.
const widgetSchema = `package standard

revision: {id: "t", title: "Test", status: "draft"}

#Measurements: {
	n?: number @unit(x)
	i?: number @unit(x)
	b?: bool @unit(x)
	g?: bool @unit(x)
	s?: #Shade @unit(x)
	l?: [...#Shade] @unit(x)
	box?: {
		w?: number
		h?: number
	} @unit(x)
	auto?:        bool   @unit(x)
	time_s?:      number @unit(s)
	"speed.max"?: number @unit(x)
}

#Shade: "red" | "green" | "blue"
#Warm: "red" | "green"

// Requires written as definitions: closed, open, and one with a required
// field.
#Fall: measurements: b: true
#FallOpen: {
	measurements: {b: true, ...}
	...
}
#Base: {
	measurements: {n: >=2, ...}
	...
}

#Device: {
	id!:            string
	name!:          string
	vendor!:        string
	category!:      "widget"
	claimed_level?: "L1" | "L2" | "L3" | "L4"
	measurements!:  #Measurements
}

categories: widget: {
	title: "Widget"
	part:  "T.1"
	determination: {rule: "cumulative", families: ["x", "y"]}
	levels: {
		L1: status: "normative"
		L2: status: "normative"
		L3: status: "normative"
		L4: status: "reserved"
	}
}
`

// widgetRevision compiles the widget schema with the criteria given as CUE
// text, each `"ID": {level, family, require}`.
func widgetRevision(t *testing.T, imports string, criteria map[string][3]string) *spec.Revision {
	t.Helper()
	var b strings.Builder
	b.WriteString(widgetSchema)
	for id, c := range criteria {
		fmt.Fprintf(&b, "categories: widget: levels: %s: criteria: %q: {title: %q, element: \"cognition\", family: %q, provenance: \"illustrative\", require: %s}\n",
			c[0], id, id, c[1], c[2])
	}
	src := b.String()
	if imports != "" {
		src = strings.Replace(src, "package standard\n", "package standard\n\nimport "+imports+"\n", 1)
	}
	fsys := fstest.MapFS{
		"cue/cue.mod/module.cue":     {Data: []byte("module: \"t.example/t@v0\"\nlanguage: version: \"v0.17.0\"\n")},
		"cue/revisions/t/widget.cue": {Data: []byte(src)},
	}
	rev, err := spec.NewWorkspace(fsys, "").Load("t")
	if err != nil {
		t.Fatalf("loading the test revision: %v\n%s", err, src)
	}
	return rev
}

// widget returns a device of the widget revision with the given
// measurements (a JSON object's members) and claim.
func widget(t *testing.T, rev *spec.Revision, claimed, measurements string) *fixtures.Device {
	t.Helper()
	claim := ""
	if claimed != "" {
		claim = fmt.Sprintf(`"claimed_level": %q, `, claimed)
	}
	data := fmt.Sprintf(`{"id": "w1", "name": "W", "vendor": "V", "category": "widget", %s"measurements": {%s}}`, claim, measurements)
	l := fixtures.NewLoader()
	if err := l.AddFS(fstest.MapFS{"w1.json": {Data: []byte(data)}}, "w1.json", "w1.json"); err != nil {
		t.Fatal(err)
	}
	devs, problems := fixtures.Validate(rev, l.Corpus().Records, nil)
	for _, p := range l.Corpus().Problems {
		t.Fatalf("test device does not load: %v", p)
	}
	for _, p := range problems {
		t.Fatalf("test device is invalid: %v", p)
	}
	return devs[0]
}

func mustReference(t *testing.T, rev *spec.Revision) *Reference {
	t.Helper()
	r, err := NewReference(rev)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestVerdicts(t *testing.T) {
	tests := []struct {
		name    string
		imports string
		require string
		device  string
		want    Verdict
		message string
	}{
		{"bound holds", "", `measurements: n: >=3`, `"n": 3`, Pass, ""},
		{"bound fails", "", `measurements: n: >=7`, `"n": 3`, Fail, "n is 3, needs >=7"},
		{"absent field, bound", "", `measurements: n: >=7`, ``, Missing, "n is absent (no evidence), needs >=7"},
		{"absent field, concrete require", "", `measurements: b: true`, `"n": 1`, Missing, "b is absent (no evidence), needs true"},
		{"concrete bool holds", "", `measurements: b: true`, `"b": true`, Pass, ""},
		{"concrete bool fails", "", `measurements: b: true`, `"b": false`, Fail, "b is false, needs true"},
		{"int holds", "", `measurements: i: int & >=2`, `"i": 3`, Pass, ""},
		{"3.0 is not an int", "", `measurements: i: int & >=2`, `"i": 3.0`, Fail, "i is 3.0, needs int & >=2"},
		{"3.0 satisfies a number bound", "", `measurements: n: >=3`, `"n": 3.0`, Pass, ""},
		{"list.Contains holds", `"list"`, `measurements: l: list.Contains("red")`, `"l": ["blue", "red"]`, Pass, ""},
		{"list.Contains fails", `"list"`, `measurements: l: list.Contains("red")`, `"l": ["blue"]`, Fail, `l is ["blue"], needs list.Contains("red")`},
		{"list.Contains, empty list", `"list"`, `measurements: l: list.Contains("red")`, `"l": []`, Fail, `l is [], needs list.Contains("red")`},
		{"list.Contains, absent list", `"list"`, `measurements: l: list.Contains("red")`, ``, Missing, `l is absent (no evidence), needs list.Contains("red")`},
		{"element constraint fills an absent list", "", `measurements: l: [...#Warm]`, ``, Missing, "l is absent (no evidence), needs [...#Warm]"},
		{"element constraint fails", "", `measurements: l: [...#Warm]`, `"l": ["red", "blue"]`, Fail, `l is ["red","blue"], needs [...#Warm]`},
		{"string disjunction holds", "", `measurements: s: "red" | "green"`, `"s": "green"`, Pass, ""},
		{"string disjunction fails", "", `measurements: s: "red" | "green"`, `"s": "blue"`, Fail, `s is "blue", needs "red" | "green"`},
		{"definition holds", "", `measurements: s: #Warm`, `"s": "red"`, Pass, ""},
		{"definition fails", "", `measurements: s: #Warm`, `"s": "blue"`, Fail, `s is "blue", needs #Warm ("red" | "green")`},
		{"not equal", "", `measurements: s: !="blue"`, `"s": "blue"`, Fail, `s is "blue", needs !="blue"`},
		{"if guard off", "", `measurements: {g: bool, if measurements.g {b: true}}`, `"g": false`, Pass, ""},
		{"if guard on, field present", "", `measurements: {g: bool, if measurements.g {b: true}}`, `"g": true, "b": true`, Pass, ""},
		{"if guard on, field wrong", "", `measurements: {g: bool, if measurements.g {b: true}}`, `"g": true, "b": false`, Fail, "b is false: conflicting values true and false"},
		{"if guard on, field absent", "", `measurements: {g: bool, if measurements.g {b: true}}`, `"g": true`, Missing, "b is absent (no evidence), needs true"},
		{"if guard, guard absent", "", `measurements: {g: bool, if measurements.g {b: true}}`, ``, Missing, "g is absent (no evidence), needs bool"},
		{"nested struct holds", "", `measurements: box: {w: >=2, h: >=3}`, `"box": {"w": 2, "h": 4}`, Pass, ""},
		{"nested struct fails", "", `measurements: box: {w: >=2, h: >=3}`, `"box": {"w": 2, "h": 1}`, Fail, "box.h is 1, needs >=3"},
		{"nested field absent", "", `measurements: box: {w: >=2, h: >=3}`, `"box": {"w": 2}`, Missing, "box.h is absent (no evidence), needs >=3"},
		{"nested struct absent", "", `measurements: box: {w: >=2, h: >=3}`, `"n": 1`, Missing, "box is absent (no evidence), needs {h: >=3, w: >=2}"},
		{"two fields, one fails", "", `measurements: {n: >=1, i: >=5}`, `"n": 2, "i": 4`, Fail, "i is 4, needs >=5"},
		{"two fields, both fail", "", `measurements: {n: >=3, i: >=5}`, `"n": 2, "i": 4`, Fail, "i is 4, needs >=5; n is 2, needs >=3"},
		{"an optional field may be absent", "", `measurements: {n: >=3, i?: >=5}`, `"n": 2`, Fail, "n is 2, needs >=3"},
		{"an optional field, when present, must hold", "", `measurements: {n: >=1, i?: >=5}`, `"n": 2, "i": 4`, Fail, "i is 4, needs >=5"},
		{"a required field declared so", "", `measurements: {n!: >=3}`, ``, Missing, "n is absent (no evidence), needs >=3"},
		{"missing comes before fail", "", `measurements: {n: >=3, i: >=5}`, `"n": 2`, Missing, "i is absent (no evidence), needs >=5"},
		{"struct disjunction, the first holds", "", `measurements: {s: "red"} | {s: "blue", n: >=12}`, `"s": "red"`, Pass, ""},
		{"struct disjunction, the second holds", "", `measurements: {s: "red"} | {s: "blue", n: >=12}`, `"s": "blue", "n": 12`, Pass, ""},
		// Per alternative, the best wins: missing < fail < pass.
		{"struct disjunction, the first fails and the second lacks evidence", "", `measurements: {s: "red"} | {s: "blue", n: >=12}`, `"s": "blue"`, Fail, `s is "blue", needs "red"`},
		{"struct disjunction, neither holds", "", `measurements: {s: "red"} | {s: "blue", n: >=12}`, `"s": "blue", "n": 3`, Fail, ""},
		{"struct disjunction, one holds and one lacks evidence", "", `measurements: {n: >=1} | {i: >=1}`, `"n": 2`, Pass, ""},
		{"struct disjunction, one fails and one lacks evidence", "", `measurements: {n: >=1} | {i: >=1}`, `"n": 0`, Fail, "n is 0, needs >=1"},
		{"struct disjunction, both lack evidence", "", `measurements: {n: >=1} | {i: >=1}`, `"s": "red"`, Missing, "n is absent (no evidence), needs >=1"},
		{"auto or timed, auto", "", `measurements: {auto: true} | {time_s: <=30}`, `"auto": true`, Pass, ""},
		{"auto or timed, timed", "", `measurements: {auto: true} | {time_s: <=30}`, `"time_s": 10`, Pass, ""},
		{"auto or timed, not auto", "", `measurements: {auto: true} | {time_s: <=30}`, `"auto": false`, Fail, "auto is false, needs true"},
		{"auto or timed, neither", "", `measurements: {auto: true} | {time_s: <=30}`, ``, Missing, "auto is absent (no evidence), needs true"},
		{"auto or timed at the top, timed", "", `{measurements: auto: true} | {measurements: time_s: <=30}`, `"time_s": 30`, Pass, ""},
		{"auto or timed at the top, neither", "", `{measurements: auto: true} | {measurements: time_s: <=30}`, `"time_s": 31`, Fail, "time_s is 31, needs <=30"},
		// A definition's fields are constrained fields like any other.
		{"an open definition, field absent", "", `#FallOpen`, `"n": 1`, Missing, "b is absent (no evidence), needs true"},
		{"an open definition, field holds", "", `#FallOpen`, `"b": true`, Pass, ""},
		{"an open definition, field wrong", "", `#FallOpen`, `"b": false`, Fail, "b is false, needs true"},
		{"a definition embedded, its field absent", "", `{#Base, measurements: i: >=1}`, `"i": 1`, Missing, "n is absent (no evidence), needs >=2"},
		{"a definition embedded, both hold", "", `{#Base, measurements: i: >=1}`, `"i": 1, "n": 2`, Pass, ""},
		// A closed definition allows no other field: its own absent is
		// missing (checked first), else every device fails.
		{"a closed definition, field absent", "", `#Fall`, `"n": 1`, Missing, "b is absent (no evidence), needs true"},
		{"a closed definition, field present", "", `#Fall`, `"b": true`, Fail, ""},
		{"close(), another field", "", `measurements: close({n: >=1})`, `"n": 2, "b": true`, Fail, ""},
		{"close(), its field only", "", `{measurements: close({n: >=1}), ...}`, `"n": 2`, Pass, ""},
		// Labels are labels.
		{"a quoted label with a dot, holds", "", `measurements: "speed.max": >=2`, `"speed.max": 3`, Pass, ""},
		{"a quoted label with a dot, fails", "", `measurements: "speed.max": >=2`, `"speed.max": 1`, Fail, `"speed.max" is 1, needs >=2`},
		{"a quoted label with a dot, absent", "", `measurements: "speed.max": >=2`, `"n": 1`, Missing, `"speed.max" is absent (no evidence), needs >=2`},
		{"a let", "", `{let least = 5, measurements: n: >=least}`, `"n": 4`, Fail, "n is 4, needs >=least"},
		{"a pattern constraint", "", `measurements: {[=~"^[ni]$"]: >=2, b: true}`, `"n": 1, "b": true`, Fail, ""},
		{"a pattern constraint, held", "", `measurements: {[=~"^[ni]$"]: >=2, b: true}`, `"n": 3, "b": true`, Pass, ""},
		{"struct disjunction, both hold", "", `measurements: {n: >=1} | {i: >=1}`, `"n": 2, "i": 3`, Pass, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rev := widgetRevision(t, tt.imports, map[string][3]string{"W-L1-A": {"L1", "core", tt.require}})
			d := widget(t, rev, "", tt.device)
			c := mustReference(t, rev).Check(d, rev.Criterion("W-L1-A"))
			if c.Verdict != tt.want {
				t.Errorf("verdict = %v, want %v (%s)", c.Verdict, tt.want, c.Message())
			}
			if tt.message != "" && c.Message() != tt.message {
				t.Errorf("message = %q, want %q", c.Message(), tt.message)
			}
			if c.Verdict != Pass && c.Field() == "" {
				t.Errorf("a %v names no field", c.Verdict)
			}
		})
	}
}

// TestReferenceToAnotherCriterion decides a require that refers to another
// criterion's: the field it names is constrained like any other, on both
// paths.
func TestReferenceToAnotherCriterion(t *testing.T) {
	rev := widgetRevision(t, "", map[string][3]string{
		"W-L1-A": {"L1", "core", `measurements: n: >=2`},
		"W-L2-B": {"L2", "core", `measurements: n: categories.widget.levels.L1.criteria."W-L1-A".require.measurements.n & >=5`},
	})
	c := rev.Criterion("W-L2-B")
	for _, tt := range []struct {
		device  string
		verdict Verdict
	}{
		{`"n": 6`, Pass},
		{`"n": 3`, Fail},
		{`"i": 1`, Missing},
	} {
		d := widget(t, rev, "", tt.device)
		if got := mustReference(t, rev).Check(d, c); got.Verdict != tt.verdict {
			t.Errorf("reference on {%s}: %v (%s), want %v", tt.device, got.Verdict, got.Message(), tt.verdict)
		}
		e := NewEngine()
		if _, err := e.Update(t.Context(), rev, []*fixtures.Device{d}); err != nil {
			t.Fatal(err)
		}
		for _, ch := range e.State().Outcome(0).Checks {
			if ch.Criterion.ID == c.ID && ch.Verdict != tt.verdict {
				t.Errorf("engine on {%s}: %v (%s), want %v", tt.device, ch.Verdict, ch.Message(), tt.verdict)
			}
		}
	}
}
