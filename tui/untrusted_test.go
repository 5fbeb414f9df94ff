package tui

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ladderworks/ladder/spec/spectest"
)

// TestUntrustedWorkspace starts the workbench on workspaces whose draft
// reads what it may not: a file outside the workspace through a symbolic
// link that @embed names, and a named pipe as a CUE file. The workbench
// starts without blocking, says why the draft does not compile, naming the
// file, and shows nothing of the file outside.
func TestUntrustedWorkspace(t *testing.T) {
	const secret = "TOP-SECRET"
	outside := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(outside, []byte(secret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	embed := spectest.Edit{File: spectest.RevFile(spectest.Draft, "embed.cue"),
		New: "@extern(embed)\n\npackage standard\n\n#Note: _ @embed(file=link.txt, type=text)\n"}
	for _, tc := range []struct {
		name  string
		edits []spectest.Edit
		make  func(dir string) error
		want  string
	}{
		{"an embedded link out", []spectest.Edit{embed}, func(dir string) error {
			return os.Symlink(outside, filepath.Join(dir, filepath.FromSlash(spectest.RevFile(spectest.Draft, "link.txt"))))
		}, "@embed(file=link.txt): cannot read link.txt: it leads outside the workspace"},
		{"a named pipe", nil, func(dir string) error {
			return syscall.Mkfifo(filepath.Join(dir, filepath.FromSlash(spectest.RevFile(spectest.Draft, "pipe.cue"))), 0o644)
		}, "pipe.cue: cannot read this CUE file: it is a named pipe (FIFO)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := spectest.Dir(t, tc.edits...)
			if err := tc.make(dir); err != nil {
				t.Skipf("cannot make the file: %v", err)
			}
			m := startSettled(t, diskConfig(t, dir, t.TempDir()), 160, 40)
			if m.sh.workID != spectest.Draft || m.compileErr == nil || !strings.Contains(m.compileErr.Error(), tc.want) {
				t.Fatalf("working revision %q, error %v; want the draft, and an error that holds %q", m.sh.workID, m.compileErr, tc.want)
			}
			if out := screen(m); strings.Contains(out, secret) {
				t.Errorf("the screen shows the file outside:\n%s", out)
			}
			type_(t, m, "esc", "7")
			out := unframed(screen(m))
			if !strings.Contains(out, "gbz177-l4-draft does not compile (") || strings.Contains(out, secret) {
				t.Errorf("the Problems view does not say why the draft does not compile, or shows the file outside:\n%s", screen(m))
			}
		})
	}
}
