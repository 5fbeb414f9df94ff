package spec

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing/fstest"
	"time"
)

// This file reads revisions of the standard from the git history of a
// workspace: a reviewer names one as ID@REV, such as gbz177-l4-draft@HEAD~1,
// to diff a draft against its last commit.

// RevisionRef is a revision named on the command line: an ID, and the git
// revision to read it from, or "" for the workspace as it is on disk.
type RevisionRef struct {
	ID, Git string
}

// ParseRevisionRef reads ID or ID@REV.
func ParseRevisionRef(s string) RevisionRef {
	id, git, _ := strings.Cut(s, "@")
	return RevisionRef{ID: id, Git: git}
}

// String is how reports name the revision.
func (r RevisionRef) String() string {
	if r.Git == "" {
		return r.ID
	}
	return r.ID + "@" + r.Git
}

// maxGitTree bounds what is read of a committed cue/ directory.
const maxGitTree = 256 << 20

// AtCommit returns the workspace's cue/ directory as it was at a git
// revision, read with git archive from the repository that holds the
// workspace.
func (w *Workspace) AtCommit(rev string) (*Workspace, error) {
	if w.dir == "" {
		return nil, errors.New("a revision@commit is read from the git repository of a workspace, and the built-in standard has none: run in a workspace inside a git repository, or give --workspace DIR")
	}
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("%q is not a git revision", rev)
	}
	prefix, err := git(w.dir, "rev-parse", "--show-prefix")
	if err != nil {
		return nil, fmt.Errorf("reading %s from git: %w", rev, err)
	}
	tree := rev + ":" + path.Join(strings.TrimSpace(string(prefix)), "cue")
	data, err := git(w.dir, "archive", "--format=tar", tree)
	if err != nil {
		return nil, fmt.Errorf("reading %s from git: %w", tree, err)
	}
	fsys := fstest.MapFS{}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s from git: %w", tree, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, maxGitTree))
		if err != nil {
			return nil, fmt.Errorf("reading %s from git: %w", tree, err)
		}
		fsys[path.Join("cue", h.Name)] = &fstest.MapFile{Data: b}
	}
	at := NewWorkspace(fsys, rev+":")
	at.limits = w.limits
	return at, nil
}

// git runs git in dir and returns its output, or an error that holds what
// git said.
func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if errors.Is(err, exec.ErrNotFound) {
			msg = "git is not installed"
		}
		if msg == "" {
			msg = err.Error()
		}
		return nil, errors.New(strings.TrimPrefix(msg, "fatal: "))
	}
	if len(out) > maxGitTree {
		return nil, fmt.Errorf("git printed more than %d MiB", maxGitTree>>20)
	}
	return out, nil
}

// Resolve returns the revision a reference names: one of the standard's, or
// one read from the git history of the workspace w, compiled within
// timeout.
func (s *Standard) Resolve(w *Workspace, ref RevisionRef, timeout time.Duration) (*Revision, error) {
	switch {
	case ref.ID == "":
		return nil, &UnknownRevisionError{ID: ref.String(), Available: s.IDs}
	case ref.Git == "":
		return s.Choose(ref.ID)
	}
	at, err := w.AtCommit(ref.Git)
	if err != nil {
		return nil, err
	}
	ids, err := at.Revisions()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", ref, err)
	}
	if !slices.Contains(ids, ref.ID) {
		var available []string
		for _, id := range ids {
			available = append(available, id+"@"+ref.Git)
		}
		return nil, &UnknownRevisionError{ID: ref.String(), Available: available}
	}
	lim := at.Limits()
	if timeout > 0 {
		lim.Time = timeout
	}
	return at.load(context.Background(), ref.ID, lim)
}
