package main

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestEvalScripts runs the scripts of ladder eval.
func TestEvalScripts(t *testing.T) { runScripts(t, "eval") }

// evalJSON is the part of eval's JSON output that the tests read.
type evalJSON struct {
	Revision string `json:"revision"`
	Devices  []struct {
		ID       string            `json:"id"`
		Category string            `json:"category"`
		Level    string            `json:"level"`
		Flags    []string          `json:"flags"`
		Families map[string]string `json:"families"`
		Criteria []struct {
			ID      string `json:"id"`
			Verdict string `json:"verdict"`
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"criteria"`
	} `json:"devices"`
	Invalid []json.RawMessage `json:"invalid"`
	Summary struct {
		Devices    int                       `json:"devices"`
		ByCategory map[string]map[string]int `json:"by_category"`
	} `json:"summary"`
}

func runEvalJSON(t *testing.T, args ...string) evalJSON {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(append([]string{"eval", "--format", "json"}, args...), &stdout, &stderr); code != exitOK {
		t.Fatalf("ladder eval exited %d: %s", code, stderr.String())
	}
	var out evalJSON
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("eval's JSON does not decode: %v", err)
	}
	return out
}

var categories = []string{"mobile_terminal", "microcomputer", "television", "glasses", "vehicle_cockpit", "speaker", "earphone"}

// TestEvalBuiltinCorpus checks what `ladder eval --format json` says of the
// built-in corpus: every record valid, and each outcome the corpus is meant
// to show present in every category.
func TestEvalBuiltinCorpus(t *testing.T) {
	edition := runEvalJSON(t)
	if edition.Revision != "gbz177-2026" {
		t.Errorf("the default revision is %s, want the newest published, gbz177-2026", edition.Revision)
	}
	if len(edition.Devices) < 210 || edition.Summary.Devices != len(edition.Devices) || len(edition.Invalid) != 0 {
		t.Fatalf("%d devices (summary %d), %d invalid; want at least 210, all valid",
			len(edition.Devices), edition.Summary.Devices, len(edition.Invalid))
	}
	type tally struct {
		devices, overClaim, notAssessable, missing, familiesDiffer int
		levels                                                     map[string]int
	}
	count := func(out evalJSON) map[string]*tally {
		by := map[string]*tally{}
		for _, c := range categories {
			by[c] = &tally{levels: map[string]int{}}
		}
		for _, d := range out.Devices {
			tl := by[d.Category]
			tl.devices++
			tl.levels[d.Level]++
			for _, f := range d.Flags {
				switch f {
				case "over-claim":
					tl.overClaim++
				case "not-assessable":
					tl.notAssessable++
				}
			}
			for _, c := range d.Criteria {
				if c.Verdict == "missing" {
					tl.missing++
					break
				}
			}
			if len(d.Families) == 2 && d.Families["end_side"] != d.Families["device_cloud"] {
				tl.familiesDiffer++
			}
		}
		return by
	}
	for cat, tl := range count(edition) {
		if tl.devices < 30 {
			t.Errorf("%s: %d devices, want at least 30", cat, tl.devices)
		}
		for _, l := range []string{"L0", "L1", "L2", "L3"} {
			if tl.levels[l] == 0 {
				t.Errorf("%s: no device at %s under the edition", cat, l)
			}
		}
		if tl.levels["L4"] != 0 {
			t.Errorf("%s: %d devices at L4, which the edition reserves", cat, tl.levels["L4"])
		}
		if tl.overClaim == 0 || tl.notAssessable == 0 || tl.missing == 0 {
			t.Errorf("%s: %d over-claims, %d not assessable, %d with missing evidence; want at least one of each",
				cat, tl.overClaim, tl.notAssessable, tl.missing)
		}
		if (cat == "mobile_terminal" || cat == "microcomputer") && tl.familiesDiffer == 0 {
			t.Errorf("%s: no device whose end_side and device_cloud levels differ", cat)
		}
	}

	draft := runEvalJSON(t, "--rev", "gbz177-l4-draft")
	if len(draft.Devices) != len(edition.Devices) || len(draft.Invalid) != 0 {
		t.Fatalf("under the draft: %d devices, %d invalid", len(draft.Devices), len(draft.Invalid))
	}
	for cat, tl := range count(draft) {
		if tl.levels["L4"] < 2 {
			t.Errorf("%s: %d devices at L4 under the draft, want at least 2", cat, tl.levels["L4"])
		}
	}
	moved := map[string]bool{}
	before := map[string]string{}
	for _, d := range edition.Devices {
		before[d.ID] = d.Level
	}
	for _, d := range draft.Devices {
		if b := before[d.ID]; b != d.Level && (b != "L3" || d.Level != "L4") {
			moved[d.Category] = true // a move that is not just reaching L4
		}
	}
	for _, cat := range categories {
		if !moved[cat] {
			t.Errorf("%s: no device changes level below L4 between the edition and the draft", cat)
		}
	}
}
