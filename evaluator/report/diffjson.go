package report

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/redline"
	"github.com/ladderworks/ladder/spec/termtext"
)

// This file writes a diff as JSON (the contract's shape, with more in it) and as a
// Markdown report.

type diffJSON struct {
	Base         string                     `json:"base"`
	Target       string                     `json:"target"`
	Summary      diffSummaryJSON            `json:"summary"`
	Revision     []attributeJSON            `json:"revision"`
	Changes      []changeJSON               `json:"changes"`
	Levels       []levelChangeJSON          `json:"levels"`
	Categories   []categoryChangeJSON       `json:"categories"`
	Measurements []measurementChangeJSON    `json:"measurements"`
	Impact       map[string]*categoryImpact `json:"impact"`
	Text         []fileDiffJSON             `json:"text"`
}

type diffSummaryJSON struct {
	Criteria     map[spec.ChangeKind]int `json:"criteria"`
	Devices      int                     `json:"devices"`
	Moved        int                     `json:"moved"`
	MovedUp      int                     `json:"moved_up"`
	MovedDown    int                     `json:"moved_down"`
	Changed      int                     `json:"changed_verdicts"`
	FilesChanged int                     `json:"files_changed"`
	Differs      bool                    `json:"differs"`
}

type attributeJSON struct {
	Name   string `json:"name"`
	Before string `json:"before"`
	After  string `json:"after"`
}

type changeJSON struct {
	Criterion  string          `json:"criterion"`
	Category   string          `json:"category"`
	Level      string          `json:"level"`
	Kind       spec.ChangeKind `json:"kind"`
	Title      string          `json:"title"`
	Before     *string         `json:"before"`
	After      *string         `json:"after"`
	Attributes []attributeJSON `json:"attributes,omitempty"`
}

type levelChangeJSON struct {
	Category string `json:"category"`
	Level    string `json:"level"`
	// Kind is "added" or "removed" for a level that one revision does not
	// declare; a change of status has none.
	Kind   string `json:"kind,omitempty"`
	Before string `json:"before"`
	After  string `json:"after"`
}

type categoryChangeJSON struct {
	Category   string          `json:"category"`
	Kind       spec.ChangeKind `json:"kind"`
	Attributes []attributeJSON `json:"attributes,omitempty"`
}

type measurementChangeJSON struct {
	Name   string          `json:"name"`
	Kind   spec.ChangeKind `json:"kind"`
	Before *string         `json:"before"`
	After  *string         `json:"after"`
}

type categoryImpact struct {
	Devices    int                       `json:"devices"`
	Matrix     map[string]map[string]int `json:"matrix"`
	Moved      []moveJSON                `json:"moved"`
	Changed    []stayedJSON              `json:"changed"`
	Criteria   []passesJSON              `json:"criteria"`
	OnlyBase   []string                  `json:"only_base,omitempty"`
	OnlyTarget []string                  `json:"only_target,omitempty"`
}

type moveJSON struct {
	ID      string   `json:"id"`
	From    string   `json:"from"`
	To      string   `json:"to"`
	Because []string `json:"because"`
}

type stayedJSON struct {
	ID       string   `json:"id"`
	Level    string   `json:"level"`
	Criteria []string `json:"criteria"`
}

type passesJSON struct {
	ID     string `json:"id"`
	Level  string `json:"level"`
	Before *int   `json:"before"`
	After  *int   `json:"after"`
}

type fileDiffJSON struct {
	File    string          `json:"file"`
	Kind    spec.ChangeKind `json:"kind"`
	Unified string          `json:"unified"`
}

// optional is s, or nil when it is not present.
func optional(s string, present bool) *string {
	if !present {
		return nil
	}
	return &s
}

// count is n, or nil for a negative n (no such criterion).
func count(n int) *int {
	if n < 0 {
		return nil
	}
	return &n
}

// attributesJSON lists changed attributes for JSON.
func attributesJSON(as []spec.Attribute) []attributeJSON {
	var out []attributeJSON
	for _, a := range as {
		out = append(out, attributeJSON{a.Name, a.Before, a.After})
	}
	return out
}

