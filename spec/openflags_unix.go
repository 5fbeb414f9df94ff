//go:build unix

package spec

import "syscall"

// openFlags are added to the flags of every file opened in a workspace on
// disk: should a file be swapped for a named pipe or a terminal between
// its stat and its open, the open neither blocks nor makes it the
// process's controlling terminal, and the check after it refuses it.
const openFlags = syscall.O_NONBLOCK | syscall.O_NOCTTY
