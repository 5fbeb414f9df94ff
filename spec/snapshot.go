package spec

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"cuelang.org/go/cue/parser"
)

// A load compiles a snapshot of the revision's source: every file of the
// workspace's CUE module that CUE may read for it, copied once. The compile
// guard (guard.go) checks the snapshot and the load compiles the same
// snapshot, so that what runs in Ladder's own process is exactly the text
// the guard saw finish within limits, whatever changes on disk meanwhile.

// Limits on a snapshot: a workspace whose CUE module holds more is refused
// rather than read into memory.
const (
	maxSnapshotFiles = 10000
	maxSnapshotBytes = 256 << 20
)

// snapshot is the source of one revision: its files, and those of the module
// that CUE may read with them, by slash path from the workspace's root.
type snapshot struct {
	id    string
	files map[string]*snapFile
	// dirs lists each directory's entries, sorted by name.
	dirs map[string][]fs.DirEntry
	// rev are the revision's own CUE files, sorted by name, with the names
	// that positions show.
	rev []*File
	// sum hashes the revision's ID and every file, path, type and text.
	sum [sha256.Size]byte
}

// snapFile is one file of a snapshot. Link reports that the workspace has a
// symbolic link there, which CUE's loader reads as the file it leads to.
type snapFile struct {
	data []byte
	link bool
}

// snapshot reads the source of the revision id: the module file, the CUE
// files directly in cue/ and cue/revisions/ (which CUE's loader adds to a
// package of the same name), and the revision's own CUE files; and when a
// file imports a package that is not CUE's standard library, or embeds a
// file, everything under cue/ that CUE may read. It reads only regular files
// and links to them.
func (w *Workspace) snapshot(id string) (*snapshot, error) {
	ids, err := w.Revisions()
	if err != nil {
		return nil, err
	}
	if !slices.Contains(ids, id) {
		return nil, &UnknownRevisionError{ID: id, Available: ids}
	}
	s := &snapshot{id: id, files: map[string]*snapFile{}}
	dir := path.Join(RevisionsDir, id)
	near := func(p string) bool {
		switch path.Dir(p) {
		case "cue", "cue/cue.mod", RevisionsDir, dir:
			return true
		}
		return false
	}
	if err := s.read(w.fsys, func(p string) bool { return near(p) && strings.HasSuffix(p, ".cue") }); err != nil {
		return nil, fmt.Errorf("reading revision %s: %w", id, err)
	}
	if s.reachesFurther() {
		s.files = map[string]*snapFile{}
		if err := s.read(w.fsys, func(string) bool { return true }); err != nil {
			return nil, fmt.Errorf("reading revision %s: %w", id, err)
		}
	}
	return w.snapshotOf(id, s.files)
}

// snapshotOf returns the snapshot of the revision id that holds the given
// files.
func (w *Workspace) snapshotOf(id string, files map[string]*snapFile) (*snapshot, error) {
	s := &snapshot{id: id, files: files}
	s.index()
	dir := path.Join(RevisionsDir, id)
	names, err := cueFiles(s, dir)
	if err != nil {
		return nil, fmt.Errorf("reading revision %s: %w", id, err)
	}
	for _, n := range names {
		p := path.Join(dir, n)
		s.rev = append(s.rev, &File{Name: w.DisplayPath(p), Data: s.files[p].data})
	}
	return s, nil
}

// read copies the files under cue/ that take, with the limits on a
// snapshot. A directory is entered only if it may hold such files.
func (s *snapshot) read(fsys fs.FS, take func(string) bool) error {
	total := 0
	return fs.WalkDir(fsys, "cue", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil && p == "cue":
			return err
		case err != nil:
			// A directory that cannot be listed is left out, as CUE's
			// loader leaves out what it cannot see.
			return nil
		case d.IsDir():
			if p == "cue" || take(path.Join(p, "x.cue")) || take(path.Join(p, "x")) {
				return nil
			}
			return fs.SkipDir
		case !take(p):
			return nil
		}
		link := d.Type()&fs.ModeSymlink != 0
		if !d.Type().IsRegular() && !link {
			return nil
		}
		if link {
			// A link is read as the file it leads to, if that is a
			// regular file: reading a pipe or a device could block.
			info, err := fs.Stat(fsys, p)
			if err != nil || !info.Mode().IsRegular() {
				return nil
			}
		}
		if len(s.files) >= maxSnapshotFiles {
			return fmt.Errorf("cue/ holds more than %d files that CUE may read", maxSnapshotFiles)
		}
		data, err := readAtMost(fsys, p, maxSnapshotBytes-total)
		if err != nil {
			return err
		}
		total += len(data)
		s.files[p] = &snapFile{data: data, link: link}
		return nil
	})
}

// readAtMost reads a file that must hold at most n bytes.
func readAtMost(fsys fs.FS, name string, n int) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(n)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > n {
		return nil, fmt.Errorf("the files under cue/ that CUE may read hold more than %d MiB", maxSnapshotBytes>>20)
	}
	return data, nil
}

