package tui

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// Config says what the workbench works on.
type Config struct {
	// FS holds the workspace: cue/ and fixtures/. Root is how its directory
	// is shown in positions (see spec.NewWorkspace).
	FS   fs.FS
	Root string
	// Dir is the workspace's directory on disk, where edits are saved and
	// journaled; "" for the built-in standard, which is never written.
	Dir string
	// Describe names the workspace for messages, such as "the built-in
	// standard".
	Describe string
	// Devices reads the corpus: the reference corpus and the user's own
	// records. It runs in a command, off the UI.
	Devices func() (*fixtures.Corpus, error)
	// Theirs reports whether a record's file is one of the user's, given
	// with --corpus: marked as theirs, and never written.
	Theirs func(file string) bool
	// Base and Working name the revisions to compare; "" chooses the newest
	// published revision and the newest draft.
	Base, Working string
	// Timeout bounds the compilation of one revision.
	Timeout time.Duration
	// InitWorkspace writes the built-in standard and its corpus to a new
	// workspace directory, as ladder init does; Reopen returns the
	// configuration of the workbench on a workspace directory. The
	// first save of an edit to the built-in standard uses them.
	InitWorkspace func(dir string) error
	Reopen        func(dir string) (Config, error)
	// JournalDir overrides where unsaved edits are journaled: by default
	// .ladder/recover in the workspace, or the user's cache directory for
	// the built-in standard.
	JournalDir string
}

// session is everything the workbench shows, computed off the UI by a
// command and never changed after: a new evaluation makes a new session.
type session struct {
	std    *spec.Standard
	corpus *fixtures.Corpus
	vocab  fixtures.Vocabulary
	theirs func(string) bool

	base, work *evaluator.Grading
	// baseState and workState are the engines' snapshots.
	baseState, workState *evaluator.State
	impact               *evaluator.Impact
	// diffs holds the criterion changes and the redline of the two
	// revisions, made when the Diff view first needs them.
	diffs     *diffs
	diffsOnce sync.Once
	// invalid are the problems of records that neither revision grades.
	invalid []*fixtures.Problem
	// devices are every device graded under either revision, by ID.
	devices []*deviceRow
	byID    map[string]*deviceRow

	// checks and took are the cost of the evaluation that made the session.
	checks int
	took   time.Duration
}

// deviceRow is one device and where it stands under each revision.
type deviceRow struct {
	dev *fixtures.Device
	// baseIdx and workIdx index the device in each grading, -1 when that
	// revision could not grade it.
	baseIdx, workIdx int
	from, to         string
	theirs           bool
	// flags are the flags under the working revision.
	flags []string
}

// moved reports whether the device's level differs between the revisions.
func (r *deviceRow) moved() bool { return r.from != r.to }

// loadedMsg carries a new session, or why there is none.
type loadedMsg struct {
	s   *session
	err error
	// fromLoad is set when the workspace was loaded for it (at the start
	// and on reloads), which held the workspace.
	fromLoad bool
}

// load reads the workspace and the corpus and evaluates both revisions.
func load(cfg Config, ws *spec.Workspace) tea.Cmd {
	return func() tea.Msg {
		std, err := ws.LoadAll(cfg.Timeout)
		if err != nil {
			return loadedMsg{err: fmt.Errorf("%s: %w", cfg.Describe, err), fromLoad: true}
		}
		corpus, err := cfg.Devices()
		if err != nil {
			return loadedMsg{err: err, fromLoad: true}
		}
		base, work, err := chooseRevisions(std, cfg.Base, cfg.Working)
		if err != nil {
			return loadedMsg{err: err, fromLoad: true}
		}
		s, err := evaluate(std, corpus, cfg.Theirs, base, work)
		return loadedMsg{s: s, err: err, fromLoad: true}
	}
}

// reevaluate evaluates the corpus of a session under other revisions.
func reevaluate(prev *session, base, work *spec.Revision) tea.Cmd {
	return func() tea.Msg {
		s, err := evaluate(prev.std, prev.corpus, prev.theirs, base, work)
		return loadedMsg{s: s, err: err}
	}
}

// chooseRevisions returns the revisions named, or by default the newest
// published revision and the newest draft.
func chooseRevisions(std *spec.Standard, baseID, workID string) (base, work *spec.Revision, err error) {
	pick := func(id string, statuses ...string) (*spec.Revision, error) {
		if id != "" {
			if r := std.Loaded(id); r != nil {
				return r, nil
			}
			if err, ok := std.Broken[id]; ok {
				return nil, err
			}
			return nil, &spec.UnknownRevisionError{ID: id, Available: std.IDs}
		}
		for _, st := range statuses {
			if r := std.Newest(st); r != nil {
				return r, nil
			}
		}
		if len(std.Revisions) == 0 {
			for _, id := range std.IDs {
				return nil, std.Broken[id]
			}
		}
		return std.Revisions[len(std.Revisions)-1], nil
	}
	if base, err = pick(baseID, spec.RevisionPublished); err != nil {
		return nil, nil, err
	}
	if work, err = pick(workID, spec.RevisionDraft, spec.RevisionPublished); err != nil {
		return nil, nil, err
	}
	return base, work, nil
}

