package safefile

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// errInjected is the failure that faultFS injects.
var errInjected = errors.New("injected failure")

// faultFS is the real file system with hooks: it fails the step named by
// fail, and calls onWrite after the temporary file is written.
type faultFS struct {
	FS
	// fail is the step that fails: "CreateTemp", "Write", "ShortWrite",
	// "Sync", "Chmod", "Close", "Recheck" (the second ReadFile), "Stat",
	// "Rename", "Remove" or "SyncDir".
	fail string
	// onWrite, if not nil, runs after the temporary file is written, as
	// another program writing the file meanwhile.
	onWrite func()
	// reads counts the calls of ReadFile.
	reads int
}

func newFaultFS(fail string) *faultFS { return &faultFS{FS: OS, fail: fail} }

func (f *faultFS) CreateTemp(dir, pattern string) (File, error) {
	if f.fail == "CreateTemp" {
		return nil, errInjected
	}
	file, err := f.FS.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fs: f}, nil
}

func (f *faultFS) ReadFile(name string) ([]byte, error) {
	f.reads++
	if f.fail == "Recheck" && f.reads == 2 {
		return nil, errInjected
	}
	return f.FS.ReadFile(name)
}

func (f *faultFS) Stat(name string) (fs.FileInfo, error) {
	if f.fail == "Stat" {
		return nil, errInjected
	}
	return f.FS.Stat(name)
}

func (f *faultFS) Rename(oldpath, newpath string) error {
	if f.fail == "Rename" {
		return errInjected
	}
	return f.FS.Rename(oldpath, newpath)
}

func (f *faultFS) Remove(name string) error {
	if f.fail == "Remove" {
		return errInjected
	}
	return f.FS.Remove(name)
}

func (f *faultFS) SyncDir(dir string) error {
	if f.fail == "SyncDir" {
		return errInjected
	}
	return f.FS.SyncDir(dir)
}

// faultFile is a temporary file of a faultFS.
type faultFile struct {
	File
	fs *faultFS
}

func (f *faultFile) Write(p []byte) (int, error) {
	switch f.fs.fail {
	case "Write": // a part is written, then the disk fills up
		n, _ := f.File.Write(p[:len(p)/2])
		return n, errInjected
	case "ShortWrite": // a part is written, without an error
		return f.File.Write(p[:len(p)/2])
	}
	n, err := f.File.Write(p)
	if f.fs.onWrite != nil {
		f.fs.onWrite()
	}
	return n, err
}

func (f *faultFile) Sync() error {
	if f.fs.fail == "Sync" {
		return errInjected
	}
	return f.File.Sync()
}

func (f *faultFile) Chmod(mode fs.FileMode) error {
	if f.fs.fail == "Chmod" {
		return errInjected
	}
	return f.File.Chmod(mode)
}

func (f *faultFile) Close() error {
	err := f.File.Close() // the file is closed even when closing "fails"
	if f.fs.fail == "Close" {
		return errInjected
	}
	return err
}

// names returns the names in dir, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ns []string
	for _, de := range des {
		ns = append(ns, de.Name())
	}
	return ns
}

// write writes a file for a test.
func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// content returns the content of a file, or "<missing>".
func content(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "<missing>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestReadAndCurrent(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.cue")

	data, st, err := Read(path)
	if err != nil || data != nil || st != (Stamp{}) {
		t.Errorf("Read(missing) = %q, %v, %v; want nil, Stamp{}, nil", data, st, err)
	}
	if st, err := Current(path); err != nil || st.Exists {
		t.Errorf("Current(missing) = %v, %v; want Stamp{}, nil", st, err)
	}

	write(t, path, "x: 1\n")
	data, st, err = Read(path)
	if err != nil || string(data) != "x: 1\n" || st != StampOf([]byte("x: 1\n")) || !st.Exists {
		t.Errorf("Read = %q, %v, %v; want the content and its stamp", data, st, err)
	}
	if cur, err := Current(path); err != nil || cur != st {
		t.Errorf("Current = %v, %v; want %v", cur, err, st)
	}
	if StampOf(nil) == (Stamp{}) || StampOf(nil) != StampOf([]byte{}) {
		t.Errorf("an empty file's stamp must exist and not depend on nil")
	}

	// A directory is not readable as a file.
	if _, _, err := Read(dir); err == nil || !strings.Contains(err.Error(), "reading "+dir) {
		t.Errorf("Read(dir) error = %v; want a reading error naming it", err)
	}
}

