package tui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/ladderworks/ladder/spec/termtext"
)

// maxScreen is the most cells a row and the most rows the workbench draws:
// a bigger terminal (or one that says so) shows the screen in its top left
// corner.
const maxScreen = 1000

// screenSize is a terminal's width or height as the workbench draws it,
// from 0 to maxScreen.
func screenSize(n int) int { return min(max(n, 0), maxScreen) }

// safeScreen is the last guard of the rule that text from data never
// reaches the terminal as control sequences. The views make every text
// from data safe as they draw it (termtext.Line), which keeps their
// layouts true; the screen they make together holds then nothing but text,
// newlines and the SGR sequences of the workbench's own styles. Should a
// text escape that (a view that forgot one), safeScreen drops from the
// screen every other escape sequence (OSC, such as OSC 52 which writes the
// clipboard, DCS, a CSI that moves the cursor or clears), control (a
// carriage return, a C1 control) and character that a terminal does not
// show (a bidirectional override), all of them zero cells wide, so that
// no row changes width. A screen with nothing to drop, the rule, is
// returned as it is after a walk through its bytes.
func safeScreen(s string) string {
	if screenIsSafe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	var state byte
	for rest := s; rest != ""; {
		seq, w, n, next := ansi.DecodeSequence(rest, state, nil)
		state = next
		rest = rest[n:]
		switch {
		case seq == "\n", isSGR(seq):
			b.WriteString(seq)
		case w > 0 || seq != "" && seq[0] >= utf8.RuneSelf:
			// Text: what does not show goes, and so does a byte that is
			// not UTF-8, which ansi measures as no cell.
			for i := 0; i < len(seq); {
				r, size := utf8.DecodeRuneInString(seq[i:])
				if (r != utf8.RuneError || size > 1) && termtext.Shows(r) {
					b.WriteString(seq[i : i+size])
				}
				i += size
			}
		}
	}
	return b.String()
}

// screenIsSafe reports whether a screen holds nothing but text that shows,
// newlines and SGR sequences.
func screenIsSafe(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n' || c >= ' ' && c < 0x7f:
			i++
		case c == ansi.ESC:
			n := sgrLen(s[i:])
			if n == 0 {
				return false
			}
			i += n
		case c < utf8.RuneSelf:
			return false
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || !termtext.Shows(r) {
				return false
			}
			i += size
		}
	}
	return true
}

// isSGR reports whether seq is one SGR sequence, ESC [ params m.
func isSGR(seq string) bool { return seq != "" && sgrLen(seq) == len(seq) }

// sgrLen returns the length of the SGR sequence that s starts with, or 0.
func sgrLen(s string) int {
	if len(s) < 3 || s[0] != ansi.ESC || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s); i++ {
		switch c := s[i]; {
		case c == 'm':
			return i + 1
		case c >= '0' && c <= '9' || c == ';' || c == ':':
		default:
			return 0
		}
	}
	return 0
}
