package spec

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"time"
)

// guardSpaces is how many of its parent's workspaces a guard remembers.
const guardSpaces = 4

// guardSampling is how often a guard looks at its memory while it compiles.
const guardSampling = 5 * time.Millisecond

// inGuard reports that this process is a compile guard: its loads compile
// in the process, since it is the one that may blow up.
var inGuard bool

// serveGuard answers its parent's requests on standard input and output
// until its input ends, and returns the exit code.
func serveGuard() int {
	inGuard = true
	// A guard only compiles, and its memory is watched: it collects its
	// garbage less often than the default, which makes a compilation a
	// third faster; the memory limit that watch sets still holds.
	debug.SetGCPercent(400)
	// Nothing but the replies may reach the parent's pipe.
	protocol := os.Stdout
	os.Stdout = os.Stderr
	buf := bufio.NewWriter(protocol)
	enc := gob.NewEncoder(buf)
	if err := enc.Encode(guardHello{Token: guardToken}); err != nil {
		return 1
	}
	if err := buf.Flush(); err != nil {
		return 1
	}
	// Requests are read apart from the compilations, so that the guard
	// exits at once when its parent does, even in the middle of one.
	requests := make(chan *guardRequest)
	go func() {
		dec := gob.NewDecoder(bufio.NewReader(os.Stdin))
		for {
			req := new(guardRequest)
			if err := dec.Decode(req); err != nil {
				os.Exit(0)
			}
			requests <- req
		}
	}()
	var spaces []*guardSpace
	for req := range requests {
		i := slices.IndexFunc(spaces, func(s *guardSpace) bool { return s.id == req.Workspace && s.ws.root == req.Root })
		var space *guardSpace
		if i >= 0 {
			space = spaces[i]
			spaces = slices.Delete(spaces, i, i+1)
		} else {
			space = &guardSpace{id: req.Workspace, ws: &Workspace{root: req.Root}}
		}
		spaces = append(spaces, space)
		if len(spaces) > guardSpaces {
			spaces = spaces[1:]
		}
		reply := space.compile(req)
		if err := enc.Encode(reply); err != nil {
			return 1
		}
		if err := buf.Flush(); err != nil {
			return 1
		}
	}
	return 0
}

// guardSpace is a guard's copy of one of its parent's workspaces: the same
// revisions compiled, with what the workspace remembers of them.
type guardSpace struct {
	id uint64
	ws *Workspace
}

// compile compiles a revision as the parent's Load would, within the
// request's limits, beyond which the guard exits.
func (s *guardSpace) compile(req *guardRequest) (reply guardReply) {
	files := make(map[string]*snapFile, len(req.Files))
	for _, f := range req.Files {
		files[f.Path] = &snapFile{data: f.Data, link: f.Link}
	}
	snap, err := s.ws.snapshotOf(req.Revision, files)
	if err != nil {
		// The parent's Load finds the same error without compiling.
		return guardReply{}
	}
	stop := watch(req.Memory, req.Time+guardGrace)
	defer stop()
	defer func() {
		if r := recover(); r != nil {
			reply.Panic = fmt.Sprint(r)
		}
	}()
	s.ws.compile(snap)
	return guardReply{}
}

// watch watches the process's memory, and the time, until the returned
// function is called: beyond limit bytes more than it holds now, or beyond
// the time given, it exits with exitGuardMemory or exitGuardTime.
func watch(limit int64, within time.Duration) (stop func()) {
	base := memoryInUse()
	debug.SetMemoryLimit(base + limit)
	restore := limitAddressSpace(limit)
	done := make(chan struct{})
	deadline := time.Now().Add(within)
	go func() {
		tick := time.NewTicker(guardSampling)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-tick.C:
				if memoryInUse()-base > limit {
					os.Exit(exitGuardMemory)
				}
				if now.After(deadline) {
					os.Exit(exitGuardTime)
				}
			}
		}
	}()
	return func() {
		close(done)
		debug.SetMemoryLimit(math.MaxInt64)
		restore()
	}
}

// memoryInUse returns the memory that the Go runtime holds from the system,
// as its memory limit counts it.
func memoryInUse() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64())
}
