package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// victim is what the file outside the workspace holds, which no test may
// change or see.
const victim = "VICTIM: must never be read or written\n"

// confinedWorld is a workspace ws and, beside it, a directory outside
// holding victim.txt, with the links and special files that the tests of
// confinement use:
//
//	ws/in.cue            a regular file
//	ws/real/a.cue        a regular file, which ws/link-in.cue links to
//	ws/link-out.cue      → outside/victim.txt
//	ws/dangling-out.cue  → outside/new.cue, which does not exist
//	ws/dir-out           → outside
//	ws/dir.cue           a directory
//	ws/fifo.cue          a FIFO
func confinedWorld(t *testing.T) (ws, outside string) {
	t.Helper()
	root := t.TempDir()
	ws, outside = filepath.Join(root, "ws"), filepath.Join(root, "outside")
	for _, d := range []string{filepath.Join(ws, "real"), filepath.Join(ws, "dir.cue"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(outside, "victim.txt"), victim)
	write(t, filepath.Join(ws, "in.cue"), "in\n")
	write(t, filepath.Join(ws, "real", "a.cue"), "a\n")
	links := map[string]string{
		"link-in.cue":      filepath.Join("real", "a.cue"),
		"link-out.cue":     filepath.Join("..", "outside", "victim.txt"),
		"dangling-out.cue": filepath.Join(outside, "new.cue"),
		"dir-out":          outside,
	}
	for name, to := range links {
		if err := os.Symlink(to, filepath.Join(ws, name)); err != nil {
			t.Skip("no symbolic links:", err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(ws, "fifo.cue"), 0o644); err != nil {
		t.Skip("no FIFOs:", err)
	}
	return ws, outside
}

// untouched checks that the directory outside holds victim.txt alone, as
// it was.
func untouched(t *testing.T, outside string) {
	t.Helper()
	if got := names(t, outside); !slices.Equal(got, []string{"victim.txt"}) {
		t.Errorf("outside the workspace now holds %q", got)
	}
	if got := content(t, filepath.Join(outside, "victim.txt")); got != victim {
		t.Errorf("victim.txt now holds %q", got)
	}
}

// within runs f, failing the test if it does not return within 5 s (as a
// read of a FIFO would not).
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s hangs", what)
	}
}

func TestSaveWithin(t *testing.T) {
	tests := []struct {
		name string
		// path is relative to the workspace, or absolute with outside's
		// "<outside>" in it.
		path string
		// wantErr is what the error must wrap, nil for a save.
		wantErr error
		// wantMsg is in the error's message.
		wantMsg string
		// file is where the data must land, relative to the workspace.
		file string
	}{
		{name: "a file inside", path: "in.cue", file: "in.cue"},
		{name: "a new file in a new directory", path: "cue/revisions/x/new.cue", file: "cue/revisions/x/new.cue"},
		{name: "a link to a file inside", path: "link-in.cue", file: "real/a.cue"},
		{name: "a path that climbs out", path: "../outside/victim.txt", wantErr: ErrOutside, wantMsg: "is outside"},
		{name: "a path that climbs out and back", path: "real/../../ws/../outside/victim.txt", wantErr: ErrOutside, wantMsg: "is outside"},
		{name: "an absolute path outside", path: "<outside>/victim.txt", wantErr: ErrOutside, wantMsg: "is outside"},
		{name: "a link to a file outside", path: "link-out.cue", wantErr: ErrOutside, wantMsg: "a symbolic link leads outside"},
		{name: "a dangling link to outside", path: "dangling-out.cue", wantErr: ErrOutside, wantMsg: "a symbolic link leads outside"},
		{name: "a directory link to outside", path: "dir-out/victim.txt", wantErr: ErrOutside, wantMsg: "a symbolic link leads outside"},
		{name: "a new file through a directory link to outside", path: "dir-out/sub/new.cue", wantErr: ErrOutside, wantMsg: "a symbolic link leads outside"},
		{name: "a directory", path: "dir.cue", wantErr: ErrNotRegular, wantMsg: "not a regular file: it is a directory"},
		{name: "a FIFO", path: "fifo.cue", wantErr: ErrNotRegular, wantMsg: "not a regular file: it is a named pipe (FIFO)"},
	}
	for _, tt := range tests {
		for _, force := range []bool{false, true} {
			name := tt.name
			if force {
				name += "/force"
			}
			t.Run(name, func(t *testing.T) {
				ws, outside := confinedWorld(t)
				path := strings.ReplaceAll(tt.path, "<outside>", outside)
				if !filepath.IsAbs(path) {
					path = filepath.Join(ws, path)
				}
				var was Stamp
				if tt.file != "" && tt.file != "cue/revisions/x/new.cue" {
					was = StampOf([]byte(content(t, filepath.Join(ws, tt.file))))
				}
				var err error
				within(t, "Save", func() {
					_, err = Save(path, []byte("new\n"), was, Options{Force: force, Within: ws})
				})
				untouched(t, outside)
				if tt.wantErr == nil {
					if err != nil {
						t.Fatalf("Save: %v", err)
					}
					if got := content(t, filepath.Join(ws, tt.file)); got != "new\n" {
						t.Errorf("%s holds %q; want the data", tt.file, got)
					}
					if fi, err := os.Lstat(path); err != nil || (tt.file != tt.path) != (fi.Mode()&os.ModeSymlink != 0) {
						t.Errorf("the link %s was replaced", tt.path)
					}
					return
				}
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) || !strings.HasPrefix(err.Error(), "saving "+path+": ") {
					t.Errorf("Save error = %v; want %v saying %q about %s", err, tt.wantErr, tt.wantMsg, path)
				}
				if strings.Contains(err.Error(), "VICTIM") {
					t.Errorf("the error shows the victim's content: %v", err)
				}
			})
		}
	}
}

