package tui

import (
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"cuelang.org/go/cue/scanner"
	"cuelang.org/go/cue/token"
)

// highlight colors CUE source by its tokens, as CUE's own scanner reads
// them, and returns its lines with tabs as 4 spaces. Text the scanner
// cannot read is left plain. The text of a string after an interpolation
// (after the parenthesis that closes "\(") is a string's again.
func highlight(src string, st syntaxStyles) []string {
	data := []byte(src)
	f := token.NewFile("", -1, len(data))
	var s scanner.Scanner
	s.Init(f, data, func(token.Pos, string, []any) {}, scanner.ScanComments)
	var out strings.Builder
	pos := 0
	prevIdent := -1 // where the last identifier starts, to style labels
	prevIdentEnd := 0
	// interp holds, for each interpolation open, the parentheses open in
	// its expression.
	var interp []int
	for {
		p, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := p.Offset()
		if off < pos || off > len(data) {
			continue
		}
		if n := len(interp); n > 0 {
			switch {
			case tok == token.LPAREN:
				interp[n-1]++
			case tok == token.RPAREN && interp[n-1] > 0:
				interp[n-1]--
			case tok == token.RPAREN:
				// The parenthesis ends the interpolation: the string goes
				// on, from it.
				interp = interp[:n-1]
				lit, tok = s.ResumeInterpolation(), token.STRING
				if resumesInterpolation(lit) {
					tok = token.INTERPOLATION
				}
			}
		}
		if tok == token.INTERPOLATION {
			interp = append(interp, 0)
		}
		end := off + len(lit)
		if lit == "" || end > len(data) || string(data[off:end]) != lit {
			// Operators and the automatic commas have no literal text;
			// the operator's text is its token's.
			end = off + len(tok.String())
			if end > len(data) || string(data[off:end]) != tok.String() {
				continue
			}
		}
		if prevIdent >= 0 {
			// An identifier followed by ':' is a label.
			style := st.label
			if tok != token.COLON {
				style = plainStyle
			}
			out.WriteString(style.Render(string(data[prevIdent:prevIdentEnd])))
			pos = prevIdentEnd
			prevIdent = -1
		}
		out.WriteString(string(data[pos:off]))
		text := string(data[off:end])
		switch {
		case tok == token.COMMENT:
			out.WriteString(styleLines(text, st.comment))
		case tok == token.STRING || tok == token.INTERPOLATION:
			out.WriteString(styleLines(text, st.str))
		case tok == token.INT || tok == token.FLOAT:
			out.WriteString(st.number.Render(text))
		case tok == token.ATTRIBUTE:
			out.WriteString(st.attr.Render(text))
		case tok.IsKeyword() || tok == token.BOTTOM:
			out.WriteString(st.keyword.Render(text))
		case tok == token.IDENT:
			prevIdent, prevIdentEnd = off, end
			pos = end
			continue
		case tok.IsOperator() && tok != token.COLON && tok != token.COMMA && tok != token.LBRACE && tok != token.RBRACE &&
			tok != token.LBRACK && tok != token.RBRACK && tok != token.LPAREN && tok != token.RPAREN:
			out.WriteString(st.operator.Render(text))
		default:
			out.WriteString(text)
		}
		pos = end
	}
	if prevIdent >= 0 {
		out.WriteString(string(data[prevIdent:prevIdentEnd]))
		pos = prevIdentEnd
	}
	out.WriteString(string(data[pos:]))
	return strings.Split(strings.ReplaceAll(out.String(), "\t", "    "), "\n")
}

