package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
)

// typeText types a text into the workbench, a key a character.
func typeText(t *testing.T, m *App, text string) {
	t.Helper()
	for _, r := range text {
		type_(t, m, string(r))
	}
}

// TestReachEveryCriterion: any criterion is reached by / or : and its ID
// and enter, no more: it is selected in Spec, its CUE shown.
func TestReachEveryCriterion(t *testing.T) {
	m := startSettled(t, testConfig(t), 120, 40)
	crits := m.s.work.Revision.Criteria()
	for _, trigger := range []string{"/", ":"} {
		for _, c := range []int{0, len(crits) / 3, len(crits) / 2, len(crits) - 1} {
			cr := crits[c]
			type_(t, m, "1")
			if trigger == "/" {
				type_(t, m, "esc") // no filter left from the last
			}
			type_(t, m, trigger)
			typeText(t, m, cr.ID)
			type_(t, m, "enter")
			if m.view != specView {
				t.Fatalf("%s%s: the view is %s", trigger, cr.ID, m.view)
			}
			if got := m.spec.selected(&m.sh); got != cr {
				t.Errorf("%s%s enter selects %v", trigger, cr.ID, idOf(got))
			}
			if out := screen(m); !strings.Contains(out, "CUE · built-in:"+cr.Pos.String()) {
				t.Errorf("%s%s: the CUE pane does not show it:\n%s", trigger, cr.ID, out)
			}
		}
	}
	// The filter matches titles and fields too, across categories, and
	// enter on a criterion then edits it.
	type_(t, m, "1", "esc", "/")
	typeText(t, m, "on_device_llm")
	type_(t, m, "enter")
	want, cats := 0, map[string]bool{}
	for _, c := range m.s.work.Revision.Criteria() {
		for _, f := range c.Fields {
			if strings.Contains(f.Path, "on_device_llm") || strings.Contains(strings.ToLower(c.Title), "on_device_llm") {
				want++
				cats[c.Category] = true
				break
			}
		}
	}
	if n := len(m.spec.visible(&m.sh)); n != want || len(cats) < 2 {
		t.Errorf("/on_device_llm lists %d criteria, want the %d of %d categories that test it", n, want, len(cats))
	}
	type_(t, m, "enter")
	if m.view != editView {
		t.Errorf("enter on a filtered criterion shows %s, want the editor", m.view)
	}
}

// idOf names a criterion, or nothing.
func idOf(c *spec.Criterion) string {
	if c == nil {
		return "nothing"
	}
	return c.ID
}

// TestGoTo: the palette jumps to a device, a view and a revision too.
func TestGoTo(t *testing.T) {
	m := startSettled(t, diskConfig(t, spectest.Dir(t), t.TempDir()), 120, 40)
	type_(t, m, ":")
	typeText(t, m, "mt-plovik-vinta-9")
	type_(t, m, "enter")
	if m.view != deviceView || m.sh.device != "mt-plovik-vinta-9-lite-0031" {
		t.Errorf(":mt-plovik-vinta-9 shows %s %s", m.view, m.sh.device)
	}
	type_(t, m, ":")
	typeText(t, m, "problems")
	type_(t, m, "enter")
	if m.view != problemsView {
		t.Errorf(":problems shows %s", m.view)
	}
	type_(t, m, ":")
	typeText(t, m, "gbz177-2026")
	type_(t, m, "enter")
	if m.sh.workID != "gbz177-2026" || m.s.work.Revision.ID != "gbz177-2026" {
		t.Errorf(":gbz177-2026 works on %s", m.sh.workID)
	}
	// ↓ picks the next match; esc leaves the palette as it was.
	type_(t, m, ":")
	typeText(t, m, "MT-L2")
	first := m.dlg.picked[0].label
	type_(t, m, "down", "enter")
	if got := m.spec.selected(&m.sh); got == nil || got.ID == first || !strings.HasPrefix(got.ID, "MT-L2") {
		t.Errorf("↓ enter selects %v, want the MT-L2 criterion after %s", idOf(got), first)
	}
	type_(t, m, ":", "esc")
	if m.dlg != nil {
		t.Error("esc did not close the palette")
	}
}

