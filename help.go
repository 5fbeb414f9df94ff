package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

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

// usageLine is the command's synopsis, such as "ladder init DIR".
func (c *command) usageLine() string {
	return strings.Join(strings.Fields("ladder "+c.name+" "+c.args), " ")
}

// printUsage prints the usage of ladder: what it is, its commands and its
// exit codes.
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
cue/revisions). The default is the nearest directory at or above the
current one that is a workspace, else the built-in standard.

Exit codes: 0 yes or nothing to report, 1 no (findings, a device below
--target), 2 bad input or usage.
Run "ladder help COMMAND" for more about a command.
`)
}

// printCommandHelp prints a command's usage line, description and flags.
func printCommandHelp(w io.Writer, cmd *command) {
	fmt.Fprintf(w, "Usage: %s\n\n%s.\n", cmd.usageLine(), strings.ToUpper(cmd.summary[:1])+cmd.summary[1:])
	if cmd.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(cmd.help))
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	cmd.flags(fs, &env{stdout: io.Discard, stderr: io.Discard})
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprintln(w, "\nFlags:")
			first = false
		}
		name, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s %s\n      %s\n", f.Name, name, usage)
	})
}
