package spec

import (
	"crypto/sha256"
	"maps"
	"slices"

	"cuelang.org/go/cue"
)

// Reading a criterion into the model (its fields, their CUE text, its
// fingerprints) is most of the cost of a load, and an edit changes few
// criteria. A load therefore remembers what it read of each criterion, and
// the next load of the revision takes it over for each criterion whose
// meaning cannot have changed; it looks up the criterion's values afresh,
// and works out its positions afresh. It does the same for the rest of the
// model (the outline: metadata, measurements, categories and levels), which
// most edits do not change at all.
//
// What a criterion means depends on its own declarations and on everything
// outside the declarations of criteria (definitions, schema, the structure
// around the criteria), but not on the declarations of other criteria unless
// some code refers to them. A criterion's memo key therefore hashes the text
// of its declarations together with all the source text outside the
// declarations of criteria (with the number of lines of each, on which the
// positions of what follows depend), and memos are used only when no
// identifier anywhere in the revision has the name of a field on the path
// to a criterion (categories, a category, levels, a level, criteria or an
// ID), and no such field has an alias: no code can then refer to a
// criterion, or to a struct that holds one. The outline depends on the same
// text outside the declarations of criteria, and on which criteria are
// declared. When in doubt, everything is read afresh: a changed fingerprint
// is always one worked out anew.

// memoKey identifies what a criterion means, as described above.
type memoKey [sha256.Size]byte

// critMemo is what was read of a criterion that had no problems: everything
// but its values and positions.
type critMemo struct {
	source                                     string
	title, element, family, provenance, clause string
	fields                                     []fieldMemo
	fingerprint, requireFingerprint            string
}

// fieldMemo is what was read of a field that a criterion constrains.
type fieldMemo struct {
	// sels lead from the criterion's require to the field, and names are
	// the field's path from the package root, as pos looks it up.
	sels  []cue.Selector
	names []string
	text  string
}

// outline is what was read of a revision apart from its criteria, when
// reading it found no problems there: everything but values and positions.
// It depends on the source text outside the declarations of criteria, and on
// which criteria are declared.
type outline struct {
	title, status, base string
	elements            []string
	measurements        []measurementMemo
	// categories are in the order of the model.
	categories []categoryMemo
}

// The memos of measurements, categories and levels hold copies of what was
// read, without values, positions or levels, so as not to keep the revision
// they were read from.

type measurementMemo struct {
	m Measurement
	// sel leads from #Measurements to the measurement, and path is the
	// measurement's path from the package root, by name.
	sel  cue.Selector
	path []string
}

type categoryMemo struct {
	c Category
	// sel leads from categories to the category.
	sel    cue.Selector
	levels []levelMemo
}

type levelMemo struct {
	l Level
	// sel leads from the category's levels to the level.
	sel cue.Selector
	// criteria lead from the level's criteria to its criteria.
	criteria []cue.Selector
}

// revisionMemo is what a load read of a revision, for the next load.
type revisionMemo struct {
	outlineKey memoKey
	outline    *outline
	criteria   map[memoKey]*critMemo
}

// memoTable holds the memos of a load: those of the last load to take over,
// and those that this load keeps for the next.
type memoTable struct {
	global memoKey
	// holes are the hashes of the declarations of each criterion, by path
	// key.
	holes map[string][][sha256.Size]byte
	old   *revisionMemo
	new   *revisionMemo
}

// newMemoTable returns the memo table of a load of a revision from the
// given source files, or nil if the files do not let the criteria be told
// apart from each other (see above). Module is the content of the module
// file, and old are the memos of the last load, if any.
func newMemoTable(module []byte, dir string, srcs []*sourceFile, old *revisionMemo) *memoTable {
	labels := map[string]bool{}
	for _, sf := range srcs {
		if sf.opaque {
			return nil
		}
		for _, l := range sf.holeLabels {
			labels[l] = true
		}
	}
	for _, sf := range srcs {
		for l := range labels {
			if sf.refs[l] {
				return nil
			}
		}
	}
	if old == nil {
		old = &revisionMemo{}
	}
	m := &memoTable{
		holes: map[string][][sha256.Size]byte{},
		old:   old,
		new:   &revisionMemo{criteria: make(map[memoKey]*critMemo, len(old.criteria))},
	}
	h := sha256.New()
	writeBytes(h, module)
	writeBytes(h, []byte(dir))
	writeInt(h, len(srcs))
	for _, sf := range srcs {
		h.Write(sf.rest[:])
		for _, hl := range sf.holes {
			m.holes[hl.key] = append(m.holes[hl.key], hl.sum)
		}
	}
	h.Sum(m.global[:0])

	// The outline depends on which criteria are declared, besides.
	keys := slices.Sorted(maps.Keys(m.holes))
	h.Reset()
	h.Write(m.global[:])
	writeInt(h, len(keys))
	for _, k := range keys {
		writeBytes(h, []byte(k))
	}
	h.Sum(m.new.outlineKey[:0])
	return m
}

// key returns the memo key of the criterion at path.
func (m *memoTable) key(path []string) memoKey {
	h := sha256.New()
	h.Write(m.global[:])
	pk := pathKey(path)
	writeBytes(h, []byte(pk))
	for _, s := range m.holes[pk] {
		h.Write(s[:])
	}
	var k memoKey
	h.Sum(k[:0])
	return k
}

// criterion returns the memo of the criterion with the given key from the
// last load, if any.
func (m *memoTable) criterion(k memoKey) *critMemo {
	return m.old.criteria[k]
}

// keep records the memo of a criterion for the next load.
func (m *memoTable) keep(k memoKey, c *critMemo) {
	m.new.criteria[k] = c
}

// outline returns the outline of the last load, if it is that of this one.
func (m *memoTable) outline() *outline {
	if m == nil || m.old.outline == nil || m.old.outlineKey != m.new.outlineKey {
		return nil
	}
	return m.old.outline
}

// keepOutline records the outline of this load for the next.
func (m *memoTable) keepOutline(o *outline) {
	m.new.outline = o
}
