package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ladderworks/ladder/fixtures"
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

func initWorkspace(e *env, dir string) int {
	if err := writeBuiltin(dir); err != nil {
		return e.errorf("%v", err)
	}
	fmt.Fprintf(e.stdout, "Wrote the built-in standard and its reference corpus to %s.\nCheck it with: ladder vet --workspace %s\nGrade the corpus with: ladder eval --workspace %s\n", dir, dir, dir)
	return exitOK
}

// prepareEmptyDir makes sure dir exists and is empty, and reports whether it
// created it.
// writeBuiltin writes the built-in standard and its reference corpus to a
// new or empty directory, leaving nothing half-written when it fails.
func writeBuiltin(dir string) error {
	created, err := prepareEmptyDir(dir)
	if err != nil {
		return err
	}
	for _, root := range []string{"cue", fixtures.DevicesDir} {
		if err := copyTree(builtin, root, dir); err != nil {
			if created {
				os.RemoveAll(dir)
			} else {
				os.RemoveAll(filepath.Join(dir, "cue"))
				os.RemoveAll(filepath.Join(dir, "fixtures"))
			}
			return err
		}
	}
	return nil
}

func prepareEmptyDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return false, fmt.Errorf("creating %s: %w", dir, err)
		}
		return true, nil
	case err != nil:
		return false, fmt.Errorf("%s: %w", dir, err)
	case len(entries) > 0:
		return false, fmt.Errorf("%s is not empty; give a new or empty directory", dir)
	}
	return false, nil
}

// copyTree writes the tree under root in fsys to the directory dst, keeping
// its relative paths.
func copyTree(fsys fs.FS, root, dst string) error {
	return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dst, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", target, err)
		}
		return nil
	})
}
