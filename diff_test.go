package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// TestDiffScripts runs the scripts of ladder diff.
func TestDiffScripts(t *testing.T) { runScripts(t, "diff") }

// ladder runs the command in-process and returns what it printed.
func ladder(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestDiffGolden pins the reports of the edition against the draft: the
// text at 80 and 120 columns, side by side, and the Markdown report. Run
// go test -run TestDiffGolden -update to accept a change.
func TestDiffGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"text-80", []string{"--width", "80"}},
		{"text-120", []string{"--width", "120"}},
		{"side-by-side-120", []string{"--width", "120", "--side-by-side"}},
		{"markdown", []string{"--format", "md"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"diff", "gbz177-2026", "gbz177-l4-draft", "--color", "never"}, tc.args...)
			out, errOut, code := ladder(t, args...)
			if code != exitOK || errOut != "" {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			golden.RequireEqual(t, out)
		})
	}
}

// TestDiffFitsWidth checks that no row of the text report is wider than
// the width it is laid out for, in color or not, unified or side by side.
func TestDiffFitsWidth(t *testing.T) {
	for _, width := range []int{40, 80, 120, 200} {
		for _, side := range []bool{false, true} {
			for _, color := range []string{"never", "always"} {
				args := []string{"diff", "--width", fmt.Sprint(width), "--color", color}
				if side {
					args = append(args, "--side-by-side")
				}
				out, _, code := ladder(t, args...)
				if code != exitOK {
					t.Fatalf("%v: exit %d", args, code)
				}
				for i, line := range strings.Split(out, "\n") {
					if w := ansi.StringWidth(line); w > width {
						t.Errorf("%v: line %d is %d cells wide: %q", args, i+1, w, line)
					}
				}
			}
		}
	}
}

// evalDevice is what the test reads of eval's JSON.
type evalDevice struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Level    string `json:"level"`
	Criteria []struct {
		ID      string `json:"id"`
		Level   string `json:"level"`
		Verdict string `json:"verdict"`
	} `json:"criteria"`
}

