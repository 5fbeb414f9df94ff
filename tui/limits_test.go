package tui

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
)

// TestMain lets the tests' binary be the compile guard of the workbenches
// they start, as the ladder binary is of its own; LADDER_TEST_NO_GUARD=1
// leaves the guard out, to measure what it costs.
func TestMain(m *testing.M) {
	if os.Getenv("LADDER_TEST_NO_GUARD") != "1" {
		spec.RunGuardIfChild()
	}
	os.Exit(m.Run())
}

// TestPathologicalEditIsStopped: an edit whose compilation would take all
// the memory is stopped at the limit; the edit shows why, in the status line
// and the Problems view, with the previous results on screen, stale. An undo
// compiles at once, and the results are fresh again; another such edit is
// stopped in turn. The workbench's own memory does not grow meanwhile: the
// compilations that blow up run in the compile guard, not in it.
func TestPathologicalEditIsStopped(t *testing.T) {
	dir := spectest.Dir(t)
	cfg := diskConfig(t, dir, t.TempDir())
	cfg.Workspace.SetLimits(spec.Limits{Memory: 256 << 20})
	m := startSettled(t, cfg, 160, 40)
	openCriterion(t, m, "MT-L3-LLM")
	file := m.edit.file().key

	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	start := heap()

	// paste pastes text after the file's import of "list", and returns how
	// long the edit took to compile.
	paste := func(text string) time.Duration {
		t.Helper()
		gotoEnd(m, lineOf(t, m, `import "list"`))
		began := time.Now()
		_, cmd := m.Update(tea.PasteMsg{Content: text})
		settle(t, m, cmd)
		return time.Since(began)
	}
	const want = "revision gbz177-l4-draft: compiling it needed more than 256 MiB of memory; Ladder stopped it (a comprehension over a very long list?)"
	stopped := func(edit string, column int) {
		t.Helper()
		before := m.s
		paste(edit)
		var se *spec.StoppedError
		if !errors.As(m.compileErr, &se) || se.Reason != spec.StoppedMemory {
			t.Fatalf("after %q: error %v, want the compilation stopped for memory", edit, m.compileErr)
		}
		if m.s != before {
			t.Error("the results changed with an edit that was stopped")
		}
		where := fmt.Sprintf("%s:5:%d", file, column)
		if !strings.HasSuffix(se.Pos.String(), where) {
			t.Errorf("the likely cause is placed at %v, want %s", se.Pos, where)
		}
		status := screenRow(screen(m), -2)
		if !strings.Contains(status, "revision gbz177-l4-draft: compiling it needed more than 256 MiB of memory; Ladder stopped it · results are stale") {
			t.Errorf("the status line does not say why the edit was stopped, and that the results are stale:\n%s", status)
		}
		type_(t, m, "esc", "7")
		out := unframed(screen(m))
		if !strings.Contains(out, want) || !strings.Contains(out, where) {
			t.Errorf("the Problems view does not say why the edit was stopped, and where:\n%s", screen(m))
		}
		type_(t, m, "enter")
		if m.view != editView || m.edit.file().key != file {
			t.Fatalf("enter on the problem does not open %s", file)
		}
	}
	undo := func() {
		t.Helper()
		began := time.Now()
		type_(t, m, "ctrl+z")
		if took := time.Since(began); took > 5*time.Second {
			t.Errorf("the undo took %v to compile", took)
		}
		if m.compileErr != nil {
			t.Fatalf("after the undo: %v", m.compileErr)
		}
		if strings.Contains(screen(m), "stale") {
			t.Errorf("the results are still stale after the undo:\n%s", screen(m))
		}
		truthful(t, m, dir)
	}

	stopped("\n\n_huge: [for i in list.Range(0, 100000000, 1) {i}]", 9)
	undo()
	stopped("\n\n_pairs: [for i in list.Range(0, 50000000, 1) for j in [1, 2] {i * j}]", 10)
	undo()
	// The same pathological text again is refused at once, with the same
	// message.
	if took := paste("\n\n_huge: [for i in list.Range(0, 100000000, 1) {i}]"); took > 5*time.Second {
		t.Errorf("a text known to blow up took %v to refuse", took)
	}
	if m.compileErr == nil || !strings.Contains(m.compileErr.Error(), want) {
		t.Errorf("the text known to blow up: %v", m.compileErr)
	}
	undo()

	grown := int64(heap()) - int64(start)
	t.Logf("the heap grew by %d KiB", grown>>10)
	if grown > 8<<20 {
		t.Errorf("the workbench's heap grew by %d MiB", grown>>20)
	}
}
