package safefile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// sameEntries reports how got differs from want, or "".
func sameEntries(got, want []Entry) string {
	if len(got) != len(want) {
		return "got " + entryPaths(got) + "; want " + entryPaths(want)
	}
	for i := range got {
		g, w := got[i], want[i]
		switch {
		case g.Path != w.Path:
			return "got " + entryPaths(got) + "; want " + entryPaths(want)
		case g.Base != w.Base:
			return g.Path + ": Base differs"
		case !bytes.Equal(g.Content, w.Content):
			return g.Path + ": Content " + strings.TrimSpace(string(g.Content)) + "; want " + string(w.Content)
		case !g.Time.Equal(w.Time):
			return g.Path + ": Time " + g.Time.String() + "; want " + w.Time.String()
		}
	}
	return ""
}

func entryPaths(es []Entry) string {
	var ps []string
	for _, e := range es {
		ps = append(ps, e.Path)
	}
	return "[" + strings.Join(ps, ", ") + "]"
}

// testEntries are entries with awkward paths and contents, sorted by Path.
func testEntries() []Entry {
	t0 := time.Date(2026, 3, 1, 12, 30, 0, 123456789, time.UTC)
	return []Entry{
		{Path: "../outside/x.cue", Base: StampOf([]byte("x")), Content: []byte("x: 2\n"), Time: t0},
		{Path: "/abs/path.cue", Base: Stamp{}, Content: []byte{}, Time: t0.Add(time.Second)},
		{Path: "C:\\windows\\style.cue", Base: StampOf(nil), Content: []byte("a\r\nb"), Time: t0},
		{Path: "cue/revisions/x/a.cue", Base: StampOf([]byte("a: 1\n")), Content: []byte("a: 2\n"), Time: t0.In(time.FixedZone("CST", 8*3600))},
		{Path: "cue/revisions/x/bin", Base: StampOf([]byte{0xff}), Content: []byte{0xff, 0xfe, 0, '"', '\n'}, Time: t0},
		{Path: "odd name/ü ✓ \"q\" *?:<>|\t\x00.cue", Base: StampOf([]byte("o")), Content: []byte("ü ✓ \x00 \"quoted\" \\"), Time: t0},
	}
}

func TestJournalRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".ladder", "recover") // Put creates it
	j := &Journal{Dir: dir}
	want := testEntries()
	for _, e := range slices.Backward(want) {
		if err := j.Put(e); err != nil {
			t.Fatalf("Put(%q): %v", e.Path, err)
		}
	}
	got, errs := j.List()
	if len(errs) > 0 {
		t.Fatalf("List errors: %v", errs)
	}
	if d := sameEntries(got, want); d != "" {
		t.Fatal(d)
	}

	// Entry files are named after the hash of the path, and nothing else
	// (no temporary file) is left in the directory.
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(des) != len(want) {
		t.Errorf("journal directory holds %d files; want %d", len(des), len(want))
	}
	for _, de := range des {
		if len(de.Name()) != 64+len(".json") || !strings.HasSuffix(de.Name(), ".json") {
			t.Errorf("entry file %q is not named after a hash", de.Name())
		}
		if fi, err := de.Info(); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("entry file %q is not private", de.Name())
		}
	}

	// Put replaces.
	changed := want[3]
	changed.Content = []byte("a: 3\n")
	changed.Time = changed.Time.Add(time.Minute)
	if err := j.Put(changed); err != nil {
		t.Fatal(err)
	}
	want[3] = changed
	got, errs = j.List()
	if len(errs) > 0 {
		t.Fatalf("List errors: %v", errs)
	}
	if d := sameEntries(got, want); d != "" {
		t.Fatalf("after Put replaces: %s", d)
	}

	// Remove removes one entry; removing an absent one is no error.
	if err := j.Remove(want[0].Path); err != nil {
		t.Fatal(err)
	}
	if err := j.Remove(want[0].Path); err != nil {
		t.Errorf("removing an absent entry: %v", err)
	}
	if err := j.Remove("never/journaled.cue"); err != nil {
		t.Errorf("removing an absent entry: %v", err)
	}
	want = want[1:]
	got, errs = j.List()
	if len(errs) > 0 {
		t.Fatalf("List errors: %v", errs)
	}
	if d := sameEntries(got, want); d != "" {
		t.Fatalf("after Remove: %s", d)
	}
	for _, e := range want {
		if err := j.Remove(e.Path); err != nil {
			t.Fatal(err)
		}
	}
	if got, errs := j.List(); len(got) != 0 || len(errs) != 0 {
		t.Errorf("after removing all: List = %v, %v; want nothing", got, errs)
	}
}

func TestJournalPutNoPath(t *testing.T) {
	j := &Journal{Dir: t.TempDir()}
	if err := j.Put(Entry{Content: []byte("x")}); err == nil {
		t.Error("Put of an entry without a path: no error")
	}
}

