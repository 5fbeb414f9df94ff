package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"

	"github.com/charmbracelet/x/term"
	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

var diffCommand = &command{
	name:    "diff",
	args:    "[BASE [TARGET]] [--format text|md|json] [--stat] [--exit-code]",
	summary: "compare two revisions: changes, impact on devices, redline",
	help: `
Diff compares a base revision with a target revision in three ways:

  criterion changes  criteria matched by ID and classified: added, removed,
                     tightened (the new require admits a subset of what the
                     old admitted, by CUE's subsumption), loosened (a
                     superset), changed (neither, or not provable), moved (to
                     another level) and edited (title or metadata); with
                     level statuses, determinations and the measurement
                     vocabulary
  impact             the corpus graded under each revision: per category the
                     from-level × to-level matrix, the devices that moved and
                     the criteria that moved them, pass counts before and
                     after, and devices whose verdicts changed but not their
                     level
  redline            the CUE files of both revisions, matched by path, as
                     hunks with the changed words marked

With no revisions it compares the newest published revision with the newest
draft; with one, that revision with the one it was forked from (its base).
A revision may be read from git as ID@REV, such as gbz177-l4-draft@HEAD~1,
from the repository that holds the workspace.

The corpus is the workspace's reference corpus, and the files and
directories given with --corpus too. A record that is invalid under both
revisions is reported on stderr (exit 2); one that is invalid under one
revision only is part of the impact.

--format text prints a summary, the criterion changes, the impact and the
redline (--stat: the summary only); md a report to paste into a ballot
comment or a pull request; json all of it for programs.

Exit code 0: the diff was printed and, with --exit-code, no criterion, level,
category, measurement or device level or verdict differs; 1: with
--exit-code, something differs; 2: an unknown revision (the available ones
are listed), an invalid record, or bad usage.`,
	flags: func(fs *flag.FlagSet, e *env) func([]string) int {
		format := formatFlag(fs, "text", "md", "json")
		stat := fs.Bool("stat", false, "print the summary only (text)")
		side := fs.Bool("side-by-side", false, "print the redline in two columns, fitting the width (text)")
		color := fs.String("color", "auto", "color the text output: `WHEN` is auto (on a terminal, unless NO_COLOR is set), always or never")
		width := fs.Int("width", 0, "lay the text output out for `N` columns (default: the terminal's width, else $COLUMNS, else 80)")
		exitCode := fs.Bool("exit-code", false, "exit 1 when anything other than the text differs")
		var corpus stringList
		fs.Var(&corpus, "corpus", "add the devices in `PATH`, a file or directory, to the reference corpus (repeatable)")
		dir := workspaceFlag(fs)
		return func(args []string) int {
			if code := checkFormat(e, *format, "text", "md", "json"); code != exitOK {
				return code
			}
			if len(args) > 2 {
				return e.errorf("give at most two revisions, BASE and TARGET; got %d", len(args))
			}
			if !slices.Contains([]string{"auto", "always", "never"}, *color) {
				return e.errorf("unknown --color %q; want auto, always or never", *color)
			}
			if *width != 0 && *width < minDiffWidth {
				return e.errorf("--width must be at least %d", minDiffWidth)
			}
			opts := diffOptions{format: *format, stat: *stat, sideBySide: *side, exitCode: *exitCode}
			opts.color, opts.width = terminalLayout(e.stdout, *color, *width)
			return diff(e, *dir, args, corpus, opts)
		}
	},
}

// minDiffWidth is the narrowest layout of the text report.
const minDiffWidth = 40

type diffOptions struct {
	format     string
	stat       bool
	sideBySide bool
	exitCode   bool
	color      bool
	width      int
}

