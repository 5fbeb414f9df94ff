package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/evaluator/report"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

var checkCommand = &command{
	name:    "check",
	args:    "FILE... [--rev ID]... [--target LEVEL] [--format text|json]",
	summary: "check a vendor's device records: level, why, and the gap",
	help: `
Check grades the devices in the given files (JSON, JSON Lines or YAML; a
directory is read whole) under each revision given with --rev, by default
the newest published revision and the newest draft. For each device it
says the level reached, per family where the category has families, any
flags (over-claim, not-assessable), and the gap: every criterion that the
device does not yet meet for the next level up, or for --target, with what
it needs and what the device has. The files are only read.

--explain adds CUE's own error for each criterion of the gap, with the
positions of the criterion and of the field in your file.

Exit code 0: every device is graded and reaches --target (if given) under
every revision checked; 1: some device is below --target; 2: a file cannot
be read or a record is invalid (each reported as file:line:col: field:
message), or bad usage.`,
	flags: func(fs *flag.FlagSet, e *env) func([]string) int {
		var revs stringList
		fs.Var(&revs, "rev", "check under the revision `ID` (repeatable; default: the newest published and the newest draft)")
		target := fs.String("target", "", "the `LEVEL` the devices must reach, such as L3; exit 1 if one does not")
		format := formatFlag(fs, "text", "json")
		explain := fs.Bool("explain", false, "add CUE's own error, with positions, for each criterion of the gap")
		dir := workspaceFlag(fs)
		return func(args []string) int {
			if len(args) == 0 {
				return e.errorf("give the device files to check, such as: ladder check my-phone.json")
			}
			if code := e.checkFormat(*format, "text", "json"); code != exitOK {
				return code
			}
			if *target != "" && spec.LevelRank(*target) == 0 {
				return e.errorf("unknown --target %q; want a level from L1 to L%d, such as L3", *target, spec.MaxLevels)
			}
			return check(e, *dir, args, revs, *target, *format, *explain)
		}
	},
}

// check grades the device files under each revision asked for and prints
// the report; exit 1 when a device is below the target.
func check(e *env, dir string, files, revIDs []string, target, format string, explain bool) int {
	ws, std, code := e.loadStandard(dir)
	if code != exitOK {
		return code
	}
	revs, code := e.checkRevisions(std, revIDs)
	if code != exitOK {
		return code
	}
	if code := e.checkTarget(revs, target); code != exitOK {
		return code
	}
	corpus, err := fixtures.LoadCorpus(ws, false, files)
	if err != nil {
		return e.errorf("%v", err)
	}
	r := &report.Check{Target: target, Explain: explain}
	known := fixtures.VocabularyOf(std)
	for _, rev := range revs {
		g, err := evaluator.Grade(context.Background(), rev, corpus.Records, known)
		if err != nil {
			return e.errorf("%v", err)
		}
		r.Results = append(r.Results, report.FromGrading(g, corpus.Problems))
	}
	if format == "json" {
		err = r.WriteJSON(e.data())
	} else {
		err = r.WriteText(e.stdout)
	}
	if err != nil {
		return e.outputError(err)
	}
	if invalid := r.Invalid(); len(invalid) > 0 {
		return e.invalidRecords(invalid, "in the device records: those records were not checked")
	}
	if r.Below() > 0 {
		return exitNo
	}
	return exitOK
}

// checkTarget refuses a target level that no category of the revisions
// declares.
func (e *env) checkTarget(revs []*spec.Revision, target string) int {
	if target == "" {
		return exitOK
	}
	top := 0
	var ids []string
	for _, r := range revs {
		top = max(top, r.Top())
		ids = append(ids, r.ID)
	}
	if spec.LevelRank(target) > top {
		return e.errorf("unknown --target %q: no category of %s declares it; their levels run from L1 to %s",
			target, strings.Join(ids, " or "), spec.LevelName(top))
	}
	return exitOK
}

// checkRevisions returns the revisions named, in order and each once, or by
// default the newest published revision and the newest draft.
func (e *env) checkRevisions(std *spec.Standard, ids []string) ([]*spec.Revision, int) {
	var revs []*spec.Revision
	if len(ids) == 0 {
		var noted []string
		for _, status := range []string{spec.RevisionPublished, spec.RevisionDraft} {
			r := std.Newest(status)
			if r != nil {
				revs = append(revs, r)
			}
			// The newest of the status does not compile: an older one
			// stands in for it, or none.
			if id, err := std.Meant(r, status); id != "" && !slices.Contains(noted, id) {
				noted = append(noted, id)
				if r != nil {
					fmt.Fprintf(e.stderr, "%s: %s; checked under %s\n", e.prog(), spec.Summary(err), r.ID)
				} else {
					fmt.Fprintf(e.stderr, "%s: %s; not checked under it\n", e.prog(), spec.Summary(err))
				}
			}
		}
		if len(revs) > 0 {
			return revs, exitOK
		}
		ids = []string{""}
	}
	for _, id := range ids {
		r, err := std.Choose(id)
		if err != nil {
			return nil, e.revisionError(err)
		}
		if !slices.Contains(revs, r) {
			revs = append(revs, r)
		}
	}
	return revs, exitOK
}
