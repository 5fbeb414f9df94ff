package editbuf

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// BurstGap is the longest pause between two edits that still lets them
// share one undo step. A longer pause ends the burst.
const BurstGap = time.Second

// Pos is a position in the buffer: a 0-based line and a 0-based column
// counted in runes.
type Pos struct{ Line, Col int }

// kind says which sort of edit a burst is made of. Only edits of the same
// kind can join one burst; kindNone edits are always a group of their own.
type kind int

const (
	kindNone kind = iota
	kindInsert
	kindBackspace
	kindDelete
)

// An edit is one undo step: at position at, the text deleted was replaced
// by the text inserted, moving the cursor from before to after. A burst of
// edits is coalesced into a single edit, which is possible because each
// edit of a burst starts where the previous one left the cursor.
type edit struct {
	at       Pos
	deleted  string
	inserted string
	before   Pos
	after    Pos
}

// Buffer is an editable text with a cursor and an undo history. The zero
// value is not usable; make one with New.
type Buffer struct {
	// Now, when set, is the clock that bursts of typing are timed by.
	// New sets it to time.Now; tests replace it with a fake clock.
	Now func() time.Time

	lines []string
	cur   Pos
	want  int // wanted column for Up and Down, or -1 when there is none

	undo []edit
	redo []edit

	saved   string
	version int
	modAt   int  // version at which mod was computed, or -1
	mod     bool // cached result of Modified at version modAt
	// text is the whole text as of version textAt, or -1: Text joins the
	// lines once per version, however often it is asked for.
	text   string
	textAt int
	// changed are the first lines that the latest versions changed,
	// oldest first, at most maxChanged of them (FirstChanged).
	changed []lineChange

	burst    kind      // kind of the burst in progress, or kindNone
	burstAt  time.Time // time of the last edit of the burst
	burstEnd Pos       // cursor after the last edit of the burst
}

// New returns a buffer holding text, with the cursor at the start and
// nothing to undo. The text counts as saved.
func New(text string) *Buffer {
	return &Buffer{
		Now:    time.Now,
		lines:  strings.Split(text, "\n"),
		want:   -1,
		saved:  text,
		modAt:  -1,
		text:   text,
		textAt: 0,
	}
}

// Text returns the whole text: the lines joined by "\n". It is joined
// once for each version of the text.
func (b *Buffer) Text() string {
	if b.textAt != b.version {
		b.text = strings.Join(b.lines, "\n")
		b.textAt = b.version
	}
	return b.text
}

// LineCount returns the number of lines, which is one more than the number
// of newlines in the text. An empty text has one empty line.
func (b *Buffer) LineCount() int { return len(b.lines) }

// Line returns line i without its newline, or "" when i is out of range.
func (b *Buffer) Line(i int) string {
	if i < 0 || i >= len(b.lines) {
		return ""
	}
	return b.lines[i]
}

// Cursor returns the position of the cursor.
func (b *Buffer) Cursor() Pos { return b.cur }

// SetCursor moves the cursor to p, clamped to the text, and ends the
// current burst.
func (b *Buffer) SetCursor(p Pos) { b.moveTo(b.clamp(p), false) }

// Left moves the cursor one rune left, to the end of the previous line when
// it is at the start of a line.
func (b *Buffer) Left() {
	p := b.cur
	switch {
	case p.Col > 0:
		p.Col--
	case p.Line > 0:
		p = Pos{p.Line - 1, b.lineLen(p.Line - 1)}
	}
	b.moveTo(p, false)
}

// Right moves the cursor one rune right, to the start of the next line when
// it is at the end of a line.
func (b *Buffer) Right() {
	p := b.cur
	switch {
	case p.Col < b.lineLen(p.Line):
		p.Col++
	case p.Line < len(b.lines)-1:
		p = Pos{p.Line + 1, 0}
	}
	b.moveTo(p, false)
}

// Up moves the cursor one line up. See PageUp.
func (b *Buffer) Up() { b.PageUp(1) }

// Down moves the cursor one line down. See PageDown.
func (b *Buffer) Down() { b.PageDown(1) }

// PageUp moves the cursor n lines up, stopping at the first line. Like
// Up and Down, it aims for the wanted column: the column the cursor had
// when the current run of vertical moves began, so passing through a short
// line does not lose the column.
func (b *Buffer) PageUp(n int) { b.vertical(-max(n, 0)) }

// PageDown moves the cursor n lines down, stopping at the last line, and
// aims for the wanted column as PageUp does.
func (b *Buffer) PageDown(n int) { b.vertical(max(n, 0)) }

