package spec

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ladderworks/ladder/spec/spectest"
)

// TestMain lets the tests' binary be its own compile guard, as the ladder
// binary is; LADDER_TEST_NO_GUARD=1 leaves the guard out, to measure what
// it costs.
func TestMain(m *testing.M) {
	if os.Getenv("LADDER_TEST_NO_GUARD") != "1" {
		RunGuardIfChild()
	}
	os.Exit(m.Run())
}

// The edits of the tests below, to the edition's mobile_terminal.cue,
// which imports "list".
var (
	mtFile = spectest.RevFile(edition, "mobile_terminal.cue")
	// huge asks for a list of 10^8 numbers: gigabytes within seconds.
	huge = edit{mtFile, "categories: mobile_terminal: {", "_huge: [for i in list.Range(0, 100000000, 1) {i}]\n\ncategories: mobile_terminal: {"}
	// long asks for a list of 10^5 numbers: seconds, and little memory.
	long = edit{mtFile, "categories: mobile_terminal: {", "_long: [for i in list.Range(0, 100000, 1) {i}]\n\ncategories: mobile_terminal: {"}
	// inCriterion asks for 10^8 numbers in a criterion's require.
	inCriterion = edit{mtFile, "npu_tops_int8: >=20", "npu_tops_int8: >=list.Sum([for i in list.Range(0, 100000000, 1) {i}])"}
)

// TestGuardStopsCompilations: a revision whose compilation takes more
// memory or time than the limits is stopped there, in the compile guard,
// with a message that says why and where its comprehension is; the same
// text is refused at once the next time, without the guard; and the
// workspace loads its other revisions at once, as usual.
func TestGuardStopsCompilations(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   edit
		limits Limits
		reason StopReason
		want   string
	}{{
		name:   "a comprehension over 10^8 numbers",
		edit:   huge,
		limits: Limits{Memory: 128 << 20, Time: time.Minute},
		reason: StoppedMemory,
		want:   "cue/revisions/gbz177-2026/mobile_terminal.cue:9:9: revision gbz177-2026: compiling it needed more than 128 MiB of memory; Ladder stopped it (a comprehension over a very long list?)",
	}, {
		name:   "the same in a criterion",
		edit:   inCriterion,
		limits: Limits{Memory: 128 << 20, Time: time.Minute},
		reason: StoppedMemory,
		want:   "cue/revisions/gbz177-2026/mobile_terminal.cue:137:53: revision gbz177-2026: compiling it needed more than 128 MiB of memory; Ladder stopped it (a comprehension over a very long list?)",
	}, {
		name:   "a comprehension over 10^5 numbers",
		edit:   long,
		limits: Limits{Memory: 4 << 30, Time: 300 * time.Millisecond},
		reason: StoppedTime,
		want:   "cue/revisions/gbz177-2026/mobile_terminal.cue:9:9: revision gbz177-2026: compiling it took more than 300ms; Ladder stopped it (a comprehension over a very long list?)",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			ws := NewWorkspace(builtinWith(t, tc.edit), "")
			ws.SetLimits(tc.limits)
			began := time.Now()
			_, err := ws.Load(edition)
			var stopped *StoppedError
			if !errors.As(err, &stopped) || stopped.Reason != tc.reason {
				t.Fatalf("Load = %v, want it stopped (reason %d)", err, tc.reason)
			}
			if took := time.Since(began); took > 20*time.Second {
				t.Errorf("stopping it took %v", took)
			}
			if err.Error() != tc.want {
				t.Errorf("message\n%s\nwant\n%s", err, tc.want)
			}
			runs := guardRuns()
			began = time.Now()
			if _, again := ws.Load(edition); again == nil || again.Error() != tc.want {
				t.Errorf("loaded again: %v, want the same message", again)
			}
			if guardRuns() != runs || time.Since(began) > time.Second {
				t.Errorf("the text known to blow up was compiled again")
			}
			// Nothing holds the workspace: its other revision loads.
			ws.SetLimits(Limits{})
			if _, err := ws.Load(draft); err != nil {
				t.Errorf("the draft: %v", err)
			}
		})
	}
}

