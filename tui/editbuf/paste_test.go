package editbuf

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "a: 1\n\tb: \"中文 — é\"\n", "a: 1\n\tb: \"中文 — é\"\n"},
		{"LF", "a\nb\n", "a\nb\n"},
		{"CR", "a\rb\r", "a\nb\n"},
		{"CRLF", "a\r\nb\r\n", "a\nb\n"},
		{"mixed", "a\rb\r\nc\nd", "a\nb\nc\nd"},
		{"CR CR LF is two breaks", "a\r\r\nb", "a\n\nb"},
		{"LF CR is two breaks", "a\n\rb", "a\n\nb"},
		{"lone CR at the end", "a\r", "a\n"},
		{"only CRs", "\r\r\r", "\n\n\n"},
		{"ESC of a color", "\x1b[31mred\x1b[0m", "[31mred[0m"},
		{"BEL NUL VT FF BS DEL", "a\a\x00b\v\fc\bd\x7fe", "abcde"},
		{"tab is kept", "\ta\tb", "\ta\tb"},
		{"C1 controls", "a\u0085b\u009bc\u0080", "abc"},
		{"bidi override and isolate", "a\u202eb\u2066c\u2069\u200fd", "abcd"},
		{"zero-width space and BOM", "\ufeffa\u200bb", "ab"},
		{"zero-width joiner is kept", "👩\u200d💻", "👩\u200d💻"},
		{"line and paragraph separators", "a\u2028b\u2029c", "abc"},
		{"not UTF-8", "a\xffb\xc3", "ab"},
		{"replacement character is kept", "a\ufffdb", "a\ufffdb"},
		{"empty", "", ""},
		{"only controls", "\x1b\x07\x00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestPaste pastes texts with each kind of newline and with controls:
// the lines are the same, the paste is one undo step, redo brings it
// back.
func TestPaste(t *testing.T) {
	tests := []struct {
		name    string
		paste   string
		lines   []string
		wantCur Pos
	}{
		{"LF", "a\nb\nc\n", []string{"[a", "b", "c", "]"}, Pos{3, 0}},
		{"CR", "a\rb\rc\r", []string{"[a", "b", "c", "]"}, Pos{3, 0}},
		{"CRLF", "a\r\nb\r\nc\r\n", []string{"[a", "b", "c", "]"}, Pos{3, 0}},
		{"mixed", "a\rb\r\nc\n", []string{"[a", "b", "c", "]"}, Pos{3, 0}},
		{"no final newline", "a\rb", []string{"[a", "b]"}, Pos{1, 1}},
		{"one line", "abc", []string{"[abc]"}, Pos{0, 4}},
		{"controls", "\x1b[1ma\x07\rb\x00\u009b", []string{"[[1ma", "b]"}, Pos{1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const orig = "[]"
			b, _ := newTest(orig)
			b.SetCursor(Pos{0, 1})
			b.Paste(tt.paste)
			if got := lines(b); !slices.Equal(got, tt.lines) {
				t.Errorf("lines = %q, want %q", got, tt.lines)
			}
			if b.Cursor() != tt.wantCur {
				t.Errorf("cursor at %v, want %v", b.Cursor(), tt.wantCur)
			}
			after := b.Text()
			if !b.Undo() || b.Text() != orig || b.Cursor() != (Pos{0, 1}) {
				t.Errorf("one Undo leaves %q with the cursor at %v, want %q at {0 1}", b.Text(), b.Cursor(), orig)
			}
			if b.CanUndo() {
				t.Error("the paste took more than one undo step")
			}
			if !b.Redo() || b.Text() != after || b.Cursor() != tt.wantCur {
				t.Errorf("Redo gives %q with the cursor at %v, want %q at %v", b.Text(), b.Cursor(), after, tt.wantCur)
			}
		})
	}
}

// TestTypedTextIsCleaned types text that a key can carry: its controls
// never reach the buffer, and a CR is a newline.
func TestTypedTextIsCleaned(t *testing.T) {
	tests := []struct{ typed, want string }{
		{"a", "a"},
		{"\x1b", ""},
		{"\x7f", ""},
		{"\r", "\n"},
		{"\u202e", ""},
		{"中", "中"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.typed), func(t *testing.T) {
			b, _ := newTest("")
			v := b.Version()
			b.Insert(tt.typed)
			if b.Text() != tt.want {
				t.Errorf("typing %q gives %q, want %q", tt.typed, b.Text(), tt.want)
			}
			if tt.want == "" && (b.Version() != v || b.CanUndo()) {
				t.Errorf("typing %q, which is dropped, made an undo step", tt.typed)
			}
		})
	}
}