// TestSaveFIFO: without Within too, a FIFO is refused and never read (a
// read would block until another program writes to it).
func TestSaveFIFO(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.cue")
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skip("no FIFOs:", err)
	}
	var err error
	within(t, "Save over a FIFO", func() { _, err = Save(path, []byte("x"), Stamp{}, Options{}) })
	if !errors.Is(err, ErrNotRegular) {
		t.Errorf("Save over a FIFO: error = %v; want not a regular file", err)
	}
	within(t, "Read of a FIFO", func() { _, _, err = Read(path) })
	if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "reading "+path+": not a regular file: it is a named pipe (FIFO)") {
		t.Errorf("Read of a FIFO: error = %v; want not a regular file", err)
	}
}

func TestReadIn(t *testing.T) {
	tests := []struct {
		name, path string
		want       string // the content; "<missing>" for a missing file
		wantErr    error
		wantMsg    string
	}{
		{name: "a file inside", path: "in.cue", want: "in\n"},
		{name: "a link to a file inside", path: "link-in.cue", want: "a\n"},
		{name: "a missing file", path: "cue/revisions/x/none.cue", want: "<missing>"},
		{name: "a path that climbs out", path: "../outside/victim.txt", wantErr: ErrOutside, wantMsg: "is outside"},
		{name: "an absolute path", path: "<outside>/victim.txt", wantErr: ErrOutside, wantMsg: "is outside"},
		{name: "a link to a file outside", path: "link-out.cue", wantErr: ErrOutside, wantMsg: "a symbolic link leads outside"},
		{name: "a dangling link to outside", path: "dangling-out.cue", wantErr: ErrOutside, wantMsg: "a symbolic link leads outside"},
		{name: "a directory link to outside", path: "dir-out/victim.txt", wantErr: ErrOutside, wantMsg: "a symbolic link leads outside"},
		{name: "a directory", path: "dir.cue", wantErr: ErrNotRegular, wantMsg: "not a regular file: it is a directory"},
		{name: "a FIFO", path: "fifo.cue", wantErr: ErrNotRegular, wantMsg: "not a regular file: it is a named pipe (FIFO)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws, outside := confinedWorld(t)
			name := strings.ReplaceAll(tt.path, "<outside>", outside)
			var data []byte
			var st Stamp
			var err error
			within(t, "ReadIn", func() { data, st, err = ReadIn(ws, name) })
			untouched(t, outside)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) || !strings.HasPrefix(err.Error(), "reading "+name+": ") {
					t.Errorf("ReadIn error = %v; want %v saying %q about %s", err, tt.wantErr, tt.wantMsg, name)
				}
				if data != nil || strings.Contains(err.Error(), "VICTIM") {
					t.Errorf("ReadIn read the file outside: %q, %v", data, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadIn: %v", err)
			}
			got := string(data)
			if data == nil {
				got = "<missing>"
			}
			if got != tt.want || (data != nil) != st.Exists {
				t.Errorf("ReadIn = %q, %v; want %q", got, st, tt.want)
			}
		})
	}
}

