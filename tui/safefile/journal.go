package safefile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ladderworks/ladder/spec"
)

// Journal keeps unsaved edits in a directory (the workbench uses
// <workspace>/.ladder/recover), one entry per file, each written with Save
// (Force) so a crash mid-write never leaves a torn entry.
//
// An entry is a JSON file whose name is the hexadecimal SHA-256 of the
// entry's Path followed by ".json", whatever characters Path holds; the Path
// is stored inside. Put creates the directory if it is missing. Entries are
// private to the user (mode 0o600).
//
// The journal stores Path as given and trusts it no more than the rest of
// an entry: a reader decides which paths it accepts (the workbench accepts
// only a CUE file of a revision, inside the workspace) before it reads or
// writes the file an entry names.
type Journal struct {
	// Dir is the directory of the entries.
	Dir string
	// Within, when set, is a directory that the journal never reads or
	// writes outside of: Dir must be inside it, and a symbolic link that
	// leads out of it (Dir's own, say, or an entry's) is refused, as Save
	// refuses it with Options.Within.
	Within string
	// FS performs the file operations; nil means the real file system.
	FS FS
}

// MaxEntrySize is the largest entry file List reads; a bigger one is
// reported and skipped.
const MaxEntrySize = 64 << 20

// Entry is the unsaved content of one file.
type Entry struct {
	// Path is the file the edit is of (as the caller names it, e.g.
	// relative to the workspace, like "cue/revisions/x/a.cue").
	Path string
	// Base is the stamp of the file on disk when the edit began, to tell at
	// recovery whether the file changed since.
	Base Stamp
	// Content is the unsaved content of the file.
	Content []byte
	// Time is when the edit was last journaled.
	Time time.Time
	// File is the entry file that List read the entry from.
	File string
}

// entryVersion is the version of the entry format that this package writes
// and reads.
const entryVersion = 1

// entryJSON is the JSON form of an Entry. Content valid as UTF-8 is kept in
// Text, readable by a person recovering by hand; other content in Data
// (base64).
type entryJSON struct {
	Version int       `json:"version"`
	Path    string    `json:"path"`
	Base    Stamp     `json:"base"`
	Time    time.Time `json:"time"`
	Text    *string   `json:"text,omitempty"`
	Data    []byte    `json:"data,omitempty"`
}

// entryExt ends the name of every entry file.
const entryExt = ".json"

// fsys returns the journal's file system.
func (j *Journal) fsys() FS {
	if j.FS == nil {
		return OS
	}
	return j.FS
}

// entryName returns the name of the entry file of the edit of path.
func entryName(path string) string {
	sum := sha256.Sum256([]byte(path))
	return hex.EncodeToString(sum[:]) + entryExt
}

// file returns the entry file of the edit of path.
func (j *Journal) file(path string) string {
	return filepath.Join(j.Dir, entryName(path))
}

// Put writes e to the journal, replacing the entry of e.Path if there is one.
func (j *Journal) Put(e Entry) error {
	if e.Path == "" {
		return errors.New("journaling an edit: the entry has no path")
	}
	rec := entryJSON{Version: entryVersion, Path: e.Path, Base: e.Base, Time: e.Time}
	if utf8.Valid(e.Content) {
		text := string(e.Content)
		rec.Text = &text
	} else {
		rec.Data = e.Content
	}
	data, err := json.MarshalIndent(rec, "", "\t")
	if err != nil {
		return fmt.Errorf("journaling the edit of %s: %w", e.Path, err)
	}
	data = append(data, '\n')
	opts := Options{Force: true, Perm: 0o600, FS: j.FS, Within: j.Within}
	if _, err := Save(j.file(e.Path), data, Stamp{}, opts); err != nil {
		return fmt.Errorf("journaling the edit of %s: %w", e.Path, err)
	}
	return nil
}

// Remove removes the entry of path. That there is none is not an error.
func (j *Journal) Remove(path string) error {
	fsys, dir, done, err := j.open()
	if err == nil {
		defer done()
		err = fsys.Remove(filepath.Join(dir, entryName(path)))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err == nil {
			err = fsys.SyncDir(dir)
		}
	}
	if err != nil {
		return fmt.Errorf("removing the journaled edit of %s: %w", path, err)
	}
	return nil
}

