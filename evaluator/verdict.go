package evaluator

import (
	"fmt"
	"strings"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// Verdict is the outcome of one criterion on one device.
type Verdict uint8

// The verdicts.
const (
	// Pass: every constrained field is present and satisfies the criterion.
	Pass Verdict = iota
	// Fail: every constrained field is present, and one does not satisfy it.
	Fail
	// Missing: a field that the criterion constrains is absent from the
	// device, so there is no evidence to judge it.
	Missing
)

var verdictNames = [...]string{Pass: "pass", Fail: "fail", Missing: "missing"}

// String returns "pass", "fail" or "missing".
func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return fmt.Sprintf("Verdict(%d)", v)
}

// MarshalText writes the verdict as its name.
func (v Verdict) MarshalText() ([]byte, error) {
	return []byte(v.String()), nil
}

// Problem is why one field of a device does not satisfy a criterion.
type Problem struct {
	// Field is the field's path in the record, such as
	// "measurements.on_device_llm_params_b".
	Field string
	// Needs is what the criterion asks of the field, as CUE text (">=7").
	Needs string
	// Has is the device's value as JSON, or "" when the field is absent.
	Has string
	// Absent reports that the device lacks the field.
	Absent bool
	// Reason is CUE's own message, for fields whose problem the criterion's
	// text alone does not explain.
	Reason string
}

// String says what the field has and what it needs, as a drafter or a
// vendor would read it: "on_device_llm_params_b is 3, needs >=7".
func (p Problem) String() string {
	// Concatenation, not fmt: a large corpus has millions of these.
	name := shortField(p.Field)
	switch {
	case p.Absent && p.Needs != "":
		return name + " is absent (no evidence), needs " + p.Needs
	case p.Absent:
		return name + " is absent (no evidence)"
	case p.Needs != "":
		return name + " is " + p.Has + ", needs " + p.Needs
	case p.Has != "":
		return name + " is " + p.Has + ": " + p.Reason
	default:
		return name + ": " + p.Reason
	}
}

// shortField drops the "measurements." that most paths start with.
func shortField(path string) string {
	return strings.TrimPrefix(path, "measurements.")
}

// Check is the verdict of one criterion on one device, with the problems
// behind a fail or a missing.
type Check struct {
	Criterion *spec.Criterion
	Verdict   Verdict
	// Problems are the absent fields of a Missing, or the unsatisfied
	// fields of a Fail, sorted by field; empty for a Pass.
	Problems []Problem
}

// Field is the path of the first field behind the verdict, or "" for a
// pass.
func (c Check) Field() string {
	if len(c.Problems) == 0 {
		return ""
	}
	return c.Problems[0].Field
}

// Message explains a fail or a missing in one line, or is "" for a pass.
func (c Check) Message() string {
	switch len(c.Problems) {
	case 0:
		return ""
	case 1:
		return c.Problems[0].String()
	}
	parts := make([]string, len(c.Problems))
	for i, p := range c.Problems {
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}

// Outcome is everything decided about one device under one revision.
type Outcome struct {
	Device   *fixtures.Device
	Category *spec.Category
	// Level is the highest level reached, "L0" when it reaches no level.
	Level string
	// Families are the levels per family, in the category's order, when the
	// category names families; nil otherwise.
	Families []FamilyLevel
	// Flags are FlagOverClaim and FlagNotAssessable, when they apply.
	Flags []string
	// Checks are the verdicts of every criterion of the category, by level
	// and ID.
	Checks []Check
}

// FamilyLevel is the level a device reaches in one family of its category.
type FamilyLevel struct {
	Family string
	Level  string
}

// The flags of an outcome.
const (
	// FlagOverClaim: the device claims a higher level than it reaches.
	FlagOverClaim = "over-claim"
	// FlagNotAssessable: the device claims a level that the revision
	// reserves, so the claim cannot be assessed.
	FlagNotAssessable = "not-assessable"
)

// LevelNone is the level of a device that does not reach L1.
const LevelNone = "L0"

// Counts returns how many of the outcome's checks passed, failed and had
// missing evidence.
func (o *Outcome) Counts() (pass, fail, missing int) {
	for _, c := range o.Checks {
		switch c.Verdict {
		case Pass:
			pass++
		case Fail:
			fail++
		case Missing:
			missing++
		}
	}
	return pass, fail, missing
}

// HasFlag reports whether the outcome has the flag.
func (o *Outcome) HasFlag(flag string) bool {
	for _, f := range o.Flags {
		if f == flag {
			return true
		}
	}
	return false
}
