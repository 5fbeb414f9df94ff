package redline

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op says on which side of a diff a line stands.
type Op byte

// The ops of a line, as a unified diff marks them.
const (
	Equal  Op = ' '
	Delete Op = '-'
	Insert Op = '+'
)

// Span is a run of changed text in a line, as byte offsets into its Text.
type Span struct {
	Start, End int
}

// Line is one line of a hunk.
type Line struct {
	Op Op
	// Text is the line without its line ending.
	Text string
	// Old and New are the line's numbers in the old and new text, from 1;
	// 0 on the side the line is not on.
	Old, New int
	// Words are the changed words of a deleted or inserted line that
	// replaces or is replaced by other lines; nil when the whole line is
	// new or gone.
	Words []Span
	// NoNewline is set on the last line of a text that does not end with
	// a newline.
	NoNewline bool
}

// Hunk is a run of changes with the unchanged lines around them.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	Lines              []Line
}

// Header returns the hunk's range line, as in a unified diff.
func (h Hunk) Header() string {
	return fmt.Sprintf("@@ -%s +%s @@", hunkRange(h.OldStart, h.OldLines), hunkRange(h.NewStart, h.NewLines))
}

func hunkRange(start, n int) string {
	switch {
	case n == 1:
		return fmt.Sprint(start)
	case n == 0:
		// An empty range names the line before it, as diff -u does.
		return fmt.Sprintf("%d,0", start-1)
	}
	return fmt.Sprintf("%d,%d", start, n)
}

// Context is the number of unchanged lines shown around a change.
const Context = 3

// timeout bounds the work on one file; past it, go-diff returns a coarser
// but still correct diff.
const timeout = 5 * time.Second

// Diff returns the hunks that turn text a into text b, with context lines of
// unchanged text around each change, and the changed words marked in
// replaced lines. It returns no hunks when the texts are equal.
func Diff(a, b string, context int) []Hunk {
	if a == b {
		return nil
	}
	lines := lineDiff(a, b)
	markWords(lines)
	return group(lines, context)
}

// splitLines splits a text into lines without their endings, and reports
// whether the last line lacks one.
func splitLines(s string) (lines []string, noNewline bool) {
	if s == "" {
		return nil, false
	}
	noNewline = !strings.HasSuffix(s, "\n")
	s = strings.TrimSuffix(s, "\n")
	return strings.Split(s, "\n"), noNewline
}

// tokens maps distinct strings to runes that go-diff can compare: it works
// on strings of runes, one rune a token.
type tokens struct {
	ids map[string]rune
	ok  bool
}

func newTokens() *tokens { return &tokens{ids: map[string]rune{}, ok: true} }

// maxToken is the highest rune a token may take: go-diff turns runes into
// strings, which cannot hold surrogates or runes past unicode.MaxRune.
const maxToken = unicode.MaxRune

func (t *tokens) rune(s string) rune {
	if r, ok := t.ids[s]; ok {
		return r
	}
	r := rune(len(t.ids) + 1)
	if r >= 0xD800 {
		r += 0x800 // skip the surrogates
	}
	if r > maxToken {
		t.ok = false
		return 0
	}
	t.ids[s] = r
	return r
}

func (t *tokens) runes(parts []string) []rune {
	out := make([]rune, len(parts))
	for i, p := range parts {
		out[i] = t.rune(p)
	}
	return out
}

func newDMP() *diffmatchpatch.DiffMatchPatch {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = timeout
	return dmp
}

// lineDiff returns every line of both texts, in diff order: unchanged lines
// once, and in each changed block the deleted lines before the inserted
// ones.
func lineDiff(a, b string) []Line {
	la, noA := splitLines(a)
	lb, noB := splitLines(b)
	// A last line without a newline differs from the same line with one.
	key := func(lines []string, no bool) []string {
		out := lines
		if no && len(lines) > 0 {
			out = append([]string(nil), lines...)
			out[len(out)-1] += "\x00no newline"
		}
		return out
	}
	t := newTokens()
	ra, rb := t.runes(key(la, noA)), t.runes(key(lb, noB))
	var diffs []diffmatchpatch.Diff
	if t.ok {
		diffs = newDMP().DiffMainRunes(ra, rb, false)
	} else {
		// Too many distinct lines to compare: everything changed.
		diffs = []diffmatchpatch.Diff{{Type: diffmatchpatch.DiffDelete, Text: string(ra)}, {Type: diffmatchpatch.DiffInsert, Text: string(rb)}}
	}
	var out []Line
	i, j := 0, 0
	for _, d := range diffs {
		n := utf8.RuneCountInString(d.Text)
		for range n {
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				out = append(out, Line{Op: Equal, Text: la[i], Old: i + 1, New: j + 1, NoNewline: noB && j == len(lb)-1})
				i++
				j++
			case diffmatchpatch.DiffDelete:
				out = append(out, Line{Op: Delete, Text: la[i], Old: i + 1, NoNewline: noA && i == len(la)-1})
				i++
			case diffmatchpatch.DiffInsert:
				out = append(out, Line{Op: Insert, Text: lb[j], New: j + 1, NoNewline: noB && j == len(lb)-1})
				j++
			}
		}
	}
	return sortBlocks(out)
}

// changedBlocks calls f with the bounds of each run of changed lines.
func changedBlocks(lines []Line, f func(start, end int)) {
	for start := 0; start < len(lines); {
		if lines[start].Op == Equal {
			start++
			continue
		}
		end := start
		for end < len(lines) && lines[end].Op != Equal {
			end++
		}
		f(start, end)
		start = end
	}
}

