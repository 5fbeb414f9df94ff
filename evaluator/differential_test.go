package evaluator

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// The differential tests: the compiled fast path against the reference
// path, on criteria drawn from a grammar of the constructs the compiler
// models (and some it refuses), and on devices drawn from values around
// their bounds.

// fuzzSchema accepts any value for every measurement, so that devices of
// every shape reach the criteria.
const fuzzSchema = `package standard

import "list"

revision: {id: "f", title: "Fuzz", status: "draft"}

#Measurements: {
	a?:     _ @unit(x)
	b?:     _ @unit(x)
	s?:     _ @unit(x)
	l?:     _ @unit(x)
	g?:     _ @unit(x)
	box?:   _ @unit(x)
	"a.b"?: _ @unit(x)
}

#Warm: "red" | "green"
#Big:  >=10
#Shade: "red" | "green" | "blue"

// Requires written as definitions: open, closed, with a required field.
#Open: {
	measurements: {a: >=2, ...}
	...
}
#Closed: measurements: {a: >=2, b: _}
#Req: {
	measurements: {b!: #Shade, ...}
	...
}
#Either: {
	measurements: {a: >=2, ...}
	...
} | {
	measurements: {b: true, ...}
	...
}

// A criterion that others refer to.
categories: widget: levels: L1: criteria: "F-L1-BASE": {title: "base", element: "cognition", family: "core", provenance: "illustrative", require: measurements: {a: >=2, s: string}}

#Device: {
	id!:            string
	name!:          string
	vendor!:        string
	category!:      "widget"
	claimed_level?: "L1" | "L2" | "L3" | "L4"
	measurements!:  #Measurements
}

_list: list.MinItems(0)

categories: widget: {
	title: "Widget"
	part:  "F.1"
	determination: rule: "cumulative"
	levels: {
		L1: status: "normative"
		L2: status: "normative"
		L3: status: "normative"
		L4: status: "reserved"
	}
}
`

// grammar draws constraints.
type grammar struct{ r *rand.Rand }

func (g grammar) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

// bound writes a bound, with a space where "<" and "-1" would make "<-".
func bound(op, num string) string {
	if strings.HasPrefix(num, "-") {
		return op + " " + num
	}
	return op + num
}

var numbers = []string{"0", "1", "2", "2.5", "3", "3.0", "-1", "1e1", "10", "0.1"}

// scalar draws a constraint on a scalar value.
func (g grammar) scalar(depth int) string {
	switch g.r.IntN(16) {
	case 0, 1:
		return bound(g.pick(">=", ">", "<=", "<"), g.pick(numbers...))
	case 2:
		return g.pick("int", "number", "float") + " & " + bound(g.pick(">=", "<="), g.pick(numbers...))
	case 3:
		return g.pick("int", "number", "float", "string", "bool", "_", "null")
	case 4:
		return g.pick(append(numbers, `"red"`, `"blue"`, "true", "false", "null")...)
	case 5:
		return g.pick(`"red" | "green"`, `*"red" | "blue"`, `<1 | >5`, `1 | 2.0`, `"red" | 3`, `true | "yes"`)
	case 6:
		return bound("!=", g.pick(append(numbers, `"red"`, "true")...))
	case 7:
		return g.pick(`=~"^r"`, `!~"e$"`, `=~"^[a-z]+$"`)
	case 8:
		return g.pick("#Warm", "#Big", "#Shade")
	case 9:
		return g.pick(`<"m"`, `>="green"`)
	case 10:
		if depth > 0 {
			return g.scalar(depth-1) + " & " + g.scalar(depth-1)
		}
		return ">=2"
	case 11:
		if depth > 0 {
			return g.scalar(depth-1) + " | " + g.scalar(depth-1)
		}
		return `"red"`
	default:
		return g.list()
	}
}

// list draws a constraint on a list.
func (g grammar) list() string {
	switch g.r.IntN(6) {
	case 0:
		return fmt.Sprintf("list.Contains(%s)", g.pick(`"red"`, "3", "3.0", "true", `"blue"`))
	case 1:
		return fmt.Sprintf("list.MinItems(%d)", g.r.IntN(4))
	case 2:
		return fmt.Sprintf("list.MaxItems(%d)", g.r.IntN(4))
	case 3:
		return fmt.Sprintf("list.MatchN(%s, %s)", g.pick("0", "1", ">=1", "<=1", ">=2"), g.pick(`"red" | "green"`, "int", ">=2", "#Warm"))
	case 4:
		return g.pick("[...#Warm]", "[...int]", "[...>=2]", "[...string]", "[]", "[...#Shade]")
	default:
		return fmt.Sprintf("list.Contains(%s) & list.MinItems(%d)", g.pick(`"red"`, "3"), g.r.IntN(3))
	}
}

// field draws one field declaration.
func (g grammar) field(name string) string {
	mark := g.pick("", "", "", "?", "!")
	return fmt.Sprintf("%s%s: %s", name, mark, g.scalar(2))
}

