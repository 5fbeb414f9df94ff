package evaluator

import (
	"cmp"
	"context"
	"strings"

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
	// Checks counts the verdicts that the grading decided.
	Checks int
}

// Grade validates records against a revision's #Device schema, checking
// first with the schema compiled where the compiler models it, and grades
// the devices it accepts through a new Engine. Known are the measurements
// that some revision defines, which a revision that does not define them
// ignores.
func Grade(ctx context.Context, rev *spec.Revision, records []*fixtures.Record, known fixtures.Vocabulary) (*Grading, error) {
	devices, problems := fixtures.ValidateWith(rev, records, known, schemaOptions(rev, known))
	g := &Grading{Revision: rev, Devices: devices, Invalid: problems, Engine: NewEngine()}
	delta, err := g.Engine.Update(ctx, rev, devices)
	if err != nil {
		return nil, err
	}
	g.Checks = delta.Checks
	return g, nil
}

// schemaOptions are the options of a validation against rev: the schema
// compiled as a precheck and a diagnosis, where the compiler models it (a
// schema it does not model is checked through CUE).
func schemaOptions(rev *spec.Revision, known fixtures.Vocabulary) fixtures.ValidateOptions {
	var opts fixtures.ValidateOptions
	if check, err := CompileSchema(rev, known); err == nil {
		opts.Precheck = check
		opts.Diagnose, _ = DiagnoseSchema(rev, known)
	}
	return opts
}

// ByCategory orders devices as reports show them: by category, in the
// order of the revision's categories (those it does not define last), then
// by ID.
func ByCategory(rev *spec.Revision) func(a, b *fixtures.Device) int {
	rank := categoryRank(rev)
	return func(a, b *fixtures.Device) int {
		if a.Category != b.Category {
			if c := cmp.Compare(rank(a.Category), rank(b.Category)); c != 0 {
				return c
			}
		}
		return strings.Compare(a.ID, b.ID)
	}
}

// categoryRank returns the rank of a category in the order of reports: its
// place among the revision's categories, or after them all for one it does
// not define.
func categoryRank(rev *spec.Revision) func(category string) int {
	rank := make(map[string]int, len(rev.Categories))
	for i, c := range rev.Categories {
		rank[c.Key] = i
	}
	return func(category string) int {
		if r, ok := rank[category]; ok {
			return r
		}
		return len(rank)
	}
}
