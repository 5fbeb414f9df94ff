package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ladderworks/ladder/spec"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	spec.RunGuardIfChild()
	testscript.Main(m, map[string]func(){
		"ladder": func() {
			if err := setTestLimits(os.Getenv("LADDER_TEST_COMPILE_LIMITS")); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
		},
	})
}

// setTestLimits sets the limits of compilations as a script asks, in its
// variable LADDER_TEST_COMPILE_LIMITS, which only the tests read: such as
// "memory=128MiB time=2s", either may be left out.
func setTestLimits(limits string) error {
	var lim spec.Limits
	for _, f := range strings.Fields(limits) {
		name, value, _ := strings.Cut(f, "=")
		switch name {
		case "time":
			d, err := time.ParseDuration(value)
			if err != nil {
				return fmt.Errorf("LADDER_TEST_COMPILE_LIMITS: %w", err)
			}
			lim.Time = d
		case "memory":
			n, err := strconv.ParseInt(strings.TrimSuffix(value, "MiB"), 10, 64)
			if err != nil || !strings.HasSuffix(value, "MiB") {
				return fmt.Errorf("LADDER_TEST_COMPILE_LIMITS: memory %q is not a number of MiB", value)
			}
			lim.Memory = n << 20
		default:
			return fmt.Errorf("LADDER_TEST_COMPILE_LIMITS: unknown limit %q", name)
		}
	}
	spec.SetDefaultLimits(lim)
	return nil
}

// runScripts runs the command-line scripts of a command: the files
// testdata/script/NAME.txtar and NAME_*.txtar. $AUTONOMY is the workspace
// of the second example standard (testdata/autonomy), and $ROBOTS that of a
// ladder written to exercise every construct of CUE (evaluator/testdata/
// robots). $ESC and $BEL are those control characters, to name a file
// with them. Besides the standard commands, scripts can use:
//
//	exits N PROGRAM [ARGS...]   run a program and check its exit code
//	replace FILE OLD NEW        replace the first OLD in FILE by NEW; OLD must be there
//	bigfile FILE SIZE           write a device record of SIZE bytes (its name padded)
func runScripts(t *testing.T, name string) {
	files, err := filepath.Glob(filepath.Join("testdata", "script", name+"*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var mine []string
	for _, f := range files {
		if base := strings.TrimSuffix(filepath.Base(f), ".txtar"); base == name || strings.HasPrefix(base, name+"_") {
			mine = append(mine, f)
		}
	}
	if len(mine) == 0 {
		t.Fatalf("no scripts of %s in testdata/script", name)
	}
	robots, err := filepath.Abs(filepath.Join("evaluator", "testdata", "robots"))
	if err != nil {
		t.Fatal(err)
	}
	autonomy, err := filepath.Abs(filepath.Join("testdata", "autonomy"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Files: mine,
		Setup: func(env *testscript.Env) error {
			// Ladders written apart from the built-in standard.
			env.Setenv("ROBOTS", robots)
			env.Setenv("AUTONOMY", autonomy)
			env.Setenv("ESC", "\x1b")
			env.Setenv("BEL", "\a")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":   cmdExits,
			"replace": cmdReplace,
			"bigfile": cmdBigfile,
		},
	})
}

// TestEveryScriptRuns checks that every script belongs to a command, so
// that none is left out of the tests.
func TestEveryScriptRuns(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "script", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name, _, _ := strings.Cut(strings.TrimSuffix(filepath.Base(f), ".txtar"), "_")
		if findCommand(name) == nil {
			t.Errorf("%s is the script of no command", f)
		}
	}
}

func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad exit code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace FILE OLD NEW")
	}
	name := ts.MkAbs(args[0])
	data, err := os.ReadFile(name)
	ts.Check(err)
	old, nw := unquoteEscapes(args[1]), unquoteEscapes(args[2])
	if !strings.Contains(string(data), old) {
		ts.Fatalf("replace: %s does not contain %q", args[0], old)
	}
	ts.Check(os.WriteFile(name, []byte(strings.Replace(string(data), old, nw, 1)), 0o644))
}