// resumesInterpolation reports whether a segment of a string, from the
// parenthesis that closed an interpolation, ends by opening another: in
// "\(" or, in a raw string, "\#(".
func resumesInterpolation(seg string) bool {
	body, ok := strings.CutSuffix(seg, "(")
	return ok && strings.HasSuffix(strings.TrimRight(body, "#"), `\`)
}

// plainStyle draws text as it is.
var plainStyle lipgloss.Style

// styleLines styles each line of a multi-line token on its own, so that
// splitting the text into lines keeps the style of each.
func styleLines(text string, style lipgloss.Style) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = style.Render(l)
		}
	}
	return strings.Join(lines, "\n")
}

// The editor colors only the lines it shows, each cut to the columns
// shown, so that a file of megabytes or a line of a megabyte costs no more
// to draw than a screenful. A string may begin above the first line shown
// or left of the first column, so the part shown is colored after an
// opener: source that leaves CUE's scanner where it is at the cut (in a
// multi-line string, in an interpolation, in a comment). lexState follows
// the scanner through the text before the cut, skipping what cannot change
// its state at about a nanosecond a byte, to know that opener. It follows
// strings, interpolations and comments exactly; an attribute that goes on
// past its line is colored a line at a time, as code.

// maxLexDepth is the deepest nesting of strings in interpolations that
// lexState follows; deeper ones are colored as if they were not there.
const maxLexDepth = 8

// lexFrame is a string open at a point of CUE source.
type lexFrame struct {
	quote  byte  // '"' or '\''
	multi  bool  // opened by three quotes, across lines
	hashes uint8 // the '#'s of a raw string
	// expr is set in the expression of an interpolation of the string,
	// with parens parentheses open in it.
	expr   bool
	parens uint16
}

// lexState is what decides the colors of CUE source after a point: the
// strings open there, innermost last, whether the line of a multi-line
// string holds only blanks so far (which its closing quotes need), and
// whether a comment runs to the end of the line. The zero value is the
// start of a file.
type lexState struct {
	frames  [maxLexDepth]lexFrame
	n       uint8
	blank   bool
	comment bool
}

// inCode reports whether the state is in code: in no string, or in an
// interpolation's expression.
func (st *lexState) inCode() bool { return st.n == 0 || st.frames[st.n-1].expr }

// push opens a string.
func (st *lexState) push(f lexFrame) {
	if int(st.n) < maxLexDepth {
		st.frames[st.n] = f
		st.n++
	}
	st.blank = f.multi
}

// line returns the state after a whole line and its newline.
func (st lexState) line(s string) lexState {
	st.skip(s, len(s))
	st.comment = false
	if st.n > 0 {
		switch f := st.frames[st.n-1]; {
		case f.expr:
		case f.multi:
			st.blank = true
		default:
			// A string of one line ends at its end, unterminated.
			st.n--
		}
	}
	return st
}

// scanTo follows the scanner through line s up to byte end, and returns
// the state at the last point at or before end where the scanner is
// between two of the steps lexState takes (never inside an escape, a run
// of quotes or of operators, a short identifier or attribute), and that
// point.
func (st lexState) scanTo(s string, end int) (lexState, int) {
	i := 0
	if end > 1024 {
		// Far from end, only the state matters, not where steps start.
		i = st.skip(s, end-512)
	}
	for i < end {
		prev := st
		j := st.step(s, i)
		if j > end {
			return prev, i
		}
		i = j
	}
	return st, i
}

// skip follows the scanner through line s up to about byte end, taking
// at once the bytes that cannot change the state, and returns where it
// stopped: at end, or before it at the start of a rune.
func (st *lexState) skip(s string, end int) int {
	i := 0
	for i < end {
		switch {
		case st.comment:
			return end
		case st.inCode():
			special := &codeSpecial
			if st.n == 0 {
				special = &topSpecial
			}
			for i < end && !special[s[i]] {
				i++
			}
		default:
			f := &st.frames[st.n-1]
			for i < end {
				c := s[i]
				if c == f.quote || c == '\\' {
					break
				}
				if c != ' ' && c != '\t' && c != '\r' {
					st.blank = false
				}
				i++
			}
		}
		if i >= end {
			break
		}
		prev := *st
		j := st.step(s, i)
		if j > end {
			*st = prev
			break
		}
		i = j
	}
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return min(i, end)
}

// topSpecial and codeSpecial are the bytes that may change the state in
// code outside of any string and in an interpolation.
var topSpecial, codeSpecial [256]bool

func init() {
	for _, c := range `"'#/` {
		topSpecial[c], codeSpecial[c] = true, true
	}
	codeSpecial['('], codeSpecial[')'] = true, true
}

// step takes one step at s[i], which must be within s, and returns where
// the next step starts.
func (st *lexState) step(s string, i int) int {
	switch {
	case st.comment:
		return i + runeLen(s, i)
	case st.inCode():
		return st.codeStep(s, i)
	}
	return st.stringStep(s, i)
}

func (st *lexState) codeStep(s string, i int) int {
	c := s[i]
	switch {
	case c == '/' && i+1 < len(s) && s[i+1] == '/':
		st.comment = true
		return i + 2
	case c == '"' || c == '\'':
		return st.open(s, i, 0)
	case c == '#':
		q := i
		for q < len(s) && s[q] == '#' && q-i < 64 {
			q++
		}
		if q < len(s) && (s[q] == '"' || s[q] == '\'') {
			return st.open(s, q, q-i)
		}
		return identEnd(s, q)
	case strings.HasPrefix(s[i:], "_|_"):
		return i + 3
	case c == '_' || c == '$' || isASCIILetterOrDigit(c) || c >= utf8.RuneSelf:
		return identEnd(s, i)
	case strings.IndexByte(operatorBytes, c) >= 0:
		// A run of operators, such as "..." or ">=", which a cut must not
		// split.
		j := i + 1
		for j < len(s) && j-i < 8 && strings.IndexByte(operatorBytes, s[j]) >= 0 {
			j++
		}
		return j
	case c == '@':
		// An attribute is one token, which a cut must not split; one that
		// goes on past the line or is long is taken a byte at a time.
		if j := attributeEnd(s, i); j > 0 {
			return j
		}
	case st.n == 0:
	case c == '(':
		st.frames[st.n-1].parens++
	case c == ')' && st.frames[st.n-1].parens > 0:
		st.frames[st.n-1].parens--
	case c == ')':
		// The interpolation ends; its string goes on.
		st.frames[st.n-1].expr = false
		st.blank = false
	}
	return i + 1
}

