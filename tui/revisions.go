package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/termtext"
	"github.com/ladderworks/ladder/tui/safefile"
)

// This file forks, renames and deletes draft revisions: directories of the
// workspace's cue/revisions, whose revision block names them.

// revisionIDPattern is what a new revision's ID may be: its directory name.
var revisionIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// revisionKey handles n (fork), R (rename) and D (delete) in Spec.
func (m *App) revisionKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.s == nil {
		return nil
	}
	if m.cfg.Workspace.Dir() == "" {
		m.askWorkspace(func(m *App) tea.Cmd { return m.revisionKey(msg) })
		return nil
	}
	work := m.s.work.Revision
	switch {
	case work.ID != m.sh.workID:
		m.notice = m.sh.workID + " does not compile: fix it first (7 lists its errors), then fork, rename or delete it"
	case key.Matches(msg, m.keys.Fork):
		m.askFork(work)
	case work.Status != spec.RevisionDraft:
		m.notice = work.ID + " is published: only drafts are renamed or deleted (fork one with f)"
	case m.hasEdits(work.ID):
		m.notice = "save or undo your edits of " + work.ID + " first"
	case key.Matches(msg, m.keys.Rename):
		m.askRename(work)
	case key.Matches(msg, m.keys.Delete):
		m.askDelete(work)
	}
	return nil
}

func (m *App) hasEdits(rev string) bool {
	for _, f := range m.edit.modified() {
		if f.rev == rev {
			return true
		}
	}
	return false
}

// freeID returns an unused revision ID made from id.
func (m *App) freeID(id string) string {
	for n := 2; ; n++ {
		cand := fmt.Sprintf("%s-%d", id, n)
		if !slices.Contains(m.s.std.IDs, cand) {
			return cand
		}
	}
}

// checkNewID says what is wrong with an ID for a new revision, or "".
func (m *App) checkNewID(id string) string {
	switch {
	case !revisionIDPattern.MatchString(id):
		return "an ID is lower-case letters, digits, '.', '_' and '-', such as gbz177-l4-draft-2"
	case slices.Contains(m.s.std.IDs, id):
		return "the workspace has a revision " + id + " already"
	}
	return ""
}

func (m *App) askFork(from *spec.Revision) {
	m.dlg = &dialog{
		title: "Fork a draft from " + from.ID,
		body: []string{
			termtext.Line("A new draft revision: a copy of " + from.ID + " with status \"draft\" and base " + from.ID + ","),
			"which becomes the working revision. Its ID (the directory's name):",
		},
		input: newInput("> ", m.freeID(from.ID), 60),
		submit: func(m *App, id string) tea.Cmd {
			if e := m.checkNewID(id); e != "" {
				m.dlg.err = e
				return nil
			}
			m.dlg = nil
			dir := m.cfg.Workspace.Dir()
			return func() tea.Msg {
				err := forkRevision(dir, from, id)
				return revisionOpMsg{working: id, err: err}
			}
		},
	}
}

func (m *App) askRename(rev *spec.Revision) {
	m.dlg = &dialog{
		title: "Rename the draft " + rev.ID,
		body:  []string{"Its directory and its revision.id change; drafts based on it follow. New ID:"},
		input: newInput("> ", rev.ID, 60),
		submit: func(m *App, id string) tea.Cmd {
			if id == rev.ID {
				m.dlg = nil
				return nil
			}
			if e := m.checkNewID(id); e != "" {
				m.dlg.err = e
				return nil
			}
			m.dlg = nil
			dir, others := m.cfg.Workspace.Dir(), m.s.std.Revisions
			m.forget(rev.ID)
			return func() tea.Msg {
				return revisionOpMsg{working: id, err: renameRevision(dir, rev, id, others)}
			}
		},
	}
}

func (m *App) askDelete(rev *spec.Revision) {
	body := []string{
		termtext.Line("This deletes " + filepath.Join(m.cfg.Workspace.Dir(), spec.RevisionsDir, rev.ID) + " and every file in it."),
		termtext.Line("The working revision becomes " + orNone(rev.Base) + "."),
	}
	children := m.childrenOf(rev.ID)
	if len(children) > 0 {
		body = append(body, "", termtext.Line(fmt.Sprintf("Based on it: %s. Their base becomes %s.", strings.Join(children, ", "), orNone(rev.Base))))
	}
	m.dlg = &dialog{
		title: "Delete the draft " + rev.ID + "?",
		body:  body,
		choices: []choice{{m.keys.DeleteDraft, func(m *App) tea.Cmd {
			dir, others := m.cfg.Workspace.Dir(), m.s.std.Revisions
			m.forget(rev.ID)
			return func() tea.Msg {
				return revisionOpMsg{working: rev.Base, err: deleteRevision(dir, rev, others)}
			}
		}}},
	}
}

// childrenOf returns the IDs of the loaded revisions forked from a revision.
func (m *App) childrenOf(id string) []string {
	var out []string
	for _, r := range m.s.std.Revisions {
		if r.Base == id && r.ID != id {
			out = append(out, r.ID)
		}
	}
	return out
}

// forget closes the files of a revision, which has no unsaved edits.
func (m *App) forget(rev string) {
	for key, f := range m.edit.files {
		if f.rev == rev {
			delete(m.edit.files, key)
		}
	}
	if m.edit.files[m.edit.cur] == nil {
		m.edit.cur = ""
	}
}

