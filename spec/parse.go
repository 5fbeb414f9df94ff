package spec

import (
	"bytes"
	"runtime"
	"sync"
	"sync/atomic"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
)

// Every build of a revision needs syntax trees of its own: CUE resolves
// identifiers in the trees it builds, writing to them, and the values of
// revisions built before refer to theirs. So a load parses every file of
// the revision, unchanged or not, which is about a third of the work of a
// reload.
// To take it off the path from an edit to its result, a workspace that
// loads a revision more than once parses spare trees of the revision's
// files in the background after each load; the next load takes those of
// the files that have not changed since, and parses the others, spreading
// the work over the processors.

// parseSource parses a file of a revision as CUE's loader does, with
// comments and at the language version of the module.
func parseSource(name string, data []byte, version string) (*ast.File, error) {
	return parser.ParseFile(name, data, parser.ParseComments, parser.Version(version))
}

// spareTree is a syntax tree of a file, parsed ahead of a load.
type spareTree struct {
	name string
	data []byte
	// state is one of the spare states below.
	state atomic.Int32
	// done is closed once a tree in state spareParsing is parsed, and file
	// is set.
	done chan struct{}
	// file is nil if the file does not parse.
	file *ast.File
}

// The states of a spare tree.
const (
	// spareWaiting: no one has started to parse the tree.
	spareWaiting int32 = iota
	// spareParsing: the background goroutine parses the tree, or has.
	spareParsing
	// spareDropped: a load parses the file itself, or has no use for it.
	spareDropped
)

// spareTrees are the spare trees of the files of one revision.
type spareTrees struct {
	version string
	trees   map[string]*spareTree
}

// newSpareTrees starts parsing spare trees of files in the background.
func newSpareTrees(files []*File, version string) *spareTrees {
	s := &spareTrees{version: version, trees: make(map[string]*spareTree, len(files))}
	list := make([]*spareTree, len(files))
	for i, f := range files {
		t := &spareTree{name: f.Name, data: f.Data, done: make(chan struct{})}
		s.trees[f.Name] = t
		list[i] = t
	}
	go func() {
		for _, t := range list {
			if t.state.CompareAndSwap(spareWaiting, spareParsing) {
				if file, err := parseSource(t.name, t.data, version); err == nil {
					t.file = file
				}
				close(t.done)
			}
		}
	}()
	return s
}

// take returns the spare tree of a file with the given content, waiting for
// it if it is being parsed. It reports false if there is none: the content
// differs, or the tree is not being parsed yet, in which case it is dropped
// and the caller parses the file itself.
func (s *spareTrees) take(name string, data []byte, version string) (file *ast.File, ok bool) {
	if s == nil || s.version != version {
		return nil, false
	}
	t := s.trees[name]
	if t == nil || !bytes.Equal(t.data, data) || t.state.CompareAndSwap(spareWaiting, spareDropped) || t.state.Load() != spareParsing {
		return nil, false
	}
	<-t.done
	return t.file, t.file != nil
}

// dropChanged stops the spare trees of files that have changed, or are
// gone, from being parsed.
func (s *spareTrees) dropChanged(files []*File, version string) {
	if s == nil {
		return
	}
	current := make(map[string][]byte, len(files))
	for _, f := range files {
		current[f.Name] = f.Data
	}
	for name, t := range s.trees {
		if data, ok := current[name]; !ok || s.version != version || !bytes.Equal(t.data, data) {
			t.state.CompareAndSwap(spareWaiting, spareDropped)
		}
	}
}

// drop stops the spare trees that are not being parsed yet from being
// parsed.
func (s *spareTrees) drop() {
	if s == nil {
		return
	}
	for _, t := range s.trees {
		t.state.CompareAndSwap(spareWaiting, spareDropped)
	}
}

// parseFiles parses files for a build, taking spare trees where it can, and
// calls then, if not nil, with each file's index and tree, from as many
// goroutines as there are processors. It returns a nil tree for a file that
// does not parse.
func parseFiles(files []*File, version string, spares *spareTrees, then func(i int, file *ast.File)) []*ast.File {
	spares.dropChanged(files, version)
	out := make([]*ast.File, len(files))
	parallel(len(files), func(k int) {
		// The background goroutine parses spare trees first to last: take
		// them last to first, so as to wait for it as little as may be.
		i := len(files) - 1 - k
		f := files[i]
		if file, ok := spares.take(f.Name, f.Data, version); ok {
			out[i] = file
		} else if file, err := parseSource(f.Name, f.Data, version); err == nil {
			out[i] = file
		}
		if then != nil {
			then(i, out[i])
		}
	})
	spares.drop()
	return out
}

// parallel calls f(i) for i from 0 to n-1, from as many goroutines as there
// are processors, and returns when all calls have returned.
func parallel(n int, f func(i int)) {
	var next atomic.Int32
	work := func() {
		for {
			i := int(next.Add(1)) - 1
			if i >= n {
				return
			}
			f(i)
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}
