package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/evaluator/report"
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
		var width widthValue
		fs.Var(&width, "width", fmt.Sprintf("lay the text output out for `N` columns, from %d to %d (default: the terminal's width, else $COLUMNS, else 80)", report.MinTextWidth, report.MaxTextWidth))
		exitCode := fs.Bool("exit-code", false, "exit 1 when anything other than the text differs")
		var corpus stringList
		fs.Var(&corpus, "corpus", "add the devices in `PATH`, a file or directory, to the reference corpus (repeatable)")
		dir := workspaceFlag(fs)
		return func(args []string) int {
			if code := e.checkFormat(*format, "text", "md", "json"); code != exitOK {
				return code
			}
			if len(args) > 2 {
				return e.errorf("give at most two revisions, BASE and TARGET; got %d", len(args))
			}
			if !slices.Contains([]string{"auto", "always", "never"}, *color) {
				return e.errorf("unknown --color %q; want auto, always or never", *color)
			}
			opts := report.TextOptions{Stat: *stat, SideBySide: *side}
			opts.Color, opts.Width = terminalLayout(e.raw, *color, int(width))
			return diff(e, *dir, args, corpus, opts, *format, *exitCode)
		}
	},
}

// widthValue is the --width flag: a number of columns from
// report.MinTextWidth to report.MaxTextWidth, or 0 when not given.
type widthValue int

func (w *widthValue) String() string { return strconv.Itoa(int(*w)) }

func (w *widthValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < report.MinTextWidth || n > report.MaxTextWidth {
		return fmt.Errorf("want a number of columns from %d to %d", report.MinTextWidth, report.MaxTextWidth)
	}
	*w = widthValue(n)
	return nil
}

// terminalLayout decides whether to color the output and how wide to lay it
// out: width if given, else the terminal's width, else $COLUMNS, else 80.
// A terminal or a $COLUMNS wider than report.MaxTextWidth, or narrower
// than report.MinTextWidth, gets the nearest; a $COLUMNS that is not a
// positive number is ignored.
func terminalLayout(w io.Writer, color string, width int) (bool, int) {
	f, isFile := w.(*os.File)
	tty := isFile && term.IsTerminal(f.Fd())
	useColor := color == "always" || (color == "auto" && tty && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb")
	if width > 0 {
		return useColor, report.ClampWidth(width)
	}
	if tty {
		if cols, _, err := term.GetSize(f.Fd()); err == nil && cols > 0 {
			return useColor, report.ClampWidth(cols)
		}
	}
	if cols, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && cols > 0 {
		return useColor, report.ClampWidth(cols)
	}
	return useColor, 80
}

// diff compares two revisions of the workspace and prints the review.
func diff(e *env, dir string, args, corpusPaths []string, opts report.TextOptions, format string, exitCode bool) int {
	ws, std, code := e.loadStandard(dir)
	if code != exitOK {
		return code
	}
	r := &report.Diff{}
	if code := e.diffRevisions(ws, std, args, r); code != exitOK {
		return code
	}
	r.Changes = spec.Compare(r.BaseRev, r.TargetRev)
	r.Files = spec.Redline(r.BaseRev, r.TargetRev)

	corpus, err := fixtures.LoadCorpus(ws, true, corpusPaths)
	if err != nil {
		return e.errorf("%v", err)
	}
	r.Corpus = strings.Join(append([]string{ws.DisplayPath(fixtures.DevicesDir)}, corpusPaths...), ", ")
	// Measurements that any revision defines, those read from git too,
	// are ignored by a revision that does not.
	known := fixtures.VocabularyOf(std)
	for _, name := range slices.Concat(r.BaseRev.Measurements, r.TargetRev.Measurements) {
		known[name.Name] = true
	}
	c, err := evaluator.Compare(context.Background(), corpus, known, r.BaseRev, r.TargetRev)
	if err != nil {
		return e.errorf("%v", err)
	}
	r.Impact = c.Impact

	switch format {
	case "json":
		err = report.WriteDiffJSON(e.data(), r)
	case "md":
		err = report.WriteDiffMarkdown(e.stdout, r)
	default:
		// The colors are the report's own, and it makes the text from
		// data safe field by field.
		w := e.stdout
		if opts.Color {
			w = e.out
		}
		err = report.WriteDiffText(w, r, opts)
	}
	if err != nil {
		return e.outputError(err)
	}
	if len(c.Invalid) > 0 {
		code := e.invalidRecords(c.Invalid, "in the corpus: those records were not graded")
		e.noteBroken(std, r.TargetRev, "graded under "+r.BaseRev.ID+" and", "")
		return code
	}
	if exitCode && r.Differs() {
		return exitNo
	}
	return exitOK
}

// diffRevisions sets the revisions to compare: by default the newest
// published revision and the newest draft; with one argument, that revision
// and its base; with two, those.
func (e *env) diffRevisions(ws *spec.Workspace, std *spec.Standard, args []string, r *report.Diff) int {
	var err error
	switch len(args) {
	case 0:
		if r.BaseRev, err = std.Choose("", spec.RevisionPublished); err != nil {
			return e.revisionError(err)
		}
		// The newest published revision and the newest draft are meant,
		// whether they compile or not: no other stands in for them.
		if id, err := std.Meant(r.BaseRev, spec.RevisionPublished); id != "" {
			return e.revisionError(err)
		}
		r.TargetRev = std.Newest(spec.RevisionDraft)
		if id, err := std.Meant(r.TargetRev, spec.RevisionDraft); id != "" && r.TargetRev != nil {
			return e.revisionError(err)
		}
		if r.TargetRev == nil && len(std.Broken) > 0 {
			// The draft may be among the revisions that do not compile.
			for _, id := range std.IDs {
				if err, ok := std.Broken[id]; ok {
					e.revisionError(err)
				}
			}
			return exitUsage
		}
		if r.TargetRev == nil {
			return e.errorf("%s has no draft to compare %s with; name the revisions: ladder diff BASE TARGET", ws.Describe(), r.BaseRev.ID)
		}
		r.Base, r.Target = spec.RevisionRef{ID: r.BaseRev.ID}, spec.RevisionRef{ID: r.TargetRev.ID}
		return exitOK
	case 1:
		r.Target = spec.ParseRevisionRef(args[0])
		if r.TargetRev, err = std.Resolve(ws, r.Target, loadTimeout); err != nil {
			return e.revisionError(err)
		}
		if r.TargetRev.Base == "" {
			return e.errorf("revision %s has no base revision to compare it with; name one: ladder diff BASE %s", r.Target, r.Target)
		}
		r.Base = spec.RevisionRef{ID: r.TargetRev.Base}
		if r.BaseRev, err = std.Resolve(ws, r.Base, loadTimeout); err != nil {
			return e.revisionError(err)
		}
	default:
		r.Base, r.Target = spec.ParseRevisionRef(args[0]), spec.ParseRevisionRef(args[1])
		if r.BaseRev, err = std.Resolve(ws, r.Base, loadTimeout); err != nil {
			return e.revisionError(err)
		}
		if r.TargetRev, err = std.Resolve(ws, r.Target, loadTimeout); err != nil {
			return e.revisionError(err)
		}
	}
	return exitOK
}
