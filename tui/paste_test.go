package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/spec/spectest"
	"github.com/ladderworks/ladder/tui/editbuf"
)

// TestPasteNewlines pastes text with each kind of newline, and with
// controls, into the editor through Update, as a terminal delivers a
// bracketed paste: the lines are the same, one ctrl+z takes the whole paste
// back, ctrl+y brings it again, and the file saved has LF newlines only.
func TestPasteNewlines(t *testing.T) {
	tests := []struct{ name, paste string }{
		{"CR, CRLF, LF", "a\rb\r\nc\n"},
		{"LF", "a\nb\nc\n"},
		{"CRLF", "a\r\nb\r\nc\r\n"},
		{"CR", "a\rb\rc\r"},
		{"controls", "a\x1b\a\rb\x00\u009b\r\nc\u202e\x7f\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := spectest.Dir(t)
			m := start(t, diskConfig(t, dir, t.TempDir()), 120, 40, nil)
			m.tick = noTick
			openCriterion(t, m, "MT-L3-LLM")
			f := m.edit.file()
			orig := f.buf.Text()
			at := lineOf(t, m, "on_device_llm_params_b: >=7") - 1
			line := f.buf.Line(at)
			f.buf.SetCursor(editbuf.Pos{Line: at})

			m.Update(tea.PasteMsg{Content: tt.paste})
			got := []string{f.buf.Line(at), f.buf.Line(at + 1), f.buf.Line(at + 2), f.buf.Line(at + 3)}
			if want := []string{"a", "b", "c", line}; !slices.Equal(got, want) {
				t.Fatalf("after the paste the lines are %q, want %q", got, want)
			}
			if n := f.buf.LineCount(); n != strings.Count(orig, "\n")+4 {
				t.Errorf("%d lines after the paste, want 3 more than %d", n, strings.Count(orig, "\n")+1)
			}
			pasted := f.buf.Text()
			if strings.ContainsFunc(pasted, func(r rune) bool { return r != '\t' && r != '\n' && !editbuf.Keeps(r) }) {
				t.Errorf("the buffer holds a control: %q", got)
			}

			press(m, "ctrl+z")
			if f.buf.Text() != orig {
				t.Fatal("one ctrl+z does not take the whole paste back")
			}
			press(m, "ctrl+y")
			if f.buf.Text() != pasted {
				t.Fatal("ctrl+y does not bring the paste back")
			}

			_, cmd := m.Update(keys["ctrl+s"])
			settle(t, m, cmd)
			data, err := os.ReadFile(filepath.Join(dir, "cue/revisions/gbz177-l4-draft/mobile_terminal.cue"))
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != pasted || f.buf.Modified() {
				t.Fatalf("the file saved is not the buffer (modified: %v)", f.buf.Modified())
			}
			if !strings.Contains(string(data), "\na\nb\nc\n"+line+"\n") || strings.ContainsAny(string(data), "\r\x1b\a\x00\x7f") {
				t.Errorf("the file saved holds a CR or a control, or not the lines pasted")
			}
		})
	}
}

// TestTypedControls types keys whose text holds controls: they never
// reach the buffer.
func TestTypedControls(t *testing.T) {
	m := loaded(t, 120, 40)
	openCriterion(t, m, "MT-L3-LLM")
	f := m.edit.file()
	f.buf.SetCursor(editbuf.Pos{})
	orig := f.buf.Text()
	for _, text := range []string{"\x1b", "\a", "\u202e", "\x7f", "\u009b"} {
		m.Update(tea.KeyPressMsg{Code: []rune(text)[0], Text: text})
	}
	if f.buf.Text() != orig {
		t.Errorf("typed controls reached the buffer: %q", firstLine(f.buf.Text()))
	}
	m.Update(tea.KeyPressMsg{Code: 'x', Text: "x\x1b[31m"})
	if got := f.buf.Line(0); !strings.HasPrefix(got, "x[31m") {
		t.Errorf("typing x with an escape after it gives %q", got)
	}
}

