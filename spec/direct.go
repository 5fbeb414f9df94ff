package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/mod/modfile"
)

// CUE's loader spends more time finding and checking a revision's files
// than CUE spends compiling them. A revision is one package of the
// workspace's module that imports only the standard library, so Load builds
// it from the files it parses itself, as the loader would, whenever it can
// tell that the loader would take exactly those files: see loadDirect.

// moduleFile is the workspace's module file, cue/cue.mod/module.cue.
type moduleFile struct {
	data []byte
	// file is the parsed module file, or nil if revisions must be loaded
	// with CUE's loader: the file does not parse, or declares no module
	// path with a major version, no language version, or dependencies.
	file *modfile.File
	// deps are the modules that the file says the module depends on,
	// sorted, and depsPos is where it says so.
	deps    []string
	depsPos Position
	// unread is why a module file that is there cannot be read.
	unread *Error
}

const (
	moduleFilePath      = "cue/cue.mod/module.cue"
	localModuleFilePath = "cue/cue.mod/local-module.cue"
)

// readModule reads the module file, parsing it only when it has changed
// since the last load. It returns nil if there is no module file.
func (w *Workspace) readModule(fsys fs.FS) *moduleFile {
	data, err := fs.ReadFile(fsys, moduleFilePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		// It is there, but may not be read: no revision loads.
		return &moduleFile{unread: &Error{Pos: Position{File: w.DisplayPath(moduleFilePath)}, Msg: "cannot read the module file: " + reason(err)}}
	}
	if w.module != nil && bytes.Equal(w.module.data, data) {
		return w.module
	}
	m := &moduleFile{data: data}
	// ParseNonStrict is what CUE's loader uses.
	f, err := modfile.ParseNonStrict(data, moduleFilePath)
	if err == nil && strings.Contains(f.QualifiedModule(), "@") && f.Language != nil && f.Language.Version != "" && len(f.Deps) == 0 {
		m.file = f
	}
	if err == nil && len(f.Deps) > 0 {
		m.deps = slices.Sorted(maps.Keys(f.Deps))
		m.depsPos = Position{File: w.DisplayPath(moduleFilePath)}
		if af, _ := parser.ParseFile(m.depsPos.File, data); af != nil {
			for _, d := range af.Decls {
				if fd, ok := d.(*ast.Field); ok {
					if name, _, _ := ast.LabelName(fd.Label); name == "deps" {
						m.depsPos = positionOf(fd.Pos())
					}
				}
			}
		}
	}
	w.module = m
	return m
}

// problem is the error of a module file that keeps every revision from
// loading: one that cannot be read, or that depends on other modules,
// which Ladder never fetches, as it never touches the network.
func (m *moduleFile) problem() *Error {
	switch {
	case m == nil:
		return nil
	case m.unread != nil:
		return m.unread
	case len(m.deps) == 0:
		return nil
	}
	return &Error{Pos: m.depsPos, Msg: fmt.Sprintf("the workspace's cue.mod/module.cue depends on %s (%s): Ladder does not fetch modules; "+
		"a revision may import CUE's standard library and packages of its own module only: remove deps, and the imports of those modules",
		plural(len(m.deps), "a module", "modules"), strings.Join(m.deps, ", "))}
}

// CheckModule returns a [*ModuleError] when the workspace's module file
// keeps every revision from loading: it cannot be read, or it depends on
// other modules, which Ladder does not fetch.
func (w *Workspace) CheckModule() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if e := w.readModule(w.fsys).problem(); e != nil {
		return &ModuleError{Err: e}
	}
	return nil
}

// ModuleError reports a module file that keeps every revision of the
// workspace from loading.
type ModuleError struct {
	Err *Error
}

func (e *ModuleError) Error() string { return e.Err.Error() }

// loaderTakesOnly reports whether CUE's loader would look at no other files
// for a revision than the regular files that cueFiles lists in its
// directory: the module has no local module file, and neither cue/ nor
// cue/revisions/ holds CUE files, which the loader adds to every package
// below them of the same name.
func (w *Workspace) loaderTakesOnly(fsys fs.FS, id string) bool {
	if _, err := fs.Stat(fsys, localModuleFilePath); !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	for _, dir := range []string{"cue", RevisionsDir} {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return false
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".cue") {
				return false
			}
		}
	}
	entries, err := fs.ReadDir(fsys, path.Join(RevisionsDir, id))
	if err != nil {
		return false
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasSuffix(n, ".cue") && !strings.HasPrefix(n, ".") && !strings.HasPrefix(n, "_") && !e.Type().IsRegular() {
			return false
		}
	}
	return true
}

