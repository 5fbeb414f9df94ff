package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/evaluator/report"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/termtext"
)

var evalCommand = &command{
	name:    "eval",
	args:    "[--rev ID] [--corpus PATH]... [--format table|json|csv]",
	summary: "grade a corpus of devices under a revision",
	help: `
Eval grades every device of a corpus under one revision (default: the
newest published one): each criterion of the device's category passes,
fails, or lacks evidence, and the device's level follows from them. The
corpus is the workspace's reference corpus (fixtures/devices), or the files
and directories given with --corpus (JSON, JSON Lines and YAML).

--format table prints a row a device and the number of devices at each
level per category; json prints every verdict with its reason; csv a row a
device, for spreadsheets.

Records that do not decode or break the revision's #Device schema are not
graded: each is reported on stderr as file:line:col: field: message (the
first 100; the others are counted by file), and listed under "invalid" in
JSON (1,000 a file; the others are counted). Only regular files are read,
and a symbolic link in a corpus folder must lead inside it.

The corpus is read twice, so that it is never held whole: once to validate
and sort it, once to grade and print it in order. A file that changes
between the two is an error. On a large corpus, when stderr is a terminal
and stdout is not, a progress line on stderr shows how far eval is. Exit code 0: all graded; 2:
some records are invalid, a file changed, or bad usage.`,
	flags: func(fs *flag.FlagSet, e *env) func([]string) int {
		rev := fs.String("rev", "", "grade under the revision `ID` (default: the newest published)")
		var corpus stringList
		fs.Var(&corpus, "corpus", "grade the devices in `PATH`, a file or directory (repeatable; default: the reference corpus)")
		format := formatFlag(fs, "table", "json", "csv")
		dir := workspaceFlag(fs)
		return func(args []string) int {
			if len(args) > 0 {
				return e.errorf("unexpected argument %q (give device files with --corpus)", args[0])
			}
			if code := e.checkFormat(*format, "table", "json", "csv"); code != exitOK {
				return code
			}
			return eval(e, *dir, *rev, corpus, *format)
		}
	},
}

// eval grades a corpus under one revision and prints every outcome. The
// corpus is streamed (evaluator.Streamed): read and validated a batch at a
// time, keeping a key a device; then read again in the order shown, graded
// and written a batch at a time. On a large corpus, a terminal on stderr
// shows how far it is.
func eval(e *env, dir, revID string, paths []string, format string) int {
	ws, std, code := e.loadStandard(dir)
	if code != exitOK {
		return code
	}
	rev, err := std.Choose(revID, spec.RevisionPublished)
	if err != nil {
		return e.revisionError(err)
	}
	var noted string
	if revID == "" {
		noted = e.noteStandIn(std, rev, "graded under", spec.RevisionPublished)
	}
	// A batch makes much garbage and keeps little: collect it less often
	// (faster on the 2-core development machine), within 768 MiB.
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(768 << 20)
	bar := e.newProgress()
	s := evaluator.NewStreamed(rev, fixtures.VocabularyOf(std))
	s.Batch = evalBatch
	src, err := fixtures.StreamCorpus(ws, len(paths) == 0, paths, evalBatch, func(records []*fixtures.Record) error {
		bar.add(len(records))
		return s.Add(records)
	})
	if err != nil {
		bar.clear()
		return e.errorf("%v", err)
	}
	s.Sort(src)
	bar.total(s.Count())
	// An error of the second pass is one of reading the corpus, not of
	// writing the output.
	var readErr error
	g := report.FromStream(rev, s.Count(), s.Invalid(), func(write func([]*fixtures.Device, report.Results) error) error {
		var writeErr error
		err := s.Each(context.Background(), func(devices []*fixtures.Device, st *evaluator.State) error {
			writeErr = write(devices, st)
			bar.add(len(devices))
			return writeErr
		})
		if err != nil && writeErr == nil {
			readErr = err
		}
		return err
	})
	err = e.writeEval(g, format)
	bar.clear()
	if readErr != nil {
		return e.errorf("%v", readErr)
	}
	if err != nil {
		return e.outputError(err)
	}
	if len(g.Invalid) > 0 {
		code := e.invalidRecords(g.Invalid, "in the corpus: those records were not graded")
		e.noteBroken(std, rev, "graded under", noted)
		return code
	}
	return exitOK
}

