package evaluator

import (
	"context"
	"fmt"
	"hash/maphash"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// Engine keeps every verdict of a corpus under a revision, and updates them
// incrementally: when the revision changes it re-checks only the criteria
// whose meaning changed (their RequireFingerprint), against the devices of
// their category; when devices change it re-checks only them. Levels and
// aggregates are recomputed only where a verdict changed.
//
// Verdicts come from compiled criteria where the compiler models the
// require (see compileCriterion), and from the reference path otherwise:
// the two agree on every device, which the differential tests hold.
//
// Readers call State, which returns an immutable snapshot; they may use it
// while an update runs. Updates are serialised, and a cancelled context
// abandons an update without changing the state.
type Engine struct {
	mu    sync.Mutex // serialises updates
	state atomic.Pointer[State]

	// programs caches compiled criteria by RequireFingerprint; refused
	// holds why the others did not compile.
	programs map[string]*program
	refused  map[string]error
	// refs holds the reference evaluator of each revision seen, built when
	// a fallback first needs it.
	refs map[*spec.Revision]*Reference
	// Workers is the number of goroutines that check devices; 0 means
	// GOMAXPROCS.
	Workers int
}

// NewEngine returns an engine with no revision and no devices.
func NewEngine() *Engine {
	e := &Engine{programs: map[string]*program{}, refused: map[string]error{}, refs: map[*spec.Revision]*Reference{}}
	e.state.Store(&State{cats: map[string]*catState{}})
	return e
}

// State returns the current snapshot. It never changes; a later update makes
// a new one.
func (e *Engine) State() *State {
	return e.state.Load()
}

// State is every verdict, level and aggregate of a corpus under a revision,
// as of one update.
type State struct {
	Revision *spec.Revision
	// Devices are the devices graded, in the order given.
	Devices []*fixtures.Device
	cats    map[string]*catState
	// where locates each device in its category's state.
	where []devicePos
}

type devicePos struct {
	cat *catState
	row int
}

// catState holds the verdicts of one category: a column for each criterion,
// a row for each device.
type catState struct {
	cat   *spec.Category
	crits []*spec.Criterion
	// colOf gives the column of each criterion, by ID.
	colOf map[string]int
	// keys identify the devices by ID and content, for reuse across
	// updates.
	keys    []deviceKey
	devices []*fixtures.Device
	// index gives each row's index among the devices of the update.
	index []int
	cols  [][]cell
	// todo holds, for each column, the rows this update checked; the
	// others were copied from the previous state.
	todo [][]int
	// prevRow maps each row to the device's row in the previous state, or
	// -1; identity reports that every row maps to itself.
	prevRow  []int
	identity bool
	rows     []levelResult
	dist     []int // devices at L0 to the category's highest level
	passes   []int
}

type deviceKey struct {
	id   string
	hash uint64
}

// hashSeed seeds the content hashes of one process.
var hashSeed = maphash.MakeSeed()

// contentHash identifies a device's record by its content, and by the
// measurements its revision ignores.
func contentHash(d *fixtures.Device) uint64 {
	var h maphash.Hash
	h.SetSeed(hashSeed)
	if d.Tree != nil {
		h.Write(d.Tree.Raw())
	} else {
		h.WriteString(d.File)
		h.WriteString(strconv.Itoa(d.Line))
	}
	for _, name := range d.Ignored {
		h.WriteString("\x00" + name)
	}
	return h.Sum64()
}

// cell is one verdict and its problems.
type cell struct {
	verdict  Verdict
	problems []Problem
}

// Outcome returns the outcome of the i-th device, as Reference.Outcome would
// give it.
func (s *State) Outcome(i int) *Outcome {
	o := &Outcome{}
	s.OutcomeInto(i, o)
	return o
}

// OutcomeInto fills o with the outcome of the i-th device, reusing o's
// Checks: a writer of a large corpus builds one outcome after another
// without garbage. The outcome shares its families, flags and problems
// with the state; they must not be changed.
func (s *State) OutcomeInto(i int, o *Outcome) {
	p := s.where[i]
	d := s.Devices[i]
	if p.cat == nil {
		*o = *Determine(nil, d, nil)
		return
	}
	cs := p.cat
	checks := o.Checks[:0]
	for j, c := range cs.crits {
		cl := cs.cols[j][p.row]
		checks = append(checks, Check{Criterion: c, Verdict: cl.verdict, Problems: cl.problems})
	}
	r := cs.rows[p.row]
	*o = Outcome{Device: d, Category: cs.cat, Level: r.level, Families: r.families, Flags: r.flags, Checks: checks}
}

// Flags returns the flags of the i-th device (FlagOverClaim,
// FlagNotAssessable), without building its outcome. They are shared with
// the state and must not be changed.
func (s *State) Flags(i int) []string {
	p := s.where[i]
	if p.cat == nil {
		return Determine(nil, s.Devices[i], nil).Flags
	}
	return p.cat.rows[p.row].flags
}

// Verdict returns the verdict of the i-th device on the criterion with the
// given ID, without building its outcome; false when the device's category
// has no such criterion.
func (s *State) Verdict(i int, id string) (Verdict, bool) {
	p := s.where[i]
	if p.cat == nil {
		return 0, false
	}
	j, ok := p.cat.colOf[id]
	if !ok {
		return 0, false
	}
	return p.cat.cols[j][p.row].verdict, true
}

// Level returns the level of the i-th device, without building its
// outcome.
func (s *State) Level(i int) string {
	p := s.where[i]
	if p.cat == nil {
		return LevelNone
	}
	return p.cat.rows[p.row].level
}

// Distribution returns how many devices of a category are at each level,
// from L0 to the category's highest; for a category the revision does not
// define, only L0.
func (s *State) Distribution(category string) map[string]int {
	if cs := s.cats[category]; cs != nil {
		return cs.distribution()
	}
	return map[string]int{LevelNone: 0}
}

func (cs *catState) distribution() map[string]int {
	out := map[string]int{}
	for rank, n := range cs.dist {
		out[spec.LevelName(rank)] = n
	}
	return out
}

// Passes returns how many devices of its category pass a criterion, and how
// many it was checked against; false if the revision has no such criterion.
func (s *State) Passes(id string) (pass, of int, ok bool) {
	for _, cs := range s.cats {
		for j, c := range cs.crits {
			if c.ID == id {
				return cs.passes[j], len(cs.devices), true
			}
		}
	}
	return 0, 0, false
}

// Undiscriminating is a criterion that tells none of the devices of its
// category apart: every one passes it, or none does.
type Undiscriminating struct {
	Criterion *spec.Criterion
	// Pass is how many of the Of devices of the category pass it: all of
	// them or none.
	Pass, Of int
}

// Undiscriminating returns the criteria that every device of their
// category passes, or none does, by category and level; categories
// without devices are left out.
func (s *State) Undiscriminating() []Undiscriminating {
	var out []Undiscriminating
	for _, c := range s.Revision.Categories {
		cs := s.cats[c.Key]
		if cs == nil || len(cs.devices) == 0 {
			continue
		}
		for j, cr := range cs.crits {
			if n := cs.passes[j]; n == 0 || n == len(cs.devices) {
				out = append(out, Undiscriminating{Criterion: cr, Pass: n, Of: len(cs.devices)})
			}
		}
	}
	return out
}

// Delta is what an update changed.
type Delta struct {
	// Verdicts are the verdicts that changed, or appeared, for devices that
	// were graded before and after.
	Verdicts []VerdictChange
	// Levels are the devices whose level, family levels or flags changed.
	Levels []LevelChange
	// Distributions are the level distributions of the categories where one
	// changed, after the update.
	Distributions map[string]map[string]int
	// Passes are the pass counts of the criteria where one changed, after
	// the update.
	Passes map[string]int
	// Checks is the number of (device, criterion) verdicts decided, and
	// Fallbacks how many of them the reference path decided.
	Checks, Fallbacks int
	// Elapsed is how long the update took.
	Elapsed time.Duration
}

// VerdictChange is one verdict before and after an update.
type VerdictChange struct {
	Device string
	// Index is the device's index among the devices updated.
	Index     int
	Criterion string
	// Before is the zero Check when the criterion is new.
	Before, After Check
}

// LevelChange is one device's level before and after an update.
type LevelChange struct {
	Device string
	// Index is the device's index among the devices updated.
	Index         int
	Before, After string
}

// Update grades devices under rev, reusing every verdict of the previous
// state whose criterion and device are unchanged, and returns what changed.
// On error (ctx done, a revision that cannot be evaluated) the state is left
// as it was.
func (e *Engine) Update(ctx context.Context, rev *spec.Revision, devices []*fixtures.Device) (*Delta, error) {
	start := time.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	old := e.state.Load()
	next := &State{Revision: rev, Devices: devices, cats: map[string]*catState{}, where: make([]devicePos, len(devices))}
	delta := &Delta{Distributions: map[string]map[string]int{}, Passes: map[string]int{}}

	// The same devices as before (a drafter's edit): keep their grouping
	// by category, which costs a map operation a device to redo.
	same := len(devices) == len(old.Devices) && len(devices) > 0 && &devices[0] == &old.Devices[0] &&
		sameCategories(rev, old.Revision)
	var byCat map[string][]int
	if !same {
		byCat = map[string][]int{}
		for i, d := range devices {
			byCat[d.Category] = append(byCat[d.Category], i)
		}
	}
	var jobs []*colJob
	for _, c := range rev.Categories {
		cs := &catState{cat: c, dist: make([]int, c.Top()+1), colOf: map[string]int{}}
		for _, l := range c.Levels {
			cs.crits = append(cs.crits, l.Criteria...)
		}
		for j, cr := range cs.crits {
			if _, ok := cs.colOf[cr.ID]; !ok {
				cs.colOf[cr.ID] = j
			}
		}
		prev := old.cats[c.Key]
		if same {
			if prev != nil {
				cs.devices, cs.keys, cs.index = prev.devices, prev.keys, prev.index
			}
		} else {
			for row, i := range byCat[c.Key] {
				d := devices[i]
				cs.devices = append(cs.devices, d)
				if prev != nil && row < len(prev.devices) && prev.devices[row] == d {
					// The same device as before: its key is known.
					cs.keys = append(cs.keys, prev.keys[row])
				} else {
					cs.keys = append(cs.keys, deviceKey{d.ID, contentHash(d)})
				}
				cs.index = append(cs.index, i)
				next.where[i] = devicePos{cs, row}
			}
		}
		next.cats[c.Key] = cs
		js, err := e.plan(rev, cs, prev)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, js...)
	}
	if same {
		for i, p := range old.where {
			if p.cat != nil {
				next.where[i] = devicePos{next.cats[p.cat.cat.Key], p.row}
			}
		}
	}
	if err := e.run(ctx, rev, jobs, delta); err != nil {
		return nil, err
	}
	for _, cs := range next.cats {
		e.finish(cs, old.cats[cs.cat.Key], delta)
	}
	delta.Elapsed = time.Since(start)
	e.state.Store(next)
	return delta, nil
}

