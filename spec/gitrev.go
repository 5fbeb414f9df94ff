package spec

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path"
	"slices"
	"strconv"
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

// gitLimit bounds what is read of a committed cue/ directory: its files
// together, and what git prints. Tests lower it.
var gitLimit int64 = 256 << 20

// maxGitLink bounds the target of a symbolic link read from git.
const maxGitLink = 4 << 10

// AtCommit returns the workspace's cue/ directory as it was at a git
// revision, read from the repository that holds the workspace. Only what
// the tree holds is read: regular files, and symbolic links that lead to
// one of its files; a link that leads out of cue/ or to a directory, and
// a submodule, are there but cannot be read. Nothing is read past
// gitLimit, whose sizes git gives before anything is read.
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
	fsys, err := readGitTree(w.dir, tree, rev)
	if err != nil {
		return nil, fmt.Errorf("reading %s from git: %w", tree, err)
	}
	at := NewWorkspace(fsys, rev+":")
	at.limits = w.limits
	return at, nil
}

// gitEntry is a file of a tree read from git.
type gitEntry struct {
	mode, kind, object string
	size               int64
}

// readGitTree reads the tree that git names tree, as the cue/ directory
// of a file system, within gitLimit.
func readGitTree(dir, tree, rev string) (fs.FS, error) {
	out, err := git(dir, "ls-tree", "-r", "-l", "-z", tree)
	if err != nil {
		return nil, err
	}
	entries := map[string]gitEntry{}
	var names []string
	for line := range strings.SplitSeq(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		if line == "" {
			continue
		}
		meta, name, ok := strings.Cut(line, "\t")
		fields := strings.Fields(meta)
		if !ok || len(fields) != 4 || !fs.ValidPath(name) {
			return nil, fmt.Errorf("git ls-tree printed %q, which Ladder does not understand", line)
		}
		e := gitEntry{mode: fields[0], kind: fields[1], object: fields[2], size: -1}
		if fields[3] != "-" {
			if e.size, err = strconv.ParseInt(fields[3], 10, 64); err != nil || e.size < 0 {
				return nil, fmt.Errorf("git ls-tree printed %q, which Ladder does not understand", line)
			}
		}
		entries[name] = e
		names = append(names, name)
	}
	// Every size is known before anything is read.
	var total int64
	var read []string
	refused := map[string]error{}
	for _, name := range names {
		e := entries[name]
		switch {
		case e.kind == "blob" && (e.mode == "100644" || e.mode == "100755"):
			total += e.size
			if e.size > gitLimit || total > gitLimit {
				return nil, fmt.Errorf("cue/%s is %s, and Ladder reads at most %s of a revision in git", name, ByteSize(e.size), ByteSize(gitLimit))
			}
			read = append(read, name)
		case e.kind == "blob" && e.mode == "120000":
			if e.size > maxGitLink {
				refused[name] = fmt.Errorf("it is a symbolic link of %s, which Ladder does not follow", ByteSize(e.size))
				continue
			}
			total += e.size
			read = append(read, name)
		case e.kind == "commit":
			refused[name] = errors.New("it is a git submodule, which Ladder does not read")
		default:
			refused[name] = fmt.Errorf("it is a git %s of mode %s, not a regular file, and Ladder reads only regular files", e.kind, e.mode)
		}
	}
	data, err := catBlobs(dir, entries, read)
	if err != nil {
		return nil, err
	}
	files := fstest.MapFS{}
	for _, name := range read {
		if entries[name].mode != "120000" {
			files[path.Join("cue", name)] = &fstest.MapFile{Data: data[name], Mode: 0o644}
		}
	}
	// A symbolic link reads as the file it leads to, inside the tree.
	for _, name := range read {
		if entries[name].mode != "120000" {
			continue
		}
		target, err := resolveGitLink(name, entries, data)
		if err != nil {
			refused[name] = fmt.Errorf("it is a symbolic link that %v, and Ladder reads only the files of cue/ at %s", err, rev)
			continue
		}
		files[path.Join("cue", name)] = &fstest.MapFile{Data: data[target], Mode: 0o644}
	}
	g := &gitFS{files: files, refused: map[string]error{}}
	for name, err := range refused {
		files[path.Join("cue", name)] = &fstest.MapFile{Mode: fs.ModeIrregular}
		g.refused[path.Join("cue", name)] = err
	}
	return g, nil
}

