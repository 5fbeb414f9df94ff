package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/termtext"
)

// evalSummary is the summary of eval's JSON.
type evalSummary struct {
	Devices    int                       `json:"devices"`
	Invalid    int                       `json:"invalid"`
	ByCategory map[string]map[string]int `json:"by_category"`
}

// WriteEvalJSON writes eval's JSON object, a device at a time.
func WriteEvalJSON(w io.Writer, g *Graded) error {
	j := newJSONWriter(w)
	j.buf = append(j.buf, '{')
	j.key(true, 1, "revision")
	j.str(g.Revision.ID)
	j.key(false, 1, "devices")
	j.buf = append(j.buf, '[')
	// Devices are formatted in batches on every core, and written in
	// order.
	texts := newCritTexts(g.Revision, 4)
	free := freeBuffers()
	written := 0
	err := g.eachBatch(func(b *Graded) error {
		first := written == 0
		written += b.Count()
		return inBatches(b.Count(), 256, free, func(start, end int, buf []byte) []byte {
			jw := jsonWriter{buf: buf}
			var o evaluator.Outcome
			for k := start; k < end; k++ {
				if k > 0 || !first {
					jw.buf = append(jw.buf, ',')
				}
				jw.indent(2)
				jw.outcome(b.atInto(k, &o), 2, texts)
			}
			return jw.buf
		}, j.put)
	})
	if err != nil {
		return err
	}
	if written > 0 {
		j.indent(1)
	}
	j.buf = append(j.buf, ']')
	j.key(false, 1, "invalid")
	if err := j.raw(newProblemsJSON(g.Invalid), 1); err != nil {
		return err
	}
	j.key(false, 1, "summary")
	if err := j.raw(evalSummary{Devices: g.Count(), Invalid: fixtures.CountProblems(g.Invalid), ByCategory: g.Summary()}, 1); err != nil {
		return err
	}
	j.indent(0)
	j.buf = append(j.buf, '}', '\n')
	return j.flush()
}

// familyText lists the levels of an outcome's families, such as
// "highway L2, urban L3", or "-".
func familyText(o *evaluator.Outcome) string {
	if len(o.Families) == 0 {
		return "-"
	}
	parts := make([]string, len(o.Families))
	for i, f := range o.Families {
		parts[i] = f.Family + " " + f.Level
	}
	return strings.Join(parts, ", ")
}

// orDash is s, or "-" when it is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteEvalTable writes eval's table: a row a device, then the devices at
// each level of each category. Every string from data is made safe to show
// on a terminal (termtext.Line), a tab included, which would break the
// columns.
func WriteEvalTable(w io.Writer, g *Graded) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVICE\tCATEGORY\tLEVEL\tCLAIMED\tFAMILIES\tPASS\tFAIL\tMISSING\tFLAGS")
	err := g.eachBatch(func(b *Graded) error {
		var o evaluator.Outcome
		for k := range b.Count() {
			b.atInto(k, &o)
			pass, fail, missing := o.Counts()
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", termtext.Line(o.Device.ID), termtext.Line(o.Device.Category), o.Level,
				termtext.Line(orDash(o.Device.ClaimedLevel)), termtext.Line(familyText(&o)), pass, fail, missing, orDash(strings.Join(o.Flags, ", ")))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s: %d %s graded", termtext.Line(g.Revision.ID), g.Count(), Plural(g.Count(), "device", "devices"))
	if n := fixtures.CountProblems(g.Invalid); n > 0 {
		fmt.Fprintf(w, ", %d %s (see stderr)", n, Plural(n, "problem", "problems"))
	}
	fmt.Fprintln(w)
	levels := spec.Ladder(g.Revision.Top())
	by := g.Summary()
	keyW := 16
	for key := range by {
		keyW = max(keyW, len(termtext.Line(key)))
	}
	fmt.Fprintf(w, "%-*s %7s", keyW, "CATEGORY", "DEVICES")
	for _, l := range levels {
		fmt.Fprintf(w, " %4s", l)
	}
	fmt.Fprintln(w)
	for _, c := range g.Revision.Categories {
		counts := by[c.Key]
		total := 0
		for _, l := range levels {
			total += counts[l]
		}
		fmt.Fprintf(w, "%-*s %7d", keyW, termtext.Line(c.Key), total)
		// A category with fewer levels than another ends its row early.
		for _, l := range levels[:c.Top()+1] {
			if cl := c.Level(l); cl != nil && cl.Status == spec.LevelReserved {
				fmt.Fprintf(w, " %4s", "-")
				continue
			}
			fmt.Fprintf(w, " %4d", counts[l])
		}
		fmt.Fprintln(w)
	}
	return nil
}

// WriteEvalCSV writes eval's CSV: a row a device, for spreadsheets. The
// cells are the data exact, as CSV quotes them: controls included (the
// command makes them visible when it writes to a terminal), and a cell that
// starts with =, +, - or @, which a spreadsheet may take for a formula, as
// it is (a program reading the CSV gets what the records hold).
func WriteEvalCSV(w io.Writer, g *Graded) error {
	cw := csv.NewWriter(w)
	families := g.Revision.Families()
	header := []string{"revision", "id", "name", "vendor", "category", "level", "claimed_level", "flags"}
	header = append(header, families...)
	cw.Write(append(header, "pass", "fail", "missing", "file"))
	err := g.eachBatch(func(b *Graded) error {
		var o evaluator.Outcome
		for k := range b.Count() {
			b.atInto(k, &o)
			fam := map[string]string{}
			for _, f := range o.Families {
				fam[f.Family] = f.Level
			}
			pass, fail, missing := o.Counts()
			d := o.Device
			row := []string{g.Revision.ID, d.ID, d.Name, d.Vendor, d.Category, o.Level, d.ClaimedLevel, strings.Join(o.Flags, ";")}
			for _, f := range families {
				row = append(row, fam[f])
			}
			cw.Write(append(row, strconv.Itoa(pass), strconv.Itoa(fail), strconv.Itoa(missing), d.Where()))
		}
		return cw.Error()
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
