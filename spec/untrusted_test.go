package spec

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ladderworks/ladder/spec/spectest"
)

// loadSoon loads a revision of the workspace in dir, failing the test if
// it takes longer than a minute (a read that blocks on a named pipe).
func loadSoon(t *testing.T, dir, id string) (*Revision, error) {
	t.Helper()
	w, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rev, err := w.LoadContext(ctx, id)
	if ctx.Err() != nil {
		t.Fatalf("loading %s did not end: a read blocks", id)
	}
	return rev, err
}

// embedFile makes a file of the edition that embeds, with @embed, each of
// the given attributes' arguments as a definition.
func embedFile(args ...string) spectest.Edit {
	text := "@extern(embed)\n\npackage standard\n"
	for i, a := range args {
		text += "\n#E" + string(rune('A'+i)) + ": _ @embed(" + a + ")\n"
	}
	return spectest.Edit{File: spectest.RevFile(edition, "embed.cue"), New: text}
}

// TestWorkspaceStaysInside loads revisions that read files through symbolic
// links and @embed paths: what leads outside the workspace is refused at
// its position, and nothing of the file it leads to is in the message;
// what stays inside is read.
func TestWorkspaceStaysInside(t *testing.T) {
	const secret = "TOP-SECRET"
	outside := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(outside, []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	revDir := filepath.FromSlash(spectest.RevFile(edition, ""))
	for _, tc := range []struct {
		name  string
		edits []spectest.Edit
		// links are made in the revision's directory: name → target.
		links map[string]string
		// want is a part of the error, "" for a revision that loads.
		want string
	}{
		{"an absolute link, embedded", []spectest.Edit{embedFile("file=link.txt, type=text")}, map[string]string{"link.txt": outside},
			"embed.cue:5:8: @embed(file=link.txt): cannot read link.txt: it leads outside the workspace"},
		{"a relative link out, embedded", []spectest.Edit{embedFile("file=link.txt, type=text")}, map[string]string{"link.txt": "../../../../" + filepath.Base(filepath.Dir(outside)) + "/secret.txt"},
			"it leads outside the workspace"},
		{"a link out, globbed", []spectest.Edit{embedFile("glob=*.txt, type=text")}, map[string]string{"link.txt": outside},
			"embed.cue:5:8: @embed(glob=*.txt): cannot read link.txt: it leads outside the workspace"},
		{"a directory link out", []spectest.Edit{embedFile("file=dir/secret.txt, type=text")}, map[string]string{"dir": filepath.Dir(outside)},
			"cannot read dir/secret.txt: it leads outside the workspace"},
		{"a CUE file linked out", nil, map[string]string{"zz.cue": outside},
			"zz.cue: cannot read this CUE file: it leads outside the workspace"},
		{"a parent path", []spectest.Edit{embedFile(`file="../../../secret.txt", type=text`)}, nil,
			`embed.cue:5:8: @embed(file=../../../secret.txt): "../../../secret.txt" leads out of the revision's directory: an embedded file must be inside the revision's directory`},
		{"an absolute path", []spectest.Edit{embedFile(`file="` + outside + `", type=text`)}, nil,
			"is an absolute path: an embedded file must be inside the revision's directory"},
		{"a missing file", []spectest.Edit{embedFile("file=nothing.txt, type=text")}, nil,
			"embed.cue:5:8: @embed(file=nothing.txt): cannot read nothing.txt: it does not exist"},
		{"links inside", []spectest.Edit{embedFile("file=sibling.txt, type=text", "file=record.json")},
			map[string]string{"sibling.txt": "../" + draft + "/speaker.cue", "record.json": "../../../fixtures/devices/speaker/sp-ambrelo-clarond-2-0182.json"}, ""},
		{"a CUE file linked inside", []spectest.Edit{{File: spectest.RevFile(edition, "speaker.cue"), Old: "package standard\n", New: "package standard\n\n#Linked: 1\n"}},
			map[string]string{"zz.cue": "../" + edition + "/../../../zz.cue.txt"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := spectest.Dir(t, tc.edits...)
			if err := os.WriteFile(filepath.Join(dir, "zz.cue.txt"), []byte("package standard\n\n#Other: 2\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			for name, target := range tc.links {
				if err := os.Symlink(target, filepath.Join(dir, revDir, name)); err != nil {
					t.Fatal(err)
				}
			}
			rev, err := loadSoon(t, dir, edition)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("the revision does not load: %v", err)
				}
				return
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Load = %v, %v; want a LoadError", rev, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to hold %q", err, tc.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error shows the file outside: %q", err)
			}
		})
	}
}