// newDiffJSON is the review in its JSON shape.
func newDiffJSON(r *Diff) *diffJSON {
	c := r.Changes
	moved, up := r.Impact.MovedCount()
	out := &diffJSON{
		Base: r.Base.String(), Target: r.Target.String(),
		Summary: diffSummaryJSON{
			Criteria: map[spec.ChangeKind]int{},
			Devices:  r.Impact.Devices, Moved: moved, MovedUp: up, MovedDown: moved - up,
			Changed: r.Impact.ChangedCount(), FilesChanged: len(r.Files), Differs: r.Differs(),
		},
		Revision:     attributesJSON(c.Revision),
		Changes:      []changeJSON{},
		Levels:       []levelChangeJSON{},
		Categories:   []categoryChangeJSON{},
		Measurements: []measurementChangeJSON{},
		Impact:       map[string]*categoryImpact{},
		Text:         []fileDiffJSON{},
	}
	if out.Revision == nil {
		out.Revision = []attributeJSON{}
	}
	for _, k := range spec.ChangeKinds {
		out.Summary.Criteria[k] = c.Count(k)
	}
	for _, ch := range c.Criteria {
		title := ""
		if ch.After != nil {
			title = ch.After.Title
		} else {
			title = ch.Before.Title
		}
		out.Changes = append(out.Changes, changeJSON{
			Criterion: ch.ID, Category: ch.Category, Level: ch.Level, Kind: ch.Kind, Title: title,
			Before: optional(ch.BeforeText, ch.Before != nil), After: optional(ch.AfterText, ch.After != nil),
			Attributes: attributesJSON(ch.Attributes),
		})
	}
	for _, l := range c.Levels {
		lj := levelChangeJSON{Category: l.Category, Level: l.Level, Before: l.Before, After: l.After}
		if l.Kind != spec.Changed {
			lj.Kind = string(l.Kind)
		}
		out.Levels = append(out.Levels, lj)
	}
	for _, cc := range c.Categories {
		out.Categories = append(out.Categories, categoryChangeJSON{cc.Category, cc.Kind, attributesJSON(cc.Attributes)})
	}
	for _, m := range c.Measurements {
		out.Measurements = append(out.Measurements, measurementChangeJSON{
			Name: m.Name, Kind: m.Kind,
			Before: optional(m.BeforeText, m.Before != nil), After: optional(m.AfterText, m.After != nil),
		})
	}
	for _, ci := range r.Impact.Categories {
		cj := &categoryImpact{
			Devices: ci.Devices, Matrix: map[string]map[string]int{},
			Moved: []moveJSON{}, Changed: []stayedJSON{}, Criteria: []passesJSON{},
			OnlyBase: ci.OnlyBase, OnlyTarget: ci.OnlyTarget,
		}
		for i, from := range ci.Levels {
			for j, to := range ci.Levels {
				if n := ci.Matrix[i][j]; n > 0 {
					if cj.Matrix[from] == nil {
						cj.Matrix[from] = map[string]int{}
					}
					cj.Matrix[from][to] = n
				}
			}
		}
		for _, m := range ci.Moved {
			because := m.Because
			if because == nil {
				because = []string{}
			}
			cj.Moved = append(cj.Moved, moveJSON{m.ID, m.From, m.To, because})
		}
		for _, s := range ci.Changed {
			cj.Changed = append(cj.Changed, stayedJSON{s.ID, s.Level, s.Criteria})
		}
		for _, p := range ci.Criteria {
			cj.Criteria = append(cj.Criteria, passesJSON{p.ID, p.Level, count(p.Before), count(p.After)})
		}
		out.Impact[ci.Category] = cj
	}
	for _, f := range r.Files {
		out.Text = append(out.Text, fileDiffJSON{
			File: f.Name, Kind: f.Kind,
			Unified: redline.Unified(fileLabel(r.Base, f.Before, f.Name), fileLabel(r.Target, f.After, f.Name), f.Hunks),
		})
	}
	return out
}

