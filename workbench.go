package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/ladderworks/ladder/spec"
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
corpus, in seven views: Spec, Impact, Diff, Corpus, Device, Edit, where
the working revision's CUE is edited with every change evaluated at once,
and Problems, which lists compile errors, vet's findings and the device
records that are not graded. --base may name a revision in git (ID@REV).
Press ? in it for the keys. Devices given with --corpus are added to the reference corpus
for the session, marked as yours, and never written anywhere.

It needs a terminal; without one it prints this usage and exits 2. SIGTERM,
SIGHUP and SIGINT end it once its unsaved edits are in the journal (offered
back at the next start), with exit 128 plus the signal's number: 143, 129, 130.`,
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

// workbench runs the workbench in the terminal until the user quits.
func workbench(e *env, dir, base, rev string, corpus []string) int {
	cfg, err := workbenchConfig(dir, base, rev, corpus)
	if err != nil {
		return e.errorf("%v", err)
	}
	if !isTerminal(os.Stdin) || !e.terminal {
		fmt.Fprintln(e.stderr, "ladder: the workbench needs a terminal; use a command instead:")
		fmt.Fprintln(e.stderr)
		printUsage(e.stderr)
		return exitUsage
	}
	app := tui.New(cfg)
	// The workbench handles the signals that end it itself: Bubble Tea's
	// own handler would end it with its unsaved edits unjournaled.
	p := tea.NewProgram(app, tea.WithOutput(e.raw), tea.WithoutSignalHandler())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, endSignals...)
	// Until the workbench returns, a second signal is ignored rather than
	// ending it before its journal is written.
	defer signal.Stop(sigs)
	ran, forwarded := make(chan struct{}), make(chan struct{})
	var got os.Signal
	go func() {
		defer close(forwarded)
		select {
		case got = <-sigs:
			p.Send(tui.Signal{Signal: got})
		case <-ran:
		}
	}()
	_, err = p.Run()
	close(ran)
	<-forwarded
	// A signal that came as the program was ending anyway (a hangup ends
	// its input too) ends it as one that the workbench took.
	if sig := cmp.Or(app.Signalled(), got); sig != nil {
		return e.signalled(app, sig)
	}
	if err != nil {
		// The terminal is gone, say: the edits are kept all the same.
		if kept, ferr := app.FlushJournal(); len(kept) > 0 || ferr != nil {
			fmt.Fprintf(e.stderr, "%s: %s\n", e.prog(), keptEdits(kept, ferr))
		}
		return e.errorf("%v", err)
	}
	if err := app.StartError(); err != nil {
		return e.startError(err)
	}
	return exitOK
}

// endSignals are the signals that end the workbench once it has written
// every unsaved edit to the journal.
var endSignals = []os.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT}

// signalNames name the signals that end the workbench in its messages.
var signalNames = map[os.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGHUP: "SIGHUP", syscall.SIGINT: "SIGINT"}

// signalled ends the workbench after a signal: it writes every unsaved
// edit to the journal, says so on one line of stderr, and returns 128 plus
// the signal's number (129 SIGHUP, 130 SIGINT, 143 SIGTERM), as a shell
// reports a program that a signal ended.
func (e *env) signalled(app *tui.App, sig os.Signal) int {
	code := exitUsage
	if n, ok := sig.(syscall.Signal); ok {
		code = 128 + int(n)
	}
	kept, err := app.FlushJournal()
	if len(kept) == 0 && err == nil {
		fmt.Fprintf(e.stderr, "%s: ended by %s; there were no unsaved edits\n", e.prog(), signalNames[sig])
		return code
	}
	fmt.Fprintf(e.stderr, "%s: ended by %s: %s\n", e.prog(), signalNames[sig], keptEdits(kept, err))
	return code
}

// keptEdits says, on one line, which unsaved edits the journal kept for
// the next start, and which it could not.
func keptEdits(kept []string, err error) string {
	var parts []string
	if len(kept) > 0 {
		parts = append(parts, fmt.Sprintf("the unsaved edits of %s are kept in the journal and will be offered at the next start", strings.Join(kept, ", ")))
	}
	if err != nil {
		parts = append(parts, "some unsaved edits could NOT be kept: "+strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return strings.Join(parts, "; ")
}

// startError prints why the workbench could not start, with every CUE
// error at its position when a revision does not compile, and returns
// exitUsage.
func (e *env) startError(err error) int {
	var le *spec.LoadError
	if errors.As(err, &le) {
		fmt.Fprintf(e.stderr, "%s: the workbench cannot start:\n", e.prog())
		return e.revisionError(err)
	}
	return e.errorf("the workbench cannot start: %v", err)
}

// workbenchConfig is the workbench on the workspace that dir names (see
// spec.Open), comparing the revisions named, with the user's own devices,
// which must exist.
func workbenchConfig(dir, base, rev string, corpus []string) (tui.Config, error) {
	ws, err := spec.Open(dir, builtin)
	if err != nil {
		return tui.Config{}, err
	}
	for _, p := range corpus {
		if _, err := os.Stat(p); err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return tui.Config{}, fmt.Errorf("reading corpus %s: %w", p, err)
		}
	}
	return tui.Config{Workspace: ws, Builtin: builtin, Corpus: corpus, Base: base, Working: rev, Timeout: loadTimeout, Remember: true,
		FirstFrames: firstFrames()}, nil
}

// firstFrames is where the workbench keeps the first frame of each start,
// to show at the next start on the same files: in the user's cache
// directory, never in a workspace, which may come from elsewhere; "" where
// there is none.
func firstFrames() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "ladder", "firstframe")
}
