package main

import (
	"context"
	"flag"
	"runtime/debug"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/evaluator/report"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
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
and a symbolic link in a corpus folder must lead inside it. Exit code 0:
all graded; 2: some records are invalid, or bad usage.`,
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

// eval grades a corpus under one revision and prints every outcome.
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
	corpus, err := fixtures.LoadCorpus(ws, len(paths) == 0, paths)
	if err != nil {
		return e.errorf("%v", err)
	}
	// A large corpus makes much garbage: collect it less often (20 % faster
	// on the 2-core development machine), but still within 768 MiB.
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(768 << 20)
	gr, err := evaluator.Grade(context.Background(), rev, corpus.Records, fixtures.VocabularyOf(std))
	if err != nil {
		return e.errorf("%v", err)
	}
	g := report.FromGrading(gr, corpus.Problems)
	g.SortByCategory()
	switch format {
	case "json":
		err = report.WriteEvalJSON(e.data(), g)
	case "csv":
		err = report.WriteEvalCSV(e.data(), g)
	default:
		err = report.WriteEvalTable(e.stdout, g)
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