func TestJournalMissingDir(t *testing.T) {
	j := &Journal{Dir: filepath.Join(t.TempDir(), "no", "such")}
	got, errs := j.List()
	if got != nil || errs != nil {
		t.Errorf("List of a missing directory = %v, %v; want nil, nil", got, errs)
	}
	if err := j.Remove("a.cue"); err != nil {
		t.Errorf("Remove in a missing directory: %v", err)
	}
}

func TestJournalCorrupt(t *testing.T) {
	dir := t.TempDir()
	j := &Journal{Dir: dir}
	good := Entry{Path: "good.cue", Base: StampOf([]byte("g")), Content: []byte("g: 2\n")}
	if err := j.Put(good); err != nil {
		t.Fatal(err)
	}
	other := Entry{Path: "other.cue", Content: []byte("o: 1\n")}
	if err := j.Put(other); err != nil {
		t.Fatal(err)
	}
	otherData, err := os.ReadFile(j.file(other.Path))
	if err != nil {
		t.Fatal(err)
	}

	corrupt := map[string]string{
		// A torn write (as by a program not using Save).
		entryName("torn.cue"): string(otherData[:len(otherData)/2]),
		// Not JSON at all.
		"garbage.json": "\x00\x01 not json",
		// A valid entry under another path's name.
		"misplaced.json": string(otherData),
		// A stamp that is not a stamp.
		entryName("badstamp.cue"): `{"version":1,"path":"badstamp.cue","base":{"exists":true,"sum":"00"},"text":"x"}`,
		// No path.
		"nopath.json": `{"version":1,"path":"","text":"x"}`,
		// Both kinds of content.
		entryName("both.cue"): `{"version":1,"path":"both.cue","text":"x","data":"eA=="}`,
		// A format from the future.
		entryName("future.cue"): `{"version":2,"path":"future.cue","text":"x"}`,
	}
	for name, data := range corrupt {
		write(t, filepath.Join(dir, name), data)
	}
	// Ignored: not entry files.
	write(t, filepath.Join(dir, ".abc.json.123.tmp"), "left by a crash")
	write(t, filepath.Join(dir, "README"), "not an entry")
	if err := os.Mkdir(filepath.Join(dir, "sub.json"), 0o755); err != nil {
		t.Fatal(err)
	}

	got, errs := j.List()
	if d := sameEntries(got, []Entry{good, other}); d != "" {
		t.Error(d)
	}
	if len(errs) != len(corrupt) {
		t.Errorf("List reported %d errors; want %d: %v", len(errs), len(corrupt), errs)
	}
	for name := range corrupt {
		found := false
		for _, err := range errs {
			found = found || strings.Contains(err.Error(), name)
		}
		if !found {
			t.Errorf("no error names the corrupt entry file %s: %v", name, errs)
		}
	}
}

func TestJournalUnreadableDir(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	write(t, file, "not a directory")
	got, errs := (&Journal{Dir: file}).List()
	if got != nil || len(errs) != 1 || !strings.Contains(errs[0].Error(), file) {
		t.Errorf("List of a file = %v, %v; want one error naming it", got, errs)
	}
}

// TestJournalRestart simulates a crash: entries put by one Journal are found
// by a new Journal on the same directory, as after a restart.
func TestJournalRestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "recover")
	want := testEntries()
	func() {
		j := &Journal{Dir: dir}
		for _, e := range want {
			if err := j.Put(e); err != nil {
				t.Fatal(err)
			}
		}
		// The program dies here without removing anything.
	}()

	got, errs := (&Journal{Dir: dir}).List()
	if len(errs) > 0 {
		t.Fatalf("List errors: %v", errs)
	}
	if d := sameEntries(got, want); d != "" {
		t.Fatal(d)
	}
}

// TestJournalPutFails checks that a failing Put leaves the previous entry
// whole.
func TestJournalPutFails(t *testing.T) {
	dir := t.TempDir()
	old := Entry{Path: "a.cue", Base: StampOf([]byte("a")), Content: []byte("a: 2\n")}
	if err := (&Journal{Dir: dir}).Put(old); err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"CreateTemp", "Write", "Sync", "Close", "Rename"} {
		j := &Journal{Dir: dir, FS: newFaultFS(step)}
		err := j.Put(Entry{Path: "a.cue", Content: []byte("a: 3, and more\n")})
		if !errors.Is(err, errInjected) || !strings.Contains(err.Error(), "a.cue") {
			t.Errorf("%s: Put error = %v; want the injected failure, naming the path", step, err)
		}
		got, errs := j.List()
		if len(errs) > 0 {
			t.Fatalf("%s: List errors: %v", step, errs)
		}
		if d := sameEntries(got, []Entry{old}); d != "" {
			t.Errorf("%s: %s", step, d)
		}
	}
	if got := names(t, dir); len(got) != 1 {
		t.Errorf("journal directory holds %q; want one entry", got)
	}

	// A failing Remove says so.
	for _, step := range []string{"Remove", "SyncDir"} {
		err := (&Journal{Dir: dir, FS: newFaultFS(step)}).Remove("a.cue")
		if !errors.Is(err, errInjected) || !strings.Contains(err.Error(), "a.cue") {
			t.Errorf("%s: Remove error = %v; want the injected failure, naming the path", step, err)
		}
	}
}