func evalDevices(t *testing.T, rev string) map[string]evalDevice {
	t.Helper()
	out, errOut, code := ladder(t, "eval", "--rev", rev, "--format", "json")
	if code != exitOK {
		t.Fatalf("eval --rev %s: exit %d: %s", rev, code, errOut)
	}
	var doc struct {
		Devices []evalDevice `json:"devices"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	m := map[string]evalDevice{}
	for _, d := range doc.Devices {
		m[d.ID] = d
	}
	return m
}

// TestDiffImpactIsTheDifferenceOfEvaluations checks the impact that diff
// reports against the two evaluations that eval prints, one per revision:
// the matrices, the devices that moved, the criteria that moved them, the
// pass counts and the devices whose verdicts alone changed.
func TestDiffImpactIsTheDifferenceOfEvaluations(t *testing.T) {
	const base, target = "gbz177-2026", "gbz177-l4-draft"
	before, after := evalDevices(t, base), evalDevices(t, target)

	out, errOut, code := ladder(t, "diff", base, target, "--format", "json")
	if code != exitOK {
		t.Fatalf("diff: exit %d: %s", code, errOut)
	}
	var doc struct {
		Impact map[string]struct {
			Devices int                       `json:"devices"`
			Matrix  map[string]map[string]int `json:"matrix"`
			Moved   []struct {
				ID, From, To string
				Because      []string
			} `json:"moved"`
			Changed []struct {
				ID, Level string
				Criteria  []string
			} `json:"changed"`
			Criteria []struct {
				ID            string
				Before, After *int
			} `json:"criteria"`
		} `json:"impact"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}

	type move struct{ from, to string }
	wantMatrix := map[string]map[string]map[string]int{}
	wantMoved := map[string]move{}
	wantChanged := map[string][]string{}
	wantPasses := map[string][2]int{} // criterion → before, after (-1: absent)
	for id, a := range after {
		b, ok := before[id]
		if !ok {
			t.Fatalf("%s graded under %s only", id, target)
		}
		m := wantMatrix[a.Category]
		if m == nil {
			m = map[string]map[string]int{}
			wantMatrix[a.Category] = m
		}
		if m[b.Level] == nil {
			m[b.Level] = map[string]int{}
		}
		m[b.Level][a.Level]++
		vb := map[string]string{}
		for _, c := range b.Criteria {
			vb[c.ID] = c.Verdict
		}
		if b.Level != a.Level {
			wantMoved[id] = move{b.Level, a.Level}
		} else {
			var changed []string
			for _, c := range a.Criteria {
				if v, ok := vb[c.ID]; ok && v != c.Verdict {
					changed = append(changed, c.ID)
				}
			}
			if len(changed) > 0 {
				slices.Sort(changed)
				wantChanged[id] = changed
			}
		}
	}
	count := func(devs map[string]evalDevice, side int) {
		for _, d := range devs {
			for _, c := range d.Criteria {
				p, ok := wantPasses[c.ID]
				if !ok {
					p = [2]int{-1, -1}
				}
				if p[side] < 0 {
					p[side] = 0
				}
				if c.Verdict == "pass" {
					p[side]++
				}
				wantPasses[c.ID] = p
			}
		}
	}
	count(before, 0)
	count(after, 1)

	gotMoved := map[string]move{}
	gotChanged := map[string][]string{}
	gotPasses := map[string][2]int{}
	for cat, ci := range doc.Impact {
		if !maps.EqualFunc(ci.Matrix, wantMatrix[cat], maps.Equal) {
			t.Errorf("%s: matrix %v, want %v", cat, ci.Matrix, wantMatrix[cat])
		}
		for _, m := range ci.Moved {
			gotMoved[m.ID] = move{m.From, m.To}
			checkBecause(t, m.ID, m.Because, before[m.ID], after[m.ID])
		}
		for _, c := range ci.Changed {
			crit := slices.Clone(c.Criteria)
			slices.Sort(crit)
			gotChanged[c.ID] = crit
		}
		for _, p := range ci.Criteria {
			v := [2]int{-1, -1}
			if p.Before != nil {
				v[0] = *p.Before
			}
			if p.After != nil {
				v[1] = *p.After
			}
			gotPasses[p.ID] = v
		}
	}
	if !maps.Equal(gotMoved, wantMoved) {
		t.Errorf("moved %v, want %v", gotMoved, wantMoved)
	}
	if !maps.EqualFunc(gotChanged, wantChanged, slices.Equal) {
		t.Errorf("changed verdicts %v, want %v", gotChanged, wantChanged)
	}
	if !maps.Equal(gotPasses, wantPasses) {
		t.Errorf("pass counts %v, want %v", gotPasses, wantPasses)
	}
	if len(wantMoved) < 10 || len(wantChanged) == 0 {
		t.Errorf("the draft moves %d devices and changes the verdicts of %d: the corpus no longer shows its impact", len(wantMoved), len(wantChanged))
	}
}

// checkBecause checks the criteria said to have moved a device against its
// verdicts: on the way down, each is one it passed (or that did not exist)
// and now does not pass; on the way up, one it did not pass (or that did
// not exist) and now passes, or one removed that it failed.
func checkBecause(t *testing.T, id string, because []string, b, a evalDevice) {
	t.Helper()
	vb, va := map[string]string{}, map[string]string{}
	for _, c := range b.Criteria {
		vb[c.ID] = c.Verdict
	}
	for _, c := range a.Criteria {
		va[c.ID] = c.Verdict
	}
	down := a.Level < b.Level
	if len(because) == 0 {
		t.Errorf("%s moved %s → %s for no criterion", id, b.Level, a.Level)
	}
	for _, c := range because {
		before, had := vb[c]
		now, has := va[c]
		ok := false
		switch {
		case down:
			ok = has && now != "pass" && (!had || before == "pass")
		case has:
			ok = now == "pass" && (!had || before != "pass")
		default:
			ok = had && before != "pass"
		}
		if !ok {
			t.Errorf("%s moved %s → %s because of %s, whose verdict went %q → %q", id, b.Level, a.Level, c, before, now)
		}
	}
}
