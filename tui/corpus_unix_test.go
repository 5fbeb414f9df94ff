//go:build unix

package tui

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// TestLoadRefusesANamedPipe checks that a named pipe given as the corpus
// is refused with a message instead of being waited on for ever.
func TestLoadRefusesANamedPipe(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "devices.jsonl")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	cfg := testConfig(t)
	cfg.Corpus = []string{pipe}
	m := New(cfg)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	done := make(chan tea.Msg, 1)
	go func() { done <- load(cfg, m.ws)() }()
	select {
	case msg := <-done:
		m.Update(msg)
	case <-time.After(20 * time.Second):
		t.Fatal("loading a named pipe as the corpus still waits after 20s")
	}
	out := strings.Join(strings.Fields(screen(m)), " ")
	if !strings.Contains(out, "Ladder cannot start") || !strings.Contains(out, "devices.jsonl: it is a named pipe (FIFO), not a regular") {
		t.Errorf("no error shown:\n%s", screen(m))
	}
}
