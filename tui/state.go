package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

	tea "charm.land/bubbletea/v2"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/tui/safefile"
)

// The workbench remembers, in the workspace's .ladder/state.json, the
// revisions the drafter was comparing, and starts on them again unless
// --base or --rev says otherwise.

// statePath is where the state is kept, in a workspace.
const statePath = ".ladder/state.json"

// savedState is what the workbench remembers of a session.
type savedState struct {
	Base    string `json:"base,omitempty"`
	Working string `json:"working,omitempty"`
}

// readState reads the remembered state of a workspace on disk; none for
// the built-in standard, or when there is none or it cannot be read.
func readState(ws *spec.Workspace) savedState {
	var st savedState
	if ws.Dir() == "" {
		return st
	}

	data, err := os.ReadFile(ws.Path(statePath))
	if err != nil || len(data) > 4096 {
		return savedState{}
	}
	if json.Unmarshal(data, &st) != nil {
		return savedState{}
	}
	return st
}

// remembered fills in the revisions a configuration leaves to the default
// with those the state remembers, where the workspace still has them: a
// base that loads (or one from git), a working revision whether it
// compiles or not.
func remembered(cfg Config, std *spec.Standard) Config {
	if !cfg.Remember {
		return cfg
	}
	st := readState(cfg.Workspace)
	if ref := spec.ParseRevisionRef(st.Base); cfg.Base == "" && (ref.Git != "" && slices.Contains(std.IDs, ref.ID) || std.Loaded(ref.ID) != nil) {
		cfg.Base = st.Base
	}
	if cfg.Working == "" && slices.Contains(std.IDs, st.Working) {
		cfg.Working = st.Working
	}
	return cfg
}

// rememberState writes what the session compares to the state, when it
// changed: a command, run off the UI.
func (m *App) rememberState() tea.Cmd {
	if !m.cfg.Remember || m.cfg.Workspace.Dir() == "" || m.s == nil || m.sh.workID == "" {
		return nil
	}
	st := savedState{Base: m.s.base.Revision.ID, Working: m.sh.workID}
	if ref := spec.ParseRevisionRef(m.cfg.Base); ref.Git != "" && ref.ID == st.Base && m.s.std.Loaded(st.Base) != m.s.base.Revision {
		st.Base = m.cfg.Base
	}
	if st == m.state {
		return nil
	}
	m.state = st
	path, within := m.cfg.Workspace.Path(statePath), m.cfg.Workspace.Dir()
	return func() tea.Msg {
		data, err := json.MarshalIndent(st, "", "  ")
		if err == nil {
			// Save makes .ladder, inside the workspace only.
			_, err = safefile.Save(path, append(data, '\n'), safefile.Stamp{}, safefile.Options{Force: true, Within: within})
		}
		if err != nil && !errors.Is(err, fs.ErrPermission) {
			return noticeMsg{err: fmt.Errorf("remembering the revisions in %s: %w", statePath, err)}
		}
		return nil
	}
}