// unquoteEscapes turns \n and \t in a script argument into a newline and a
// tab, and \xHH into the byte HH (such as \xff, which is not UTF-8).
func unquoteEscapes(s string) string {
	s = strings.NewReplacer(`\n`, "\n", `\t`, "\t").Replace(s)
	return hexEscape.ReplaceAllStringFunc(s, func(m string) string {
		b, _ := strconv.ParseUint(m[2:], 16, 8)
		return string([]byte{byte(b)})
	})
}

var hexEscape = regexp.MustCompile(`\\x[0-9a-fA-F]{2}`)

func cmdBigfile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: bigfile FILE SIZE")
	}
	size, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("bigfile: bad size %q", args[1])
	}
	head := `{"id": "mt-big", "vendor": "V", "category": "mobile_terminal", "measurements": {}, "name": "`
	tail := `"}`
	pad := max(size-len(head)-len(tail), 0)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(head+strings.Repeat("x", pad)+tail), 0o644))
}

// fullWriter is a writer that fails as a full disk does.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) {
	return 0, &fs.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}
}

// TestLostOutput: every command whose output cannot be written exits 2 and
// says so on stderr, whatever it would have exited with.
func TestLostOutput(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"eval"}, {"eval", "--format", "json"}, {"eval", "--format", "csv"},
		{"check", "fixtures/devices/mobile_terminal"}, {"check", "--format", "json", "fixtures/devices/speaker"},
		{"diff"}, {"diff", "--stat"}, {"diff", "--format", "md"}, {"diff", "--format", "json"}, {"diff", "--color", "always"},
		{"vet"}, {"gen", "--n", "3"}, {"init", filepath.Join(dir, "ws")}, {"help"}, {"help", "diff"}, {"--help"},
		{"eval", "--help"}, {"check", "--help"}, {"diff", "--help"}, {"vet", "--help"}, {"gen", "--help"}, {"init", "--help"},
	} {
		var stderr bytes.Buffer
		code := newEnv(fullWriter{}, &stderr, false).run(args)
		prog := strings.TrimSpace("ladder " + map[bool]string{true: args[0]}[!strings.HasPrefix(args[0], "-")])
		if want := prog + ": writing the output: no space left on device\n"; code != exitUsage || !strings.HasSuffix(stderr.String(), want) {
			t.Errorf("ladder %s to a full disk: exit %d, stderr %q; want exit 2 and %q", strings.Join(args, " "), code, stderr.String(), want)
		}
	}
	// A message that cannot be written: exit 2 still.
	if code := newEnv(io.Discard, fullWriter{}, false).run([]string{"eval", "--nonsense"}); code != exitUsage {
		t.Errorf("a usage error written to a full disk: exit %d, want 2", code)
	}
}

// TestDataOnATerminal: JSON, CSV and JSON Lines are the data exact in a
// file or a pipe; on a terminal, which a person reads, every control that
// they would carry to it is made visible.
func TestDataOnATerminal(t *testing.T) {
	dir := t.TempDir()
	evil := filepath.Join(dir, "evil.json")
	record := `{"id": "mt-evil", "name": "Evil \u001b]52;c;ZXZpbA==\u0007", "vendor": "Evil\u009b2J \u202eCorp\u007f",
 "category": "mobile_terminal", "measurements": {}}`
	if err := os.WriteFile(evil, []byte(record), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"eval", "--corpus", evil, "--format", "csv"},
		{"eval", "--corpus", evil, "--format", "json"},
		{"check", evil, "--format", "json"},
		{"gen", "--n", "50", "--corpus", evil, "--rev", "gbz177-2026"},
	} {
		for _, terminal := range []bool{false, true} {
			var stdout, stderr bytes.Buffer
			newEnv(&stdout, &stderr, terminal).run(args)
			out := stdout.String()
			obeyed := strings.ContainsAny(out, "\x1b\x07\x7f\u009b\u202e")
			switch {
			case !strings.Contains(out, "Evil"):
				t.Errorf("ladder %s: no device in\n%s%s", strings.Join(args, " "), out, stderr.String())
			case terminal && obeyed:
				t.Errorf("ladder %s on a terminal: a control reaches it:\n%q", strings.Join(args, " "), out)
			case !terminal && !obeyed:
				t.Errorf("ladder %s to a file: the data is not exact:\n%q", strings.Join(args, " "), out)
			}
		}
	}
}
