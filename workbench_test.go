package main

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/ladderworks/ladder/spec/spectest"
	"github.com/ladderworks/ladder/tui"
)

// TestWorkbenchFromASubdirectory starts the workbench in a directory
// inside a workspace: it works on that workspace, whose edit it shows, and
// its status line names it.
func TestWorkbenchFromASubdirectory(t *testing.T) {
	dir := spectest.Dir(t, spectest.Replace(spectest.RevFile(spectest.Draft, "mobile_terminal.cue"),
		"on_device_llm_params_b: >=1", "on_device_llm_params_b: >=1000"))
	t.Chdir(filepath.Join(dir, "cue", "revisions", spectest.Draft))
	cfg, err := workbenchConfig("", "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Workspace.Dir(); got != filepath.Join("..", "..", "..") {
		t.Fatalf("the workbench works on %q, want the workspace three levels up", got)
	}
	tm := teatest.NewTestModel(t, tui.New(cfg), teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("checks in")) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	screen := ansi.Strip(tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View().Content)
	lines := strings.Split(screen, "\n")
	status := lines[len(lines)-2]
	name := cfg.Workspace.Name()
	if tail := name[max(len(name)-20, 0):]; !strings.Contains(status, tail) || strings.Contains(status, "built-in standard") {
		t.Errorf("the status line does not name the workspace %s:\n%s", name, status)
	}
	if !regexp.MustCompile(`MT-L2-LLM +0/\d+`).MatchString(screen) {
		t.Errorf("the Spec view does not show the workspace's edit of MT-L2-LLM:\n%s", screen)
	}
}