// TestOnlyRegularFiles loads revisions with a named pipe where a file is
// read: each is refused, naming the file, without blocking.
func TestOnlyRegularFiles(t *testing.T) {
	for _, tc := range []struct {
		name, pipe string
		edits      []spectest.Edit
		want       string
	}{
		{"a CUE file of the revision", spectest.RevFile(edition, "pipe.cue"), nil,
			"pipe.cue: cannot read this CUE file: it is a named pipe (FIFO), not a regular file"},
		{"an embedded file", spectest.RevFile(edition, "pipe.txt"), []spectest.Edit{embedFile("file=pipe.txt, type=text")},
			"embed.cue:5:8: @embed(file=pipe.txt): cannot read pipe.txt: it is a named pipe (FIFO)"},
		{"an embedded file by glob", spectest.RevFile(edition, "pipe.txt"), []spectest.Edit{embedFile("glob=*.txt, type=text")},
			"@embed(glob=*.txt): cannot read pipe.txt: it is a named pipe (FIFO)"},
		{"a CUE file of cue/", "cue/shared.cue", nil,
			"cue/shared.cue: cannot read this CUE file, which CUE adds to every revision below it: it is a named pipe (FIFO)"},
		{"the module file", "cue/cue.mod/module.cue", nil,
			"cue/cue.mod/module.cue: cannot read the module file: it is a named pipe (FIFO)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := spectest.Dir(t, tc.edits...)
			p := filepath.Join(dir, filepath.FromSlash(tc.pipe))
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skipf("no named pipes here: %v", err)
			}
			_, err := loadSoon(t, dir, edition)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load: %v\nwant an error that holds %q", err, tc.want)
			}
		})
	}
}

// TestGuardFS opens files of every kind through a workspace's file system:
// only regular files and directories open.
func TestGuardFS(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "file"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.Symlink("file", filepath.Join(dir, "inside"))
	os.Symlink("/etc/hostname", filepath.Join(dir, "absolute"))
	os.Symlink("../x", filepath.Join(dir, "up"))
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	w, err := Open(dir, nil)
	if err != nil {
		// Open wants a workspace.
		os.MkdirAll(filepath.Join(dir, RevisionsDir), 0o755)
		if w, err = Open(dir, nil); err != nil {
			t.Fatal(err)
		}
	}
	for name, want := range map[string]error{
		"file": nil, "sub": nil, "inside": nil,
		"absolute": errOutside, "up": errOutside, "../x": os.ErrInvalid, "/etc/hostname": os.ErrInvalid,
		"pipe": &NotRegularError{},
	} {
		f, err := w.FS().Open(name)
		if f != nil {
			f.Close()
		}
		var nr *NotRegularError
		switch {
		case want == nil && err != nil:
			t.Errorf("Open(%q) = %v, want the file", name, err)
		case want == nil:
		case errors.As(want, &nr) && !errors.As(err, &nr):
			t.Errorf("Open(%q) = %v, want a NotRegularError", name, err)
		case !errors.As(want, &nr) && !errors.Is(err, want):
			t.Errorf("Open(%q) = %v, want %v", name, err, want)
		}
	}
}

