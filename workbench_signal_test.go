package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ladderworks/ladder/spec/spectest"
	"github.com/ladderworks/ladder/tui/safefile"
)

// TestTerminalSignalKeepsEdits: a drafter types, and within 100 ms, long
// before the journal's pause in typing, a signal (SIGTERM, SIGHUP, SIGINT)
// ends the workbench: it exits 128 plus the signal's number, says on one
// line of stderr that the edits were kept, the journal holds the typed
// text, and the next start offers it back.
func TestTerminalSignalKeepsEdits(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{
		{syscall.SIGTERM, "SIGTERM", 143},
		{syscall.SIGHUP, "SIGHUP", 129},
		{syscall.SIGINT, "SIGINT", 130},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := newWorkspace(t)
			key := spectest.RevFile(spectest.Draft, "mobile_terminal.cue")
			file := filepath.Join(dir, key)
			stderr := filepath.Join(t.TempDir(), "stderr")
			bin := ladderBinary(t)
			// The pane's process is ladder itself (sh execs it), and the
			// pane stays when it exits, to read its exit status.
			tm := &terminal{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock"), name: "ladder"}
			tm.tmux("new-session", "-d", "-s", tm.name, "-x", "120", "-y", "40", "-c", dir,
				"env", "TERM=xterm-256color", "NO_COLOR=1", "sh", "-c", `exec 2>"$0"; exec "$1"`, stderr, bin)
			tm.tmux("set-option", "-t", tm.name, "remain-on-exit", "on")
			pid, err := strconv.Atoi(strings.TrimSpace(tm.tmux("display-message", "-p", "-t", tm.name, "#{pane_pid}")))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { tm.kill(pid) })

			tm.waitFor(`checks in`)
			tm.press(openCriterionKeys(t, dir, spectest.Draft, "MT-L3-LLM")...)
			tm.waitFor(`Edit · ` + key)
			tm.press(downTo(t, file, `"MT-L3-LLM": {`, "on_device_llm_params_b: >=7")...)
			// A burst: the text is typed, and the signal follows it.
			tm.tmux("send-keys", "-t", tm.name, "BSpace")
			tm.tmux("send-keys", "-t", tm.name, "-l", "42")
			typed := time.Now()
			time.Sleep(60 * time.Millisecond)
			if err := syscall.Kill(pid, tc.sig); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s sent %v after the last key", tc.name, time.Since(typed).Round(time.Millisecond))

			status := ""
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				if out := tm.tmux("display-message", "-p", "-t", tm.name, "#{pane_dead}:#{pane_dead_status}"); strings.HasPrefix(out, "1:") {
					status = strings.TrimSpace(strings.TrimPrefix(out, "1:"))
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the workbench did not exit after %s", tc.name)
				}
			}
			if status != strconv.Itoa(tc.code) {
				t.Errorf("exit status %s; want %d", status, tc.code)
			}
			msg, _ := os.ReadFile(stderr)
			want := "ladder: ended by " + tc.name + ": the unsaved edits of " + key + " are kept in the journal and will be offered at the next start\n"
			if string(msg) != want {
				t.Errorf("stderr %q; want %q", msg, want)
			}
			entries, errs := (&safefile.Journal{Dir: filepath.Join(dir, ".ladder", "recover")}).List()
			if len(errs) > 0 || len(entries) != 1 || entries[0].Path != key || !strings.Contains(string(entries[0].Content), "on_device_llm_params_b: >=42\n") {
				t.Fatalf("the journal holds %d entries (%v); want the typed text of %s", len(entries), errs, key)
			}
			if data, _ := os.ReadFile(file); strings.Contains(string(data), ">=42") {
				t.Error("the edit was saved, not journaled")
			}
			tm.kill(pid)

			// The next start offers it back.
			tm = startTerminal(t, dir, 120, 40)
			tm.waitFor(`Recover an unsaved edit\?`)
			tm.press("r")
			tm.waitFor(`on_device_llm_params_b: >=42`)
		})
	}
}
