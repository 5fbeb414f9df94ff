package spec

import (
	"cmp"
	stderrors "errors"
	"fmt"
	"slices"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"
)

// Position is a place in a source file. Line and Column count from 1; a zero
// Position means that the place is not known.
type Position struct {
	File   string
	Line   int
	Column int
}

// IsValid reports whether p names a place in a file.
func (p Position) IsValid() bool { return p.File != "" }

// String formats p as file:line:col, or as the bare file name when the line
// is not known.
func (p Position) String() string {
	switch {
	case !p.IsValid():
		return "-"
	case p.Line == 0:
		return p.File
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
	}
}

// Compare orders positions by file, then line, then column.
func (p Position) Compare(q Position) int {
	return cmp.Or(
		cmp.Compare(p.File, q.File),
		cmp.Compare(p.Line, q.Line),
		cmp.Compare(p.Column, q.Column),
	)
}

func positionOf(p token.Pos) Position {
	if !p.IsValid() {
		return Position{}
	}
	return Position{File: p.Filename(), Line: p.Line(), Column: p.Column()}
}

// Error is one problem in a revision's source that keeps CUE from compiling
// it.
type Error struct {
	// Pos is where the problem is; Related lists the other places involved,
	// such as the other side of a conflict.
	Pos     Position
	Related []Position
	// Path is the CUE path of the value in error, if any.
	Path string
	Msg  string
}

// Error formats the error as "file:line:col: path: message".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos.IsValid() {
		b.WriteString(e.Pos.String())
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// LoadError reports that a revision could not be loaded. It lists every error
// that CUE found, sorted by position.
type LoadError struct {
	Revision string
	Errs     []*Error
}

func (e *LoadError) Error() string {
	lines := make([]string, 0, len(e.Errs)+1)
	lines = append(lines, fmt.Sprintf("revision %s does not compile (%d %s)", e.Revision, len(e.Errs), plural(len(e.Errs), "error", "errors")))
	for _, err := range e.Errs {
		lines = append(lines, err.Error())
	}
	return strings.Join(lines, "\n")
}

// UnknownRevisionError reports a revision ID that the workspace does not hold.
type UnknownRevisionError struct {
	ID        string
	Available []string
}

func (e *UnknownRevisionError) Error() string {
	if len(e.Available) == 0 {
		return fmt.Sprintf("unknown revision %q: the workspace holds no revisions", e.ID)
	}
	return fmt.Sprintf("unknown revision %q; available: %s", e.ID, strings.Join(e.Available, ", "))
}

// convertErrors turns a CUE error, which may hold many, into a sorted list of
// errors with positions. An error that CUE gives no position at all, such as
// two packages in one directory, is placed at where, the revision's
// directory.
//
// An error that CUE gives no position but a path, such as a structural
// cycle, is placed at the declaration of that path in decls, or of the
// nearest path above it that is declared, when decls is not nil.
func convertErrors(err error, where string, decls *declIndex) []*Error {
	var out []*Error
	for _, ce := range errors.Errors(err) {
		e := &Error{Msg: message(ce), Path: strings.Join(ce.Path(), ".")}
		if len(ce.Path()) == 1 && strings.Contains(e.Path, "/") {
			// The import path of the revision's package, which says
			// nothing a drafter does not know.
			e.Path = ""
		}
		// CUE gives a primary position for syntax errors and only input
		// positions for evaluation errors; the earliest of those leads.
		primary := positionOf(ce.Position())
		var inputs []Position
		for _, ip := range ce.InputPositions() {
			if p := positionOf(ip); p.IsValid() && p != primary && !slices.Contains(inputs, p) {
				inputs = append(inputs, p)
			}
		}
		slices.SortFunc(inputs, Position.Compare)
		if !primary.IsValid() && len(inputs) > 0 {
			primary, inputs = inputs[0], inputs[1:]
		}
		e.Pos, e.Related = primary, inputs
		out = append(out, e)
	}
	if len(out) == 0 && err != nil {
		out = append(out, &Error{Msg: err.Error()})
	}
	// An error that heads others, such as "3 errors in empty disjunction",
	// has no position of its own: it takes that of the first error about the
	// same value that comes first in the source.
	for _, e := range out {
		if e.Pos.IsValid() {
			continue
		}
		for _, o := range out {
			if o.Pos.IsValid() && o.Path == e.Path && (!e.Pos.IsValid() || o.Pos.Compare(e.Pos) < 0) {
				e.Pos = o.Pos
			}
		}
		if !e.Pos.IsValid() && decls != nil {
			e.Pos = declaredAt(decls, e.Path)
		}
		if !e.Pos.IsValid() {
			e.Pos = Position{File: where}
		}
	}
	slices.SortStableFunc(out, func(a, b *Error) int {
		return cmp.Or(a.Pos.Compare(b.Pos), cmp.Compare(a.Msg, b.Msg))
	})
	return slices.CompactFunc(out, func(a, b *Error) bool {
		return a.Pos == b.Pos && a.Msg == b.Msg && a.Path == b.Path
	})
}

// message returns what a CUE error says, with what the errors it wraps
// say, such as the package that an import failed to find: CUE's own
// message for it is only "import failed".
func message(ce errors.Error) string {
	format, args := ce.Msg()
	msg := fmt.Sprintf(format, args...)
	for inner := stderrors.Unwrap(ce); inner != nil; inner = stderrors.Unwrap(inner) {
		var m string
		if ie, ok := inner.(errors.Error); ok {
			format, args := ie.Msg()
			m = fmt.Sprintf(format, args...)
		} else {
			m = inner.Error()
		}
		if m != "" && !strings.Contains(msg, m) {
			msg += ": " + m
		}
	}
	return msg
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Summary says in one line why a revision does not load: "revision ID does
// not compile (file:line:col: message)", with the number of further
// errors, for a [*LoadError]; the first line of any other error.
func Summary(err error) string {
	var le *LoadError
	if stderrors.As(err, &le) && len(le.Errs) > 0 {
		more := ""
		if n := len(le.Errs) - 1; n > 0 {
			more = fmt.Sprintf("; %d more %s", n, plural(n, "error", "errors"))
		}
		first, _, _ := strings.Cut(le.Errs[0].Error(), "\n")
		return fmt.Sprintf("revision %s does not compile (%s%s)", le.Revision, first, more)
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	return first
}

// declaredAt returns where the CUE path p (as CUE's errors give it,
// "a.b.\"c-d\"") is first declared, or the nearest path above it that is,
// or no position.
func declaredAt(decls *declIndex, p string) Position {
	if p == "" {
		return Position{}
	}
	var labels []string
	for _, sel := range cue.ParsePath(p).Selectors() {
		labels = append(labels, selectorName(sel))
	}
	if len(labels) == 0 {
		return Position{}
	}
	for n := len(labels); n > 0; n-- {
		if ds := decls.lookup(labels[:n]...); len(ds) > 0 {
			return ds[0].pos()
		}
	}
	return Position{}
}
