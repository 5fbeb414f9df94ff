package report

import (
	"maps"
	"slices"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
)

// The JSON shapes of eval and check, as ARCHITECTURE.md gives them.

// deviceJSON is one device under one revision.
type deviceJSON struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Vendor       string `json:"vendor"`
	Category     string `json:"category"`
	File         string `json:"file"`
	Revision     string `json:"revision,omitempty"`
	Level        string `json:"level"`
	ClaimedLevel string `json:"claimed_level,omitempty"`
	// Flags is never null, so that consumers can test membership at once.
	Flags    []string          `json:"flags"`
	Families map[string]string `json:"families,omitempty"`
	// Ignored are measurements this revision does not define (another
	// revision does).
	Ignored  []string        `json:"ignored,omitempty"`
	Criteria []criterionJSON `json:"criteria"`
	// The gap, for check: to the next level up, or to the target.
	GapLevel    string    `json:"gap_level,omitempty"`
	GapReserved bool      `json:"gap_reserved,omitempty"`
	Gaps        []gapJSON `json:"gaps,omitempty"`
	Target      string    `json:"target,omitempty"`
	MeetsTarget *bool     `json:"meets_target,omitempty"`
}

// criterionJSON is one criterion's verdict on a device.
type criterionJSON struct {
	ID      string            `json:"id"`
	Level   string            `json:"level"`
	Family  string            `json:"family"`
	Verdict evaluator.Verdict `json:"verdict"`
	Field   string            `json:"field,omitempty"`
	Message string            `json:"message,omitempty"`
}

// gapJSON is one criterion a device does not meet on its way to a level.
type gapJSON struct {
	Criterion string            `json:"criterion"`
	Title     string            `json:"title"`
	Level     string            `json:"level"`
	Family    string            `json:"family"`
	Verdict   evaluator.Verdict `json:"verdict"`
	Field     string            `json:"field"`
	Needs     string            `json:"needs"`
	// Has is the device's value as JSON, or null when the field is absent.
	Has     *string `json:"has"`
	Message string  `json:"message"`
	// Where is the criterion's position in its CUE file.
	Where string `json:"where"`
	// CUE is CUE's own account, with the positions of both sides, on
	// request (--explain).
	CUE []string `json:"cue,omitempty"`
}

// problemJSON is a record that could not be graded.
type problemJSON struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	ID      string `json:"id,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// newDeviceJSON is an outcome in the JSON shape of eval and check.
func newDeviceJSON(o *evaluator.Outcome) deviceJSON {
	d := o.Device
	out := deviceJSON{
		ID: d.ID, Name: d.Name, Vendor: d.Vendor, Category: d.Category, File: d.Where(),
		Level: o.Level, ClaimedLevel: d.ClaimedLevel, Flags: append([]string{}, o.Flags...),
		Ignored: d.Ignored, Criteria: []criterionJSON{},
	}
	if len(o.Families) > 0 {
		out.Families = map[string]string{}
		for _, f := range o.Families {
			out.Families[f.Family] = f.Level
		}
	}
	for _, c := range o.Checks {
		out.Criteria = append(out.Criteria, criterionJSON{
			ID: c.Criterion.ID, Level: c.Criterion.Level, Family: c.Criterion.Family,
			Verdict: c.Verdict, Field: c.Field(), Message: c.Message(),
		})
	}
	return out
}

// newProblemsJSON lists the problems of records in their JSON shape.
func newProblemsJSON(ps []*fixtures.Problem) []problemJSON {
	out := []problemJSON{}
	for _, p := range ps {
		out = append(out, problemJSON{File: p.File, Line: p.Line, Column: p.Column, ID: p.ID, Field: p.Field, Message: p.Message})
	}
	return out
}

// sortedKeys returns a map's keys in order, as encoding/json writes them.
func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
