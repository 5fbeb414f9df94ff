package spec

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// CUE cannot stop an evaluation half-way, nor bound the memory it takes: a
// revision with a comprehension over a hundred million values would run a
// core for minutes and take the process's memory until the system kills it.
// So a revision's source is compiled in Ladder's own process only once a
// child process, the compile guard, has compiled the same text within the
// limits of time and memory. The guard is the running binary itself, started
// again with guardEnv set (see RunGuardIfChild); it stays up between
// requests, and keeps a workspace of its own for each workspace of its
// parent, so that a keystroke in the workbench costs it what a reload costs.
// The parent kills it when its time is up; it watches its own memory and
// exits with exitGuardMemory beyond the limit. What the guard said of a
// source is remembered by the source's hash (the snapshot's), so that an
// undo back to a text that was fine costs no second run, and a text known
// to blow up is refused at once with the same message.

// guardEnv is the variable that makes the ladder binary a compile guard,
// with guardToken for its value.
const (
	guardEnv   = "LADDER_COMPILE_GUARD"
	guardToken = "ladder-compile-guard/1"
)

// The exit codes of a guard that stopped itself.
const (
	exitGuardMemory = 86
	exitGuardTime   = 87
)

// guardGrace is how much longer than its limit a guard lets a compilation
// run before it stops itself, in case its parent cannot stop it.
const guardGrace = 2 * time.Second

// guardStartTimeout bounds the start of a guard, to its first message.
const guardStartTimeout = 20 * time.Second

// guardMemo is how many verdicts a process remembers.
const guardMemo = 4096

// guardAvailable reports that this binary can be its own compile guard: it
// called RunGuardIfChild and is not a guard itself.
var guardAvailable atomic.Bool

// RunGuardIfChild makes this program the compile guard of its parent when
// its parent started it as one, and then never returns; otherwise it lets
// the program start its own binary as its compile guard, and returns. A
// program calls it first thing in main (and a test binary in TestMain):
// without it, Load compiles in the process itself, where nothing can stop a
// revision that does not end or takes all the memory.
func RunGuardIfChild() {
	if os.Getenv(guardEnv) != guardToken {
		guardAvailable.Store(true)
		return
	}
	os.Exit(serveGuard())
}

// errUnguarded reports that no compile guard can run: Load compiles in its
// own process.
var errUnguarded = errors.New("no compile guard")

// guardKey identifies a source compiled within some limits.
type guardKey [sha256.Size]byte

// compileGuard is the process's compile guard: the child that compiles, and
// what it said of each source.
type compileGuard struct {
	// sem is held by whoever talks to the child, or starts it.
	sem   chan struct{}
	child *guardChild
	// broken reports that a child could not be started: sources are then
	// compiled without a guard.
	broken bool
	// lastOK is the last request that the child ended within limits.
	lastOK *guardRequest

	mu       sync.Mutex
	verdicts map[guardKey]*StoppedError
	order    []guardKey
	inflight map[guardKey]chan struct{}
	// runs counts the sources the child compiled, for tests.
	runs atomic.Int64
}

var guard = &compileGuard{
	sem:      make(chan struct{}, 1),
	verdicts: map[guardKey]*StoppedError{},
	inflight: map[guardKey]chan struct{}{},
}