// revisionDone reloads the standard after a revision was forked, renamed
// or deleted, with the new working revision.
func (m *App) revisionDone(msg revisionOpMsg) tea.Cmd {
	if msg.err != nil {
		m.err = msg.err
		return nil
	}
	m.notice = "the working revision is now " + orNone(msg.working)
	base := ""
	if m.s != nil {
		base = m.s.base.Revision.ID
	}
	m.cfg.Working = msg.working
	cmd := m.reloadWith(base, msg.working)
	return cmd
}

// forkRevision copies a revision's files to a new revision directory, as a
// draft based on it.
func forkRevision(dir string, from *spec.Revision, id string) error {
	target := filepath.Join(dir, filepath.FromSlash(spec.RevisionsDir), id)
	if _, err := os.Stat(target); err == nil {
		return fmt.Errorf("forking %s: %s exists already", from.ID, target)
	}
	found := false
	for _, f := range from.Files {
		data := f.Data
		out, ok, err := setRevision(data, map[string]string{"id": id, "status": spec.RevisionDraft, "base": from.ID})
		if err != nil {
			return fmt.Errorf("forking %s: %s: %w", from.ID, f.Name, err)
		}
		if ok {
			data, found = out, true
		}
		name := filepath.Join(target, filepath.Base(f.Name))
		if _, err := safefile.Save(name, data, safefile.Stamp{}, safefile.Options{}); err != nil {
			_ = os.RemoveAll(target)
			return fmt.Errorf("forking %s: %w", from.ID, err)
		}
	}
	if !found {
		_ = os.RemoveAll(target)
		return fmt.Errorf("forking %s: no file of it declares revision: {...}", from.ID)
	}
	return nil
}

// renameRevision renames a draft's directory and ID, and the base of the
// revisions forked from it.
func renameRevision(dir string, rev *spec.Revision, id string, all []*spec.Revision) error {
	revs := filepath.Join(dir, filepath.FromSlash(spec.RevisionsDir))
	if err := os.Rename(filepath.Join(revs, rev.ID), filepath.Join(revs, id)); err != nil {
		return fmt.Errorf("renaming %s: %w", rev.ID, err)
	}
	if err := rewriteRevision(revs, rev, id, map[string]string{"id": id}); err != nil {
		return fmt.Errorf("renaming %s: %w", rev.ID, err)
	}
	if err := rebase(revs, rev.ID, id, all); err != nil {
		return fmt.Errorf("renaming %s: %w", rev.ID, err)
	}
	return nil
}

// deleteRevision deletes a draft's directory, and gives the revisions forked
// from it its own base (none, if it has none).
func deleteRevision(dir string, rev *spec.Revision, all []*spec.Revision) error {
	revs := filepath.Join(dir, filepath.FromSlash(spec.RevisionsDir))
	if err := rebase(revs, rev.ID, rev.Base, all); err != nil {
		return fmt.Errorf("deleting %s: %w", rev.ID, err)
	}
	if err := os.RemoveAll(filepath.Join(revs, rev.ID)); err != nil {
		return fmt.Errorf("deleting %s: %w", rev.ID, err)
	}
	return nil
}

// rebase sets the base of the revisions based on from to to, or removes
// it when to is "".
func rebase(revs, from, to string, all []*spec.Revision) error {
	for _, r := range all {
		if r.Base == from && r.ID != from {
			if err := rewriteRevision(revs, r, r.ID, map[string]string{"base": to}); err != nil {
				return fmt.Errorf("the base of %s: %w", r.ID, err)
			}
		}
	}
	return nil
}

// rewriteRevision sets fields of the revision block of a revision's files,
// now in the directory dirID; a field set to "" is removed.
func rewriteRevision(revs string, r *spec.Revision, dirID string, fields map[string]string) error {
	for _, f := range r.Files {
		name := filepath.Join(revs, dirID, filepath.Base(f.Name))
		data, stamp, err := safefile.Read(name)
		if err != nil {
			return err
		}
		out, ok, err := setRevision(data, fields)
		if err != nil || !ok {
			continue
		}
		if _, err := safefile.Save(name, out, stamp, safefile.Options{}); err != nil {
			return err
		}
	}
	return nil
}

// setRevision sets fields of a file's top-level revision block to strings,
// adding those it lacks and removing those set to "". It reports whether
// the file has the block.
func setRevision(src []byte, fields map[string]string) ([]byte, bool, error) {
	f, err := parser.ParseFile("revision.cue", src, parser.ParseComments)
	if err != nil {
		return nil, false, err
	}
	var block *ast.StructLit
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.Field); ok {
			if name, _, _ := ast.LabelName(fd.Label); name == "revision" {
				block, _ = fd.Value.(*ast.StructLit)
			}
		}
	}
	if block == nil {
		return src, false, nil
	}
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		lit := &ast.BasicLit{Kind: token.STRING, Value: fmt.Sprintf("%q", fields[n])}
		set := false
		block.Elts = slices.DeleteFunc(block.Elts, func(e ast.Decl) bool {
			fd, ok := e.(*ast.Field)
			if !ok {
				return false
			}
			if name, _, _ := ast.LabelName(fd.Label); name != n {
				return false
			}
			if fields[n] == "" {
				return true // removed
			}
			fd.Value, set = lit, true
			return false
		})
		if !set && fields[n] != "" {
			block.Elts = append(block.Elts, &ast.Field{Label: ast.NewIdent(n), Value: lit})
		}
	}
	out, err := format.Node(f)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}