func (b *Buffer) vertical(delta int) {
	if b.want < 0 {
		b.want = b.cur.Col
	}
	line := min(max(b.cur.Line+delta, 0), len(b.lines)-1)
	b.moveTo(Pos{line, min(b.want, b.lineLen(line))}, true)
}

// Home moves the cursor to the start of its line.
func (b *Buffer) Home() { b.moveTo(Pos{b.cur.Line, 0}, false) }

// End moves the cursor to the end of its line.
func (b *Buffer) End() { b.moveTo(Pos{b.cur.Line, b.lineLen(b.cur.Line)}, false) }

// Top moves the cursor to the start of the text.
func (b *Buffer) Top() { b.moveTo(Pos{}, false) }

// Bottom moves the cursor to the end of the text.
func (b *Buffer) Bottom() {
	last := len(b.lines) - 1
	b.moveTo(Pos{last, b.lineLen(last)}, false)
}

// WordLeft moves the cursor to the start of the word before it: it skips
// white space, then a run of word runes or a run of punctuation. Word runes
// are letters, digits, '_', '#' and '$', the runes of CUE identifiers. At
// the start of a line it moves to the end of the previous line.
func (b *Buffer) WordLeft() {
	p := b.cur
	if p.Col == 0 {
		if p.Line > 0 {
			p = Pos{p.Line - 1, b.lineLen(p.Line - 1)}
		}
		b.moveTo(p, false)
		return
	}
	rs := []rune(b.lines[p.Line])
	c := p.Col
	for c > 0 && classOf(rs[c-1]) == classSpace {
		c--
	}
	if c > 0 {
		cl := classOf(rs[c-1])
		for c > 0 && classOf(rs[c-1]) == cl {
			c--
		}
	}
	b.moveTo(Pos{p.Line, c}, false)
}

// WordRight moves the cursor to the end of the word after it: it skips
// white space, then a run of word runes or a run of punctuation (see
// WordLeft). At the end of a line it moves to the start of the next line.
func (b *Buffer) WordRight() {
	p := b.cur
	rs := []rune(b.lines[p.Line])
	if p.Col >= len(rs) {
		if p.Line < len(b.lines)-1 {
			p = Pos{p.Line + 1, 0}
		}
		b.moveTo(p, false)
		return
	}
	c := p.Col
	for c < len(rs) && classOf(rs[c]) == classSpace {
		c++
	}
	if c < len(rs) {
		cl := classOf(rs[c])
		for c < len(rs) && classOf(rs[c]) == cl {
			c++
		}
	}
	b.moveTo(Pos{p.Line, c}, false)
}

const (
	classSpace = iota
	classWord
	classPunct
)

func classOf(r rune) int {
	switch {
	case unicode.IsSpace(r):
		return classSpace
	case r == '_' || r == '#' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r):
		return classWord
	default:
		return classPunct
	}
}

// Insert inserts typed text s at the cursor, cleaned as Clean does, and
// leaves the cursor after it. Text without a newline joins a burst of
// typing; text with a newline is an undo step of its own.
func (b *Buffer) Insert(s string) {
	s = Clean(s)
	k := kindInsert
	if strings.Contains(s, "\n") {
		k = kindNone
	}
	b.insert(s, k)
}

// Paste inserts pasted text s at the cursor, cleaned as Clean does, and
// leaves the cursor after it. A paste is one undo step, whatever its
// length: it joins no burst of typing, and typing after it starts a new
// one.
func (b *Buffer) Paste(s string) {
	b.insert(Clean(s), kindNone)
}

// Newline splits the line at the cursor. The new line starts with the
// leading spaces and tabs of the line it came from (those before the
// cursor), and the cursor ends after them. A newline is an undo step of
// its own.
func (b *Buffer) Newline() {
	line := b.lines[b.cur.Line]
	before := line[:byteOffset(line, b.cur.Col)]
	indent := before[:len(before)-len(strings.TrimLeft(before, " \t"))]
	b.insert("\n"+indent, kindNone)
}

func (b *Buffer) insert(s string, k kind) {
	if s == "" {
		return
	}
	before := b.cur
	_, after := b.splice(before, before, s)
	b.cur = after
	b.want = -1
	b.record(edit{at: before, inserted: s, before: before, after: after}, k)
}

