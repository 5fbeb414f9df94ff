package spec

import (
	"io/fs"
	"os"
	"testing"
	"testing/fstest"

	"github.com/ladderworks/ladder/spec/spectest"
)

// repo is the repository root, which holds the built-in standard under cue/.
var repo = os.DirFS("..")

const (
	edition = spectest.Edition
	draft   = spectest.Draft
)

// edit is a change to one file of the built-in standard: the first
// occurrence of Old becomes New; an empty Old makes New the whole file.
type edit struct {
	File     string
	Old, New string
}

// builtinWith returns a copy of the built-in standard with the edits made
// (see spectest.FS).
func builtinWith(t testing.TB, edits ...edit) fstest.MapFS {
	t.Helper()
	kit := make([]spectest.Edit, len(edits))
	for i, e := range edits {
		kit[i] = spectest.Edit(e)
	}
	return spectest.FS(t, kit...)
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