// check has the guard compile a snapshot of a revision of w within lim,
// unless it did before. It returns nil when the compilation ended within
// the limits (with errors or not), a *StoppedError when it did not,
// errUnguarded when no guard can run, and the context's error, wrapped,
// when ctx is done first.
func (g *compileGuard) check(ctx context.Context, w *Workspace, snap *snapshot, lim Limits) error {
	if !guardAvailable.Load() {
		return errUnguarded
	}
	h := sha256.New()
	h.Write(snap.sum[:])
	binary.Write(h, binary.LittleEndian, [2]int64{int64(lim.Time), lim.Memory})
	var key guardKey
	h.Sum(key[:0])
	for {
		g.mu.Lock()
		if stopped, ok := g.verdicts[key]; ok {
			g.mu.Unlock()
			if stopped != nil {
				return stopped
			}
			return nil
		}
		wait, busy := g.inflight[key]
		if !busy {
			done := make(chan struct{})
			g.inflight[key] = done
			g.mu.Unlock()
			defer func() {
				g.mu.Lock()
				delete(g.inflight, key)
				g.mu.Unlock()
				close(done)
			}()
			break
		}
		g.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return fmt.Errorf("loading revision %s: %w", snap.id, context.Cause(ctx))
		}
	}
	stopped, err := g.run(ctx, w, snap, lim)
	if err != nil {
		return err
	}
	g.mu.Lock()
	if len(g.order) >= guardMemo {
		delete(g.verdicts, g.order[0])
		g.order = g.order[1:]
	}
	g.verdicts[key] = stopped
	g.order = append(g.order, key)
	g.mu.Unlock()
	if stopped != nil {
		return stopped
	}
	return nil
}

// run has the child compile a snapshot; see check. A child that fails for
// another reason than the limits is given a second chance, with a new
// child, in case it was stopped from outside.
func (g *compileGuard) run(ctx context.Context, w *Workspace, snap *snapshot, lim Limits) (*StoppedError, error) {
	select {
	case g.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("loading revision %s: %w", snap.id, context.Cause(ctx))
	}
	defer func() { <-g.sem }()
	req := &guardRequest{Workspace: w.guardID(), Root: w.root, Revision: snap.id, Time: lim.Time, Memory: lim.Memory}
	for p, f := range snap.files {
		req.Files = append(req.Files, guardFile{Path: p, Link: f.link, Data: f.data})
	}
	for attempt := 0; ; attempt++ {
		if err := g.start(); err != nil {
			return nil, err
		}
		g.runs.Add(1)
		res := g.child.compile(ctx, req)
		if res.stopped == nil && res.err == nil {
			g.lastOK = req
			return nil, nil
		}
		// The child is gone, or must go: a new one is started at once,
		// so that the next compilation does not wait for it.
		g.child.kill()
		g.child = nil
		go g.warm()
		if res.err != nil {
			return nil, res.err
		}
		if res.stopped.Reason == StoppedCrash && res.retry && attempt == 0 {
			continue
		}
		res.stopped.Revision, res.stopped.Limits = snap.id, lim
		res.stopped.Pos = suspect(snap.rev)
		return res.stopped, nil
	}
}

// start starts the child unless it runs; the caller holds sem.
func (g *compileGuard) start() error {
	if g.broken {
		return errUnguarded
	}
	if g.child != nil {
		select {
		case <-g.child.exited:
			// It died between two requests.
			g.child.kill()
			g.child = nil
		default:
			return nil
		}
	}
	c, err := startGuardChild()
	if err != nil {
		g.broken = true
		return errUnguarded
	}
	g.child = c
	return nil
}

// prefetch has the guard check the revisions ids of w in the background,
// in order, so that it compiles the next while the caller compiles, in its
// own process, one that the guard checked: a load of one of them waits for
// its check rather than start another.
func (w *Workspace) prefetch(ids []string, lim Limits) {
	if !guardAvailable.Load() || len(ids) < 2 {
		return
	}
	go func() {
		for _, id := range ids {
			if snap, err := w.snapshot(id); err == nil && !w.trusts(snap) {
				guard.check(context.Background(), w, snap, lim)
			}
		}
	}()
}

// trusts reports whether a snapshot is exactly the built-in standard's
// source of its revision, which needs no guard.
func (w *Workspace) trusts(snap *snapshot) bool {
	if w.trusted == nil {
		return false
	}
	w.sumsMu.Lock()
	defer w.sumsMu.Unlock()
	sum, ok := w.trustedSums[snap.id]
	if !ok {
		own, err := NewWorkspace(w.trusted, w.root).snapshot(snap.id)
		if err != nil {
			return false
		}
		sum = own.sum
		if w.trustedSums == nil {
			w.trustedSums = map[string][sha256.Size]byte{}
		}
		w.trustedSums[snap.id] = sum
	}
	return sum == snap.sum
}

