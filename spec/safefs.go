package spec

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// A workspace from elsewhere is untrusted input. Every read of a workspace
// goes through a guardFS, which holds two promises:
//
//   - nothing outside the workspace is read: on disk the workspace is an
//     [os.Root], which refuses a path, a symbolic link included, that
//     leads out of its directory (and any absolute symbolic link);
//   - only regular files and directories are opened: a named pipe, a
//     device or a socket is refused from its mode, before it is opened, so
//     that a read never blocks on one or reads a device. CUE's loader opens
//     files through the same file system, so it is held to both.

// guardFS is a file system that opens only regular files and directories,
// of a directory on disk (root) or of any other file system (fsys).
type guardFS struct {
	root *os.Root
	fsys fs.FS
}

// regularOnly returns fsys held to opening only regular files and directories.
func regularOnly(fsys fs.FS) fs.FS {
	if g, ok := fsys.(*guardFS); ok {
		return g
	}
	return &guardFS{fsys: fsys}
}

// guardRoot returns the file system of the directory on disk that root
// holds, which nothing read through it can leave.
func guardRoot(root *os.Root) fs.FS {
	return &guardFS{root: root}
}

// NotRegularError reports a file that Ladder does not read because it is
// not a regular file: a named pipe, a device, a socket.
type NotRegularError struct {
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return "it is " + FileKind(e.Mode) + ", not a regular file, and Ladder reads only regular files"
}

// FileKind names, for messages, the kind of a file that is not a regular
// file: "a named pipe (FIFO)", "a symbolic link", "a directory"…, or "an
// irregular file" for a kind it has no name for.
func FileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeDir != 0:
		return "a directory"
	}
	return "an irregular file"
}

// openable reports why a file of the given mode must not be opened, or nil.
func openable(name string, m fs.FileMode) error {
	if m.IsRegular() || m.IsDir() {
		return nil
	}
	return &fs.PathError{Op: "open", Path: name, Err: &NotRegularError{Mode: m}}
}

func (g *guardFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	// Stat first, so that a pipe or a device is never opened; the opened
	// file is checked again, in case it was swapped meanwhile (and on disk
	// it is opened without blocking, and without becoming a terminal).
	info, err := g.Stat(name)
	if err != nil {
		return nil, err
	}
	if err := openable(name, info.Mode()); err != nil {
		return nil, err
	}
	var f fs.File
	if g.root != nil {
		f, err = g.root.OpenFile(name, os.O_RDONLY|openFlags, 0)
		err = outsideError(name, err)
	} else {
		f, err = g.fsys.Open(name)
	}
	if err != nil {
		return nil, err
	}
	if info, err = f.Stat(); err == nil {
		err = openable(name, info.Mode())
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func (g *guardFS) Stat(name string) (fs.FileInfo, error) {
	if g.root != nil {
		if !fs.ValidPath(name) {
			return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
		}
		info, err := g.root.Stat(name)
		return info, outsideError(name, err)
	}
	return fs.Stat(g.fsys, name)
}

func (g *guardFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := g.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dir, ok := f.(fs.ReadDirFile)
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	entries, err := dir.ReadDir(-1)
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

func (g *guardFS) ReadFile(name string) ([]byte, error) {
	f, err := g.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return data, nil
}

// errOutside is the error of a path that leads out of the workspace.
var errOutside = errors.New("it leads outside the workspace (through a symbolic link, or one with an absolute target), and Ladder reads nothing outside it")

// outsideError turns the error of an os.Root for a path that escapes it into
// one that says so.
func outsideError(name string, err error) error {
	if err == nil {
		return nil
	}
	if strings.Contains(err.Error(), "path escapes from parent") {
		return &fs.PathError{Op: "open", Path: name, Err: errOutside}
	}
	return err
}

// IsOutside reports whether err is that of a path leading outside the
// workspace.
func IsOutside(err error) bool { return errors.Is(err, errOutside) }

// Lstat returns what name is, without following a final symbolic link, so
// that a reader can say where a link leads before refusing it.
func (g *guardFS) Lstat(name string) (fs.FileInfo, error) {
	if g.root != nil {
		if !fs.ValidPath(name) {
			return nil, &fs.PathError{Op: "lstat", Path: name, Err: fs.ErrInvalid}
		}
		info, err := g.root.Lstat(name)
		return info, outsideError(name, err)
	}
	return fs.Lstat(g.fsys, name)
}

// ReadLink returns the target of the symbolic link name, as written; it
// reads nothing the link leads to.
func (g *guardFS) ReadLink(name string) (string, error) {
	if g.root != nil {
		if !fs.ValidPath(name) {
			return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
		}
		target, err := g.root.Readlink(name)
		return target, outsideError(name, err)
	}
	return fs.ReadLink(g.fsys, name)
}
