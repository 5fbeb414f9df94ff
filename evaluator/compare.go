package evaluator

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// Comparison is one corpus graded under a base revision and a target
// revision, and the impact of the target against the base: what ladder diff
// reports and what the workbench shows. It is never changed once made; an
// edit of the target makes a new one.
type Comparison struct {
	Base, Target *Grading
	Impact       *Impact
	// Invalid are the problems of the corpus's files and of the records
	// that neither revision could grade, each once.
	Invalid []*fixtures.Problem
	// Checks counts the verdicts decided to make the comparison, and Took
	// is how long it took.
	Checks int
	Took   time.Duration

	corpus *fixtures.Corpus
	known  fixtures.Vocabulary
}

// Compare grades a corpus under two revisions and compares them. Known are
// the measurements that some revision defines, which a revision that does
// not define them ignores.
func Compare(ctx context.Context, corpus *fixtures.Corpus, known fixtures.Vocabulary, base, target *spec.Revision) (*Comparison, error) {
	start := time.Now()
	c := &Comparison{corpus: corpus, known: known}
	var err error
	if c.Base, err = Grade(ctx, base, corpus.Records, known); err != nil {
		return nil, fmt.Errorf("grading under %s: %w", base.ID, err)
	}
	if c.Target, err = Grade(ctx, target, corpus.Records, known); err != nil {
		return nil, fmt.Errorf("grading under %s: %w", target.ID, err)
	}
	c.finish(c.Base.Checks+c.Target.Checks, start)
	return c, nil
}

// WithTarget returns the comparison with another version of the target
// revision, such as a drafter's edit, compiled. Its verdicts come from the
// target's engine, which re-checks only what the edit can change; the
// corpus is validated again only when the #Device schema changed, against
// known, the measurements of the workspace's revisions with rev among them.
func (c *Comparison) WithTarget(ctx context.Context, rev *spec.Revision, known fixtures.Vocabulary) (*Comparison, error) {
	start := time.Now()
	n := &Comparison{corpus: c.corpus, known: c.known, Base: c.Base}
	checks := 0
	if rev.DeviceFingerprint() == c.Target.Revision.DeviceFingerprint() {
		delta, err := c.Target.Engine.Update(ctx, rev, c.Target.Devices)
		if err != nil {
			return nil, err
		}
		n.Target = &Grading{Revision: rev, Devices: c.Target.Devices, Invalid: c.Target.Invalid, Engine: c.Target.Engine, Checks: delta.Checks}
		checks = delta.Checks
	} else {
		n.known = known
		g, err := Grade(ctx, rev, c.corpus.Records, n.known)
		if err != nil {
			return nil, err
		}
		n.Target, checks = g, g.Checks
	}
	n.finish(checks, start)
	return n, nil
}

// Corpus returns the corpus compared.
func (c *Comparison) Corpus() *fixtures.Corpus { return c.corpus }

// finish compares the two gradings.
func (c *Comparison) finish(checks int, start time.Time) {
	var invalid []*fixtures.Problem
	c.Impact, invalid = CompareGradings(c.Base, c.Target)
	c.Invalid = append(slices.Clone(c.corpus.Problems), invalid...)
	c.Checks = checks
	c.Took = time.Since(start)
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