// guardWarmDelay is how long after a workspace that edits will change
// loaded a source that needed no guard the guard compiles it all the same:
// once the workbench shows its first results, so that the first edit finds
// the guard started, with what it remembers of the revision.
const guardWarmDelay = 500 * time.Millisecond

// warm has the guard compile a snapshot that needs none, later, in the
// background, for a workspace made by Over.
func (w *Workspace) warm(snap *snapshot, lim Limits) {
	if !w.overlay || !guardAvailable.Load() {
		return
	}
	time.AfterFunc(guardWarmDelay, func() {
		guard.check(context.Background(), w, snap, lim)
	})
}

// warm starts a child in the background, after one was stopped, and has
// it compile again the last source that ended within limits, so that it
// remembers that revision as the one it replaces did: the next edit of it
// costs what an edit costs.
func (g *compileGuard) warm() {
	g.sem <- struct{}{}
	defer func() { <-g.sem }()
	if g.child != nil || g.start() != nil || g.lastOK == nil {
		return
	}
	if res := g.child.compile(context.Background(), g.lastOK); res.stopped != nil || res.err != nil {
		g.child.kill()
		g.child = nil
	}
}

// guardRuns returns how many compilations the process's guard ran.
func guardRuns() int64 { return guard.runs.Load() }

// workspaceIDs numbers workspaces for their guard.
var workspaceIDs atomic.Uint64

// guardID returns the number by which the guard knows the workspace, so
// that it compiles the workspace's revisions again with what it remembers
// of them.
func (w *Workspace) guardID() uint64 {
	if id := w.gid.Load(); id != 0 {
		return id
	}
	w.gid.CompareAndSwap(0, workspaceIDs.Add(1))
	return w.gid.Load()
}

// The messages between a parent and its guard, encoded with encoding/gob:
// the guard says guardHello once, then answers each guardRequest with a
// guardReply, in order.

type guardHello struct{ Token string }

type guardRequest struct {
	// Workspace and Root identify the parent's workspace and how it shows
	// its directory.
	Workspace uint64
	Root      string
	Revision  string
	Files     []guardFile
	Time      time.Duration
	Memory    int64
}

type guardFile struct {
	Path string
	Link bool
	Data []byte
}

type guardReply struct {
	// Panic is what CUE panicked with, if it did.
	Panic string
}

// guardChild is a running guard.
type guardChild struct {
	cmd    *exec.Cmd
	in     *os.File
	enc    *gob.Encoder
	buf    *bufio.Writer
	out    *os.File
	stderr *tail
	// replies delivers the guard's replies; it is closed when the guard's
	// output ends.
	replies chan guardReply
	// exited is closed when the guard has exited.
	exited chan struct{}
}

// startGuardChild starts this binary as a compile guard and waits for its
// hello.
func startGuardChild() (*guardChild, error) {
	exe, err := selfExecutable()
	if err != nil {
		return nil, err
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	c := &guardChild{in: inW, out: outR, stderr: &tail{}, replies: make(chan guardReply, 1), exited: make(chan struct{})}
	c.cmd = exec.Command(exe)
	c.cmd.Env = append(os.Environ(), guardEnv+"="+guardToken)
	c.cmd.Stdin, c.cmd.Stdout, c.cmd.Stderr = inR, outW, c.stderr
	err = c.cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, err
	}
	go func() {
		c.cmd.Wait()
		close(c.exited)
	}()
	hello := make(chan bool, 1)
	go func() {
		defer close(c.replies)
		dec := gob.NewDecoder(bufio.NewReader(outR))
		var h guardHello
		if err := dec.Decode(&h); err != nil || h.Token != guardToken {
			hello <- false
			return
		}
		hello <- true
		for {
			var r guardReply
			if err := dec.Decode(&r); err != nil {
				return
			}
			c.replies <- r
		}
	}()
	select {
	case ok := <-hello:
		if ok {
			c.buf = bufio.NewWriter(inW)
			c.enc = gob.NewEncoder(c.buf)
			return c, nil
		}
	case <-time.After(guardStartTimeout):
	}
	c.kill()
	return nil, fmt.Errorf("the compile guard did not start: %s", c.stderr.firstLine())
}