// require draws a criterion's require: fields of the measurements, and
// every construct the verdict rule covers (definitions, embeddings,
// references to another criterion, lets, disjunctions of structs at every
// depth, quoted labels, pattern constraints, close(), optional and required
// fields, an if guard).
func (g grammar) require() string {
	var fields []string
	names := []string{"a", "b", "s", "l", `"a.b"`}
	g.r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	for _, n := range names[:1+g.r.IntN(2)] {
		fields = append(fields, g.field(n))
	}
	body := func() string { return "measurements: {" + strings.Join(fields, ", ") + "}" }
	switch g.r.IntN(22) {
	case 0:
		fields = append(fields, fmt.Sprintf("box: {w: %s, h: %s}", g.scalar(1), g.scalar(1)))
	case 1:
		fields = append(fields, fmt.Sprintf("g: bool, if measurements.g {%s}", g.field("b")))
	case 2:
		return fmt.Sprintf("measurements: {a: %s} | {b: %s}", g.scalar(0), g.scalar(0))
	case 3:
		fields = append(fields, fmt.Sprintf("box?: {w: %s}", g.scalar(1)))
	case 4:
		return g.pick("#Open", "#Closed", "#Req", "#Either")
	case 5:
		return fmt.Sprintf("{%s, %s}", g.pick("#Open", "#Req", "#Either"), body())
	case 6:
		return fmt.Sprintf(`measurements: {a: categories.widget.levels.L1.criteria."F-L1-BASE".require.measurements.a & %s, %s}`, g.scalar(0), g.field("b"))
	case 7:
		return fmt.Sprintf(`{let x = %s, measurements: {a: x, %s}}`, g.scalar(1), g.field("s"))
	case 8:
		return fmt.Sprintf("{measurements: {%s}} | {measurements: {%s}}", g.field("a"), g.field("b"))
	case 9:
		fields = append(fields, fmt.Sprintf("box: {w: %s} | {h: %s}", g.scalar(0), g.scalar(0)))
	case 10:
		fields = append(fields, fmt.Sprintf(`[=~"^[ab]$"]: %s`, g.scalar(0)))
	case 11:
		return fmt.Sprintf("measurements: close({%s})", strings.Join(fields, ", "))
	case 12:
		return fmt.Sprintf("{measurements: close({%s}), ...}", strings.Join(fields, ", "))
	case 13:
		return fmt.Sprintf("measurements: *{a: %s} | {s: %s, b: %s}", g.scalar(0), g.scalar(0), g.scalar(0))
	case 14:
		fields = append(fields, fmt.Sprintf(`"a.b": %s`, g.scalar(1)))
	}
	return body()
}

// fuzzRevision loads a revision with the criteria, dropping those that do
// not compile (a contradiction such as >=3 & <=1 is a CUE error).
func fuzzRevision(t testing.TB, requires []string) *spec.Revision {
	t.Helper()
	for {
		var b strings.Builder
		b.WriteString(fuzzSchema)
		for i, r := range requires {
			if r == "" {
				continue
			}
			fmt.Fprintf(&b, "categories: widget: levels: L1: criteria: \"F-L1-%04d\": {title: \"f\", element: \"cognition\", family: \"core\", provenance: \"illustrative\", require: %s}\n", i, r)
		}
		fsys := fstest.MapFS{
			"cue/cue.mod/module.cue":     {Data: []byte("module: \"t.example/f@v0\"\nlanguage: version: \"v0.17.0\"\n")},
			"cue/revisions/f/widget.cue": {Data: []byte(b.String())},
		}
		rev, err := spec.NewWorkspace(fsys, "").Load("f")
		if err == nil {
			return rev
		}
		var le *spec.LoadError
		if !errors.As(err, &le) {
			t.Fatal(err)
		}
		dropped := false
		for _, e := range le.Errs {
			for _, m := range criterionNumber.FindAllStringSubmatch(e.Error(), -1) {
				i, _ := strconv.Atoi(m[1])
				if i < len(requires) && requires[i] != "" {
					requires[i], dropped = "", true
				}
			}
		}
		if !dropped {
			t.Fatalf("a revision that does not load, and no criterion to blame: %v", err)
		}
	}
}

var criterionNumber = regexp.MustCompile(`F-L1-(\d{4})`)

// deviceValues are the values a measurement may take: around the bounds
// of the grammar, of every kind.
var deviceValues = []string{
	"", "null", "true", "false",
	"0", "1", "2", "3", "5", "10", "-1", "11",
	"2.5", "3.0", "0.0", "1e1", "3.00000000000000001", "9.999999999999999999", "0.1", "1E1", "-0",
	`"red"`, `"green"`, `"blue"`, `""`, `"r"`, `"rose"`, `"yes"`, `"m"`,
	"[]", `["red"]`, `["red", "green"]`, `["blue", "red"]`, "[3]", "[3.0]", "[1, 2, 3]", `["red", 3]`, "[true]", `[["red"]]`,
	"{}", `{"w": 3}`, `{"w": 1, "h": 5}`, `{"w": 12, "h": 12}`, `{"w": "red"}`,
}

