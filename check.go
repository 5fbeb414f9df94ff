package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ladderworks/ladder/evaluator"
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
		target := fs.String("target", "", "the `LEVEL` the devices must reach, L1 to L4; exit 1 if one does not")
		format := formatFlag(fs, "text", "json")
		explain := fs.Bool("explain", false, "add CUE's own error, with positions, for each criterion of the gap")
		dir := workspaceFlag(fs)
		return func(args []string) int {
			if len(args) == 0 {
				return e.errorf("give the device files to check, such as: ladder check my-phone.json")
			}
			if code := checkFormat(e, *format, "text", "json"); code != exitOK {
				return code
			}
			if *target != "" && !slices.Contains(spec.LevelNames, *target) {
				return e.errorf("unknown --target %q; want one of %s", *target, strings.Join(spec.LevelNames, ", "))
			}
			return check(e, *dir, args, revs, *target, *format, *explain)
		}
	},
}

func check(e *env, dir string, files, revIDs []string, target, format string, explain bool) int {
	std, err := loadStandard(dir)
	if err != nil {
		return e.errorf("%v", err)
	}
	var revs []*spec.Revision
	if len(revIDs) == 0 {
		for _, status := range []string{spec.RevisionPublished, spec.RevisionDraft} {
			if r := std.Newest(status); r != nil {
				revs = append(revs, r)
			}
		}
		if len(revs) == 0 {
			r, code := std.choose(e, "")
			if code != exitOK {
				return code
			}
			revs = append(revs, r)
		}
	}
	for _, id := range revIDs {
		r, code := std.revision(e, id)
		if code != exitOK {
			return code
		}
		if !slices.Contains(revs, r) {
			revs = append(revs, r)
		}
	}
	corpus, err := std.ws.loadCorpus(files)
	if err != nil {
		return e.errorf("%v", err)
	}
	var results []*graded
	for _, r := range revs {
		g, err := std.grade(corpus, r)
		if err != nil {
			return e.errorf("%v", err)
		}
		results = append(results, g)
	}
	// A record may break one revision's schema and not another's: report
	// each problem once.
	var invalid []*fixtures.Problem
	seen := map[string]bool{}
	for _, g := range results {
		for _, p := range g.invalid {
			if key := p.Error(); !seen[key] {
				seen[key] = true
				invalid = append(invalid, p)
			}
		}
	}
	r := &checkReport{results: results, target: target, explain: explain}
	if format == "json" {
		err = r.writeJSON(e.stdout, invalid)
	} else {
		err = r.writeText(e.stdout)
	}
	if err != nil {
		return e.errorf("writing the results: %v", err)
	}
	if len(invalid) > 0 {
		printProblems(e, invalid)
		return e.errorf("%d %s in the device records: those records were not checked",
			len(invalid), plural(len(invalid), "problem", "problems"))
	}
	if r.below > 0 {
		return exitNo
	}
	return exitOK
}

// checkReport writes the results of check, and counts the devices below
// the target as it goes.
type checkReport struct {
	results []*graded
	// of maps each outcome to its grading.
	of      map[*evaluator.Outcome]*graded
	target  string
	explain bool
	below   int
}

// meets reports whether an outcome reaches the target; true without one.
func (r *checkReport) meets(o *evaluator.Outcome) bool {
	return r.target == "" || slices.Index(spec.LevelNames, o.Level) >= slices.Index(spec.LevelNames, r.target)
}

// devices returns the devices checked, in the order of their records, each
// with its outcome under every revision.
func (r *checkReport) devices() ([]*fixtures.Record, map[*fixtures.Record][]*evaluator.Outcome) {
	var order []*fixtures.Record
	by := map[*fixtures.Record][]*evaluator.Outcome{}
	r.of = map[*evaluator.Outcome]*graded{}
	for _, g := range r.results {
		for _, o := range g.all() {
			rec := o.Device.Record
			r.of[o] = g
			if _, ok := by[rec]; !ok {
				order = append(order, rec)
			}
			by[rec] = append(by[rec], o)
		}
	}
	return order, by
}