// TestGuardRemembersWhatFinished: the guard compiles each text once; a
// text it compiled before, such as the one an undo brings back, is compiled
// in the process at once.
func TestGuardRemembersWhatFinished(t *testing.T) {
	// A text of its own, which no other test had compiled.
	fsys := builtinWith(t, edit{mtFile, "package standard\n", "package standard\n\n// " + t.Name() + "\n"})
	orig := fsys[mtFile].Data
	ws := NewWorkspace(fsys, "")
	load := func(wantRuns int64) *Revision {
		t.Helper()
		runs := guardRuns()
		rev, err := ws.Load(edition)
		if err != nil {
			t.Fatal(err)
		}
		if got := guardRuns() - runs; got != wantRuns {
			t.Errorf("the guard compiled %d times, want %d", got, wantRuns)
		}
		return rev
	}
	first := load(1)
	load(0)
	fsys[mtFile] = &fstest.MapFile{Data: []byte(strings.Replace(string(orig), "npu_tops_int8: >=20", "npu_tops_int8: >=21", 1))}
	if c := load(1).Criterion("MT-L2-NPU"); c == nil || !strings.Contains(c.Source, ">=21") {
		t.Errorf("the edit did not compile: %v", c)
	}
	fsys[mtFile] = &fstest.MapFile{Data: orig}
	if got, want := dump(load(0)), dump(first); got != want {
		t.Errorf("after the undo:\n%s", diffLines(got, want))
	}
}

// TestGuardIsAnotherProcess: the guard that compiles is a process of its
// own, which the parent restarts after it stopped one.
func TestGuardIsAnotherProcess(t *testing.T) {
	ws := NewWorkspace(builtinWith(t, huge, edit{mtFile, "package standard\n", "package standard\n\n// " + t.Name() + "\n"}), "")
	ws.SetLimits(Limits{Memory: 64 << 20})
	if _, err := ws.Load(edition); err == nil {
		t.Fatal("the comprehension over 10^8 numbers compiled")
	}
	guard.sem <- struct{}{}
	child := guard.child
	<-guard.sem
	if child != nil && child.cmd.Process.Pid == os.Getpid() {
		t.Fatal("the guard is this process")
	}
	if _, err := NewWorkspace(builtinWith(t), "").Load(draft); err != nil {
		t.Fatal(err)
	}
	guard.sem <- struct{}{}
	child = guard.child
	<-guard.sem
	if child == nil || child.cmd.Process.Pid == os.Getpid() {
		t.Fatalf("no guard runs after one was stopped: %v", child)
	}
}

// TestUnguardedLoadGivesUp: without a compile guard (a program that does
// not call RunGuardIfChild), a compilation that takes longer than its limit
// is given up on with the same message; it goes on in the background, and
// meanwhile the workspace refuses other loads at once rather than wait.
func TestUnguardedLoadGivesUp(t *testing.T) {
	guardAvailable.Store(false)
	defer guardAvailable.Store(true)
	slow := edit{mtFile, "categories: mobile_terminal: {", "_long: [for i in list.Range(0, 20000, 1) {i}]\n\ncategories: mobile_terminal: {"}
	ws := NewWorkspace(builtinWith(t, slow), "")
	ws.SetLimits(Limits{Time: 20 * time.Millisecond})
	_, err := ws.Load(edition)
	const want = "cue/revisions/gbz177-2026/mobile_terminal.cue:9:9: revision gbz177-2026: compiling it took more than 20ms; Ladder stopped it (a comprehension over a very long list?)"
	if err == nil || err.Error() != want {
		t.Fatalf("Load = %v, want %s", err, want)
	}
	began := time.Now()
	_, err = ws.Load(draft)
	if err == nil || err.Error() != "revision gbz177-l4-draft was not loaded: the compilation of gbz177-2026 did not end" || time.Since(began) > time.Second {
		t.Errorf("loading the draft meanwhile: %v, after %v", err, time.Since(began))
	}
	for ws.stuck.Load() != nil {
		if time.Since(began) > time.Minute {
			t.Fatal("the compilation given up on did not end")
		}
		time.Sleep(10 * time.Millisecond)
	}
	ws.SetLimits(Limits{})
	if _, err := ws.Load(draft); err != nil {
		t.Errorf("the draft, once the compilation ended: %v", err)
	}
}

