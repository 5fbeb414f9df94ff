package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/spec"
)

// TestMatrixCountsStandApart: in the level matrix, every count stands apart
// from its neighbour by a space at any width the Effect pane and the Impact
// view give it, counts of four and five digits (a corpus of 100,000
// devices) included; where one cannot, it is "+", never run into the next.
func TestMatrixCountsStandApart(t *testing.T) {
	m := loaded(t, 120, 40)
	ci := &evaluator.CategoryImpact{Category: "c", Levels: spec.Ladder(4), Matrix: [][]int{
		{1581, 0, 0, 0, 0},
		{0, 2907, 0, 0, 0},
		{0, 0, 4140, 5, 0},
		{0, 0, 14, 14427, 1247},
		{0, 0, 0, 0, 0},
	}}
	var im impactModel
	for _, w := range []int{20, 26, 30, 40, 60} {
		lines := im.matrixLines(&m.sh, ci, w)
		for _, l := range lines[1 : len(lines)-1] {
			row := ansi.Strip(l)
			if width(row) > w {
				t.Errorf("width %d: %q is %d cells wide", w, row, width(row))
			}
			fields := strings.Fields(row)
			for _, f := range fields[1:] {
				if f != "·" && f != "+" && strings.ContainsAny(f, "·+") {
					t.Errorf("width %d: %q runs counts together (%q)", w, row, f)
				}
			}
			if want := len(ci.Levels) + 1; len(fields) != want {
				t.Errorf("width %d: %q has %d fields, want %d", w, row, len(fields), want)
			}
		}
		if w >= 40 && !strings.Contains(ansi.Strip(strings.Join(lines, "\n")), "14427") {
			t.Errorf("width %d: 14427 is not shown:\n%s", w, ansi.Strip(strings.Join(lines, "\n")))
		}
	}
}
