package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestCtrlCQuitsFromADialog: ctrl+c, which the footer names as quit, quits
// from a dialog too (here the one that lists journal entries it cannot
// recover, which a broken cache directory shows at the start), and asks
// first where there are unsaved edits.
func TestCtrlCQuitsFromADialog(t *testing.T) {
	m := loaded(t, 120, 40)
	m.journalProblems([]error{errTest("listing journal: not a directory")}, nil)
	if m.dlg == nil {
		t.Fatal("no dialog")
	}
	_, cmd := m.Update(keys["ctrl+c"])
	if cmd == nil {
		t.Fatal("ctrl+c in a dialog did nothing")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("ctrl+c in a dialog did not quit")
	}

	m = loaded(t, 120, 40)
	openCriterion(t, m, "MT-L3-LLM")
	press(m, "x")
	m.journalProblems([]error{errTest("listing journal: not a directory")}, nil)
	m.Update(keys["ctrl+c"])
	if m.dlg == nil || m.dlg.title != "Quit with unsaved edits?" {
		t.Errorf("ctrl+c in a dialog with an unsaved edit: dialog %v, want the question", m.dlg)
	}
}

// errTest is an error of a test.
type errTest string

func (e errTest) Error() string { return string(e) }
