package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// bigPaste returns about 1 MB of CUE: n lines of a struct's fields joined
// by newline, or, when n is 1, one line of about 1 MB.
func bigPaste(n int, newline string) string {
	if n == 1 {
		var sb strings.Builder
		sb.WriteString("big: {")
		for i := 0; sb.Len() < 1<<20; i++ {
			fmt.Fprintf(&sb, "f%05d: >=%d & <=%d, ", i, i%97, i%97+40)
		}
		sb.WriteString("}")
		return sb.String()
	}
	var sb strings.Builder
	sb.WriteString("big: {" + newline)
	for i := range n - 2 {
		fmt.Fprintf(&sb, "\tfield_%05d: >=%02d & <=%03d // the %05dth field, pasted%s", i, i%97, i%97+40, i, newline)
	}
	sb.WriteString("}" + newline)
	return sb.String()
}

// pasteCases are the pastes that the paste benchmarks time: 20,000 lines
// (about 1 MB) with each kind of newline, and one line of 1 MB.
var pasteCases = []struct {
	name, text string
}{
	{"20000-lines-LF", bigPaste(20000, "\n")},
	{"20000-lines-CR", bigPaste(20000, "\r")},
	{"20000-lines-CRLF", bigPaste(20000, "\r\n")},
	{"one-1MB-line", bigPaste(1, "")},
}

// BenchmarkPasteUpdate times a paste of about 1 MB through the App's
// Update, as a terminal delivers it, and the frame drawn after it, in the
// Edit view at 120×40. The paste is undone between iterations, untimed.
func BenchmarkPasteUpdate(b *testing.B) {
	for _, pc := range pasteCases {
		b.Run(pc.name, func(b *testing.B) {
			m := loaded(b, 120, 40)
			openCriterion(b, m, "MT-L3-LLM")
			f := m.edit.file()
			b.SetBytes(int64(len(pc.text)))
			for b.Loop() {
				m.Update(tea.PasteMsg{Content: pc.text})
				_ = m.View()
				b.StopTimer()
				f.buf.Undo()
				m.Update(tea.KeyPressMsg{Code: tea.KeyHome})
				b.StartTimer()
			}
		})
	}
}

// BenchmarkIdleFrame times a frame of the Edit view at 120×40 after a
// paste of about 1 MB, with the cursor at its end: what the workbench
// does at each tick of the watcher while the user does nothing. The frame
// without a paste is measured too.
func BenchmarkIdleFrame(b *testing.B) {
	for _, pc := range append([]struct{ name, text string }{{"no-paste", ""}}, pasteCases...) {
		b.Run(pc.name, func(b *testing.B) {
			m := loaded(b, 120, 40)
			openCriterion(b, m, "MT-L3-LLM")
			m.Update(tea.PasteMsg{Content: pc.text})
			_ = m.View()
			for b.Loop() {
				m.Update(pollTickMsg{})
				_ = m.View()
			}
		})
	}
}

// BenchmarkTypingAfterPaste times a keystroke typed at the end of a
// paste of about 1 MB, through Update, and the frame drawn after it: the
// edit, the texts handed to the compilation (which runs in a command, not
// timed), and the drawing.
func BenchmarkTypingAfterPaste(b *testing.B) {
	for _, pc := range pasteCases {
		b.Run(pc.name, func(b *testing.B) {
			m := loaded(b, 120, 40)
			openCriterion(b, m, "MT-L3-LLM")
			m.Update(tea.PasteMsg{Content: pc.text})
			_ = m.View()
			for b.Loop() {
				m.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
				_ = m.View()
			}
		})
	}
}
