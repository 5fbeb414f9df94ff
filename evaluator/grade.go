package evaluator

import (
	"context"
	"slices"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// Grading is a corpus graded under one revision by an Engine.
type Grading struct {
	Revision *spec.Revision
	// Devices are the records that the revision's #Device schema accepts,
	// in the corpus's order.
	Devices []*fixtures.Device
	// Invalid are the problems of the records it refuses.
	Invalid []*fixtures.Problem
	// Engine holds every verdict; its State gives the outcomes, by the
	// index of the device in Devices.
	Engine *Engine
}

// Grade validates records against a revision's #Device schema, checking
// first with the schema compiled where the compiler models it, and grades
// the devices it accepts through a new Engine. Known are the measurements
// that some revision defines, which a revision that does not define them
// ignores.
func Grade(ctx context.Context, rev *spec.Revision, records []*fixtures.Record, known fixtures.Vocabulary) (*Grading, error) {
	var opts fixtures.ValidateOptions
	// A schema the compiler does not model is checked through CUE.
	if check, err := CompileSchema(rev, known); err == nil {
		opts.Precheck = check
	}
	devices, problems := fixtures.ValidateWith(rev, records, known, opts)
	g := &Grading{Revision: rev, Devices: devices, Invalid: problems, Engine: NewEngine()}
	if _, err := g.Engine.Update(ctx, rev, devices); err != nil {
		return nil, err
	}
	return g, nil
}

// CompareGradings returns the impact of the target grading against the
// base grading of the same records: each device graded under both is
// compared, and one graded under only one is recorded as such. It also
// returns the problems of the records that neither revision could grade,
// each once.
func CompareGradings(base, target *Grading) (*Impact, []*fixtures.Problem) {
	im := NewImpact(base.Revision, target.Revision)
	before, after := base.Engine.State(), target.Engine.State()
	targetByID := make(map[string]int, len(target.Devices))
	for i, d := range target.Devices {
		targetByID[d.ID] = i
	}
	inBase := make(map[string]bool, len(base.Devices))
	for i, d := range base.Devices {
		inBase[d.ID] = true
		j, ok := targetByID[d.ID]
		if !ok {
			im.AddOnlyBase(d.Category, d.ID)
			continue
		}
		im.Add(before.Outcome(i), after.Outcome(j))
	}
	for _, d := range target.Devices {
		if !inBase[d.ID] {
			im.AddOnlyTarget(d.Category, d.ID)
		}
	}
	im.Finish()

	// A record that one revision grades is part of the impact; one that
	// neither grades is a problem of the input.
	graded := map[string]bool{}
	for _, d := range append(slices.Clone(base.Devices), target.Devices...) {
		graded[d.File+"\x00"+d.ID] = true
	}
	var invalid []*fixtures.Problem
	seen := map[string]bool{}
	for _, p := range append(slices.Clone(base.Invalid), target.Invalid...) {
		key := p.Error()
		if seen[key] || (p.ID != "" && graded[p.File+"\x00"+p.ID]) {
			continue
		}
		seen[key] = true
		invalid = append(invalid, p)
	}
	return im, invalid
}
