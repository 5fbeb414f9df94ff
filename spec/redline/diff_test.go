package redline

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// marked returns a line's text with its changed words in brackets.
func marked(l Line) string {
	var b strings.Builder
	pos := 0
	for _, s := range l.Words {
		b.WriteString(l.Text[pos:s.Start] + "[" + l.Text[s.Start:s.End] + "]")
		pos = s.End
	}
	b.WriteString(l.Text[pos:])
	return b.String()
}

func TestDiff(t *testing.T) {
	lines := func(n int, f func(i int) string) string {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			b.WriteString(f(i) + "\n")
		}
		return b.String()
	}
	plain := func(i int) string { return fmt.Sprintf("line %d", i) }
	for _, tc := range []struct {
		name string
		a, b string
		want []string // per hunk: header, then op+marked text for each line
	}{
		{name: "equal", a: "x\n", b: "x\n"},
		{name: "one word", a: "a: >=3\n", b: "a: >=7\n", want: []string{"@@ -1 +1 @@", "-a: >=[3]", "+a: >=[7]"}},
		{
			name: "context of three",
			a:    lines(10, plain),
			b:    lines(10, func(i int) string { return map[bool]string{true: "LINE 5", false: plain(i)}[i == 5] }),
			want: []string{"@@ -2,7 +2,7 @@", " line 2", " line 3", " line 4", "-[line] 5", "+[LINE] 5", " line 6", " line 7", " line 8"},
		},
		{
			name: "two hunks far apart",
			a:    lines(20, plain),
			b:    lines(20, func(i int) string { return map[bool]string{true: "x", false: plain(i)}[i == 1 || i == 20] }),
			want: []string{"@@ -1,4 +1,4 @@", "-[line 1]", "+[x]", " line 2", " line 3", " line 4",
				"@@ -17,4 +17,4 @@", " line 17", " line 18", " line 19", "-[line 20]", "+[x]"},
		},
		{
			name: "changes close together share a hunk",
			a:    lines(10, plain),
			b:    lines(10, func(i int) string { return map[bool]string{true: "x", false: plain(i)}[i == 3 || i == 8] }),
			want: []string{"@@ -1,10 +1,10 @@", " line 1", " line 2", "-[line 3]", "+[x]", " line 4", " line 5", " line 6", " line 7", "-[line 8]", "+[x]", " line 9", " line 10"},
		},
		{name: "insertion only", a: "a\nb\n", b: "a\nnew\nb\n", want: []string{"@@ -1,2 +1,3 @@", " a", "+new", " b"}},
		{name: "deletion only", a: "a\nold\nb\n", b: "a\nb\n", want: []string{"@@ -1,3 +1,2 @@", " a", "-old", " b"}},
		{name: "new file", a: "", b: "a\nb\n", want: []string{"@@ -0,0 +1,2 @@", "+a", "+b"}},
		{name: "removed file", a: "a\n", b: "", want: []string{"@@ -1 +0,0 @@", "-a"}},
		{name: "no newline at the end", a: "a\nb", b: "a\nb\n", want: []string{"@@ -1,2 +1,2 @@", " a", "-b", "+b"}},
		{
			name: "a block of two lines replaced by one",
			a:    "title: \"Wakes twice a day\"\nrequire: x: <=2\n",
			b:    "title: \"Wakes once a day\"\n",
			want: []string{"@@ -1,2 +1 @@", "-title: \"Wakes [twice] a day\"", "-[require: x: <=2]", "+title: \"Wakes [once] a day\""},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, h := range Diff(tc.a, tc.b, Context) {
				got = append(got, h.Header())
				for _, l := range h.Lines {
					got = append(got, string(l.Op)+marked(l))
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestUnifiedApplies checks that patch turns the old text into the new one
// with the diff that Unified writes.
func TestUnifiedApplies(t *testing.T) {
	if _, err := exec.LookPath("patch"); err != nil {
		t.Skip("patch is not installed")
	}
	a := "package x\n\na: >=3\nb: \"one\"\n\n// a comment\nc: true\nd: 1\ne: 2\nf: 3\ng: 4\nh: 5\ni: 6\nj: 7"
	b := "package x\n\na: >=5\nb: \"one\" | \"two\"\n\nc: true\nd: 1\ne: 2\nf: 3\ng: 4\nh: 5\ni: 6\nj: 8\nk: 9\n"
	dir := t.TempDir()
	name := filepath.Join(dir, "x.cue")
	if err := os.WriteFile(name, []byte(a), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("patch", "-s", name)
	cmd.Stdin = strings.NewReader(Unified("a/x.cue", "b/x.cue", Diff(a, b, Context)))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch: %v: %s", err, out)
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != b {
		t.Errorf("patched:\n%q\nwant\n%q", got, b)
	}
}

func TestRenderWraps(t *testing.T) {
	old := "\t\ttitle: \"Declares which decisions are the user's, which need authorisation and which it takes itself\""
	hunks := Diff(old+"\n", "\t\ttitle: \"Declares which decisions are the user's alone, which need authorisation and which it takes itself\"\n", Context)
	squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
	for _, side := range []bool{false, true} {
		for _, width := range []int{20, 41, 80, 200} {
			rows := Render("old/x.cue", "new/x.cue", hunks, Options{Width: width, SideBySide: side, Styles: ColorStyles()})
			var text strings.Builder
			inHunk := false
			for _, r := range rows {
				if w := ansi.StringWidth(r); w > width {
					t.Errorf("side by side %v, width %d: row %q is %d wide", side, width, r, w)
				}
				plain := ansi.Strip(r)
				if strings.HasPrefix(plain, "@@") {
					inHunk = true
					continue
				}
				if !inHunk {
					continue
				}
				// Keep the text of the old line: the left half, after
				// the line number and op, or the rows after the op.
				if left, _, ok := strings.Cut(plain, "│"); ok {
					plain = left
					plain = plain[min(len(plain), 6):]
				} else if plain[0] == '-' {
					plain = plain[1:]
				} else {
					continue
				}
				text.WriteString(plain)
			}
			// Nothing is cut: the old line is all there, in order.
			if got := squeeze(text.String()); got != squeeze(old) {
				t.Errorf("side by side %v, width %d: old line reads\n%s\nwant\n%s", side, width, got, squeeze(old))
			}
		}
	}
	// Without color, the changed words are marked in the text.
	rows := Render("x.cue", "x.cue", hunks, Options{Width: 200, Styles: PlainStyles()})
	if got := strings.Join(rows, "\n"); !strings.Contains(got, "user's{+ alone+},") {
		t.Errorf("no word mark in\n%s", got)
	}
}

// TestRenderShowsControls: what a file or a file's name holds that a
// terminal would obey (an escape sequence, a carriage return, a C1 control,
// a bidirectional override) is drawn as a visible stand-in, and counts in
// the width; a width beyond the widest layout is drawn at the widest.
func TestRenderShowsControls(t *testing.T) {
	old := "title: \"plain\"\n"
	nw := "title: \"\x1b]52;c;ZXZpbA==\x07 \x1b[31mred\r \u009b2J \u202eevil\x7f\"\n"
	hunks := Diff(old, nw, Context)
	for _, side := range []bool{false, true} {
		for _, width := range []int{20, 80, 2147483647} {
			rows := Render("x\x1b[2J.cue", "x\x1b[2J.cue", hunks, Options{Width: width, SideBySide: side, Styles: PlainStyles()})
			all := strings.Join(rows, "\n")
			if strings.ContainsAny(all, "\x1b\r\x07\x7f\u009b\u202e") {
				t.Errorf("side by side %v, width %d: a control reaches the rows:\n%q", side, width, all)
			}
			for _, want := range []string{"x␛[2J.cue", "␛]52;c;ZXZpbA==␇", "␛[31mred␍", "\ufffd2J", "\ufffdevil␡"} {
				if !strings.Contains(squeezeRows(rows), want) {
					t.Errorf("side by side %v, width %d: %q is not shown in\n%s", side, width, want, all)
				}
			}
			for _, r := range rows {
				if w := ansi.StringWidth(r); w > min(width, 1000) {
					t.Errorf("side by side %v, width %d: row %q is %d wide", side, width, r, w)
				}
			}
		}
	}
}

// squeezeRows joins the text of rows, without the line numbers, bars and
// ops of a layout, nor spaces.
func squeezeRows(rows []string) string {
	var b strings.Builder
	for _, r := range rows {
		for _, f := range strings.Fields(r) {
			b.WriteString(strings.Trim(f, "│+-0123456789"))
		}
	}
	return b.String()
}