// reachesFurther reports whether CUE may read files of the module beyond
// those of a first reading: a file imports a package that is not CUE's
// standard library, or embeds files (or does not parse far enough to tell).
func (s *snapshot) reachesFurther() bool {
	for name, f := range s.files {
		if bytes.Contains(f.data, []byte("@embed")) || bytes.Contains(f.data, []byte("@extern")) {
			return true
		}
		file, err := parser.ParseFile(name, f.data, parser.ImportsOnly)
		if err != nil {
			return true
		}
		for spec := range file.ImportSpecs() {
			p, err := strconv.Unquote(spec.Path.Value)
			if err != nil || !isStdlibPath(p) {
				return true
			}
		}
	}
	return false
}

// index lists the directories of the snapshot and hashes it.
func (s *snapshot) index() {
	s.dirs = map[string][]fs.DirEntry{}
	seen := map[string]bool{}
	names := make([]string, 0, len(s.files))
	for p := range s.files {
		names = append(names, p)
	}
	slices.Sort(names)
	h := sha256.New()
	writeBytes(h, []byte(s.id))
	for _, p := range names {
		f := s.files[p]
		writeBytes(h, []byte(p))
		writeInt(h, btoi(f.link))
		writeBytes(h, f.data)
		child := snapEntry{name: path.Base(p), file: f}
		for dir := path.Dir(p); ; dir = path.Dir(dir) {
			s.dirs[dir] = append(s.dirs[dir], child)
			if seen[dir] || dir == "." {
				break
			}
			seen[dir] = true
			child = snapEntry{name: path.Base(dir)}
		}
	}
	for dir, entries := range s.dirs {
		slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
		s.dirs[dir] = slices.CompactFunc(entries, func(a, b fs.DirEntry) bool { return a.Name() == b.Name() })
	}
	h.Sum(s.sum[:0])
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The snapshot is a read-only file system, as CUE's loader and Load read
// it.

func (s *snapshot) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if f, ok := s.files[name]; ok {
		return &snapOpen{Reader: bytes.NewReader(f.data), info: snapInfo{name: path.Base(name), size: int64(len(f.data))}}, nil
	}
	if entries, ok := s.dirs[name]; ok {
		return &snapDir{info: snapInfo{name: path.Base(name), dir: true}, entries: entries}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (s *snapshot) ReadFile(name string) ([]byte, error) {
	if f, ok := s.files[name]; ok {
		return bytes.Clone(f.data), nil
	}
	return nil, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrNotExist}
}

func (s *snapshot) ReadDir(name string) ([]fs.DirEntry, error) {
	if entries, ok := s.dirs[name]; ok {
		return slices.Clone(entries), nil
	}
	if _, ok := s.files[name]; ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
}

func (s *snapshot) Stat(name string) (fs.FileInfo, error) {
	if f, ok := s.files[name]; ok {
		return snapInfo{name: path.Base(name), size: int64(len(f.data))}, nil
	}
	if _, ok := s.dirs[name]; ok {
		return snapInfo{name: path.Base(name), dir: true}, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

// snapInfo describes a file or directory of a snapshot; like os.Stat, it
// describes a link by the file it leads to.
type snapInfo struct {
	name string
	size int64
	dir  bool
}

func (i snapInfo) Name() string { return i.name }
func (i snapInfo) Size() int64  { return i.size }
func (i snapInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i snapInfo) ModTime() time.Time { return time.Time{} }
func (i snapInfo) IsDir() bool        { return i.dir }
func (i snapInfo) Sys() any           { return nil }

// snapEntry is an entry of a directory of a snapshot; like os.ReadDir, it
// tells a link by its type.
type snapEntry struct {
	name string
	file *snapFile // nil for a directory
}

func (e snapEntry) Name() string { return e.name }
func (e snapEntry) IsDir() bool  { return e.file == nil }
func (e snapEntry) Type() fs.FileMode {
	switch {
	case e.file == nil:
		return fs.ModeDir
	case e.file.link:
		return fs.ModeSymlink
	}
	return 0
}
func (e snapEntry) Info() (fs.FileInfo, error) {
	if e.file == nil {
		return snapInfo{name: e.name, dir: true}, nil
	}
	return snapInfo{name: e.name, size: int64(len(e.file.data))}, nil
}

type snapOpen struct {
	*bytes.Reader
	info snapInfo
}

func (f *snapOpen) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *snapOpen) Close() error               { return nil }

type snapDir struct {
	info    snapInfo
	entries []fs.DirEntry
	read    int
}

func (d *snapDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *snapDir) Close() error               { return nil }
func (d *snapDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errors.New("is a directory")}
}

func (d *snapDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.read:]
	if n <= 0 {
		d.read = len(d.entries)
		return slices.Clone(rest), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	rest = rest[:min(n, len(rest))]
	d.read += len(rest)
	return slices.Clone(rest), nil
}
