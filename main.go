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
	"github.com/ladderworks/ladder/spec/termtext"
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
//
// Text from data never reaches the terminal as control sequences (see
// spec/termtext): stdout and stderr pass what is written through a
// termtext.Writer, which makes every control visible, but a data format
// (JSON, CSV, JSON Lines) that does not go to a terminal, which is written
// exact (data), and diff's colored text, which its writer makes safe field
// by field. Every write is checked: when one fails, the command exits 2
// and says so on stderr, whatever it would have exited with (finish).
type env struct {
	// stdout and stderr are for text: what is written is made safe for a
	// terminal.
	stdout io.Writer
	stderr io.Writer
	// out and errOut are stdout and stderr as given, keeping the first
	// error of a write; raw is stdout as given, for the workbench, which
	// needs the terminal itself.
	out, errOut *checkedWriter
	raw         io.Writer
	// terminal is set when stdout is a terminal, errTerminal when stderr
	// is (for a progress line).
	terminal    bool
	errTerminal bool
	name        string
	// now tells the time, for a progress line; nil means time.Now.
	now func() time.Time
}

// newEnv returns the env of a command that writes to stdout and stderr;
// terminal says whether stdout is a terminal.
func newEnv(stdout, stderr io.Writer, terminal bool) *env {
	out, errOut := &checkedWriter{w: stdout}, &checkedWriter{w: stderr}
	return &env{
		stdout: termtext.NewWriter(out), stderr: termtext.NewWriter(errOut),
		out: out, errOut: errOut, raw: stdout, terminal: terminal,
	}
}

// data returns where a command writes a data format (JSON, CSV, JSON
// Lines): stdout as given, so that a program or a file gets the data
// exact, or, when stdout is a terminal, which a person reads, stdout as
// text, every control made visible.
func (e *env) data() io.Writer {
	if e.terminal {
		return e.stdout
	}
	return e.out
}

// checkedWriter is a writer that keeps the first error of a write, and
// writes nothing after it.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err != nil {
		c.err = err
	}
	return n, err
}

// finish ends a command that exited with code: it writes what the text
// writers hold, and exits 2, saying why on stderr, when a write to stdout
// failed (the output is lost: "ladder check: writing the output: no space
// left on device"), or silently when one to stderr did.
func (e *env) finish(code int) int {
	for _, w := range []io.Writer{e.stdout, e.stderr} {
		if tw, ok := w.(*termtext.Writer); ok {
			tw.Flush()
		}
	}
	if e.out.err != nil {
		fmt.Fprintf(e.stderr, "%s: writing the output: %v\n", e.prog(), writeCause(e.out.err))
		code = exitUsage
	}
	if e.errOut.err != nil {
		code = exitUsage
	}
	return code
}

// writeCause is why a write failed, without the file's name, such as "no
// space left on device".
func writeCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// outputError is what a command returns when writing its output failed
// with err: exit 2, with a message on stderr, which finish prints for a
// write to stdout that failed.
func (e *env) outputError(err error) int {
	if e.out.err != nil {
		return exitUsage
	}
	return e.errorf("writing the output: %v", err)
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
func run(args []string, stdout, stderr io.Writer) int {
	e := newEnv(stdout, stderr, isTerminal(stdout))
	e.errTerminal = isTerminal(stderr)
	return e.run(args)
}

// run runs ladder with the given arguments and returns its exit code.
func (e *env) run(args []string) (code int) {
	defer func() { code = e.finish(code) }()
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
		printUsage(e.stdout)
		return exitOK
	}
	cmd := findCommand(name)
	if cmd == nil {
		fmt.Fprintf(e.stderr, "ladder: unknown command %q\n\n", name)
		printUsage(e.stderr)
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
	var me *spec.ModuleError
	if errors.As(err, &me) {
		return nil, nil, e.errorf("%v", err)
	}
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

// noteStandIn says on stderr, when the revision a command meant by default
// (the newest with the first of statuses that has one) does not compile,
// why, and which revision stands in for it: "revision X does not compile
// (file:line:col: …); graded under Y", verb being "graded under". It
// returns the ID of the revision named, or "".
func (e *env) noteStandIn(std *spec.Standard, rev *spec.Revision, verb string, statuses ...string) string {
	id, err := std.Meant(rev, statuses...)
	if id != "" {
		fmt.Fprintf(e.stderr, "%s: %s; %s %s\n", e.prog(), spec.Summary(err), verb, rev.ID)
	}
	return id
}

// noteBroken names on stderr each revision that does not compile, but
// skip: records were refused under rev, and one may hold a measurement
// that only a revision that does not compile defines.
func (e *env) noteBroken(std *spec.Standard, rev *spec.Revision, verb, skip string) {
	for _, id := range std.IDs {
		if err := std.Broken[id]; err != nil && id != skip {
			fmt.Fprintf(e.stderr, "%s: %s; %s %s without it: a measurement that only it defines counts as unknown until it compiles\n", e.prog(), spec.Summary(err), verb, rev.ID)
		}
	}
}

// invalidRecords prints the problems of a corpus on stderr, as
// file:line:col: message (the first report.ShownProblems; then how many
// more each file holds), then a line that counts them all and ends with
// tail, and returns exitUsage.
func (e *env) invalidRecords(problems []*fixtures.Problem, tail string) int {
	report.WriteProblems(e.stderr, problems)
	n := fixtures.CountProblems(problems)
	return e.errorf("%d %s %s", n, report.Plural(n, "problem", "problems"), tail)
}
