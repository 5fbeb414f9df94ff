package editbuf

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeClock is a clock that only moves when a test advances it.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.t = c.t.Add(d) }

// newTest returns a buffer holding text whose bursts are timed by a fake
// clock, and that clock.
func newTest(text string) (*Buffer, *fakeClock) {
	b := New(text)
	c := &fakeClock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	b.Now = c.Now
	return b, c
}

// typeText inserts s one rune at a time, as a user typing it would.
func typeText(b *Buffer, s string) {
	for _, r := range s {
		b.Insert(string(r))
	}
}

func lines(b *Buffer) []string {
	out := make([]string, b.LineCount())
	for i := range out {
		out[i] = b.Line(i)
	}
	return out
}

func TestNewRoundTrip(t *testing.T) {
	tests := []struct {
		text  string
		lines []string
	}{
		{"", []string{""}},
		{"a", []string{"a"}},
		{"a\n", []string{"a", ""}},
		{"a\nb", []string{"a", "b"}},
		{"a\nb\n", []string{"a", "b", ""}},
		{"\n", []string{"", ""}},
		{"\n\n", []string{"", "", ""}},
		{"x: 1\r\n", []string{"x: 1\r", ""}},
		{"中文\n—\n", []string{"中文", "—", ""}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.text), func(t *testing.T) {
			b := New(tt.text)
			if got := b.Text(); got != tt.text {
				t.Errorf("Text() = %q, want %q", got, tt.text)
			}
			if got := lines(b); !slices.Equal(got, tt.lines) {
				t.Errorf("lines = %q, want %q", got, tt.lines)
			}
			if b.Cursor() != (Pos{}) {
				t.Errorf("Cursor() = %v, want start", b.Cursor())
			}
			if b.Modified() || b.CanUndo() || b.CanRedo() {
				t.Errorf("new buffer: Modified=%v CanUndo=%v CanRedo=%v, want all false",
					b.Modified(), b.CanUndo(), b.CanRedo())
			}
		})
	}
}

func TestNilClock(t *testing.T) {
	b := New("")
	b.Now = nil
	typeText(b, "ab")
	if !b.Undo() || b.Text() != "" {
		t.Errorf("with a nil Now, typing then Undo leaves %q, want \"\"", b.Text())
	}
}

func TestLineOutOfRange(t *testing.T) {
	b := New("a\nb")
	for _, i := range []int{-1, 2, 100} {
		if got := b.Line(i); got != "" {
			t.Errorf("Line(%d) = %q, want \"\"", i, got)
		}
	}
}

