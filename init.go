package main

import (
	"flag"
	"fmt"
	"io/fs"

	"github.com/ladderworks/ladder/spec"
)

var initCommand = &command{
	name:    "init",
	args:    "[--empty] DIR",
	summary: "write the built-in standard and corpus to DIR, as a workspace to edit",
	help: `
Init writes the built-in standard (the CUE module under cue/, with every
revision) and its reference corpus (fixtures/devices/) into DIR, which must
be new or empty. Run ladder inside DIR, or with --workspace DIR, to work on
it.

With --empty, init writes instead the starting point of a new standard of
any kind: one draft revision (draft-1) with one category of three levels, a
few criteria and a small corpus, which vet, eval and the workbench accept.
Rename and extend it: categories, levels (L1 up to L9), families, elements
and measurements are all the revision's own.`,
	flags: func(fs *flag.FlagSet, e *env) func([]string) int {
		empty := fs.Bool("empty", false, "write the starting point of a new standard instead of the built-in one")
		return func(args []string) int {
			if len(args) != 1 {
				return e.errorf("give one directory, such as: ladder init my-standard")
			}
			if *empty {
				return initWorkspace(e, args[0], starter, "the starting point of a new standard, with a small corpus,")
			}
			return initWorkspace(e, args[0], builtin, "the built-in standard and its reference corpus")
		}
	},
}

// initWorkspace writes a standard to dir as a workspace.
func initWorkspace(e *env, dir string, fsys fs.FS, what string) int {
	if err := spec.Init(dir, fsys); err != nil {
		return e.errorf("%v", err)
	}
	fmt.Fprintf(e.stdout, "Wrote %s to %s.\nCheck it with: ladder vet --workspace %s\nGrade the corpus with: ladder eval --workspace %s\n", what, dir, dir, dir)
	return exitOK
}
