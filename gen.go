package main

import (
	"bufio"
	"flag"
	"fmt"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/evaluator/report"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

var genCommand = &command{
	name:    "gen",
	args:    "--n N [--seed S] [--rev ID] [--corpus PATH]...",
	summary: "print a synthetic corpus of N devices as JSON Lines",
	help: `
Gen prints N synthetic device records, one JSON object a line, for load
tests and benchmarks. Their values are aimed at the thresholds of the
revision's criteria (default: the newest draft), so that their levels are
spread like the reference corpus's. The same seed, revision and corpus give
the same records.

Without --corpus, gen learns from the revision alone: the measurements its
criteria test (fields of nested measurements included) and what they ask,
each category's levels, the levels #Device lets a device claim, and the
subtypes it allows (a subtype only where #Device requires one); names and
vendors are invented.

With --corpus PATH (a file or directory of JSON, JSON Lines or YAML records,
as for eval; repeatable), gen learns from those devices too how the devices
of each category look: their vendors and the words of their names
(recombined, not copied), the prefix of their ids, their subtypes, the list
elements they hold, the range and precision of their numbers, and how often
each value of a string or bool occurs. Records that do not decode or break
the revision's #Device are skipped, and counted on stderr; ladder eval
--corpus says why. A path that cannot be read is an error (exit code 2).`,
	flags: func(fs *flag.FlagSet, e *env) func([]string) int {
		n := fs.Int("n", -1, "print `N` devices")
		seed := fs.Int64("seed", 1, "the random `SEED`")
		rev := fs.String("rev", "", "aim at the revision `ID` (default: the newest draft)")
		var corpus stringList
		fs.Var(&corpus, "corpus", "learn how devices look from `PATH`, a file or directory (repeatable)")
		dir := workspaceFlag(fs)
		return func(args []string) int {
			if len(args) > 0 {
				return e.errorf("unexpected argument %q", args[0])
			}
			if *n < 0 {
				return e.errorf("give the number of devices with --n, such as --n 10000")
			}
			return gen(e, *dir, *rev, *n, *seed, corpus)
		}
	},
}

// gen prints n synthetic devices aimed at a revision, as JSON Lines, in the
// style of the devices of a corpus if paths name one.
func gen(e *env, dir, revID string, n int, seed int64, paths []string) int {
	ws, std, code := e.loadStandard(dir)
	if code != exitOK {
		return code
	}
	rev, err := std.Choose(revID, spec.RevisionDraft, spec.RevisionPublished)
	if err != nil {
		return e.revisionError(err)
	}
	if revID == "" {
		e.noteStandIn(std, rev, "generating for", spec.RevisionDraft, spec.RevisionPublished)
	}
	g, err := fixtures.NewGenerator(rev, seed)
	if err != nil {
		return e.errorf("%v", err)
	}
	if len(paths) > 0 {
		if code := learn(e, ws, std, rev, g, paths); code != exitOK {
			return code
		}
	}
	w := bufio.NewWriterSize(e.data(), 64<<10)
	for range n {
		w.Write(g.Next())
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return e.outputError(err)
	}
	return exitOK
}

// learn teaches the generator the style of the devices in the corpus that
// paths name, those valid under rev; it counts the others on stderr.
func learn(e *env, ws *spec.Workspace, std *spec.Standard, rev *spec.Revision, g *fixtures.Generator, paths []string) int {
	corpus, err := fixtures.LoadCorpus(ws, false, paths)
	if err != nil {
		return e.errorf("%v", err)
	}
	known := fixtures.VocabularyOf(std)
	var opts fixtures.ValidateOptions
	// A schema the compiler does not model is checked through CUE.
	if check, err := evaluator.CompileSchema(rev, known); err == nil {
		opts.Precheck = check
		opts.Diagnose, _ = evaluator.DiagnoseSchema(rev, known)
	}
	devices, _ := fixtures.ValidateWith(rev, corpus.Records, known, opts)
	// A record that does not decode is one problem; one that breaks the
	// schema may be several.
	skipped := len(corpus.Records) - len(devices) + len(corpus.Problems)
	if skipped > 0 {
		fmt.Fprintf(e.stderr, "%s: skipped %d %s of the corpus that %s invalid under %s, and learned from %d (ladder eval --rev %s --corpus says why)\n",
			e.prog(), skipped, report.Plural(skipped, "record", "records"), report.Plural(skipped, "is", "are"), rev.ID, len(devices), rev.ID)
	}
	if err := g.Learn(devices); err != nil {
		return e.errorf("%v", err)
	}
	return exitOK
}
