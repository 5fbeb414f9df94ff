package report

import (
	"cmp"
	"slices"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// Results are the outcomes of the devices of a grading, by index, as an
// engine's [evaluator.State] holds them.
type Results interface {
	// Outcome returns the outcome of a device.
	Outcome(i int) *evaluator.Outcome
	// OutcomeInto fills o with the outcome of a device, reusing its memory.
	OutcomeInto(i int, o *evaluator.Outcome)
	// Level returns the level of a device, without building its outcome.
	Level(i int) string
	// Distribution counts the devices of a category at each level.
	Distribution(category string) map[string]int
}

// Graded is a corpus graded under one revision, in the order in which a
// report shows it. Outcomes are built when written: a large corpus's would
// not fit in memory at once.
type Graded struct {
	Revision *spec.Revision
	// Devices are the devices graded, by index.
	Devices []*fixtures.Device
	// Invalid are the problems of the records that could not be graded:
	// those that do not decode and those that break the revision's schema.
	Invalid []*fixtures.Problem

	results Results
	order   []int
	ref     *evaluator.Reference

	// A streamed grading (FromStream) has no devices of its own: batches
	// hands it its devices a batch at a time, count says how many there
	// are, and summary adds up the batches' summaries.
	batches func(each func(*Graded) error) error
	count   int
	summary map[string]map[string]int
}

// NewGraded returns the devices graded under a revision with their results,
// in the order of the devices.
func NewGraded(rev *spec.Revision, devices []*fixtures.Device, results Results, invalid []*fixtures.Problem) *Graded {
	g := &Graded{Revision: rev, Devices: devices, Invalid: invalid, results: results}
	g.order = make([]int, len(devices))
	for i := range g.order {
		g.order[i] = i
	}
	return g
}

// FromGrading returns an engine's grading for a report, with the problems
// of the corpus's files before those of its records.
func FromGrading(g *evaluator.Grading, fileProblems []*fixtures.Problem) *Graded {
	return NewGraded(g.Revision, g.Devices, g.Engine.State(), append(slices.Clone(fileProblems), g.Invalid...))
}

// FromStream returns a grading that is written as it is graded, a batch of
// devices at a time, for a corpus too large to hold: each calls its
// function with the devices of each batch, in the order shown, and their
// results, at least once (see evaluator.Streamed.Each); count is the number
// of devices and invalid the problems of the records not graded. It can be
// written once (by WriteEvalJSON, WriteEvalCSV or WriteEvalTable, which
// walk it a batch at a time; it has no At or All); its Summary is known
// once it was.
func FromStream(rev *spec.Revision, count int, invalid []*fixtures.Problem, each func(func(devices []*fixtures.Device, r Results) error) error) *Graded {
	g := &Graded{Revision: rev, Invalid: invalid, count: count}
	g.batches = func(f func(*Graded) error) error {
		return each(func(devices []*fixtures.Device, r Results) error {
			b := NewGraded(rev, devices, r, nil)
			g.addSummary(b.Summary())
			return f(b)
		})
	}
	return g
}

// eachBatch calls f with the devices of the grading a batch at a time, in
// the order shown: the whole grading at once, unless it is streamed.
func (g *Graded) eachBatch(f func(*Graded) error) error {
	if g.batches == nil {
		return f(g)
	}
	return g.batches(f)
}

// addSummary adds a batch's summary to a streamed grading's.
func (g *Graded) addSummary(by map[string]map[string]int) {
	if g.summary == nil {
		g.summary = map[string]map[string]int{}
	}
	for cat, counts := range by {
		sum := g.summary[cat]
		if sum == nil {
			sum = map[string]int{}
			g.summary[cat] = sum
		}
		for level, n := range counts {
			sum[level] += n
		}
	}
}

// SortByCategory orders the devices by category, in the order of the
// standard's parts, then by ID.
func (g *Graded) SortByCategory() {
	byCategory := evaluator.ByCategory(g.Revision)
	slices.SortFunc(g.order, func(a, b int) int {
		return cmp.Or(byCategory(g.Devices[a], g.Devices[b]), cmp.Compare(a, b))
	})
}

// Count is the number of devices graded.
func (g *Graded) Count() int {
	if g.batches != nil {
		return g.count
	}
	return len(g.order)
}

// At returns the outcome of the k-th device in the order shown.
func (g *Graded) At(k int) *evaluator.Outcome {
	return g.results.Outcome(g.order[k])
}

// atInto fills o with the outcome of the k-th device in the order shown.
func (g *Graded) atInto(k int, o *evaluator.Outcome) *evaluator.Outcome {
	g.results.OutcomeInto(g.order[k], o)
	return o
}

// All returns every outcome, in the order shown.
func (g *Graded) All() []*evaluator.Outcome {
	out := make([]*evaluator.Outcome, g.Count())
	for k := range out {
		out[k] = g.At(k)
	}
	return out
}

// Summary counts the devices graded by category and level: every category
// of the revision, with every level, and any other category a device has.
func (g *Graded) Summary() map[string]map[string]int {
	if g.batches != nil {
		return g.summary
	}
	by := map[string]map[string]int{}
	for _, c := range g.Revision.Categories {
		by[c.Key] = g.results.Distribution(c.Key)
	}
	for i, d := range g.Devices {
		if g.Revision.Category(d.Category) != nil {
			continue
		}
		// A category that the schema admits and the revision does not
		// define: its devices reach no level.
		if by[d.Category] == nil {
			by[d.Category] = g.results.Distribution(d.Category)
		}
		by[d.Category][g.results.Level(i)]++
	}
	return by
}

// reference returns the reference evaluator of the grading's revision, for
// explanations, building it on first use.
func (g *Graded) reference() (*evaluator.Reference, error) {
	if g.ref == nil {
		ref, err := evaluator.NewReference(g.Revision)
		if err != nil {
			return nil, err
		}
		g.ref = ref
	}
	return g.ref, nil
}
