package evaluator_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
	"github.com/ladderworks/ladder/spec/spectest"
)

// secret is what a file outside the corpus folder holds: no record or
// message may ever carry it.
const secret = "OUTSIDE-THE-CORPUS-7f3a"

// Bits of FuzzDeviceFiles's tree argument: what else the corpus folder
// holds beside the fuzzed file.
const (
	treeLinkOut  = 1 << iota // a symlink to a device file outside the folder
	treeFIFO                 // a named pipe with a device file's name
	treeLinkFIFO             // a symlink to that pipe
	treeLinkIn               // a symlink to the fuzzed file, inside the folder
	treeDirLink              // a symlink to a directory outside the folder
)

// FuzzDeviceFiles loads a folder of device files, one of them fuzzed,
// beside symlinks that leave the folder and named pipes, and grades what
// loads under the built-in draft. Nothing may panic or hang, nothing from
// outside the folder may be read, and every problem names its file.
func FuzzDeviceFiles(f *testing.F) {
	seeds := []string{
		`{"id": "a", "category": "mobile_terminal", "measurements": {"npu_tops_int8": 60}}`,
		`{"id": "a", "category": "speaker", "measurements": {"wake_rate_quiet_pct": 1e100001}}`,
		"\ufeff{\"id\": \"b\"}",
		"{\"id\": \"c\xff\"}\n{}\n",
		"devices:\n\t- id: x\n",
		"- id: y\n  category: glasses\n  measurements: {}\n",
		`[{"id": "z"}]`,
		strings.Repeat("[", 10000),
		"{\"id\": \"\x1b]52;c;aGk=\x07\", \"name\": \"\x1b[31mred\r\"}",
		"null\nnull\n",
		"",
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint8(i%3), uint8(i*7))
	}
	ws, err := spec.Open(spectest.Dir(f), nil)
	if err != nil {
		f.Fatal(err)
	}
	std, err := ws.LoadAll(spectest.Timeout)
	if err != nil {
		f.Fatal(err)
	}
	rev := std.Loaded(spectest.Draft)
	known := fixtures.VocabularyOf(std)
	exts := []string{".json", ".jsonl", ".yaml"}

	f.Fuzz(func(t *testing.T, data []byte, ext, tree uint8) {
		if bytes.Contains(data, []byte(secret)) {
			t.Skip("the fuzzed file names the secret itself")
		}
		root := t.TempDir()
		outside := filepath.Join(root, "outside")
		dir := filepath.Join(root, "corpus")
		for _, d := range []string{outside, dir} {
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		record := `{"id": "` + secret + `", "category": "speaker", "measurements": {}}`
		if err := os.WriteFile(filepath.Join(outside, "secret.json"), []byte(record), 0o644); err != nil {
			t.Fatal(err)
		}
		name := "fuzzed" + exts[int(ext)%len(exts)]
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		link := func(target, name string) {
			if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		}
		if tree&treeLinkOut != 0 {
			link("../outside/secret.json", "out.json")
		}
		if tree&(treeFIFO|treeLinkFIFO) != 0 {
			if err := syscall.Mkfifo(filepath.Join(dir, "pipe.jsonl"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if tree&treeLinkFIFO != 0 {
			link("pipe.jsonl", "pipe-link.json")
		}
		if tree&treeLinkIn != 0 {
			link(name, "again"+filepath.Ext(name))
		}
		if tree&treeDirLink != 0 {
			link("../outside", "more")
		}

		done := make(chan struct{})
		var corpus *fixtures.Corpus
		var loadErr error
		go func() {
			defer close(done)
			corpus, loadErr = fixtures.LoadCorpus(ws, false, []string{dir})
			if loadErr != nil {
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			g, err := evaluator.Grade(ctx, rev, corpus.Records, known)
			if err != nil {
				t.Errorf("grading: %v", err)
				return
			}
			for _, d := range g.Devices {
				if d.ID == secret {
					t.Errorf("a device from outside the corpus folder was graded")
				}
			}
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("loading and grading %d bytes of %s (tree %05b) did not end in 30 s", len(data), name, tree)
		}
		if loadErr != nil {
			if strings.Contains(loadErr.Error(), secret) {
				t.Errorf("the error quotes a file outside the corpus: %v", loadErr)
			}
			return
		}
		for _, r := range corpus.Records {
			if r.ID == secret {
				t.Errorf("a record of a file outside the corpus folder was read: %s", r.Where())
			}
		}
		for _, p := range corpus.Problems {
			msg := p.Error()
			if strings.Contains(msg, secret) {
				t.Errorf("a problem quotes a file outside the corpus: %s", msg)
			}
			if p.File == "" {
				t.Errorf("a problem names no file: %s", msg)
			}
		}
	})
}
