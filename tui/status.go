package tui

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/ladderworks/ladder/spec"
)

// statusError is the line of an error that the status line shows: where
// and why, first, since the line is cut at the terminal's width. The
// Problems view (7) and the Edit view's Effect pane show the error whole.
//
// A revision that does not compile shows its first error as
// file:line:col: message, the file by its base name and without CUE's path
// of the value in error, then how many more there are; any other error
// shows its first line without the wrappers that say what was being done
// ("workspace DIR: ", "loading revision ID: ") and with the files it
// names by their base names.
func statusError(err error) string {
	if err == nil {
		return ""
	}
	var stopped *spec.StoppedError
	if errors.As(err, &stopped) {
		return stopped.Summary()
	}
	var le *spec.LoadError
	if errors.As(err, &le) && len(le.Errs) > 0 {
		e := le.Errs[0]
		s := firstLine(e.Msg)
		if e.Pos.IsValid() {
			s = shortPos(e.Pos) + ": " + s
		}
		if n := len(le.Errs) - 1; n > 0 {
			s += fmt.Sprintf(" (and %d more: 7 lists them)", n)
		}
		return s
	}
	s := firstLine(err.Error())
	for {
		loc := wrapperRE.FindStringIndex(s)
		if loc == nil || loc[1] == len(s) {
			break
		}
		s = s[loc[1]:]
	}
	return pathRE.ReplaceAllString(s, "$1")
}

// wrapperRE matches a wrapper that heads an error: what was being done, not
// what went wrong.
var wrapperRE = regexp.MustCompile(`^(?:loading revision [^\s:]+|workspace [^:]+|the built-in standard|the (?:base|working) revision(?: [^\s:]+)?): `)

// pathRE matches a file's path with directories, such as
// /home/me/std/cue/revisions/draft/mobile_terminal.cue, keeping its base
// name as $1.
var pathRE = regexp.MustCompile(`(?:[^\s:"'()]*/)([^\s/:"'()]+\.[A-Za-z0-9]+)`)

// shortPos is a position with its file's base name: schema.cue:12:5.
func shortPos(p spec.Position) string {
	p.File = path.Base(strings.ReplaceAll(p.File, "\\", "/"))
	return p.String()
}