// errUseLoader reports that a revision must be loaded with CUE's loader.
var errUseLoader = errors.New("the revision must be loaded with CUE's loader")

// loadDirect compiles a revision from files it parses itself, and reads it
// into the model; a revision that does not compile or validate is a
// [*LoadError], as with CUE's loader, which reports the same errors for a
// package of the same files. It returns errUseLoader, having compiled
// nothing, when the revision must be loaded with CUE's loader: when the
// loader might take other files or read them otherwise (see
// loaderTakesOnly and sourceFile.plain), and when a file does not parse, as
// the loader has errors of its own about such files.
func (w *Workspace) loadDirect(ctx *cue.Context, fsys fs.FS, id string, files []*File) (*Revision, error) {
	mod := w.readModule(fsys)
	if mod == nil || mod.file == nil || len(files) == 0 || !w.loaderTakesOnly(fsys, id) {
		return nil, errUseLoader
	}
	version := mod.file.Language.Version
	dir := w.DisplayPath(path.Join(RevisionsDir, id))
	if rev, ok := w.loadAlone(id, version, dir, mod, files); ok {
		return rev, nil
	}
	prev, reload := w.sources[id]
	spares := w.spares[id]
	delete(w.spares, id)
	// The facts of a file that has changed are worked out from its new
	// tree, as soon as it is parsed.
	srcs := make([]*sourceFile, len(files))
	syntax := parseFiles(files, version, spares, func(i int, file *ast.File) {
		f := files[i]
		sf := prev[f.Name]
		if sf == nil || sf.version != version || !bytes.Equal(sf.data, f.Data) {
			sf = newSourceFile(f.Name, f.Data, version, file)
		}
		srcs[i] = sf
	})
	if reload {
		// Parse the next load's trees once this one is done: parsed
		// meanwhile, they would slow it down for the next, which is
		// usually an edit away.
		defer func() {
			if w.spares == nil {
				w.spares = map[string]*spareTrees{}
			}
			w.spares[id] = newSpareTrees(files, version)
		}()
	}
	next := make(map[string]*sourceFile, len(files))
	plain := true
	for i, f := range files {
		sf := srcs[i]
		next[f.Name] = sf
		plain = plain && syntax[i] != nil && sf.plain && sf.pkg == srcs[0].pkg
	}
	if w.sources == nil {
		w.sources = map[string]map[string]*sourceFile{}
	}
	w.sources[id] = next
	pkg := srcs[0].pkg
	if !plain || pkg == id {
		return nil, errUseLoader
	}

	module := mod.file.QualifiedModule()
	base, major, _ := strings.Cut(module, "@")
	inst := build.NewContext().NewInstance(dir, nil)
	inst.PkgName = pkg
	inst.ImportPath = base + "/" + path.Join("revisions", id) + "@" + major + ":" + pkg
	inst.Module = module
	inst.ModuleFile = mod.file
	inst.Root = w.DisplayPath("cue")
	inst.DisplayPath = "./" + path.Join("revisions", id)
	// The parser has resolved the identifiers of each file, which is all
	// that Instance.AddSyntax would add to them.
	inst.Files = syntax

	// The index of declarations and the memo table depend on the files
	// alone: they are worked out while CUE compiles.
	var (
		decls *declIndex
		memo  *memoTable
		wg    sync.WaitGroup
	)
	wg.Go(func() {
		var all []*decl
		for _, sf := range srcs {
			all = append(all, sf.decls...)
		}
		decls = newDeclIndex(all)
		memo = newMemoTable(mod.data, dir, srcs, w.memos[id])
	})
	v := ctx.BuildInstance(inst)
	err := validate(v)
	wg.Wait()
	if err != nil {
		return nil, &LoadError{Revision: id, Errs: convertErrors(err, dir, decls)}
	}
	rev := read(ctx, id, dir, v, decls, files, memo)
	if w.memos == nil {
		w.memos = map[string]*revisionMemo{}
	}
	if memo != nil {
		w.memos[id] = memo.new
	} else {
		delete(w.memos, id)
	}
	w.keepLast(id, &lastLoad{rev: rev, module: mod.data, srcs: srcs, memo: memo, importPath: inst.ImportPath})
	return rev, nil
}
