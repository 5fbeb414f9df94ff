package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"time"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/evaluator/report"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

var vetCommand = &command{
	name:    "vet",
	args:    "[--rev ID]",
	summary: "check the revisions of the standard for errors",
	help: `
Vet compiles every revision of the workspace (or the one given with --rev)
and checks what CUE alone cannot: measurement fields that #Measurements does
not define, malformed or duplicate criterion IDs, IDs that disagree with
where they stand, criteria under a reserved level, empty or missing levels,
unknown elements, families and provenances, a base revision that does not
exist, a revision id that differs from its directory, ladder inversions (a
higher level asking less of a field than a lower one), a #Device that
admits a category the revision does not define, and criteria that no
device can ever pass given the vocabulary (such as "8" asked of a number,
or a bound beyond the field's declared range).

It prints each finding as file:line:col: message, sorted; then, as notes
that do not change the exit code, the criteria that tell no device of the
reference corpus apart (every one passes, or none does). Exit code 0: no
findings; 1: findings; 2: a revision does not compile, or bad usage.`,
	flags: func(fs *flag.FlagSet, e *env) func([]string) int {
		rev := fs.String("rev", "", "vet only the revision `ID`")
		timeout := fs.Duration("timeout", 30*time.Second, "give up on a revision that takes longer than `DURATION` to compile")
		dir := workspaceFlag(fs)
		return func(args []string) int {
			if len(args) > 0 {
				return e.errorf("unexpected argument %q", args[0])
			}
			if *timeout <= 0 {
				return e.errorf("--timeout must be positive, not %v", *timeout)
			}
			return vet(e, *dir, *rev, *timeout)
		}
	},
}

// vet compiles and lints the revisions of the workspace, or one of them.
func vet(e *env, dir, only string, timeout time.Duration) int {
	ws, err := spec.Open(dir, builtin)
	if err != nil {
		return e.errorf("%v", err)
	}
	if err := ws.CheckModule(); err != nil {
		return e.errorf("%v", err)
	}
	ids, err := ws.Revisions()
	if err != nil {
		return e.errorf("%v", err)
	}
	targets := ids
	if only != "" {
		if !slices.Contains(ids, only) {
			return e.errorf("%v", &spec.UnknownRevisionError{ID: only, Available: ids})
		}
		targets = []string{only}
	}
	if len(targets) == 0 {
		return e.errorf("%s holds no revisions under %s", ws.Describe(), spec.RevisionsDir)
	}

	var findings, notes []spec.Finding
	var loaded []*spec.Revision
	broken := 0
	ws.SetLimits(spec.Limits{Time: timeout})
	load := ws.Load
	if only == "" {
		// Every revision, loaded together: the compile guard checks the
		// next while this process compiles one.
		std, err := ws.LoadAll(0)
		if err != nil {
			return e.errorf("%v", err)
		}
		load = func(id string) (*spec.Revision, error) {
			if err, ok := std.Broken[id]; ok {
				return nil, err
			}
			return std.Loaded(id), nil
		}
	}
	for _, id := range targets {
		rev, err := load(id)
		if err != nil {
			broken++
			e.revisionError(err)
			continue
		}
		findings = append(findings, spec.Lint(rev, ids)...)
		loaded = append(loaded, rev)
	}
	if broken == 0 {
		notes = undiscriminating(ws, loaded)
	}
	for _, fs := range [][]spec.Finding{findings, notes} {
		slices.SortStableFunc(fs, func(a, b spec.Finding) int { return a.Pos.Compare(b.Pos) })
		for _, f := range fs {
			fmt.Fprintln(e.stdout, f)
		}
	}
	switch {
	case broken > 0:
		return exitUsage
	case len(findings) > 0:
		fmt.Fprintf(e.stderr, "%s: %d %s\n", e.prog(), len(findings), report.Plural(len(findings), "finding", "findings"))
		return exitNo
	}
	return exitOK
}

// undiscriminating notes the criteria that tell no device of the reference
// corpus apart, every one passing or none: information for the drafter,
// not findings. A workspace without a reference corpus has none.
func undiscriminating(ws *spec.Workspace, revs []*spec.Revision) []spec.Finding {
	corpus, err := fixtures.LoadCorpus(ws, true, nil)
	if err != nil {
		return nil
	}
	known := fixtures.NewVocabulary(revs...)
	var notes []spec.Finding
	for _, rev := range revs {
		g, err := evaluator.Grade(context.Background(), rev, corpus.Records, known)
		if err != nil {
			continue
		}
		for _, u := range g.Engine.State().Undiscriminating() {
			what := fmt.Sprintf("all %d reference devices of %s pass it", u.Of, u.Criterion.Category)
			if u.Pass == 0 {
				what = fmt.Sprintf("none of the %d reference devices of %s passes it", u.Of, u.Criterion.Category)
			}
			notes = append(notes, spec.Finding{Pos: u.Criterion.Pos, Rule: "note",
				Msg: fmt.Sprintf("note: criterion %s tells no reference device apart: %s", u.Criterion.ID, what)})
		}
	}
	return notes
}