// WriteDiffJSON writes the review as one JSON object: the summary, the
// criterion, level, category and vocabulary changes, the impact per
// category and the unified diff of each file.
func WriteDiffJSON(w io.Writer, r *Diff) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(newDiffJSON(r))
}

// writeDiffMarkdown writes the diff as a report to paste into a ballot
// comment or a pull request: the summary, the criterion changes as a table,
// the impact per category and the redline as diff blocks.
// WriteDiffMarkdown writes the review as a Markdown report, to paste into a
// ballot comment or a pull request: tables, and the redline in collapsed
// diff blocks.
func WriteDiffMarkdown(w io.Writer, r *Diff) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# %s → %s\n\n", revisionLabel(r.Base, r.BaseRev), revisionLabel(r.Target, r.TargetRev))
	for _, a := range r.Changes.Revision {
		p("- %s: %s → %s\n", a.Name, mdText(orNone(a.Before)), mdText(orNone(a.After)))
	}
	if len(r.Changes.Revision) > 0 {
		p("\n")
	}
	p("## Summary\n\n| | |\n|---|---|\n")
	for _, s := range summaryRows(r) {
		p("| %s | %s |\n", s[0], mdText(s[1]))
	}

	p("\n## Criterion changes\n\n")
	if len(r.Changes.Criteria) == 0 {
		p("None.\n")
	} else {
		p("| change | criterion | category | level | before | after |\n|---|---|---|---|---|---|\n")
		for _, ch := range r.Changes.Criteria {
			var before, after string
			if ch.Before != nil {
				before = mdCode(oneLine(ch.BeforeText))
			}
			if ch.After != nil {
				after = mdCode(oneLine(ch.AfterText))
			}
			for _, a := range ch.Attributes {
				before = joinBr(before, a.Name+": "+mdText(orNone(a.Before)))
				after = joinBr(after, a.Name+": "+mdText(orNone(a.After)))
			}
			p("| %s | `%s` | %s | %s | %s | %s |\n", ch.Kind, ch.ID, ch.Category, ch.Level, before, after)
		}
	}
	c := r.Changes
	if len(c.Levels) > 0 || len(c.Categories) > 0 {
		p("\n## Levels and categories\n\n| category | what | before | after |\n|---|---|---|---|\n")
		for _, cc := range c.Categories {
			if len(cc.Attributes) == 0 {
				p("| %s | %s | | |\n", cc.Category, cc.Kind)
			}
			for _, a := range cc.Attributes {
				p("| %s | %s | %s | %s |\n", cc.Category, a.Name, mdText(orNone(a.Before)), mdText(orNone(a.After)))
			}
		}
		for _, l := range c.Levels {
			if l.Kind != spec.Changed {
				p("| %s | %s %s | %s | %s |\n", l.Category, l.Level, l.Kind, orNone(l.Before), orNone(l.After))
				continue
			}
			p("| %s | %s status | %s | %s |\n", l.Category, l.Level, orNone(l.Before), orNone(l.After))
		}
	}
	if len(c.Measurements) > 0 {
		p("\n## Measurement vocabulary\n\n| change | measurement | before | after |\n|---|---|---|---|\n")
		for _, m := range c.Measurements {
			var before, after string
			if m.Before != nil {
				before = mdCode(m.BeforeText)
			}
			if m.After != nil {
				after = mdCode(m.AfterText)
			}
			p("| %s | `%s` | %s | %s |\n", m.Kind, m.Name, before, after)
		}
	}

	im := r.Impact
	p("\n## Impact on %s\n\nCorpus: %s.\n", counted(im.Devices, "device", "devices"), mdText(r.Corpus))
	for _, ci := range im.Categories {
		p("\n### %s\n\n%s, %d moved.\n\n", ci.Category, counted(ci.Devices, "device", "devices"), len(ci.Moved))
		if ci.Devices > 0 {
			// With no device graded under both, there is nothing to count.
			mdMatrix(p, ci)
		}
		if len(ci.Moved) > 0 {
			p("\n| device | from | to | because |\n|---|---|---|---|\n")
			for _, m := range ci.Moved {
				because := "level status or determination"
				if len(m.Because) > 0 {
					because = "`" + strings.Join(m.Because, "`, `") + "`"
				}
				p("| `%s` | %s | %s | %s |\n", m.ID, m.From, m.To, because)
			}
		}
		var passes []evaluator.CriterionPasses
		for _, cp := range ci.Criteria {
			if cp.Moved() {
				passes = append(passes, cp)
			}
		}
		if len(passes) > 0 && ci.Devices > 0 {
			p("\n| criterion | passes before | passes after |\n|---|---:|---:|\n")
			for _, cp := range passes {
				p("| `%s` | %s | %s |\n", cp.ID, PassCount(cp.Before), PassCount(cp.After))
			}
		}
		if len(ci.Changed) > 0 {
			p("\nVerdicts changed, level kept:\n\n")
			for _, s := range ci.Changed {
				p("- `%s` (%s): `%s`\n", s.ID, s.Level, strings.Join(s.Criteria, "`, `"))
			}
		}
		if len(ci.OnlyBase) > 0 {
			p("\nInvalid under %s only: `%s`\n", r.Target, strings.Join(ci.OnlyBase, "`, `"))
		}
		if len(ci.OnlyTarget) > 0 {
			p("\nInvalid under %s only: `%s`\n", r.Base, strings.Join(ci.OnlyTarget, "`, `"))
		}
	}

	p("\n## Redline\n")
	if len(r.Files) == 0 {
		p("\nThe CUE files are the same.\n")
	}
	for _, f := range r.Files {
		fence := "```"
		unified := redline.Unified(fileLabel(r.Base, f.Before, f.Name), fileLabel(r.Target, f.After, f.Name), f.Hunks)
		for strings.Contains(unified, fence) {
			fence += "`"
		}
		p("\n<details><summary><code>%s</code> (%s)</summary>\n\n%sdiff\n%s%s\n\n</details>\n", f.Name, f.Kind, fence, unified, fence)
	}
	// A Markdown report is text to read: every control that data put in
	// it is made visible (termtext.Text), wherever it is in the report.
	_, err := io.WriteString(w, termtext.Text(b.String()))
	return err
}