// TestNoNetwork loads a revision that imports a module from a registry,
// with CUE_REGISTRY and the proxies pointing at a listener here: nothing
// connects to it, and the error names the module.
func TestNoNetwork(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var connections atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			connections.Add(1)
			c.Close()
		}
	}()
	addr := ln.Addr().String()
	t.Setenv("CUE_REGISTRY", addr+"+insecure")
	t.Setenv("CUE_CACHE_DIR", t.TempDir())
	t.Setenv("HTTP_PROXY", "http://"+addr)
	t.Setenv("HTTPS_PROXY", "http://"+addr)
	imports := spectest.Replace(spectest.RevFile(edition, "mobile_terminal.cue"), `import "list"`, "import (\n\t\"list\"\n\t\"example.com/foo\"\n)\n\n#Foo: foo.x")
	deps := spectest.Edit{File: "cue/cue.mod/module.cue", New: "module: \"github.com/ladderworks/ladder/cue@v0\"\nlanguage: version: \"v0.17.0\"\ndeps: \"example.com/foo@v0\": v: \"v0.1.0\"\n"}
	for _, tc := range []struct {
		name  string
		edits []spectest.Edit
		want  string
	}{
		{"a dependency", []spectest.Edit{imports, deps},
			"cue/cue.mod/module.cue:3:1: the workspace's cue.mod/module.cue depends on a module (example.com/foo@v0): Ladder does not fetch modules"},
		{"no dependency", []spectest.Edit{imports},
			`mobile_terminal.cue:5:2: import failed: cannot find package "example.com/foo"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			connections.Store(0)
			_, err := loadSoon(t, spectest.Dir(t, tc.edits...), edition)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load: %v\nwant an error that holds %q", err, tc.want)
			}
			if n := connections.Load(); n > 0 {
				t.Errorf("loading connected %d times to the registry", n)
			}
		})
	}
}

// TestSourceText loads revisions whose files are not UTF-8 text, or hold a
// structural cycle: each error has its file, line and column.
func TestSourceText(t *testing.T) {
	speaker := spectest.RevFile(edition, "speaker.cue")
	for _, tc := range []struct {
		name string
		edit spectest.Edit
		want string
	}{
		{"a byte-order mark", spectest.Replace(speaker, "package standard", "\ufeffpackage standard"),
			"speaker.cue:1:1: the file starts with a byte-order mark (U+FEFF, bytes EF BB BF)"},
		{"UTF-16", spectest.Replace(speaker, "package standard", "\xff\xfepackage standard"),
			"speaker.cue:1:1: the file starts with a UTF-16 byte-order mark"},
		{"Latin-1 in a string", spectest.Replace(speaker, "package standard\n", "package standard\n\n#Name: \"caf\xe9\"\n"),
			"speaker.cue:3:12: invalid UTF-8: byte 0xE9 is not part of a UTF-8 character"},
		{"a structural cycle", spectest.Replace(speaker, "package standard\n", "package standard\n\n#Loop: {next: #Loop}\n"),
			"speaker.cue:3:9: #Loop.next: structural cycle"},
		{"a quoted structural cycle", spectest.Replace(speaker, "package standard\n", "package standard\n\n#Loop: {\"next-one\": #Loop}\n"),
			"speaker.cue:3:9: #Loop.\"next-one\": structural cycle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewWorkspace(spectest.FS(t, tc.edit), "").Load(edition)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load: %v\nwant an error that holds %q", err, tc.want)
			}
		})
	}
}

// TestDeclaredByScanner reads what a revision that does not parse declares:
// a brace left open above #Measurements and the revision block hides
// neither.
func TestDeclaredByScanner(t *testing.T) {
	schema := spectest.RevFile(draft, "schema.cue")
	fsys := spectest.FS(t, spectest.Replace(schema, "package standard\n", "package standard\n\noops: {\n"))
	std, err := NewWorkspace(fsys, "").LoadAll(spectest.Timeout)
	if err != nil {
		t.Fatal(err)
	}
	d := std.Declared[draft]
	if d == nil || d.Status != RevisionDraft || d.Base != edition {
		t.Fatalf("declared %+v, want status draft and base %s", d, edition)
	}
	for _, want := range []string{"personal_model", "npu_tops_int8", "collab_device_types"} {
		if !slices.Contains(d.Measurements, want) {
			t.Errorf("declared measurements lack %s: %v", want, d.Measurements)
		}
	}
	if id, err := std.Meant(std.Loaded(edition), RevisionDraft); id != draft || err == nil {
		t.Errorf("Meant = %q, %v; want the draft and its error", id, err)
	}
}