func TestStampJSON(t *testing.T) {
	for _, st := range []Stamp{{}, StampOf(nil), StampOf([]byte("hello"))} {
		data, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		var got Stamp
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatalf("unmarshal %s: %v", data, err)
		}
		if got != st {
			t.Errorf("%s round-trips to %v; want %v", data, got, st)
		}
	}
	data, _ := json.Marshal(StampOf([]byte("hello")))
	if want := `{"exists":true,"sum":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}`; string(data) != want {
		t.Errorf("JSON = %s; want %s", data, want)
	}
	for _, bad := range []string{
		`{"exists":true,"sum":"2cf2"}`,
		`{"exists":true}`,
		`{"exists":true,"sum":"zz"}`,
		`{"exists":false,"sum":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}`,
		`"2cf24d"`,
	} {
		var st Stamp
		if err := json.Unmarshal([]byte(bad), &st); err == nil {
			t.Errorf("unmarshal %s: no error", bad)
		}
	}
}

func TestSave(t *testing.T) {
	const old, mine, theirs = "old\n", "mine\n", "theirs\n"
	tests := []struct {
		name string
		// before is the file when the caller reads it ("" for missing).
		before string
		// meanwhile changes the file after it is read.
		meanwhile func(t *testing.T, path string)
		force     bool
		// wantChanged is the disk content that a *ChangedError carries
		// ("<missing>" for a deleted file), or "" when Save succeeds.
		wantChanged string
		// want is the file after Save.
		want string
	}{
		{name: "creates a new file", want: mine},
		{name: "overwrites an unchanged file", before: old, want: mine},
		{
			name:        "refuses a file changed since read",
			before:      old,
			meanwhile:   func(t *testing.T, p string) { write(t, p, theirs) },
			wantChanged: theirs,
			want:        theirs,
		},
		{
			name:   "refuses a file deleted since read",
			before: old,
			meanwhile: func(t *testing.T, p string) {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
			},
			wantChanged: "<missing>",
			want:        "<missing>",
		},
		{
			name:        "refuses a file created since read as missing",
			meanwhile:   func(t *testing.T, p string) { write(t, p, theirs) },
			wantChanged: theirs,
			want:        theirs,
		},
		{
			name:      "force overwrites a changed file",
			before:    old,
			meanwhile: func(t *testing.T, p string) { write(t, p, theirs) },
			force:     true,
			want:      mine,
		},
		{
			name:   "force recreates a deleted file",
			before: old,
			meanwhile: func(t *testing.T, p string) {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
			},
			force: true,
			want:  mine,
		},
		{
			name:      "force overwrites a file created since read as missing",
			meanwhile: func(t *testing.T, p string) { write(t, p, theirs) },
			force:     true,
			want:      mine,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "a.cue")
			if tt.before != "" {
				write(t, path, tt.before)
			}
			_, was, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if tt.meanwhile != nil {
				tt.meanwhile(t, path)
			}

			st, err := Save(path, []byte(mine), was, Options{Force: tt.force})
			if tt.wantChanged != "" {
				var ce *ChangedError
				if !errors.As(err, &ce) {
					t.Fatalf("Save error = %v; want a *ChangedError", err)
				}
				disk := string(ce.Disk)
				if ce.Disk == nil {
					disk = "<missing>"
				}
				if disk != tt.wantChanged || ce.Path != path {
					t.Errorf("ChangedError{Path: %q, Disk: %q}; want {%q, %q}", ce.Path, disk, path, tt.wantChanged)
				}
				want := Stamp{}
				if ce.Disk != nil {
					want = StampOf(ce.Disk)
				}
				if ce.DiskStamp != want {
					t.Errorf("DiskStamp = %v; want the stamp of Disk", ce.DiskStamp)
				}
				if st != (Stamp{}) {
					t.Errorf("Save returned stamp %v with a ChangedError", st)
				}
			} else {
				if err != nil {
					t.Fatalf("Save: %v", err)
				}
				if st != StampOf([]byte(mine)) {
					t.Errorf("Save returned stamp %v; want that of the data", st)
				}
				if cur, _ := Current(path); cur != st {
					t.Errorf("Current = %v; want the stamp Save returned", cur)
				}
			}
			if got := content(t, path); got != tt.want {
				t.Errorf("file holds %q; want %q", got, tt.want)
			}
			var wantNames []string
			if tt.want != "<missing>" {
				wantNames = []string{"a.cue"}
			}
			if got := names(t, dir); !slices.Equal(got, wantNames) {
				t.Errorf("directory holds %q; want %q", got, wantNames)
			}
		})
	}
}