// sameCategories reports whether two revisions have the same category keys
// in the same order.
func sameCategories(a, b *spec.Revision) bool {
	if a == nil || b == nil || len(a.Categories) != len(b.Categories) {
		return false
	}
	for i, c := range a.Categories {
		if b.Categories[i].Key != c.Key {
			return false
		}
	}
	return true
}

// colJob decides the verdicts of one criterion on the devices of its
// category that the previous state cannot give.
type colJob struct {
	cs   *catState
	col  int
	prog *program
	// todo are the rows to check, in order; the other rows of the column
	// are already filled from the previous state.
	todo []int
}

// plan makes the columns of a category, filled from the previous state
// where the criterion's meaning and the device are unchanged, and the jobs
// that fill the rest.
func (e *Engine) plan(rev *spec.Revision, cs, old *catState) ([]*colJob, error) {
	n := len(cs.devices)
	cs.prevRow = make([]int, n)
	cs.identity = old != nil && len(old.keys) == n
	for r := range cs.prevRow {
		if !cs.identity || old.keys[r] != cs.keys[r] {
			cs.identity = false
			break
		}
		cs.prevRow[r] = r
	}
	if !cs.identity {
		oldRows := map[deviceKey]int{}
		if old != nil {
			for r, k := range old.keys {
				oldRows[k] = r
			}
		}
		for r, k := range cs.keys {
			if pr, ok := oldRows[k]; ok {
				cs.prevRow[r] = pr
			} else {
				cs.prevRow[r] = -1
			}
		}
	}
	oldCols := map[string][]cell{}
	if old != nil {
		for j, c := range old.crits {
			oldCols[c.ID+"\x00"+c.RequireFingerprint] = old.cols[j]
		}
	}
	cs.cols = make([][]cell, len(cs.crits))
	cs.todo = make([][]int, len(cs.crits))
	var jobs []*colJob
	for j, c := range cs.crits {
		prevCol, had := oldCols[c.ID+"\x00"+c.RequireFingerprint]
		if had && cs.identity {
			// Nothing that decides this column changed: share it. Columns
			// are never written once a state is stored.
			cs.cols[j] = prevCol
			continue
		}
		col := make([]cell, n)
		cs.cols[j] = col
		job := &colJob{cs: cs, col: j}
		for r := range col {
			if had && cs.prevRow[r] >= 0 {
				col[r] = prevCol[cs.prevRow[r]]
				continue
			}
			job.todo = append(job.todo, r)
		}
		if len(job.todo) > 0 {
			job.prog = e.program(rev, c)
			jobs = append(jobs, job)
			cs.todo[j] = job.todo
		}
	}
	return jobs, nil
}