// TestStoppedErrorSaysWhy holds the messages of each reason, with and
// without a position, and the sizes of memory as people write them.
func TestStoppedErrorSaysWhy(t *testing.T) {
	at := Position{File: "cue/revisions/r/a.cue", Line: 3, Column: 9}
	for _, tc := range []struct {
		err  StoppedError
		want string
	}{
		{StoppedError{Revision: "r", Reason: StoppedTime, Limits: Limits{Time: 30 * time.Second}},
			"revision r: compiling it took more than 30s; Ladder stopped it"},
		{StoppedError{Revision: "r", Reason: StoppedTime, Limits: Limits{Time: 30 * time.Second}, Pos: at},
			"cue/revisions/r/a.cue:3:9: revision r: compiling it took more than 30s; Ladder stopped it (a comprehension over a very long list?)"},
		{StoppedError{Revision: "r", Reason: StoppedMemory, Limits: Limits{Memory: 1 << 30}},
			"revision r: compiling it needed more than 1 GiB of memory; Ladder stopped it (a comprehension over a very long list?)"},
		{StoppedError{Revision: "r", Reason: StoppedMemory, Limits: Limits{Memory: 1536 << 20}, Pos: at},
			"cue/revisions/r/a.cue:3:9: revision r: compiling it needed more than 1.5 GiB of memory; Ladder stopped it (a comprehension over a very long list?)"},
		{StoppedError{Revision: "r", Reason: StoppedMemory, Limits: Limits{Memory: 256 << 20}},
			"revision r: compiling it needed more than 256 MiB of memory; Ladder stopped it (a comprehension over a very long list?)"},
		{StoppedError{Revision: "r", Reason: StoppedCrash, Detail: "runtime: goroutine stack exceeds 1000000000-byte limit"},
			"revision r: CUE failed while compiling it (runtime: goroutine stack exceeds 1000000000-byte limit); Ladder stopped it"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

// TestSuspect: the likely cause of a blow-up is the comprehension, or the
// call that makes a list or a string, over the largest number.
func TestSuspect(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      Position
	}{
		{"none", "package p\n\na: 1\n", Position{}},
		{"the largest of two", "package p\n\nimport \"list\"\n\na: [for i in list.Range(0, 10, 1) {i}]\nb: [for i in list.Range(0, 1e8, 1) {i}]\n",
			Position{File: "a.cue", Line: 6, Column: 5}},
		{"written with a multiplier", "package p\n\nimport \"list\"\n\na: [for i in list.Range(0, 100000, 1) {i}]\nb: [for i in list.Range(0, 1Gi, 1) {i}]\n",
			Position{File: "a.cue", Line: 6, Column: 5}},
		{"a call without a comprehension", "package p\n\nimport \"strings\"\n\na: strings.Repeat(\"x\", 1000000000)\n",
			Position{File: "a.cue", Line: 5, Column: 4}},
		{"the first, where none has a number", "package p\n\nl: [1, 2]\na: [for x in l for y in l {x + y}]\n",
			Position{File: "a.cue", Line: 4, Column: 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := suspect([]*File{{Name: "a.cue", Data: []byte(tc.src)}}); got != tc.want {
				t.Errorf("suspect = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestGuardTrustsTheBuiltinStandard: the built-in standard's own texts,
// which the binary carries, are compiled without the guard, through an
// overlay too; an overlay's edited text is not; and the guard is warmed
// for the overlay, so that the first edit finds it started.
func TestGuardTrustsTheBuiltinStandard(t *testing.T) {
	builtin := builtinWith(t, edit{mtFile, "package standard\n", "package standard\n\n// " + t.Name() + "\n"})
	runs := guardRuns()
	if _, err := NewBuiltinWorkspace(builtin).Load(edition); err != nil {
		t.Fatal(err)
	}
	if std, err := NewBuiltinWorkspace(builtin).LoadAll(0); err != nil || len(std.Broken) > 0 {
		t.Fatalf("LoadAll: %v %v", err, std.Broken)
	}
	if guardRuns() != runs {
		t.Error("the built-in standard went through the guard")
	}
	edited := fstest.MapFS{}
	for name, f := range builtin {
		edited[name] = &fstest.MapFile{Data: f.Data}
	}
	ov := NewBuiltinWorkspace(builtin).Over(edited)
	if _, err := ov.Load(edition); err != nil {
		t.Fatal(err)
	}
	if guardRuns() != runs {
		t.Error("the built-in text through an overlay went through the guard")
	}
	deadline := time.Now().Add(time.Minute)
	for guardRuns() == runs {
		if time.Now().After(deadline) {
			t.Fatal("the guard was not warmed for the overlay")
		}
		time.Sleep(10 * time.Millisecond)
	}
	runs = guardRuns()
	edited[mtFile] = &fstest.MapFile{Data: []byte(strings.Replace(string(builtin[mtFile].Data), huge.Old, huge.New, 1))}
	ov.SetLimits(Limits{Memory: 128 << 20})
	var stopped *StoppedError
	if _, err := ov.Load(edition); !errors.As(err, &stopped) || guardRuns() != runs+1 {
		t.Errorf("an edit through the overlay: %v, after %d runs of the guard; want it stopped, after one", err, guardRuns()-runs)
	}
}
