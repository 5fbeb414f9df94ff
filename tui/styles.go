package tui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/redline"
)

// styles are every look of the workbench, declared once and named for what
// they mean. They are rebuilt when the terminal says whether its
// background is dark.
type styles struct {
	tab, activeTab    lipgloss.Style
	title, dim, bold  lipgloss.Style
	pane              lipgloss.Style
	selected          lipgloss.Style
	status, statusErr lipgloss.Style
	stale             lipgloss.Style
	theirs            lipgloss.Style
	levels            [spec.MaxLevels + 1]lipgloss.Style
	verdicts          map[evaluator.Verdict]lipgloss.Style
	kinds             map[spec.ChangeKind]lipgloss.Style
	badge             map[string]lipgloss.Style
	up, down          lipgloss.Style
	syntax            syntaxStyles
	redline           redline.Styles
	help              help.Styles
	accent            color.Color
	// dark is set for a dark background.
	dark bool
}

// syntaxStyles color CUE source.
type syntaxStyles struct {
	keyword, label, str, number, comment, operator, attr lipgloss.Style
}

// levelMarks draw a level in a bar where color may not show: L0 to L9.
var levelMarks = [spec.MaxLevels + 1]string{"·", "░", "▒", "▓", "█", "▚", "▞", "▙", "▟", "▛"}

func newStyles(isDark bool) styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#A78BFA"))
	subtle := ld(lipgloss.Color("#8A8A8A"), lipgloss.Color("#6C6C6C"))
	border := ld(lipgloss.Color("#C8C8C8"), lipgloss.Color("#444444"))
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	red, green := ld(lipgloss.Color("#B42318"), lipgloss.Color("#F97066")), ld(lipgloss.Color("#067647"), lipgloss.Color("#47CD89"))
	yellow := ld(lipgloss.Color("#B54708"), lipgloss.Color("#FDB022"))
	blue := ld(lipgloss.Color("#175CD3"), lipgloss.Color("#53B1FD"))
	cyan := ld(lipgloss.Color("#0E7090"), lipgloss.Color("#67E3F9"))
	magenta := ld(lipgloss.Color("#9F1AB1"), lipgloss.Color("#EE46BC"))
	s := styles{
		tab:       lipgloss.NewStyle().Padding(0, 1).Foreground(subtle),
		activeTab: lipgloss.NewStyle().Padding(0, 1).Bold(true).Foreground(accent).Underline(true),
		title:     lipgloss.NewStyle().Bold(true).Foreground(accent),
		dim:       fg(subtle),
		bold:      lipgloss.NewStyle().Bold(true),
		pane:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(border),
		selected:  lipgloss.NewStyle().Reverse(true),
		status:    fg(subtle),
		statusErr: lipgloss.NewStyle().Bold(true).Foreground(red),
		stale:     lipgloss.NewStyle().Foreground(yellow),
		theirs:    lipgloss.NewStyle().Bold(true).Foreground(magenta),
		levels: [spec.MaxLevels + 1]lipgloss.Style{fg(subtle), fg(blue), fg(cyan), fg(green), fg(magenta),
			fg(yellow), fg(red), fg(accent), fg(blue).Bold(true), fg(green).Bold(true)},
		verdicts: map[evaluator.Verdict]lipgloss.Style{
			evaluator.Pass: fg(green), evaluator.Fail: fg(red), evaluator.Missing: fg(yellow),
		},
		kinds: map[spec.ChangeKind]lipgloss.Style{
			spec.Added: fg(green), spec.Removed: fg(red), spec.Tightened: fg(magenta),
			spec.Loosened: fg(cyan), spec.Changed: fg(yellow), spec.Moved: fg(blue), spec.Edited: fg(blue),
		},
		badge: map[string]lipgloss.Style{
			"normative": fg(green), "informative": fg(blue), "illustrative": fg(yellow),
		},
		up:   fg(green),
		down: fg(red),
		syntax: syntaxStyles{
			keyword: fg(magenta), label: fg(blue), str: fg(green), number: fg(yellow),
			comment: fg(subtle).Italic(true), operator: fg(cyan), attr: fg(subtle),
		},
		redline: redline.Styles{
			File: lipgloss.NewStyle().Bold(true), Hunk: fg(cyan), LineNumber: fg(subtle),
			Delete: fg(red), Insert: fg(green),
			DeleteWord: fg(red).Reverse(true), InsertWord: fg(green).Reverse(true),
		},
		help:   help.DefaultStyles(isDark),
		accent: accent,
		dark:   isDark,
	}
	return s
}
