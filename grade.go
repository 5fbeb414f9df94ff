package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// loadTimeout bounds the compilation of one revision by eval, check and
// gen; vet has a flag for it.
const loadTimeout = 30 * time.Second

// standard is the workspace's revisions, loaded, for the commands that grade
// devices.
type standard struct {
	ws *workspace
	*spec.Standard
}

// loadStandard opens the workspace in dir (see openWorkspace) and loads
// every revision of it. A revision that does not load is only an error when
// a command asks for it.
func loadStandard(dir string) (*standard, error) {
	ws, err := openWorkspace(dir)
	if err != nil {
		return nil, err
	}
	all, err := ws.LoadAll(loadTimeout)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ws.describe(), err)
	}
	return &standard{ws: ws, Standard: all}, nil
}

// revision returns the revision with the given ID, or prints why it cannot
// be had and returns exitUsage.
func (s *standard) revision(e *env, id string) (*spec.Revision, int) {
	if r := s.Loaded(id); r != nil {
		return r, exitOK
	}
	if err, ok := s.Broken[id]; ok {
		printLoadError(e, err)
		return nil, exitUsage
	}
	return nil, e.errorf("%v", &spec.UnknownRevisionError{ID: id, Available: s.IDs})
}

// choose returns the revision named id or, when id is "", the newest
// revision with the first of the statuses that has one, else the newest
// revision. When it cannot, it prints why and returns exitUsage.
func (s *standard) choose(e *env, id string, statuses ...string) (*spec.Revision, int) {
	if id != "" {
		return s.revision(e, id)
	}
	for _, status := range statuses {
		if r := s.Newest(status); r != nil {
			return r, exitOK
		}
	}
	if len(s.Revisions) > 0 {
		return s.Revisions[len(s.Revisions)-1], exitOK
	}
	for _, id := range s.IDs {
		printLoadError(e, s.Broken[id])
	}
	return nil, exitUsage
}

// vocabulary returns every measurement that a loaded revision defines.
func (s *standard) vocabulary() fixtures.Vocabulary {
	return fixtures.NewVocabulary(s.Revisions...)
}

// graded is a corpus graded under one revision.
type graded struct {
	rev *spec.Revision
	ref *evaluator.Reference
	// devices are the devices graded; outcome and level give the outcome
	// and level of one of them, by index, and order is the order in which
	// to show them. Outcomes are built when asked: a large corpus's would
	// not fit in memory at once.
	devices []*fixtures.Device
	outcome func(i int) *evaluator.Outcome
	level   func(i int) string
	// into, when set, fills an outcome in place, as outcome would make it.
	into  func(i int, o *evaluator.Outcome)
	order []int
	// invalid are the problems of the records that could not be graded:
	// those that do not decode and those that break the revision's schema.
	invalid []*fixtures.Problem
}

// grade validates a corpus against a revision and evaluates the devices
// that satisfy its schema.
func (s *standard) grade(corpus *fixtures.Corpus, rev *spec.Revision) (*graded, error) {
	return s.gradeBy(corpus, rev, false)
}

// gradeBy grades through the engine (compiled criteria, the reference path
// where they do not compile), or through the reference path alone; the two
// give the same results, which a test holds.
func (s *standard) gradeBy(corpus *fixtures.Corpus, rev *spec.Revision, reference bool) (*graded, error) {
	return gradeIn(corpus, rev, s.vocabulary(), reference)
}

// gradeIn grades as gradeBy does, with the vocabulary of measurements that
// some revision defines.
func gradeIn(corpus *fixtures.Corpus, rev *spec.Revision, vocab fixtures.Vocabulary, reference bool) (*graded, error) {
	if !reference {
		gr, err := evaluator.Grade(context.Background(), rev, corpus.Records, vocab)
		if err != nil {
			return nil, err
		}
		g := newGraded(rev, gr.Devices, append(slices.Clone(corpus.Problems), gr.Invalid...))
		st := gr.Engine.State()
		g.outcome, g.level, g.into = st.Outcome, st.Level, st.OutcomeInto
		return g, nil
	}
	devices, problems := fixtures.ValidateWith(rev, corpus.Records, vocab, fixtures.ValidateOptions{})
	g := newGraded(rev, devices, append(slices.Clone(corpus.Problems), problems...))
	ref, err := g.reference()
	if err != nil {
		return nil, err
	}
	outcomes, err := ref.Evaluate(context.Background(), devices)
	if err != nil {
		return nil, err
	}
	g.outcome = func(i int) *evaluator.Outcome { return outcomes[i] }
	g.level = func(i int) string { return outcomes[i].Level }
	return g, nil
}

// newGraded returns a grading of the devices in their order, without
// outcomes yet.
func newGraded(rev *spec.Revision, devices []*fixtures.Device, invalid []*fixtures.Problem) *graded {
	g := &graded{rev: rev, devices: devices, invalid: invalid}
	g.order = make([]int, len(devices))
	for i := range g.order {
		g.order[i] = i
	}
	return g
}

// count is the number of devices graded.
func (g *graded) count() int {
	return len(g.order)
}

// at returns the outcome of the k-th device in the order shown.
func (g *graded) at(k int) *evaluator.Outcome {
	return g.outcome(g.order[k])
}

// atInto fills o with the outcome of the k-th device in the order shown,
// reusing its memory where it can.
func (g *graded) atInto(k int, o *evaluator.Outcome) *evaluator.Outcome {
	if g.into == nil {
		return g.at(k)
	}
	g.into(g.order[k], o)
	return o
}

// all returns every outcome, in the order shown.
func (g *graded) all() []*evaluator.Outcome {
	out := make([]*evaluator.Outcome, g.count())
	for k := range out {
		out[k] = g.at(k)
	}
	return out
}

// reference returns the reference evaluator of the grading's revision, for
// explanations, building it on first use.
func (g *graded) reference() (*evaluator.Reference, error) {
	if g.ref == nil {
		ref, err := evaluator.NewReference(g.rev)
		if err != nil {
			return nil, err
		}
		g.ref = ref
	}
	return g.ref, nil
}

// printProblems prints each problem on stderr, as file:line:col: message.
func printProblems(e *env, problems []*fixtures.Problem) {
	for _, p := range problems {
		fmt.Fprintln(e.stderr, p.Error())
	}
}

// where names a device's record: its file, and its line when the file holds
// several records.
func where(d *fixtures.Device) string {
	if strings.HasSuffix(d.File, ".jsonl") || strings.HasSuffix(d.File, ".ndjson") || d.Line > 1 {
		return fmt.Sprintf("%s:%d", d.File, d.Line)
	}
	return d.File
}
