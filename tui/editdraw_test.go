package tui

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/tui/editbuf"
)

// styledCells returns a styled line as its cells: each grapheme with the
// SGR sequences in force where it is drawn, so that two renderings of a
// line compare by what they show, not by how their escapes are placed.
func styledCells(s string) []string {
	var out []string
	var sgr []string
	p := ansi.NewParser()
	state := byte(0)
	for len(s) > 0 {
		seq, w, n, newState := ansi.DecodeSequence(s, state, p)
		state = newState
		switch {
		case w > 0:
			out = append(out, strings.Join(sgr, ";")+"|"+seq)
			for range w - 1 {
				out = append(out, strings.Join(sgr, ";")+"|")
			}
		case ansi.HasCsiPrefix(seq) && strings.HasSuffix(seq, "m"):
			params := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(seq, "\x1b["), "\x9b"), "m")
			if params == "" || params == "0" {
				sgr = sgr[:0]
			} else {
				sgr = append(sgr, params)
			}
		}
		s = s[n:]
	}
	return out
}

// windowed draws every line of a text as the editor does, in windows of
// three lines, each from the scanner's state at its first line, cut to
// cells [left, left+w).
func windowed(text string, left, w int, st syntaxStyles) []string {
	f := &openFile{buf: editbuf.New(text)}
	var out []string
	for top := 0; top < f.buf.LineCount(); top += 3 {
		out = append(out, f.window(st, top, 3, left, w)...)
	}
	return out
}

// highlightCases are CUE texts whose colors depend on lines above or on
// columns to the left: multi-line strings, raw strings, interpolations,
// comments holding quotes.
var highlightCases = []string{
	"a: 1\nb: \"x\" // \"\"\" not a string\nc: 2\n",
	"doc: \"\"\"\n\tline one\n\t\"quoted\" and 'single'\n\tx: 1 // not a comment\n\t\"\"\"\nafter: 1\n",
	"raw: #\"\"\"\n\t\"\"\" is not the end\n\t\\(not) an interpolation\n\t\\#(x) is one\n\t\"\"\"#\nafter: true\n",
	"b: '''\n\tbytes \\x41\n\t'''\nc: 3\n",
	"i: \"\"\"\n\tvalue \\(x +\n\t\t(y * 2)) and \\(\"inner \\(z) string\") end\n\t\"\"\"\nnext: \"s\"\n",
	"s: \"one \\(a) two \\(b) three\"\nt: #\"raw \\#(c) \"quote\" \"#\nu: \"esc \\\" quote\"\nv: \"\\\\\"\n",
	"bad: \"\"\"not a newline\nok: 1\nunterminated: \"abc\nnext: 2\n",
	"empty: \"\"\nrawempty: #\"\"#\nquote: #\"\"\"#\nx: #\"\"a\"#\ny: 5\n",
	"nested: \"\"\"\n\t\\(\"\"\"\n\t\tinner\n\t\t\"\"\")\n\t\"\"\"\nz: 1\n",
	"m: \"\"\"\n\tab \"\"\" not the end\n\t\"\"\"\nz: 1\n",
	"indented: {\n\tdoc: \"\"\"\n\t\t  \"\"\" closes\n\t\t\"\"\"\n\tw: 1\n}\n",
	"#Def: {\n\tf?: int & >=1 @go(F)\n\t_#h: \"x\"\n\tg: [...string]\n}\n",
}

// TestWindowedColorsEqualWholeText draws CUE texts a line at a time, as
// the editor does, and holds them equal to the whole text colored at once:
// the CUE files of the repository and texts whose colors hang on what
// comes before.
func TestWindowedColorsEqualWholeText(t *testing.T) {
	st := newStyles(true).syntax
	texts := map[string]string{}
	for i, c := range highlightCases {
		texts[fmt.Sprint("case-", i)] = c
	}
	root := os.DirFS("..")
	for _, dir := range []string{"cue/revisions", "testdata/autonomy/cue/revisions", "starter/cue/revisions"} {
		fs.WalkDir(root, dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && path.Ext(p) == ".cue" {
				data, _ := fs.ReadFile(root, p)
				texts[p] = string(data)
			}
			return nil
		})
	}
	// Lines longer than what the editor scans exactly before a cut.
	var long strings.Builder
	long.WriteString("long: {")
	for i := 0; long.Len() < 5000; i++ {
		fmt.Fprintf(&long, `f%d: "s \(x%d) \\ \"q\"", r%d: #"raw "\#(y)" "#, g%d: >=%d & <=%d, `, i, i, i, i, i, i+9)
	}
	long.WriteString("} // a comment \"\"\"\n")
	texts["long-line"] = long.String()
	// Strings across the lines where the editor keeps the scanner's state.
	var across strings.Builder
	for i := range 3 * lexEvery {
		switch {
		case i%lexEvery == lexEvery-5:
			fmt.Fprintf(&across, "doc%d: \"\"\"\n", i)
		case i%lexEvery == 5 && i > lexEvery:
			across.WriteString("\t\"\"\"\n")
		default:
			fmt.Fprintf(&across, "\tf%d: \"x\" // %d\n", i, i)
		}
	}
	texts["across-checkpoints"] = across.String()
	texts["long-string"] = "s: \"" + strings.Repeat("a \\(x) ", 700) + "\"\nt: 1\n"
	if len(texts) < len(highlightCases)+20 {
		t.Fatalf("only %d texts", len(texts))
	}
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			want := highlight(text, st)
			for _, cut := range [][2]int{{0, 1000}, {3, 12}, {7, 20}, {9, 30}, {2000, 40}, {4321, 17}} {
				left, w := cut[0], cut[1]
				got := windowed(text, left, w, st)
				for i := range got {
					wc, gc := styledCells(ansi.Cut(want[i], left, left+w)), styledCells(got[i])
					if strings.Join(wc, "\x00") != strings.Join(gc, "\x00") {
						t.Errorf("cells [%d, %d) of line %d differ:\nwhole text: %q\nwindowed:   %q", left, left+w, i+1, wc, gc)
					}
				}
			}
		})
	}
}