func (r *checkReport) writeJSON(w io.Writer, invalid []*fixtures.Problem) error {
	out := struct {
		Devices []deviceJSON  `json:"devices"`
		Invalid []problemJSON `json:"invalid"`
	}{Devices: []deviceJSON{}, Invalid: newProblemsJSON(invalid)}
	order, by := r.devices()
	for _, rec := range order {
		for _, o := range by[rec] {
			d := newDeviceJSON(o)
			d.Revision = r.gradedOf(o).rev.ID
			if g := o.Gap(r.target); g != nil {
				d.GapLevel, d.GapReserved = g.Level, g.Reserved
				for _, c := range g.Checks {
					d.Gaps = append(d.Gaps, r.gapJSON(o, c))
				}
			}
			if r.target != "" {
				meets := r.meets(o)
				d.Target, d.MeetsTarget = r.target, &meets
				if !meets {
					r.below++
				}
			}
			out.Devices = append(out.Devices, d)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// gradedOf returns the grading an outcome belongs to.
func (r *checkReport) gradedOf(o *evaluator.Outcome) *graded {
	return r.of[o]
}

func (r *checkReport) gapJSON(o *evaluator.Outcome, c evaluator.Check) gapJSON {
	g := gapJSON{
		Criterion: c.Criterion.ID, Title: c.Criterion.Title, Level: c.Criterion.Level, Family: c.Criterion.Family,
		Verdict: c.Verdict, Field: c.Field(), Message: c.Message(), Where: c.Criterion.Pos.String(),
	}
	if len(c.Problems) > 0 {
		p := c.Problems[0]
		g.Needs = p.Needs
		if !p.Absent && p.Has != "" {
			g.Has = &p.Has
		}
	}
	if r.explain {
		if ref, err := r.gradedOf(o).reference(); err == nil {
			for _, d := range ref.Explain(o.Device, c.Criterion) {
				g.CUE = append(g.CUE, d.String())
			}
		}
	}
	return g
}

func (r *checkReport) writeText(w io.Writer) error {
	order, by := r.devices()
	for i, rec := range order {
		if i > 0 {
			fmt.Fprintln(w)
		}
		outcomes := by[rec]
		d := outcomes[0].Device
		claim := ""
		if d.ClaimedLevel != "" {
			claim = ", claims " + d.ClaimedLevel
		}
		fmt.Fprintf(w, "%s: %s %q by %s (%s%s)\n", where(d), d.ID, d.Name, d.Vendor, d.Category, claim)
		for _, o := range outcomes {
			r.writeOutcomeText(w, r.gradedOf(o), o)
		}
	}
	return nil
}

func (r *checkReport) writeOutcomeText(w io.Writer, gr *graded, o *evaluator.Outcome) {
	rev := gr.rev
	line := fmt.Sprintf("  %s (%s): %s", rev.ID, rev.Status, o.Level)
	if len(o.Families) > 0 {
		line += " (" + familyText(o) + ")"
	}
	for _, f := range o.Flags {
		switch f {
		case evaluator.FlagOverClaim:
			line += fmt.Sprintf("; over-claim: claims %s", o.Device.ClaimedLevel)
		case evaluator.FlagNotAssessable:
			line += fmt.Sprintf("; not assessable: claims %s, which %s reserves", o.Device.ClaimedLevel, rev.ID)
		}
	}
	if r.target != "" {
		if r.meets(o) {
			line += fmt.Sprintf("; meets the target %s", r.target)
		} else {
			line += fmt.Sprintf("; below the target %s", r.target)
			r.below++
		}
	}
	fmt.Fprintln(w, line)
	if len(o.Device.Ignored) > 0 {
		fmt.Fprintf(w, "    ignores %d %s that %s does not define: %s\n", len(o.Device.Ignored), plural(len(o.Device.Ignored), "measurement", "measurements"), rev.ID, strings.Join(o.Device.Ignored, ", "))
	}
	g := o.Gap(r.target)
	switch {
	case g == nil:
		return
	case g.Reserved:
		fmt.Fprintf(w, "    %s is reserved in %s: no device can reach it yet\n", g.Level, rev.ID)
		return
	}
	fmt.Fprintf(w, "    to reach %s, meet %d %s:\n", g.Level, len(g.Checks), plural(len(g.Checks), "criterion", "criteria"))
	width := 0
	for _, c := range g.Checks {
		width = max(width, len(c.Criterion.ID))
	}
	for _, c := range g.Checks {
		fmt.Fprintf(w, "      %-*s  %-7s  %s\n", width, c.Criterion.ID, c.Verdict, c.Message())
		if r.explain {
			ref, err := gr.reference()
			if err != nil {
				fmt.Fprintf(w, "          (CUE's account is not available: %v)\n", err)
				continue
			}
			for _, d := range ref.Explain(o.Device, c.Criterion) {
				for _, l := range strings.Split(d.String(), "\n") {
					fmt.Fprintf(w, "          %s\n", l)
				}
			}
		}
	}
}
