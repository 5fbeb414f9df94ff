package spec

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/load"
)

// RevisionsDir is where a workspace keeps its revisions, one directory each.
const RevisionsDir = "cue/revisions"

// Revisions returns the IDs of the workspace's revisions, sorted: the names of
// the directories under cue/revisions that hold CUE files.
func (w *Workspace) Revisions() ([]string, error) {
	entries, err := fs.ReadDir(w.fsys, RevisionsDir)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", w.DisplayPath(RevisionsDir), err)
	}
	var ids []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		files, err := cueFiles(w.fsys, path.Join(RevisionsDir, e.Name()))
		if err != nil {
			return nil, err
		}
		if len(files) > 0 {
			ids = append(ids, e.Name())
		}
	}
	return ids, nil
}

// cueFiles returns the names of the CUE files of a directory, sorted, leaving
// out those that CUE's loader ignores.
func cueFiles(fsys fs.FS, dir string) ([]string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasSuffix(n, ".cue") && !strings.HasPrefix(n, ".") && !strings.HasPrefix(n, "_") {
			names = append(names, n)
		}
	}
	return names, nil
}

// LoadContext is Load that gives up when ctx is done. CUE cannot stop an
// evaluation half-way, so a revision with a pathological constraint (a
// comprehension over millions of values, say) goes on compiling in the
// background, and the workspace loads nothing else until it ends; the
// caller gets the context's error at once.
func (w *Workspace) LoadContext(ctx context.Context, id string) (*Revision, error) {
	type result struct {
		rev *Revision
		err error
	}
	done := make(chan result, 1)
	go func() {
		rev, err := w.Load(id)
		done <- result{rev, err}
	}()
	select {
	case r := <-done:
		return r.rev, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("loading revision %s: %w", id, context.Cause(ctx))
	}
}

// Load compiles the revision with the given ID and reads it into the model.
//
// It returns an [*UnknownRevisionError] when the workspace has no such
// revision, and a [*LoadError] listing every error when the revision does
// not compile or does not validate (as `cue vet -c=false` would report).
// Problems of structure that CUE cannot see are left for [Lint].
//
// Each revision is compiled in a CUE context of its own. A workspace
// remembers what it learnt of the files and criteria of the revisions it
// loaded, so that loading a revision again after an edit costs little more
// than compiling it.
func (w *Workspace) Load(id string) (*Revision, error) {
	files, err := w.readRevisionFiles(id)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	// A context of the revision's own: CUE's runtime keeps every instance
	// built in a context for as long as the context lives.
	ctx := cuecontext.New()
	if rev, err := w.loadDirect(ctx, id, files); err != errUseLoader {
		return rev, err
	}
	return w.loadWithLoader(ctx, id, files)
}

// readRevisionFiles reads the CUE files of a revision, sorted by name.
func (w *Workspace) readRevisionFiles(id string) ([]*File, error) {
	ids, err := w.Revisions()
	if err != nil {
		return nil, err
	}
	if !slices.Contains(ids, id) {
		return nil, &UnknownRevisionError{ID: id, Available: ids}
	}
	dir := path.Join(RevisionsDir, id)
	names, err := cueFiles(w.fsys, dir)
	if err != nil {
		return nil, err
	}
	files := make([]*File, 0, len(names))
	for _, n := range names {
		data, err := fs.ReadFile(w.fsys, path.Join(dir, n))
		if err != nil {
			return nil, fmt.Errorf("reading revision %s: %w", id, err)
		}
		files = append(files, &File{Name: w.DisplayPath(path.Join(dir, n)), Data: data})
	}
	return files, nil
}

// loadWithLoader loads a revision with CUE's loader, which finds the files
// of the revision's package and reports every error.
func (w *Workspace) loadWithLoader(ctx *cue.Context, id string, files []*File) (*Revision, error) {
	dir := path.Join(RevisionsDir, id)
	module, err := fs.Sub(w.fsys, "cue")
	if err != nil {
		return nil, fmt.Errorf("opening the CUE module of the workspace: %w", err)
	}
	cfg := &load.Config{
		FS: module,
		FromFSPath: func(p string) string {
			return w.DisplayPath(path.Join("cue", strings.TrimPrefix(p, "/")))
		},
	}
	insts := load.Instances([]string{"./" + path.Join("revisions", id)}, cfg)
	if len(insts) != 1 {
		return nil, fmt.Errorf("loading revision %s: CUE's loader returned %d instances, want 1", id, len(insts))
	}
	inst := insts[0]
	if inst.Err != nil {
		return nil, &LoadError{Revision: id, Errs: convertErrors(inst.Err, w.DisplayPath(dir))}
	}
	v := ctx.BuildInstance(inst)
	if err := validate(v); err != nil {
		return nil, &LoadError{Revision: id, Errs: convertErrors(err, w.DisplayPath(dir))}
	}
	return read(ctx, id, w.DisplayPath(dir), v, indexDecls(inst.Files), files, nil), nil
}

// validate checks a compiled revision as `cue vet -c=false` does: every
// value, definitions and hidden fields included, must be free of conflicts.
// Validate reports them all; Err only the first.
func validate(v cue.Value) error {
	err := v.Validate(cue.Attributes(true), cue.Definitions(true), cue.Hidden(true), cue.Concrete(false))
	if err == nil {
		err = v.Err()
	}
	return err
}
