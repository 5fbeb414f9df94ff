package spec

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// Workspace is a set of revisions of a standard, read from a file system
// laid out as cue/cue.mod/ and cue/revisions/<id>/*.cue, with the reference
// corpus under fixtures/devices/. It is a directory on disk ([Open]), the
// built-in standard that the ladder binary carries, or any file system
// ([NewWorkspace]), such as a commit read from git.
type Workspace struct {
	fsys fs.FS
	// root is how the workspace's directory is shown in positions, and dir
	// is the directory on disk, "" for a workspace that is not one (the
	// built-in standard, a commit). Both are as the user would type them
	// from the current directory; abs is dir made absolute.
	root, dir, abs string

	// mu serialises loading, and guards the caches below: CUE's loader is
	// not documented as safe for concurrent use, while compiled values are.
	mu sync.Mutex
	// module is the module file as last read.
	module *moduleFile
	// sources are the source files of each revision as last loaded, by
	// revision ID and file name.
	sources map[string]map[string]*sourceFile
	// memos are what the last load of each revision read of its criteria,
	// by revision ID.
	memos map[string]*revisionMemo
	// spares are syntax trees of the files of each revision, parsed for
	// the next load, by revision ID.
	spares map[string]*spareTrees
	// last is what the last load of each revision that compiled without
	// CUE's loader left for an edit of one require, by revision ID
	// (alone.go); noAlone, set by tests, has every load compile in full,
	// and aloneLoads counts the loads that built one criterion alone.
	last       map[string]*lastLoad
	noAlone    bool
	aloneLoads atomic.Int64

	// limits bound the compilation of a revision (limits.go); gid is the
	// number by which the compile guard knows the workspace (guard.go).
	limits Limits
	gid    atomic.Uint64
	// trusted holds texts that are Ladder's own, the built-in standard's:
	// a source equal to its own is compiled without the guard; trustedSums
	// are the hashes of its snapshots, by revision ID, under sumsMu.
	trusted     fs.FS
	sumsMu      sync.Mutex
	trustedSums map[string][sha256.Size]byte
	// overlay reports a workspace made by Over, which edits will change:
	// the guard is warmed for it when its sources need none (guard.go).
	overlay bool
	// stuck names the revision whose compilation, given up on without a
	// compile guard, still holds mu.
	stuck atomic.Pointer[string]
}

// NewWorkspace returns the workspace held by fsys, which is not a directory
// that Ladder may write. Root is how the workspace's directory is shown in
// positions: "" shows paths such as cue/revisions/gbz177-2026/schema.cue,
// "ws" shows ws/cue/revisions/....
//
// The workspace opens only regular files and directories of fsys.
func NewWorkspace(fsys fs.FS, root string) *Workspace {
	return &Workspace{fsys: regularOnly(fsys), root: root}
}

// NewBuiltinWorkspace returns the built-in standard, which the binary
// carries in fsys. Its texts are Ladder's own: a revision whose source is
// exactly the built-in one is compiled without the compile guard (see
// [RunGuardIfChild]), in this workspace and in those made from it.
func NewBuiltinWorkspace(fsys fs.FS) *Workspace {
	return &Workspace{fsys: fsys, trusted: fsys}
}

// Open returns the workspace that a command works on: the directory dir when
// it is given, which must be a workspace; else the nearest directory at or
// above the current one that holds cue/revisions, as git finds its
// repository; else the built-in standard, held by builtin.
func Open(dir string, builtin fs.FS) (*Workspace, error) {
	if dir != "" {
		if err := checkWorkspace(dir); err != nil {
			return nil, err
		}
		return onDisk(filepath.Clean(dir), filepath.Clean(dir))
	}
	cwd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("finding the workspace: %w", err)
	}
	found, ok := Find(cwd)
	if !ok {
		return NewBuiltinWorkspace(builtin), nil
	}
	rel, err := filepath.Rel(cwd, found)
	if err != nil {
		rel = found
	}
	if rel == "." {
		return onDisk("", ".")
	}
	return onDisk(rel, rel)
}

// onDisk is the workspace in the directory dir, shown as root. Everything
// is read through an [os.Root] of dir: no path, no symbolic link leads
// out of it, and only regular files and directories are opened.
func onDisk(root, dir string) (*Workspace, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("opening workspace %s: %w", dir, err)
	}
	return &Workspace{fsys: guardRoot(r), root: root, dir: dir, abs: abs}, nil
}