// TestPasteOneLineInputs pastes lines into the Corpus and Spec filters
// and a dialog's input, which hold one line: the lines are joined by a
// space, whatever their newlines, and no control gets in. A paste into the
// palette picks as typing does.
func TestPasteOneLineInputs(t *testing.T) {
	first := loaded(t, 120, 40)
	tests := []struct{ paste, want string }{
		{"pasted-id\r\n", "pasted-id"},
		{"pasted-id\r", "pasted-id"},
		{"a\rb\r\nc\nd", "a b c d"},
		{"\r\na\r\n\r\nb\r\n", "a b"},
		{"a\x1b[1m\ab", "a[1mb"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.paste), func(t *testing.T) {
			m := again(t, first)
			m.askFork(m.s.work.Revision)
			m.dlg.input.SetValue("")
			m.Update(tea.PasteMsg{Content: tt.paste})
			if got := m.dlg.input.Value(); got != tt.want {
				t.Errorf("the dialog's input holds %q, want %q", got, tt.want)
			}

			m = again(t, first)
			press(m, "4", "/")
			m.Update(tea.PasteMsg{Content: tt.paste})
			if got := m.corpus.input.Value(); got != tt.want {
				t.Errorf("the Corpus filter holds %q, want %q", got, tt.want)
			}

			m = again(t, first)
			press(m, "/")
			m.Update(tea.PasteMsg{Content: tt.paste})
			if got := m.spec.input.Value(); got != tt.want {
				t.Errorf("the Spec filter holds %q, want %q", got, tt.want)
			}
		})
	}
	m := again(t, first)
	press(m, ":")
	m.Update(tea.PasteMsg{Content: "mt-plovik-vinta-9\r\n"})
	press(m, "enter")
	if m.view != deviceView || m.sh.device != "mt-plovik-vinta-9-lite-0031" {
		t.Errorf("a paste in the palette, then enter, shows %s %s", m.view, m.sh.device)
	}
	m = again(t, first)
	press(m, "4", "/")
	m.Update(tea.PasteMsg{Content: "mt-plovik-vinta-9-lite-0031\r\n"})
	if out := screen(m); !strings.Contains(out, "1 of 224") {
		t.Errorf("a pasted line with its CRLF does not filter:\n%s", out)
	}
}

// TestPasteHugeRenders pastes about 1 MB at the end of a file in the
// editor, in 20,000 lines with CR newlines and in one line, and a long line
// of wide characters and tabs, and draws the screen at several sizes and
// scrolls: no row is wider than the terminal, no control but the escapes
// of colors reaches it, and the editor shows the end of the paste, where
// the cursor is.
func TestPasteHugeRenders(t *testing.T) {
	wide := "\t中文 —" + strings.Repeat("x: \"中\" // é\t", 5000) + "end中"
	tests := []struct {
		name, paste string
		newlines    int
		last        string
	}{
		{"20000 lines with CR", bigPaste(20000, "\r"), 20000, "}"},
		{"one line of 1 MB", bigPaste(1, ""), 0, "}"},
		{"a long line of wide characters and tabs", wide, 0, "end中"},
	}
	first := loaded(t, 120, 40)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := again(t, first)
			openCriterion(t, m, "MT-L3-LLM")
			f := m.edit.file()
			f.buf.Bottom()
			line := f.buf.LineCount() + tt.newlines
			m.Update(tea.PasteMsg{Content: tt.paste})
			if c := f.buf.Cursor(); c.Line != line-1 || f.buf.LineCount() != line {
				t.Errorf("the cursor is on line %d of %d after the paste, want the last, %d", c.Line+1, f.buf.LineCount(), line)
			}
			for _, size := range [][2]int{{120, 40}, {80, 24}, {41, 12}} {
				m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				for _, keys := range [][]string{nil, {"home"}, {"ctrl+home"}, {"ctrl+end"}, {"left", "left", "left"}} {
					for _, k := range keys {
						m.Update(keyPress(t, k))
					}
					v := m.View()
					checkSize(t, v.Content, size[0], size[1])
					plain := ansi.Strip(v.Content)
					if strings.ContainsFunc(plain, func(r rune) bool { return r != '\n' && !editbuf.Keeps(r) }) {
						t.Errorf("%v after %v: a control reaches the terminal", size, keys)
					}
					// The cursor is on the character it is at in the text.
					c := f.buf.Cursor()
					want := " "
					if rs := []rune(f.buf.Line(c.Line)); c.Col < len(rs) && rs[c.Col] != '\t' {
						want = string(rs[c.Col])
					}
					switch {
					case v.Cursor == nil:
						t.Errorf("%v after %v: no cursor", size, keys)
					default:
						row := strings.Split(plain, "\n")[v.Cursor.Y]
						if at := ansi.Cut(row, v.Cursor.X, v.Cursor.X+2); !strings.HasPrefix(at, want) {
							t.Errorf("%v after %v: the cursor is on %q, not on %q", size, keys, at, want)
						}
					}
				}
			}
			m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
			m.Update(keyPress(t, "ctrl+home"))
			m.Update(keyPress(t, "ctrl+end"))
			out := screen(m)
			if c := f.buf.Cursor(); !strings.Contains(out, fmt.Sprintf("%d:%d", c.Line+1, c.Col+1)) || !strings.Contains(out, tt.last) {
				t.Errorf("the editor does not show the end of the paste:\n%s", out)
			}
		})
	}
}