// fuzzDevice draws a device record.
func fuzzDevice(r *rand.Rand, i int) string {
	var fields []string
	for _, name := range []string{"a", "b", "s", "l", "g", "box", "a.b"} {
		v := deviceValues[r.IntN(len(deviceValues))]
		switch {
		case name == "g" && r.IntN(2) == 0:
			v = []string{"true", "false"}[r.IntN(2)]
		case name == "box" && r.IntN(2) == 0:
			v = []string{"{}", `{"w": 3}`, `{"w": 1, "h": 5}`, `{"w": 12, "h": 12}`, `{"w": "red", "h": 2.5}`}[r.IntN(5)]
		case name != "box" && strings.HasPrefix(v, "{") && r.IntN(4) > 0:
			// Objects where scalars are asked go to the reference path;
			// keep them, but rarer.
			v = deviceValues[1+r.IntN(len(deviceValues)-6)]
		}
		if v != "" {
			fields = append(fields, fmt.Sprintf("%q: %s", name, v))
		}
	}
	return fmt.Sprintf(`{"id": "w%d", "name": "W", "vendor": "V", "category": "widget", "measurements": {%s}}`, i, strings.Join(fields, ", "))
}

// fuzzDevices loads device records as a JSON Lines corpus.
func fuzzDevices(t testing.TB, rev *spec.Revision, lines []string) []*fixtures.Device {
	t.Helper()
	l := fixtures.NewLoader()
	if err := l.AddFS(fstest.MapFS{"d.jsonl": {Data: []byte(strings.Join(lines, "\n"))}}, "d.jsonl", "d.jsonl"); err != nil {
		t.Fatal(err)
	}
	devices, problems := fixtures.Validate(rev, l.Corpus().Records, nil)
	if len(l.Corpus().Problems)+len(problems) > 0 {
		t.Fatalf("test devices do not load: %v %v", l.Corpus().Problems, problems)
	}
	return devices
}

// compare decides every pair both ways and reports the disagreements.
func compare(t testing.TB, rev *spec.Revision, devices []*fixtures.Device) (pairs, compiled, fallbacks int) {
	t.Helper()
	ref, err := NewReference(rev)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for _, c := range rev.Criteria() {
		p, err := compileCriterion(c, func(name string) bool { return rev.Measurement(name) != nil })
		if err != nil {
			if !errors.Is(err, errRefused) {
				t.Fatalf("%s: %v", c.ID, err)
			}
			if testing.Verbose() {
				t.Logf("refused: %s: %v", c.Source[strings.Index(c.Source, "require"):], err)
			}
			continue
		}
		compiled++
		for _, d := range devices {
			pairs++
			got, ok := p.run(d)
			if !ok {
				fallbacks++
				continue
			}
			want := ref.Check(d, c)
			if got.Verdict != want.Verdict || got.Message() != want.Message() || got.Field() != want.Field() {
				bad++
				if bad <= 10 {
					req := c.Source[strings.Index(c.Source, "require"):]
					t.Errorf("%s on %s:\n  fast:      %v %q\n  reference: %v %q", req, d.Tree.Raw(), got.Verdict, got.Message(), want.Verdict, want.Message())
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d disagreements in %d pairs", bad, pairs)
	}
	return pairs, compiled, fallbacks
}

// TestFastPathAgreesWithReference compares the two paths on 100k and more
// (criterion, device) pairs.
func TestFastPathAgreesWithReference(t *testing.T) {
	r := rand.New(rand.NewPCG(177, 2026))
	g := grammar{r}
	criteria, devices := 700, 460
	if testing.Short() {
		criteria, devices = 80, 100
	}
	requires := make([]string, criteria)
	for i := range requires {
		requires[i] = g.require()
	}
	rev := fuzzRevision(t, requires)
	lines := make([]string, devices)
	for i := range lines {
		lines[i] = fuzzDevice(r, i)
	}
	pairs, compiled, fallbacks := compare(t, rev, fuzzDevices(t, rev, lines))
	t.Logf("%d criteria (%d compiled), %d devices: %d pairs through the fast path, %d left to the reference path",
		len(rev.Criteria()), compiled, devices, pairs-fallbacks, fallbacks)
	if !testing.Short() && pairs-fallbacks < 100_000 {
		t.Errorf("only %d pairs went through the fast path; want at least 100,000", pairs-fallbacks)
	}
}

// FuzzFastPath compares the two paths on device records the fuzzer makes,
// against a fixed set of criteria from the grammar.
func FuzzFastPath(f *testing.F) {
	r := rand.New(rand.NewPCG(7, 7))
	g := grammar{r}
	requires := make([]string, 60)
	for i := range requires {
		requires[i] = g.require()
	}
	rev := fuzzRevision(f, requires)
	for i := range 20 {
		f.Add([]byte(fuzzDevice(r, i)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l := fixtures.NewLoader()
		if err := l.AddFS(fstest.MapFS{"d.json": {Data: data}}, "d.json", "d.json"); err != nil {
			t.Fatal(err)
		}
		devices, _ := fixtures.Validate(rev, l.Corpus().Records, nil)
		if len(devices) == 0 {
			return
		}
		compare(t, rev, devices)
	})
}
