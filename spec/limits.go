package spec

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
)

// Limits bound the compilation of one revision. A zero field stands for its
// default.
type Limits struct {
	// Time is the longest a compilation may take: 30 seconds by default.
	Time time.Duration
	// Memory is the most memory, in bytes, that a compilation may take
	// beyond what the process held before it: 1 GiB by default, or half
	// the machine's memory where that is less.
	Memory int64
}

// DefaultTimeLimit is how long a compilation may take by default.
const DefaultTimeLimit = 30 * time.Second

// defaultMemoryLimit is the memory a compilation may take by default: 1 GiB,
// or half the machine's memory where that is less.
func defaultMemoryLimit() int64 {
	limit := int64(1 << 30)
	if total := physicalMemory(); total > 0 && total/2 < limit {
		limit = total / 2
	}
	return limit
}

// defaults holds the limits that SetDefaultLimits set, if any.
var defaults atomic.Pointer[Limits]

// SetDefaultLimits sets the limits of the workspaces of this process that
// have none of their own (see [Workspace.SetLimits]); a zero field keeps the
// built-in default. It returns the limits that were in force, for a test to
// put back.
func SetDefaultLimits(l Limits) Limits {
	old := DefaultLimits()
	defaults.Store(&l)
	return old
}

// DefaultLimits returns the limits of a workspace that has none of its own.
func DefaultLimits() Limits {
	var l Limits
	if d := defaults.Load(); d != nil {
		l = *d
	}
	if l.Time <= 0 {
		l.Time = DefaultTimeLimit
	}
	if l.Memory <= 0 {
		l.Memory = defaultMemoryLimit()
	}
	return l
}

// SetLimits sets the limits of the compilations of the workspace's
// revisions; a zero field takes the default (see [SetDefaultLimits]). Call
// it before loading; a workspace made from this one ([Workspace.Over],
// [Workspace.AtCommit]) has the same limits.
func (w *Workspace) SetLimits(l Limits) {
	w.limits = l
}

// Limits returns the limits of the compilations of the workspace's
// revisions.
func (w *Workspace) Limits() Limits {
	d := DefaultLimits()
	l := w.limits
	if l.Time <= 0 {
		l.Time = d.Time
	}
	if l.Memory <= 0 {
		l.Memory = d.Memory
	}
	return l
}

// StopReason says why Ladder stopped the compilation of a revision.
type StopReason int

const (
	// StoppedTime is a compilation that took longer than its limit.
	StoppedTime StopReason = iota + 1
	// StoppedMemory is a compilation that needed more memory than its
	// limit.
	StoppedMemory
	// StoppedCrash is a compilation that made CUE fail.
	StoppedCrash
)

// StoppedError reports a revision whose compilation Ladder stopped before
// it ended: it took too long, needed too much memory, or made CUE fail.
// Ladder's own process never compiles such a revision; the same text is
// refused at once the next time.
type StoppedError struct {
	Revision string
	Reason   StopReason
	// Limits are those that the compilation was held to.
	Limits Limits
	// Detail is what CUE said when it failed (StoppedCrash).
	Detail string
	// Pos is where the revision has a comprehension, or a call that makes a
	// long list or string, that is likely the cause: the one over the
	// largest number written in the source, else the first. It is zero
	// when the revision has none.
	Pos Position
}

// Error says what was stopped and why, headed by the position of the likely
// cause where there is one, and ending with a hint at what it may be.
func (e *StoppedError) Error() string {
	var b strings.Builder
	if e.Pos.IsValid() {
		b.WriteString(e.Pos.String())
		b.WriteString(": ")
	}
	b.WriteString(e.Summary())
	if e.Reason == StoppedMemory || e.Reason == StoppedTime && e.Pos.IsValid() {
		b.WriteString(" (a comprehension over a very long list?)")
	}
	return b.String()
}

// Summary says what was stopped and why, without the position or the
// hint, where room is short: "revision X: compiling it took more than 30s;
// Ladder stopped it".
func (e *StoppedError) Summary() string {
	switch e.Reason {
	case StoppedTime:
		return fmt.Sprintf("revision %s: compiling it took more than %v; Ladder stopped it", e.Revision, e.Limits.Time)
	case StoppedMemory:
		return fmt.Sprintf("revision %s: compiling it needed more than %s of memory; Ladder stopped it", e.Revision, ByteSize(e.Limits.Memory))
	}
	return fmt.Sprintf("revision %s: CUE failed while compiling it (%s); Ladder stopped it", e.Revision, e.Detail)
}

// ByteSize writes a number of bytes, for messages, in the largest binary
// unit that holds it at least once, to a tenth: 1 GiB, 512 MiB, 1.5 GiB,
// 300 bytes.
func ByteSize(n int64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB"}
	v, i := float64(n), 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) + " " + units[i]
}

// suspect returns where a revision's files most likely make a compilation
// blow up: the comprehension whose source holds the largest number, or the
// call to list.Range, list.Repeat or strings.Repeat with the largest
// argument, else the first comprehension; or a zero Position.
func suspect(files []*File) Position {
	var (
		best      Position
		bestScore = -1.0
		first     Position
	)
	consider := func(pos token.Pos, n ast.Node) {
		p := positionOf(pos)
		if !first.IsValid() {
			first = p
		}
		if s := largestNumber(n); s > bestScore && s > 0 {
			best, bestScore = p, s
		}
	}
	for _, f := range files {
		file, _ := parser.ParseFile(f.Name, f.Data)
		if file == nil {
			continue
		}
		ast.Walk(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ForClause:
				consider(n.For, n.Source)
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
					pkg, _ := sel.X.(*ast.Ident)
					name, _, _ := ast.LabelName(sel.Sel)
					if pkg != nil && (pkg.Name == "list" && (name == "Range" || name == "Repeat") || pkg.Name == "strings" && name == "Repeat") {
						consider(n.Pos(), &ast.ListLit{Elts: n.Args})
					}
				}
			}
			return true
		}, nil)
	}
	if best.IsValid() {
		return best
	}
	return first
}

// largestNumber returns the largest number written in an expression, or 0.
func largestNumber(n ast.Node) float64 {
	largest := 0.0
	ast.Walk(n, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || (lit.Kind != token.INT && lit.Kind != token.FLOAT) {
			return true
		}
		var info literal.NumInfo
		if literal.ParseNum(lit.Value, &info) != nil {
			return true
		}
		if v, err := strconv.ParseFloat(info.String(), 64); err == nil && v > largest {
			largest = v
		}
		return true
	}, nil)
	return largest
}
