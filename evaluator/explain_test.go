package evaluator

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ladderworks/ladder/fixtures"
)

func TestExplain(t *testing.T) {
	rev := widgetRevision(t, `"list"`, map[string][3]string{
		"W-L1-N": {"L1", "core", `measurements: n: >=7`},
		"W-L1-B": {"L1", "core", `measurements: b: true`},
		"W-L1-L": {"L1", "core", `measurements: l: list.Contains("red")`},
	})
	ref := mustReference(t, rev)
	// A record in a JSON Lines file, on its third line.
	data := "\n\n" + `{"id": "w1", "name": "W", "vendor": "V", "category": "widget", "measurements": {"n": 3, "l": ["blue"]}}` + "\n"
	l := fixtures.NewLoader()
	if err := l.AddFS(fstest.MapFS{"w.jsonl": {Data: []byte(data)}}, "w.jsonl", "w.jsonl"); err != nil {
		t.Fatal(err)
	}
	devs, problems := fixtures.Validate(rev, l.Corpus().Records, nil)
	if len(problems) > 0 || len(devs) != 1 {
		t.Fatalf("%d devices, problems %v", len(devs), problems)
	}
	d := devs[0]
	tests := []struct {
		id   string
		want []string // in the diagnostic's text
	}{
		{"W-L1-N", []string{"measurements.n: invalid value 3 (out of bound >=7)", "cue/revisions/t/widget.cue:", "w.jsonl:3:"}},
		{"W-L1-B", []string{"measurements.b: field is required but not present", "cue/revisions/t/widget.cue:"}},
		{"W-L1-L", []string{`does not satisfy list.Contains("red")`, "w.jsonl:3:"}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			var text []string
			for _, diag := range ref.Explain(d, rev.Criterion(tt.id)) {
				text = append(text, diag.String())
			}
			all := strings.Join(text, "\n")
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("explanation lacks %q:\n%s", w, all)
				}
			}
		})
	}
	pass := widget(t, rev, "", `"n": 9, "b": true, "l": ["red"]`)
	if diags := ref.Explain(pass, rev.Criterion("W-L1-N")); len(diags) != 0 {
		t.Errorf("a pass has diagnostics: %v", diags)
	}
}
