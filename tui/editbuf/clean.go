package editbuf

import (
	"strings"
	"unicode/utf8"

	"github.com/ladderworks/ladder/spec/termtext"
)

// Clean returns text as the buffer takes it from the keyboard or from a
// paste. Every line break, "\r\n" or a lone "\r" (which terminals of the
// xterm family send for a newline in a bracketed paste) as well as "\n",
// becomes "\n". What a terminal does not show as text is dropped:
//
//   - the C0 controls but tab and newline (such as ESC and BEL), DEL, and
//     the C1 controls U+0080 to U+009F;
//   - the format characters (Unicode's Cf), such as the bidirectional
//     overrides and isolates, which reorder what is shown, and the
//     zero-width space and the byte order mark; but not the zero-width
//     joiner and non-joiner, which join visible characters;
//   - the line and paragraph separators U+2028 and U+2029;
//   - bytes that are not UTF-8.
//
// They are dropped rather than replaced by a visible stand-in so that the
// text pasted is the text shown: a file saved from the buffer holds no
// byte that the user cannot see, but tabs and newlines. Text with nothing
// to change is returned as it is, without a copy.
func Clean(text string) string {
	n := cleanPrefix(text)
	if n == len(text) {
		return text
	}
	var sb strings.Builder
	sb.Grow(len(text))
	for {
		sb.WriteString(text[:n])
		text = text[n:]
		if text == "" {
			return sb.String()
		}
		// text starts with a line break to make "\n" or with what is
		// dropped.
		switch c := text[0]; {
		case c == '\r':
			sb.WriteByte('\n')
			text = strings.TrimPrefix(text[1:], "\n")
		case c < utf8.RuneSelf:
			text = text[1:]
		default:
			_, size := utf8.DecodeRuneInString(text)
			text = text[size:]
		}
		n = cleanPrefix(text)
	}
}

// Keeps reports whether Clean keeps the rune r as it is: a tab, a
// newline, or a character that a terminal shows.
func Keeps(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '\t' || r == '\n' || r >= ' ' && r != 0x7f
	}
	return !dropped(r, utf8.RuneLen(r))
}

// cleanPrefix returns the length in bytes of the longest prefix of s that
// Clean keeps as it is.
func cleanPrefix(s string) int {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < ' ' && c != '\t' && c != '\n' || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if dropped(r, size) {
			return i
		}
		i += size
	}
	return i
}

// dropped reports whether Clean drops a rune that is not ASCII, decoded
// from size bytes: one that a terminal does not show (termtext.Shows), or
// a byte that is not UTF-8.
func dropped(r rune, size int) bool {
	return r == utf8.RuneError && size == 1 || !termtext.Shows(r)
}
