//go:build !unix

package spec

// openFlags are added to the flags of every file opened in a workspace on
// disk; on Unix they keep an open from blocking on a named pipe.
const openFlags = 0