// mdText escapes text for a Markdown table cell.
func mdText(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", "<br>")
}

// mdCode writes CUE as inline code in a table cell.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(s, "|", "\\|")
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence + s + fence
}

// joinBr joins two cells of a Markdown table with a line break.
func joinBr(a, b string) string {
	if a == "" {
		return b
	}
	return a + "<br>" + b
}

var labelAlignment = regexp.MustCompile(`:[ \t]{2,}`)

// oneLine writes CUE on one line: fields that stood on lines of their own
// are separated by commas.
func oneLine(s string) string {
	lines := strings.Split(s, "\n")
	var b strings.Builder
	for i, l := range lines {
		// Drop the alignment that cue fmt puts after labels.
		l = labelAlignment.ReplaceAllString(strings.TrimSpace(l), ": ")
		if l == "" {
			continue
		}
		if i > 0 && b.Len() > 0 {
			prev := b.String()
			if strings.HasSuffix(prev, "{") || strings.HasSuffix(prev, "[") || strings.HasPrefix(l, "}") || strings.HasPrefix(l, "]") || strings.HasSuffix(prev, ",") {
				b.WriteString(" ")
			} else {
				b.WriteString(", ")
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// mdMatrix writes a category's level-migration matrix as a Markdown table.
func mdMatrix(p func(string, ...any), ci *evaluator.CategoryImpact) {
	p("| from \\ to |")
	for _, l := range ci.Levels {
		p(" %s |", l)
	}
	p("\n|---|")
	for range ci.Levels {
		p("---:|")
	}
	p("\n")
	for i, from := range ci.Levels {
		p("| **%s** |", from)
		for j := range ci.Levels {
			if n := ci.Matrix[i][j]; n > 0 {
				p(" %d |", n)
			} else {
				p(" · |")
			}
		}
		p("\n")
	}
}
