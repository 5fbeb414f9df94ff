package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
)

// statusRow is the status line of a screen: the row above the line of
// help.
func statusRow(m *App) string {
	rows := strings.Split(screen(m), "\n")
	return rows[len(rows)-2]
}

// TestStatusLineShowsWhy: an error in the status line shows where and why
// first, at 120 and at 80 columns, whatever the paths and wrappers around
// them: a revision that does not compile (by syntax, or by a conflict deep
// in the standard), and a reload that fails in a workspace with a long
// path. The Problems view has the whole text.
func TestStatusLineShowsWhy(t *testing.T) {
	draft := spectest.RevFile(spectest.Draft, "speaker.cue")
	for _, tc := range []struct {
		name, old, new string
		want           string
	}{
		{"syntax", "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=95 &", "speaker.cue:28:2: expected operand, found '}'"},
		{"conflict", `clause:     "GB/Z 177.8 A.2"`, `clause:     "GB/Z 177.8 A.2" & "GB/Z 177.8 A.3"`,
			`speaker.cue:25:15: conflicting values "GB/Z 177.8 A.3" and "GB/Z 177.8 A.2"`},
	} {
		dir := spectest.Dir(t, spectest.Replace(draft, tc.old, tc.new))
		for _, size := range [][2]int{{120, 40}, {80, 24}} {
			t.Run(fmt.Sprintf("%s-%dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				m := startSettled(t, diskConfig(t, dir, t.TempDir()), size[0], size[1])
				if row := statusRow(m); !strings.Contains(row, tc.want) {
					t.Errorf("the status line does not say why:\n%s\nwant %q", row, tc.want)
				}
			})
		}
	}
	long := "/home/drafter/work/standards/very/deeply/nested/checkout/of/the/ladder/workspace"
	reload := fmt.Errorf("workspace %s: %w", long, fmt.Errorf("loading revision gbz177-l4-draft: %s/cue/revisions/gbz177-l4-draft/mobile_terminal.cue:12:5: %w",
		long, errors.New("it did not compile within 30s")))
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		m := startSettled(t, testConfig(t), size[0], size[1])
		m.Update(loadedMsg{err: reload})
		if row, want := statusRow(m), "mobile_terminal.cue:12:5: it did not compile within 30s"; !strings.Contains(row, want) {
			t.Errorf("%dx%d: the status line does not say why:\n%s\nwant %q", size[0], size[1], row, want)
		}
	}
}

func TestStatusError(t *testing.T) {
	le := &spec.LoadError{Revision: "draft", Errs: []*spec.Error{
		{Pos: spec.Position{File: "/a/long/path/cue/revisions/draft/schema.cue", Line: 12, Column: 5}, Path: "categories.x.levels.L1.criteria.\"X-L1-A\".title", Msg: "conflicting values 5 and string"},
		{Pos: spec.Position{File: "/a/long/path/cue/revisions/draft/x.cue", Line: 1, Column: 1}, Msg: "another"},
	}}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{le, "schema.cue:12:5: conflicting values 5 and string (and 1 more: 7 lists them)"},
		{fmt.Errorf("the base revision: %w", le), "schema.cue:12:5: conflicting values 5 and string (and 1 more: 7 lists them)"},
		{&spec.LoadError{Revision: "d", Errs: []*spec.Error{{Msg: "two packages\nin one directory"}}}, "two packages"},
		{errors.New("loading revision d: /x/y/cue/revisions/d/a.cue:3:4: reason"), "a.cue:3:4: reason"},
		{errors.New("workspace /x y/z: loading revision d: it did not compile within 1s"), "it did not compile within 1s"},
		{errors.New("saving cue/revisions/d/a.cue: permission denied"), "saving a.cue: permission denied"},
		{errors.New("loading revision d:"), "loading revision d:"},
		{errors.New("reading corpus (fixtures/devices, my.json): no such file"), "reading corpus (fixtures/devices, my.json): no such file"},
	} {
		if got := statusError(tc.err); got != tc.want {
			t.Errorf("statusError(%q) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