// Backspace deletes the rune before the cursor, joining the line with the
// previous one when the cursor is at the start of a line. At the start of
// the text it does nothing.
func (b *Buffer) Backspace() {
	p := b.cur
	var start Pos
	switch {
	case p.Col > 0:
		start = Pos{p.Line, p.Col - 1}
	case p.Line > 0:
		start = Pos{p.Line - 1, b.lineLen(p.Line - 1)}
	default:
		return
	}
	deleted, _ := b.splice(start, p, "")
	b.cur = start
	b.want = -1
	b.record(edit{at: start, deleted: deleted, before: p, after: start}, kindBackspace)
}

// Delete deletes the rune under the cursor, joining the line with the next
// one when the cursor is at the end of a line. At the end of the text it
// does nothing.
func (b *Buffer) Delete() {
	p := b.cur
	var end Pos
	switch {
	case p.Col < b.lineLen(p.Line):
		end = Pos{p.Line, p.Col + 1}
	case p.Line < len(b.lines)-1:
		end = Pos{p.Line + 1, 0}
	default:
		return
	}
	deleted, _ := b.splice(p, end, "")
	b.want = -1
	b.record(edit{at: p, deleted: deleted, before: p, after: p}, kindDelete)
}

// Replace replaces the whole text with text as one undo step, as when the
// file is reloaded from disk. The cursor keeps its line and column,
// clamped to the new text. Only the part that differs is kept in the undo
// history. Replacing the text with itself changes nothing but ends the
// current burst.
func (b *Buffer) Replace(text string) {
	b.endBurst()
	old := b.Text()
	if old == text {
		return
	}
	pre, suf := commonAffixes(old, text)
	at := posAt(old, pre)
	deleted := old[pre : len(old)-suf]
	inserted := text[pre : len(text)-suf]
	before := b.cur
	b.splice(at, endOf(at, deleted), inserted)
	b.cur = b.clamp(before)
	b.want = -1
	b.record(edit{at: at, deleted: deleted, inserted: inserted, before: before, after: b.cur}, kindNone)
}

// Undo undoes the last undo step, restoring the text and the cursor as they
// were before it. It reports false when there is nothing to undo.
func (b *Buffer) Undo() bool {
	b.endBurst()
	if len(b.undo) == 0 {
		return false
	}
	e := b.undo[len(b.undo)-1]
	b.undo[len(b.undo)-1] = edit{}
	b.undo = b.undo[:len(b.undo)-1]
	b.splice(e.at, endOf(e.at, e.inserted), e.deleted)
	b.redo = append(b.redo, e)
	b.cur = e.before
	b.want = -1
	return true
}

// Redo redoes the last undone step, restoring the text and the cursor as
// they were after it. It reports false when there is nothing to redo. Any
// new edit clears what there is to redo.
func (b *Buffer) Redo() bool {
	b.endBurst()
	if len(b.redo) == 0 {
		return false
	}
	e := b.redo[len(b.redo)-1]
	b.redo[len(b.redo)-1] = edit{}
	b.redo = b.redo[:len(b.redo)-1]
	b.splice(e.at, endOf(e.at, e.deleted), e.inserted)
	b.undo = append(b.undo, e)
	b.cur = e.after
	b.want = -1
	return true
}

// CanUndo reports whether there is an undo step to undo.
func (b *Buffer) CanUndo() bool { return len(b.undo) > 0 }

// CanRedo reports whether there is an undone step to redo.
func (b *Buffer) CanRedo() bool { return len(b.redo) > 0 }

// Modified reports whether the text differs from the saved text. It
// compares the texts, so undoing back to the saved text is not a
// modification.
func (b *Buffer) Modified() bool {
	if b.modAt != b.version {
		b.mod = b.Text() != b.saved
		b.modAt = b.version
	}
	return b.mod
}

// MarkSaved makes the current text the saved text.
func (b *Buffer) MarkSaved() {
	b.saved = b.Text()
	b.mod = false
	b.modAt = b.version
}

// Version returns a number that increases with every change of the text,
// undo and redo included, and stays the same when only the cursor moves.
func (b *Buffer) Version() int { return b.version }

// lineChange says that version changed no line above line.
type lineChange struct{ version, line int }

// maxChanged is how many versions back FirstChanged knows.
const maxChanged = 64

// FirstChanged returns the first line that may have changed since version
// v: the lines above it are as they were then, at the same places. It is
// LineCount when nothing changed, and 0 when v is too old to tell (more
// than 64 versions back).
func (b *Buffer) FirstChanged(v int) int {
	if v == b.version {
		return len(b.lines)
	}
	if len(b.changed) == 0 || v < b.changed[0].version-1 || v > b.version {
		return 0
	}
	first := len(b.lines)
	for _, c := range b.changed {
		if c.version > v {
			first = min(first, c.line)
		}
	}
	return first
}

