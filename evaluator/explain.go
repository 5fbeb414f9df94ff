package evaluator

import (
	"fmt"
	"strings"

	"cuelang.org/go/cue"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// Diagnostic is one of CUE's own errors for a verdict, with every position
// that contributed to it: the criterion's in its CUE file and the device's
// in its record file.
type Diagnostic struct {
	// Field is the error's path in the record.
	Field   string
	Message string
	// Positions are in the order CUE gives them, without repeats.
	Positions []spec.Position
}

// String formats the diagnostic as CUE does: the message, then each
// position on a line of its own.
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.Field != "" {
		b.WriteString(d.Field + ": ")
	}
	b.WriteString(d.Message)
	for _, p := range d.Positions {
		b.WriteString("\n    " + p.String())
	}
	return b.String()
}

// Explain returns CUE's own account of a criterion's verdict on a device.
// For a missing verdict, each absent field the criterion constrains, with
// the position of what it asks; for a fail, the errors of the device
// unified with the criterion's require, validated as concrete, each with
// the positions of both sides. A pass has none. It costs unifications: call
// it for the verdicts a user looks at, not for a whole corpus.
func (r *Reference) Explain(d *fixtures.Device, c *spec.Criterion) []Diagnostic {
	check := r.Check(d, c)
	var out []Diagnostic
	switch check.Verdict {
	case Pass:
		return nil
	case Missing:
		for _, p := range check.Problems {
			diag := Diagnostic{Field: p.Field, Message: "field is required but not present"}
			pos := c.Pos
			for _, f := range c.Fields {
				if f.Path == p.Field {
					pos = f.Pos
				}
			}
			if pos.File != "" {
				diag.Positions = []spec.Position{pos}
			}
			out = append(out, diag)
		}
		return out
	}
	err := d.CUE().Unify(c.Require).Validate(cue.Concrete(true))
	for _, e := range cueerrors.Errors(err) {
		format, args := e.Msg()
		// CUE writes the labels of an error's path as selectors already.
		diag := Diagnostic{Field: strings.Join(e.Path(), "."), Message: fmt.Sprintf(format, args...)}
		seen := map[spec.Position]bool{}
		for _, p := range append([]token.Pos{e.Position()}, e.InputPositions()...) {
			pos, ok := locate(d, p)
			if ok && !seen[pos] {
				seen[pos] = true
				diag.Positions = append(diag.Positions, pos)
			}
		}
		out = append(out, diag)
	}
	return out
}

// locate places a CUE position in a file as users see it: lines of a
// record in a JSON Lines file are counted from the file's start.
func locate(d *fixtures.Device, p token.Pos) (spec.Position, bool) {
	if !p.IsValid() || p.Filename() == "" {
		return spec.Position{}, false
	}
	if line, col := d.Locate(p); line > 0 {
		return spec.Position{File: d.File, Line: line, Column: col}, true
	}
	return spec.Position{File: p.Filename(), Line: p.Line(), Column: p.Column()}, true
}
