package tui

import (
	"encoding/json"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
)

// startKept starts the workbench on a configuration at a size, as the
// program does: the first frame kept for its inputs is read, then the
// standard is loaded, the session's cost fixed so that frames do not depend
// on the machine, and every command that follows is run. It returns the
// workbench, the screen shown before the session came (a kept frame, or
// the loading screen) and the first screen with the session. Keys given
// are pressed before the session comes.
func startKept(t *testing.T, cfg Config, w, h int, dark bool, keys ...string) (m *App, before, first string) {
	t.Helper()
	m = New(cfg)
	m.tick = noTick
	if !dark {
		m.Update(tea.BackgroundColorMsg{Color: color.White})
	}
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	settle(t, m, readFirstFrame(m.cfg))
	press(m, keys...)
	before = m.View().Content
	msg := load(m.cfg, m.ws)().(loadedMsg)
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	msg.s.took = 2100 * time.Microsecond
	_, cmd := m.Update(msg)
	first = m.View().Content
	settle(t, m, cmd)
	return m, before, first
}

// keptConfig is the test configuration with a directory of its own for
// first frames.
func keptConfig(t *testing.T) Config {
	cfg := testConfig(t)
	cfg.FirstFrames = t.TempDir()
	return cfg
}

// TestKeptFirstFrame starts the workbench twice on the same files: the
// first start shows the loading screen until its session comes, the second
// shows at once the frame the first drew, and then the same frame drawn
// from its own session, which is the first start's in every view.
func TestKeptFirstFrame(t *testing.T) {
	cfg := keptConfig(t)
	slow, loading, want := startKept(t, cfg, 120, 40, true)
	if !strings.Contains(loading, "Loading the standard") {
		t.Fatalf("the first start shows a frame before its session:\n%s", loading)
	}
	fast, shown, first := startKept(t, cfg, 120, 40, true)
	if shown != want {
		t.Fatalf("the second start shows at once\n%s\nnot the first frame of the first start\n%s", shown, want)
	}
	if !strings.Contains(shown, "13,570 checks in 2.1 ms") {
		t.Errorf("the kept frame shows no results:\n%s", shown)
	}
	if first != want {
		t.Errorf("the second start's own first frame\n%s\nis not the one it showed\n%s", first, want)
	}
	for v := range numViews {
		slow.switchTo(v)
		fast.switchTo(v)
		if a, b := slow.View().Content, fast.View().Content; a != b {
			t.Errorf("the %s view of the start with a kept frame\n%s\nis not that of the start without\n%s", v, b, a)
		}
	}
}

// TestKeysOnAKeptFirstFrame presses keys while a kept first frame is on
// screen: it stays until the session comes, and the keys then do what they
// do on the session after a start without one.
func TestKeysOnAKeptFirstFrame(t *testing.T) {
	cfg := keptConfig(t)
	slow, _, want := startKept(t, cfg, 120, 40, true)
	type_(t, slow, "2", "j", "4", "s")
	fast, shown, _ := startKept(t, cfg, 120, 40, true, "2", "j", "4", "s")
	if shown != want {
		t.Fatalf("the keys pressed on the kept frame changed it:\n%s", shown)
	}
	if a, b := slow.View().Content, fast.View().Content; a != b {
		t.Errorf("after the keys, the start with a kept frame shows\n%s\nand the start without\n%s", b, a)
	}
}