func TestEdits(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		at       Pos
		do       func(*Buffer)
		want     string
		wantCur  Pos
		unchange bool // the edit is a no-op
	}{
		{"insert mid-line", "ac", Pos{0, 1}, func(b *Buffer) { b.Insert("b") }, "abc", Pos{0, 2}, false},
		{"insert at end without newline", "ab", Pos{0, 2}, func(b *Buffer) { b.Insert("c") }, "abc", Pos{0, 3}, false},
		{"insert tab", "x", Pos{0, 0}, func(b *Buffer) { b.Insert("\t") }, "\tx", Pos{0, 1}, false},
		{"insert multi-line", "ad", Pos{0, 1}, func(b *Buffer) { b.Insert("b\n\tc\n") }, "ab\n\tc\nd", Pos{2, 0}, false},
		{"insert empty", "ab", Pos{0, 1}, func(b *Buffer) { b.Insert("") }, "ab", Pos{0, 1}, true},
		{"backspace mid-line", "abc", Pos{0, 2}, (*Buffer).Backspace, "ac", Pos{0, 1}, false},
		{"backspace joins lines", "ab\ncd", Pos{1, 0}, (*Buffer).Backspace, "abcd", Pos{0, 2}, false},
		{"backspace joins empty last line", "ab\n", Pos{1, 0}, (*Buffer).Backspace, "ab", Pos{0, 2}, false},
		{"backspace at start", "ab\ncd", Pos{0, 0}, (*Buffer).Backspace, "ab\ncd", Pos{0, 0}, true},
		{"delete mid-line", "abc", Pos{0, 1}, (*Buffer).Delete, "ac", Pos{0, 1}, false},
		{"delete joins lines", "ab\ncd", Pos{0, 2}, (*Buffer).Delete, "abcd", Pos{0, 2}, false},
		{"delete trailing newline", "ab\n", Pos{0, 2}, (*Buffer).Delete, "ab", Pos{0, 2}, false},
		{"delete at end", "ab\ncd", Pos{1, 2}, (*Buffer).Delete, "ab\ncd", Pos{1, 2}, true},
		{"backspace multi-byte", "a—b", Pos{0, 2}, (*Buffer).Backspace, "ab", Pos{0, 1}, false},
		{"delete multi-byte", "中文", Pos{0, 0}, (*Buffer).Delete, "文", Pos{0, 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := newTest(tt.text)
			b.SetCursor(tt.at)
			v := b.Version()
			tt.do(b)
			if got := b.Text(); got != tt.want {
				t.Errorf("Text() = %q, want %q", got, tt.want)
			}
			if got := b.Cursor(); got != tt.wantCur {
				t.Errorf("Cursor() = %v, want %v", got, tt.wantCur)
			}
			if tt.unchange {
				if b.Version() != v || b.CanUndo() || b.Modified() {
					t.Errorf("no-op edit changed state: Version %d->%d CanUndo=%v Modified=%v",
						v, b.Version(), b.CanUndo(), b.Modified())
				}
				return
			}
			if !b.Modified() || !b.Undo() {
				t.Fatalf("edit is not modified or not undoable")
			}
			if got := b.Text(); got != tt.text {
				t.Errorf("after Undo, Text() = %q, want %q", got, tt.text)
			}
			if got := b.Cursor(); got != tt.at {
				t.Errorf("after Undo, Cursor() = %v, want %v", got, tt.at)
			}
		})
	}
}

func TestNewlineAutoIndent(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		at      Pos
		want    string
		wantCur Pos
	}{
		{"tab indent", "\tfoo: 1", Pos{0, 7}, "\tfoo: 1\n\t", Pos{1, 1}},
		{"tabs and spaces", "\t  x: {", Pos{0, 7}, "\t  x: {\n\t  ", Pos{1, 3}},
		{"split keeps indent on both", "\t\tab: cd", Pos{0, 5}, "\t\tab:\n\t\t cd", Pos{1, 2}},
		{"no indent", "ab", Pos{0, 1}, "a\nb", Pos{1, 0}},
		{"at column 0", "\tfoo", Pos{0, 0}, "\n\tfoo", Pos{1, 0}},
		{"inside the indentation", "\t\tfoo", Pos{0, 1}, "\t\n\t\tfoo", Pos{1, 1}},
		{"middle line", "a\n\tb\nc", Pos{1, 2}, "a\n\tb\n\t\nc", Pos{2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := newTest(tt.text)
			b.SetCursor(tt.at)
			b.Newline()
			if got := b.Text(); got != tt.want {
				t.Errorf("Text() = %q, want %q", got, tt.want)
			}
			if got := b.Cursor(); got != tt.wantCur {
				t.Errorf("Cursor() = %v, want %v", got, tt.wantCur)
			}
			b.Undo()
			if got := b.Text(); got != tt.text {
				t.Errorf("after Undo, Text() = %q, want %q", got, tt.text)
			}
		})
	}
}

