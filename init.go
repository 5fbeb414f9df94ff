package main

import (
	"flag"
	"fmt"

	"github.com/ladderworks/ladder/spec"
)

var initCommand = &command{
	name:    "init",
	args:    "DIR",
	summary: "write the built-in standard and corpus to DIR, as a workspace to edit",
	help: `
Init writes the built-in standard (the CUE module under cue/, with every
revision) and its reference corpus (fixtures/devices/) into DIR, which must
be new or empty. Run ladder inside DIR, or
with --workspace DIR, to work on it.`,
	flags: func(fs *flag.FlagSet, e *env) func([]string) int {
		return func(args []string) int {
			if len(args) != 1 {
				return e.errorf("give one directory, such as: ladder init my-standard")
			}
			return initWorkspace(e, args[0])
		}
	},
}

// initWorkspace writes the built-in standard to dir as a workspace.
func initWorkspace(e *env, dir string) int {
	if err := spec.Init(dir, builtin); err != nil {
		return e.errorf("%v", err)
	}
	fmt.Fprintf(e.stdout, "Wrote the built-in standard and its reference corpus to %s.\nCheck it with: ladder vet --workspace %s\nGrade the corpus with: ladder eval --workspace %s\n", dir, dir, dir)
	return exitOK
}
