package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
)

// These tests drive the ladder binary in a real terminal, tmux, as a new
// user would: the keys they press are a user's, and what they check is
// what the screen shows. They need tmux (.ci/run installs it); without it
// they are skipped.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// ladderBinary builds the ladder command once for the tests of a run.
func ladderBinary(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ladder-tmux-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "ladder")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// terminal is the workbench running in a tmux session of its own.
type terminal struct {
	t      *testing.T
	socket string
	name   string
}

// startTerminal runs ladder with args in dir, in a detached tmux session of
// w × h cells, on a tmux server of the test's own.
func startTerminal(t *testing.T, dir string, w, h int, args ...string) *terminal {
	t.Helper()
	bin := ladderBinary(t)
	tm := &terminal{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock"), name: "ladder"}
	tm.tmux(append([]string{"new-session", "-d", "-s", tm.name, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), "-c", dir,
		"env", "TERM=xterm-256color", "NO_COLOR=1", bin}, args...)...)
	pid, _ := strconv.Atoi(strings.TrimSpace(tm.tmux("display-message", "-p", "-t", tm.name, "#{pane_pid}")))
	t.Cleanup(func() { tm.kill(pid) })
	return tm
}

// kill ends the tmux server, which hangs up on the workbench, and waits
// until the workbench (process pid) has exited: it journals its unsaved
// edits first, which must not race with the removal of the workspace.
func (tm *terminal) kill(pid int) {
	_ = exec.Command("tmux", "-S", tm.socket, "kill-server").Run()
	for deadline := time.Now().Add(10 * time.Second); pid > 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if syscall.Kill(pid, 0) != nil {
			return
		}
	}
}

func quoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strconv.Quote(a)
	}
	return out
}

// tmux runs a tmux command on the test's server.
func (tm *terminal) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// press sends keys by tmux's names (Enter, Escape, Down, End, BSpace, C-s)
// or as literal text, one at a time, with a pause between for the
// workbench to take each.
func (tm *terminal) press(keys ...string) {
	tm.t.Helper()
	for _, k := range keys {
		tm.tmux("send-keys", "-t", tm.name, k)
		pause := 30 * time.Millisecond
		if k == "Escape" {
			// An escape followed at once by a key reads as alt and the key.
			pause = 300 * time.Millisecond
		}
		time.Sleep(pause)
	}
}

// screen returns what the terminal shows.
func (tm *terminal) screen() string {
	tm.t.Helper()
	return tm.tmux("capture-pane", "-p", "-t", tm.name)
}

// waitFor waits until the screen matches a regular expression, and returns
// the screen.
func (tm *terminal) waitFor(pattern string) string {
	tm.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := tm.screen()
		if re.MatchString(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen never showed %q:\n%s", pattern, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// newWorkspace makes a workspace of the built-in standard with ladder init.
func newWorkspace(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ws")
	if out, err := exec.Command(ladderBinary(t), "init", dir).CombinedOutput(); err != nil {
		t.Fatalf("ladder init: %v\n%s", err, out)
	}
	return dir
}

// openCriterionKeys are the keys that open a criterion of the mobile
// terminal category of a revision in the editor from the Spec view, as a
// user finds it: focus the criteria, go down to it, enter.
func openCriterionKeys(t *testing.T, dir, rev, id string) []string {
	t.Helper()
	ws, err := spec.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ws.Load(rev)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range r.Category("mobile_terminal").Levels {
		for _, c := range l.Criteria {
			ids = append(ids, c.ID)
		}
	}
	keys := []string{"1", "l"}
	for range slices.Index(ids, id) {
		keys = append(keys, "Down")
	}
	return append(keys, "Enter")
}

// downTo are the keys that move the editor's cursor from the line of one
// text to the end of the next line below it that holds another, in a file.
func downTo(t *testing.T, file, from, to string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	start := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, from) })
	end := start + slices.IndexFunc(lines[start:], func(l string) bool { return strings.Contains(l, to) })
	if start < 0 || end < start {
		t.Fatalf("%s does not hold %q then %q", file, from, to)
	}
	var keys []string
	for range end - start {
		keys = append(keys, "Down")
	}
	return append(keys, "End")
}

