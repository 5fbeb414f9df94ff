package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// workspaceFlag declares the --workspace flag common to every command.
func workspaceFlag(fs *flag.FlagSet) *string {
	return fs.String("workspace", "", "work on the workspace in `DIR` (default: the current directory if it holds cue/revisions, else the built-in standard)")
}

// workspace is the standard that a command works on: a directory on disk or
// the built-in one.
type workspace struct {
	*spec.Workspace
	// fsys holds the workspace's files: cue/ and fixtures/.
	fsys fs.FS
	// dir is the workspace's directory, or "" for the built-in standard.
	dir string
}

// describe names the workspace for messages.
func (w *workspace) describe() string {
	if w.dir == "" {
		return "the built-in standard"
	}
	return "workspace " + w.dir
}

// openWorkspace returns the workspace named by --workspace, else the current
// directory if it is a workspace, else the built-in standard.
func openWorkspace(dir string) (*workspace, error) {
	if dir != "" {
		if err := checkWorkspace(dir); err != nil {
			return nil, err
		}
		fsys := os.DirFS(dir)
		return &workspace{spec.NewWorkspace(fsys, filepath.Clean(dir)), fsys, filepath.Clean(dir)}, nil
	}
	if checkWorkspace(".") == nil {
		fsys := os.DirFS(".")
		return &workspace{spec.NewWorkspace(fsys, ""), fsys, "."}, nil
	}
	return &workspace{spec.NewWorkspace(builtin, ""), builtin, ""}, nil
}

// loadCorpus reads the device records of the given files and directories,
// or the workspace's reference corpus when there are none. Records that do
// not decode are among the corpus's problems; an error means that a path
// could not be read at all.
func (w *workspace) loadCorpus(paths []string) (*fixtures.Corpus, error) {
	return w.loadCorpusWith(len(paths) == 0, paths)
}

// loadCorpusWith reads the device records of the given files and
// directories, after those of the reference corpus if reference is set.
func (w *workspace) loadCorpusWith(reference bool, paths []string) (*fixtures.Corpus, error) {
	l := fixtures.NewLoader()
	if reference {
		if _, err := fs.Stat(w.fsys, fixtures.DevicesDir); err != nil {
			return nil, fmt.Errorf("%s has no reference corpus in %s; give devices with --corpus", w.describe(), filepath.FromSlash(fixtures.DevicesDir))
		}
		if err := l.AddFS(w.fsys, fixtures.DevicesDir, w.DisplayPath(fixtures.DevicesDir)); err != nil {
			return nil, err
		}
	}
	for _, p := range paths {
		if err := l.AddPath(p); err != nil {
			return nil, err
		}
	}
	return l.Corpus(), nil
}

func checkWorkspace(dir string) error {
	revs := filepath.Join(dir, filepath.FromSlash(spec.RevisionsDir))
	info, err := os.Stat(revs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s is not a Ladder workspace: it has no %s (make one with \"ladder init %s\")", dir, filepath.FromSlash(spec.RevisionsDir), dir)
	case err != nil:
		return fmt.Errorf("opening workspace %s: %w", dir, err)
	case !info.IsDir():
		return fmt.Errorf("%s is not a Ladder workspace: %s is not a directory", dir, revs)
	}
	return nil
}

// root is how positions show the workspace's directory: "" for the current
// directory and the built-in standard.
func (w *workspace) root() string {
	if w.dir == "." {
		return ""
	}
	return w.dir
}