// sortBlocks puts the deleted lines of each changed block before its
// inserted lines, as a unified diff shows them.
func sortBlocks(lines []Line) []Line {
	changedBlocks(lines, func(start, end int) {
		var dels, ins []Line
		for _, l := range lines[start:end] {
			if l.Op == Delete {
				dels = append(dels, l)
			} else {
				ins = append(ins, l)
			}
		}
		copy(lines[start:], dels)
		copy(lines[start+len(dels):], ins)
	})
	return lines
}

// markWords marks the changed words of each block of lines that replaces
// another.
func markWords(lines []Line) {
	changedBlocks(lines, func(start, end int) {
		mid := start
		for mid < end && lines[mid].Op == Delete {
			mid++
		}
		if mid > start && mid < end {
			wordDiff(lines[start:mid], lines[mid:end])
		}
	})
}

// wordDiff marks the words that differ between a block of deleted lines and
// the block of inserted lines that replaces it.
func wordDiff(dels, ins []Line) {
	t := newTokens()
	oldWords, newWords := blockWords(dels), blockWords(ins)
	ro, rn := t.runes(oldWords), t.runes(newWords)
	if !t.ok {
		return
	}
	dmp := newDMP()
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(ro, rn, false))
	oi, ni := 0, 0 // word indexes
	for _, d := range diffs {
		n := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			oi += n
			ni += n
		case diffmatchpatch.DiffDelete:
			markSpan(dels, oldWords, oi, oi+n)
			oi += n
		case diffmatchpatch.DiffInsert:
			markSpan(ins, newWords, ni, ni+n)
			ni += n
		}
	}
}

// blockWords splits a block of lines into words: runs of letters and digits,
// runs of spaces, and single other characters, with "\n" between lines.
func blockWords(lines []Line) []string {
	var out []string
	for i, l := range lines {
		if i > 0 {
			out = append(out, "\n")
		}
		out = append(out, words(l.Text)...)
	}
	return out
}

func words(s string) []string {
	var out []string
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		n := size
		class := wordClass(r)
		if class != 0 {
			for n < len(s) {
				r2, size2 := utf8.DecodeRuneInString(s[n:])
				if wordClass(r2) != class {
					break
				}
				n += size2
			}
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

// wordClass is 1 for the runes of words, 2 for spaces and 0 for anything
// else, which stands alone.
func wordClass(r rune) int {
	switch {
	case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_':
		return 1
	case r == ' ' || r == '\t':
		return 2
	}
	return 0
}

// markSpan marks words [from, to) of a block as changed in its lines.
func markSpan(lines []Line, ws []string, from, to int) {
	li, off := 0, 0
	for i := 0; i < to; i++ {
		w := ws[i]
		if w == "\n" {
			li++
			off = 0
			continue
		}
		if i >= from {
			l := &lines[li]
			if k := len(l.Words); k > 0 && l.Words[k-1].End == off {
				l.Words[k-1].End = off + len(w)
			} else {
				l.Words = append(l.Words, Span{off, off + len(w)})
			}
		}
		off += len(w)
	}
}

// group cuts the lines into hunks, each change with up to context unchanged
// lines on either side; changes closer than twice that share a hunk.
func group(lines []Line, context int) []Hunk {
	var hunks []Hunk
	i := 0
	for i < len(lines) {
		for i < len(lines) && lines[i].Op == Equal {
			i++
		}
		if i == len(lines) {
			break
		}
		start := max(0, i-context)
		end := i
		for end < len(lines) {
			if lines[end].Op != Equal {
				end++
				continue
			}
			run := end
			for run < len(lines) && lines[run].Op == Equal {
				run++
			}
			if run == len(lines) || run-end > 2*context {
				end = min(len(lines), end+context)
				break
			}
			end = run
		}
		hunks = append(hunks, makeHunk(lines[start:end], lines, start))
		i = end
	}
	return hunks
}

// makeHunk builds a hunk from its lines; all holds every line, so that an
// empty side can name the line before it.
func makeHunk(ls []Line, all []Line, start int) Hunk {
	h := Hunk{Lines: ls}
	for _, l := range ls {
		if l.Old > 0 {
			if h.OldLines == 0 {
				h.OldStart = l.Old
			}
			h.OldLines++
		}
		if l.New > 0 {
			if h.NewLines == 0 {
				h.NewStart = l.New
			}
			h.NewLines++
		}
	}
	// An empty side starts after the last line before the hunk on it.
	if h.OldLines == 0 || h.NewLines == 0 {
		oldBefore, newBefore := 0, 0
		for _, l := range all[:start] {
			oldBefore = max(oldBefore, l.Old)
			newBefore = max(newBefore, l.New)
		}
		if h.OldLines == 0 {
			h.OldStart = oldBefore + 1
		}
		if h.NewLines == 0 {
			h.NewStart = newBefore + 1
		}
	}
	return h
}

// Stat counts the deleted and inserted lines of a diff.
func Stat(hunks []Hunk) (deleted, inserted int) {
	for _, h := range hunks {
		for _, l := range h.Lines {
			switch l.Op {
			case Delete:
				deleted++
			case Insert:
				inserted++
			}
		}
	}
	return deleted, inserted
}

// Unified writes hunks as a unified diff, which patch and git apply read.
func Unified(oldName, newName string, hunks []Hunk) string {
	if len(hunks) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", oldName, newName)
	for _, h := range hunks {
		b.WriteString(h.Header())
		b.WriteByte('\n')
		for _, l := range h.Lines {
			b.WriteByte(byte(l.Op))
			b.WriteString(l.Text)
			b.WriteByte('\n')
			if l.NoNewline {
				b.WriteString("\\ No newline at end of file\n")
			}
		}
	}
	return b.String()
}
