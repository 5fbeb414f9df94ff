package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"

	"github.com/ladderworks/ladder/fixtures"
)

// Caps of the problems that WriteProblems prints, so that a corpus of a
// million broken records gives a screenful, not millions of lines.
const (
	// ShownProblems is how many problems are printed in full.
	ShownProblems = 100
	// ShownFiles is how many files the problems left out are counted for
	// one by one; those of the other files are counted together.
	ShownFiles = 10
	// ProblemWidth bounds the bytes of a problem's line: a longer one
	// (a message that quotes a huge value) is cut in its middle.
	ProblemWidth = 1000
)

// WriteProblems writes problems, in the order of their files, lines and
// columns, as lines of file:line:col: field: message: the first
// ShownProblems of them in full, each cut to ProblemWidth bytes, then how
// many more each file holds ("… and 12 more problems in devices.jsonl"),
// for ShownFiles files at most, and how many the others hold together.
// The problems a summary counts (fixtures.Problem.More) are counted.
func WriteProblems(w io.Writer, problems []*fixtures.Problem) error {
	problems = slices.Clone(problems)
	fixtures.SortProblems(problems)
	bw := bufio.NewWriter(w)
	shown := 0
	for len(problems) > 0 && shown < ShownProblems {
		p := problems[0]
		if p.More > 0 {
			// Counted below, with the file's other problems not shown.
			break
		}
		bw.WriteString(cutMiddle(p.Error(), ProblemWidth))
		bw.WriteByte('\n')
		problems = problems[1:]
		shown++
	}
	type file struct {
		name string
		n    int
	}
	var files []file
	for _, p := range problems {
		if len(files) == 0 || files[len(files)-1].name != p.File {
			files = append(files, file{name: p.File})
		}
		files[len(files)-1].n += max(p.More, 1)
	}
	for i, f := range files {
		if i == ShownFiles && len(files) > ShownFiles+1 {
			n := 0
			for _, f := range files[i:] {
				n += f.n
			}
			fmt.Fprintf(bw, "… and %d more %s in %d more files\n", n, Plural(n, "problem", "problems"), len(files)-i)
			break
		}
		fmt.Fprintf(bw, "… and %d more %s in %s\n", f.n, Plural(f.n, "problem", "problems"), cutMiddle(f.name, ProblemWidth))
	}
	return bw.Flush()
}

// cutMiddle returns s, or when it is longer than n bytes, its start and end
// with what is left out counted between them, cut at characters.
func cutMiddle(s string, n int) string {
	if len(s) <= n {
		return s
	}
	head, tail := n*3/4, n/8
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	end := len(s) - tail
	for end < len(s) && !utf8.RuneStart(s[end]) {
		end++
	}
	return fmt.Sprintf("%s … (%d bytes left out) … %s", s[:head], end-head, s[end:])
}