// program returns the compiled criterion, or nil when it does not compile.
func (e *Engine) program(rev *spec.Revision, c *spec.Criterion) *program {
	defined := func(name string) bool { return rev.Measurement(name) != nil }
	// The same require compiles alike under revisions that define the same
	// of its measurements.
	key := c.RequireFingerprint
	for _, f := range c.Fields {
		if l := f.Labels; len(l) > 1 && l[0] == "measurements" && !defined(l[1]) {
			key += "\x00" + l[1]
		}
	}
	if p, ok := e.programs[key]; ok {
		// The same require under another ID or revision: the tests are the
		// same, the criterion and its texts are this one's.
		if p.crit == c {
			return p
		}
		q := *p
		q.crit = c
		q.fields = make([]compiledField, len(p.fields))
		for i, f := range p.fields {
			f.constraint = constraintByPath(c, f.constraint.Path)
			if f.constraint != nil {
				f.needs = constraintText(f.constraint)
				f.needsAt = make([]string, len(f.labels))
				for k := range f.labels {
					f.needsAt[k] = needsOf(c, f.labels[:k+1])
				}
			}
			q.fields[i] = f
		}
		if slices.ContainsFunc(q.fields, func(f compiledField) bool { return f.constraint == nil }) {
			return e.compile(key, c, defined)
		}
		return &q
	}
	if _, ok := e.refused[key]; ok {
		return nil
	}
	return e.compile(key, c, defined)
}