// open opens a string at the quote s[q], after hashes '#'s, as the
// scanner does: one quote opens a string of one line; two are the empty
// string; three open a multi-line string when the line ends after them.
func (st *lexState) open(s string, q, hashes int) int {
	ch := s[q]
	j, n := q+1, 1
	for n < 3 && j < len(s) && s[j] == ch {
		j, n = j+1, n+1
	}
	f := lexFrame{quote: ch, hashes: uint8(min(hashes, 255))}
	switch n {
	case 1:
		st.push(f)
		return j
	case 2:
		m := hashesAt(s, j, hashes)
		if m < hashes {
			// A raw string whose first character is a quote.
			st.push(f)
		}
		return j + m
	}
	m := 0
	if hashes > 0 {
		if m = hashesAt(s, j, hashes); m == hashes {
			return j + m // #"""#: a quote in a raw string
		}
	}
	j += m
	if rest := s[j:]; rest == "" || rest == "\r" {
		f.multi = true
		st.push(f)
		return len(s)
	}
	return j // three quotes without a newline: an error, then code
}

func (st *lexState) stringStep(s string, i int) int {
	f := &st.frames[st.n-1]
	h := int(f.hashes)
	switch c := s[i]; {
	case c == '\\':
		st.blank = false
		j := i + 1
		m := hashesAt(s, j, h)
		j += m
		if m < h || j >= len(s) {
			return j
		}
		switch e := s[j]; {
		case e == '(':
			f.expr, f.parens = true, 0
			return j + 1
		case e == f.quote || strings.IndexByte(`abfnrtv\/01234567xuU`, e) >= 0:
			return j + 1
		}
		return j
	case c == f.quote && (!f.multi || st.blank):
		need := 1
		if f.multi {
			need = 3
		}
		j, n := i+1, 1
		for n < need && j < len(s) && s[j] == c {
			j, n = j+1, n+1
		}
		if n == need {
			m := hashesAt(s, j, h)
			j += m
			if m == h {
				st.n--
			}
		}
		st.blank = false
		return j
	case c == ' ' || c == '\t' || c == '\r':
		return i + 1
	}
	st.blank = false
	return i + runeLen(s, i)
}

// opener returns source after which CUE's scanner is in the state st.
func (st lexState) opener() string {
	var sb strings.Builder
	for k := range st.n {
		f := st.frames[k]
		hashes := strings.Repeat("#", int(f.hashes))
		sb.WriteString(hashes)
		if f.multi {
			sb.WriteString(strings.Repeat(string(f.quote), 3) + "\n")
		} else {
			sb.WriteByte(f.quote)
		}
		switch {
		case f.expr:
			sb.WriteString(`\` + hashes + "(" + strings.Repeat("(", int(f.parens)))
		case f.multi && !st.blank:
			// Not at the start of a line: closing quotes do not close.
			sb.WriteString("x")
		}
	}
	if st.comment {
		sb.WriteString("//")
	}
	return sb.String()
}

// operatorBytes are the bytes of CUE's operators of more than one byte.
const operatorBytes = ".<>=!~&|*+-?"

// attributeEnd returns the end of the attribute at s[i] ("@name(...)")
// when it ends within 256 bytes, or 0.
func attributeEnd(s string, i int) int {
	j := identEnd(s, i+1)
	if j >= len(s) || s[j] != '(' {
		return 0
	}
	depth := 0
	for ; j < len(s) && j-i < 256; j++ {
		switch s[j] {
		case '"':
			// A string in the attribute, which may hold parentheses.
			for j++; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
				}
			}
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return j + 1
			}
		}
	}
	return 0
}

// hashesAt returns how many of up to n bytes at s[i:] are '#'.
func hashesAt(s string, i, n int) int {
	m := 0
	for m < n && i+m < len(s) && s[i+m] == '#' {
		m++
	}
	return m
}

// identEnd returns the end of a run of identifier bytes from s[i], at
// most 64 bytes long and ending at a rune's end.
func identEnd(s string, i int) int {
	j := i
	for j < len(s) && j-i < 64 {
		c := s[j]
		switch {
		case c == '_' || c == '$' || isASCIILetterOrDigit(c):
			j++
		case c >= utf8.RuneSelf:
			j += runeLen(s, j)
		default:
			return j
		}
	}
	return j
}

func isASCIILetterOrDigit(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// runeLen returns the length in bytes of the rune at s[i].
func runeLen(s string, i int) int {
	if s[i] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}
