package tui

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"sync"
	"time"
)

// overlayFS is a file system whose files can be replaced by text held in
// memory: the edits of the workbench, compiled before they are saved. The
// set of files is the underlying file system's; only contents differ.
//
// The workbench sets the texts before each compilation and compiles one
// revision at a time; the lock makes a stray concurrent read safe.
type overlayFS struct {
	base fs.FS
	mu   sync.RWMutex
	over map[string][]byte
}

func newOverlay(base fs.FS) *overlayFS {
	return &overlayFS{base: base, over: map[string][]byte{}}
}

// set replaces the texts held in memory, by slash path.
func (o *overlayFS) set(texts map[string][]byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.over = texts
}

func (o *overlayFS) text(name string) ([]byte, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	data, ok := o.over[name]
	return data, ok
}

// Open opens a file, from memory where the overlay holds it.
func (o *overlayFS) Open(name string) (fs.File, error) {
	if data, ok := o.text(name); ok {
		info, err := fs.Stat(o.base, name)
		if err != nil {
			return nil, err
		}
		return &memFile{Reader: bytes.NewReader(data), info: memInfo{info, int64(len(data))}}, nil
	}
	return o.base.Open(name)
}

// ReadDir lists a directory, with the sizes of the files held in memory.
func (o *overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(o.base, name)
	if err != nil {
		return nil, err
	}
	for i, e := range entries {
		if data, ok := o.text(path.Join(name, e.Name())); ok {
			entries[i] = memEntry{e, int64(len(data))}
		}
	}
	return entries, nil
}

// ReadFile reads a file, from memory where the overlay holds it.
func (o *overlayFS) ReadFile(name string) ([]byte, error) {
	if data, ok := o.text(name); ok {
		return bytes.Clone(data), nil
	}
	return fs.ReadFile(o.base, name)
}

type memFile struct {
	*bytes.Reader
	info fs.FileInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

var _ io.ReaderAt = (*memFile)(nil)

// memInfo is the information of a file with the size of its text in memory.
type memInfo struct {
	fs.FileInfo
	size int64
}

func (i memInfo) Size() int64        { return i.size }
func (i memInfo) ModTime() time.Time { return i.FileInfo.ModTime() }

type memEntry struct {
	fs.DirEntry
	size int64
}

func (e memEntry) Info() (fs.FileInfo, error) {
	info, err := e.DirEntry.Info()
	if err != nil {
		return nil, err
	}
	return memInfo{info, e.size}, nil
}