// Find returns the nearest directory at or above start that is a workspace:
// one that holds cue/revisions.
func Find(start string) (string, bool) {
	dir := filepath.Clean(start)
	for {
		if info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(RevisionsDir))); err == nil && info.IsDir() {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// checkWorkspace says why dir is not a workspace, or returns nil.
func checkWorkspace(dir string) error {
	revs := filepath.Join(dir, filepath.FromSlash(RevisionsDir))
	info, err := os.Stat(revs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s is not a Ladder workspace: it has no %s (make one with \"ladder init %s\")", dir, filepath.FromSlash(RevisionsDir), dir)
	case err != nil:
		return fmt.Errorf("opening workspace %s: %w", dir, err)
	case !info.IsDir():
		return fmt.Errorf("%s is not a Ladder workspace: %s is not a directory", dir, revs)
	}
	return nil
}

// Init writes a standard (the built-in one, held by fsys) and its reference
// corpus to dir, which must be new or empty, as a workspace to edit. When it
// fails it leaves nothing half-written.
func Init(dir string, fsys fs.FS) error {
	created, err := prepareEmptyDir(dir)
	if err != nil {
		return err
	}
	if err := os.CopyFS(dir, fsys); err != nil {
		if created {
			os.RemoveAll(dir)
		} else if entries, rerr := os.ReadDir(dir); rerr == nil {
			for _, e := range entries {
				os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		}
		return fmt.Errorf("writing the standard to %s: %w", dir, err)
	}
	return nil
}

// prepareEmptyDir makes sure dir exists and is empty, and reports whether
// it created it.
func prepareEmptyDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return false, fmt.Errorf("creating %s: %w", dir, err)
		}
		return true, nil
	case err != nil:
		return false, fmt.Errorf("%s: %w", dir, err)
	case len(entries) > 0:
		return false, fmt.Errorf("%s is not empty; give a new or empty directory", dir)
	}
	return false, nil
}

// FS returns the file system that holds the workspace's files. It opens
// only regular files and directories, and on disk nothing outside the
// workspace's directory.
func (w *Workspace) FS() fs.FS { return w.fsys }

// Dir returns the workspace's directory on disk, where edits may be saved,
// or "" for one that is not on disk, such as the built-in standard.
func (w *Workspace) Dir() string { return w.dir }

// Root returns how the workspace's directory is shown in positions: "" for
// the current directory and for a workspace not on disk.
func (w *Workspace) Root() string { return w.root }

// Describe names the workspace for messages: "the built-in standard" or
// "workspace DIR".
func (w *Workspace) Describe() string {
	if w.dir == "" {
		if w.root == "" {
			return "the built-in standard"
		}
		return "workspace " + w.root
	}
	return "workspace " + w.dir
}

// Name names the workspace where space is short, as the workbench's status
// line does: "built-in standard", or its directory, absolute, with the home
// directory as ~.
func (w *Workspace) Name() string {
	switch {
	case w.dir != "":
		if home, err := os.UserHomeDir(); err == nil && home != "" {
			if rel, err := filepath.Rel(home, w.abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return filepath.Join("~", rel)
			}
		}
		return w.abs
	case w.root != "":
		return w.root
	}
	return "built-in standard"
}

// Over returns the same workspace read through another file system, such
// as one that holds edits not yet saved; it shares none of w's caches, and
// has w's limits. It opens only regular files and directories of fsys.
func (w *Workspace) Over(fsys fs.FS) *Workspace {
	return &Workspace{fsys: regularOnly(fsys), root: w.root, dir: w.dir, abs: w.abs, limits: w.limits, trusted: w.trusted, overlay: true}
}

// DisplayPath returns how a slash-separated path inside the workspace is
// shown to users.
func (w *Workspace) DisplayPath(name string) string {
	if w.root == "" {
		return name
	}
	return filepath.Join(w.root, filepath.FromSlash(name))
}

// Path returns where a slash-separated path inside the workspace is on disk,
// or "" for a workspace that is not on disk.
func (w *Workspace) Path(name string) string {
	if w.dir == "" {
		return ""
	}
	return filepath.Join(w.dir, filepath.FromSlash(name))
}
