package tui

import (
	"context"
	"fmt"
	"io/fs"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// Config says what the workbench works on. It is data: the workbench reads
// the workspace and the corpus itself, in commands.
type Config struct {
	// Workspace holds the standard: a directory on disk, where edits are
	// saved and journaled, or the built-in standard (its Dir is ""), which
	// is never written.
	Workspace *spec.Workspace
	// Builtin is the built-in standard and its corpus: the first save of an
	// edit to the built-in standard writes it to a new workspace, as ladder
	// init does, and saves there.
	Builtin fs.FS
	// Corpus are the user's own device files and directories, added to the
	// reference corpus, marked as theirs and never written.
	Corpus []string
	// Base and Working name the revisions to compare; "" chooses the newest
	// published revision and the newest draft.
	Base, Working string
	// Timeout bounds the compilation of one revision.
	Timeout time.Duration
	// JournalDir overrides where unsaved edits are journaled: by default
	// .ladder/recover in the workspace, or the user's cache directory for
	// the built-in standard.
	JournalDir string
	// Remember keeps the revisions compared in the workspace's
	// .ladder/state.json, and starts on those it holds.
	Remember bool
	// FirstFrames is the directory where each start keeps its first frame
	// with results, which the next start on the same inputs shows at once
	// while it evaluates them again (firstframe.go); "" keeps none.
	FirstFrames string
}

// session is everything the workbench shows, computed off the UI by a
// command and never changed after: a new evaluation makes a new session.
type session struct {
	std *spec.Standard
	// cmp is the corpus graded under both revisions; the fields below are
	// its parts, named as the views use them.
	cmp                  *evaluator.Comparison
	base, work           *evaluator.Grading
	baseState, workState *evaluator.State
	impact               *evaluator.Impact
	invalid              []*fixtures.Problem
	// diffs holds the criterion changes and the redline of the two
	// revisions, made when the Diff view first needs them.
	diffs     *diffs
	diffsOnce sync.Once
	// devices are every device graded under either revision, by category
	// and ID, and byID gives the place of each among them. A row is never
	// changed once made: sessions of the same devices share the rows that
	// an edit left alone, and byID.
	devices []*deviceRow
	byID    map[string]int
	// theirs counts the rows of the user's own devices.
	theirs int
	// checks and took are the cost of the evaluation that made the session.
	checks int
	took   time.Duration
	// findings are vet's findings on the working revision; linted is set
	// once they are known (a load lints after its first frame: lintCmd).
	findings []spec.Finding
	linted   bool
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
	// workID is the revision the drafter works on; workErr is set when it
	// does not compile, and the session then shows the newest that does.
	workID  string
	workErr error
}

// load reads the workspace (through ws, which holds the edits) and the
// corpus, and evaluates both revisions. The base may come from git
// (ID@REV); the working revision is the workspace's, and when it does not
// compile the session shows another, with why.
func load(cfg Config, ws *spec.Workspace) tea.Cmd {
	return func() tea.Msg {
		defer collectLess()()
		fail := func(err error) tea.Msg { return loadedMsg{err: err, fromLoad: true} }
		std, err := ws.LoadAll(cfg.Timeout)
		if err != nil {
			return fail(fmt.Errorf("%s: %w", ws.Describe(), err))
		}
		cfg = remembered(cfg, std)
		corpus, err := fixtures.LoadCorpus(cfg.Workspace, true, cfg.Corpus)
		if err != nil {
			return fail(err)
		}
		base, err := chooseBase(std, ws, cfg)
		if err != nil {
			return fail(fmt.Errorf("the base revision: %w", err))
		}
		if ref := spec.ParseRevisionRef(cfg.Working); ref.Git != "" {
			return fail(fmt.Errorf("the working revision %s: it is edited, so it is one of the workspace's, not one from git; give %s as --base", cfg.Working, cfg.Working))
		}
		workID, err := std.ChooseID(cfg.Working, spec.RevisionDraft, spec.RevisionPublished)
		if err != nil {
			return fail(fmt.Errorf("the working revision: %w", err))
		}
		msg := loadedMsg{fromLoad: true, workID: workID}
		work := std.Loaded(workID)
		if work == nil {
			// Shown meanwhile: the newest revision that compiles.
			msg.workErr = std.Broken[workID]
			if work, err = std.Choose("", spec.RevisionDraft, spec.RevisionPublished); err != nil {
				return fail(err)
			}
		}
		cmp, err := evaluator.Compare(context.Background(), corpus, vocabulary(std, base), base, work)
		if err != nil {
			return fail(err)
		}
		msg.s = sessionOf(std, cmp)
		return msg
	}
}

// loadGCPercent is the garbage collector's target while a load runs.
const loadGCPercent = 400

// collectLess has the garbage collector run less often, at loadGCPercent,
// until the function it returns is called, unless it is set to run less
// often still (GOGC). A load, the start's, allocates some 50 MB of values
// that live briefly, from a heap that starts small, which the default
// target collects again and again: at the start of a whole process, the
// load takes some 15% less time this way (the README's figures), and the
// peak memory stays the same (the lint after the first frame sets it). The
// heap is then collected as usual.
func collectLess() (restore func()) {
	prev := debug.SetGCPercent(loadGCPercent)
	if prev < 0 || prev >= loadGCPercent {
		debug.SetGCPercent(prev)
	}
	return func() { debug.SetGCPercent(prev) }
}

// vocabulary is the measurements that the revisions of a standard define,
// and a base's, which may come from git: a measurement only one of them
// defines is ignored by the others, not misspelt.
func vocabulary(std *spec.Standard, base *spec.Revision) fixtures.Vocabulary {
	known := fixtures.VocabularyOf(std)
	for _, m := range base.Measurements {
		known[m.Name] = true
	}
	return known
}

// lintedMsg carries vet's findings on a session's working revision.
type lintedMsg struct {
	s        *session
	findings []spec.Finding
}

// lintCmd finds what vet finds in a session's working revision, after the
// session is on screen: a first lint unifies #Device with every require.
func lintCmd(s *session) tea.Cmd {
	if s == nil || s.linted {
		return nil
	}
	rev, ids := s.work.Revision, s.std.IDs
	return func() tea.Msg { return lintedMsg{s: s, findings: spec.Lint(rev, ids)} }
}

// chooseBase returns the base revision that the configuration names: one of
// the workspace's, or one from its git history (ID@REV), or by default the
// newest published one.
func chooseBase(std *spec.Standard, ws *spec.Workspace, cfg Config) (*spec.Revision, error) {
	if cfg.Base == "" {
		return std.Choose("", spec.RevisionPublished)
	}
	return std.Resolve(ws, spec.ParseRevisionRef(cfg.Base), cfg.Timeout)
}

// reevaluate evaluates the corpus of a session under other revisions.
func reevaluate(prev *session, base, work *spec.Revision) tea.Cmd {
	return func() tea.Msg {
		cmp, err := evaluator.Compare(context.Background(), prev.cmp.Corpus(), vocabulary(prev.std, base), base, work)
		if err != nil {
			return loadedMsg{err: err}
		}
		return loadedMsg{s: sessionOf(prev.std, cmp), workID: work.ID}
	}
}

// sessionOf shows a comparison of two revisions of a standard.
func sessionOf(std *spec.Standard, cmp *evaluator.Comparison) *session {
	s := &session{
		std: std, cmp: cmp, base: cmp.Base, work: cmp.Target,
		baseState: cmp.Base.Engine.State(), workState: cmp.Target.Engine.State(),
		impact: cmp.Impact, invalid: cmp.Invalid, checks: cmp.Checks, took: cmp.Took,
	}
	s.index()
	return s
}

// withWorking returns the session with another version of the working
// revision, such as an edit, compiled: evaluated incrementally when it is
// a version of the revision the session shows, and afresh when it is not
// (the revision the drafter works on compiles again). Vet's findings on it
// come with it.
func (s *session) withWorking(ctx context.Context, rev *spec.Revision) (*session, error) {
	std := s.std.With(rev)
	known := vocabulary(std, s.base.Revision)
	var cmp *evaluator.Comparison
	var err error
	if rev.ID == s.work.Revision.ID {
		cmp, err = s.cmp.WithTarget(ctx, rev, known)
	} else {
		cmp, err = evaluator.Compare(ctx, s.cmp.Corpus(), known, s.base.Revision, rev)
	}
	if err != nil {
		return nil, err
	}
	out := &session{
		std: std, cmp: cmp, base: cmp.Base, work: cmp.Target,
		baseState: cmp.Base.Engine.State(), workState: cmp.Target.Engine.State(),
		impact: cmp.Impact, invalid: cmp.Invalid, checks: cmp.Checks, took: cmp.Took,
	}
	if !out.reindex(s) {
		out.index()
	}
	out.findings, out.linted = spec.Lint(rev, std.IDs), true
	return out, nil
}

// reindex builds the device rows from those of prev, a session of the
// same gradings' devices in the same order of categories, as an edit that
// leaves the schema alone gives: each row keeps its place, so that nothing
// is sorted again, and only the rows of the devices whose level or flags
// the edit changed are made anew (when the comparison says which; else
// each row is looked at). It reports false, having done nothing, when
// prev's rows do not fit.
func (s *session) reindex(prev *session) bool {
	if prev == nil || !sameDevices(prev.base.Devices, s.base.Devices) || !sameDevices(prev.work.Devices, s.work.Devices) ||
		!slices.EqualFunc(prev.work.Revision.Categories, s.work.Revision.Categories, func(a, b *spec.Category) bool { return a.Key == b.Key }) {
		return false
	}
	s.byID, s.theirs = prev.byID, prev.theirs
	s.devices = slices.Clone(prev.devices)
	renew := func(i int) {
		r := *s.devices[i]
		if r.baseIdx >= 0 {
			r.from = s.baseState.Level(r.baseIdx)
		}
		if r.workIdx >= 0 {
			r.to, r.flags = s.workState.Level(r.workIdx), s.workState.Flags(r.workIdx)
		}
		s.devices[i] = &r
	}
	if s.cmp != nil && s.cmp.Delta != nil && prev.base == s.base {
		d := s.cmp.Delta
		for _, l := range d.Levels {
			if i, ok := s.byID[l.Device]; ok {
				renew(i)
			}
		}
		return true
	}
	for i := range s.devices {
		renew(i)
	}
	return true
}

// sameDevices reports whether two gradings graded the very same devices,
// in the same order.
func sameDevices(a, b []*fixtures.Device) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
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
	rows := map[string]*deviceRow{}
	add := func(d *fixtures.Device) *deviceRow {
		r := rows[d.ID]
		if r == nil {
			r = &deviceRow{dev: d, baseIdx: -1, workIdx: -1, from: "—", to: "—", theirs: d.Yours}
			rows[d.ID] = r
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
		r.flags = s.workState.Flags(i)
	}
	byCategory := evaluator.ByCategory(s.work.Revision)
	slices.SortFunc(s.devices, func(a, b *deviceRow) int { return byCategory(a.dev, b.dev) })
	s.byID = make(map[string]int, len(s.devices))
	for i, r := range s.devices {
		s.byID[r.dev.ID] = i
		if r.theirs {
			s.theirs++
		}
	}
}

// row returns the row of the device with the given ID, or nil.
func (s *session) row(id string) *deviceRow {
	if i, ok := s.byID[id]; ok {
		return s.devices[i]
	}
	return nil
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