// passes returns how many devices pass a criterion under a revision, as
// ladder eval says from the files on disk.
func passes(t *testing.T, dir, rev, id string) int {
	t.Helper()
	out, err := exec.Command(ladderBinary(t), "eval", "--workspace", dir, "--rev", rev, "--format", "json").Output()
	if err != nil {
		t.Fatalf("ladder eval: %v", err)
	}
	var res struct {
		Devices []struct {
			Criteria []struct{ ID, Verdict string }
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range res.Devices {
		for _, c := range d.Criteria {
			if c.ID == id && c.Verdict == "pass" {
				n++
			}
		}
	}
	return n
}

// TestTerminalSavedEditSurvivesSwitches: a drafter edits a threshold,
// saves, leaves the editor, switches the working revision away and back;
// the Spec view shows the saved text and the counts that ladder eval gives.
func TestTerminalSavedEditSurvivesSwitches(t *testing.T) {
	dir := newWorkspace(t)
	file := filepath.Join(dir, spectest.RevFile(spectest.Draft, "mobile_terminal.cue"))
	tm := startTerminal(t, dir, 120, 40)
	tm.waitFor(`checks in`)
	tm.press(openCriterionKeys(t, dir, spectest.Draft, "MT-L3-LLM")...)
	tm.waitFor(`Edit · cue/revisions/gbz177-l4-draft/mobile_terminal.cue`)
	tm.press(downTo(t, file, `"MT-L3-LLM": {`, "on_device_llm_params_b: >=7")...)
	tm.press("BSpace", "5", "0")
	tm.waitFor(`on_device_llm_params_b: >=50`)
	tm.press("C-s")
	tm.waitFor(`saved cue/revisions/gbz177-l4-draft/mobile_terminal.cue`)
	tm.press("Escape", "w")
	tm.waitFor(`gbz177-2026 → gbz177-2026`)
	tm.press("w")
	screen := tm.waitFor(`gbz177-2026 → gbz177-l4-draft`)
	want := fmt.Sprintf("MT-L3-LLM +%d/33", passes(t, dir, spectest.Draft, "MT-L3-LLM"))
	if !regexp.MustCompile(want).MatchString(screen) || !strings.Contains(screen, "on_device_llm_params_b: >=50") {
		t.Errorf("after save, w, w the Spec view does not show %s and >=50:\n%s", want, screen)
	}
}

// TestTerminalRecoveryFollowsTheEdit: the workbench is killed with an
// unsaved edit of a draft other than the one it starts on; at the next
// start the edit is offered back and, recovered, the working revision is
// the edit's.
func TestTerminalRecoveryFollowsTheEdit(t *testing.T) {
	dir := newWorkspace(t)
	// A second draft, newer, which the workbench starts on by default.
	zz := filepath.Join(dir, "cue", "revisions", "zz-draft")
	if err := os.CopyFS(zz, os.DirFS(filepath.Join(dir, "cue", "revisions", spectest.Draft))); err != nil {
		t.Fatal(err)
	}
	schema := filepath.Join(zz, "schema.cue")
	data, _ := os.ReadFile(schema)
	if err := os.WriteFile(schema, []byte(strings.Replace(string(data), `"gbz177-l4-draft"`, `"zz-draft"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, spectest.RevFile(spectest.Draft, "mobile_terminal.cue"))
	tm := startTerminal(t, dir, 120, 40, "--rev", spectest.Draft)
	tm.waitFor(`gbz177-2026 → gbz177-l4-draft .* checks in`)
	tm.press(openCriterionKeys(t, dir, spectest.Draft, "MT-L3-LLM")...)
	tm.waitFor(`Edit · cue/revisions/gbz177-l4-draft/mobile_terminal.cue`)
	tm.press(downTo(t, file, `"MT-L3-LLM": {`, "on_device_llm_params_b: >=7")...)
	tm.press("BSpace", "5", "0")
	tm.waitFor(`mobile_terminal.cue ● `)
	time.Sleep(1500 * time.Millisecond) // the journal is written after a pause in typing
	pid := strings.TrimSpace(tm.tmux("display-message", "-p", "-t", tm.name, "#{pane_pid}"))
	if err := exec.Command("kill", "-9", pid).Run(); err != nil {
		t.Fatal(err)
	}
	_ = exec.Command("tmux", "-S", tm.socket, "kill-server").Run()
	// Forget which revision was worked on: the default is zz-draft.
	_ = os.Remove(filepath.Join(dir, ".ladder", "state.json"))

	tm = startTerminal(t, dir, 120, 40)
	tm.waitFor(`Recover an unsaved edit\?`)
	tm.press("r")
	screen := tm.waitFor(`the working revision is now gbz177-l4-draft, whose file you edit`)
	if strings.Contains(screen, "zz-draft") || !strings.Contains(screen, "on_device_llm_params_b: >=50") {
		t.Errorf("after recovery the working revision is not the edit's, or the edit is not shown:\n%s", screen)
	}
	// Typing in the recovered file changes the results.
	tm.press("End", "BSpace", "BSpace", "1")
	tm.waitFor(`on_device_llm_params_b: >=1\b(.|\n)*gbz177-2026 → gbz177-l4-draft .* checks in`)
	tm.press("C-s")
	tm.waitFor(`saved `)
	tm.press("Escape", "2")
	want := fmt.Sprintf(`MT-L3-LLM +\d+ → %d `, passes(t, dir, spectest.Draft, "MT-L3-LLM"))
	if screen := tm.waitFor(`Pass counts`); !regexp.MustCompile(want).MatchString(screen) {
		t.Errorf("the Impact view does not show %s:\n%s", want, screen)
	}
}

// TestTerminalBrokenDraftStaysFixable: a draft saved while it does not
// compile opens, at the next start, in the editor at its error, with the
// other views on the newest revision that compiles; fixed, it is graded.
func TestTerminalBrokenDraftStaysFixable(t *testing.T) {
	dir := newWorkspace(t)
	file := filepath.Join(dir, spectest.RevFile(spectest.Draft, "speaker.cue"))
	data, _ := os.ReadFile(file)
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=95 &", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	tm := startTerminal(t, dir, 120, 40)
	screen := tm.waitFor(`(?s)Edit · cue/revisions/gbz177-l4-draft/speaker\.cue.*speaker\.cue:28:2: expected operand, found '}' .* showing gbz177-2026 meanwhile`)
	if !strings.Contains(screen, "Edit · cue/revisions/gbz177-l4-draft/speaker.cue") || !strings.Contains(screen, "●") || strings.Contains(screen, "invalid") {
		t.Errorf("the broken draft is not open at its error, or records are invalid:\n%s", screen)
	}
	lines := strings.Split(strings.Replace(string(data), "wake_rate_quiet_pct: >=95", "wake_rate_quiet_pct: >=95 &", 1), "\n")
	line := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, ">=95 &") })
	keys := []string{"C-Home"}
	for range line {
		keys = append(keys, "Down")
	}
	tm.press(append(keys, "End", "BSpace", "BSpace")...)
	screen = tm.waitFor(`gbz177-2026 → gbz177-l4-draft .* checks in`)
	if strings.Contains(screen, "does not compile") {
		t.Errorf("fixed, the draft still does not compile:\n%s", screen)
	}
	tm.press("C-s")
	tm.waitFor(`saved `)
	tm.press("Escape", "7")
	tm.waitFor(`Problems · none`)
}

// TestTerminalStartFailures: a start that cannot show anything exits 2,
// with the reason on stderr.
func TestTerminalStartFailures(t *testing.T) {
	dir := newWorkspace(t)
	bin := ladderBinary(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--base", "nope"}, `the workbench cannot start: the base revision: unknown revision "nope"`},
		{[]string{"--rev", "nope"}, `the workbench cannot start: the working revision: unknown revision "nope"`},
		{[]string{"--corpus", "/nonexistent.json"}, `reading corpus /nonexistent.json`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out := t.TempDir()
			script := fmt.Sprintf("%s %s 2>%s; echo $? >%s", strconv.Quote(bin), strings.Join(quoteAll(tc.args), " "),
				filepath.Join(out, "stderr"), filepath.Join(out, "code"))
			tm := &terminal{t: t, socket: filepath.Join(out, "tmux.sock"), name: "ladder"}
			tm.tmux("new-session", "-d", "-s", tm.name, "-x", "100", "-y", "30", "-c", dir, "sh", "-c", script)
			deadline := time.Now().Add(20 * time.Second)
			for {
				code, err := os.ReadFile(filepath.Join(out, "code"))
				if err == nil && len(code) > 0 {
					stderr, _ := os.ReadFile(filepath.Join(out, "stderr"))
					if strings.TrimSpace(string(code)) != "2" || !strings.Contains(string(stderr), tc.want) {
						t.Errorf("exit %s, stderr %q; want 2 and %q", strings.TrimSpace(string(code)), stderr, tc.want)
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatal("the workbench did not exit")
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
