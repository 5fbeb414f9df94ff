package main

import (
	"bufio"
	"flag"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

var genCommand = &command{
	name:    "gen",
	args:    "--n N [--seed S] [--rev ID]",
	summary: "print a synthetic corpus of N devices as JSON Lines",
	help: `
Gen prints N synthetic device records, one JSON object a line, for load
tests and benchmarks. Their values are aimed at the thresholds of the
revision's criteria (default: the newest draft), so that their levels are
spread like the reference corpus's. The same seed gives the same records.`,
	flags: func(fs *flag.FlagSet, e *env) func([]string) int {
		n := fs.Int("n", -1, "print `N` devices")
		seed := fs.Int64("seed", 1, "the random `SEED`")
		rev := fs.String("rev", "", "aim at the revision `ID` (default: the newest draft)")
		dir := workspaceFlag(fs)
		return func(args []string) int {
			if len(args) > 0 {
				return e.errorf("unexpected argument %q", args[0])
			}
			if *n < 0 {
				return e.errorf("give the number of devices with --n, such as --n 10000")
			}
			return gen(e, *dir, *rev, *n, *seed)
		}
	},
}

// gen prints n synthetic devices aimed at a revision, as JSON Lines.
func gen(e *env, dir, revID string, n int, seed int64) int {
	_, std, code := e.loadStandard(dir)
	if code != exitOK {
		return code
	}
	rev, err := std.Choose(revID, spec.RevisionDraft, spec.RevisionPublished)
	if err != nil {
		return e.revisionError(err)
	}
	g, err := fixtures.NewGenerator(rev, seed)
	if err != nil {
		return e.errorf("%v", err)
	}
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	for range n {
		w.Write(g.Next())
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return e.errorf("writing: %v", err)
	}
	return exitOK
}