func (e *Engine) compile(key string, c *spec.Criterion, defined func(string) bool) *program {
	p, err := compileCriterion(c, defined)
	if err != nil {
		e.refused[key] = err
		return nil
	}
	e.programs[key] = p
	return p
}

func constraintByPath(c *spec.Criterion, path string) *spec.Constraint {
	for _, f := range c.Fields {
		if f.Path == path {
			return f
		}
	}
	return nil
}

// reference returns the reference evaluator of a revision, building it on
// first use.
func (e *Engine) reference(rev *spec.Revision) (*Reference, error) {
	if r, ok := e.refs[rev]; ok {
		return r, nil
	}
	r, err := NewReference(rev)
	if err != nil {
		return nil, err
	}
	// Keep the last few revisions only: a drafter's edits make many.
	if len(e.refs) > 4 {
		clear(e.refs)
	}
	e.refs[rev] = r
	return r, nil
}

// chunk is how many rows a worker checks between looks at the context.
const chunk = 512

// run decides the jobs' verdicts on every core. Work is split into ranges
// of rows of one category, and within a range it goes device by device,
// every criterion of the device in turn: a record is read from memory once,
// not once for each criterion.
func (e *Engine) run(ctx context.Context, rev *spec.Revision, jobs []*colJob, delta *Delta) error {
	type task struct {
		jobs       []*colJob // of one category
		start, end int       // rows
	}
	byCat := map[*catState][]*colJob{}
	var cats []*catState
	for _, j := range jobs {
		if byCat[j.cs] == nil {
			cats = append(cats, j.cs)
		}
		byCat[j.cs] = append(byCat[j.cs], j)
		delta.Checks += len(j.todo)
	}
	var tasks []task
	for _, cs := range cats {
		for s := 0; s < len(cs.devices); s += chunk {
			tasks = append(tasks, task{byCat[cs], s, min(s+chunk, len(cs.devices))})
		}
	}
	// The reference path is built only if a verdict needs it.
	reference := sync.OnceValues(func() (*Reference, error) { return e.reference(rev) })
	workers := e.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		next      atomic.Int64
		fallbacks atomic.Int64
		wg        sync.WaitGroup
		errOnce   sync.Once
		runErr    error
	)
	fail := func(err error) { errOnce.Do(func() { runErr = err }) }
	for range min(workers, max(len(tasks), 1)) {
		wg.Go(func() {
			var todo [][]int
			for {
				i := int(next.Add(1) - 1)
				if i >= len(tasks) {
					return
				}
				if err := ctx.Err(); err != nil {
					fail(fmt.Errorf("evaluating %s: %w", rev.ID, context.Cause(ctx)))
					return
				}
				t := tasks[i]
				// Each job's rows within the task's range, in order.
				todo = todo[:0]
				for _, j := range t.jobs {
					lo, _ := slices.BinarySearch(j.todo, t.start)
					hi, _ := slices.BinarySearch(j.todo, t.end)
					todo = append(todo, j.todo[lo:hi])
				}
				for r := t.start; r < t.end; r++ {
					var d *fixtures.Device
					for k, j := range t.jobs {
						if len(todo[k]) == 0 || todo[k][0] != r {
							continue
						}
						todo[k] = todo[k][1:]
						if d == nil {
							d = j.cs.devices[r]
						}
						var c Check
						ok := false
						if j.prog != nil {
							c, ok = j.prog.run(d)
						}
						if !ok {
							ref, err := reference()
							if err != nil {
								fail(err)
								return
							}
							fallbacks.Add(1)
							c = ref.Check(d, j.cs.crits[j.col])
						}
						j.cs.cols[j.col][r] = cell{verdict: c.Verdict, problems: c.Problems}
					}
				}
			}
		})
	}
	wg.Wait()
	if runErr != nil {
		return runErr
	}
	delta.Fallbacks = int(fallbacks.Load())
	return nil
}

