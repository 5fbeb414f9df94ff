package report

import (
	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/spec"
)

// Diff is everything the review of two revisions found: the criterion and
// structure changes, the redline of their files and the impact on a corpus.
type Diff struct {
	// Base and Target are the revisions as the user named them (ID or
	// ID@REV), and BaseRev and TargetRev the revisions loaded.
	Base, Target       spec.RevisionRef
	BaseRev, TargetRev *spec.Revision
	Changes            *spec.Changes
	Files              []spec.FileDiff
	Impact             *evaluator.Impact
	// Corpus names the corpus graded, for the reader.
	Corpus string
}

// Differs reports whether anything but the text differs: a category, a
// level, a criterion, a measurement, or a device's level or verdicts.
func (r *Diff) Differs() bool {
	c := r.Changes
	return len(c.Categories) > 0 || len(c.Levels) > 0 || len(c.Criteria) > 0 || len(c.Measurements) > 0 || !r.Impact.Empty()
}

// MinTextWidth and MaxTextWidth are the narrowest and the widest layouts
// of the text report; a width outside is taken as the nearest.
const (
	MinTextWidth = 40
	MaxTextWidth = 1000
)

// ClampWidth returns the width of the text report nearest to w.
func ClampWidth(w int) int {
	return min(max(w, MinTextWidth), MaxTextWidth)
}

// TextOptions lay the text report out.
type TextOptions struct {
	// Stat prints the summary only.
	Stat bool
	// SideBySide prints the redline in two columns.
	SideBySide bool
	// Color styles the report with ANSI sequences.
	Color bool
	// Width is the width in cells that no row exceeds, from MinTextWidth
	// to MaxTextWidth (ClampWidth).
	Width int
}

// Plural returns one or many by n.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
