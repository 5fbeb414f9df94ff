package spec

import (
	"slices"

	"cuelang.org/go/cue"
)

// This file reads a revision from the memos of an earlier load (see
// memo.go): it looks up the values where the memos say they are, and works
// out their positions, which an edit elsewhere in a file may have moved.

// memoOf returns the memo of a criterion read afresh, given the selectors
// that lead from its require to the fields it constrains.
func memoOf(c *Criterion, sels [][]cue.Selector) *critMemo {
	m := &critMemo{
		source: c.Source,
		title:  c.Title, element: c.Element, family: c.Family, provenance: c.Provenance, clause: c.Clause,
		fingerprint: c.Fingerprint, requireFingerprint: c.RequireFingerprint,
	}
	for i, f := range c.Fields {
		m.fields = append(m.fields, fieldMemo{sels: sels[i], names: pathNames(f.Value), text: f.Text})
	}
	return m
}

// pathNames returns the names of the selectors of a value's path, as pos
// looks them up.
func pathNames(v cue.Value) []string {
	sels := v.Path().Selectors()
	names := make([]string, len(sels))
	for i, s := range sels {
		names[i] = selectorName(s)
	}
	return names
}

// lastSelector returns the selector that leads to a value from its parent.
func lastSelector(v cue.Value) cue.Selector {
	sels := v.Path().Selectors()
	if len(sels) == 0 {
		return cue.Selector{}
	}
	return sels[len(sels)-1]
}

// recall fills in a criterion from what an earlier load read of it, looking
// up its values in the revision being read. It reports false, having
// changed nothing, if the values are not where they were.
func (r *reader) recall(c *Criterion, m *critMemo) bool {
	require := field(c.Value, "require")
	if !require.Exists() {
		return false
	}
	var fields []*Constraint
	for _, f := range m.fields {
		fv := require.LookupPath(cue.MakePath(f.sels...))
		if !fv.Exists() {
			return false
		}
		fields = append(fields, newConstraint(f.sels, fv, f.text, r.posAt(f.names, fv)))
	}
	c.Source = m.source
	c.Title, c.Element, c.Family, c.Provenance, c.Clause = m.title, m.element, m.family, m.provenance, m.clause
	c.Require, c.Fields = require, fields
	c.Fingerprint, c.RequireFingerprint = m.fingerprint, m.requireFingerprint
	return true
}

// outlineOf returns the outline of a revision read afresh without problems
// outside its criteria, or nil if it cannot be recalled: a category, level
// or criterion is not a regular field.
func (r *reader) outlineOf() *outline {
	rev := r.rev
	o := &outline{title: rev.Title, status: rev.Status, base: rev.Base, elements: rev.Elements}
	for _, m := range rev.Measurements {
		mm := measurementMemo{m: *m, sel: r.msels[m.Name], path: pathNames(m.Value)}
		mm.m.Value, mm.m.Pos = cue.Value{}, Position{}
		o.measurements = append(o.measurements, mm)
	}
	for _, c := range rev.Categories {
		cm := categoryMemo{c: *c, sel: r.sels[[2]string{c.Key}]}
		cm.c.Levels, cm.c.Pos = nil, Position{}
		if cm.sel.Type() != cue.StringLabel {
			return nil
		}
		for _, l := range c.Levels {
			lm := levelMemo{l: *l, sel: r.sels[[2]string{c.Key, l.Name}]}
			lm.l.Criteria, lm.l.Pos = nil, Position{}
			if lm.sel.Type() != cue.StringLabel {
				return nil
			}
			for _, cr := range l.Criteria {
				sel := lastSelector(cr.Value)
				if sel.Type() != cue.StringLabel {
					return nil
				}
				lm.criteria = append(lm.criteria, sel)
			}
			cm.levels = append(cm.levels, lm)
		}
		o.categories = append(o.categories, cm)
	}
	return o
}

// recallOutline reads a revision from the outline of an earlier load, and
// its criteria from their memos or afresh. It reports false if a value is
// not where the outline says it is, and the reader must then be discarded.
func (r *reader) recallOutline(v cue.Value, o *outline) bool {
	rev := r.rev
	rv := field(v, "revision")
	if !rv.Exists() {
		return false
	}
	rev.Pos = r.posAt([]string{"revision"}, rv)
	rev.Title, rev.Status, rev.Base, rev.Elements = o.title, o.status, o.base, slices.Clone(o.elements)
	ms := v.LookupPath(cue.MakePath(cue.Def("Measurements")))
	for _, mm := range o.measurements {
		fv := ms.LookupPath(cue.MakePath(mm.sel))
		if !fv.Exists() {
			return false
		}
		m := mm.m
		m.Value, m.Pos = fv, r.posAt(mm.path, fv)
		rev.Measurements = append(rev.Measurements, &m)
	}
	rev.Device = v.LookupPath(cue.MakePath(cue.Def("Device")))
	if !rev.Device.Exists() {
		return false
	}
	cats := field(v, "categories")
	for _, cm := range o.categories {
		cv := cats.LookupPath(cue.MakePath(cm.sel))
		if !cv.Exists() {
			return false
		}
		c := &Category{
			Key: cm.c.Key, Title: cm.c.Title, Part: cm.c.Part, Prefix: cm.c.Prefix,
			Determination: Determination{Rule: cm.c.Determination.Rule, Families: slices.Clone(cm.c.Determination.Families)},
			Pos:           r.posAt([]string{"categories", cm.c.Key}, cv),
		}
		levels := field(cv, "levels")
		for _, lm := range cm.levels {
			lv := levels.LookupPath(cue.MakePath(lm.sel))
			if !lv.Exists() {
				return false
			}
			l := &Level{Name: lm.l.Name, Rank: lm.l.Rank, Status: lm.l.Status, Pos: r.posAt([]string{"categories", c.Key, "levels", lm.l.Name}, lv)}
			crits := field(lv, "criteria")
			for _, sel := range lm.criteria {
				crv := crits.LookupPath(cue.MakePath(sel))
				if !crv.Exists() {
					return false
				}
				l.Criteria = append(l.Criteria, r.queueCriterion(c.Key, l.Name, sel.Unquoted(), crv))
			}
			c.Levels = append(c.Levels, l)
		}
		rev.Categories = append(rev.Categories, c)
	}
	return true
}
