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
)

// Journal keeps unsaved edits in a directory (the workbench uses
// <workspace>/.ladder/recover), one entry per file, each written with Save
// (Force) so a crash mid-write never leaves a torn entry.
//
// An entry is a JSON file whose name is the hexadecimal SHA-256 of the
// entry's Path followed by ".json", whatever characters Path holds; the Path
// is stored inside. Put creates the directory if it is missing. Entries are
// private to the user (mode 0o600).
type Journal struct {
	// Dir is the directory of the entries.
	Dir string
	// FS performs the file operations; nil means the real file system.
	FS FS
}

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
	opts := Options{Force: true, Perm: 0o600, FS: j.fsys()}
	if _, err := Save(j.file(e.Path), data, Stamp{}, opts); err != nil {
		return fmt.Errorf("journaling the edit of %s: %w", e.Path, err)
	}
	return nil
}

// Remove removes the entry of path. That there is none is not an error.
func (j *Journal) Remove(path string) error {
	fsys := j.fsys()
	err := fsys.Remove(j.file(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil {
		err = fsys.SyncDir(j.Dir)
	}
	if err != nil {
		return fmt.Errorf("removing the journaled edit of %s: %w", path, err)
	}
	return nil
}

// List returns every readable entry of the journal, sorted by Path. An
// entry file that cannot be read or decoded is reported in the errors, with
// its file name, and skipped: one damaged entry never hides the others. A
// missing directory is an empty journal. Files whose names do not end in
// ".json" (such as a temporary file left by a crash) are ignored.
func (j *Journal) List() ([]Entry, []error) {
	fsys := j.fsys()
	readDir := os.ReadDir
	if r, ok := fsys.(dirReader); ok {
		readDir = r.ReadDir
	}
	des, err := readDir(j.Dir)
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
		e, err := decode(fsys, file)
		if err != nil {
			errs = append(errs, fmt.Errorf("journal entry %s: %w", file, err))
			continue
		}
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return entries, errs
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
