package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/tui"
)

// workbenchCommand starts the workbench; `ladder` with no command, or with
// only its flags, runs it.
var workbenchCommand = &command{
	name:    "",
	args:    "[--base ID] [--rev ID] [--corpus PATH]...",
	summary: "the workbench: browse the standard, see the impact, read the diff, explain a device",
	help: `
The workbench compares a base revision (by default the newest published one)
with a working revision (by default the newest draft) on the reference
corpus, in six views: Spec, Impact, Diff, Corpus, Device and Edit, where
the working revision's CUE is edited with every change evaluated at once.
Press ? in it for the keys. Devices given with --corpus are added to the reference corpus
for the session, marked as yours, and never written anywhere.

It needs a terminal; without one it prints this usage and exits 2.`,
	flags: func(fs *flag.FlagSet, e *env) func([]string) int {
		base := fs.String("base", "", "compare against the revision `ID` (default: the newest published)")
		rev := fs.String("rev", "", "work on the revision `ID` (default: the newest draft)")
		var corpus stringList
		fs.Var(&corpus, "corpus", "add your own devices in `PATH`, a file or directory (repeatable)")
		dir := workspaceFlag(fs)
		return func(args []string) int {
			if len(args) > 0 {
				fmt.Fprintf(e.stderr, "ladder: unknown command %q\n\n", args[0])
				printUsage(e.stderr)
				return exitUsage
			}
			return workbench(e, *dir, *base, *rev, corpus)
		}
	},
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

func workbench(e *env, dir, base, rev string, corpus []string) int {
	ws, err := openWorkspace(dir)
	if err != nil {
		return e.errorf("%v", err)
	}
	for _, p := range corpus {
		if _, err := os.Stat(p); err != nil {
			return e.errorf("reading corpus %s: %v", p, unwrapStat(err))
		}
	}
	if !isTerminal(os.Stdin) || !isTerminal(e.stdout) {
		fmt.Fprintln(e.stderr, "ladder: the workbench needs a terminal; use a command instead:")
		fmt.Fprintln(e.stderr)
		printUsage(e.stderr)
		return exitUsage
	}
	cfg := workbenchConfig(ws, corpus)
	cfg.Base, cfg.Working = base, rev
	p := tea.NewProgram(tui.New(cfg), tea.WithOutput(e.stdout))
	if _, err := p.Run(); err != nil {
		return e.errorf("%v", err)
	}
	return exitOK
}

// workbenchConfig is the workbench on a workspace, with the user's own
// devices.
func workbenchConfig(ws *workspace, corpus []string) tui.Config {
	theirs := make([]string, len(corpus))
	for i, p := range corpus {
		theirs[i] = filepath.Clean(p)
	}
	return tui.Config{
		FS:       ws.fsys,
		Root:     ws.root(),
		Dir:      ws.dir,
		Describe: ws.describe(),
		Devices: func() (*fixtures.Corpus, error) {
			return ws.loadCorpusWith(true, corpus)
		},
		Theirs: func(file string) bool {
			for _, p := range theirs {
				if file == p || strings.HasPrefix(file, p+string(filepath.Separator)) {
					return true
				}
			}
			return false
		},
		Timeout:       loadTimeout,
		InitWorkspace: writeBuiltin,
		Reopen: func(dir string) (tui.Config, error) {
			next, err := openWorkspace(dir)
			if err != nil {
				return tui.Config{}, err
			}
			return workbenchConfig(next, corpus), nil
		},
	}
}

func unwrapStat(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
