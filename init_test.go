package main

import (
	"io/fs"
	"slices"
	"testing"

	"github.com/ladderworks/ladder/spec/spectest"
)

// TestInitScripts runs the scripts of ladder init.
func TestInitScripts(t *testing.T) { runScripts(t, "init") }

// TestEmbeddedStandard checks that the binary carries the built-in
// standard that the tests copy: the same files, with the same contents.
func TestEmbeddedStandard(t *testing.T) {
	want := spectest.FS(t)
	var got []string
	err := fs.WalkDir(builtin, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		got = append(got, p)
		data, err := fs.ReadFile(builtin, p)
		if err != nil {
			return err
		}
		if f := want[p]; f == nil || string(f.Data) != string(data) {
			t.Errorf("%s: the binary's copy differs from the repository's", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(got) < 200 {
		var missing []string
		for p := range want {
			if !slices.Contains(got, p) {
				missing = append(missing, p)
			}
		}
		t.Errorf("the binary carries %d files, the repository's standard has %d; missing: %v", len(got), len(want), missing)
	}
}