func TestSaveMode(t *testing.T) {
	dir := t.TempDir()

	// A new file gets Perm exactly, or 0o644.
	for _, tt := range []struct {
		perm, want fs.FileMode
	}{{0, 0o644}, {0o600, 0o600}, {0o664, 0o664}} {
		path := filepath.Join(dir, "new"+tt.want.String())
		if _, err := Save(path, []byte("x"), Stamp{}, Options{Perm: tt.perm}); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode() != tt.want {
			t.Errorf("Perm %v: new file has mode %v (%v); want %v", tt.perm, fi.Mode(), err, tt.want)
		}
	}

	// An existing file keeps its mode, whatever Perm says.
	path := filepath.Join(dir, "old")
	write(t, path, "old")
	if err := os.Chmod(path, 0o750); err != nil {
		t.Fatal(err)
	}
	for _, force := range []bool{false, true} {
		if _, err := Save(path, []byte("new"), StampOf([]byte(content(t, path))), Options{Perm: 0o600, Force: force}); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode() != 0o750 {
			t.Errorf("Force %v: saved file has mode %v (%v); want -rwxr-x---", force, fi.Mode(), err)
		}
	}
}

func TestSaveCreatesParents(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cue", "revisions", "x", "a.cue")
	if _, err := Save(path, []byte("a"), Stamp{}, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := content(t, path); got != "a" {
		t.Errorf("file holds %q; want %q", got, "a")
	}

	// Parents are created only for a new file: a file read as existing
	// whose directory vanished is not recreated there.
	gone := filepath.Join(dir, "gone", "b.cue")
	_, err := Save(gone, []byte("b"), StampOf([]byte("b0")), Options{Force: true})
	if err == nil || !strings.Contains(err.Error(), "saving "+gone) {
		t.Errorf("Save into a vanished directory: error = %v; want a saving error", err)
	}
	if _, err := os.Stat(filepath.Dir(gone)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Save recreated the directory of an existing file")
	}
}

func TestSaveSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real", "a.cue")
	link := filepath.Join(dir, "a.cue")
	if err := os.Mkdir(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, target, "old")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symbolic links:", err)
	}
	_, was, err := Read(link)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Save(link, []byte("new"), was, Options{}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi.Mode(), err)
	}
	if got := content(t, target); got != "new" {
		t.Errorf("target holds %q; want %q", got, "new")
	}
	if got := names(t, filepath.Dir(target)); !slices.Equal(got, []string{"a.cue"}) {
		t.Errorf("target's directory holds %q", got)
	}
}

func TestSaveNotRegular(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Save(path, []byte("x"), Stamp{}, Options{Force: true}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Save over a directory: error = %v; want not a regular file", err)
	}
	if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
		t.Errorf("the directory was replaced")
	}
	if got := names(t, dir); !slices.Equal(got, []string{"d"}) {
		t.Errorf("directory holds %q", got)
	}
}

// TestSaveConcurrentWrite checks that a write by another program after
// Save's first check, while it writes its temporary file, is detected by
// the check before the rename.
func TestSaveConcurrentWrite(t *testing.T) {
	const old, mine, theirs = "old\n", "mine\n", "theirs\n"
	tests := []struct {
		name   string
		before string // "" for missing
		// other is what the other program does; it returns what the
		// file then holds.
		other func(t *testing.T, path string) string
	}{
		{
			name:   "modified",
			before: old,
			other: func(t *testing.T, p string) string {
				write(t, p, theirs)
				return theirs
			},
		},
		{
			name:   "deleted",
			before: old,
			other: func(t *testing.T, p string) string {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
				return "<missing>"
			},
		},
		{
			name: "created",
			other: func(t *testing.T, p string) string {
				write(t, p, theirs)
				return theirs
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "a.cue")
			if tt.before != "" {
				write(t, path, tt.before)
			}
			_, was, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			fsys := newFaultFS("")
			var want string
			fsys.onWrite = func() { want = tt.other(t, path) }

			_, err = Save(path, []byte(mine), was, Options{FS: fsys})
			var ce *ChangedError
			if !errors.As(err, &ce) {
				t.Fatalf("Save error = %v; want a *ChangedError", err)
			}
			disk := string(ce.Disk)
			if ce.Disk == nil {
				disk = "<missing>"
			}
			if disk != want {
				t.Errorf("ChangedError.Disk = %q; want %q", disk, want)
			}
			if got := content(t, path); got != want {
				t.Errorf("file holds %q; want the other program's %q", got, want)
			}
			var wantNames []string
			if want != "<missing>" {
				wantNames = []string{"a.cue"}
			}
			if got := names(t, dir); !slices.Equal(got, wantNames) {
				t.Errorf("directory holds %q; want %q", got, wantNames)
			}
		})
	}
}

