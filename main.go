// Command ladder is a workbench for drafting capability-ladder standards:
// standards that grade products into levels by machine-checkable criteria,
// written in CUE. Its built-in standard is GB/Z 177—2026, the intelligence
// grading of AI terminals.
//
// Run `ladder help` for the commands.
package main

import (
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// builtin holds the built-in standard and its reference corpus, laid out as
// a workspace, so that the binary works anywhere.
//
//go:embed cue fixtures/devices
var builtin embed.FS

// Exit codes, the same for every command.
const (
	exitOK    = 0 // the answer is yes, or there is nothing to report
	exitNo    = 1 // the answer is no: findings, a check below target
	exitUsage = 2 // bad input or usage; a message on stderr says why
)

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

// usageLine is the command's synopsis, such as "ladder init DIR".
func (c *command) usageLine() string {
	return strings.Join(strings.Fields("ladder "+c.name+" "+c.args), " ")
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `Ladder is a workbench for drafting capability-ladder standards in CUE.
Its built-in standard is GB/Z 177—2026, "Intelligence grading of AI
terminals"; every threshold in it is illustrative, not the standard's.

Usage:
  ladder [--base ID] [--rev ID] [--corpus PATH]...
                          the workbench (in a terminal; ? shows its keys)
`)
	for _, c := range commands {
		if u := c.usageLine(); len(u) <= 23 {
			fmt.Fprintf(w, "  %-23s %s\n", u, c.summary)
		} else {
			fmt.Fprintf(w, "  %s\n  %-23s %s\n", u, "", c.summary)
		}
	}
	fmt.Fprint(w, `
Every command takes --workspace DIR: the workspace to use (a directory with
cue/revisions). The default is the current directory if it is one, else the
built-in standard.

Exit codes: 0 yes or nothing to report, 1 no (findings, a device below
--target), 2 bad input or usage.
Run "ladder help COMMAND" for more about a command.
`)
}

func printCommandHelp(w io.Writer, cmd *command) {
	fmt.Fprintf(w, "Usage: %s\n\n%s.\n", cmd.usageLine(), strings.ToUpper(cmd.summary[:1])+cmd.summary[1:])
	if cmd.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(cmd.help))
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	cmd.flags(fs, &env{stdout: io.Discard, stderr: io.Discard})
	if n := countFlags(fs); n > 0 {
		fmt.Fprintln(w, "\nFlags:")
		fs.VisitAll(func(f *flag.Flag) {
			name, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(w, "  --%s %s\n      %s\n", f.Name, name, usage)
		})
	}
}

func countFlags(fs *flag.FlagSet) int {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n
}

var helpCommand = &command{
	name:    "help",
	args:    "[COMMAND]",
	summary: "show this text, or the help of a command",
	flags: func(fs *flag.FlagSet, e *env) func([]string) int {
		return func(args []string) int {
			switch len(args) {
			case 0:
				printUsage(e.stdout)
				return exitOK
			case 1:
				cmd := findCommand(args[0])
				if cmd == nil {
					return e.errorf("unknown command %q", args[0])
				}
				printCommandHelp(e.stdout, cmd)
				return exitOK
			default:
				return e.errorf("give at most one command")
			}
		}
	},
}
