package spec

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/load"
	"cuelang.org/go/mod/modconfig"
	"cuelang.org/go/mod/modfile"
	"cuelang.org/go/mod/module"
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
// out those that CUE's loader ignores. Entries that are not regular files
// (symbolic links, named pipes) are listed too, as CUE's loader would take
// them: reading one says whether it may be read.
func cueFiles(fsys fs.FS, dir string) ([]string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && strings.HasSuffix(n, ".cue") && !strings.HasPrefix(n, ".") && !strings.HasPrefix(n, "_") {
			names = append(names, n)
		}
	}
	return names, nil
}

// LoadContext is Load that gives up when ctx is done, with the context's
// error, wrapped.
func (w *Workspace) LoadContext(ctx context.Context, id string) (*Revision, error) {
	return w.load(ctx, id, w.Limits())
}

// Load compiles the revision with the given ID and reads it into the model.
//
// It returns an [*UnknownRevisionError] when the workspace has no such
// revision, and a [*LoadError] listing every error when the revision does
// not compile or does not validate (as `cue vet -c=false` would report).
// Problems of structure that CUE cannot see are left for [Lint].
//
// The compilation is bounded by the workspace's [Limits]: a revision whose
// compilation takes longer or needs more memory is a [*StoppedError], and
// Ladder's process never compiles it (see [RunGuardIfChild]).
//
// Each revision is compiled in a CUE context of its own. A workspace
// remembers what it learnt of the files and criteria of the revisions it
// loaded, so that loading a revision again after an edit costs little more
// than compiling it; and when the edit lies inside one criterion's require,
// Load builds that criterion alone in the context of the last compilation
// rather than compiling the revision again, giving the same revision but
// for its Value (see [Revision]).
func (w *Workspace) Load(id string) (*Revision, error) {
	return w.load(context.Background(), id, w.Limits())
}

// load loads a revision within the limits given. Its source is compiled by
// the compile guard first, unless the guard compiled the same text before,
// and then, if the guard finished within the limits, in this process, where
// it ends as it ended there. Without a guard, it is compiled here, and
// given up on when its time is up or ctx is done: it then goes on in the
// background, and the workspace refuses to load until it ends.
func (w *Workspace) load(ctx context.Context, id string, lim Limits) (*Revision, error) {
	if stuck := w.stuck.Load(); stuck != nil {
		return nil, fmt.Errorf("revision %s was not loaded: the compilation of %s did not end", id, *stuck)
	}
	if err := w.checkSource(id); err != nil {
		return nil, err
	}
	snap, err := w.snapshot(id)
	if err != nil {
		return nil, err
	}
	if w.trusts(snap) {
		w.warm(snap, lim)
		return w.compile(snap)
	}
	switch err := guard.check(ctx, w, snap, lim); err {
	case nil:
		return w.compile(snap)
	case errUnguarded:
	default:
		return nil, err
	}
	if inGuard {
		return w.compile(snap)
	}
	var (
		mu        sync.Mutex
		rev       *Revision
		loadErr   error
		abandoned bool
	)
	done := make(chan struct{})
	go func() {
		r, e := w.compile(snap)
		mu.Lock()
		defer mu.Unlock()
		rev, loadErr = r, e
		if abandoned {
			w.stuck.Store(nil)
		}
		close(done)
	}()
	timer := time.NewTimer(lim.Time)
	defer timer.Stop()
	var stop error
	select {
	case <-done:
	case <-timer.C:
		stop = &StoppedError{Revision: id, Reason: StoppedTime, Limits: lim, Pos: suspect(snap.rev)}
	case <-ctx.Done():
		stop = fmt.Errorf("loading revision %s: %w", id, context.Cause(ctx))
	}
	mu.Lock()
	defer mu.Unlock()
	select {
	case <-done:
		return rev, loadErr
	default:
	}
	abandoned = true
	w.stuck.Store(&id)
	return nil, stop
}

// compile compiles a snapshot of a revision and reads it into the model.
func (w *Workspace) compile(snap *snapshot) (*Revision, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	// A context of the revision's own: CUE's runtime keeps every instance
	// built in a context for as long as the context lives.
	ctx := cuecontext.New()
	if rev, err := w.loadDirect(ctx, snap, snap.id, snap.rev); err != errUseLoader {
		return rev, err
	}
	return w.loadWithLoader(ctx, snap, snap.id, snap.rev)
}

// checkSource fails with a [*LoadError] for a module file that keeps every
// revision from loading, or naming each file of the revision's source that
// cannot be read as CUE: one that is not a regular file, leads
// outside the workspace, or is not UTF-8 text, among the revision's own
// files and those CUE adds to every revision; and each @embed that reads
// such a file. It reads the workspace itself, where the snapshot that is
// compiled leaves such files out.
func (w *Workspace) checkSource(id string) error {
	w.mu.Lock()
	e := w.readModule(w.fsys).problem()
	w.mu.Unlock()
	if e != nil {
		return &LoadError{Revision: id, Errs: []*Error{e}}
	}
	files, problems, err := w.readSources(id)
	if err != nil {
		return err
	}
	problems = append(problems, w.checkShared()...)
	if len(problems) == 0 {
		problems = w.checkEmbeds(id, files)
	}
	if len(problems) > 0 {
		return &LoadError{Revision: id, Errs: problems}
	}
	return nil
}

