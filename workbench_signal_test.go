package main

import (
	"os"
	"os/exec"
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
			// sh runs ladder and writes its exit status (tmux may be
			// slow to reap a process, and then has no status).
			tm := &terminal{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock"), name: "ladder"}
			tm.tmux("new-session", "-d", "-s", tm.name, "-x", "120", "-y", "40", "-c", dir,
				"env", "TERM=xterm-256color", "NO_COLOR=1", "sh", "-c", `"$1" 2>"$0"; echo $? >"$0.status"; sleep 600`, stderr, bin)
			shell := strings.TrimSpace(tm.tmux("display-message", "-p", "-t", tm.name, "#{pane_pid}"))
			pid := 0
			for deadline := time.Now().Add(10 * time.Second); pid == 0; time.Sleep(10 * time.Millisecond) {
				out, _ := exec.Command("pgrep", "-P", shell).Output()
				pid, _ = strconv.Atoi(strings.TrimSpace(string(out)))
				if pid == 0 && time.Now().After(deadline) {
					t.Fatal("ladder did not start")
				}
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
			// The signal follows as soon as the workbench shows the text
			// (on a busy machine that takes longer than typing), well
			// within the delay after which it journals a burst.
			tm.waitFor(`on_device_llm_params_b: >=42`)
			if err := syscall.Kill(pid, tc.sig); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s sent %v after the last key", tc.name, time.Since(typed).Round(time.Millisecond))

			status := ""
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				if out, _ := os.ReadFile(stderr + ".status"); len(out) > 0 {
					status = strings.TrimSpace(string(out))
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