// TestSaveFailures makes each step of Save fail in turn and checks that the
// file is as it was and that no temporary file remains.
func TestSaveFailures(t *testing.T) {
	const old, mine = "old content\n", "new content, longer than the old\n"
	steps := []struct {
		fail string
		// inPlace: the failure comes after the rename, so the new content
		// is in place and Save returns its stamp along with the error.
		inPlace bool
		// err is the failure Save reports; nil means errInjected.
		err error
	}{
		{fail: "Stat"},
		{fail: "CreateTemp"},
		{fail: "Write"},
		{fail: "ShortWrite", err: io.ErrShortWrite},
		{fail: "Sync"},
		{fail: "Chmod"},
		{fail: "Close"},
		{fail: "Recheck"},
		{fail: "Rename"},
		{fail: "SyncDir", inPlace: true},
	}
	for _, exists := range []bool{true, false} {
		for _, step := range steps {
			name := step.fail + "/new"
			if exists {
				name = step.fail + "/existing"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "a.cue")
				before, was := "<missing>", Stamp{}
				if exists {
					write(t, path, old)
					before, was = old, StampOf([]byte(old))
				}
				st, err := Save(path, []byte(mine), was, Options{FS: newFaultFS(step.fail)})
				wantErr := step.err
				if wantErr == nil {
					wantErr = errInjected
				}
				if !errors.Is(err, wantErr) {
					t.Fatalf("Save error = %v; want %v", err, wantErr)
				}
				if !strings.HasPrefix(err.Error(), "saving "+path+": ") {
					t.Errorf("error %q does not say what was being saved", err)
				}
				var ce *ChangedError
				if errors.As(err, &ce) {
					t.Errorf("a failure is reported as a ChangedError")
				}
				want, wantSt := before, Stamp{}
				if step.inPlace {
					want, wantSt = mine, StampOf([]byte(mine))
				}
				if st != wantSt {
					t.Errorf("Save returned stamp %v; want %v", st, wantSt)
				}
				if got := content(t, path); got != want {
					t.Errorf("file holds %q; want %q", got, want)
				}
				var wantNames []string
				if want != "<missing>" {
					wantNames = []string{"a.cue"}
				}
				if got := names(t, dir); !slices.Equal(got, wantNames) {
					t.Errorf("directory holds %q; want %q (a temporary file remains)", got, wantNames)
				}
			})
		}
	}
}

// TestSaveRemoveFails checks that a temporary file that cannot be removed
// after a failure is reported along with the failure.
func TestSaveRemoveFails(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.cue")
	write(t, path, "old")
	fsys := &faultFS{FS: OS, fail: "Remove"}
	fsys.onWrite = func() { write(t, path, "theirs") }
	_, err := Save(path, []byte("new"), StampOf([]byte("old")), Options{FS: fsys})
	var ce *ChangedError
	if !errors.As(err, &ce) || !errors.Is(err, errInjected) || !strings.Contains(err.Error(), "removing temporary file") {
		t.Errorf("Save error = %v; want a ChangedError and the failure to remove", err)
	}
	if got := content(t, path); got != "theirs" {
		t.Errorf("file holds %q; want %q", got, "theirs")
	}
}

func TestChangedErrorMessage(t *testing.T) {
	changed := &ChangedError{Path: "a.cue", Disk: []byte("x"), DiskStamp: StampOf([]byte("x"))}
	deleted := &ChangedError{Path: "a.cue"}
	if got, want := changed.Error(), "saving a.cue: the file changed on disk since it was read"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	if got, want := deleted.Error(), "saving a.cue: the file was deleted since it was read"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
}

func TestTempPattern(t *testing.T) {
	long := "a" + strings.Repeat("é", 80) // 161 bytes: byte 100 is inside an é
	for _, base := range []string{"a.cue", "*.cue", long} {
		p := tempPattern(base)
		if !strings.HasPrefix(p, ".") || !strings.HasSuffix(p, ".*.tmp") || len(p) > maxTempBase+len("..*.tmp") {
			t.Errorf("tempPattern(%q) = %q", base, p)
		}
		if !utf8.ValidString(p) {
			t.Errorf("tempPattern(%q) = %q cuts a character", base, p)
		}
	}
	// A long name still saves.
	dir := t.TempDir()
	path := filepath.Join(dir, strings.Repeat("n", 250))
	if _, err := Save(path, []byte("x"), Stamp{}, Options{}); err != nil {
		t.Errorf("saving a 250-byte name: %v", err)
	}
}
