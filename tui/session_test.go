package tui

import (
	"slices"
	"testing"
)

// TestReindexEqualsIndex: after an edit that leaves the schema alone, the
// device rows taken over from the session before (reindex, both from the
// engine's delta, as the workbench does, and looking at every row) are
// those that indexing afresh gives: the same devices in the same order,
// with the new levels and flags.
func TestReindexEqualsIndex(t *testing.T) {
	m := loaded(t, 120, 40)
	openCriterion(t, m, "MT-L3-LLM")
	gotoEnd(m, lineOf(t, m, "on_device_llm_params_b: >=7"))
	before := m.s
	press(m, "backspace", "backspace", "5", "0")
	msg := compileNow(t, m)
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	after := msg.s
	if after.cmp.Delta == nil {
		t.Fatal("the edit's comparison has no delta: its rows were not taken from it")
	}
	fresh := &session{base: after.base, work: after.work, baseState: after.baseState, workState: after.workState}
	fresh.index()
	taken := &session{base: after.base, work: after.work, baseState: after.baseState, workState: after.workState}
	if !taken.reindex(before) {
		t.Fatal("the rows of the session before the edit were not taken over")
	}
	for _, s := range []*session{after, taken} {
		if len(s.devices) != len(fresh.devices) || len(s.byID) != len(fresh.byID) || s.theirs != fresh.theirs {
			t.Fatalf("%d rows (%d by ID, %d yours), want %d (%d, %d)", len(s.devices), len(s.byID), s.theirs, len(fresh.devices), len(fresh.byID), fresh.theirs)
		}
		for i, want := range fresh.devices {
			got := s.devices[i]
			if got.dev != want.dev || got.baseIdx != want.baseIdx || got.workIdx != want.workIdx || got.from != want.from ||
				got.to != want.to || got.theirs != want.theirs || !slices.Equal(got.flags, want.flags) || s.row(want.dev.ID) != got {
				t.Fatalf("row %d is %+v, want %+v", i, *got, *want)
			}
		}
	}
	for _, r := range fresh.devices {
		if r.workIdx >= 0 && !slices.Equal(r.flags, fresh.workState.Outcome(r.workIdx).Flags) {
			t.Errorf("%s: flags %v, its outcome says %v", r.dev.ID, r.flags, fresh.workState.Outcome(r.workIdx).Flags)
		}
	}
	moved := 0
	for i, r := range taken.devices {
		if r.to != before.devices[i].to {
			moved++
		}
	}
	if moved == 0 {
		t.Error("raising MT-L3-LLM to >=50 moved no device; the test shows nothing")
	}
}

// BenchmarkIndex measures the device rows of a session built afresh
// (index: every device mapped and sorted) against those taken over from
// the session before an edit (reindex), on the built-in corpus.
func BenchmarkIndex(b *testing.B) {
	m := loaded(b, 120, 40)
	s := m.s
	b.Run("index", func(b *testing.B) {
		for b.Loop() {
			n := &session{base: s.base, work: s.work, baseState: s.baseState, workState: s.workState}
			n.index()
		}
	})
	b.Run("reindex", func(b *testing.B) {
		for b.Loop() {
			n := &session{base: s.base, work: s.work, baseState: s.baseState, workState: s.workState}
			if !n.reindex(s) {
				b.Fatal("not taken over")
			}
		}
	})
}
