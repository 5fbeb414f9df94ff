// Command ladder is a workbench for drafting capability-ladder standards:
// standards that grade products into levels by machine-checkable criteria,
// written in CUE. Its built-in standard is GB/Z 177—2026, the intelligence
// grading of AI terminals.
//
// Each command has a file of its own, named after it (eval.go, check.go,
// diff.go, vet.go, gen.go, init.go, help.go, and workbench.go for ladder
// with no command), which holds its flags, help and exit codes and nothing
// that another front end needs: the work is done by the packages under
// spec/, evaluator/, fixtures/ and tui/. Run `ladder help` for the commands.
package main

import (
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ladderworks/ladder/evaluator/report"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// embedded holds the built-in standard and its reference corpus, laid out
// as a workspace, so that the binary works anywhere.
//
//go:embed cue fixtures/devices
var embedded embed.FS

// builtin is the built-in standard as a workspace's file system.
var builtin fs.FS = embedded

// starterFiles holds the starting point of a new standard (ladder init
// --empty): one category of three levels and a small corpus, laid out as
// a workspace under starter/.
//
//go:embed starter
var starterFiles embed.FS

// starter is the starting point of a new standard as a workspace's file
// system.
var starter = mustSub(starterFiles, "starter")

// mustSub returns the subtree of an embedded file system, which is there by
// construction.
func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // the go:embed directive guarantees the directory
	}
	return sub
}

// Exit codes, the same for every command.
const (
	exitOK    = 0 // the answer is yes, or there is nothing to report
	exitNo    = 1 // the answer is no: findings, a check below target
	exitUsage = 2 // bad input or usage; a message on stderr says why
)

// loadTimeout bounds the compilation of one revision by the commands; vet
// has a flag for it.
const loadTimeout = 30 * time.Second

// command is one subcommand of ladder.
type command struct {
	name    string
	args    string
	summary string
	// help is the long description shown by `ladder help NAME`.
	help string
	// flags declares the command's flags on fs and returns the function that
	// runs it with the positional arguments.
	flags func(fs *flag.FlagSet, env *env) func(args []string) int
}

// commands lists every subcommand in the order of the usage text. It is set
// in init because the help command refers to it.
var commands []*command

func init() {
	commands = []*command{evalCommand, checkCommand, diffCommand, vetCommand, genCommand, initCommand, helpCommand}
}

// env is what a command runs with: where its output goes, and the name of
// the command for messages.
type env struct {
	stdout io.Writer
	stderr io.Writer
	name   string
}

// errorf prints a message for the user on stderr, headed by the command's
// name, and returns exitUsage.
func (e *env) errorf(format string, args ...any) int {
	fmt.Fprintf(e.stderr, "%s: "+format+"\n", append([]any{e.prog()}, args...)...)
	return exitUsage
}

// prog is how messages name the running command, such as "ladder vet".
func (e *env) prog() string {
	return strings.TrimSpace("ladder " + e.name)
}

func main() {
	// Revisions are compiled by a child process first, this binary started
	// again, which is stopped when it takes too long or too much memory.
	spec.RunGuardIfChild()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs ladder with the given arguments and returns its exit code.
func run(args []string, stdout, stderr io.Writer) (code int) {
	e := &env{stdout: stdout, stderr: stderr}
	defer func() {
		if r := recover(); r != nil {
			code = e.errorf("internal error: %v\nThis is a bug in Ladder; please report it with the command you ran.", r)
		}
	}()
	if len(args) == 0 || (strings.HasPrefix(args[0], "-") && !slices.Contains([]string{"-h", "-help", "--help"}, args[0])) {
		// No command, or only flags: the workbench.
		return runCommand(workbenchCommand, e, args)
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		printUsage(stdout)
		return exitOK
	}
	cmd := findCommand(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "ladder: unknown command %q\n\n", name)
		printUsage(stderr)
		return exitUsage
	}
	e.name = cmd.name
	return runCommand(cmd, e, args[1:])
}

// findCommand returns the command with the given name, or nil.
func findCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// runCommand parses a command's flags, which may come before, between or
// after its positional arguments (everything after "--" is positional), and
// runs it.
func runCommand(cmd *command, e *env, args []string) int {
	fs := flag.NewFlagSet("ladder "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	runFn := cmd.flags(fs, e)
	var positional, rest []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, rest = args[:i], args[i+1:]
	}
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printCommandHelp(e.stdout, cmd)
				return exitOK
			}
			fmt.Fprintf(e.stderr, "%s: %v\nUsage: %s\nRun \"%s\" for more.\n", e.prog(), err, cmd.usageLine(), strings.TrimSpace("ladder help "+cmd.name))
			return exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return runFn(append(positional, rest...))
}

// stringList is a flag that may be given many times.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ", ") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// workspaceFlag declares the --workspace flag common to every command.
func workspaceFlag(fs *flag.FlagSet) *string {
	return fs.String("workspace", "", "work on the workspace in `DIR` (default: the nearest directory at or above the current one that holds cue/revisions, else the built-in standard)")
}

// formatFlag declares a --format flag with the given choices, the first
// being the default.
func formatFlag(fs *flag.FlagSet, choices ...string) *string {
	return fs.String("format", choices[0], "print `FORMAT`: "+strings.Join(choices, ", "))
}

// checkFormat refuses a --format that is not one of the choices.
func (e *env) checkFormat(format string, choices ...string) int {
	if !slices.Contains(choices, format) {
		return e.errorf("unknown --format %q; want one of %s", format, strings.Join(choices, ", "))
	}
	return exitOK
}

// loadStandard opens the workspace (see spec.Open) and loads every revision
// of it. A revision that does not load is only an error when a command asks
// for it.
func (e *env) loadStandard(dir string) (*spec.Workspace, *spec.Standard, int) {
	ws, err := spec.Open(dir, builtin)
	if err != nil {
		return nil, nil, e.errorf("%v", err)
	}
	std, err := ws.LoadAll(loadTimeout)
	if err != nil {
		return nil, nil, e.errorf("%s: %v", ws.Describe(), err)
	}
	return ws, std, exitOK
}

// revisionError prints why a revision cannot be had, every CUE error at its
// position where it does not compile, and returns exitUsage.
func (e *env) revisionError(err error) int {
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		for _, one := range joined.Unwrap() {
			e.revisionError(one)
		}
		return exitUsage
	}
	var le *spec.LoadError
	if !errors.As(err, &le) {
		return e.errorf("%v", err)
	}
	for _, ce := range le.Errs {
		fmt.Fprintln(e.stderr, ce)
		for _, p := range ce.Related {
			fmt.Fprintf(e.stderr, "\t%s\n", p)
		}
	}
	return e.errorf("revision %s does not compile (%d %s)", le.Revision, len(le.Errs), report.Plural(len(le.Errs), "error", "errors"))
}

// invalidRecords prints each problem of a corpus on stderr, as
// file:line:col: message, then a line that counts them and ends with
// tail, and returns exitUsage.
func (e *env) invalidRecords(problems []*fixtures.Problem, tail string) int {
	for _, p := range problems {
		fmt.Fprintln(e.stderr, p.Error())
	}
	return e.errorf("%d %s %s", len(problems), report.Plural(len(problems), "problem", "problems"), tail)
}
