package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/termtext"
)

// Check is the report of ladder check: a vendor's devices under each
// revision asked for, each with its level, flags and the gap to the next
// level up or to a target.
type Check struct {
	// Results are the devices graded under each revision, in the order
	// the revisions were asked for.
	Results []*Graded
	// Target is the level the devices must reach, or "".
	Target string
	// Explain adds CUE's own error for each criterion of a gap.
	Explain bool

	// of maps each outcome to its grading.
	of map[*evaluator.Outcome]*Graded
}

// meets reports whether an outcome reaches the target; true without one.
func (r *Check) meets(o *evaluator.Outcome) bool {
	return r.Target == "" || evaluator.LevelIndex(o.Level) >= evaluator.LevelIndex(r.Target)
}

// Below counts the devices, under each revision, that do not reach the
// target.
func (r *Check) Below() int {
	n := 0
	for _, g := range r.Results {
		for k := range g.Count() {
			if !r.meets(g.At(k)) {
				n++
			}
		}
	}
	return n
}

// Invalid returns the problems of the records that could not be checked,
// each once: a record may break one revision's schema and not another's.
func (r *Check) Invalid() []*fixtures.Problem {
	var invalid []*fixtures.Problem
	seen := map[string]bool{}
	for _, g := range r.Results {
		for _, p := range g.Invalid {
			if key := p.Error(); !seen[key] {
				seen[key] = true
				invalid = append(invalid, p)
			}
		}
	}
	return invalid
}

// devices returns the devices checked, in the order of their records, each
// with its outcome under every revision.
func (r *Check) devices() ([]*fixtures.Record, map[*fixtures.Record][]*evaluator.Outcome) {
	var order []*fixtures.Record
	by := map[*fixtures.Record][]*evaluator.Outcome{}
	r.of = map[*evaluator.Outcome]*Graded{}
	for _, g := range r.Results {
		for _, o := range g.All() {
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

// WriteJSON writes the report as JSON: the devices, each once per
// revision, and the problems of the records that could not be checked.
func (r *Check) WriteJSON(w io.Writer) error {
	out := struct {
		Devices []deviceJSON  `json:"devices"`
		Invalid []problemJSON `json:"invalid"`
	}{Devices: []deviceJSON{}, Invalid: newProblemsJSON(r.Invalid())}
	order, by := r.devices()
	for _, rec := range order {
		for _, o := range by[rec] {
			d := newDeviceJSON(o)
			d.Revision = r.gradedOf(o).Revision.ID
			if g := o.Gap(r.Target); g != nil {
				d.GapLevel, d.GapReserved = g.Level, g.Reserved
				for _, c := range g.Checks {
					d.Gaps = append(d.Gaps, r.gapJSON(o, c))
				}
			}
			if r.Target != "" {
				meets := r.meets(o)
				d.Target, d.MeetsTarget = r.Target, &meets
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
func (r *Check) gradedOf(o *evaluator.Outcome) *Graded {
	return r.of[o]
}

// gapJSON is one criterion of a device's gap, with CUE's own account on
// request.
func (r *Check) gapJSON(o *evaluator.Outcome, c evaluator.Check) gapJSON {
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
	if r.Explain {
		if ref, err := r.gradedOf(o).reference(); err == nil {
			for _, d := range ref.Explain(o.Device, c.Criterion) {
				g.CUE = append(g.CUE, d.String())
			}
		}
	}
	return g
}

// WriteText writes the report as text: each device, then its level, flags
// and gap under each revision. Every string from data is made safe to
// show on a terminal (termtext.Line).
func (r *Check) WriteText(w io.Writer) error {
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
		fmt.Fprintln(w, termtext.Line(fmt.Sprintf("%s: %s %q by %s (%s%s)", d.Where(), d.ID, d.Name, d.Vendor, d.Category, claim)))
		for _, o := range outcomes {
			r.writeOutcomeText(w, r.gradedOf(o), o)
		}
	}
	return nil
}

// writeOutcomeText writes a device's outcome under one revision: its
// level, flags and gap.
func (r *Check) writeOutcomeText(w io.Writer, gr *Graded, o *evaluator.Outcome) {
	rev := gr.Revision
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
	if r.Target != "" {
		if r.meets(o) {
			line += fmt.Sprintf("; meets the target %s", r.Target)
		} else {
			line += fmt.Sprintf("; below the target %s", r.Target)
		}
	}
	fmt.Fprintln(w, termtext.Line(line))
	if len(o.Device.Ignored) > 0 {
		fmt.Fprintln(w, termtext.Line(fmt.Sprintf("    ignores %d %s that %s does not define: %s", len(o.Device.Ignored), Plural(len(o.Device.Ignored), "measurement", "measurements"), rev.ID, strings.Join(o.Device.Ignored, ", "))))
	}
	g := o.Gap(r.Target)
	switch {
	case g == nil:
		return
	case g.Undeclared:
		fmt.Fprintln(w, termtext.Line(fmt.Sprintf("    %s has no %s in %s: its levels run to %s, so no device can reach %s",
			o.Category.Key, g.Blocked, rev.ID, spec.LevelName(o.Category.Top()), g.Level)))
		return
	case g.Reserved:
		fmt.Fprintln(w, termtext.Line(fmt.Sprintf("    %s is reserved in %s: no device can reach it yet", g.Blocked, rev.ID)))
		return
	}
	fmt.Fprintf(w, "    to reach %s, meet %d %s:\n", g.Level, len(g.Checks), Plural(len(g.Checks), "criterion", "criteria"))
	width := 0
	for _, c := range g.Checks {
		width = max(width, len(termtext.Line(c.Criterion.ID)))
	}
	for _, c := range g.Checks {
		fmt.Fprintf(w, "      %-*s  %-7s  %s\n", width, termtext.Line(c.Criterion.ID), c.Verdict, termtext.Line(c.Message()))
		if r.Explain {
			ref, err := gr.reference()
			if err != nil {
				fmt.Fprintf(w, "          (CUE's account is not available: %s)\n", termtext.Line(err.Error()))
				continue
			}
			for _, d := range ref.Explain(o.Device, c.Criterion) {
				for _, l := range strings.Split(d.String(), "\n") {
					fmt.Fprintf(w, "          %s\n", termtext.Line(l))
				}
			}
		}
	}
}
