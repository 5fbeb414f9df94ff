package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"cuelang.org/go/cue/scanner"
	"cuelang.org/go/cue/token"
)

// highlight colors CUE source by its tokens, as CUE's own scanner reads
// them, and returns its lines with tabs as 4 spaces. Text the scanner
// cannot read is left plain.
func highlight(src string, st syntaxStyles) []string {
	data := []byte(src)
	f := token.NewFile("", -1, len(data))
	var s scanner.Scanner
	s.Init(f, data, func(token.Pos, string, []any) {}, scanner.ScanComments)
	var out strings.Builder
	pos := 0
	prevIdent := -1 // where the last identifier starts, to style labels
	prevIdentEnd := 0
	for {
		p, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := p.Offset()
		if off < pos || off > len(data) {
			continue
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