// readSources reads the CUE files of a revision, sorted by name, and says
// what is wrong with those that cannot be read as CUE source; those are
// left out, or, when they are read but are not UTF-8 text, kept.
func (w *Workspace) readSources(id string) ([]*File, []*Error, error) {
	ids, err := w.Revisions()
	if err != nil {
		return nil, nil, err
	}
	if !slices.Contains(ids, id) {
		return nil, nil, &UnknownRevisionError{ID: id, Available: ids}
	}
	dir := path.Join(RevisionsDir, id)
	names, err := cueFiles(w.fsys, dir)
	if err != nil {
		return nil, nil, err
	}
	files := make([]*File, 0, len(names))
	var problems []*Error
	for _, n := range names {
		name := w.DisplayPath(path.Join(dir, n))
		data, err := fs.ReadFile(w.fsys, path.Join(dir, n))
		if err != nil {
			problems = append(problems, &Error{Pos: Position{File: name}, Msg: "cannot read this CUE file: " + reason(err)})
			continue
		}
		if e := checkText(name, data); e != nil {
			problems = append(problems, e)
		}
		files = append(files, &File{Name: name, Data: data})
	}
	return files, problems, nil
}

// loadWithLoader loads a revision with CUE's loader, which finds the files
// of the revision's package and reports every error.
func (w *Workspace) loadWithLoader(ctx *cue.Context, fsys fs.FS, id string, files []*File) (*Revision, error) {
	dir := path.Join(RevisionsDir, id)
	module, err := fs.Sub(fsys, "cue")
	if err != nil {
		return nil, fmt.Errorf("opening the CUE module of the workspace: %w", err)
	}
	if e := w.readModule(fsys).problem(); e != nil {
		return nil, &LoadError{Revision: id, Errs: []*Error{e}}
	}
	cfg := &load.Config{
		FS: module,
		FromFSPath: func(p string) string {
			return w.DisplayPath(path.Join("cue", strings.TrimPrefix(p, "/")))
		},
		// Ladder never touches the network: no module is fetched, whatever
		// CUE_REGISTRY says.
		Registry: noRegistry{},
		Env:      []string{},
	}
	insts := load.Instances([]string{"./" + path.Join("revisions", id)}, cfg)
	if len(insts) != 1 {
		return nil, fmt.Errorf("loading revision %s: CUE's loader returned %d instances, want 1", id, len(insts))
	}
	inst := insts[0]
	if inst.Err != nil {
		return nil, &LoadError{Revision: id, Errs: convertErrors(inst.Err, w.DisplayPath(dir), nil)}
	}
	v := ctx.BuildInstance(inst)
	decls := indexDecls(inst.Files)
	if err := validate(v); err != nil {
		return nil, &LoadError{Revision: id, Errs: convertErrors(err, w.DisplayPath(dir), decls)}
	}
	return read(ctx, id, w.DisplayPath(dir), v, decls, files, nil), nil
}

// checkShared returns an error for each CUE file in cue/ or cue/revisions/,
// which CUE's loader adds to every revision, that cannot be read: one that
// is not a regular file, or leads outside the workspace.
func (w *Workspace) checkShared() []*Error {
	var errs []*Error
	for _, dir := range []string{"cue", RevisionsDir} {
		names, err := cueFiles(w.fsys, dir)
		if err != nil {
			continue
		}
		for _, n := range names {
			name := path.Join(dir, n)
			info, err := fs.Stat(w.fsys, name)
			if err == nil {
				err = openable(name, info.Mode())
			}
			if err != nil {
				errs = append(errs, &Error{Pos: Position{File: w.DisplayPath(name)}, Msg: "cannot read this CUE file, which CUE adds to every revision below it: " + reason(err)})
			}
		}
	}
	return errs
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

// noRegistry is the CUE module registry of every load: it has no modules,
// and fetches none.
type noRegistry struct{}

var _ modconfig.Registry = noRegistry{}

// errNoFetch is the error of every request to noRegistry.
var errNoFetch = errors.New("Ladder does not fetch CUE modules")

func (noRegistry) ModFile(context.Context, module.Version) (*modfile.File, error) {
	return nil, errNoFetch
}

func (noRegistry) Fetch(context.Context, module.Version) (module.SourceLoc, error) {
	return module.SourceLoc{}, errNoFetch
}

func (noRegistry) ModuleVersions(context.Context, string) ([]string, error) {
	return nil, errNoFetch
}
