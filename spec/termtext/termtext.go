// Package termtext makes text that comes from data safe to show on a
// terminal. A device's name, a file's name, a CUE title or an error that
// quotes them may hold bytes that a terminal obeys instead of showing: an
// escape sequence that colors, moves the cursor, rewrites the window's
// title or the clipboard (OSC 52), a carriage return that draws over what
// was written, a bidirectional override that shows text in another order.
// Ladder's rule is that text from data never reaches the terminal as
// control sequences: every front end passes it through Line or Text (or a
// Writer) before it is shown, and every such character is replaced by a
// visible stand-in of one cell, so that what is shown is all there is, and
// a layout measured on the result holds.
//
// What a terminal does not show as text (Shows reports false):
//
//   - the C0 controls U+0000 to U+001F (such as ESC, BEL, CR, and tab and
//     newline where they are not meant), and DEL;
//   - the C1 controls U+0080 to U+009F (such as CSI, U+009B, which some
//     terminals obey as ESC [);
//   - the format characters (Unicode's Cf), such as the bidirectional
//     overrides and isolates (U+202A to U+202E, U+2066 to U+2069), the
//     zero-width space and the byte order mark, but not the zero-width
//     joiner and non-joiner, which join visible characters;
//   - the line and paragraph separators U+2028 and U+2029;
//   - bytes that are not UTF-8.
//
// The stand-in of a C0 control or DEL is its picture (␛ for ESC, ␍ for CR,
// ␉ for a tab, ␊ for a newline, ␡ for DEL); of anything else, U+FFFD (�).
// The workbench's editor draws a file's text with the same stand-ins, and
// drops the same characters from what is typed or pasted (editbuf.Clean).
package termtext

import (
	"io"
	"unicode"
	"unicode/utf8"
)

// Shows reports whether a terminal shows the rune r as text: r is not a
// control (tab and newline included), a format character but the
// zero-width joiner and non-joiner, or a line or paragraph separator.
func Shows(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f:
		return false // C0 controls and DEL
	case r < utf8.RuneSelf:
		return true
	case r <= 0x9f:
		return false // C1 controls
	case r == 0x200c || r == 0x200d:
		return true // the zero-width non-joiner and joiner
	case r == 0x2028 || r == 0x2029:
		return false
	}
	return !unicode.Is(unicode.Cf, r)
}

// StandIn returns what is shown instead of the rune r, decoded from size
// bytes, when a terminal would not show it: the picture of a C0 control or
// of DEL, or U+FFFD for anything else (a byte that is not UTF-8 decodes as
// utf8.RuneError of size 1); and "" when r shows as it is.
func StandIn(r rune, size int) string {
	switch {
	case r < 0x20:
		return string(0x2400 + r) // ␀ to ␟
	case r == 0x7f:
		return "\u2421" // ␡
	case r < utf8.RuneSelf:
		return ""
	case r == utf8.RuneError && size == 1, !Shows(r):
		return "\ufffd"
	}
	return ""
}

// Line returns s as one line to show on a terminal: every character that
// a terminal does not show as text, tab and newline included, is replaced
// by its stand-in (StandIn). Use it for a name, an ID, a value, a title:
// anything shown in a field or a row. A string with nothing to replace is
// returned as it is, without a copy.
func Line(s string) string { return clean(s, false) }

// Text is Line for text of several lines, such as an error message: tabs
// and newlines are kept, every other character that a terminal does not
// show is replaced by its stand-in.
func Text(s string) string { return clean(s, true) }

// clean replaces what a terminal does not show, keeping tabs and newlines
// if breaks is set.
func clean(s string, breaks bool) string {
	i := safePrefix(s, breaks)
	if i == len(s) {
		return s
	}
	out := make([]byte, 0, len(s)+16)
	for {
		out = append(out, s[:i]...)
		s = s[i:]
		if s == "" {
			return string(out)
		}
		r, size := utf8.DecodeRuneInString(s)
		out = append(out, StandIn(r, size)...)
		s = s[size:]
		i = safePrefix(s, breaks)
	}
}

// safePrefix returns the length in bytes of the longest prefix of s that
// shows as it is.
func safePrefix(s string, breaks bool) int {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && !(breaks && (c == '\t' || c == '\n')) || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || !Shows(r) {
			return i
		}
		i += size
	}
	return i
}

// Writer passes what is written to it on to another writer as Text makes
// it: tabs and newlines are kept, every other character that a terminal
// does not show is replaced by its stand-in. A character split between two
// writes is kept whole; Flush writes what is left of one at the end. It is
// for what goes to a terminal as a whole: messages on stderr, a data
// format (JSON, CSV) that a user reads on a terminal.
type Writer struct {
	w       io.Writer
	partial []byte // the start of a character that the next write ends
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write writes p as Text makes it. It reports len(p) written when what
// it wrote to the writer underneath was all written.
func (w *Writer) Write(p []byte) (int, error) {
	n := len(p)
	if len(w.partial) > 0 {
		// End the character begun by the last write, or find that it
		// is not one.
		for len(p) > 0 && !utf8.FullRune(w.partial) {
			w.partial = append(w.partial, p[0])
			p = p[1:]
		}
		if !utf8.FullRune(w.partial) {
			return n, nil
		}
		_, size := utf8.DecodeRune(w.partial)
		// The bytes after the first character, if it was not one, are
		// read again with the rest.
		rest := w.partial[size:]
		p = append(append([]byte(nil), rest...), p...)
		head := Text(string(w.partial[:size]))
		w.partial = w.partial[:0]
		if _, err := io.WriteString(w.w, head); err != nil {
			return 0, err
		}
	}
	// A character cut at the end of p waits for the next write.
	cut := len(p)
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				cut = i
			}
			break
		}
	}
	w.partial = append(w.partial, p[cut:]...)
	s := string(p[:cut])
	if t := Text(s); t != s {
		_, err := io.WriteString(w.w, t)
		if err != nil {
			return 0, err
		}
		return n, nil
	}
	if _, err := w.w.Write(p[:cut]); err != nil {
		return 0, err
	}
	return n, nil
}

// Flush writes the start of a character that no write ended, as the
// stand-in of each of its bytes.
func (w *Writer) Flush() error {
	if len(w.partial) == 0 {
		return nil
	}
	t := Text(string(w.partial))
	w.partial = w.partial[:0]
	_, err := io.WriteString(w.w, t)
	return err
}