// moveTo puts the cursor at p, which must be within the text, and ends the
// current burst. Unless keepWant is set, it forgets the wanted column.
func (b *Buffer) moveTo(p Pos, keepWant bool) {
	b.cur = p
	if !keepWant {
		b.want = -1
	}
	b.endBurst()
}

func (b *Buffer) endBurst() { b.burst = kindNone }

func (b *Buffer) now() time.Time {
	if b.Now == nil {
		return time.Now()
	}
	return b.Now()
}

// record pushes e onto the undo history, or folds it into the last step
// when it continues the burst in progress, and clears the redo history.
func (b *Buffer) record(e edit, k kind) {
	b.redo = nil
	now := b.now()
	if k != kindNone && k == b.burst && e.before == b.burstEnd &&
		len(b.undo) > 0 && now.Sub(b.burstAt) <= BurstGap {
		last := &b.undo[len(b.undo)-1]
		switch k {
		case kindInsert:
			last.inserted += e.inserted
		case kindBackspace:
			last.at = e.at
			last.deleted = e.deleted + last.deleted
		case kindDelete:
			last.deleted += e.deleted
		}
		last.after = e.after
	} else {
		b.undo = append(b.undo, e)
	}
	b.burst = k
	b.burstAt = now
	b.burstEnd = e.after
}

// splice replaces the text from start to end, both within the text and
// start not after end, with text. It returns the text it removed and the
// position at the end of the inserted text, and bumps the version.
func (b *Buffer) splice(start, end Pos, text string) (deleted string, textEnd Pos) {
	first, last := b.lines[start.Line], b.lines[end.Line]
	so, eo := byteOffset(first, start.Col), byteOffset(last, end.Col)
	if start.Line == end.Line {
		deleted = first[so:eo]
	} else {
		var sb strings.Builder
		sb.WriteString(first[so:])
		for _, l := range b.lines[start.Line+1 : end.Line] {
			sb.WriteByte('\n')
			sb.WriteString(l)
		}
		sb.WriteByte('\n')
		sb.WriteString(last[:eo])
		deleted = sb.String()
	}
	repl := strings.Split(first[:so]+text+last[eo:], "\n")
	b.lines = slices.Replace(b.lines, start.Line, end.Line+1, repl...)
	b.version++
	if len(b.changed) == maxChanged {
		b.changed = append(b.changed[:0], b.changed[1:]...)
	}
	b.changed = append(b.changed, lineChange{b.version, start.Line})
	return deleted, endOf(start, text)
}

func (b *Buffer) lineLen(i int) int { return utf8.RuneCountInString(b.lines[i]) }

// clamp returns the position within the text nearest to p.
func (b *Buffer) clamp(p Pos) Pos {
	p.Line = min(max(p.Line, 0), len(b.lines)-1)
	p.Col = min(max(p.Col, 0), b.lineLen(p.Line))
	return p
}

// byteOffset returns the byte offset of rune column col in s, or len(s)
// when s is shorter.
func byteOffset(s string, col int) int {
	for i := range s {
		if col == 0 {
			return i
		}
		col--
	}
	return len(s)
}

// endOf returns the position just after text when text is placed at start.
func endOf(start Pos, text string) Pos {
	i := strings.LastIndexByte(text, '\n')
	if i < 0 {
		return Pos{start.Line, start.Col + utf8.RuneCountInString(text)}
	}
	return Pos{start.Line + strings.Count(text, "\n"), utf8.RuneCountInString(text[i+1:])}
}

// posAt returns the position of byte offset off in s.
func posAt(s string, off int) Pos {
	s = s[:off]
	i := strings.LastIndexByte(s, '\n')
	return Pos{strings.Count(s, "\n"), utf8.RuneCountInString(s[i+1:])}
}

// commonAffixes returns the lengths in bytes of the longest common prefix
// and suffix of a and b that do not overlap and do not split a rune.
func commonAffixes(a, b string) (pre, suf int) {
	n := min(len(a), len(b))
	for pre < n && a[pre] == b[pre] {
		pre++
	}
	for pre > 0 && (pre < len(a) && !utf8.RuneStart(a[pre]) || pre < len(b) && !utf8.RuneStart(b[pre])) {
		pre--
	}
	n -= pre
	for suf < n && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	for suf > 0 && !utf8.RuneStart(a[len(a)-suf]) {
		suf--
	}
	return pre, suf
}
