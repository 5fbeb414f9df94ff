package spec

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/scanner"
	"cuelang.org/go/cue/token"
)

// Standard is every revision of a workspace, loaded.
type Standard struct {
	// IDs are the workspace's revision IDs, sorted.
	IDs []string
	// Revisions are those that load, oldest first: a draft comes after
	// the revision it was forked from, and otherwise IDs decide.
	Revisions []*Revision
	// Broken holds why the revisions that do not load failed.
	Broken map[string]error
	// Declared holds, for each revision that does not load, what its
	// source declares, as far as it parses.
	Declared map[string]*Declared
}

// Declared is what the source of a revision that does not compile says of
// it, read by the parser alone.
type Declared struct {
	// Status and Base are the strings of its revision block, or "".
	Status, Base string
	// Measurements are the names of the fields of its #Measurements: a
	// device record that holds one is not misspelt.
	Measurements []string
}

// LoadAll loads every revision of the workspace, each within the
// workspace's limits and, where timeout is positive, within timeout. A
// revision that does not load is recorded in Broken; the error is for a
// workspace whose revisions cannot be listed, or that has none, and a
// [*ModuleError] for one whose module keeps every revision from loading.
func (w *Workspace) LoadAll(timeout time.Duration) (*Standard, error) {
	ids, err := w.Revisions()
	if err != nil {
		return nil, err
	}
	if err := w.CheckModule(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("the workspace holds no revisions under %s", RevisionsDir)
	}
	s := &Standard{IDs: ids, Broken: map[string]error{}, Declared: map[string]*Declared{}}
	lim := w.Limits()
	if timeout > 0 {
		lim.Time = timeout
	}
	w.prefetch(ids, lim)
	for _, id := range ids {
		rev, err := w.load(context.Background(), id, lim)
		if err != nil {
			s.Broken[id] = err
			s.Declared[id] = w.declared(id)
			continue
		}
		s.Revisions = append(s.Revisions, rev)
	}
	s.sort()
	return s, nil
}

// sort orders the loaded revisions oldest first: a draft after the
// revision it was forked from, and otherwise by ID.
func (s *Standard) sort() {
	depth := func(r *Revision) int {
		d := 0
		for seen := map[string]bool{}; r != nil && r.Base != "" && !seen[r.ID]; d++ {
			seen[r.ID] = true
			r = s.Loaded(r.Base)
		}
		return d
	}
	slices.SortStableFunc(s.Revisions, func(a, b *Revision) int {
		return cmp.Or(cmp.Compare(depth(a), depth(b)), strings.Compare(a.ID, b.ID))
	})
}

// With returns the standard with rev in place of the revision of its ID (a
// version of it compiled later, such as an edit), or added where that
// revision did not load. The standard itself does not change.
func (s *Standard) With(rev *Revision) *Standard {
	out := &Standard{IDs: s.IDs, Revisions: slices.Clone(s.Revisions), Broken: map[string]error{}, Declared: map[string]*Declared{}}
	for id, err := range s.Broken {
		if id != rev.ID {
			out.Broken[id] = err
			out.Declared[id] = s.Declared[id]
		}
	}
	if i := slices.IndexFunc(out.Revisions, func(r *Revision) bool { return r.ID == rev.ID }); i >= 0 {
		out.Revisions[i] = rev
		return out
	}
	out.Revisions = append(out.Revisions, rev)
	if !slices.Contains(out.IDs, rev.ID) {
		out.IDs = slices.Sorted(slices.Values(append(slices.Clone(out.IDs), rev.ID)))
	}
	out.sort()
	return out
}

