package main

import (
	"cmp"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/spec"
)

// stringList is a flag that may be given many times.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ", ") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// formatFlag declares a --format flag with the given choices, the first
// being the default.
func formatFlag(fs *flag.FlagSet, choices ...string) *string {
	return fs.String("format", choices[0], "print `FORMAT`: "+strings.Join(choices, ", "))
}

func checkFormat(e *env, format string, choices ...string) int {
	if !slices.Contains(choices, format) {
		return e.errorf("unknown --format %q; want one of %s", format, strings.Join(choices, ", "))
	}
	return exitOK
}

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
graded: each is reported on stderr as file:line:col: field: message, and
listed under "invalid" in JSON. Exit code 0: all graded; 2: some records
are invalid, or bad usage.`,
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
			if code := checkFormat(e, *format, "table", "json", "csv"); code != exitOK {
				return code
			}
			return eval(e, *dir, *rev, corpus, *format)
		}
	},
}

func eval(e *env, dir, revID string, paths []string, format string) int {
	std, err := loadStandard(dir)
	if err != nil {
		return e.errorf("%v", err)
	}
	rev, code := std.choose(e, revID, spec.RevisionPublished)
	if code != exitOK {
		return code
	}
	corpus, err := std.ws.loadCorpus(paths)
	if err != nil {
		return e.errorf("%v", err)
	}
	// A large corpus makes much garbage: collect it less often (research/
	// perf.md measured 20 % on this machine), but still within 768 MiB.
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(768 << 20)
	g, err := std.grade(corpus, rev)
	if err != nil {
		return e.errorf("%v", err)
	}
	g.sortByCategory()
	switch format {
	case "json":
		err = writeEvalJSON(e.stdout, g)
	case "csv":
		err = writeEvalCSV(e.stdout, g)
	default:
		err = writeEvalTable(e.stdout, g)
	}
	if err != nil {
		return e.errorf("writing the results: %v", err)
	}
	if len(g.invalid) > 0 {
		printProblems(e, g.invalid)
		return e.errorf("%d %s in the corpus: those records were not graded",
			len(g.invalid), plural(len(g.invalid), "problem", "problems"))
	}
	return exitOK
}

// sortByCategory orders the outcomes by category, in the order of the
// standard's parts, then by device ID.
func (g *graded) sortByCategory() {
	rank := map[string]int{}
	for i, c := range g.rev.Categories {
		rank[c.Key] = i
	}
	type key struct {
		rank int
		id   string
		i    int
	}
	keys := make([]key, len(g.order))
	for k, i := range g.order {
		d := g.devices[i]
		r, ok := rank[d.Category]
		if !ok {
			r = len(rank)
		}
		keys[k] = key{r, d.ID, i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), strings.Compare(a.id, b.id), cmp.Compare(a.i, b.i))
	})
	for k := range keys {
		g.order[k] = keys[k].i
	}
}

// summary counts the devices graded, by category and level.
func (g *graded) summary() map[string]levelCounts {
	by := map[string]levelCounts{}
	for _, c := range g.rev.Categories {
		by[c.Key] = newLevelCounts()
	}
	for _, i := range g.order {
		cat := g.devices[i].Category
		if by[cat] == nil {
			by[cat] = newLevelCounts()
		}
		by[cat][g.level(i)]++
	}
	return by
}

// evalSummary is the summary of eval's JSON.
type evalSummary struct {
	Devices    int                    `json:"devices"`
	Invalid    int                    `json:"invalid"`
	ByCategory map[string]levelCounts `json:"by_category"`
}

// writeEvalJSON writes eval's JSON object, a device at a time.
func writeEvalJSON(w io.Writer, g *graded) error {
	j := newJSONWriter(w)
	j.buf = append(j.buf, '{')
	j.key(true, 1, "revision")
	j.str(g.rev.ID)
	j.key(false, 1, "devices")
	if g.count() == 0 {
		j.buf = append(j.buf, '[', ']')
	} else {
		j.buf = append(j.buf, '[')
		// Devices are formatted in batches on every core, and written in
		// order.
		texts := newCritTexts(g.rev, 4)
		err := inBatches(g.count(), 256, func(start, end int, buf []byte) []byte {
			jw := jsonWriter{buf: buf}
			var o evaluator.Outcome
			for k := start; k < end; k++ {
				if k > 0 {
					jw.buf = append(jw.buf, ',')
				}
				jw.indent(2)
				jw.outcome(g.atInto(k, &o), 2, texts)
			}
			return jw.buf
		}, j.put)
		if err != nil {
			return err
		}
		j.indent(1)
		j.buf = append(j.buf, ']')
	}
	j.key(false, 1, "invalid")
	if err := j.raw(newProblemsJSON(g.invalid), 1); err != nil {
		return err
	}
	j.key(false, 1, "summary")
	if err := j.raw(evalSummary{Devices: g.count(), Invalid: len(g.invalid), ByCategory: g.summary()}, 1); err != nil {
		return err
	}
	j.indent(0)
	j.buf = append(j.buf, '}', '\n')
	return j.flush()
}

// familyText lists the levels of an outcome's families, such as
// "end_side L2, device_cloud L3", or "-".
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

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeEvalTable(w io.Writer, g *graded) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVICE\tCATEGORY\tLEVEL\tCLAIMED\tFAMILIES\tPASS\tFAIL\tMISSING\tFLAGS")
	for k := range g.count() {
		o := g.at(k)
		pass, fail, missing := o.Counts()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", o.Device.ID, o.Device.Category, o.Level,
			orDash(o.Device.ClaimedLevel), familyText(o), pass, fail, missing, orDash(strings.Join(o.Flags, ", ")))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s: %d %s graded", g.rev.ID, g.count(), plural(g.count(), "device", "devices"))
	if len(g.invalid) > 0 {
		fmt.Fprintf(w, ", %d %s (see stderr)", len(g.invalid), plural(len(g.invalid), "problem", "problems"))
	}
	fmt.Fprintln(w)
	levels := append([]string{evaluator.LevelNone}, spec.LevelNames...)
	fmt.Fprintf(w, "%-16s %7s", "CATEGORY", "DEVICES")
	for _, l := range levels {
		fmt.Fprintf(w, " %4s", l)
	}
	fmt.Fprintln(w)
	by := g.summary()
	for _, c := range g.rev.Categories {
		counts := by[c.Key]
		total := 0
		for _, l := range levels {
			total += counts[l]
		}
		fmt.Fprintf(w, "%-16s %7d", c.Key, total)
		for _, l := range levels {
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

func writeEvalCSV(w io.Writer, g *graded) error {
	cw := csv.NewWriter(w)
	var families []string
	for _, f := range spec.Families {
		if f != spec.FamilyCore {
			families = append(families, f)
		}
	}
	header := []string{"revision", "id", "name", "vendor", "category", "level", "claimed_level", "flags"}
	header = append(header, families...)
	cw.Write(append(header, "pass", "fail", "missing", "file"))
	for k := range g.count() {
		o := g.at(k)
		fam := map[string]string{}
		for _, f := range o.Families {
			fam[f.Family] = f.Level
		}
		pass, fail, missing := o.Counts()
		d := o.Device
		row := []string{g.rev.ID, d.ID, d.Name, d.Vendor, d.Category, o.Level, d.ClaimedLevel, strings.Join(o.Flags, ";")}
		for _, f := range families {
			row = append(row, fam[f])
		}
		cw.Write(append(row, strconv.Itoa(pass), strconv.Itoa(fail), strconv.Itoa(missing), where(d)))
	}
	cw.Flush()
	return cw.Error()
}