func TestSetCursorClamps(t *testing.T) {
	b := New("abc\n中文\n")
	tests := []struct {
		in, want Pos
	}{
		{Pos{0, 0}, Pos{0, 0}},
		{Pos{0, 2}, Pos{0, 2}},
		{Pos{0, 10}, Pos{0, 3}},
		{Pos{1, 5}, Pos{1, 2}},
		{Pos{-1, 2}, Pos{0, 2}},
		{Pos{0, -3}, Pos{0, 0}},
		{Pos{2, 4}, Pos{2, 0}},
		{Pos{9, 9}, Pos{2, 0}},
	}
	for _, tt := range tests {
		b.SetCursor(tt.in)
		if got := b.Cursor(); got != tt.want {
			t.Errorf("SetCursor(%v): Cursor() = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestMotion runs sequences of cursor moves and checks where the cursor is
// after each.
func TestMotion(t *testing.T) {
	const text = "first line here\nab\n\nthird: 中文 line\nlast"
	type step struct {
		name string
		move func(*Buffer)
		want Pos
	}
	mv := func(name string, f func(*Buffer), want Pos) step { return step{name, f, want} }
	tests := []struct {
		name  string
		start Pos
		steps []step
	}{
		{"wanted column through short lines", Pos{0, 10}, []step{
			mv("Down", (*Buffer).Down, Pos{1, 2}),
			mv("Down", (*Buffer).Down, Pos{2, 0}),
			mv("Down", (*Buffer).Down, Pos{3, 10}),
			mv("Up", (*Buffer).Up, Pos{2, 0}),
			mv("Up", (*Buffer).Up, Pos{1, 2}),
			mv("Up", (*Buffer).Up, Pos{0, 10}),
		}},
		{"horizontal move resets wanted column", Pos{0, 10}, []step{
			mv("Down", (*Buffer).Down, Pos{1, 2}),
			mv("Left", (*Buffer).Left, Pos{1, 1}),
			mv("Up", (*Buffer).Up, Pos{0, 1}),
		}},
		{"up and down stop at the ends", Pos{0, 3}, []step{
			mv("Up", (*Buffer).Up, Pos{0, 3}),
			mv("Bottom", (*Buffer).Bottom, Pos{4, 4}),
			mv("Down", (*Buffer).Down, Pos{4, 4}),
		}},
		{"left and right wrap lines", Pos{1, 0}, []step{
			mv("Left", (*Buffer).Left, Pos{0, 15}),
			mv("Right", (*Buffer).Right, Pos{1, 0}),
			mv("End", (*Buffer).End, Pos{1, 2}),
			mv("Right", (*Buffer).Right, Pos{2, 0}),
			mv("Top", (*Buffer).Top, Pos{0, 0}),
			mv("Left", (*Buffer).Left, Pos{0, 0}),
			mv("Bottom", (*Buffer).Bottom, Pos{4, 4}),
			mv("Right", (*Buffer).Right, Pos{4, 4}),
		}},
		{"home and end", Pos{3, 4}, []step{
			mv("End", (*Buffer).End, Pos{3, 14}),
			mv("Home", (*Buffer).Home, Pos{3, 0}),
		}},
		{"page moves clamp and keep column", Pos{0, 12}, []step{
			mv("PageDown(3)", func(b *Buffer) { b.PageDown(3) }, Pos{3, 12}),
			mv("PageDown(10)", func(b *Buffer) { b.PageDown(10) }, Pos{4, 4}),
			mv("PageUp(2)", func(b *Buffer) { b.PageUp(2) }, Pos{2, 0}),
			mv("PageUp(10)", func(b *Buffer) { b.PageUp(10) }, Pos{0, 12}),
			mv("PageUp(0)", func(b *Buffer) { b.PageUp(0) }, Pos{0, 12}),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(text)
			b.SetCursor(tt.start)
			for i, s := range tt.steps {
				s.move(b)
				if got := b.Cursor(); got != s.want {
					t.Fatalf("step %d %s: Cursor() = %v, want %v", i, s.name, got, s.want)
				}
			}
		})
	}
}

func TestWordMotion(t *testing.T) {
	const text = "foo.bar  baz(#Def, $x)\n  next_word 中文—ok"
	//            0123456789012345678901
	right := []Pos{
		{0, 3}, {0, 4}, {0, 7}, {0, 12}, {0, 13}, {0, 17}, {0, 18}, {0, 21}, {0, 22},
		{1, 0}, {1, 11}, {1, 14}, {1, 15}, {1, 17}, {1, 17},
	}
	left := []Pos{
		{1, 15}, {1, 14}, {1, 12}, {1, 2}, {1, 0}, {0, 22}, {0, 21}, {0, 19}, {0, 17},
		{0, 13}, {0, 12}, {0, 9}, {0, 4}, {0, 3}, {0, 0}, {0, 0},
	}
	b := New(text)
	for i, want := range right {
		b.WordRight()
		if got := b.Cursor(); got != want {
			t.Fatalf("WordRight #%d: Cursor() = %v, want %v", i+1, got, want)
		}
	}
	for i, want := range left {
		b.WordLeft()
		if got := b.Cursor(); got != want {
			t.Fatalf("WordLeft #%d: Cursor() = %v, want %v", i+1, got, want)
		}
	}
}

// TestBursts checks which edits share an undo step: after the steps, each
// Undo must leave the next text in undos, and then nothing is left to undo.
func TestBursts(t *testing.T) {
	type step func(*Buffer, *fakeClock)
	typ := func(s string) step { return func(b *Buffer, _ *fakeClock) { typeText(b, s) } }
	wait := func(d time.Duration) step { return func(_ *Buffer, c *fakeClock) { c.Advance(d) } }
	do := func(f func(*Buffer)) step { return func(b *Buffer, _ *fakeClock) { f(b) } }
	times := func(n int, f func(*Buffer)) step {
		return func(b *Buffer, c *fakeClock) {
			for range n {
				c.Advance(100 * time.Millisecond)
				f(b)
			}
		}
	}
	tests := []struct {
		name  string
		text  string
		steps []step
		undos []string
	}{
		{"quick typing is one step", "", []step{typ("abc")}, []string{""}},
		{"pause splits typing", "", []step{typ("ab"), wait(2 * time.Second), typ("c")}, []string{"ab", ""}},
		{"pause of exactly BurstGap keeps the burst", "", []step{typ("ab"), wait(BurstGap), typ("c")}, []string{""}},
		{"slow typing within the gap keeps the burst", "", []step{
			typ("a"), wait(900 * time.Millisecond), typ("b"), wait(900 * time.Millisecond), typ("c"),
		}, []string{""}},
		{"cursor move ends the burst", "", []step{typ("ab"), do((*Buffer).Left), do((*Buffer).Right), typ("c")}, []string{"ab", ""}},
		{"SetCursor to the same place ends the burst", "", []step{
			typ("ab"), do(func(b *Buffer) { b.SetCursor(b.Cursor()) }), typ("c"),
		}, []string{"ab", ""}},
		{"typing then backspace are two steps", "", []step{typ("abc"), times(2, (*Buffer).Backspace)}, []string{"abc", ""}},
		{"backspaces are one step", "hello", []step{do((*Buffer).End), times(3, (*Buffer).Backspace)}, []string{"hello"}},
		{"backspaces across lines are one step", "ab\ncd", []step{do((*Buffer).Bottom), times(4, (*Buffer).Backspace)}, []string{"ab\ncd"}},
		{"deletes across lines are one step", "ab\ncd", []step{do((*Buffer).Right), times(3, (*Buffer).Delete)}, []string{"ab\ncd"}},
		{"backspace then delete are two steps", "abcd", []step{
			do(func(b *Buffer) { b.SetCursor(Pos{0, 2}) }), do((*Buffer).Backspace), do((*Buffer).Delete),
		}, []string{"acd", "abcd"}},
		{"newline ends the burst", "", []step{typ("ab"), do((*Buffer).Newline), typ("c")}, []string{"ab\n", "ab", ""}},
		{"paste is a step of its own", "", []step{
			typ("ab"), do(func(b *Buffer) { b.Insert("x\ny") }), typ("c"),
		}, []string{"abx\ny", "ab", ""}},
		{"single-line insert joins typing", "", []step{typ("ab"), do(func(b *Buffer) { b.Insert("xyz") })}, []string{""}},
		{"single-line paste is a step of its own", "", []step{
			typ("ab"), do(func(b *Buffer) { b.Paste("xyz") }), typ("c"),
		}, []string{"abxyz", "ab", ""}},
		{"paste with CR newlines is one step", "", []step{
			typ("ab"), do(func(b *Buffer) { b.Paste("x\ry\r\nz\r") }), typ("c"),
		}, []string{"abx\ny\nz\n", "ab", ""}},
		{"replace is a step of its own", "", []step{
			typ("ab"), do(func(b *Buffer) { b.Replace("abq") }), typ("c"),
		}, []string{"abq", "ab", ""}},
		{"undo ends the burst", "", []step{
			typ("ab"), wait(2 * time.Second), typ("c"), do(func(b *Buffer) { b.Undo() }), typ("d"),
		}, []string{"ab", ""}},
		// A Delete leaves the cursor where it was, so only ending the burst
		// keeps the Delete after Undo from joining the older step.
		{"undo ends a burst of deletes", "abcdef", []step{
			do((*Buffer).Delete), wait(2 * time.Second), do((*Buffer).Delete),
			do(func(b *Buffer) { b.Undo() }), do((*Buffer).Delete),
		}, []string{"bcdef", "abcdef"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, c := newTest(tt.text)
			for _, s := range tt.steps {
				s(b, c)
			}
			for i, want := range tt.undos {
				if !b.Undo() {
					t.Fatalf("Undo #%d returned false, want text %q", i+1, want)
				}
				if got := b.Text(); got != want {
					t.Fatalf("after Undo #%d, Text() = %q, want %q", i+1, got, want)
				}
			}
			if b.CanUndo() || b.Undo() {
				t.Errorf("more to undo after %d steps; text %q", len(tt.undos), b.Text())
			}
		})
	}
}

func TestUndoRedoRestoresCursor(t *testing.T) {
	b, c := newTest("x: 1\ny: 2\n")
	b.SetCursor(Pos{0, 4})
	typeText(b, "23")
	c.Advance(2 * time.Second)
	b.SetCursor(Pos{1, 0})
	b.Insert("\t")
	b.Bottom()

	tests := []struct {
		op      func() bool
		text    string
		cur     Pos
		canUndo bool
		canRedo bool
	}{
		{b.Undo, "x: 123\ny: 2\n", Pos{1, 0}, true, true},
		{b.Undo, "x: 1\ny: 2\n", Pos{0, 4}, false, true},
		{b.Redo, "x: 123\ny: 2\n", Pos{0, 6}, true, true},
		{b.Redo, "x: 123\n\ty: 2\n", Pos{1, 1}, true, false},
	}
	for i, tt := range tests {
		if !tt.op() {
			t.Fatalf("step %d: returned false", i)
		}
		if got := b.Text(); got != tt.text {
			t.Errorf("step %d: Text() = %q, want %q", i, got, tt.text)
		}
		if got := b.Cursor(); got != tt.cur {
			t.Errorf("step %d: Cursor() = %v, want %v", i, got, tt.cur)
		}
		if b.CanUndo() != tt.canUndo || b.CanRedo() != tt.canRedo {
			t.Errorf("step %d: CanUndo=%v CanRedo=%v, want %v %v", i, b.CanUndo(), b.CanRedo(), tt.canUndo, tt.canRedo)
		}
	}
	if b.Redo() {
		t.Error("Redo with nothing to redo returned true")
	}
}

func TestUndoRedoMultiLine(t *testing.T) {
	const orig = "a: {\n\tb: 1\n}\n"
	tests := []struct {
		name    string
		edit    func(*Buffer, *fakeClock)
		want    string
		wantCur Pos
		start   Pos
	}{
		{"paste in mid-line", func(b *Buffer, _ *fakeClock) { b.Insert(" 2\n\tc: 中文\n\td:") },
			"a: {\n\tb: 2\n\tc: 中文\n\td: 1\n}\n", Pos{3, 3}, Pos{1, 3}},
		{"paste with trailing newline", func(b *Buffer, _ *fakeClock) { b.Insert("x\ny\n") },
			"a: {\n\tb: 1\n}\nx\ny\n", Pos{5, 0}, Pos{3, 0}},
		{"backspace over lines", func(b *Buffer, c *fakeClock) {
			for range 6 {
				c.Advance(50 * time.Millisecond)
				b.Backspace()
			}
		}, "a: {\n}\n", Pos{0, 4}, Pos{1, 5}},
		{"delete over lines", func(b *Buffer, c *fakeClock) {
			for range 2 {
				c.Advance(50 * time.Millisecond)
				b.Delete()
			}
		}, "a: {b: 1\n}\n", Pos{0, 4}, Pos{0, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, c := newTest(orig)
			b.SetCursor(tt.start)
			tt.edit(b, c)
			if got := b.Text(); got != tt.want {
				t.Fatalf("Text() = %q, want %q", got, tt.want)
			}
			if got := b.Cursor(); got != tt.wantCur {
				t.Errorf("Cursor() = %v, want %v", got, tt.wantCur)
			}
			b.Undo()
			if got := b.Text(); got != orig || b.Cursor() != tt.start {
				t.Errorf("after Undo: Text() = %q at %v, want %q at %v", got, b.Cursor(), orig, tt.start)
			}
			if b.CanUndo() {
				t.Error("edit took more than one undo step")
			}
			b.Redo()
			if got := b.Text(); got != tt.want || b.Cursor() != tt.wantCur {
				t.Errorf("after Redo: Text() = %q at %v, want %q at %v", got, b.Cursor(), tt.want, tt.wantCur)
			}
		})
	}
}

func TestReplace(t *testing.T) {
	tests := []struct {
		name    string
		old     string
		at      Pos
		new     string
		wantCur Pos
	}{
		{"shorter file clamps cursor", "a: 1\nb: 2\nc: 3\n", Pos{2, 3}, "a: 1\n", Pos{1, 0}},
		{"cursor line kept", "a: 1\nb: 2\n", Pos{1, 2}, "a: 1\nbb: 22\n", Pos{1, 2}},
		{"short line clamps column", "abcdef\n", Pos{0, 5}, "ab\n", Pos{0, 2}},
		{"change inside a multi-byte rune", "aé\n", Pos{0, 2}, "aè\n", Pos{0, 2}},
		{"shared leading bytes in different runes", "中", Pos{0, 1}, "丫", Pos{0, 1}},
		{"shared trailing byte in different runes", "xé", Pos{0, 2}, "x©", Pos{0, 2}},
		{"to empty", "x\ny", Pos{1, 1}, "", Pos{0, 0}},
		{"from empty", "", Pos{0, 0}, "x\ny\n", Pos{0, 0}},
		{"repeated text", "aaaa", Pos{0, 4}, "aa", Pos{0, 2}},
		{"insert in the middle of repeats", "a\na\n", Pos{0, 0}, "a\na\na\n", Pos{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := newTest(tt.old)
			b.SetCursor(tt.at)
			b.Replace(tt.new)
			if got := b.Text(); got != tt.new {
				t.Fatalf("Text() = %q, want %q", got, tt.new)
			}
			if got := b.Cursor(); got != tt.wantCur {
				t.Errorf("Cursor() = %v, want %v", got, tt.wantCur)
			}
			if !b.Undo() || b.CanUndo() {
				t.Fatal("Replace is not exactly one undo step")
			}
			if got := b.Text(); got != tt.old || b.Cursor() != tt.at {
				t.Errorf("after Undo: Text() = %q at %v, want %q at %v", got, b.Cursor(), tt.old, tt.at)
			}
			if !b.Redo() {
				t.Fatal("Redo returned false")
			}
			if got := b.Text(); got != tt.new || b.Cursor() != tt.wantCur {
				t.Errorf("after Redo: Text() = %q at %v, want %q at %v", got, b.Cursor(), tt.new, tt.wantCur)
			}
		})
	}

	t.Run("same text is a no-op", func(t *testing.T) {
		b, _ := newTest("a\n")
		v := b.Version()
		b.Replace("a\n")
		if b.CanUndo() || b.Version() != v {
			t.Errorf("Replace with the same text: CanUndo=%v, Version %d->%d", b.CanUndo(), v, b.Version())
		}
	})
}

func TestRedoClearedByNewEdit(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Buffer)
	}{
		{"Insert", func(b *Buffer) { b.Insert("z") }},
		{"Newline", (*Buffer).Newline},
		{"Backspace", (*Buffer).Backspace},
		{"Delete", func(b *Buffer) { b.Top(); b.Delete() }},
		{"Replace", func(b *Buffer) { b.Replace("other") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, c := newTest("")
			typeText(b, "ab")
			c.Advance(2 * time.Second)
			typeText(b, "cd")
			b.Undo()
			if !b.CanRedo() {
				t.Fatal("CanRedo() = false after Undo")
			}
			tt.edit(b)
			if b.CanRedo() || b.Redo() {
				t.Errorf("redo still possible after %s", tt.name)
			}
		})
	}
	t.Run("cursor move keeps redo", func(t *testing.T) {
		b, _ := newTest("")
		typeText(b, "ab")
		b.Undo()
		b.Bottom()
		if !b.Redo() || b.Text() != "ab" {
			t.Errorf("Redo after a cursor move: text %q", b.Text())
		}
	})
}

func TestModified(t *testing.T) {
	b, c := newTest("x: 1\n")
	check := func(step string, want bool) {
		t.Helper()
		if got := b.Modified(); got != want {
			t.Errorf("%s: Modified() = %v, want %v", step, got, want)
		}
	}
	check("new", false)
	b.End()
	check("after a move", false)
	typeText(b, "0")
	check("after typing", true)
	b.Undo()
	check("after undo back to saved", false)
	b.Redo()
	check("after redo", true)
	b.MarkSaved()
	check("after MarkSaved", false)
	b.Undo()
	check("after undo past the save", true)
	b.Redo()
	check("after redo back to the save", false)
	c.Advance(2 * time.Second)
	b.Backspace()
	b.Insert("0")
	check("after retyping the same text", false)
	b.Replace("y: 2\n")
	check("after Replace", true)
	b.MarkSaved()
	check("after MarkSaved of the reload", false)
}

func TestVersion(t *testing.T) {
	b, c := newTest("a\nb\n")
	last := b.Version()
	changes := func(step string, f func()) {
		t.Helper()
		f()
		if v := b.Version(); v <= last {
			t.Errorf("%s: Version() = %d, want more than %d", step, v, last)
		} else {
			last = v
		}
	}
	stays := func(step string, f func()) {
		t.Helper()
		f()
		if v := b.Version(); v != last {
			t.Errorf("%s: Version() = %d, want unchanged %d", step, v, last)
		}
	}
	changes("Insert", func() { b.Insert("x") })
	changes("Insert in the same burst", func() { b.Insert("y") })
	changes("Newline", b.Newline)
	changes("Backspace", b.Backspace)
	changes("Delete", b.Delete)
	changes("Undo", func() { b.Undo() })
	changes("Redo", func() { b.Redo() })
	changes("Replace", func() { b.Replace("z") })
	stays("moves", func() {
		b.Left()
		b.Right()
		b.Up()
		b.Down()
		b.Home()
		b.End()
		b.WordLeft()
		b.WordRight()
		b.PageUp(3)
		b.PageDown(3)
		b.Top()
		b.Bottom()
		b.SetCursor(Pos{0, 0})
	})
	stays("no-op edits", func() {
		b.Backspace()
		b.Insert("")
		b.Replace(b.Text())
		c.Advance(time.Hour)
		b.MarkSaved()
	})
	stays("Undo and Redo with nothing to do", func() {
		b2, _ := newTest("q")
		b2.Undo()
		b2.Redo()
		if b2.Version() != 0 {
			t.Errorf("fresh buffer: Version() = %d after empty Undo/Redo", b2.Version())
		}
	})
}

func TestUnicodeColumns(t *testing.T) {
	b, _ := newTest("a—中文b\nx—y\n")
	b.End()
	if got := b.Cursor(); got != (Pos{0, 5}) {
		t.Fatalf("End on %q: Cursor() = %v, want {0 5}", b.Line(0), got)
	}
	b.Left()
	b.Backspace()
	if got := b.Line(0); got != "a—中b" {
		t.Fatalf("Backspace deleted the wrong rune: line %q", got)
	}
	b.Insert("字")
	if got, cur := b.Line(0), b.Cursor(); got != "a—中字b" || cur != (Pos{0, 4}) {
		t.Fatalf("after Insert: line %q at %v, want \"a—中字b\" at {0 4}", got, cur)
	}
	b.Down()
	if got := b.Cursor(); got != (Pos{1, 3}) {
		t.Errorf("Down onto %q: Cursor() = %v, want {1 3}", b.Line(1), got)
	}
	b.Up()
	if got := b.Cursor(); got != (Pos{0, 4}) {
		t.Errorf("Up back: Cursor() = %v, want {0 4}", got)
	}
	b.SetCursor(Pos{1, 1})
	b.Delete()
	if got := b.Line(1); got != "xy" {
		t.Errorf("Delete on \"—\": line %q, want \"xy\"", got)
	}
	b.SetCursor(Pos{0, 2})
	b.Newline()
	if got := b.Text(); got != "a—\n中字b\nxy\n" {
		t.Errorf("Newline after \"—\": Text() = %q", got)
	}
}

// TestRandomUndoRedo applies random edits and moves, then checks that
// undoing everything gives back the original text and redoing everything
// gives the final text again, passing through the same texts both ways.
func TestRandomUndoRedo(t *testing.T) {
	pieces := []string{"a", "b", " ", "\t", "—", "中", "文", "é", "x: 1", "\n", "{\n\t", "\n\n", "}\n", "\r\n", "a\rb", "\x1b[1m"}
	for seed := range uint64(20) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 0x1adde7))
			const orig = "a: {\n\tb: \"中文\"\n}\n"
			b, c := newTest(orig)
			version := b.Version()
			for step := range 400 {
				if r.IntN(4) == 0 {
					c.Advance(time.Duration(r.IntN(1500)) * time.Millisecond)
				}
				switch op := r.IntN(22); {
				case op < 5:
					b.Insert(pieces[r.IntN(len(pieces))])
				case op < 6:
					b.Paste(pieces[r.IntN(len(pieces))] + pieces[r.IntN(len(pieces))])
				case op < 9:
					b.Backspace()
				case op < 11:
					b.Delete()
				case op < 12:
					b.Newline()
				case op < 13:
					b.Left()
				case op < 14:
					b.Right()
				case op < 15:
					b.Up()
				case op < 16:
					b.Down()
				case op < 17:
					b.WordLeft()
				case op < 18:
					b.WordRight()
				case op < 19:
					b.SetCursor(Pos{r.IntN(b.LineCount() + 2), r.IntN(12)})
				case op < 20:
					b.Home()
				case op < 21:
					b.End()
				default:
					text := b.Text()
					i, j := r.IntN(len(text)+1), r.IntN(len(text)+1)
					i, j = min(i, j), max(i, j)
					// Cut at byte offsets; keep the result valid UTF-8.
					text = strings.ToValidUTF8(text[:i]+pieces[r.IntN(len(pieces))]+text[j:], "?")
					b.Replace(text)
				}
				checkInvariants(t, b, step)
				if b.Version() < version {
					t.Fatalf("step %d: Version went down from %d to %d", step, version, b.Version())
				}
				version = b.Version()
			}
			final := b.Text()

			var texts []string
			for b.CanUndo() {
				texts = append(texts, b.Text())
				b.Undo()
				checkInvariants(t, b, -1)
			}
			if got := b.Text(); got != orig {
				t.Fatalf("after undoing everything, Text() = %q, want %q", got, orig)
			}
			for i := len(texts) - 1; i >= 0; i-- {
				if !b.Redo() {
					t.Fatalf("Redo returned false with %d steps left", i+1)
				}
				if got := b.Text(); got != texts[i] {
					t.Fatalf("redo passes through %q, undo passed through %q", got, texts[i])
				}
				checkInvariants(t, b, -1)
			}
			if b.CanRedo() {
				t.Error("more to redo after redoing everything")
			}
			if got := b.Text(); got != final {
				t.Fatalf("after redoing everything, Text() = %q, want %q", got, final)
			}
		})
	}
}

// checkInvariants checks that the cursor is inside the text and that the
// lines agree with the text.
func checkInvariants(t *testing.T, b *Buffer, step int) {
	t.Helper()
	cur := b.Cursor()
	if cur.Line < 0 || cur.Line >= b.LineCount() || cur.Col < 0 || cur.Col > len([]rune(b.Line(cur.Line))) {
		t.Fatalf("step %d: cursor %v outside the text %q", step, cur, b.Text())
	}
	if n := strings.Count(b.Text(), "\n") + 1; n != b.LineCount() {
		t.Fatalf("step %d: LineCount() = %d, text has %d lines", step, b.LineCount(), n)
	}
	if joined := strings.Join(lines(b), "\n"); b.Text() != joined {
		t.Fatalf("step %d: Text() = %q, the lines joined are %q", step, b.Text(), joined)
	}
}