// TestDrawnCells draws lines with tabs, wide characters and controls at
// several horizontal scrolls: each character is where displayCol says,
// a wide character that the edge cuts shows as a space, a control as its
// picture, and no row is wider than the pane.
func TestDrawnCells(t *testing.T) {
	st := newStyles(true).syntax
	tests := []struct {
		line    string
		left, w int
		want    string
	}{
		{"\tx: 1", 0, 10, "    x: 1"},
		{"\tx: 1", 2, 10, "  x: 1"},
		{"a中b", 0, 10, "a中b"},
		{"a中b", 2, 10, " b"},
		{"a中b", 0, 2, "a "},
		{"a: \"中文\"", 4, 2, "中"},
		{"a: \"中文\"", 5, 2, "  "},
		{"x: 1\r", 0, 10, "x: 1␍"},
		{"x: \"\x1b[31m\"", 0, 20, "x: \"␛[31m\""},
		{"x: \"\u202e\x7f\"", 0, 20, "x: \"\ufffd␡\""},
		{"x: \"a\xffb\"", 0, 20, "x: \"a\ufffdb\""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q@%d+%d", tt.line, tt.left, tt.w), func(t *testing.T) {
			got := drawLine(tt.line, lexState{}, tt.left, tt.w, st)
			if plain := ansi.Strip(got); plain != tt.want {
				t.Errorf("drawn %q, want %q", plain, tt.want)
			}
			if w := ansi.StringWidth(got); w > tt.w {
				t.Errorf("%d cells wide, more than %d", w, tt.w)
			}
		})
	}
	// Each rune column is drawn at its display column.
	line := "\ta中\x1bé文\tz"
	for col, r := range []rune(line) {
		x := displayCol(line, col)
		cell := ansi.Strip(drawLine(line, lexState{}, x, 2, st))
		want := string(r)
		switch {
		case r == '\t':
			want = "  "
		case r == 0x1b:
			want = "␛"
		}
		if !strings.HasPrefix(cell, want) {
			t.Errorf("rune %d (%q) at display column %d: drawn %q", col, r, x, cell)
		}
	}
}

// TestWindowsAfterEdits edits a text with multi-line strings at random,
// opening and closing them, and draws windows of it after each edit: each
// is what a fresh draw of the same text gives, so no state kept from
// before an edit is used after it.
func TestWindowsAfterEdits(t *testing.T) {
	st := newStyles(true).syntax
	var text strings.Builder
	for i := range 3 * lexEvery {
		if i%50 == 7 {
			text.WriteString("doc: \"\"\"\n")
		} else {
			fmt.Fprintf(&text, "\tf%d: \"x\" // %d\n", i, i)
		}
	}
	pieces := []string{"\"\"\"\n", "\t\"\"\"\n", "\"", "x", "\n", "// ", "\\("}
	r := rand.New(rand.NewPCG(1, 2))
	f := &openFile{buf: editbuf.New(text.String())}
	for step := range 300 {
		line := r.IntN(f.buf.LineCount())
		if r.IntN(2) == 0 {
			// The line above a line whose state is kept.
			line = (1+r.IntN(2))*lexEvery - 1
		}
		f.buf.SetCursor(editbuf.Pos{Line: line, Col: r.IntN(12)})
		switch r.IntN(3) {
		case 0:
			f.buf.Backspace()
		default:
			f.buf.Insert(pieces[r.IntN(len(pieces))])
		}
		top := r.IntN(f.buf.LineCount())
		if r.IntN(2) == 0 {
			top = lexEvery + r.IntN(lexEvery+20)
		}
		got := f.window(st, top, 10, 0, 80)
		fresh := &openFile{buf: editbuf.New(f.buf.Text())}
		if want := fresh.window(st, top, 10, 0, 80); !slices.Equal(got, want) {
			t.Fatalf("step %d: the window at line %d differs from a fresh draw:\n%q\n%q", step, top+1, got, want)
		}
	}
}