// TestPasteLarge pastes 20,000 lines with CR newlines: they are 20,000
// lines, and one undo step.
func TestPasteLarge(t *testing.T) {
	text := strings.Repeat("\tfield: >=1 & <=40 // pasted\r", 20000)
	b, _ := newTest("a: {}\n")
	b.SetCursor(Pos{0, 4})
	b.Paste(text)
	if b.LineCount() != 20002 || b.Line(1) != "\tfield: >=1 & <=40 // pasted" || b.Line(20000) != "}" {
		t.Fatalf("%d lines, line 2 %q, line 20001 %q", b.LineCount(), b.Line(1), b.Line(20000))
	}
	if strings.Contains(b.Text(), "\r") {
		t.Error("a CR reached the buffer")
	}
	if !b.Undo() || b.Text() != "a: {}\n" || b.CanUndo() {
		t.Errorf("one undo leaves %d lines", b.LineCount())
	}
}

// pasteBenchText is about 1 MB of CUE in 20,000 lines, with newline nl,
// or in one line when nl is "".
func pasteBenchText(nl string) string {
	var sb strings.Builder
	for i := 0; sb.Len() < 1<<20; i++ {
		fmt.Fprintf(&sb, "\tfield_%05d: >=%02d & <=%03d // pasted%s", i, i%97, i%97+40, cmp.Or(nl, " "))
	}
	return sb.String()
}

// BenchmarkPaste pastes about 1 MB into the middle of a line of a buffer,
// then undoes it (untimed). "raw" is the path of every paste before
// pastes were cleaned: the text inserted as it came, so that a paste with
// CR newlines is one line of 1 MB.
func BenchmarkPaste(b *testing.B) {
	cases := []struct {
		name, text string
		raw        bool
	}{
		{"LF", pasteBenchText("\n"), false},
		{"CR", pasteBenchText("\r"), false},
		{"CRLF", pasteBenchText("\r\n"), false},
		{"one-line", pasteBenchText(""), false},
		{"CR-raw", pasteBenchText("\r"), true},
		{"LF-raw", pasteBenchText("\n"), true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			buf := New("a: {}\nb: 1\n")
			b.SetBytes(int64(len(c.text)))
			for b.Loop() {
				buf.SetCursor(Pos{0, 4})
				if c.raw {
					buf.insert(c.text, kindNone)
				} else {
					buf.Paste(c.text)
				}
				b.StopTimer()
				buf.Undo()
				b.StartTimer()
			}
		})
	}
}

// TestFirstChanged edits a buffer and asks which lines may have changed
// since an earlier version: never one above an edit.
func TestFirstChanged(t *testing.T) {
	b, _ := newTest("a\nb\nc\nd\ne")
	v0 := b.Version()
	if got := b.FirstChanged(v0); got != 5 {
		t.Errorf("nothing changed, FirstChanged = %d, want the line count 5", got)
	}
	b.SetCursor(Pos{3, 1})
	b.Insert("x")
	v1 := b.Version()
	if got := b.FirstChanged(v0); got != 3 {
		t.Errorf("after an edit of line 4, FirstChanged = %d, want 3", got)
	}
	b.SetCursor(Pos{1, 0})
	b.Backspace() // joins lines 1 and 2
	if got := b.FirstChanged(v1); got != 0 {
		t.Errorf("after a backspace joining lines 1 and 2, FirstChanged = %d, want 0", got)
	}
	v2 := b.Version()
	b.Undo()
	if got := b.FirstChanged(v2); got != 0 {
		t.Errorf("after undoing it, FirstChanged = %d, want 0", got)
	}
	v3 := b.Version()
	b.SetCursor(Pos{4, 0})
	for range 30 {
		b.Insert("y")
	}
	if got := b.FirstChanged(v3); got != 4 {
		t.Errorf("after 30 keys on line 5, FirstChanged = %d, want 4", got)
	}
	for range 70 {
		b.Insert("y")
	}
	if got := b.FirstChanged(v3); got != 0 {
		t.Errorf("more than 64 versions back, FirstChanged = %d, want 0", got)
	}
}
