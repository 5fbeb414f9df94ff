package spec

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ladderworks/ladder/spec/spectest"
)

// gitRepo makes a workspace of the built-in standard in a new git
// repository, with files (path → content, "->target" for a symbolic link)
// added, and commits it.
func gitRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := spectest.Dir(t)
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		var err error
		if target, ok := strings.CutPrefix(content, "->"); ok {
			err = os.Symlink(target, p)
		} else {
			err = os.WriteFile(p, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	runGit(t, dir, "init", "-q")
	runGit(t, dir, "add", ".")
	runGit(t, dir, "commit", "-q", "-m", "the standard")
	return dir
}

func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestAtCommitIsBounded reads revisions from git whose trees hold more than
// may be read: a file above the limit is refused before it is read, from
// the size git gives.
func TestAtCommitIsBounded(t *testing.T) {
	defer func(limit int64) { gitLimit = limit }(gitLimit)
	dir := gitRepo(t, map[string]string{spectest.RevFile(draft, "big.txt"): strings.Repeat("x", 2<<20)})
	w, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	gitLimit = 1 << 20
	_, err = w.AtCommit("HEAD")
	want := "cue/revisions/" + draft + "/big.txt is 2 MiB, and Ladder reads at most 1 MiB of a revision in git"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("AtCommit: %v\nwant an error that holds %q", err, want)
	}
	// What git prints is bounded too.
	gitLimit = 100
	if _, err = w.AtCommit("HEAD"); err == nil || !strings.Contains(err.Error(), "git printed more than 100 bytes") {
		t.Errorf("AtCommit with a limit of 100 bytes: %v", err)
	}
	gitLimit = 8 << 20
	at, err := w.AtCommit("HEAD")
	if err != nil {
		t.Fatalf("AtCommit within the limit: %v", err)
	}
	if _, err := at.Load(draft); err != nil {
		t.Errorf("loading %s@HEAD: %v", draft, err)
	}
}

// TestAtCommitReadsOnlyTheTree reads symbolic links and a submodule from
// git: a link reads as the file of the tree it leads to, and one that
// leads elsewhere, or a submodule, cannot be read, and says why.
func TestAtCommitReadsOnlyTheTree(t *testing.T) {
	rev := spectest.RevFile(draft, "") + "/"
	dir := gitRepo(t, map[string]string{
		rev + "absolute.txt": "->/etc/hostname",
		rev + "up.txt":       "->../../../fixtures/devices/speaker/sp-ambrelo-clarond-2-0182.json",
		rev + "sibling.txt":  "->../" + edition + "/speaker.cue",
		rev + "chain.txt":    "->sibling.txt",
		rev + "nowhere.txt":  "->nothing.txt",
	})
	head := runGit(t, dir, "rev-parse", "HEAD")
	runGit(t, dir, "update-index", "--add", "--cacheinfo", "160000,"+head+","+rev+"sub")
	runGit(t, dir, "commit", "-q", "-m", "a submodule")
	w, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	at, err := w.AtCommit("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	speaker, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(spectest.RevFile(edition, "speaker.cue"))))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"absolute.txt": `it is a symbolic link that leads to the absolute path "/etc/hostname", and Ladder reads only the files of cue/ at HEAD`,
		"up.txt":       `it is a symbolic link that leads to "../../../fixtures/devices/speaker/sp-ambrelo-clarond-2-0182.json", outside the tree`,
		"nowhere.txt":  `leads to "nothing.txt", which is no file of the tree`,
		"sub":          "it is a git submodule, which Ladder does not read",
		"sibling.txt":  "",
		"chain.txt":    "",
	} {
		data, err := fs.ReadFile(at.FS(), rev+name)
		switch {
		case want == "" && err != nil:
			t.Errorf("reading %s: %v", name, err)
		case want == "" && string(data) != string(speaker):
			t.Errorf("%s reads %d bytes, want the %d of the file it leads to", name, len(data), len(speaker))
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("reading %s: %v\nwant an error that holds %q", name, err, want)
		}
	}
	if _, err := at.Load(draft); err != nil {
		t.Errorf("loading %s@HEAD, whose links are not CUE files: %v", draft, err)
	}
}
