package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// FS is the file operations Save uses, so that tests can make each step fail.
//
// Journal.List also lists its directory with the FS: if the FS has a method
// ReadDir(name string) ([]fs.DirEntry, error) it is used, otherwise
// os.ReadDir.
type FS interface {
	// CreateTemp creates a new file in dir, as os.CreateTemp does.
	CreateTemp(dir, pattern string) (File, error)
	// Rename renames oldpath to newpath, replacing newpath, as os.Rename does.
	Rename(oldpath, newpath string) error
	// Remove removes the named file, as os.Remove does.
	Remove(name string) error
	// SyncDir commits the entries of directory dir (files created, renamed
	// or removed in it) to stable storage.
	SyncDir(dir string) error
	// ReadFile reads the named file, as os.ReadFile does; the real file
	// systems refuse a file that is not a regular file (ErrNotRegular).
	ReadFile(name string) ([]byte, error)
	// Stat describes the named file, following symbolic links, as os.Stat does.
	Stat(name string) (fs.FileInfo, error)
	// MkdirAll creates a directory and any missing parents, as os.MkdirAll does.
	MkdirAll(path string, perm fs.FileMode) error
}

// File is an open temporary file that Save writes. *os.File implements it.
type File interface {
	Name() string
	Write(p []byte) (int, error)
	Sync() error
	Close() error
	Chmod(mode fs.FileMode) error
}

// OS is the real file system.
var OS FS = osFS{}

// osFS implements FS with package os.
type osFS struct{}

func (osFS) CreateTemp(dir, pattern string) (File, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err // not a nil *os.File in a non-nil File
	}
	return f, nil
}

func (osFS) Rename(oldpath, newpath string) error         { return os.Rename(oldpath, newpath) }
func (osFS) Remove(name string) error                     { return os.Remove(name) }
func (osFS) Stat(name string) (fs.FileInfo, error)        { return os.Stat(name) }
func (osFS) MkdirAll(path string, perm fs.FileMode) error { return os.MkdirAll(path, perm) }
func (osFS) ReadDir(name string) ([]fs.DirEntry, error)   { return os.ReadDir(name) }

// ReadFile reads a regular file, and refuses any other (ErrNotRegular)
// without blocking on it.
func (osFS) ReadFile(name string) ([]byte, error) {
	return readRegular(func() (*os.File, error) { return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0) })
}

// SyncDir fsyncs the directory. A file system that cannot sync directories
// (it answers EINVAL or "not supported", as some network and FUSE file
// systems do) is not an error: there is nothing more a program can do there.
func (osFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return syncClose(d)
}

// syncClose fsyncs the open directory d and closes it. A file system that
// cannot sync directories is not an error (see osFS.SyncDir).
func syncClose(d *os.File) error {
	err := d.Sync()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported) {
		err = nil
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// resolve returns the file that a path names once symbolic links are
// followed, so that Save replaces a link's target rather than the link, and
// writes its temporary file next to the target (on the same file system, as
// a rename needs). A path that cannot be resolved (a missing file, a
// dangling link) is returned as it is.
func (osFS) resolve(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	return path
}

// linkResolver is implemented by the file systems that know symbolic links:
// only OS, as the method is unexported.
type linkResolver interface {
	resolve(path string) string
}

// dirReader is an FS that can list a directory.
type dirReader interface {
	ReadDir(name string) ([]fs.DirEntry, error)
}
