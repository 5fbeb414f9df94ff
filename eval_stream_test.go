package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/evaluator/report"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// mixedCorpus writes a corpus made of the reference corpus's records, in no
// sorted order, across a JSON Lines file (with a byte-order mark and a CRLF
// line), a folder of JSON files and a file of YAML documents; with records
// whose ids repeat across files, records that do not decode and records
// that break the schema. It returns the paths to give eval.
func mixedCorpus(t *testing.T) []string {
	t.Helper()
	var records [][]byte
	err := fs.WalkDir(os.DirFS("."), fixtures.DevicesDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		records = append(records, compact.Bytes())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(records) < 200 {
		t.Fatalf("%d records in the reference corpus, want 200 or more", len(records))
	}
	// Reversed and interleaved: neither by category nor by id.
	slices.Reverse(records)
	for i := 0; i+3 < len(records); i += 4 {
		records[i], records[i+3] = records[i+3], records[i]
	}
	dir := t.TempDir()
	var jsonl bytes.Buffer
	jsonl.WriteString("\uFEFF")
	for i, r := range records[:120] {
		jsonl.Write(r)
		switch i {
		case 10:
			jsonl.WriteString("\r\n")
		case 20:
			jsonl.WriteString("\n\n{\"id\": \"broken\",\n") // does not decode
		case 30:
			// Breaks the schema: a number for a string.
			jsonl.WriteString("\n" + strings.Replace(string(records[121]), `"vendor":`, `"vendor":7,"x_vendor":`, 1) + "\n")
		default:
			jsonl.WriteString("\n")
		}
	}
	// An id that a JSON file below has too, and a category no revision
	// defines.
	jsonl.Write(records[130])
	jsonl.WriteString("\n" + strings.Replace(string(records[131]), `"category":"`, `"category":"fridge","x_category":"`, 1) + "\n")
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	lines := write("many.jsonl", jsonl.Bytes())
	for i, r := range records[120:200] {
		if i == 7 {
			// The id given twice: only CUE decodes it.
			var rec struct{ ID string }
			if err := json.Unmarshal(r, &rec); err != nil {
				t.Fatal(err)
			}
			r = []byte(fmt.Sprintf(`{"id":%q,%s`, rec.ID, r[1:]))
		}
		write(fmt.Sprintf("folder/%03d.json", 200-i), r)
	}
	write("folder/empty.json", nil)
	var yaml bytes.Buffer
	for _, r := range records[200:] {
		yaml.WriteString("---\n")
		yaml.Write(r) // JSON is YAML
		yaml.WriteString("\n")
	}
	yaml.WriteString("---\n" + string(records[5]) + "\n") // an id of the JSON Lines file
	write("folder/docs.yaml", yaml.Bytes())
	return []string{lines, filepath.Join(dir, "folder"), lines}
}

// inMemoryEval is what eval wrote before it streamed: the corpus loaded
// whole, graded by one engine, sorted and written; with the messages and
// exit code of the command.
func inMemoryEval(t *testing.T, paths []string, format string) (stdout, stderr string, code int) {
	t.Helper()
	ws, err := spec.Open("", builtin)
	if err != nil {
		t.Fatal(err)
	}
	std, err := ws.LoadAll(loadTimeout)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := std.Choose("", spec.RevisionPublished)
	if err != nil {
		t.Fatal(err)
	}
	corpus, err := fixtures.LoadCorpus(ws, false, paths)
	if err != nil {
		t.Fatal(err)
	}
	gr, err := evaluator.Grade(context.Background(), rev, corpus.Records, fixtures.VocabularyOf(std))
	if err != nil {
		t.Fatal(err)
	}
	g := report.FromGrading(gr, corpus.Problems)
	g.SortByCategory()
	var out, errOut bytes.Buffer
	e := newEnv(&out, &errOut, false)
	e.name = "eval"
	if err := e.writeEval(g, format); err != nil {
		t.Fatal(err)
	}
	if len(g.Invalid) > 0 {
		code = e.invalidRecords(g.Invalid, "in the corpus: those records were not graded")
	}
	return out.String(), errOut.String(), e.finish(code)
}

// TestEvalStreamsAsItLoaded checks that eval, which streams the corpus,
// writes what grading it whole in memory writes, byte for byte, in every
// format, with the same problems on stderr and the same exit code: on a
// corpus of every category in no sorted order, across JSON Lines, JSON and
// YAML files, with ids that repeat across files and invalid records; in
// batches of the default size and of a few records, so that duplicates,
// categories and problems straddle batches.
func TestEvalStreamsAsItLoaded(t *testing.T) {
	paths := mixedCorpus(t)
	var args []string
	for _, p := range paths {
		args = append(args, "--corpus", p)
	}
	for _, batch := range []int{evalBatch, 7} {
		for _, format := range []string{"json", "csv", "table"} {
			t.Run(fmt.Sprintf("%s/batch%d", format, batch), func(t *testing.T) {
				defer func(b int) { evalBatch = b }(evalBatch)
				evalBatch = batch
				wantOut, wantErr, wantCode := inMemoryEval(t, paths, format)
				var out, errOut bytes.Buffer
				code := run(append([]string{"eval", "--format", format}, args...), &out, &errOut)
				if code != wantCode || code != exitUsage {
					t.Errorf("exit code %d, in memory %d; want %d (invalid records)", code, wantCode, exitUsage)
				}
				if out.String() != wantOut {
					t.Errorf("stdout differs from the in-memory grading's (%d bytes, want %d):\n%s", out.Len(), len(wantOut), firstDifference(out.String(), wantOut))
				}
				if errOut.String() != wantErr {
					t.Errorf("stderr differs from the in-memory grading's:\n%s", firstDifference(errOut.String(), wantErr))
				}
				// The record that only CUE decodes is graded.
				if format != "table" && !strings.Contains(out.String(), "193.json") {
					t.Errorf("folder/193.json, whose id is given twice, is not graded")
				}
				for _, want := range []string{"duplicate id", "fridge", "many.jsonl:23", "empty.json"} {
					if !strings.Contains(errOut.String(), want) {
						t.Errorf("stderr does not mention %q:\n%s", want, errOut.String())
					}
				}
			})
		}
	}
}

// firstDifference shows where two texts part.
func firstDifference(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(i-200, 0)
	return fmt.Sprintf("at byte %d:\n got: %q\nwant: %q", i, got[from:min(i+200, len(got))], want[from:min(i+200, len(want))])
}

// TestEvalProgress checks eval's progress line on stderr: drawn when stderr
// is a terminal and eval takes long (a clock that moves a second a look),
// redrawn on one line and cleared at the end, with stdout as without it;
// not drawn when stderr is not a terminal, nor for a small corpus graded
// fast, nor when stdout is a terminal too, where the line would be drawn
// among the output.
func TestEvalProgress(t *testing.T) {
	defer func(b int) { evalBatch = b }(evalBatch)
	evalBatch = 50
	var plain bytes.Buffer
	if code := run([]string{"eval", "--format", "csv"}, &plain, io.Discard); code != exitOK {
		t.Fatalf("ladder eval exited %d", code)
	}
	for _, tt := range []struct {
		name     string
		terminal bool // stderr is a terminal
		stdout   bool // stdout is one
		step     time.Duration
		drawn    bool
	}{
		{"slow, on a terminal", true, false, time.Second, true},
		{"slow, not a terminal", false, false, time.Second, false},
		{"slow, stdout a terminal too", true, true, time.Second, false},
		{"fast and small, on a terminal", true, false, time.Millisecond, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			e := newEnv(&out, &errOut, tt.stdout)
			e.errTerminal = tt.terminal
			var clock time.Time
			e.now = func() time.Time {
				clock = clock.Add(tt.step)
				return clock
			}
			if code := e.run([]string{"eval", "--format", "csv"}); code != exitOK {
				t.Fatalf("ladder eval exited %d: %s", code, errOut.String())
			}
			if out.String() != plain.String() {
				t.Errorf("stdout differs from eval's without a terminal:\n%s", firstDifference(out.String(), plain.String()))
			}
			got := errOut.String()
			if !tt.drawn {
				if got != "" {
					t.Errorf("stderr is %q, want nothing", got)
				}
				return
			}
			for _, want := range []string{"\rreading the corpus: 50 records\x1b[K", "\rgrading [", "] 223/223 devices\x1b[K"} {
				if !strings.Contains(got, want) {
					t.Errorf("stderr does not hold %q: %q", want, got)
				}
			}
			if !strings.HasSuffix(got, "\r\x1b[K") || strings.Contains(got, "\n") {
				t.Errorf("the progress line is not redrawn on one line and cleared at the end: %q", got)
			}
		})
	}
}
