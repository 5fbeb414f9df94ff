package safefile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"unicode/utf8"

	"github.com/ladderworks/ladder/spec"
)

// Stamp identifies the content of a file as it was read: whether it existed
// and the SHA-256 of its bytes. The zero Stamp is that of a missing file.
//
// A Stamp encodes in JSON as {"exists":true,"sum":"<64 hex digits>"}, or
// {"exists":false} for a missing file.
type Stamp struct {
	Exists bool
	Sum    [32]byte
}

// StampOf returns the stamp of a file that holds data.
func StampOf(data []byte) Stamp {
	return Stamp{Exists: true, Sum: sha256.Sum256(data)}
}

// stampJSON is the JSON form of a Stamp.
type stampJSON struct {
	Exists bool   `json:"exists"`
	Sum    string `json:"sum,omitempty"`
}

// MarshalJSON encodes the stamp with its sum in hexadecimal.
func (s Stamp) MarshalJSON() ([]byte, error) {
	j := stampJSON{Exists: s.Exists}
	if s.Exists {
		j.Sum = hex.EncodeToString(s.Sum[:])
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes a stamp that MarshalJSON encoded.
func (s *Stamp) UnmarshalJSON(data []byte) error {
	var j stampJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("decoding stamp: %w", err)
	}
	var st Stamp
	switch {
	case j.Exists:
		sum, err := hex.DecodeString(j.Sum)
		if err != nil || len(sum) != len(st.Sum) {
			return fmt.Errorf("decoding stamp: sum %q is not 64 hexadecimal digits", j.Sum)
		}
		st.Exists = true
		copy(st.Sum[:], sum)
	case j.Sum != "":
		return fmt.Errorf("decoding stamp: a missing file has no sum")
	}
	*s = st
	return nil
}

// Read reads the file at path and returns its content and stamp. A missing
// file is not an error: Read returns nil data and the zero Stamp.
func Read(path string) ([]byte, Stamp, error) {
	data, st, err := read(OS, path)
	if err != nil {
		return nil, Stamp{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return data, st, nil
}

// Current returns the stamp of what is on disk at path now.
func Current(path string) (Stamp, error) {
	_, st, err := Read(path)
	return st, err
}

// read reads a file with fsys; a missing file is nil data and the zero Stamp.
func read(fsys FS, path string) ([]byte, Stamp, error) {
	data, err := fsys.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Stamp{}, nil
	}
	if err != nil {
		return nil, Stamp{}, err
	}
	return data, StampOf(data), nil
}

// ChangedError reports that a file changed on disk since it was read: Save
// refuses to overwrite it.
type ChangedError struct {
	// Path is the file, as the caller named it to Save.
	Path string
	// Disk is the bytes on disk now, nil if the file was deleted.
	Disk []byte
	// DiskStamp is the stamp of Disk.
	DiskStamp Stamp
}

// Error says that the file changed, or was deleted, since it was read.
func (e *ChangedError) Error() string {
	if !e.DiskStamp.Exists {
		return fmt.Sprintf("saving %s: the file was deleted since it was read", e.Path)
	}
	return fmt.Sprintf("saving %s: the file changed on disk since it was read", e.Path)
}

// Options adjust Save.
type Options struct {
	// Force overwrites the file whatever it holds now.
	Force bool
	// Perm is the mode of a file that Save creates; 0 means 0o644. The
	// mode is set exactly, whatever the umask. An existing file keeps its
	// mode.
	Perm fs.FileMode
	// FS performs the file operations; nil means the real file system.
	// Tests inject failures with it.
	FS FS
	// Within, when set, is a directory outside which Save writes nothing:
	// path must name a file inside it, and a symbolic link that leads out
	// of it (the file's, or a directory's on the way) is refused with an
	// *OutsideError (errors.Is ErrOutside) before anything is written. On
	// the real file system every operation then goes through an os.Root
	// of the directory, so that a link swapped in meanwhile is refused too.
	Within string
}

// keptMode is the part of an existing file's mode that Save keeps.
const keptMode = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

// Save writes data to path if the file on disk still has the stamp was (the
// stamp of what the caller read), unless opts.Force. It returns the stamp of
// the saved data.
//
// Save checks the stamp of the file on disk and returns a *ChangedError if
// it differs from was; creates a temporary file in the same directory,
// writes data to it, syncs it, gives it the old file's mode (or opts.Perm
// for a new file) and closes it; checks the stamp on disk again just before
// renaming, as another program may have written the file meanwhile (if so
// it removes the temporary file and returns a *ChangedError); renames the
// temporary file over path; and syncs the directory. Use errors.As to find
// the *ChangedError.
//
// On any failure the file at path is exactly as it was, never truncated or
// partial, and the temporary file is removed. The one exception is the
// final sync of the directory: if it fails, the rename has happened, so the
// new content is in place (though a crash could still undo the rename), and
// Save returns the stamp of the new data together with the error.
//
// A write by another program that lands between the second check and the
// rename (a few system calls) is not detected: POSIX has no rename that
// fails when its target changed. A crash while saving may leave a hidden
// temporary file (".<name>.*.tmp") beside the file, never a damaged file.
//
// Save creates missing parent directories only when was.Exists is false,
// that is for a new file. If path is a symbolic link, Save replaces the
// file it points to and the link stays; with opts.Within, only if that
// file is inside opts.Within. A file that is not a regular file (a
// directory, a FIFO) is never read or replaced (ErrNotRegular). The new file belongs to the user
// running Save, whoever owned the old one.
func Save(path string, data []byte, was Stamp, opts Options) (Stamp, error) {
	fail := func(err error) (Stamp, error) {
		return Stamp{}, fmt.Errorf("saving %s: %w", path, err)
	}
	fsys := opts.FS
	target := path
	if opts.Within != "" {
		t, root, err := confine(opts.Within, path)
		if err != nil {
			return fail(err)
		}
		target = t
		if fsys == nil {
			rfs, err := openRootFS(root)
			if err != nil {
				return fail(err)
			}
			defer rfs.Close()
			fsys = rfs
		}
	}
	if fsys == nil {
		fsys = OS
	}
	if r, ok := fsys.(linkResolver); ok && opts.Within == "" {
		target = r.resolve(path)
	}
	dir, base := filepath.Dir(target), filepath.Base(target)

	if !opts.Force {
		if err := unchanged(fsys, path, target, was); err != nil {
			return Stamp{}, err
		}
	}
	mode := opts.Perm
	if mode == 0 {
		mode = 0o644
	}
	switch fi, err := fsys.Stat(target); {
	case err == nil && !fi.Mode().IsRegular():
		return fail(fmt.Errorf("%w: it is %s", ErrNotRegular, spec.FileKind(fi.Mode())))
	case err == nil:
		mode = fi.Mode() & keptMode
	case !errors.Is(err, fs.ErrNotExist):
		return fail(err)
	}
	if !was.Exists {
		if err := fsys.MkdirAll(dir, 0o755); err != nil {
			return fail(err)
		}
	}

	f, err := fsys.CreateTemp(dir, tempPattern(base))
	if err != nil {
		return fail(err)
	}
	tmp := f.Name()
	// discard removes the temporary file after a failure and adds any
	// failure to remove it to err.
	discard := func(err error) error {
		if rerr := fsys.Remove(tmp); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = errors.Join(err, fmt.Errorf("removing temporary file: %w", rerr))
		}
		return err
	}
	if err := writeTemp(f, data, mode); err != nil {
		return fail(discard(err))
	}
	if !opts.Force {
		if err := unchanged(fsys, path, target, was); err != nil {
			return Stamp{}, discard(err)
		}
	}
	if err := fsys.Rename(tmp, target); err != nil {
		return fail(discard(err))
	}
	st := StampOf(data)
	if err := fsys.SyncDir(dir); err != nil {
		return st, fmt.Errorf("saving %s: the new content is in place but may not survive a crash: syncing directory: %w", path, err)
	}
	return st, nil
}

// unchanged returns a *ChangedError for path if target (the file path names)
// no longer has the stamp was.
func unchanged(fsys FS, path, target string, was Stamp) error {
	disk, st, err := read(fsys, target)
	if err != nil {
		return fmt.Errorf("saving %s: checking the file on disk: %w", path, err)
	}
	if st != was {
		return &ChangedError{Path: path, Disk: disk, DiskStamp: st}
	}
	return nil
}

// writeTemp writes data to the temporary file f, syncs it, sets its mode and
// closes it. f is closed whatever happens.
func writeTemp(f File, data []byte, mode fs.FileMode) error {
	err := func() error {
		n, err := f.Write(data)
		if err == nil && n < len(data) {
			err = io.ErrShortWrite
		}
		if err != nil {
			return fmt.Errorf("writing temporary file: %w", err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("syncing temporary file: %w", err)
		}
		if err := f.Chmod(mode); err != nil {
			return fmt.Errorf("setting mode of temporary file: %w", err)
		}
		return nil
	}()
	if cerr := f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("closing temporary file: %w", cerr)
	}
	return err
}

// maxTempBase bounds the part of a file's name in its temporary file's name,
// which must stay under the file system's limit on names.
const maxTempBase = 100

// tempPattern returns the os.CreateTemp pattern of the temporary file of a
// file named base: hidden, and not ending like a source file, so that
// nothing loads it.
func tempPattern(base string) string {
	if len(base) > maxTempBase {
		cut := maxTempBase
		for cut > 0 && !utf8.RuneStart(base[cut]) {
			cut--
		}
		base = base[:cut]
	}
	// CreateTemp replaces only the last "*", so the name's own stars stay.
	return "." + base + ".*.tmp"
}
