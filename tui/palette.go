package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/termtext"
)

// This file finds things: the go-to palette (:), which jumps to a
// criterion, a device, a revision or a view by part of its name; the
// revisions picker (r), which sets the base or the working revision from
// every revision of the workspace or one from git; and copying an ID to
// the terminal's clipboard (y).

// goTo opens the palette.
func (m *App) goTo() tea.Cmd {
	if m.s == nil {
		return nil
	}
	m.dlg = &dialog{
		title: "Go to",
		body:  []string{"A criterion, a device, a revision or a view: type part of its name or ID."},
		input: newInput(": ", "", min(m.width-12, 80)),
		pick:  m.goToItems,
	}
	m.dlg.refilter()
	return nil
}

// goToItems are what the palette finds for a text: the items whose label
// or detail hold every word, those whose label starts with the text first,
// then those whose label holds it.
func (m *App) goToItems(text string) []pickItem {
	words := strings.Fields(strings.ToLower(text))
	var all []pickItem
	for v := range numViews {
		all = append(all, pickItem{label: v.String(), detail: "view " + fmt.Sprint(int(v)+1), do: func(m *App) tea.Cmd {
			m.switchTo(v)
			return nil
		}})
	}
	for _, c := range m.s.work.Revision.Criteria() {
		all = append(all, pickItem{label: c.ID, detail: c.Category + " " + c.Level + " · " + c.Title, do: func(m *App) tea.Cmd {
			m.selectCriterion(c.ID)
			return nil
		}})
	}
	for _, r := range m.s.devices {
		d := r.dev
		all = append(all, pickItem{label: d.ID, detail: d.Name + " · " + d.Vendor + " · " + d.Category, do: func(m *App) tea.Cmd {
			m.openDevice(d.ID)
			return nil
		}})
	}
	for _, id := range m.s.std.IDs {
		all = append(all, pickItem{label: id, detail: "revision: " + m.revisionDetail(id) + " · work on it", do: func(m *App) tea.Cmd {
			return m.workOn(id)
		}})
	}
	var found []pickItem
	for _, it := range all {
		if matchWords(it.label+" "+it.detail, words) {
			found = append(found, it)
		}
	}
	// The label that starts with the text comes first, then one that holds
	// it, then the rest, each in the order above.
	text = strings.ToLower(strings.TrimSpace(text))
	rank := func(it pickItem) int {
		l := strings.ToLower(it.label)
		switch {
		case text == "":
			return 0
		case l == text:
			return 0
		case strings.HasPrefix(l, text):
			return 1
		case strings.Contains(l, text):
			return 2
		}
		return 3
	}
	slices.SortStableFunc(found, func(a, b pickItem) int { return cmp.Compare(rank(a), rank(b)) })
	return found
}

// revisionDetail says what a revision is: its status and base, or that it
// does not compile.
func (m *App) revisionDetail(id string) string {
	if r := m.s.std.Loaded(id); r != nil {
		out := r.Status
		if r.Base != "" {
			out += ", based on " + r.Base
		}
		return out
	}
	return "does not compile"
}

// selectCriterion shows a criterion of the working revision in the Spec
// view: its category, it selected among the criteria (the filter, if one
// hides it, cleared), its CUE.
func (m *App) selectCriterion(id string) {
	c := m.s.work.Revision.Criterion(id)
	if c == nil {
		m.notice = id + " is not a criterion of " + m.s.work.Revision.ID
		return
	}
	if !slices.Contains(m.spec.visible(&m.sh), c) {
		m.spec.clearFilter()
	}
	m.spec.show(&m.sh, c, layout(specView, m.width, m.height).panes[criteriaPane].inner().h)
	m.focus[specView] = slices.Index(viewPanes[specView], criteriaPane)
	m.switchTo(specView)
}

// pickRevisions opens the revisions picker: every revision of the
// workspace as the working revision or as the base, and, when the text
// names one (ID@REV), a base from git.
func (m *App) pickRevisions() tea.Cmd {
	if m.s == nil {
		return nil
	}
	m.dlg = &dialog{
		title: "The revisions compared",
		body: []string{
			termtext.Line(fmt.Sprintf("Now %s → %s. Pick one to work on, or one to compare with; a base", m.s.base.Revision.ID, m.sh.workID)),
			"from git is ID@REV (gbz177-2026@HEAD~1, gbz177-2026@v1.0).",
		},
		input: newInput("> ", "", min(m.width-12, 80)),
		pick:  m.revisionItems,
	}
	m.dlg.refilter()
	return nil
}

// revisionItems are the picker's items for a text.
func (m *App) revisionItems(text string) []pickItem {
	var out []pickItem
	if ref := spec.ParseRevisionRef(strings.TrimSpace(text)); ref.Git != "" && ref.ID != "" {
		out = append(out, pickItem{label: ref.String(), detail: "compare with it, read from git", do: func(m *App) tea.Cmd {
			return m.compareWith(ref.String())
		}})
	}
	words := strings.Fields(strings.ToLower(text))
	for _, id := range m.s.std.IDs {
		detail := m.revisionDetail(id)
		if matchWords(id+" "+detail+" work on", words) {
			out = append(out, pickItem{label: id, detail: "work on it · " + detail, do: func(m *App) tea.Cmd {
				return m.workOn(id)
			}})
		}
	}
	for _, r := range m.s.std.Revisions {
		detail := m.revisionDetail(r.ID)
		if matchWords(r.ID+" "+detail+" compare with base", words) {
			out = append(out, pickItem{label: r.ID, detail: "compare with it (base) · " + detail, do: func(m *App) tea.Cmd {
				return m.compareWith(r.ID)
			}})
		}
	}
	return out
}

// workOn makes a revision the working revision, keeping the base: one that
// compiles is evaluated; one that does not opens at its error.
func (m *App) workOn(id string) tea.Cmd {
	switch {
	case id == m.sh.workID && m.compileErr == nil:
		m.notice = "already working on " + id
		return nil
	case len(m.edit.modified()) > 0:
		m.notice = "save or undo your edits before switching revisions"
		return nil
	case m.busy || m.wsBusy:
		m.notice = "an evaluation is running: pick it again in a moment"
		return nil
	}
	if r := m.s.std.Loaded(id); r != nil {
		m.busy = true
		return reevaluate(m.s, m.s.base.Revision, r)
	}
	m.sh.workID = id
	m.compileErr = m.s.std.Broken[id]
	m.placeProblems()
	return tea.Batch(m.openProblem(), m.rememberState())
}

// compareWith makes a revision the base: one of the workspace's, or one
// from git (ID@REV), which the workspace is loaded again to read.
func (m *App) compareWith(ref string) tea.Cmd {
	switch {
	case len(m.edit.modified()) > 0:
		m.notice = "save or undo your edits before switching revisions"
		return nil
	case m.busy || m.wsBusy:
		m.notice = "an evaluation is running: pick it again in a moment"
		return nil
	}
	if r := m.s.std.Loaded(ref); r != nil {
		m.busy = true
		m.cfg.Base = r.ID
		return reevaluate(m.s, r, m.s.work.Revision)
	}
	m.cfg.Base = ref
	m.notice = "reading " + ref + " from git"
	return m.reloadWith(ref, m.sh.workID)
}

// copyID copies text to the terminal's clipboard (OSC 52), and says so.
func (m *App) copyID(text string) tea.Cmd {
	if text == "" {
		m.notice = "nothing selected to copy"
		return nil
	}
	m.notice = "copied " + truncate(text, 60) + " to the clipboard"
	return tea.SetClipboard(text)
}
