package spec

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/ladderworks/ladder/spec/spectest"
)

func fingerprints(rev *Revision) (whole, require map[string]string) {
	whole, require = map[string]string{}, map[string]string{}
	for _, c := range rev.Criteria() {
		whole[c.ID], require[c.ID] = c.Fingerprint, c.RequireFingerprint
	}
	return whole, require
}

func changed(before, after map[string]string) []string {
	var ids []string
	for id, fp := range after {
		if before[id] != fp {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func TestFingerprints(t *testing.T) {
	mt := spectest.RevFile(edition, "mobile_terminal.cue")
	schema := spectest.RevFile(edition, "schema.cue")
	users := func(ids ...string) []string { slices.Sort(ids); return ids }
	// Every criterion that refers to #LongTermMemory.
	longTermUsers := users("MT-L2-PREFERENCES", "PC-L2-PREFERENCES", "TV-L2-PREFERENCES", "GL-L2-PREFERENCES", "VC-L2-PREFERENCES", "SP-L2-PREFERENCES", "EP-L2-PREFERENCES")
	tests := []struct {
		name string
		edit []edit
		// wantWhole and wantRequire are the criteria whose Fingerprint and
		// RequireFingerprint must change; all others must not.
		wantWhole, wantRequire []string
	}{{
		name: "a comment",
		edit: []edit{{mt, `	"MT-L1-VOICE-INPUT": {`, "\t// Voice is the first modality.\n\t\"MT-L1-VOICE-INPUT\": { // inline\n"}},
	}, {
		name: "formatting",
		edit: []edit{{mt, "require: measurements: npu_tops_int8: >=20", "require: {\n\t\t\tmeasurements: {npu_tops_int8:   >=20}}"}},
	}, {
		name: "criteria reordered",
		edit: []edit{{mt, `	"MT-L1-EXPLICIT-CMD": {
		title:      "Carries out explicit single-step instructions"
		element:    "cognition"
		family:     "core"
		provenance: "illustrative"
		require: measurements: explicit_cmd_success_pct: >=90
	}
`, ""}, {mt, `	"MT-L1-ROUTING": {`, `	"MT-L1-EXPLICIT-CMD": {
		title:      "Carries out explicit single-step instructions"
		element:    "cognition"
		family:     "core"
		provenance: "illustrative"
		require: measurements: explicit_cmd_success_pct: >=90
	}
	"MT-L1-ROUTING": {`}},
	}, {
		name: "fields of a criterion reordered",
		edit: []edit{{mt, `		require: measurements: {
			fused_multimodal_query: true
			input_modalities:       list.MinItems(3)
		}`, `		require: measurements: {
			input_modalities:       list.MinItems(3)
			fused_multimodal_query: true
		}`}, {mt, `		title:      "Carries out explicit single-step instructions"
		element:    "cognition"`, `		element:    "cognition"
		title:      "Carries out explicit single-step instructions"`}},
	}, {
		name: "an unrelated definition added",
		edit: []edit{{schema, "#Percent: number & >=0 & <=100", "#Percent: number & >=0 & <=100\n\n#Unused: >=42"}},
	}, {
		name:        "a threshold",
		edit:        []edit{{mt, "npu_tops_int8: >=20", "npu_tops_int8: >=25"}},
		wantWhole:   users("MT-L2-NPU"),
		wantRequire: users("MT-L2-NPU"),
	}, {
		name:      "a title",
		edit:      []edit{{mt, `title:      "Accepts spoken instructions"`, `title:      "Accepts spoken commands"`}},
		wantWhole: users("MT-L1-VOICE-INPUT"),
	}, {
		name:        "a shared definition the criteria use",
		edit:        []edit{{schema, `#LongTermMemory: "preferences" | "episodic"`, `#LongTermMemory: "episodic"`}},
		wantWhole:   longTermUsers,
		wantRequire: longTermUsers,
	}, {
		name: "a definition used through another",
		edit: []edit{{schema, `#Modality: "text" | "voice"`, `#Modality: "text" | "speech" | "voice"`}},
		// No criterion refers to #Modality: only #Measurements does.
	}}
	base := mustLoad(t, repo, edition)
	baseWhole, baseRequire := fingerprints(base)
	if len(slices.Collect(maps.Values(baseWhole))) != len(base.Criteria()) {
		t.Fatal("criteria share IDs")
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rev := mustLoad(t, builtinWith(t, tc.edit...), edition)
			whole, require := fingerprints(rev)
			if got := changed(baseWhole, whole); !slices.Equal(got, tc.wantWhole) {
				t.Errorf("Fingerprint changed for %v, want %v", got, tc.wantWhole)
			}
			if got := changed(baseRequire, require); !slices.Equal(got, tc.wantRequire) {
				t.Errorf("RequireFingerprint changed for %v, want %v", got, tc.wantRequire)
			}
		})
	}
}

// TestFingerprintsFollowMeaning checks, over every pair of criteria of the
// draft, that two require values share a fingerprint exactly when CUE prints
// them alike, and two criteria exactly when they also agree in every other
// field.
func TestFingerprintsFollowMeaning(t *testing.T) {
	crits := mustLoad(t, repo, draft).Criteria()
	printed, meta := map[*Criterion]string{}, map[*Criterion]string{}
	for _, c := range crits {
		printed[c] = fmt.Sprint(c.Require)
		meta[c] = fmt.Sprintf("%q", []string{c.Title, c.Element, c.Family, c.Provenance, c.Clause})
	}
	for i, a := range crits {
		for _, b := range crits[i+1:] {
			sameReq := printed[a] == printed[b]
			if got := a.RequireFingerprint == b.RequireFingerprint; got != sameReq {
				t.Errorf("%s and %s: same require fingerprint = %v, but require values print alike = %v", a.ID, b.ID, got, sameReq)
			}
			same := sameReq && meta[a] == meta[b]
			if got := a.Fingerprint == b.Fingerprint; got != same {
				t.Errorf("%s and %s: same fingerprint = %v, but criteria alike = %v", a.ID, b.ID, got, same)
			}
		}
	}
}