// terminalLayout decides whether to color the output and how wide to lay it
// out.
func terminalLayout(w io.Writer, color string, width int) (bool, int) {
	f, isFile := w.(*os.File)
	tty := isFile && term.IsTerminal(f.Fd())
	useColor := color == "always" || (color == "auto" && tty && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb")
	if width > 0 {
		return useColor, width
	}
	if tty {
		if cols, _, err := term.GetSize(f.Fd()); err == nil && cols > 0 {
			return useColor, max(cols, minDiffWidth)
		}
	}
	if cols, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && cols > 0 {
		return useColor, max(cols, minDiffWidth)
	}
	return useColor, 80
}

// diffResult is everything diff found, for the writers.
type diffResult struct {
	base, target       revisionRef
	baseRev, targetRev *spec.Revision
	changes            *spec.Changes
	files              []spec.FileDiff
	impact             *evaluator.Impact
	// corpus names the corpus graded, for the reader.
	corpus string
}

// differs reports whether anything but the text differs, for --exit-code.
func (r *diffResult) differs() bool {
	c := r.changes
	return len(c.Categories) > 0 || len(c.Levels) > 0 || len(c.Criteria) > 0 || len(c.Measurements) > 0 || !r.impact.Empty()
}

func diff(e *env, dir string, args, corpusPaths []string, opts diffOptions) int {
	std, err := loadStandard(dir)
	if err != nil {
		return e.errorf("%v", err)
	}
	r := &diffResult{}
	var code int
	switch len(args) {
	case 0:
		r.baseRev, code = std.choose(e, "", spec.RevisionPublished)
		if code != exitOK {
			return code
		}
		r.targetRev = std.Newest(spec.RevisionDraft)
		if r.targetRev == nil && len(std.Broken) > 0 {
			// The draft may be among the revisions that do not compile.
			for _, id := range std.IDs {
				if err, ok := std.Broken[id]; ok {
					printLoadError(e, err)
				}
			}
			return exitUsage
		}
		if r.targetRev == nil {
			return e.errorf("%s has no draft to compare %s with; name the revisions: ladder diff BASE TARGET", std.ws.describe(), r.baseRev.ID)
		}
		r.base, r.target = revisionRef{ID: r.baseRev.ID}, revisionRef{ID: r.targetRev.ID}
	case 1:
		r.target = parseRevisionRef(args[0])
		if r.targetRev, code = std.resolve(e, r.target); code != exitOK {
			return code
		}
		if r.targetRev.Base == "" {
			return e.errorf("revision %s has no base revision to compare it with; name one: ladder diff BASE %s", r.target, r.target)
		}
		r.base = revisionRef{ID: r.targetRev.Base}
		if r.baseRev, code = std.resolve(e, r.base); code != exitOK {
			return code
		}
	default:
		r.base, r.target = parseRevisionRef(args[0]), parseRevisionRef(args[1])
		if r.baseRev, code = std.resolve(e, r.base); code != exitOK {
			return code
		}
		if r.targetRev, code = std.resolve(e, r.target); code != exitOK {
			return code
		}
	}
	r.changes = spec.Compare(r.baseRev, r.targetRev)
	r.files = spec.Redline(r.baseRev, r.targetRev)

	corpus, err := std.ws.loadCorpusWith(true, corpusPaths)
	if err != nil {
		return e.errorf("%v", err)
	}
	r.corpus = std.ws.DisplayPath(fixtures.DevicesDir)
	for _, p := range corpusPaths {
		r.corpus += ", " + p
	}
	invalid, err := r.grade(std, corpus)
	if err != nil {
		return e.errorf("%v", err)
	}

	switch opts.format {
	case "json":
		err = writeDiffJSON(e.stdout, r)
	case "md":
		err = writeDiffMarkdown(e.stdout, r)
	default:
		err = writeDiffText(e.stdout, r, opts)
	}
	if err != nil {
		return e.errorf("writing the diff: %v", err)
	}
	if len(invalid) > 0 {
		printProblems(e, invalid)
		return e.errorf("%d %s in the corpus: those records were not graded",
			len(invalid), plural(len(invalid), "problem", "problems"))
	}
	if opts.exitCode && r.differs() {
		return exitNo
	}
	return exitOK
}

// resolve returns the revision a reference names: from the workspace, or
// from its git history.
func (s *standard) resolve(e *env, ref revisionRef) (*spec.Revision, int) {
	if ref.Git == "" {
		return s.revision(e, ref.ID)
	}
	ws, err := s.ws.gitWorkspace(ref.Git)
	if err != nil {
		return nil, e.errorf("%v", err)
	}
	ids, err := ws.Revisions()
	if err != nil {
		return nil, e.errorf("reading %s: %v", ref, err)
	}
	if !slices.Contains(ids, ref.ID) {
		var available []string
		for _, id := range ids {
			available = append(available, id+"@"+ref.Git)
		}
		return nil, e.errorf("%v", &spec.UnknownRevisionError{ID: ref.String(), Available: available})
	}
	ctx, cancel := context.WithTimeoutCause(context.Background(), loadTimeout,
		fmt.Errorf("it did not compile within %v", loadTimeout))
	defer cancel()
	rev, err := ws.LoadContext(ctx, ref.ID)
	if err != nil {
		printLoadError(e, err)
		return nil, exitUsage
	}
	return rev, exitOK
}

// grade grades the corpus under both revisions and sets their impact. It
// returns the problems of the records that neither revision could grade.
func (r *diffResult) grade(std *standard, corpus *fixtures.Corpus) ([]*fixtures.Problem, error) {
	// Measurements that any revision defines, those read from git too,
	// are ignored by a revision that does not.
	vocab := fixtures.NewVocabulary(append(slices.Clone(std.Revisions), r.baseRev, r.targetRev)...)
	before, err := evaluator.Grade(context.Background(), r.baseRev, corpus.Records, vocab)
	if err != nil {
		return nil, err
	}
	after, err := evaluator.Grade(context.Background(), r.targetRev, corpus.Records, vocab)
	if err != nil {
		return nil, err
	}
	var invalid []*fixtures.Problem
	r.impact, invalid = evaluator.CompareGradings(before, after)
	return append(slices.Clone(corpus.Problems), invalid...), nil
}