// guardResult is how a request to the guard ended: the guard answered
// (neither field set), or stopped the compilation (stopped; retry when it
// may have been stopped from outside), or ctx was done (err).
type guardResult struct {
	stopped *StoppedError
	retry   bool
	err     error
}

// compile sends the guard a request and waits for its answer, for at most
// the request's time limit.
func (c *guardChild) compile(ctx context.Context, req *guardRequest) guardResult {
	sent := make(chan error, 1)
	go func() {
		err := c.enc.Encode(req)
		if err == nil {
			err = c.buf.Flush()
		}
		sent <- err
	}()
	timer := time.NewTimer(req.Time)
	defer timer.Stop()
	select {
	case r, ok := <-c.replies:
		if ok {
			// The guard has read the whole request, but the writer
			// may not have returned yet: the next request must not
			// start before it has.
			<-sent
			if r.Panic != "" {
				return guardResult{stopped: &StoppedError{Reason: StoppedCrash, Detail: firstLine(r.Panic)}}
			}
			return guardResult{}
		}
	case <-timer.C:
		return guardResult{stopped: &StoppedError{Reason: StoppedTime}}
	case <-ctx.Done():
		return guardResult{err: fmt.Errorf("loading revision %s: %w", req.Revision, context.Cause(ctx))}
	}
	// The guard's output ended: it exited, as a guard does that stopped
	// itself.
	select {
	case <-c.exited:
	case <-time.After(guardGrace):
		c.kill()
	}
	var code int
	var signal string
	if st, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && st.Signaled() {
		signal = st.Signal().String()
	} else {
		code = c.cmd.ProcessState.ExitCode()
	}
	msg := c.stderr.firstLine()
	switch {
	case code == exitGuardMemory, strings.Contains(c.stderr.String(), "out of memory"):
		return guardResult{stopped: &StoppedError{Reason: StoppedMemory}}
	case code == exitGuardTime:
		return guardResult{stopped: &StoppedError{Reason: StoppedTime}}
	case msg != "":
		return guardResult{stopped: &StoppedError{Reason: StoppedCrash, Detail: msg}, retry: true}
	case signal != "":
		return guardResult{stopped: &StoppedError{Reason: StoppedCrash, Detail: "the compile guard was killed: " + signal}, retry: true}
	}
	return guardResult{stopped: &StoppedError{Reason: StoppedCrash, Detail: fmt.Sprintf("the compile guard exited with code %d", code)}, retry: true}
}

// kill stops the guard and waits for it to exit.
func (c *guardChild) kill() {
	c.cmd.Process.Kill()
	<-c.exited
	c.in.Close()
	c.out.Close()
}

// tail keeps the start and the end of what a guard writes on its standard
// error: a Go runtime's fatal error, or a panic.
type tail struct {
	mu   sync.Mutex
	head []byte
	end  []byte
}

const tailSize = 4096

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if room := tailSize - len(t.head); room > 0 {
		k := min(room, len(p))
		t.head = append(t.head, p[:k]...)
		p = p[k:]
	}
	t.end = append(t.end, p...)
	if len(t.end) > tailSize {
		t.end = t.end[len(t.end)-tailSize:]
	}
	return n, nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.head) + string(t.end)
}

// firstLine returns the first line that the guard wrote: a panic's, or
// what the Go runtime said first when it failed.
func (t *tail) firstLine() string {
	return firstLine(t.String())
}

// firstLine returns the first line of s that is not blank, trimmed.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
