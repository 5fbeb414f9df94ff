//go:build !linux

package spec

import "os"

// physicalMemory returns the machine's memory in bytes, or 0 if it is not
// known.
func physicalMemory() int64 { return 0 }

// selfExecutable returns the path of this process's binary.
func selfExecutable() (string, error) { return os.Executable() }

// limitAddressSpace limits the address space on Linux only; elsewhere the
// watch on memory is the only limit.
func limitAddressSpace(int64) (restore func()) { return func() {} }