// open returns the file system that the journal works with and its
// directory as that file system names it, with a function that releases
// them: with Within, an os.Root of Within and Dir with its links resolved,
// once Dir is found inside it.
func (j *Journal) open() (fsys FS, dir string, done func(), err error) {
	if j.Within == "" || j.FS != nil {
		if j.Within != "" {
			if _, _, err := confine(j.Within, j.Dir); err != nil {
				return nil, "", nil, err
			}
		}
		return j.fsys(), j.Dir, func() {}, nil
	}
	dir, root, err := confine(j.Within, j.Dir)
	if err != nil {
		return nil, "", nil, err
	}
	rfs, err := openRootFS(root)
	if err != nil {
		return nil, "", nil, err
	}
	return rfs, dir, func() { rfs.Close() }, nil
}

// List returns every readable entry of the journal, sorted by Path. Every
// entry file that cannot be read or decoded is reported in the errors, each
// with its file name, and skipped: damaged entries never hide the others.
// An entry file that is not a regular file (a symbolic link, a FIFO) or is
// bigger than MaxEntrySize is reported and never read. A
// missing directory is an empty journal. Directories, and files whose names
// do not end in ".json" (such as a temporary file left by a crash), are
// ignored.
func (j *Journal) List() ([]Entry, []error) {
	fsys, dir, done, err := j.open()
	if err != nil {
		return nil, []error{fmt.Errorf("listing journal %s: %w", j.Dir, err)}
	}
	defer done()
	readDir := os.ReadDir
	if r, ok := fsys.(dirReader); ok {
		readDir = r.ReadDir
	}
	des, err := readDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []error{fmt.Errorf("listing journal %s: %w", j.Dir, err)}
	}
	var entries []Entry
	var errs []error
	for _, de := range des {
		name := de.Name()
		if de.IsDir() || !strings.HasSuffix(name, entryExt) || strings.HasPrefix(name, ".") {
			continue
		}
		file := filepath.Join(j.Dir, name)
		e, err := decodeEntry(fsys, de, filepath.Join(dir, name))
		if err != nil {
			errs = append(errs, fmt.Errorf("journal entry %s: %w", file, err))
			continue
		}
		e.File = file
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return entries, errs
}

// decodeEntry reads and decodes the entry file file, listed as de, if it
// is a regular file no bigger than MaxEntrySize.
func decodeEntry(fsys FS, de fs.DirEntry, file string) (Entry, error) {
	if !de.Type().IsRegular() {
		return Entry{}, fmt.Errorf("%w: it is %s: not read", ErrNotRegular, spec.FileKind(de.Type()))
	}
	if fi, err := de.Info(); err == nil && fi.Size() > MaxEntrySize {
		return Entry{}, fmt.Errorf("%d bytes, more than the %d MiB an entry may have: not read", fi.Size(), MaxEntrySize>>20)
	}
	return decode(fsys, file)
}

// decode reads and decodes the entry file file.
func decode(fsys FS, file string) (Entry, error) {
	data, err := fsys.ReadFile(file)
	if err != nil {
		return Entry{}, err
	}
	var rec entryJSON
	if err := json.Unmarshal(data, &rec); err != nil {
		return Entry{}, fmt.Errorf("decoding: %w", err)
	}
	switch {
	case rec.Version != entryVersion:
		return Entry{}, fmt.Errorf("unknown entry version %d", rec.Version)
	case rec.Path == "":
		return Entry{}, errors.New("the entry has no path")
	case entryName(rec.Path) != filepath.Base(file):
		return Entry{}, fmt.Errorf("the file name does not match the entry's path %q", rec.Path)
	case rec.Text != nil && rec.Data != nil:
		return Entry{}, errors.New("the entry has both text and data")
	}
	content := rec.Data
	if rec.Text != nil {
		content = []byte(*rec.Text)
	}
	if content == nil {
		content = []byte{}
	}
	return Entry{Path: rec.Path, Base: rec.Base, Content: content, Time: rec.Time}, nil
}