// TestRevisionPicker: r lists every revision to work on or compare with.
func TestRevisionPicker(t *testing.T) {
	m := startSettled(t, diskConfig(t, spectest.Dir(t), t.TempDir()), 120, 40)
	type_(t, m, "r")
	if m.dlg == nil || len(m.dlg.picked) != 4 {
		t.Fatalf("the picker lists %v", m.dlg)
	}
	typeText(t, m, "base 2026")
	type_(t, m, "enter")
	if m.s.base.Revision.ID != "gbz177-2026" {
		t.Errorf("base %s", m.s.base.Revision.ID)
	}
	type_(t, m, "r")
	typeText(t, m, "work 2026")
	type_(t, m, "enter")
	if m.s.work.Revision.ID != "gbz177-2026" || m.sh.workID != "gbz177-2026" {
		t.Errorf("working on %s", m.s.work.Revision.ID)
	}
	type_(t, m, "r")
	typeText(t, m, "gbz177-2026@HEAD")
	if m.dlg.picked[0].label != "gbz177-2026@HEAD" {
		t.Errorf("ID@REV is not offered first: %+v", m.dlg.picked)
	}
}

// TestCopy: y copies the selected ID to the terminal's clipboard.
func TestCopy(t *testing.T) {
	m := startSettled(t, testConfig(t), 120, 40)
	type_(t, m, "1", "l", "y")
	if want := m.spec.selected(&m.sh).ID; m.notice != "copied "+want+" to the clipboard" {
		t.Errorf("y in Spec: %q, want %s copied", m.notice, want)
	}
	_, cmd := m.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
	if cmd == nil {
		t.Fatal("y gave no command to set the clipboard")
	}
	type_(t, m, "4", "y")
	if !strings.HasPrefix(m.notice, "copied mt-") {
		t.Errorf("y in Corpus: %q", m.notice)
	}
}

// TestCorpusFilterHabits: an ASCII arrow finds moves; / starts a new
// filter; esc clears a kept one.
func TestCorpusFilterHabits(t *testing.T) {
	m := startSettled(t, testConfig(t), 120, 40)
	type_(t, m, "4", "/")
	typeText(t, m, "L3->L2")
	type_(t, m, "enter")
	n := len(m.corpus.rows)
	if n == 0 || n >= len(m.s.devices) {
		t.Fatalf("L3->L2 finds %d devices", n)
	}
	for _, r := range m.corpus.rows {
		if r.from != "L3" || r.to != "L2" {
			t.Errorf("L3->L2 finds %s %s→%s", r.dev.ID, r.from, r.to)
		}
	}
	type_(t, m, "/")
	typeText(t, m, "yours")
	type_(t, m, "enter")
	if v := m.corpus.input.Value(); v != "yours" || len(m.corpus.rows) != 1 {
		t.Errorf("/ after a filter: the filter is %q with %d rows, want yours alone", v, len(m.corpus.rows))
	}
	type_(t, m, "esc")
	if m.corpus.input.Value() != "" || len(m.corpus.rows) != len(m.s.devices) {
		t.Errorf("esc did not clear the kept filter: %q, %d rows", m.corpus.input.Value(), len(m.corpus.rows))
	}
}

// TestDiffEnterEdits: enter on a criterion change opens it in the editor.
func TestDiffEnterEdits(t *testing.T) {
	m := startSettled(t, testConfig(t), 120, 40)
	type_(t, m, "3")
	want := m.s.diff().changes.Criteria[0].ID
	type_(t, m, "enter")
	if m.view != editView || !strings.Contains(m.edit.file().buf.Line(m.edit.file().buf.Cursor().Line), want) {
		t.Errorf("enter in Diff shows %s, not %s in the editor", m.view, want)
	}
}