// TestKeptFirstFrameInvalidated changes, after a first start, each thing
// that decides its first frame: the next start shows no kept frame (the
// loading screen, until its session), and keeps its own, which the start
// after it shows.
func TestKeptFirstFrameInvalidated(t *testing.T) {
	draftFile := spectest.RevFile(spectest.Draft, "mobile_terminal.cue")
	device := "fixtures/devices/mobile_terminal/mt-ambrelo-soryn-5-pro-0027.json"
	yours := func(t *testing.T, text string) string {
		p := filepath.Join(t.TempDir(), "yours.json")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	yoursText, err := os.ReadFile("testdata/yours.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		// change returns the configuration of the second start, from the
		// first's; size and dark are the second start's screen.
		change func(t *testing.T, cfg Config) Config
		w, h   int
		light  bool
	}{
		{name: "a revision's file", change: func(t *testing.T, cfg Config) Config {
			cfg.Workspace = spec.NewWorkspace(spectest.FS(t, spectest.Replace(draftFile, "on_device_llm_params_b: >=1", "on_device_llm_params_b: >=1000")), "")
			return cfg
		}},
		{name: "a comment in a revision's file", change: func(t *testing.T, cfg Config) Config {
			cfg.Workspace = spec.NewWorkspace(spectest.FS(t, spectest.Replace(draftFile, "on_device_llm_params_b: >=1", "on_device_llm_params_b: >=1 // x")), "")
			return cfg
		}},
		{name: "a device of the reference corpus", change: func(t *testing.T, cfg Config) Config {
			cfg.Workspace = spec.NewWorkspace(spectest.FS(t, spectest.Replace(device, `"vendor": "`, `"vendor": "X`)), "")
			return cfg
		}},
		{name: "the user's corpus, in place", change: func(t *testing.T, cfg Config) Config {
			changed := strings.Replace(string(yoursText), `"npu_tops_int8": 45`, `"npu_tops_int8": 5`, 1)
			if err := os.WriteFile(cfg.Corpus[0], []byte(changed), 0o644); err != nil {
				t.Fatal(err)
			}
			return cfg
		}},
		{name: "the working revision", change: func(t *testing.T, cfg Config) Config {
			cfg.Working = spectest.Edition
			return cfg
		}},
		{name: "the screen's size", w: 100, h: 30, change: func(t *testing.T, cfg Config) Config { return cfg }},
		{name: "the background", light: true, change: func(t *testing.T, cfg Config) Config { return cfg }},
		{name: "a character's width", change: func(t *testing.T, cfg Config) Config {
			t.Setenv("RUNEWIDTH_EASTASIAN", "1")
			return cfg
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := keptConfig(t)
			cfg.Corpus = []string{yours(t, string(yoursText))}
			_, _, old := startKept(t, cfg, 120, 40, true)
			cfg = tt.change(t, cfg)
			w, h := cmpOr(tt.w, 120), cmpOr(tt.h, 40)
			_, shown, first := startKept(t, cfg, w, h, !tt.light)
			if shown == old || strings.Contains(shown, "checks in") {
				t.Fatalf("after a change of %s, the next start shows a kept frame:\n%s", tt.name, shown)
			}
			_, again, _ := startKept(t, cfg, w, h, !tt.light)
			if again != first {
				t.Errorf("the start after shows\n%s\nnot the frame of the changed start\n%s", again, first)
			}
		})
	}
}

// cmpOr returns a, or b when a is 0.
func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// TestKeptFirstFrameUntrusted puts in place of a kept first frame what a
// damaged or hostile file could hold: none is shown, none hangs the start,
// and the start replaces it with its own first frame.
func TestKeptFirstFrameUntrusted(t *testing.T) {
	// resum makes a frame's sum right again, as a hostile file would.
	resum := func(f *firstFrame) { f.Sum = f.sum() }
	edit := func(change func(f *firstFrame)) func(t *testing.T, path string, good []byte) {
		return func(t *testing.T, path string, good []byte) {
			var f firstFrame
			if err := json.Unmarshal(good, &f); err != nil {
				t.Fatal(err)
			}
			change(&f)
			data, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	write := func(data string) func(t *testing.T, path string, good []byte) {
		return func(t *testing.T, path string, _ []byte) {
			if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name  string
		spoil func(t *testing.T, path string, good []byte)
	}{
		{"not JSON", write("\x00\x01 not a frame")},
		{"cut short", func(t *testing.T, path string, good []byte) { write(string(good[:len(good)/2]))(t, path, good) }},
		{"a frame changed, its sum not", edit(func(f *firstFrame) { f.Frame = strings.Replace(f.Frame, "13,570", "99,999", 1) })},
		{"an escape sequence that writes the clipboard", edit(func(f *firstFrame) {
			f.Frame = strings.Replace(f.Frame, "13,570", "\x1b]52;c;ZXZpbA==\a13,570", 1)
			resum(f)
		})},
		{"a cursor movement", edit(func(f *firstFrame) { f.Frame = "\x1b[2J" + f.Frame; resum(f) })},
		{"rows of another width", edit(func(f *firstFrame) { f.Frame = strings.Replace(f.Frame, "13,570", "13,570 and more", 1); resum(f) })},
		{"a row too many", edit(func(f *firstFrame) { f.Frame += "\n" + strings.Repeat(" ", f.Width); resum(f) })},
		{"a size out of range", edit(func(f *firstFrame) { f.Width, f.Height = -1, 1<<30; resum(f) })},
		{"another key", edit(func(f *firstFrame) { f.Key = strings.Repeat("0", 64); resum(f) })},
		{"another format", edit(func(f *firstFrame) { f.Format = "ladder first frame 0"; resum(f) })},
		{"too big", write(`{"format":"` + strings.Repeat("x", maxFirstFrame) + `"}`)},
		{"a named pipe", func(t *testing.T, path string, _ []byte) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skip("no named pipes here:", err)
			}
		}},
		{"a link to a good frame elsewhere", func(t *testing.T, path string, good []byte) {
			other := filepath.Join(t.TempDir(), "good.json")
			if err := os.WriteFile(other, good, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(other, path); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := keptConfig(t)
			_, _, want := startKept(t, cfg, 120, 40, true)
			path := filepath.Join(cfg.FirstFrames, firstFrameFile(cfg))
			good, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("the first start kept no frame: %v", err)
			}
			tt.spoil(t, path, good)
			done := make(chan string, 1)
			go func() {
				_, shown, _ := startKept(t, cfg, 120, 40, true)
				done <- shown
			}()
			select {
			case shown := <-done:
				if !strings.Contains(shown, "Loading the standard") {
					t.Fatalf("a spoilt kept frame is shown:\n%q", shown)
				}
			case <-time.After(time.Minute):
				t.Fatal("a spoilt kept frame hangs the start")
			}
			if fi, err := os.Lstat(path); err != nil || !fi.Mode().IsRegular() {
				// A file that is not one is left as it is, and no frame
				// kept: the next start shows none either.
				return
			}
			if _, shown, _ := startKept(t, cfg, 120, 40, true); shown != want {
				t.Errorf("the start did not replace the spoilt frame with its own; the next shows:\n%s", shown)
			}
		})
	}
}

// TestKeptFirstFrameOnDisk starts the workbench twice on a workspace on
// disk that remembers its revisions: a change of the remembered revisions
// is a change of the first frame; and a workspace that holds a symbolic
// link, which the key does not follow, keeps no frame at all.
func TestKeptFirstFrameOnDisk(t *testing.T) {
	t.Run("remembered revisions", func(t *testing.T) {
		dir := spectest.Dir(t)
		cfg := diskConfig(t, dir, t.TempDir())
		cfg.Remember, cfg.FirstFrames = true, t.TempDir()
		_, _, want := startKept(t, cfg, 120, 40, true)
		if _, shown, _ := startKept(t, cfg, 120, 40, true); shown != want {
			t.Fatalf("the second start on the same files shows\n%s\nnot the first frame of the first\n%s", shown, want)
		}
		state := `{"base": "` + spectest.Edition + `", "working": "` + spectest.Edition + `"}`
		if err := os.WriteFile(filepath.Join(dir, ".ladder", "state.json"), []byte(state), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, shown, _ := startKept(t, cfg, 120, 40, true); strings.Contains(shown, "checks in") {
			t.Errorf("after the remembered revisions changed, the next start shows a kept frame:\n%s", shown)
		}
	})
	t.Run("a symbolic link", func(t *testing.T) {
		dir := spectest.Dir(t)
		devices := filepath.Join(dir, "fixtures", "devices", "mobile_terminal")
		if err := os.Symlink("mt-ambrelo-soryn-5-pro-0027.json", filepath.Join(devices, "linked.json")); err != nil {
			t.Skip("no symbolic links here:", err)
		}
		cfg := diskConfig(t, dir, t.TempDir())
		cfg.FirstFrames = t.TempDir()
		startKept(t, cfg, 120, 40, true)
		if _, shown, _ := startKept(t, cfg, 120, 40, true); strings.Contains(shown, "checks in") {
			t.Errorf("a workspace with a symbolic link shows a kept frame:\n%s", shown)
		}
		if entries, _ := os.ReadDir(cfg.FirstFrames); len(entries) > 0 {
			t.Errorf("a first frame was kept of a workspace with a symbolic link: %v", entries)
		}
	})
}

// TestKeptFirstFramesPruned starts the workbench where many first frames
// of other workspaces are kept: it keeps its own and the latest others, up
// to keptFirstFrames in all, and leaves other files alone.
func TestKeptFirstFramesPruned(t *testing.T) {
	cfg := keptConfig(t)
	old := time.Now().Add(-time.Hour)
	for i := range 2 * keptFirstFrames {
		p := filepath.Join(cfg.FirstFrames, fmt.Sprintf("%032d.json", i))
		if err := os.WriteFile(p, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	other := filepath.Join(cfg.FirstFrames, "notes.txt")
	if err := os.WriteFile(other, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	startKept(t, cfg, 120, 40, true)
	entries, err := os.ReadDir(cfg.FirstFrames)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	newest := fmt.Sprintf("%032d.json", 2*keptFirstFrames-1)
	oldest := fmt.Sprintf("%032d.json", 0)
	for _, want := range []string{firstFrameFile(cfg), newest, "notes.txt"} {
		if !slices.Contains(names, want) {
			t.Errorf("%s is gone; left: %v", want, names)
		}
	}
	if slices.Contains(names, oldest) || len(names) != keptFirstFrames+1 {
		t.Errorf("kept %d files (%d frames and notes.txt wanted), the oldest among them: %v", len(names), keptFirstFrames, slices.Contains(names, oldest))
	}
}

// TestKeysOnAKeptFirstFrameThenAResize presses a key on a kept first
// frame, then resizes the screen, which the frame no longer fits, and
// presses more: once the session comes, every key is handled in the order
// pressed, as after a start without a kept frame.
func TestKeysOnAKeptFirstFrameThenAResize(t *testing.T) {
	cfg := keptConfig(t)
	slow, _, _ := startKept(t, cfg, 120, 40, true)
	type_(t, slow, "2")
	slow.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	type_(t, slow, "4", "s")

	fast := New(cfg)
	fast.tick = noTick
	fast.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	settle(t, fast, readFirstFrame(fast.cfg))
	press(fast, "2")
	fast.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	press(fast, "4", "s")
	if got := fast.View().Content; !strings.Contains(got, "Loading the standard") {
		t.Fatalf("after the resize, the kept frame of another size shows:\n%s", got)
	}
	msg := load(fast.cfg, fast.ws)().(loadedMsg)
	msg.s.took = 2100 * time.Microsecond
	_, cmd := fast.Update(msg)
	settle(t, fast, cmd)
	if a, b := slow.View().Content, fast.View().Content; a != b {
		t.Errorf("after the keys and the resize, the start with a kept frame shows\n%s\nand the start without\n%s", b, a)
	}
}