// resolveGitLink returns the regular file of a tree that the symbolic link
// name leads to, following links, or says where it leads instead.
func resolveGitLink(name string, entries map[string]gitEntry, data map[string][]byte) (string, error) {
	for range 40 {
		target := string(data[name])
		if path.IsAbs(target) {
			return "", fmt.Errorf("leads to the absolute path %q", target)
		}
		next := path.Join(path.Dir(name), target)
		if next == ".." || strings.HasPrefix(next, "../") {
			return "", fmt.Errorf("leads to %q, outside the tree", target)
		}
		e, ok := entries[next]
		switch {
		case !ok:
			return "", fmt.Errorf("leads to %q, which is no file of the tree", target)
		case e.mode == "120000" && data[next] != nil:
			name = next
		case e.mode == "100644" || e.mode == "100755":
			return next, nil
		default:
			return "", fmt.Errorf("leads to %q, which is not a regular file", target)
		}
	}
	return "", errors.New("leads through more than 40 links")
}

// catBlobs reads the blobs of the named entries with git cat-file, each
// no longer than ls-tree said.
func catBlobs(dir string, entries map[string]gitEntry, names []string) (map[string][]byte, error) {
	data := make(map[string][]byte, len(names))
	if len(names) == 0 {
		return data, nil
	}
	var objects strings.Builder
	for _, name := range names {
		objects.WriteString(entries[name].object + "\n")
	}
	cmd := exec.Command("git", "-C", dir, "cat-file", "--batch")
	cmd.Stdin = strings.NewReader(objects.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, gitError(err, &stderr)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	r := bufio.NewReaderSize(stdout, 4096)
	for _, name := range names {
		e := entries[name]
		header, err := r.ReadSlice('\n')
		if err != nil {
			return nil, fmt.Errorf("reading cue/%s with git cat-file: %w", name, err)
		}
		fields := strings.Fields(string(header))
		if len(fields) != 3 || fields[0] != e.object || fields[1] != "blob" || fields[2] != strconv.FormatInt(e.size, 10) {
			return nil, fmt.Errorf("reading cue/%s with git cat-file: it printed %q", name, strings.TrimSpace(string(header)))
		}
		b := make([]byte, e.size+1)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("reading cue/%s with git cat-file: %w", name, err)
		}
		data[name] = b[:e.size]
	}
	return data, nil
}

// gitFS is a tree read from git, whose refused files are listed but
// cannot be opened.
type gitFS struct {
	files   fstest.MapFS
	refused map[string]error
}

func (g *gitFS) Open(name string) (fs.File, error) {
	if err := g.refused[name]; err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return g.files.Open(name)
}

func (g *gitFS) Stat(name string) (fs.FileInfo, error) {
	if err := g.refused[name]; err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	return g.files.Stat(name)
}

func (g *gitFS) ReadDir(name string) ([]fs.DirEntry, error) {
	return g.files.ReadDir(name)
}

// git runs git in dir and returns its output, or an error that holds what
// git said. It reads no more than gitLimit of the output.
func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, gitError(err, &stderr)
	}
	out, rerr := io.ReadAll(io.LimitReader(stdout, gitLimit+1))
	if int64(len(out)) > gitLimit {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("git printed more than %s", ByteSize(gitLimit))
	}
	if err := cmd.Wait(); err != nil {
		return nil, gitError(err, &stderr)
	}
	if rerr != nil {
		return nil, rerr
	}
	return out, nil
}

// gitError is the error of a git command that failed, with what git said.
func gitError(err error, stderr *bytes.Buffer) error {
	msg := strings.TrimSpace(stderr.String())
	if errors.Is(err, exec.ErrNotFound) {
		msg = "git is not installed"
	}
	if msg == "" {
		msg = err.Error()
	}
	return errors.New(strings.TrimPrefix(msg, "fatal: "))
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
