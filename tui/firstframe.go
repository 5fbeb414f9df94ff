package tui

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/tui/safefile"
)

// The workbench's start is mostly the evaluation of its first session: both
// revisions compiled, the corpus read, validated and graded under each, and
// compared. Its first frame, the Spec view with those results, depends on
// nothing but the files read, the configuration, the program and the
// terminal. So each start keeps the first frame it drew in the user's cache
// directory (Config.FirstFrames), under a key that hashes all of these, and
// the next start with the same key shows it at once, while it evaluates the
// files again as it always does. The session that evaluation makes then
// replaces it, drawn afresh: it is the same frame (but for the time the
// evaluation took), and where it is not (something the key missed), the
// fresh one is what stays. A start whose inputs cannot be hashed (a base
// read from git, a symbolic link, a file that is not a regular file) keeps
// no frame and shows none.
//
// A kept frame is untrusted input: it is shown only when it is well formed
// (its key, its size, a sum of its content, rows of exactly its width) and
// holds nothing but text and colors (safeScreen changes nothing in it); any
// other file is ignored, and replaced at the end of the start.

// firstFrameFormat names the format of a kept first frame, and of its key.
const firstFrameFormat = "ladder first frame 1"

// maxFirstFrame bounds the size of a kept first frame's file: a frame of
// 1000 × 1000 cells of plain text, with room for its colors.
const maxFirstFrame = 8 << 20

// firstFrame is the first frame with results of a start, as kept.
type firstFrame struct {
	Format string `json:"format"`
	// Key is the hex of the start's key (firstFrameKey).
	Key string `json:"key"`
	// Width and Height are the screen's size, and Dark its background, as
	// it was drawn.
	Width  int  `json:"width"`
	Height int  `json:"height"`
	Dark   bool `json:"dark"`
	// Frame is the screen, as App.render draws it.
	Frame string `json:"frame"`
	// Sum is the hex of the SHA-256 of the fields above (firstFrame.sum).
	Sum string `json:"sum"`
}

// sum returns the hex of the SHA-256 of the frame's fields but Sum.
func (f *firstFrame) sum() string {
	h := sha256.New()
	writeFields(h, f.Format, f.Key, fmt.Sprint(f.Width, f.Height, f.Dark), f.Frame)
	return hex.EncodeToString(h.Sum(nil))
}

// check reports why a kept frame may not be shown for the key, or nil.
func (f *firstFrame) check(key string) error {
	switch {
	case f.Format != firstFrameFormat:
		return fmt.Errorf("its format is %q, not %q", f.Format, firstFrameFormat)
	case f.Key != key:
		return errors.New("it is of other inputs")
	case f.Sum != f.sum():
		return errors.New("its sum does not match its content")
	case f.Width <= 0 || f.Width > maxScreen || f.Height <= 0 || f.Height > maxScreen:
		return fmt.Errorf("its size %d×%d is out of range", f.Width, f.Height)
	case safeScreen(f.Frame) != f.Frame:
		return errors.New("it holds more than text and colors")
	}
	rows := strings.Split(f.Frame, "\n")
	if len(rows) != f.Height {
		return fmt.Errorf("it has %d rows, not %d", len(rows), f.Height)
	}
	for i, r := range rows {
		if w := ansi.StringWidth(r); w != f.Width {
			return fmt.Errorf("its row %d is %d cells wide, not %d", i+1, w, f.Width)
		}
	}
	return nil
}

// fits reports whether the frame is the one to show on a screen of this
// size and background.
func (f *firstFrame) fits(w, h int, dark bool) bool {
	return f.Width == w && f.Height == h && f.Dark == dark
}

// firstFrameMsg carries the sum of the start's inputs and, when one was
// kept for them, the first frame to show until the first session comes.
type firstFrameMsg struct {
	// inputs is "" when the inputs could not be hashed: no frame is kept.
	inputs string
	frame  *firstFrame
}

// firstFrameFile is the file, in dir, of the kept first frame of the
// workbench on a configuration's workspace from the current directory: one
// file for each, which the next start there replaces.
func firstFrameFile(cfg Config) string {
	cwd, _ := os.Getwd()
	h := sha256.New()
	ws := cfg.Workspace
	writeFields(h, firstFrameFormat, cwd, ws.Dir(), ws.Root(), ws.Describe())
	return hex.EncodeToString(h.Sum(nil)[:16]) + ".json"
}

