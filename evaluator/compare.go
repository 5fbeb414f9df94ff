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
	// Delta is what changed since the comparison this one was made from,
	// when WithTarget made it by an update of the target's engine that kept
	// the target's categories, levels and criteria: only the devices it
	// names have other verdicts or levels. It is nil otherwise.
	Delta *Delta

	corpus *fixtures.Corpus
	known  fixtures.Vocabulary
	// baseOf pairs the devices graded under both revisions, by ID: it
	// gives, for each of the target's devices, its index among the base's
	// devices, or -1.
	baseOf []int
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
		if sameOutline(c.Target.Revision, rev) {
			// The same devices and criteria: only the devices whose
			// verdicts or level changed count differently.
			n.baseOf = c.baseOf
			n.Impact = c.Impact.with(rev, changesOf(c.Base.Engine.State(), n.Target.Engine.State(), c.baseOf, delta))
			n.Invalid, n.Checks, n.Delta, n.Took = c.Invalid, checks, delta, time.Since(start)
			return n, nil
		}
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
	c.Impact, c.baseOf, invalid = compareGradings(c.Base, c.Target)
	c.Invalid = append(slices.Clone(c.corpus.Problems), invalid...)
	c.Checks = checks
	c.Took = time.Since(start)
}

// changesOf returns what the delta changed for the devices graded under
// both revisions (baseOf pairs them, base is the base's state and now the
// target's after the delta), as an impact's with takes it: the changes of
// pass counts, the devices whose level changed, with their outcomes under
// the base and now, and the verdicts that changed on the others, each with
// the device's verdict under the base.
func changesOf(base, now *State, baseOf []int, delta *Delta) changes {
	ch := changes{passes: map[*spec.Criterion]int{}}
	moved := make([]bool, len(baseOf))
	for _, l := range delta.Levels {
		j := l.Index
		if moved[j] || baseOf[j] < 0 {
			continue
		}
		moved[j] = true
		ch.levels = append(ch.levels, levelRow{index: j, device: now.Devices[j], was: l.Before})
	}
	ch.outcomes = func(k int, before, after *Outcome) {
		j := ch.levels[k].index
		base.OutcomeInto(baseOf[j], before)
		now.OutcomeInto(j, after)
	}
	for _, v := range delta.Verdicts {
		j := v.Index
		if baseOf[j] < 0 || v.After.Criterion == nil {
			continue
		}
		if d := passCount(v.After.Verdict) - passCount(v.Before.Verdict); d != 0 {
			ch.passes[v.After.Criterion] += d
		}
		if moved[j] {
			continue
		}
		b, inBase := base.Verdict(baseOf[j], v.Criterion)
		ch.verdicts = append(ch.verdicts, verdictChange{device: now.Devices[j], criterion: v.After.Criterion, level: now.Level(j),
			base: b, inBase: inBase, now: v.After.Verdict})
	}
	return ch
}

// compareGradings returns the impact of the target grading against the
// base grading of the same records: each device graded under both is
// compared, and one graded under only one is recorded as such. It also
// returns how the devices pair (Comparison.baseOf), and the problems of
// the records that neither revision could grade, each once.
func compareGradings(base, target *Grading) (*Impact, []int, []*fixtures.Problem) {
	im := NewImpact(base.Revision, target.Revision)
	bs, ts := base.Engine.State(), target.Engine.State()
	baseOf := make([]int, len(target.Devices))
	targetByID := make(map[string]int, len(target.Devices))
	for i, d := range target.Devices {
		targetByID[d.ID], baseOf[i] = i, -1
	}
	var before, after Outcome
	for i, d := range base.Devices {
		j, ok := targetByID[d.ID]
		if !ok {
			im.AddOnlyBase(d.Category, d.ID)
			continue
		}
		baseOf[j] = i
		bs.OutcomeInto(i, &before)
		ts.OutcomeInto(j, &after)
		im.Add(&before, &after)
	}
	for i, d := range target.Devices {
		if baseOf[i] < 0 {
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
	return im, baseOf, invalid
}
