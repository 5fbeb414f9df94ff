package spec

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// physicalMemory returns the machine's memory in bytes, or 0 if it is not
// known.
func physicalMemory() int64 {
	var info syscall.Sysinfo_t
	if err := syscall.Sysinfo(&info); err != nil {
		return 0
	}
	return int64(info.Totalram) * int64(info.Unit)
}

// selfExecutable returns the path by which this process's binary can be
// started again: /proc/self/exe, which is the same binary even if a new
// version has replaced it on disk since.
func selfExecutable() (string, error) {
	const self = "/proc/self/exe"
	if _, err := os.Stat(self); err == nil {
		return self, nil
	}
	return os.Executable()
}

// limitAddressSpace limits the process's address space to what it maps now
// and twice limit, as a backstop to the watch on memory that a single huge
// allocation could outrun: past it, the Go runtime fails with "out of
// memory". It returns the function that lifts the limit.
func limitAddressSpace(limit int64) (restore func()) {
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &old); err != nil {
		return func() {}
	}
	size := mappedSize()
	if size <= 0 {
		return func() {}
	}
	soft := uint64(size + 2*limit)
	if soft > old.Max {
		return func() {}
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: soft, Max: old.Max}); err != nil {
		return func() {}
	}
	return func() { syscall.Setrlimit(syscall.RLIMIT_AS, &old) }
}

// mappedSize returns the size of the process's address space (VmSize), or
// 0 if it is not known.
func mappedSize() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmSize:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
