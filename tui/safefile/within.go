package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/ladderworks/ladder/spec"
)

// This file confines Save, Read and the journal to a directory (Within):
// a path that names a file outside it, or reaches one through a symbolic
// link, is refused before anything is read or written, and every file
// operation then goes through an os.Root, which the kernel holds to the
// directory even if a link is swapped in meanwhile.

// ErrOutside is the error (with errors.Is) of a path that names a file
// outside the directory a caller confined it to, or that a symbolic link
// leads out of it.
var ErrOutside = errors.New("outside the directory")

// ErrNotRegular is the error (with errors.Is) of reading or replacing a
// file that is not a regular file: a directory, a FIFO, a device, a socket.
// Such a file is never read (a FIFO would block the reader forever).
var ErrNotRegular = errors.New("not a regular file")

// OutsideError reports that a path leads outside the directory it was
// confined to.
type OutsideError struct {
	// Path is the path as the caller gave it.
	Path string
	// Within is the directory it was confined to.
	Within string
	// Target is where a symbolic link leads, or "" when Path itself names
	// a file outside Within.
	Target string
}

// Error says what leads where.
func (e *OutsideError) Error() string {
	if e.Target != "" {
		return fmt.Sprintf("%s: a symbolic link leads outside %s (to %s)", e.Path, e.Within, e.Target)
	}
	return fmt.Sprintf("%s is outside %s", e.Path, e.Within)
}

// Is makes errors.Is(err, ErrOutside) hold.
func (e *OutsideError) Is(target error) bool { return target == ErrOutside }

// confine checks that path names a file inside the directory within, once
// every symbolic link on the way that exists is followed, and returns the
// file it names with the links resolved (the file Save replaces) and the
// directory within with its own links resolved (the root of the os.Root
// that does the work). Missing parts of the path are kept as they are: the
// os.Root refuses a link among them that leads out when it meets it.
func confine(within, path string) (target, root string, err error) {
	absWithin, err := filepath.Abs(within)
	if err != nil {
		return "", "", err
	}
	absPath, err := filepath.Abs(path)
	if err != nil {
		return "", "", err
	}
	rel, err := filepath.Rel(absWithin, absPath)
	if err != nil || !filepath.IsLocal(rel) {
		return "", "", &OutsideError{Path: path, Within: within}
	}
	root, err = filepath.EvalSymlinks(absWithin)
	if err != nil {
		return "", "", err
	}
	target, err = resolveExisting(filepath.Join(root, rel))
	if err != nil {
		return "", "", err
	}
	if rel, err := filepath.Rel(root, target); err != nil || !filepath.IsLocal(rel) {
		return "", "", &OutsideError{Path: path, Within: within, Target: target}
	}
	return target, root, nil
}

// maxLinks bounds the symbolic links that resolveExisting follows by hand,
// as the kernel bounds a path's.
const maxLinks = 40

// resolveExisting follows the symbolic links of the longest part of path
// that exists, and joins the rest to it. A dangling link on the way is
// followed to where it points, so that the path that results is the file
// that writing path would create.
func resolveExisting(path string) (string, error) {
	return resolveLinks(path, 0)
}