// Loaded returns the loaded revision with the given ID, or nil.
func (s *Standard) Loaded(id string) *Revision {
	for _, r := range s.Revisions {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Newest returns the newest loaded revision with the given status, or nil.
func (s *Standard) Newest(status string) *Revision {
	for i := len(s.Revisions) - 1; i >= 0; i-- {
		if s.Revisions[i].Status == status {
			return s.Revisions[i]
		}
	}
	return nil
}

// Choose returns the revision named id or, when id is "", the newest loaded
// revision with the first of the statuses that has one, else the newest
// loaded revision. It fails with an [*UnknownRevisionError] for an ID the
// workspace does not hold, with why the revision does not load for one that
// does not, and with every revision's error when none loads.
func (s *Standard) Choose(id string, statuses ...string) (*Revision, error) {
	if id != "" {
		if r := s.Loaded(id); r != nil {
			return r, nil
		}
		if err, ok := s.Broken[id]; ok {
			return nil, err
		}
		return nil, &UnknownRevisionError{ID: id, Available: s.IDs}
	}
	for _, status := range statuses {
		if r := s.Newest(status); r != nil {
			return r, nil
		}
	}
	if len(s.Revisions) > 0 {
		return s.Revisions[len(s.Revisions)-1], nil
	}
	var errs []error
	for _, id := range s.IDs {
		errs = append(errs, s.Broken[id])
	}
	return nil, errors.Join(errs...)
}

// declared reads what the source of a revision declares, by the parser
// alone: for a revision that does not compile, as far as its files parse.
func (w *Workspace) declared(id string) *Declared {
	d := &Declared{}
	files, _, err := w.readSources(id)
	if err != nil {
		return d
	}
	var scannedStatus, scannedBase string
	for _, f := range files {
		// The measurements are read token by token too: a syntax error
		// before #Measurements, such as a brace left open, puts it out of
		// the parser's reach.
		scanned, fields := scanDeclared(f.Name, f.Data)
		d.Measurements = append(d.Measurements, scanned...)
		scannedStatus = cmp.Or(scannedStatus, fields["status"])
		scannedBase = cmp.Or(scannedBase, fields["base"])
		// A file with a syntax error still gives what parsed before it.
		af, _ := parser.ParseFile(f.Name, f.Data)
		if af == nil {
			continue
		}
		for _, decl := range af.Decls {
			fd, ok := decl.(*ast.Field)
			if !ok {
				continue
			}
			st, ok := fd.Value.(*ast.StructLit)
			if !ok {
				continue
			}
			switch name, _, _ := ast.LabelName(fd.Label); name {
			case "#Measurements":
				for _, e := range st.Elts {
					if mf, ok := e.(*ast.Field); ok {
						if name, _, err := ast.LabelName(mf.Label); err == nil && name != "" {
							d.Measurements = append(d.Measurements, name)
						}
					}
				}
			case "revision":
				// The block that names the revision's id says its status
				// and base; others (in conflict, perhaps) fill what it
				// leaves out.
				fields := map[string]string{}
				for _, e := range st.Elts {
					rf, ok := e.(*ast.Field)
					if !ok {
						continue
					}
					if lit, ok := rf.Value.(*ast.BasicLit); ok {
						if value, err := strconv.Unquote(lit.Value); err == nil {
							name, _, _ := ast.LabelName(rf.Label)
							fields[name] = value
						}
					}
				}
				_, main := fields["id"]
				if main || d.Status == "" {
					d.Status = cmp.Or(fields["status"], d.Status)
				}
				if main || d.Base == "" {
					d.Base = cmp.Or(fields["base"], d.Base)
				}
			}
		}
	}
	// What the parser could not reach, the scanner may have.
	if d.Status == "" && d.Base == "" {
		d.Status, d.Base = scannedStatus, scannedBase
	}
	slices.Sort(d.Measurements)
	d.Measurements = slices.Compact(d.Measurements)
	return d
}

// ChooseID returns the ID of the revision named id, whether it loads or not,
// or, when id is "", of the newest revision with the first of the statuses
// that has one, among those that load and those that do not (whose status
// and base their source declares): the revision a drafter means, which
// may be one that does not compile yet. It fails with an
// [*UnknownRevisionError] for an ID the workspace does not hold.
func (s *Standard) ChooseID(id string, statuses ...string) (string, error) {
	if id != "" {
		if !slices.Contains(s.IDs, id) {
			return "", &UnknownRevisionError{ID: id, Available: s.IDs}
		}
		return id, nil
	}
	all := s.byAge()
	for _, status := range statuses {
		for i := len(all) - 1; i >= 0; i-- {
			if s.status(all[i]) == status {
				return all[i], nil
			}
		}
	}
	if len(all) == 0 {
		return "", fmt.Errorf("the workspace holds no revisions under %s", RevisionsDir)
	}
	return all[len(all)-1], nil
}

// status and base return what a revision says of itself: the loaded
// model's, or its source's where it does not load.
func (s *Standard) status(id string) string {
	if r := s.Loaded(id); r != nil {
		return r.Status
	}
	if d := s.Declared[id]; d != nil {
		return d.Status
	}
	return ""
}

func (s *Standard) base(id string) string {
	if r := s.Loaded(id); r != nil {
		return r.Base
	}
	if d := s.Declared[id]; d != nil {
		return d.Base
	}
	return ""
}

// byAge returns the IDs of every revision, loaded or not, oldest first, as
// the loaded revisions are ordered.
func (s *Standard) byAge() []string {
	depth := func(id string) int {
		d := 0
		for seen := map[string]bool{}; id != "" && !seen[id]; d++ {
			seen[id] = true
			id = s.base(id)
			if !slices.Contains(s.IDs, id) {
				break
			}
		}
		return d
	}
	ids := slices.Clone(s.IDs)
	slices.SortStableFunc(ids, func(a, b string) int {
		return cmp.Or(cmp.Compare(depth(a), depth(b)), strings.Compare(a, b))
	})
	return ids
}

// scanDeclared reads a file's source with CUE's scanner alone, so that a
// syntax error anywhere else in the file, even a brace left open above,
// hides nothing: it returns the labels of the fields of every struct that a
// #Measurements label opens, and the string fields of the first struct
// that a revision label opens.
func scanDeclared(name string, data []byte) (measurements []string, revision map[string]string) {
	type tok struct {
		tok token.Token
		lit string
	}
	var toks []tok
	var sc scanner.Scanner
	sc.Init(token.NewFile(name, -1, len(data)), data, func(token.Pos, string, []any) {}, 0)
	for {
		_, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		if t != token.COMMENT {
			toks = append(toks, tok{t, lit})
		}
	}
	label := func(t tok) (string, bool) {
		switch t.tok {
		case token.IDENT:
			return t.lit, true
		case token.STRING:
			n, err := strconv.Unquote(t.lit)
			return n, err == nil
		}
		return "", false
	}
	revision = map[string]string{}
	for i := 0; i+2 < len(toks); i++ {
		opens := toks[i].tok == token.IDENT && toks[i+1].tok == token.COLON && toks[i+2].tok == token.LBRACE
		if !opens || (toks[i].lit != "#Measurements" && (toks[i].lit != "revision" || len(revision) > 0)) {
			continue
		}
		depth := 0
		for j := i + 2; j < len(toks); j++ {
			switch toks[j].tok {
			case token.LBRACE, token.LBRACK, token.LPAREN:
				depth++
			case token.RBRACE, token.RBRACK, token.RPAREN:
				depth--
			}
			if depth == 0 {
				break
			}
			// A label at the struct's own depth, where a field starts,
			// followed by a colon (after ? or ! for an optional or
			// required field).
			prev := toks[j-1].tok
			if depth != 1 || (prev != token.LBRACE && prev != token.COMMA) || j+2 >= len(toks) {
				continue
			}
			k := j + 1
			if toks[k].tok == token.OPTION || toks[k].tok == token.NOT {
				k++
			}
			name, ok := label(toks[j])
			if !ok || toks[k].tok != token.COLON || strings.HasPrefix(name, "#") || strings.HasPrefix(name, "_") && toks[j].tok == token.IDENT {
				continue
			}
			if toks[i].lit == "#Measurements" {
				measurements = append(measurements, name)
			} else if k+1 < len(toks) && toks[k+1].tok == token.STRING {
				if value, err := strconv.Unquote(toks[k+1].lit); err == nil {
					revision[name] = value
				}
			}
		}
	}
	return measurements, revision
}

// Meant returns the ID and error of the revision that a command picking
// one by default means, the newest with the first of the statuses that has
// one among the revisions that load and those that do not, when it does
// not load and so rev, chosen among those that load, stands in for it; it
// returns "" and nil when rev is the one meant.
func (s *Standard) Meant(rev *Revision, statuses ...string) (string, error) {
	id, err := s.ChooseID("", statuses...)
	if err != nil || (rev != nil && id == rev.ID) || s.Broken[id] == nil {
		return "", nil
	}
	return id, s.Broken[id]
}
