package tui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
	"github.com/ladderworks/ladder/spec/termtext"
)

// hostile is what a record or a revision from elsewhere may hold that a
// terminal would obey: a color, OSC 52 (which writes the clipboard), a
// carriage return, a C1 CSI and a bidirectional override.
const hostile = "\x1b[31mred\x1b]52;c;ZXZpbA==\x07\r\u009b2J\u202e"

// hostileCUE is hostile as a CUE string's escapes.
const hostileCUE = `\u001b[31mred\u001b]52;c;ZXZpbA==\u0007\r\u009b2J\u202e`

// hostileConfig is the built-in standard with hostile text in a
// criterion's and a category's titles, and devices of the user's, in a
// file whose name holds an escape sequence, with hostile text in their
// id, name, vendor and subtype: one that moves between the revisions, and
// one that is invalid for a hostile measurement value.
func hostileConfig(t *testing.T) (Config, string) {
	idRule := `id!:            =~"^[a-z0-9][a-z0-9-]*$"`
	mt := spectest.RevFile(spectest.Draft, "mobile_terminal.cue")
	builtin := spectest.FS(t,
		spectest.Replace(spectest.RevFile(spectest.Edition, "schema.cue"), idRule, `id!: string & !=""`),
		spectest.Replace(spectest.RevFile(spectest.Draft, "schema.cue"), idRule, `id!: string & !=""`),
		spectest.Replace(mt, `title:      "Runs a language model of at least 7B parameters on the device"`, `title: "Runs `+hostileCUE+`"`),
		spectest.Replace(mt, `title:  "Mobile terminal"`, `title:  "Mobile `+hostileCUE+`"`),
	)
	var dev map[string]any
	if err := json.Unmarshal(builtin["fixtures/devices/mobile_terminal/mt-ambrelo-soryn-5-pro-0027.json"].Data, &dev); err != nil {
		t.Fatal(err)
	}
	id := hostile + "mt-evil"
	dev["id"], dev["name"], dev["vendor"] = id, "Evil "+hostile, hostile+"Vendor"
	moved, _ := json.Marshal(dev)
	dev["id"] = "mt-invalid"
	dev["measurements"].(map[string]any)["long_term_memory"] = hostile
	invalid, _ := json.Marshal(dev)
	file := filepath.Join(t.TempDir(), "yours\x1b]0;title\x07.jsonl")
	if err := os.WriteFile(file, []byte(string(moved)+"\n"+string(invalid)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return Config{
		Workspace:  spec.NewWorkspace(builtin, ""),
		Builtin:    builtin,
		Corpus:     []string{file},
		JournalDir: t.TempDir(),
	}, id
}

// checkScreenSafe checks that a screen holds nothing a terminal would obey
// but the workbench's own SGR sequences: no other escape sequence, no
// control but newlines, no character that a terminal does not show; and
// that the SGR sequences are not those of the hostile text, which shows as
// its stand-ins.
func checkScreenSafe(t *testing.T, what, screen string) {
	t.Helper()
	for i := 0; i < len(screen); {
		c := screen[i]
		if c == ansi.ESC {
			n := sgrLen(screen[i:])
			if n == 0 {
				t.Errorf("%s: an escape sequence that is not SGR reaches the screen: %q", what, screen[i:min(i+20, len(screen))])
				return
			}
			if params := screen[i+2 : i+n-1]; params == "31" {
				t.Errorf("%s: the hostile color reaches the screen as a sequence", what)
				return
			}
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(screen[i:])
		if r == utf8.RuneError && size == 1 || r != '\n' && !termtext.Shows(r) {
			t.Errorf("%s: %U reaches the screen: %q", what, r, screen[max(i-20, 0):min(i+20, len(screen))])
			return
		}
		i += size
	}
}

// TestNoControlReachesTheScreen: text from data (a device record's id,
// name and vendor, a file's name, a measurement's value in an error, a
// criterion's and a category's titles) never reaches the terminal as
// control sequences: in every view, with each pane focused, with the help
// and a dialog shown, at 120×40 and 80×24, the screen holds only the
// workbench's own styles, and the hostile text shows as visible
// stand-ins.
func TestNoControlReachesTheScreen(t *testing.T) {
	cfg, id := hostileConfig(t)
	for _, size := range [][2]int{{120, 40}, {80, 24}, {200, 60}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := start(t, cfg, size[0], size[1], nil)
			if len(m.s.invalid) == 0 {
				t.Fatal("the invalid record is graded")
			}
			openCriterion(t, m, "MT-L3-LLM")
			m.openDevice(id)
			shows := map[viewID]bool{}
			for v := range numViews {
				m.view = v
				m.pending[v] |= newSize | shown
				m.refreshView()
				for f := range viewPanes[v] {
					m.focus[v] = f
					out := m.View().Content
					checkScreenSafe(t, fmt.Sprintf("%s, pane %d", v, f), out)
					plain := ansi.Strip(out)
					shows[v] = shows[v] || strings.Contains(plain, "␛[31mred") || strings.Contains(plain, "yours␛]0;title␇.jsonl")
				}
			}
			m.openDevice(id)
			if want := "Evil ␛[31mred␛]52;c;ZXZpbA==␇␍\ufffd2J\ufffd"; !strings.Contains(screen(m), want) {
				t.Errorf("the Device view does not show the name as %q:\n%s", want, screen(m))
			}
			for _, v := range []viewID{specView, impactView, corpusView, deviceView, problemsView} {
				if !shows[v] {
					m.view = v
					t.Errorf("%s does not show the hostile text with its stand-ins:\n%s", v, screen(m))
				}
			}
			// The Diff view shows the title of the criterion changed.
			m.view = diffView
			m.refreshView()
			checkScreenSafe(t, "diff", m.View().Content)
			m.showHelp = true
			checkScreenSafe(t, "help", m.View().Content)
			m.showHelp = false
			// The palette lists the devices, the hostile one among them.
			press(m, ":")
			for _, r := range "evil" {
				m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			if m.dlg != nil {
				checkScreenSafe(t, "palette", m.View().Content)
				if !strings.Contains(ansi.Strip(m.View().Content), "␛[31mred") {
					t.Errorf("the palette does not show the hostile device:\n%s", screen(m))
				}
			}
		})
	}
}

// TestSafeScreen: what a view might let through is dropped from the
// screen, its rows keeping their widths; the workbench's own SGR
// sequences stay.
func TestSafeScreen(t *testing.T) {
	styled := "\x1b[38;2;90;63;192mtitle\x1b[m │ plain 中文\n"
	if got := safeScreen(styled); got != styled {
		t.Errorf("safeScreen changed a safe screen: %q", got)
	}
	for _, tc := range []struct{ in, want string }{
		{"a\x1b]52;c;ZXZpbA==\x07b", "ab"},
		{"a\x1b]0;title\x1b\\b", "ab"},
		{"a\x1b[2Jb\x1b[1;1Hc", "abc"},
		{"a\rb\x07c\x7fd", "abcd"},
		{"a\u009b2Jb", "a2Jb"},
		{"a\u202eb\u2066c", "abc"},
		{"a\xffb", "ab"},
		{styled + "x\x1b[31my", styled + "x\x1b[31my"},
	} {
		got := safeScreen(tc.in)
		if got != tc.want {
			t.Errorf("safeScreen(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if ansi.StringWidth(got) != ansi.StringWidth(tc.in) {
			t.Errorf("safeScreen(%q) = %q: %d cells wide, was %d", tc.in, got, ansi.StringWidth(got), ansi.StringWidth(tc.in))
		}
	}
}

// TestHugeTerminal: a terminal that says it is huge, or of a negative
// size, gets a screen of at most 1000 × 1000 cells, drawn.
func TestHugeTerminal(t *testing.T) {
	m := loaded(t, 80, 24)
	for _, size := range [][2]int{{65535, 65535}, {2147483647, 3}, {-5, -5}, {1000, 1000}} {
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		w, h := screenSize(size[0]), screenSize(size[1])
		if w != min(max(size[0], 0), 1000) || h != min(max(size[1], 0), 1000) {
			t.Fatalf("%v: drawn at %d×%d", size, w, h)
		}
		out := m.View().Content
		if w > 0 && h > 0 {
			checkSize(t, out, w, h)
		}
	}
}