func resolveLinks(path string, links int) (string, error) {
	rest := ""
	for p := path; ; {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Join(real, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if fi, lerr := os.Lstat(p); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			dest, err := os.Readlink(p)
			if err != nil {
				return "", err
			}
			if links >= maxLinks {
				return "", &fs.PathError{Op: "resolve", Path: path, Err: syscall.ELOOP}
			}
			if !filepath.IsAbs(dest) {
				// The link's directory exists: resolved, a ".." in dest
				// is its parent on disk.
				dir, err := filepath.EvalSymlinks(filepath.Dir(p))
				if err != nil {
					return "", err
				}
				dest = filepath.Join(dir, dest)
			}
			return resolveLinks(filepath.Join(dest, rest), links+1)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return "", err
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}

// ReadIn reads the file that name, a slash-separated path relative to dir,
// names inside dir, as Read does: a missing file is nil data and the zero
// Stamp. It never reads outside dir: a name that leads out of it, itself
// or through a symbolic link, is an error that wraps ErrOutside (an
// *OutsideError), and a file that is not a regular file (a directory, a
// FIFO, a device) one that wraps ErrNotRegular; neither is opened.
func ReadIn(dir, name string) ([]byte, Stamp, error) {
	fail := func(err error) ([]byte, Stamp, error) {
		return nil, Stamp{}, fmt.Errorf("reading %s: %w", name, err)
	}
	local := filepath.FromSlash(name)
	if !filepath.IsLocal(local) {
		return fail(&OutsideError{Path: name, Within: dir})
	}
	target, root, err := confine(dir, filepath.Join(dir, local))
	if err != nil {
		return fail(err)
	}
	rfs, err := openRootFS(root)
	if err != nil {
		return fail(err)
	}
	defer rfs.Close()
	data, st, err := read(rfs, target)
	if err != nil {
		return fail(err)
	}
	return data, st, nil
}

// rootFS is the real file system confined to a directory by an os.Root.
// Names are paths inside the directory, as Save builds them from the
// target that confine returned; a name outside it is refused.
type rootFS struct {
	root *os.Root
	dir  string
}

// openRootFS opens the directory dir (whose symbolic links are resolved)
// as a rootFS.
func openRootFS(dir string) (*rootFS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &rootFS{root: r, dir: dir}, nil
}

// Close closes the os.Root.
func (r *rootFS) Close() error { return r.root.Close() }

// rel returns name relative to the directory, or an error if it is
// outside it.
func (r *rootFS) rel(name string) (string, error) {
	rel, err := filepath.Rel(r.dir, name)
	if err != nil || (!filepath.IsLocal(rel) && rel != ".") {
		return "", &fs.PathError{Op: "open", Path: name, Err: &OutsideError{Path: name, Within: r.dir}}
	}
	return rel, nil
}

func (r *rootFS) CreateTemp(dir, pattern string) (File, error) {
	rel, err := r.rel(dir)
	if err != nil {
		return nil, err
	}
	prefix, suffix := pattern, ""
	if i := strings.LastIndex(pattern, "*"); i >= 0 {
		prefix, suffix = pattern[:i], pattern[i+1:]
	}
	for range 10000 {
		name := prefix + strconv.FormatUint(uint64(rand.Uint32()), 10) + suffix
		f, err := r.root.OpenFile(filepath.Join(rel, name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &rootFile{File: f, name: filepath.Join(dir, name)}, nil
	}
	return nil, &fs.PathError{Op: "createtemp", Path: filepath.Join(dir, pattern), Err: fs.ErrExist}
}

// rootFile is a temporary file of a rootFS, named by its full path.
type rootFile struct {
	*os.File
	name string
}

func (f *rootFile) Name() string { return f.name }

func (r *rootFS) Rename(oldpath, newpath string) error {
	o, err := r.rel(oldpath)
	if err != nil {
		return err
	}
	n, err := r.rel(newpath)
	if err != nil {
		return err
	}
	return r.root.Rename(o, n)
}

func (r *rootFS) Remove(name string) error {
	rel, err := r.rel(name)
	if err != nil {
		return err
	}
	return r.root.Remove(rel)
}

func (r *rootFS) SyncDir(dir string) error {
	rel, err := r.rel(dir)
	if err != nil {
		return err
	}
	d, err := r.root.Open(rel)
	if err != nil {
		return err
	}
	return syncClose(d)
}

func (r *rootFS) ReadFile(name string) ([]byte, error) {
	rel, err := r.rel(name)
	if err != nil {
		return nil, err
	}
	return readRegular(func() (*os.File, error) { return r.root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0) })
}

func (r *rootFS) Stat(name string) (fs.FileInfo, error) {
	rel, err := r.rel(name)
	if err != nil {
		return nil, err
	}
	return r.root.Stat(rel)
}

func (r *rootFS) Lstat(name string) (fs.FileInfo, error) {
	rel, err := r.rel(name)
	if err != nil {
		return nil, err
	}
	return r.root.Lstat(rel)
}

func (r *rootFS) MkdirAll(path string, perm fs.FileMode) error {
	rel, err := r.rel(path)
	if err != nil {
		return err
	}
	if rel == "." {
		return nil
	}
	return r.root.MkdirAll(rel, perm)
}

func (r *rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	rel, err := r.rel(name)
	if err != nil {
		return nil, err
	}
	d, err := r.root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.ReadDir(-1)
}

// readRegular reads the file that open opens (without blocking, so that a
// FIFO does not hang it) if it is a regular file, and refuses any other
// with ErrNotRegular.
func readRegular(open func() (*os.File, error)) ([]byte, error) {
	f, err := open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: it is %s", ErrNotRegular, spec.FileKind(fi.Mode()))
	}
	return io.ReadAll(f)
}
