package spec

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// repo is the repository root, which holds the built-in standard under cue/.
var repo = os.DirFS("..")

const (
	edition = "gbz177-2026"
	draft   = "gbz177-l4-draft"
)

func revFile(rev, name string) string { return "cue/revisions/" + rev + "/" + name }

// edit is a change to one file of the built-in standard: the first
// occurrence of Old becomes New.
type edit struct {
	File     string
	Old, New string
}

// builtinWith returns a copy of the built-in standard with the edits made.
// A test fails if an edit's Old text is not in its file, so that a test cannot
// pass by editing nothing.
func builtinWith(t testing.TB, edits ...edit) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(repo, "cue", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(repo, p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		f, ok := m[e.File]
		if e.Old == "" {
			m[e.File] = &fstest.MapFile{Data: []byte(e.New)}
			continue
		}
		if !ok || !strings.Contains(string(f.Data), e.Old) {
			t.Fatalf("edit: %s does not contain %q", e.File, e.Old)
		}
		m[e.File] = &fstest.MapFile{Data: []byte(strings.Replace(string(f.Data), e.Old, e.New, 1))}
	}
	return m
}

// mustLoad loads a revision and fails the test if it does not load.
func mustLoad(t testing.TB, fsys fs.FS, id string) *Revision {
	t.Helper()
	rev, err := NewWorkspace(fsys, "").Load(id)
	if err != nil {
		t.Fatalf("loading %s: %v", id, err)
	}
	return rev
}
