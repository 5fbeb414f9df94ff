package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkStartToFirstFrame measures what the workbench does between its
// start and its first frame with results, on the built-in standard and
// corpus: load both revisions, read and validate the corpus, grade it under
// both, compare them, and render the Spec view at 120×40.
func BenchmarkStartToFirstFrame(b *testing.B) {
	for b.Loop() {
		m := New(testConfig())
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		m.Update(load(m.cfg, m.ws)())
		if !strings.Contains(m.View().Content, "checks in") {
			b.Fatal("no results on the first frame")
		}
	}
}

// BenchmarkRender measures drawing one frame of each view at 120×40 from a
// loaded session.
func BenchmarkRender(b *testing.B) {
	m := loaded(b, 120, 40)
	m.openDevice("mt-plovik-vinta-9-lite-0031")
	b.ResetTimer()
	for b.Loop() {
		for v := range numViews {
			m.view = v
			_ = m.View()
		}
	}
}