// click clicks the left button at a cell.
func click(t *testing.T, m *App, x, y int) {
	t.Helper()
	_, cmd := m.Update(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
	settle(t, m, cmd)
}

// TestClickSelectsThenOpens: a click on a row selects it, a second opens
// it, in the Corpus, Spec and Diff views.
func TestClickSelectsThenOpens(t *testing.T) {
	m := startSettled(t, testConfig(t), 120, 40)

	type_(t, m, "4")
	in := layout(corpusView, 120, 40).panes[devicesPane].inner()
	click(t, m, in.x+5, in.y+2+3) // the fourth device
	if m.corpus.list.sel != 3 || m.view != corpusView {
		t.Fatalf("a click selected %d in %s, want the fourth device", m.corpus.list.sel, m.view)
	}
	want := m.corpus.rows[3].dev.ID
	click(t, m, in.x+5, in.y+2+3)
	if m.view != deviceView || m.sh.device != want {
		t.Errorf("a second click shows %s %s, want the device %s", m.view, m.sh.device, want)
	}

	type_(t, m, "1")
	in = layout(specView, 120, 40).panes[criteriaPane].inner()
	click(t, m, in.x+5, in.y+3) // L1's row, then three criteria
	got := m.spec.selected(&m.sh)
	if got == nil || got.ID != m.sh.criteria()[2].ID {
		t.Fatalf("a click on the third criterion selected %v", idOf(got))
	}
	click(t, m, in.x+5, in.y+3)
	if m.view != editView {
		t.Errorf("a second click on the criterion shows %s, want the editor", m.view)
	}

	type_(t, m, "esc", "3")
	in = layout(diffView, 120, 40).panes[changesPane].inner()
	head := len(m.diff.summary(&m.sh, in.w)) // the summary heads the pane
	click(t, m, in.x+5, in.y+head+4)
	ch := m.s.diff().changes.Criteria[4]
	if m.diff.changes.sel != 4 || !strings.Contains(screen(m), `"`+ch.ID+`": {`) {
		t.Errorf("a click on the fifth change selected %d, and the redline does not show %s:\n%s", m.diff.changes.sel, ch.ID, screen(m))
	}
}

// TestResizeKeepsNoStaleScroll: after a resize wide enough, the editor
// shows its lines from their first column again.
func TestResizeKeepsNoStaleScroll(t *testing.T) {
	m := startSettled(t, testConfig(t), 60, 20)
	type_(t, m, "1")
	openCriterion(t, m, "MT-L3-LLM")
	gotoEnd(m, lineOf(t, m, "on_device_llm_params_b: >=7"))
	if m.edit.left == 0 {
		t.Fatal("at 60 columns the end of the line needs no scroll")
	}
	_, cmd := m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	settle(t, m, cmd)
	if m.edit.left != 0 {
		t.Errorf("after a resize to 200 columns the editor is scrolled %d cells", m.edit.left)
	}
}

// TestMovedShowsEveryReason: where the Impact view has room, the
// criteria that moved the selected device are all on screen, wrapped
// below it rather than cut; a click on a wrapped line selects the device
// it belongs to.
func TestMovedShowsEveryReason(t *testing.T) {
	m := startSettled(t, testConfig(t), 120, 40)
	type_(t, m, "2", "l")
	ds := impactDevices(m.sh.categoryImpact())
	if len(ds) < 2 || len(ds[0].criteria) < 4 {
		t.Fatalf("the first category's first moved device has %d reasons; the test needs one with many", len(ds[0].criteria))
	}
	out := screen(m)
	for _, id := range ds[0].criteria {
		if !strings.Contains(out, id) {
			t.Errorf("the selected device %s moved because of %s, which is not on screen:\n%s", ds[0].id, id, out)
		}
	}
	checkSize(t, out, 120, 40)

	type_(t, m, "j") // the second device, whose reasons now wrap
	in := layout(impactView, 120, 40).panes[movedPane].inner()
	click(t, m, in.x+50, in.y+2) // a wrapped line of the second device
	if m.impact.moved.sel != 1 {
		t.Errorf("a click on the second device's wrapped reasons selected device %d", m.impact.moved.sel)
	}
}
