package evaluator_test

import (
	"context"
	"slices"
	"testing"

	"github.com/ladderworks/ladder/evaluator"
)

// TestImpactRemovedCriterion makes the edition's TV-L1-NPU fail every
// television, then checks what the draft, which removes the criterion, does
// to them: they move up because of it, it has no pass count under the draft,
// and the matrices count every device once.
func TestImpactRemovedCriterion(t *testing.T) {
	fsys := builtinFS(t, [3]string{"cue/revisions/gbz177-2026/television.cue", "npu_tops_int8: >=1", "npu_tops_int8: >=100000"})
	base, devices := graded(t, fsys, "gbz177-2026")
	target, devicesT := graded(t, fsys, "gbz177-l4-draft")
	eb, et := evaluator.NewEngine(), evaluator.NewEngine()
	if _, err := eb.Update(context.Background(), base, devices); err != nil {
		t.Fatal(err)
	}
	if _, err := et.Update(context.Background(), target, devicesT); err != nil {
		t.Fatal(err)
	}
	byID := map[string]int{}
	for i, d := range devicesT {
		byID[d.ID] = i
	}
	im := evaluator.NewImpact(base, target)
	for i, d := range devices {
		im.Add(eb.State().Outcome(i), et.State().Outcome(byID[d.ID]))
	}
	im.Finish()

	tv := im.Category("television")
	if tv == nil {
		t.Fatal("no television impact")
	}
	total := 0
	for _, ci := range im.Categories {
		n := 0
		for _, row := range ci.Matrix {
			for _, c := range row {
				n += c
			}
		}
		if n != ci.Devices {
			t.Errorf("%s: the matrix counts %d devices, want %d", ci.Category, n, ci.Devices)
		}
		total += n
	}
	if total != len(devices) || im.Devices != len(devices) {
		t.Errorf("%d devices in the matrices, %d in the impact, want %d", total, im.Devices, len(devices))
	}
	up := 0
	for _, m := range tv.Moved {
		if m.From == evaluator.LevelNone && slices.Contains(m.Because, "TV-L1-NPU") {
			up++
		}
		if m.From == evaluator.LevelNone && !slices.Contains(m.Because, "TV-L1-NPU") {
			t.Errorf("%s moved %s → %s because of %v, not the removed TV-L1-NPU", m.ID, m.From, m.To, m.Because)
		}
	}
	if up < 10 {
		t.Errorf("%d televisions moved up from L0 because TV-L1-NPU went; want most of them", up)
	}
	i := slices.IndexFunc(tv.Criteria, func(p evaluator.CriterionPasses) bool { return p.ID == "TV-L1-NPU" })
	if i < 0 || tv.Criteria[i].Before != 0 || tv.Criteria[i].After != -1 {
		t.Errorf("TV-L1-NPU passes = %+v, want 0 before and none after", tv.Criteria)
	}
}