// TestJournalWithin: a journal confined to the workspace writes, removes
// and reads nothing outside it, even when its directory is a link out;
// an entry file that is a link or a FIFO is reported and never read.
func TestJournalWithin(t *testing.T) {
	t.Run("the journal's directory links out", func(t *testing.T) {
		ws, outside := confinedWorld(t)
		if err := os.Symlink(outside, filepath.Join(ws, ".ladder")); err != nil {
			t.Fatal(err)
		}
		j := &Journal{Dir: filepath.Join(ws, ".ladder", "recover"), Within: ws}
		err := j.Put(Entry{Path: "cue/revisions/x/a.cue", Content: []byte("a")})
		if !errors.Is(err, ErrOutside) || !strings.Contains(err.Error(), "journaling the edit of cue/revisions/x/a.cue") {
			t.Errorf("Put error = %v; want a symbolic link that leads outside", err)
		}
		if _, errs := j.List(); len(errs) != 1 || !errors.Is(errs[0], ErrOutside) {
			t.Errorf("List errors = %v; want one, outside", errs)
		}
		if err := j.Remove("victim.txt"); !errors.Is(err, ErrOutside) {
			t.Errorf("Remove error = %v; want outside", err)
		}
		untouched(t, outside)
	})
	t.Run("entry files that are not regular files", func(t *testing.T) {
		ws, outside := confinedWorld(t)
		j := &Journal{Dir: filepath.Join(ws, ".ladder", "recover"), Within: ws}
		good := Entry{Path: "cue/revisions/x/a.cue", Content: []byte("a: 2\n")}
		if err := j.Put(good); err != nil {
			t.Fatal(err)
		}
		link, fifo := filepath.Join(j.Dir, entryName("link.cue")), filepath.Join(j.Dir, entryName("fifo.cue"))
		if err := os.Symlink(filepath.Join(outside, "victim.txt"), link); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		var got []Entry
		var errs []error
		within(t, "List", func() { got, errs = j.List() })
		if d := sameEntries(got, []Entry{good}); d != "" {
			t.Error(d)
		}
		if len(got) == 1 && got[0].File != j.file(good.Path) {
			t.Errorf("Entry.File = %q; want %q", got[0].File, j.file(good.Path))
		}
		msgs := make([]string, len(errs))
		for i, err := range errs {
			msgs[i] = err.Error()
		}
		slices.Sort(msgs)
		want := []string{
			"journal entry " + fifo + ": not a regular file: it is a named pipe (FIFO): not read",
			"journal entry " + link + ": not a regular file: it is a symbolic link: not read",
		}
		slices.Sort(want)
		if !slices.Equal(msgs, want) {
			t.Errorf("List errors:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
		}
		untouched(t, outside)
	})
	t.Run("an entry file too big", func(t *testing.T) {
		ws, _ := confinedWorld(t)
		j := &Journal{Dir: filepath.Join(ws, ".ladder", "recover"), Within: ws}
		if err := os.MkdirAll(j.Dir, 0o700); err != nil {
			t.Fatal(err)
		}
		big := j.file("big.cue")
		f, err := os.Create(big)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(MaxEntrySize + 1); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if _, errs := j.List(); len(errs) != 1 || !strings.Contains(errs[0].Error(), big+": 67108865 bytes, more than the 64 MiB an entry may have") {
			t.Errorf("List errors = %v; want the entry too big", errs)
		}
	})
}
