package spectest

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// The built-in revisions.
const (
	Edition = "gbz177-2026"
	Draft   = "gbz177-l4-draft"
)

// The revisions of the second example standard, testdata/autonomy: a ladder
// that is not GB/Z 177 (three categories of five, three and four levels,
// families of their own, nested measurements). The draft has one level more
// than the edition.
const (
	AutonomyEdition = "autonomy-2026"
	AutonomyDraft   = "autonomy-2027-draft"
)

// Autonomy returns the directory of the second example standard, a
// workspace of its own.
func Autonomy(t testing.TB) string {
	t.Helper()
	return filepath.Join(Root(t), "testdata", "autonomy")
}

// Timeout bounds the compilation of a revision in tests: far more than
// any revision of the built-in standard needs.
const Timeout = time.Minute

// Trees are the directories of the repository that make the built-in
// standard: the CUE module and the reference corpus. They are what the
// ladder binary embeds, which a test of the command holds.
var Trees = []string{"cue", "fixtures/devices"}

// RevFile is the workspace path of a file of a revision, such as
// cue/revisions/gbz177-2026/schema.cue.
func RevFile(rev, name string) string {
	return path.Join("cue/revisions", rev, name)
}

// Edit is a change to one file of the built-in standard: the first
// occurrence of Old becomes New. An empty Old makes New the whole file,
// which may be a new one.
type Edit struct {
	File     string
	Old, New string
}

// Replace is the edit of the first Old in file to New.
func Replace(file, old, new string) Edit {
	return Edit{File: file, Old: old, New: new}
}

var (
	rootOnce sync.Once
	root     string
	rootErr  error
)

// Root returns the repository's root directory: the nearest directory at or
// above the test's working directory that holds go.mod and cue/revisions.
func Root(t testing.TB) string {
	t.Helper()
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			rootErr = err
			return
		}
		for {
			if isRepo(dir) {
				root = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				rootErr = fs.ErrNotExist
				return
			}
			dir = parent
		}
	})
	if rootErr != nil {
		t.Fatalf("spectest: no repository above the working directory: %v", rootErr)
	}
	return root
}

func isRepo(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return false
	}
	info, err := os.Stat(filepath.Join(dir, "cue", "revisions"))
	return err == nil && info.IsDir()
}

// FS returns the built-in standard and corpus in memory, with the edits
// made, as a workspace's file system.
func FS(t testing.TB, edits ...Edit) fstest.MapFS {
	t.Helper()
	repo := os.DirFS(Root(t))
	m := fstest.MapFS{}
	for _, tree := range Trees {
		err := fs.WalkDir(repo, tree, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(repo, p)
			m[p] = &fstest.MapFile{Data: data, Mode: 0o644}
			return err
		})
		if err != nil {
			t.Fatalf("spectest: copying %s: %v", tree, err)
		}
	}
	for _, e := range edits {
		var old []byte
		if f := m[e.File]; f != nil {
			old = f.Data
		}
		data, err := apply(old, e)
		if err != nil {
			t.Fatalf("spectest: %v", err)
		}
		m[e.File] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	return m
}

// Dir writes the built-in standard and corpus, with the edits made, to a
// new directory of the test's, and returns it: a workspace on disk.
func Dir(t testing.TB, edits ...Edit) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, FS(t, edits...)); err != nil {
		t.Fatalf("spectest: writing the workspace: %v", err)
	}
	return dir
}

// apply makes an edit to a file's text, nil for a file that does not
// exist.
func apply(data []byte, e Edit) ([]byte, error) {
	switch {
	case e.Old == "":
		return []byte(e.New), nil
	case data == nil:
		return nil, fmt.Errorf("editing %s: there is no such file", e.File)
	case !bytes.Contains(data, []byte(e.Old)):
		return nil, fmt.Errorf("editing %s: the file does not hold %q", e.File, e.Old)
	}
	return bytes.Replace(data, []byte(e.Old), []byte(e.New), 1), nil
}