// readFirstFrame hashes the inputs of a start and reads the first frame
// kept for them, if any: a command, run at the start before the load.
func readFirstFrame(cfg Config) tea.Cmd {
	if cfg.FirstFrames == "" {
		return nil
	}
	return func() tea.Msg {
		inputs, ok := inputsSum(cfg)
		st := rememberedState(cfg, readState(cfg.Workspace))
		if !ok || spec.ParseRevisionRef(st.Base).Git != "" {
			return firstFrameMsg{}
		}
		key := firstFrameKey(inputs, st)
		msg := firstFrameMsg{inputs: inputs}
		name := firstFrameFile(cfg)
		if fi, err := os.Lstat(filepath.Join(cfg.FirstFrames, name)); err != nil || !fi.Mode().IsRegular() || fi.Size() > maxFirstFrame {
			return msg
		}
		data, _, err := safefile.ReadIn(cfg.FirstFrames, name)
		if err != nil || len(data) > maxFirstFrame {
			return msg
		}
		var f firstFrame
		if json.Unmarshal(data, &f) != nil || f.check(key) != nil {
			return msg
		}
		msg.frame = &f
		return msg
	}
}

// keepFirstFrame keeps a start's first frame for the next start, when its
// inputs are still those it started on, of the sum given (the files may
// have changed while they were read): a command, run after the frame is
// drawn.
func keepFirstFrame(cfg Config, inputs string, f *firstFrame) tea.Cmd {
	return func() tea.Msg {
		if now, ok := inputsSum(cfg); !ok || now != inputs {
			return nil
		}
		f.Sum = f.sum()
		data, err := json.Marshal(f)
		if err != nil {
			return nil
		}
		// A frame that cannot be kept costs the next start its time,
		// nothing else: the failure is not the drafter's to see.
		if os.MkdirAll(cfg.FirstFrames, 0o700) == nil {
			name := firstFrameFile(cfg)
			if _, err := safefile.Save(filepath.Join(cfg.FirstFrames, name), data, safefile.Stamp{},
				safefile.Options{Force: true, Perm: 0o600, Within: cfg.FirstFrames}); err == nil {
				pruneFirstFrames(cfg.FirstFrames, name)
			}
		}
		return nil
	}
}

// keptFirstFrames is how many first frames are kept, one for each
// workspace and directory started from, the latest.
const keptFirstFrames = 32

// pruneFirstFrames removes from dir the kept first frames but the one just
// kept, named kept, and the latest others, keptFirstFrames in all.
func pruneFirstFrames(dir, kept string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type frame struct {
		name string
		at   int64
	}
	var frames []frame
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".json") || e.Name() == kept {
			continue
		}
		if fi, err := e.Info(); err == nil {
			frames = append(frames, frame{e.Name(), fi.ModTime().UnixNano()})
		}
	}
	if len(frames) < keptFirstFrames {
		return
	}
	slices.SortFunc(frames, func(a, b frame) int { return cmp.Compare(b.at, a.at) })
	for _, f := range frames[keptFirstFrames-1:] {
		os.Remove(filepath.Join(dir, f.name))
	}
}

// firstFrameEnv are the environment variables that can change how wide a
// character is drawn, and so a frame.
var firstFrameEnv = []string{"LANG", "LC_ALL", "LC_CTYPE", "RUNEWIDTH_EASTASIAN"}

// firstFrameKey returns the hex of the key of a start's first frame: a
// SHA-256 of everything that decides it but the terminal's size and
// background, which the frame records: the sum of the start's other inputs
// (inputsSum) and the revisions the workspace remembers. The state is apart
// from the files because the start itself writes it: a first start keeps
// its frame under the state it writes, which the next start reads.
func firstFrameKey(inputs string, st savedState) string {
	h := sha256.New()
	writeFields(h, firstFrameFormat, inputs, st.Base, st.Working)
	return hex.EncodeToString(h.Sum(nil))
}

// rememberedState is the state that decides a start's revisions: st for a
// workbench that remembers them in a workspace on disk, else none.
func rememberedState(cfg Config, st savedState) savedState {
	if !cfg.Remember || cfg.Workspace.Dir() == "" {
		return savedState{}
	}
	return st
}

