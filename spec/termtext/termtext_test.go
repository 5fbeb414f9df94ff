package termtext

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile are strings such as a device record or a file name may hold,
// each with what Line makes of it.
var hostile = []struct{ in, line string }{
	{"plain ASCII", "plain ASCII"},
	{"中文 名称 👍🏽 e\u0301", "中文 名称 👍🏽 e\u0301"},
	{"joined 👩\u200d💻 and\u200cnot", "joined 👩\u200d💻 and\u200cnot"},
	{"red \x1b[31mname\x1b[0m", "red ␛[31mname␛[0m"},
	{"clip \x1b]52;c;ZXZpbA==\x07", "clip ␛]52;c;ZXZpbA==␇"},
	{"title \x1b]0;pwned\x1b\\", "title ␛]0;pwned␛\\"},
	{"over\rwrite", "over␍write"},
	{"two\nlines\ttab", "two␊lines␉tab"},
	{"csi \u009b2J", "csi \ufffd2J"},
	{"nel \u0085 del \x7f", "nel \ufffd del ␡"},
	{"bidi \u202egnp.exe", "bidi \ufffdgnp.exe"},
	{"isolate \u2066x\u2069", "isolate \ufffdx\ufffd"},
	{"zwsp\u200bbom\ufeff", "zwsp\ufffdbom\ufffd"},
	{"sep\u2028para\u2029", "sep\ufffdpara\ufffd"},
	{"bad \xff\xfe utf8 \xe2\x82", "bad \ufffd\ufffd utf8 \ufffd\ufffd"},
	{"nul\x00", "nul␀"},
}

// unsafe reports the first character of s that a terminal would obey or
// not show, other than the newlines and tabs that text keeps.
func unsafe(s string, text bool) (rune, bool) {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return r, true
			}
		}
		if text && (r == '\n' || r == '\t') {
			continue
		}
		if !Shows(r) {
			return r, true
		}
	}
	return 0, false
}

func TestLine(t *testing.T) {
	for _, tc := range hostile {
		got := Line(tc.in)
		if got != tc.line {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.line)
		}
		if r, bad := unsafe(got, false); bad {
			t.Errorf("Line(%q) keeps %U", tc.in, r)
		}
		if strings.ContainsAny(got, "\x1b\r\n\x07") {
			t.Errorf("Line(%q) = %q keeps a control", tc.in, got)
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range hostile {
		got := Text(tc.in)
		// Text keeps the line breaks and tabs that Line shows.
		want := strings.NewReplacer("␊", "\n", "␉", "\t").Replace(tc.line)
		if got != want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, want)
		}
		if r, bad := unsafe(got, true); bad {
			t.Errorf("Text(%q) keeps %U", tc.in, r)
		}
	}
}

// TestNoCopy: text with nothing to replace is returned as it is.
func TestNoCopy(t *testing.T) {
	s := strings.Repeat("Lumen S9 · 中文 ", 100)
	if n := testing.AllocsPerRun(100, func() { Line(s); Text(s) }); n != 0 {
		t.Errorf("%v allocations for clean text, want 0", n)
	}
}

// TestStandInsAreOneCell: every stand-in is one character, so that a layout
// counted in characters holds.
func TestStandInsAreOneCell(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		if s := StandIn(r, utf8.RuneLen(r)); s != "" && utf8.RuneCountInString(s) != 1 {
			t.Errorf("the stand-in of %U is %q", r, s)
		}
		if (StandIn(r, utf8.RuneLen(r)) == "") != (Shows(r)) {
			t.Errorf("%U: Shows %v, stand-in %q", r, Shows(r), StandIn(r, utf8.RuneLen(r)))
		}
	}
}

// TestWriter writes hostile text cut at every byte, and gets what Text
// makes of it whole.
func TestWriter(t *testing.T) {
	var all strings.Builder
	for _, tc := range hostile {
		all.WriteString(tc.in + "\n")
	}
	in := all.String()
	want := Text(in)
	for _, step := range []int{1, 2, 3, 5, 7, 64, len(in)} {
		var out bytes.Buffer
		w := NewWriter(&out)
		for p := in; p != ""; {
			n := min(step, len(p))
			if k, err := w.Write([]byte(p[:n])); k != n || err != nil {
				t.Fatalf("step %d: Write = %d, %v", step, k, err)
			}
			p = p[n:]
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Errorf("written %d bytes at a time:\n got %q\nwant %q", step, out.String(), want)
		}
	}
	// A character that no write ends is flushed as stand-ins.
	var out bytes.Buffer
	w := NewWriter(&out)
	w.Write([]byte("end \xe2\x82"))
	w.Flush()
	if out.String() != "end \ufffd\ufffd" {
		t.Errorf("flushed %q", out.String())
	}
}

// failing is a writer that fails.
type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestWriterFails(t *testing.T) {
	w := NewWriter(failing{})
	for _, s := range []string{"clean", "\x1b[31m"} {
		if _, err := w.Write([]byte(s)); err == nil {
			t.Errorf("writing %q to a failing writer reports no error", s)
		}
	}
}
