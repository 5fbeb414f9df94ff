package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ladderworks/ladder/fixtures"
)

// TestJSONWriterMatchesEncodingJSON writes eval's JSON for the built-in
// corpus under both revisions with the hand-written writer and with
// encoding/json, and finds them byte for byte the same.
func TestJSONWriterMatchesEncodingJSON(t *testing.T) {
	std, err := loadStandard("")
	if err != nil {
		t.Fatal(err)
	}
	corpus, err := std.ws.loadCorpus(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, rev := range std.Revisions {
		g, err := std.grade(corpus, rev)
		if err != nil {
			t.Fatal(err)
		}
		var fast, slow bytes.Buffer
		if err := writeEvalJSON(&fast, g); err != nil {
			t.Fatal(err)
		}
		out := struct {
			Revision string        `json:"revision"`
			Devices  []deviceJSON  `json:"devices"`
			Invalid  []problemJSON `json:"invalid"`
			Summary  evalSummary   `json:"summary"`
		}{Revision: g.rev.ID, Devices: []deviceJSON{}, Invalid: newProblemsJSON(g.invalid),
			Summary: evalSummary{Devices: g.count(), Invalid: len(g.invalid), ByCategory: g.summary()}}
		for _, o := range g.all() {
			out.Devices = append(out.Devices, newDeviceJSON(o))
		}
		enc := json.NewEncoder(&slow)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast.Bytes(), slow.Bytes()) {
			a, b := fast.String(), slow.String()
			i := 0
			for i < len(a) && i < len(b) && a[i] == b[i] {
				i++
			}
			t.Fatalf("%s: the outputs differ at byte %d:\nwriter:        %q\nencoding/json: %q", rev.ID, i, a[i:min(len(a), i+80)], b[i:min(len(b), i+80)])
		}
	}
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	tests := []string{"", "plain", `quote " and \ backslash`, "a<b>&c", "tab\tnew\nline\rcr", "\x00\x01\x1f\x7f",
		"é 😀 中文", "\u2028\u2029", "bad \xff utf-8", strings.Repeat("x", 100)}
	for _, s := range tests {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		got := string(fixtures.AppendJSONString(nil, s)) + "\n"
		if got != want.String() {
			t.Errorf("fixtures.AppendJSONString(%q) = %s, want %s", s, got, want.String())
		}
	}
	for r := rune(0); r < 0x3000; r++ {
		s := string(r)
		if !utf8.ValidString(s) {
			continue
		}
		want, _ := json.Marshal(s)
		want = bytes.ReplaceAll(want, []byte(`\u003c`), []byte("<"))
		want = bytes.ReplaceAll(want, []byte(`\u003e`), []byte(">"))
		want = bytes.ReplaceAll(want, []byte(`\u0026`), []byte("&"))
		if got := fixtures.AppendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("fixtures.AppendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
}