// inputsSum returns the hex of a SHA-256 of the inputs of a start but the
// remembered state: the program (its file's path, size and time, and its
// build), the current directory, the workspace and the configuration, the
// environment that sets the width of characters, and the name and content
// of every file under the workspace's cue/ and fixtures/devices/ and of
// every file of the user's corpus. It reports false when the start reads
// what it cannot hash: a base from git, or, among those files, one that is
// not a regular file or a directory, or that cannot be read.
func inputsSum(cfg Config) (string, bool) {
	ws := cfg.Workspace
	if spec.ParseRevisionRef(cfg.Base).Git != "" {
		return "", false
	}
	exe, err := os.Executable()
	if err != nil {
		return "", false
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "", false
	}
	build := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		build = bi.String()
	}
	cwd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	h := sha256.New()
	writeFields(h, firstFrameFormat, exe, fmt.Sprint(fi.Size(), fi.ModTime().UnixNano()), build, cwd,
		ws.Dir(), ws.Root(), ws.Name(), ws.Describe(), cfg.Base, cfg.Working, fmt.Sprint(cfg.Remember, cfg.Timeout, len(cfg.Corpus)))
	for _, v := range firstFrameEnv {
		writeFields(h, v, os.Getenv(v))
	}
	for _, dir := range []string{"cue", fixtures.DevicesDir} {
		if !hashTree(h, ws.FS(), dir) {
			return "", false
		}
	}
	for _, p := range cfg.Corpus {
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", false
		}
		writeFields(h, p, abs)
		if !hashTree(h, os.DirFS(filepath.Dir(abs)), filepath.Base(abs)) {
			return "", false
		}
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

// hashTree writes to h the name and content of every file under root in
// fsys (root itself, if it is a file), in lexical order, and "absent" for a
// root that is not there. It reports false for an entry that is neither a
// regular file nor a directory (a symbolic link, say), or that cannot be
// read.
func hashTree(h hash.Hash, fsys fs.FS, root string) bool {
	if _, err := fs.Stat(fsys, root); errors.Is(err, fs.ErrNotExist) {
		writeFields(h, root, "absent")
		return true
	}
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir():
			writeFields(h, p, "dir")
			return nil
		case !d.Type().IsRegular():
			return fmt.Errorf("%s is %s", p, spec.FileKind(d.Type()))
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		writeFields(h, p, string(data))
		return nil
	})
	return err == nil
}

// writeFields writes each field to h with its length first, so that no two
// lists of fields write the same bytes.
func writeFields(h hash.Hash, fields ...string) {
	var n [8]byte
	for _, f := range fields {
		binary.LittleEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
}

// firstFrameShown returns the kept first frame to show instead of a
// loading screen, or "": one is shown only until the first session comes,
// on a screen that nothing has changed since the start, of the frame's
// size and background.
func (m *App) firstFrameShown() string {
	f := m.kept
	if f == nil || m.s != nil || m.err != nil || m.touched || m.dlg != nil || m.showHelp || m.view != specView || !f.fits(m.width, m.height, m.dark) {
		return ""
	}
	return f.Frame
}

// firstFrameToKeep returns the command that keeps the screen as the first
// frame of the start, once its first session is on it: when the start's
// inputs could be hashed and the screen is the one a start draws (nothing
// pressed, no dialog, no error, the Spec view).
func (m *App) firstFrameToKeep(msg loadedMsg) tea.Cmd {
	st := rememberedState(m.cfg, m.state)
	if m.inputsOfStart == "" || spec.ParseRevisionRef(st.Base).Git != "" || m.firstKept || !msg.fromLoad || msg.s == nil || msg.workErr != nil || m.err != nil ||
		m.touched || m.dlg != nil || m.showHelp || m.view != specView || m.width == 0 || m.height == 0 {
		return nil
	}
	m.firstKept = true
	frame := safeScreen(m.render())
	if m.kept != nil && m.kept.Frame == frame {
		// The same as kept, but perhaps for the time it took.
		return nil
	}
	f := &firstFrame{Format: firstFrameFormat, Key: firstFrameKey(m.inputsOfStart, st), Width: m.width, Height: m.height, Dark: m.dark, Frame: frame}
	return keepFirstFrame(m.cfg, m.inputsOfStart, f)
}

// tookFirstFrame takes the sum of the start's inputs and the first frame
// kept for them.
func (m *App) tookFirstFrame(msg firstFrameMsg) {
	m.inputsOfStart = cmp.Or(m.inputsOfStart, msg.inputs)
	if msg.frame != nil && m.s == nil {
		m.kept = msg.frame
	}
}

// holds keeps a key, click or paste for later, and reports whether it did:
// while a kept first frame is on screen, it is handled once the session
// that the frame shows has come, so that it acts on what the drafter saw;
// and so is any that comes after one held, in order. The quit keys are
// never held.
func (m *App) holds(msg tea.Msg) bool {
	if m.firstFrameShown() == "" && (len(m.held) == 0 || m.s != nil) {
		return false
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, m.keys.Quit) {
		return false
	}
	m.held = append(m.held, msg)
	return true
}