// writeEval writes a grading in eval's format.
func (e *env) writeEval(g *report.Graded, format string) error {
	switch format {
	case "json":
		return report.WriteEvalJSON(e.data(), g)
	case "csv":
		return report.WriteEvalCSV(e.data(), g)
	default:
		return report.WriteEvalTable(e.stdout, g)
	}
}

// evalBatch is how many records eval reads, checks and grades at once; tests
// make it small.
var evalBatch = evaluator.StreamBatch

// progress draws eval's progress on stderr, when stderr is a terminal and
// the corpus is large: the records read, then a bar of the devices graded
// and written. It draws on one line, at most ten times a second, and clears
// it when eval ends. A nil progress draws nothing.
type progress struct {
	// w is stderr as given (a terminal), and flush writes what the text
	// writer of stderr holds first.
	w     io.Writer
	flush func()
	now   func() time.Time
	start time.Time
	// drawn is when the line was last drawn, or zero when it is not on
	// the screen.
	drawn time.Time
	// n is the records read, or the devices graded once of is set: the
	// number of devices.
	n, of   int
	grading bool
}

// Thresholds of the progress line: it is drawn once the corpus holds more
// than progressRecords records, or eval has run for progressAfter, and
// redrawn every progressEvery at most.
const (
	progressRecords = 20_000
	progressAfter   = 500 * time.Millisecond
	progressEvery   = 100 * time.Millisecond
)

// newProgress returns the progress of the running command, or nil when
// stderr is not a terminal, or stdout is one (where the line would be drawn
// among the output).
func (e *env) newProgress() *progress {
	if !e.errTerminal || e.terminal {
		return nil
	}
	flush := func() {
		if tw, ok := e.stderr.(*termtext.Writer); ok {
			tw.Flush()
		}
	}
	now := e.now
	if now == nil {
		now = time.Now
	}
	return &progress{w: e.errOut, flush: flush, now: now, start: now()}
}

// add counts records read, or devices graded and written once total was
// called.
func (p *progress) add(n int) {
	if p == nil {
		return
	}
	p.n += n
	p.draw(false)
}

// total starts the bar of the devices graded, of which there are n.
func (p *progress) total(n int) {
	if p == nil {
		return
	}
	p.grading, p.n, p.of = true, 0, n
	p.draw(true)
}

// draw draws the line, unless the corpus is small or it was drawn less
// than progressEvery ago; force draws it whenever it is due at all.
func (p *progress) draw(force bool) {
	now := p.now()
	large := p.n > progressRecords || p.of > progressRecords || now.Sub(p.start) >= progressAfter
	if !large || (!force && !p.drawn.IsZero() && now.Sub(p.drawn) < progressEvery) {
		return
	}
	if p.drawn.IsZero() {
		p.flush()
	}
	p.drawn = now
	var line string
	if !p.grading {
		line = fmt.Sprintf("reading the corpus: %d records", p.n)
	} else {
		const width = 30
		done := 0
		if p.of > 0 {
			done = min(p.n*width/p.of, width)
		}
		line = fmt.Sprintf("grading [%s%s] %d/%d devices", strings.Repeat("#", done), strings.Repeat(".", width-done), p.n, p.of)
	}
	// Back to the start of the line, the text, and the rest of the line
	// cleared.
	fmt.Fprintf(p.w, "\r%s\x1b[K", line)
}

// clear erases the line, if it was drawn.
func (p *progress) clear() {
	if p == nil || p.drawn.IsZero() {
		return
	}
	fmt.Fprint(p.w, "\r\x1b[K")
	p.drawn = time.Time{}
}
