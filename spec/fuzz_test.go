package spec_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
)

// secret is what files outside the workspace hold: no message may ever
// carry it.
const secret = "OUTSIDE-THE-WORKSPACE-5c1e"

// Bits of FuzzRevisionFiles's tree argument: what else the revision's
// folder holds beside the fuzzed file.
const (
	treeLinkOut = 1 << iota // data.txt, a symlink to a file outside the workspace
	treeFIFO                // pipe.txt, a named pipe
	treeFIFOCue             // pipe.cue, a named pipe with a CUE file's name
	treeLinkCue             // outside.cue, a symlink to a CUE file outside
	treeLinkIn              // inside.txt, a symlink to a file of the workspace
)

// FuzzRevisionFiles adds a fuzzed CUE file to the built-in draft, beside
// symlinks that leave the workspace, symlinks that stay in it and named
// pipes, and loads the draft and lints it. Nothing may panic or hang, and
// nothing from outside the workspace may reach a message.
func FuzzRevisionFiles(f *testing.F) {
	seeds := []string{
		"package standard\n",
		"package standard\n\n@extern(embed)\n\nx: _ @embed(file=data.txt,type=text)\n",
		"package standard\n\n@extern(embed)\n\nx: _ @embed(file=pipe.txt,type=text)\n",
		"package standard\n\n@extern(embed)\n\nx: _ @embed(file=inside.txt,type=text)\n",
		"package standard\n\n@extern(embed)\n\nx: _ @embed(file=\"../../../../outside/secret.txt\",type=text)\n",
		"package standard\n\n@extern(embed)\n\nx: _ @embed(glob=*.txt,type=text)\n",
		"package standard\n\nimport \"example.com/dep@v0\"\n\nx: dep.y\n",
		"package standard\n\nimport \"list\"\n\nx: [for i in list.Range(0, 1000, 1) {i}]\n",
		"package standard\n\na: b\nb: a\nc: {c}\n",
		"\ufeffpackage standard\n",
		"package standard\n\nx: \"\xff\"\n",
		"package standard\n\ncategories: mobile_terminal: levels: L3: criteria: \"MT-L3-LLM\": require: measurements: on_device_llm_params_b: >=1e100001\n",
		"package other\n",
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint8(i*5))
	}
	root := spectest.Root(f)

	f.Fuzz(func(t *testing.T, data []byte, tree uint8) {
		if bytes.Contains(data, []byte(secret)) {
			t.Skip("the fuzzed file names the secret itself")
		}
		top := t.TempDir()
		outside := filepath.Join(top, "outside")
		dir := filepath.Join(top, "ws")
		if err := os.MkdirAll(outside, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"secret.txt", "secret.cue"} {
			text := secret + "\n"
			if name == "secret.cue" {
				text = "package standard\n\nleak: \"" + secret + "\"\nleak: 1\n"
			}
			if err := os.WriteFile(filepath.Join(outside, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.CopyFS(filepath.Join(dir, "cue"), os.DirFS(filepath.Join(root, "cue"))); err != nil {
			t.Fatal(err)
		}
		rev := filepath.Join(dir, "cue", "revisions", spectest.Draft)
		if err := os.WriteFile(filepath.Join(rev, "fuzzed.cue"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join("..", "..", "..", "..", "outside")
		link := func(target, name string) {
			if err := os.Symlink(target, filepath.Join(rev, name)); err != nil {
				t.Fatal(err)
			}
		}
		if tree&treeLinkOut != 0 {
			link(filepath.Join(out, "secret.txt"), "data.txt")
		}
		if tree&treeFIFO != 0 {
			if err := syscall.Mkfifo(filepath.Join(rev, "pipe.txt"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if tree&treeFIFOCue != 0 {
			if err := syscall.Mkfifo(filepath.Join(rev, "pipe.cue"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if tree&treeLinkCue != 0 {
			link(filepath.Join(out, "secret.cue"), "outside.cue")
		}
		if tree&treeLinkIn != 0 {
			link("schema.cue", "inside.txt")
		}

		ws, err := spec.Open(dir, nil)
		if err != nil {
			t.Fatalf("opening the workspace: %v", err)
		}
		type result struct {
			msgs []string
		}
		done := make(chan result, 1)
		go func() {
			var r result
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			loaded, err := ws.LoadContext(ctx, spectest.Draft)
			if ctx.Err() != nil {
				t.Errorf("loading a draft with %d fuzzed bytes (tree %05b) was abandoned after 20 s: %v", len(data), tree, err)
			}
			if err != nil {
				r.msgs = append(r.msgs, messages(err)...)
			} else {
				for _, fd := range spec.Lint(loaded, []string{spectest.Edition, spectest.Draft}) {
					r.msgs = append(r.msgs, fd.String())
				}
			}
			done <- r
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(45 * time.Second):
			t.Fatalf("loading a draft with %d fuzzed bytes (tree %05b) did not end in 45 s", len(data), tree)
		}
		for _, m := range r.msgs {
			if strings.Contains(m, secret) {
				t.Errorf("a message quotes a file outside the workspace: %s", m)
			}
		}
	})
}

// messages are the texts of an error and of every error it holds.
func messages(err error) []string {
	out := []string{err.Error()}
	var le *spec.LoadError
	if errors.As(err, &le) {
		for _, e := range le.Errs {
			out = append(out, e.Error())
			for _, p := range e.Related {
				out = append(out, p.String())
			}
		}
	}
	return out
}
