package spec

import (
	"errors"
	"strings"
	"testing"

	"github.com/ladderworks/ladder/spec/spectest"
)

func TestLint(t *testing.T) {
	mt := spectest.RevFile(edition, "mobile_terminal.cue")
	sp := spectest.RevFile(edition, "speaker.cue")
	schema := spectest.RevFile(edition, "schema.cue")
	type want struct {
		rule string
		// msg is a part of the message.
		msg string
		// at is a part of the source line that the finding points at.
		at string
	}
	tests := []struct {
		name  string
		edits []edit
		want  []want // exactly these findings, in order
	}{{
		// Criteria that no device can pass, given the vocabulary.
		name:  "a string for a number",
		edits: []edit{{mt, "on_device_llm_params_b: >=3", `on_device_llm_params_b: "8"`}},
		want:  []want{{"unsatisfiable", `criterion MT-L3-LLM can never pass: it asks "8" of on_device_llm_params_b, which #Measurements allows only as number & >=0`, `on_device_llm_params_b: "8"`}},
	}, {
		name:  "a bound on a bool",
		edits: []edit{{mt, "on_device_vlm: true", "on_device_vlm: >=8"}},
		want:  []want{{"unsatisfiable", "criterion MT-L3-VLM can never pass: it asks >=8 of on_device_vlm, which #Measurements allows only as bool", "on_device_vlm: >=8"}},
	}, {
		name:  "a bound beyond the declared range",
		edits: []edit{{mt, "npu_tops_int8: >=40", "npu_tops_int8: >=20000"}},
		want:  []want{{"unsatisfiable", "criterion MT-L3-NPU can never pass: it asks >=20000 of npu_tops_int8, which #Measurements allows only as number & >=0 & <=10000", "npu_tops_int8: >=20000"}},
	}, {
		name:  "a float for an int",
		edits: []edit{{mt, "context_turns_supported: >=3", "context_turns_supported: 3.5"}},
		want:  []want{{"unsatisfiable", "criterion MT-L2-CONTEXT can never pass: it asks 3.5 of context_turns_supported, which #Measurements allows only as int & >=0 & <=1000", "context_turns_supported: 3.5"}},
	}, {
		name:  "a value outside an enum",
		edits: []edit{{mt, `long_term_memory: "episodic"`, `long_term_memory: "forever"`}},
		want:  []want{{"unsatisfiable", `criterion MT-L3-EPISODIC can never pass: it asks "forever" of long_term_memory, which #Measurements allows only as #MemoryDepth (none of its values)`, `long_term_memory: "forever"`}},
	}, {
		name:  "a string for a list",
		edits: []edit{{mt, `input_modalities: list.Contains("voice")`, `input_modalities: "voice"`}},
		want:  []want{{"unsatisfiable", `criterion MT-L1-VOICE-INPUT can never pass: it asks "voice" of input_modalities, which #Measurements allows only as [...#Modality]`, `input_modalities: "voice"`}},
	}, {
		name:  "more than 100 for a percentage",
		edits: []edit{{mt, "explicit_cmd_success_pct: >=90", "explicit_cmd_success_pct: >=150"}},
		want:  []want{{"unsatisfiable", "criterion MT-L1-EXPLICIT-CMD can never pass: it asks >=150 of explicit_cmd_success_pct, which #Measurements allows only as #Percent", "explicit_cmd_success_pct: >=150"}},
	}, {
		// Labels are labels: a quoted label with a dot is one field.
		name: "a quoted label with a dot",
		edits: []edit{
			{schema, "npu_tops_int8?: number", "\"speed.max\"?: number & >=0 @unit(\"m/s\")\n\tnpu_tops_int8?: number"},
			{mt, "require: measurements: npu_tops_int8: >=20", `require: measurements: "speed.max": >=2`},
		},
		want: nil,
	}, {
		name: "a quoted label with a dot, misspelt",
		edits: []edit{
			{schema, "npu_tops_int8?: number", "\"speed.max\"?: number & >=0 @unit(\"m/s\")\n\tnpu_tops_int8?: number"},
			{mt, "require: measurements: npu_tops_int8: >=20", `require: measurements: "speed.mx": >=2`},
		},
		want: []want{{"unknown-field", `criterion MT-L2-NPU constrains measurements."speed.mx", which #Measurements does not define (did you mean measurements."speed.max"?)`, `"speed.mx": >=2`}},
	}, {
		name:  "a misspelt measurement",
		edits: []edit{{mt, "npu_tops_int8: >=20", "npu_top_int8: >=20"}},
		want:  []want{{"unknown-field", "criterion MT-L2-NPU constrains measurements.npu_top_int8, which #Measurements does not define (did you mean measurements.npu_tops_int8?)", "npu_top_int8: >=20"}},
	}, {
		name:  "a misspelt top-level field of the device",
		edits: []edit{{mt, "require: measurements: npu_tops_int8: >=20", "require: measurement: npu_tops_int8: >=20"}},
		want:  []want{{"unknown-field", "constrains measurement, which #Device does not define (did you mean measurements?)", "require: measurement:"}},
	}, {
		name:  "a misspelt measurement behind a guard",
		edits: []edit{{mt, "require: measurements: session_memory: true", "require: measurements: {\n\t\t\tsession_memory: bool\n\t\t\tif session_memory {long_term_memry: \"episodic\"}\n\t\t}"}},
		want:  []want{{"unknown-field", "constrains measurements.long_term_memry, which #Measurements does not define (did you mean measurements.long_term_memory?)", "long_term_memry"}},
	}, {
		name:  "a duplicate ID at two levels",
		edits: []edit{{mt, `"MT-L3-LLM": {`, `"MT-L2-LLM": {`}},
		want: []want{
			{"id", "criterion MT-L2-LLM stands under L3, but its ID says L2", `"MT-L2-LLM": {`},
			{"duplicate-id", "duplicate criterion ID MT-L2-LLM: it stands under mobile_terminal L2 and under mobile_terminal L3", `"MT-L2-LLM": {`},
		},
	}, {
		name:  "a criterion declared twice",
		edits: []edit{{mt, "// L2 Tool:", "categories: mobile_terminal: levels: L1: criteria: \"MT-L1-NPU\": element: \"cognition\"\n\n// L2 Tool:"}},
		want:  []want{{"duplicate-id", "criterion MT-L1-NPU is declared again here (first at ", `"MT-L1-NPU": element:`}},
	}, {
		name:  "a duplicate ID in two categories",
		edits: []edit{{sp, `"SP-L3-VOICEPRINT": {`, `"MT-L3-VLM": {`}},
		want: []want{
			{"id", "criterion MT-L3-VLM stands in category speaker, whose prefix is SP: its ID must start with SP-L3-", `"MT-L3-VLM": {`},
			{"duplicate-id", "duplicate criterion ID MT-L3-VLM: it stands under mobile_terminal L3 and under speaker L3", `"MT-L3-VLM": {`},
		},
	}, {
		name:  "a malformed ID",
		edits: []edit{{mt, `"MT-L1-SESSION": {`, `"mt-l1-session": {`}},
		want:  []want{{"id", `criterion ID "mt-l1-session" is malformed`, `"mt-l1-session": {`}},
	}, {
		name:  "a ladder inversion",
		edits: []edit{{mt, "on_device_llm_params_b: >=3", "on_device_llm_params_b: >=0.5"}},
		want:  []want{{"ladder-inversion", "criterion MT-L3-LLM: L3 asks measurements.on_device_llm_params_b: >=0.5, which is looser than >=1 asked at L2 by MT-L2-LLM", "on_device_llm_params_b: >=0.5"}},
	}, {
		name:  "a ladder inversion of an upper bound",
		edits: []edit{{sp, "voice_first_response_ms_p90: <=1000", "voice_first_response_ms_p90: <=1300"}},
		want:  []want{{"ladder-inversion", "criterion SP-L3-RESPONSE: L3 asks measurements.voice_first_response_ms_p90: <=1300, which is looser than <=1200 asked at L2 by SP-L2-RESPONSE", "<=1300"}},
	}, {
		// MT-L3-CLOUD-LATENCY is of the device-cloud family, and the NPU
		// bounds of L1 and L2 are of the end-side family: they are separate
		// ladders.
		name:  "bounds of different families are not a ladder",
		edits: []edit{{mt, "e2e_latency_ms_p90: <=2000", "{e2e_latency_ms_p90: <=2000, npu_tops_int8: >=1}"}},
	}, {
		name:  "a core bound looser than a family's",
		edits: []edit{{mt, "context_turns_supported: >=8", "{context_turns_supported: >=8, npu_tops_int8: >=1}"}},
		want:  []want{{"ladder-inversion", "criterion MT-L3-CONTEXT: L3 asks measurements.npu_tops_int8: >=1, which is looser than >=20 asked at L2 by MT-L2-NPU", "npu_tops_int8: >=1"}},
	}, {
		name:  "a criterion under a reserved level",
		edits: []edit{{mt, `L4: status: "reserved"`, "L4: {\n\t\t\tstatus: \"reserved\"\n\t\t\tcriteria: \"MT-L4-TWIN\": {title: \"x\", element: \"memory\", family: \"core\", provenance: \"illustrative\", require: measurements: personal_kb_items_max: >=5000}\n\t\t}"}},
		want:  []want{{"reserved", "criterion MT-L4-TWIN stands under mobile_terminal L4, which is reserved", `"MT-L4-TWIN": {`}},
	}, {
		name:  "a revision id that differs from its directory",
		edits: []edit{{schema, `id:     "gbz177-2026"`, `id:     "gbz177-2025"`}},
		want:  []want{{"revision-id", `revision.id is "gbz177-2025" but its directory is "gbz177-2026"`, `id:     "gbz177-2025"`}},
	}, {
		name:  "a base that does not exist",
		edits: []edit{{schema, `status: "published"`, `status: "published"` + "\n\tbase:   \"gbz177-2019\""}},
		want:  []want{{"base", `revision.base is "gbz177-2019", which is not a revision of this workspace`, `base:   "gbz177-2019"`}},
	}, {
		name:  "an unknown element, family and provenance",
		edits: []edit{{mt, "element:    \"perception\"\n\t\tfamily:     \"core\"\n\t\tprovenance: \"illustrative\"", "element:    \"perceptoin\"\n\t\tfamily:     \"edge\"\n\t\tprovenance: \"folklore\""}},
		want: []want{
			{"element", `criterion MT-L1-VOICE-INPUT: element "perceptoin" is not one of perception, cognition, execution, memory, learning`, "perceptoin"},
			{"family", `criterion MT-L1-VOICE-INPUT: family "edge" is not a family of category mobile_terminal (it names end_side, device_cloud and core)`, "edge"},
			{"provenance", `provenance "folklore" is not one of normative, informative, illustrative`, "folklore"},
		},
	}, {
		name:  "a family the category does not name",
		edits: []edit{{sp, "family:     \"core\"\n\t\tclause:     \"GB/Z 177.8 A.2\"", "family:     \"end_side\"\n\t\tclause:     \"GB/Z 177.8 A.2\""}},
		want:  []want{{"family", `criterion SP-L1-WAKE: family "end_side" is not a family of category speaker (it names none, so every criterion is core)`, `"end_side"`}},
	}, {
		name:  "an empty normative level",
		edits: []edit{{sp, "categories: speaker: levels: L1: criteria: {", "categories: speaker: levels: L0: criteria: {"}},
		want: []want{
			{"empty-level", "speaker L1 is normative but has no criteria", `L1: status: "normative"`},
			{"level", `speaker has a level "L0"; levels are named L1, L2 and so on, up to L9`, "L0: criteria"},
		},
	}, {
		name:  "a gap in the levels",
		edits: []edit{{sp, "\t\tL4: status: \"reserved\"\n", "\t\tL6: status: \"reserved\"\n"}},
		want:  []want{{"level", "category speaker declares L6 but not L4, L5: its levels run from L1 up without a gap", "categories: speaker: {"}},
	}, {
		name:  "no levels",
		edits: []edit{{sp, "\tlevels: {\n\t\tL1: status: \"normative\"\n\t\tL2: status: \"normative\"\n\t\tL3: status: \"normative\"\n\t\tL4: status: \"reserved\"\n\t}\n", ""}, {sp, "categories: speaker: levels: L1: criteria: {", "_l1: {"}, {sp, "categories: speaker: levels: L2: criteria: {", "_l2: {"}, {sp, "categories: speaker: levels: L3: criteria: {", "_l3: {"}},
		want:  []want{{"structure", "category speaker has no levels", "categories: speaker: {"}},
	}, {
		name:  "a level beyond L9",
		edits: []edit{{sp, "\t\tL4: status: \"reserved\"\n", "\t\tL10: status: \"reserved\"\n"}},
		want:  []want{{"level", `speaker has a level "L10"; levels are named L1, L2 and so on, up to L9`, "L10: status"}},
	}, {
		// A category may declare fewer levels, or more, than another.
		name:  "three levels in one category and nine in another",
		edits: []edit{{sp, "\t\tL4: status: \"reserved\"\n", ""}, {mt, "\t\tL4: status: \"reserved\"\n", "\t\tL4: status: \"reserved\"\n\t\tL5: status: \"reserved\"\n\t\tL6: status: \"reserved\"\n\t\tL7: status: \"reserved\"\n\t\tL8: status: \"reserved\"\n\t\tL9: status: \"reserved\"\n"}},
	}, {
		name:  "a criterion whose ID carries another prefix",
		edits: []edit{{sp, `"SP-L1-WAKE": {`, `"SPK-L1-WAKE": {`}},
		want:  []want{{"id", "criterion SPK-L1-WAKE stands in category speaker, whose prefix is SP: its ID must start with SP-L1-", `"SPK-L1-WAKE": {`}},
	}, {
		name:  "a prefix that is not in capitals",
		edits: []edit{{sp, `prefix: "SP"`, `prefix: "sp"`}},
		want:  []want{{"prefix", `category speaker: prefix "sp" is not an ID prefix: capitals and digits, starting with a capital, such as "SP"`, `prefix: "sp"`}},
	}, {
		name:  "a prefix that another category declares",
		edits: []edit{{sp, `prefix: "SP"`, `prefix: "MT"`}},
		want:  []want{{"prefix", `category speaker: prefix "MT" is category mobile_terminal's too; every category needs a prefix of its own`, `prefix: "MT"`}},
	}, {
		// Without a declared prefix, a category's IDs share the first one's.
		name:  "no prefix declared",
		edits: []edit{{sp, "\tprefix: \"SP\"\n", ""}, {sp, `"SP-L1-WAKE": {`, `"SPK-L1-WAKE": {`}},
		want:  []want{{"id", "criterion SPK-L1-WAKE stands in category speaker, whose IDs start with SP-", `"SPK-L1-WAKE": {`}},
	}, {
		// Without #Element, a criterion may name any element.
		name: "no #Element declared",
		edits: []edit{
			{schema, `#Element: "perception" | "cognition" | "execution" | "memory" | "learning"`, ""},
			{mt, "element:    \"perception\"", "element:    \"sensing\""},
		},
	}, {
		// Families are the category's to name.
		name: "families of other names",
		edits: []edit{
			{sp, `determination: rule: "cumulative"`, `determination: {rule: "cumulative", families: ["near_field", "far_field"]}`},
			{sp, "family:     \"core\"\n\t\tclause:     \"GB/Z 177.8 A.2\"", "family:     \"far_field\"\n\t\tclause:     \"GB/Z 177.8 A.2\""},
		},
	}, {
		name:  "core as a determination family",
		edits: []edit{{sp, `determination: rule: "cumulative"`, `determination: {rule: "cumulative", families: ["core", "Far Field"]}`}},
		want: []want{
			{"family", `category speaker: "core" is not a determination family`, "categories: speaker: {"},
			{"family", `category speaker: determination family "Far Field" is not a name in lower case`, "categories: speaker: {"},
		},
	}, {
		name:  "an unknown level status",
		edits: []edit{{sp, `L3: status: "normative"`, `L3: status: "normitive"`}},
		want:  []want{{"status", `speaker L3: status "normitive" is not one of normative, draft, reserved`, `"normitive"`}},
	}, {
		name:  "a misspelt require",
		edits: []edit{{mt, "require: measurements: session_memory: true", "requires: measurements: session_memory: true"}},
		want: []want{
			{"no-constraint", "criterion MT-L1-SESSION has no require: it would pass every device", `"MT-L1-SESSION": {`},
			{"structure", `criterion MT-L1-SESSION has an unknown field "requires"`, "requires:"},
		},
	}, {
		name:  "a require that constrains nothing",
		edits: []edit{{mt, "require: measurements: session_memory: true", "require: measurements: {}"}},
		want:  []want{{"no-constraint", "criterion MT-L1-SESSION: require constrains no field, so every device passes it", `"MT-L1-SESSION": {`}},
	}, {
		name:  "a title that is not a string",
		edits: []edit{{mt, `title:      "Keeps the context of a session"`, `title:      3`}},
		want:  []want{{"structure", "criterion MT-L1-SESSION: title must be a string, not 3", "title:      3"}},
	}, {
		name:  "a measurement without a unit",
		edits: []edit{{schema, "ttft_ms?: number & >=0 & <=60000 @unit(ms)", "ttft_ms?: number & >=0 & <=60000"}},
		want:  []want{{"unit", "measurement ttft_ms has no @unit(...) attribute", "ttft_ms?:"}},
	}, {
		name:  "an open device schema",
		edits: []edit{{schema, "measurements!:  #Measurements\n", "measurements!:  #Measurements\n\t...\n"}},
		want:  []want{{"schema", "#Device is open", "#Device: {"}},
	}, {
		name: "a category that no device can be in",
		edits: []edit{
			{schema, `#CategoryKey: "mobile_terminal" | "microcomputer"`, `#CategoryKey: "phone" | "microcomputer"`},
		},
		want: []want{
			{"category", "category mobile_terminal is not a value that #Device.category admits", "categories: mobile_terminal: {"},
			{"schema", `#Device admits the category "phone", which the revision does not define`, "category!:"},
		},
	}, {
		name: "a #Device that admits any category",
		edits: []edit{
			{schema, `category!:      #CategoryKey`, `category!:      string`},
		},
		want: []want{{"schema", "#Device admits any category (string)", "category!:"}},
	}, {
		name:  "an unknown top-level field",
		edits: []edit{{sp, "categories: speaker: {", "categoies: speaker: {}\n\ncategories: speaker: {"}},
		want:  []want{{"structure", `unknown top-level field "categoies"`, "categoies: speaker"}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := builtinWith(t, tc.edits...)
			rev := mustLoad(t, fsys, edition)
			got := Lint(rev, []string{edition, draft})
			lines := map[string][]string{}
			for _, f := range rev.Files {
				lines[f.Name] = strings.Split(string(f.Data), "\n")
			}
			for i, w := range tc.want {
				if i >= len(got) {
					t.Errorf("missing finding %s: %q", w.rule, w.msg)
					continue
				}
				f := got[i]
				if f.Rule != w.rule || !strings.Contains(f.Msg, w.msg) {
					t.Errorf("finding %d = [%s] %s\nwant [%s] ...%s...", i, f.Rule, f, w.rule, w.msg)
				}
				ls := lines[f.Pos.File]
				if f.Pos.Line < 1 || f.Pos.Line > len(ls) || f.Pos.Column < 1 {
					t.Errorf("finding %d: position %s is not in a file of the revision", i, f.Pos)
				} else if line := ls[f.Pos.Line-1]; !strings.Contains(line, w.at) {
					t.Errorf("finding %d at %s points at %q, want a line with %q", i, f.Pos, line, w.at)
				}
			}
			for _, f := range got[min(len(got), len(tc.want)):] {
				t.Errorf("unexpected finding [%s] %s", f.Rule, f)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	mt := spectest.RevFile(edition, "mobile_terminal.cue")
	sp := spectest.RevFile(edition, "speaker.cue")
	tests := []struct {
		name  string
		edits []edit
		// want are the errors, as "file:line:col: message" prefixes.
		want []string
	}{{
		name:  "syntax errors in two files",
		edits: []edit{{mt, `title:      "Accepts spoken instructions"`, `title:      "Accepts spoken instructions`}, {sp, "false_wakes_per_24h: <=3", "false_wakes_per_24h: <=3]"}},
		want: []string{
			"cue/revisions/gbz177-2026/mobile_terminal.cue:35:15: string literal not terminated",
			"cue/revisions/gbz177-2026/speaker.cue:43:50: missing ',' in struct literal",
			"cue/revisions/gbz177-2026/speaker.cue:241:3: expected '}', found 'EOF'",
		},
	}, {
		name:  "conflicting values",
		edits: []edit{{mt, `"MT-L2-LLM": {`, `"MT-L2-NPU": {`}, {sp, `title:      "Keeps the context of a session"`, `title:      "Keeps the context of a session"` + "\n\t\ttitle: 3"}},
		want: []string{
			`cue/revisions/gbz177-2026/mobile_terminal.cue:132:15: categories.mobile_terminal.levels.L2.criteria."MT-L2-NPU".title: conflicting values`,
			`cue/revisions/gbz177-2026/speaker.cue:`,
		},
	}, {
		name:  "a value outside the schema",
		edits: []edit{{spectest.RevFile(edition, "schema.cue"), "#Device: {", "_example: #Device & {id: \"Bad ID\", name: \"n\", vendor: \"v\", category: \"toaster\", measurements: {}}\n\n#Device: {"}},
		want: []string{
			"cue/revisions/gbz177-2026/schema.cue:20:15: _example.category: 7 errors in empty disjunction",
			`cue/revisions/gbz177-2026/schema.cue:20:15: _example.category: conflicting values "mobile_terminal" and "toaster"`,
			`cue/revisions/gbz177-2026/schema.cue:20:35: _example.category: conflicting values "microcomputer" and "toaster"`,
			`cue/revisions/gbz177-2026/schema.cue:20:53: _example.category: conflicting values "television" and "toaster"`,
			`cue/revisions/gbz177-2026/schema.cue:20:68: _example.category: conflicting values "glasses" and "toaster"`,
			`cue/revisions/gbz177-2026/schema.cue:20:80: _example.category: conflicting values "vehicle_cockpit" and "toaster"`,
			`cue/revisions/gbz177-2026/schema.cue:20:100: _example.category: conflicting values "speaker" and "toaster"`,
			`cue/revisions/gbz177-2026/schema.cue:20:112: _example.category: conflicting values "earphone" and "toaster"`,
			`cue/revisions/gbz177-2026/schema.cue:181:18: _example.id: invalid value "Bad ID" (out of bound =~"^[a-z0-9][a-z0-9-]*$")`,
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewWorkspace(builtinWith(t, tc.edits...), "").Load(edition)
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Load() error = %v, want a *LoadError", err)
			}
			if len(le.Errs) != len(tc.want) {
				t.Fatalf("Load() reported %d errors, want %d:\n%v", len(le.Errs), len(tc.want), err)
			}
			for i, w := range tc.want {
				if got := le.Errs[i].Error(); !strings.HasPrefix(got, w) || le.Errs[i].Pos.Line == 0 {
					t.Errorf("error %d = %q, want it to start with %q and have a line", i, got, w)
				}
			}
		})
	}
}

func TestUnknownRevision(t *testing.T) {
	_, err := NewWorkspace(repo, "").Load("gbz177-2030")
	var ue *UnknownRevisionError
	if !errors.As(err, &ue) {
		t.Fatalf("Load() error = %v, want an *UnknownRevisionError", err)
	}
	if want := `unknown revision "gbz177-2030"; available: gbz177-2026, gbz177-l4-draft`; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}
