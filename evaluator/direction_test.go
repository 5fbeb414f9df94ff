package evaluator

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ladderworks/ladder/spec"
)

// The directions that spec.Compare gives a changed criterion must never be
// refuted by a device: a criterion tightened never turns a device's
// verdict from fail to pass, one loosened never from pass to fail, and one
// reported unchanged never changes a verdict. The
// property is checked on pairs of requires, one the other mutated, drawn
// from the grammar, against devices drawn around their bounds.

// mutant is a require as a list of fields of the measurements, for
// mutating.
type mutant struct {
	fields []string
	closed bool
}

func (m mutant) String() string {
	body := strings.Join(m.fields, ", ")
	if m.closed {
		return "measurements: close({" + body + "})"
	}
	return "measurements: {" + body + "}"
}

var firstNumber = regexp.MustCompile(`-?\d+(\.\d+)?(e\d+)?`)

// mutate changes one thing of a require: a bound's number, a field's
// constraint, a field added or dropped, closedness, or a count of a list
// builtin.
func (g grammar) mutate(m mutant) mutant {
	n := mutant{fields: slices.Clone(m.fields), closed: m.closed}
	i := g.r.IntN(len(n.fields))
	switch g.r.IntN(6) {
	case 0, 1:
		if loc := firstNumber.FindStringIndex(n.fields[i]); loc != nil {
			n.fields[i] = n.fields[i][:loc[0]] + g.pick(numbers...) + n.fields[i][loc[1]:]
			return n
		}
		fallthrough
	case 2:
		name, _, _ := strings.Cut(n.fields[i], ":")
		n.fields[i] = g.field(strings.TrimRight(name, "?!"))
	case 3:
		names := []string{"a", "b", "s", "l"}
		for _, f := range n.fields {
			names = slices.DeleteFunc(names, func(s string) bool { return strings.HasPrefix(f, s) })
		}
		if len(names) > 0 {
			n.fields = append(n.fields, g.field(names[g.r.IntN(len(names))]))
			return n
		}
		fallthrough
	case 4:
		if len(n.fields) > 1 {
			n.fields = slices.Delete(n.fields, i, i+1)
			return n
		}
		fallthrough
	default:
		n.closed = !n.closed
	}
	return n
}

// draw draws a require to mutate.
func (g grammar) draw() mutant {
	var m mutant
	names := []string{"a", "b", "s", "l"}
	g.r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	for _, n := range names[:1+g.r.IntN(3)] {
		m.fields = append(m.fields, g.field(n))
	}
	m.closed = g.r.IntN(5) == 0
	return m
}

func TestDirectionsHold(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 2026))
	g := grammar{r}
	criteria, devices := 600, 200
	if testing.Short() {
		criteria, devices = 120, 60
	}
	olds, news := make([]string, criteria), make([]string, criteria)
	for i := range olds {
		m := g.draw()
		olds[i], news[i] = m.String(), g.mutate(m).String()
	}
	base, target := fuzzRevision(t, olds), fuzzRevision(t, news)
	lines := make([]string, devices)
	for i := range lines {
		lines[i] = fuzzDevice(r, i)
	}
	before, after := fuzzDevices(t, base, lines), fuzzDevices(t, target, lines)
	refBase, refTarget := mustReference(t, base), mustReference(t, target)
	kinds := map[spec.ChangeKind]int{}
	pairs, bad := 0, 0
	changes := spec.Compare(base, target)
	// A criterion reported unchanged decides every device alike.
	for _, c := range target.Criteria() {
		old := base.Criterion(c.ID)
		if old == nil || slices.ContainsFunc(changes.Criteria, func(ch spec.CriterionChange) bool { return ch.ID == c.ID }) {
			continue
		}
		kinds["same"]++
		for i := range before {
			if vb, va := refBase.Check(before[i], old).Verdict, refTarget.Check(after[i], c).Verdict; vb != va {
				bad++
				if bad <= 10 {
					t.Errorf("%s → %s is reported unchanged, but %s goes from %s to %s", spec.RequireText(old), spec.RequireText(c), before[i].Tree.Raw(), vb, va)
				}
			}
		}
	}
	for _, ch := range changes.Criteria {
		if ch.Before == nil || ch.After == nil {
			continue
		}
		kinds[ch.Kind]++
		if ch.Kind != spec.Tightened && ch.Kind != spec.Loosened {
			continue
		}
		for i := range before {
			vb, va := refBase.Check(before[i], ch.Before).Verdict, refTarget.Check(after[i], ch.After).Verdict
			pairs++
			refuted := (ch.Kind == spec.Tightened && vb == Fail && va == Pass) || (ch.Kind == spec.Loosened && vb == Pass && va == Fail)
			if refuted {
				bad++
				if bad <= 10 {
					t.Errorf("%s → %s is %s, but %s goes from %s to %s", ch.BeforeText, ch.AfterText, ch.Kind, before[i].Tree.Raw(), vb, va)
				}
			}
		}
	}
	t.Logf("kinds %v; %d (device, tightened or loosened criterion) pairs, %d refuted", kinds, pairs, bad)
	if kinds[spec.Tightened] == 0 || kinds[spec.Loosened] == 0 {
		t.Errorf("the mutations exercise too few directions: %v", kinds)
	}
	if bad > 0 {
		t.Errorf("%d pairs refute the direction Compare gave", bad)
	}

}
