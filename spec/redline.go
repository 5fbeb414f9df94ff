package spec

import (
	"slices"
	"strings"

	"github.com/ladderworks/ladder/spec/redline"
)

// FileDiff is the textual difference between the files of the same name in
// two revisions.
type FileDiff struct {
	// Name is the file's path inside its revision's directory.
	Name string
	// Before and After are the file in each revision; nil on the side that
	// does not have it.
	Before, After *File
	// Kind is Added, Removed or Edited.
	Kind  ChangeKind
	Hunks []redline.Hunk
}

// Redline returns the textual differences between the CUE files of two
// revisions, matched by their paths inside the revisions' directories, in
// the order of those paths. Files that are the same in both are left out.
func Redline(base, target *Revision) []FileDiff {
	byName := func(r *Revision) map[string]*File {
		m := map[string]*File{}
		for _, f := range r.Files {
			m[strings.TrimPrefix(f.Name, r.Dir+"/")] = f
		}
		return m
	}
	before, after := byName(base), byName(target)
	var names []string
	for n := range before {
		names = append(names, n)
	}
	for n := range after {
		if before[n] == nil {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var out []FileDiff
	for _, n := range names {
		d := FileDiff{Name: n, Before: before[n], After: after[n], Kind: Edited}
		var a, b string
		switch {
		case d.Before == nil:
			d.Kind = Added
		case d.After == nil:
			d.Kind = Removed
		}
		if d.Before != nil {
			a = string(d.Before.Data)
		}
		if d.After != nil {
			b = string(d.After.Data)
		}
		d.Hunks = redline.Diff(a, b, redline.Context)
		if len(d.Hunks) > 0 {
			out = append(out, d)
		}
	}
	return out
}
