package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ladderworks/ladder/fixtures"
)

// TestWriteProblems checks the caps of the problems printed: the first
// ShownProblems, in the order of files and lines, each cut to
// ProblemWidth, then a count for each file, for ShownFiles files, and one
// for the others.
func TestWriteProblems(t *testing.T) {
	var ps []*fixtures.Problem
	for i := 300; i > 0; i-- {
		ps = append(ps, &fixtures.Problem{File: "b.jsonl", Line: i, Column: 1, Field: "id", Message: "is required, and absent"})
	}
	ps = append(ps, &fixtures.Problem{File: "b.jsonl", More: 5000, Message: "… and 5000 more problems in this file, not listed (the first 1000 are)"})
	ps = append(ps, &fixtures.Problem{File: "a.json", Line: 1, Column: 7, Field: "name", Message: "a name " + strings.Repeat("é", 2000)})
	for i := range 14 {
		ps = append(ps, &fixtures.Problem{File: fmt.Sprintf("c%02d.json", i), Message: "the file is empty"})
	}
	var b strings.Builder
	if err := WriteProblems(&b, ps); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := []string{
		"b.jsonl:1:1: id: is required, and absent",
		"b.jsonl:99:1: id: is required, and absent",
		"… and 5201 more problems in b.jsonl",
		"… and 1 more problem in c00.json",
		"… and 1 more problem in c08.json",
		"… and 5 more problems in 5 more files",
	}
	if len(lines) != ShownProblems+11 || lines[1] != want[0] || lines[ShownProblems-1] != want[1] ||
		lines[ShownProblems] != want[2] || lines[ShownProblems+1] != want[3] || lines[ShownProblems+9] != want[4] || lines[ShownProblems+10] != want[5] {
		t.Errorf("%d lines:\n%s\nwant %d, with\n%s", len(lines), b.String(), ShownProblems+11, strings.Join(want, "\n"))
	}
	if first := lines[0]; len(first) > ProblemWidth+40 || !strings.HasPrefix(first, "a.json:1:7: name: a name éé") || !strings.Contains(first, "bytes left out) … éé") {
		t.Errorf("a long problem: %d bytes, %.80q", len(first), first)
	}
}