// evaluate grades the corpus under both revisions and compares them.
func evaluate(std *spec.Standard, corpus *fixtures.Corpus, theirs func(string) bool, base, work *spec.Revision) (*session, error) {
	start := time.Now()
	vocab := fixtures.NewVocabulary(std.Revisions...)
	s := &session{std: std, corpus: corpus, vocab: vocab, theirs: theirs}
	var err error
	if s.base, err = evaluator.Grade(context.Background(), base, corpus.Records, vocab); err != nil {
		return nil, fmt.Errorf("grading under %s: %w", base.ID, err)
	}
	if s.work, err = evaluator.Grade(context.Background(), work, corpus.Records, vocab); err != nil {
		return nil, fmt.Errorf("grading under %s: %w", work.ID, err)
	}
	s.baseState, s.workState = s.base.Engine.State(), s.work.Engine.State()
	s.impact, s.invalid = evaluator.CompareGradings(s.base, s.work)
	s.invalid = append(slices.Clone(corpus.Problems), s.invalid...)
	s.index()
	s.checks = s.countChecks()
	s.took = time.Since(start)
	return s, nil
}

// withWorking returns the session with another version of the working
// revision: an edit, compiled. Its verdicts come from the working
// revision's engine, which re-checks only what the edit can change; the
// corpus is validated again only when the #Device schema changed.
func (s *session) withWorking(ctx context.Context, rev *spec.Revision) (*session, error) {
	start := time.Now()
	n := &session{std: s.std, corpus: s.corpus, vocab: s.vocab, theirs: s.theirs, base: s.base, baseState: s.baseState}
	if rev.DeviceFingerprint() == s.work.Revision.DeviceFingerprint() {
		delta, err := s.work.Engine.Update(ctx, rev, s.work.Devices)
		if err != nil {
			return nil, err
		}
		n.work = &evaluator.Grading{Revision: rev, Devices: s.work.Devices, Invalid: s.work.Invalid, Engine: s.work.Engine}
		n.checks = delta.Checks
	} else {
		revs := slices.Clone(s.std.Revisions)
		for i, r := range revs {
			if r.ID == rev.ID {
				revs[i] = rev
			}
		}
		n.vocab = fixtures.NewVocabulary(revs...)
		g, err := evaluator.Grade(ctx, rev, s.corpus.Records, n.vocab)
		if err != nil {
			return nil, err
		}
		n.work = g
	}
	n.workState = n.work.Engine.State()
	n.impact, n.invalid = evaluator.CompareGradings(n.base, n.work)
	n.invalid = append(slices.Clone(s.corpus.Problems), n.invalid...)
	n.index()
	if n.checks == 0 {
		n.checks = n.countChecks()
	}
	n.took = time.Since(start)
	return n, nil
}

// diffs are the differences between the two revisions of a session.
type diffs struct {
	changes *spec.Changes
	files   []spec.FileDiff
}

// diff returns the differences between the revisions, making them on
// first use: an edit that the Diff view does not show costs nothing here.
func (s *session) diff() *diffs {
	s.diffsOnce.Do(func() {
		s.diffs = &diffs{changes: spec.Compare(s.base.Revision, s.work.Revision), files: spec.Redline(s.base.Revision, s.work.Revision)}
	})
	return s.diffs
}

// index builds the device rows, ordered by category (the working
// revision's order) and ID.
func (s *session) index() {
	s.byID = map[string]*deviceRow{}
	add := func(d *fixtures.Device) *deviceRow {
		r := s.byID[d.ID]
		if r == nil {
			r = &deviceRow{dev: d, baseIdx: -1, workIdx: -1, from: "—", to: "—"}
			if s.theirs != nil {
				r.theirs = s.theirs(d.File)
			}
			s.byID[d.ID] = r
			s.devices = append(s.devices, r)
		}
		return r
	}
	for i, d := range s.base.Devices {
		r := add(d)
		r.baseIdx, r.from = i, s.baseState.Level(i)
	}
	for i, d := range s.work.Devices {
		r := add(d)
		r.workIdx, r.to = i, s.workState.Level(i)
		r.flags = s.workState.Outcome(i).Flags
	}
	rank := map[string]int{}
	for i, c := range s.work.Revision.Categories {
		rank[c.Key] = i
	}
	slices.SortFunc(s.devices, func(a, b *deviceRow) int {
		ra, oka := rank[a.dev.Category]
		rb, okb := rank[b.dev.Category]
		if !oka {
			ra = len(rank)
		}
		if !okb {
			rb = len(rank)
		}
		if ra != rb {
			return ra - rb
		}
		if a.dev.ID < b.dev.ID {
			return -1
		}
		if a.dev.ID > b.dev.ID {
			return 1
		}
		return 0
	})
}

// countChecks counts the verdicts of both gradings.
func (s *session) countChecks() int {
	n := 0
	for _, g := range []*evaluator.Grading{s.base, s.work} {
		perCat := map[string]int{}
		for _, c := range g.Revision.Categories {
			for _, l := range c.Levels {
				perCat[c.Key] += len(l.Criteria)
			}
		}
		for _, d := range g.Devices {
			n += perCat[d.Category]
		}
	}
	return n
}

// outcomes returns a device's outcome under each revision, nil where that
// revision could not grade it.
func (s *session) outcomes(r *deviceRow) (before, after *evaluator.Outcome) {
	if r.baseIdx >= 0 {
		before = s.baseState.Outcome(r.baseIdx)
	}
	if r.workIdx >= 0 {
		after = s.workState.Outcome(r.workIdx)
	}
	return before, after
}

// distribution counts the devices of a category at each level (L0 to L4)
// under a revision.
func distribution(g *evaluator.Grading, st *evaluator.State, category string) [5]int {
	var out [5]int
	for i, d := range g.Devices {
		if d.Category == category {
			if k := slices.Index(evaluator.Levels, st.Level(i)); k >= 0 {
				out[k]++
			}
		}
	}
	return out
}