// finish decides the levels and aggregates of a category whose columns are
// full, and records in delta what changed since the previous state.
func (e *Engine) finish(cs, old *catState, delta *Delta) {
	n := len(cs.devices)
	prevRow := cs.prevRow
	oldCol := map[string]int{}
	if old != nil {
		for j, c := range old.crits {
			oldCol[c.ID] = j
		}
	}
	sameShape := old != nil && shape(old.cat, old.crits) == shape(cs.cat, cs.crits)
	identity := cs.identity
	dirty := make([]bool, n)
	anyDirty := false
	for r, pr := range prevRow {
		if pr < 0 {
			dirty[r], anyDirty = true, true
		}
	}
	cs.passes = make([]int, len(cs.crits))
	for j, c := range cs.crits {
		oj, had := oldCol[c.ID]
		if had && identity && cs.todo[j] == nil {
			cs.passes[j] = old.passes[oj]
			continue
		}
		for r := range cs.cols[j] {
			if cs.cols[j][r].verdict == Pass {
				cs.passes[j]++
			}
		}
		if !had || old.passes[oj] != cs.passes[j] {
			delta.Passes[c.ID] = cs.passes[j]
		}
		// Only the rows checked afresh can differ from before.
		for _, r := range cs.todo[j] {
			cl := &cs.cols[j][r]
			pr := prevRow[r]
			if pr < 0 {
				continue
			}
			var before cell
			if had {
				before = old.cols[oj][pr]
			}
			if had && before.verdict == cl.verdict && slices.Equal(before.problems, cl.problems) {
				continue
			}
			dirty[r], anyDirty = true, true
			change := VerdictChange{Device: cs.devices[r].ID, Index: cs.index[r], Criterion: c.ID, After: Check{Criterion: c, Verdict: cl.verdict, Problems: cl.problems}}
			if had {
				change.Before = Check{Criterion: old.crits[oj], Verdict: before.verdict, Problems: before.problems}
			}
			delta.Verdicts = append(delta.Verdicts, change)
		}
	}
	if old != nil {
		kept := map[string]bool{}
		for _, c := range cs.crits {
			kept[c.ID] = true
		}
		for j, c := range old.crits {
			if kept[c.ID] {
				continue
			}
			for r, pr := range prevRow {
				if pr >= 0 {
					dirty[r], anyDirty = true, true
					cl := old.cols[j][pr]
					delta.Verdicts = append(delta.Verdicts, VerdictChange{Device: cs.devices[r].ID, Index: cs.index[r], Criterion: c.ID,
						Before: Check{Criterion: c, Verdict: cl.verdict, Problems: cl.problems}})
				}
			}
		}
	}
	if identity && sameShape && !anyDirty {
		// No level can have changed: share the rows.
		cs.rows, cs.dist = old.rows, old.dist
		return
	}
	cs.rows = make([]levelResult, n)
	cs.dist = make([]int, cs.cat.Top()+1)
	// The rows to decide again, on every core when there are many.
	var redo []int
	for r := range n {
		if pr := prevRow[r]; sameShape && pr >= 0 && !dirty[r] {
			cs.rows[r] = old.rows[pr]
		} else {
			redo = append(redo, r)
		}
	}
	dec := newDecider(cs.cat, cs.crits)
	workers := 1
	if len(redo) >= parallelRows {
		workers = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			verdicts := make([]Verdict, len(cs.crits))
			for k := w; k < len(redo); k += workers {
				r := redo[k]
				for j := range cs.crits {
					verdicts[j] = cs.cols[j][r].verdict
				}
				cs.rows[r] = dec.decide(verdicts, cs.devices[r].ClaimedLevel)
			}
		})
	}
	wg.Wait()
	for _, r := range redo {
		if pr := prevRow[r]; pr >= 0 && !sameLevel(old.rows[pr], cs.rows[r]) {
			delta.Levels = append(delta.Levels, LevelChange{Device: cs.devices[r].ID, Index: cs.index[r], Before: old.rows[pr].level, After: cs.rows[r].level})
		}
	}
	for r := range n {
		cs.dist[LevelIndex(cs.rows[r].level)]++
	}
	if old == nil || !slices.Equal(old.dist, cs.dist) {
		delta.Distributions[cs.cat.Key] = cs.distribution()
	}
}

// parallelRows is how many rows of a category an update decides again on
// every core rather than on one.
var parallelRows = 4096

// shape describes what decides levels in a category besides verdicts: the
// determination, the levels and their statuses, and each criterion's level
// and family.
func shape(cat *spec.Category, crits []*spec.Criterion) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %v;", cat.Determination.Rule, cat.Determination.Families)
	for _, l := range cat.Levels {
		fmt.Fprintf(&b, "%s=%s;", l.Name, l.Status)
	}
	for _, c := range crits {
		fmt.Fprintf(&b, "%s@%s/%s;", c.ID, c.Level, c.Family)
	}
	return b.String()
}

func sameLevel(a, b levelResult) bool {
	return a.level == b.level && slices.Equal(a.families, b.families) && slices.Equal(a.flags, b.flags)
}
