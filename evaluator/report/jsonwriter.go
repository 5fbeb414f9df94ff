package report

import (
	"bufio"
	"encoding/json"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/ladderworks/ladder/evaluator"
	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// jsonWriter writes eval's JSON by hand, for speed on large corpora: a
// 100k-device corpus gives some 300 MB. Its output is byte for byte what
// encoding/json gives with two-space indentation and HTML left unescaped,
// which a test holds.
type jsonWriter struct {
	w   *bufio.Writer
	buf []byte
}

// newJSONWriter returns a writer of JSON to w, buffered.
func newJSONWriter(w io.Writer) *jsonWriter {
	return &jsonWriter{w: bufio.NewWriterSize(w, 256<<10)}
}

// flush writes what is buffered.
func (j *jsonWriter) flush() error {
	if _, err := j.w.Write(j.buf); err != nil {
		return err
	}
	j.buf = j.buf[:0]
	return j.w.Flush()
}

// put writes a buffer made elsewhere after what is buffered, without
// copying a large one.
func (j *jsonWriter) put(b []byte) error {
	if len(b) < 4<<10 {
		j.buf = append(j.buf, b...)
		return j.spill()
	}
	if len(j.buf) > 0 {
		if _, err := j.w.Write(j.buf); err != nil {
			return err
		}
		j.buf = j.buf[:0]
	}
	_, err := j.w.Write(b)
	return err
}

// spill hands the buffer to the writer when it grows large.
func (j *jsonWriter) spill() error {
	if len(j.buf) < 64<<10 {
		return nil
	}
	_, err := j.w.Write(j.buf)
	j.buf = j.buf[:0]
	return err
}

// indent starts a new line at the indentation of depth.
func (j *jsonWriter) indent(depth int) {
	if depth < len(indents) {
		j.buf = append(j.buf, indents[depth]...)
		return
	}
	j.buf = append(j.buf, '\n')
	for range depth {
		j.buf = append(j.buf, ' ', ' ')
	}
}

// indents are a newline and the indentation of each depth.
var indents = func() []string {
	out := make([]string, 8)
	for d := range out {
		out[d] = "\n" + strings.Repeat("  ", d)
	}
	return out
}()

// key writes `"name": ` after the separator and indentation of a member.
func (j *jsonWriter) key(first bool, depth int, name string) {
	if !first {
		j.buf = append(j.buf, ',')
	}
	j.indent(depth)
	j.buf = fixtures.AppendJSONString(j.buf, name)
	j.buf = append(j.buf, ':', ' ')
}

// str writes a JSON string.
func (j *jsonWriter) str(s string) { j.buf = fixtures.AppendJSONString(j.buf, s) }

// strings writes a list of strings, as encoding/json indents it.
func (j *jsonWriter) strings(list []string, depth int) {
	if len(list) == 0 {
		j.buf = append(j.buf, '[', ']')
		return
	}
	j.buf = append(j.buf, '[')
	for i, s := range list {
		if i > 0 {
			j.buf = append(j.buf, ',')
		}
		j.indent(depth + 1)
		j.str(s)
	}
	j.indent(depth)
	j.buf = append(j.buf, ']')
}

// outcome writes one device's outcome as the object newDeviceJSON would
// make of it, at the given depth. Criteria come pre-rendered from texts:
// most verdicts of a large corpus are passes, whose entries are the same
// bytes for every device.
func (j *jsonWriter) outcome(o *evaluator.Outcome, depth int, texts *critTexts) {
	d := o.Device
	j.buf = append(j.buf, '{')
	in := depth + 1
	j.key(true, in, "id")
	j.str(d.ID)
	j.key(false, in, "name")
	j.str(d.Name)
	j.key(false, in, "vendor")
	j.str(d.Vendor)
	j.key(false, in, "category")
	j.str(d.Category)
	j.key(false, in, "file")
	j.str(d.Where())
	j.key(false, in, "level")
	j.str(o.Level)
	if d.ClaimedLevel != "" {
		j.key(false, in, "claimed_level")
		j.str(d.ClaimedLevel)
	}
	j.key(false, in, "flags")
	j.strings(o.Flags, in)
	if len(o.Families) > 0 {
		fams := make(map[string]string, len(o.Families))
		for _, f := range o.Families {
			fams[f.Family] = f.Level
		}
		j.key(false, in, "families")
		j.buf = append(j.buf, '{')
		for i, f := range sortedKeys(fams) {
			j.key(i == 0, in+1, f)
			j.str(fams[f])
		}
		j.indent(in)
		j.buf = append(j.buf, '}')
	}
	if len(d.Ignored) > 0 {
		j.key(false, in, "ignored")
		j.strings(d.Ignored, in)
	}
	j.key(false, in, "criteria")
	if len(o.Checks) == 0 {
		j.buf = append(j.buf, '[', ']')
	} else {
		j.buf = append(j.buf, '[')
		for i := range o.Checks {
			c := &o.Checks[i]
			if i > 0 {
				j.buf = append(j.buf, ',')
			}
			t := texts.of(c.Criterion, in+1)
			if c.Verdict == evaluator.Pass && len(c.Problems) == 0 {
				j.buf = append(j.buf, t.pass...)
				continue
			}
			j.buf = append(j.buf, t.head...)
			j.str(c.Verdict.String())
			if f := c.Field(); f != "" {
				j.buf = append(j.buf, t.field...)
				j.str(f)
			}
			if m := c.Message(); m != "" {
				j.buf = append(j.buf, t.message...)
				j.str(m)
			}
			j.buf = append(j.buf, t.tail...)
		}
		j.indent(in)
		j.buf = append(j.buf, ']')
	}
	j.indent(depth)
	j.buf = append(j.buf, '}')
}

// critText is a criterion's entry in eval's JSON, rendered but for its
// verdict, field and message.
type critText struct {
	head, field, message, tail []byte
	// pass is the whole entry of a pass.
	pass []byte
}

// critTexts renders criteria entries once for a whole corpus. It is filled
// before writing starts, and only read after.
type critTexts struct {
	depth int
	texts map[*spec.Criterion]*critText
}

// newCritTexts renders the entries of a revision's criteria at depth.
func newCritTexts(rev *spec.Revision, depth int) *critTexts {
	t := &critTexts{depth: depth, texts: map[*spec.Criterion]*critText{}}
	for _, c := range rev.Criteria() {
		t.texts[c] = renderCrit(c, depth)
	}
	return t
}

// of returns the rendering of a criterion at depth; one the table lacks
// (never, for the revision's own) is rendered on the spot.
func (t *critTexts) of(c *spec.Criterion, depth int) *critText {
	if r, ok := t.texts[c]; ok && depth == t.depth {
		return r
	}
	return renderCrit(c, depth)
}

// renderCrit renders a criterion's entry at depth, in its parts.
func renderCrit(c *spec.Criterion, depth int) *critText {
	w := &jsonWriter{}
	w.indent(depth)
	w.buf = append(w.buf, '{')
	w.key(true, depth+1, "id")
	w.str(c.ID)
	w.key(false, depth+1, "level")
	w.str(c.Level)
	w.key(false, depth+1, "family")
	w.str(c.Family)
	w.key(false, depth+1, "verdict")
	t := &critText{head: w.buf}
	w = &jsonWriter{}
	w.key(false, depth+1, "field")
	t.field = w.buf
	w = &jsonWriter{}
	w.key(false, depth+1, "message")
	t.message = w.buf
	w = &jsonWriter{}
	w.indent(depth)
	w.buf = append(w.buf, '}')
	t.tail = w.buf
	t.pass = append(fixtures.AppendJSONString(slices.Clone(t.head), evaluator.Pass.String()), t.tail...)
	return t
}

// freeBuffers returns a channel for the buffers of inBatches.
func freeBuffers() chan []byte {
	return make(chan []byte, 4*max(runtime.GOMAXPROCS(0), 1)+1)
}

// raw writes a value with encoding/json, indented to sit at depth.
func (j *jsonWriter) raw(v any, depth int) error {
	prefix := make([]byte, 2*depth)
	for i := range prefix {
		prefix[i] = ' '
	}
	b, err := json.MarshalIndent(v, string(prefix), "  ")
	if err != nil {
		return err
	}
	j.buf = append(j.buf, b...)
	return nil
}

// inBatches formats the items 0 to n-1 in batches of size on every core,
// with format appending a batch to a buffer, and hands the buffers to
// write in order. Write must not keep a buffer: once written, it goes to
// free, where batches take their buffers first, so that a buffer grows to a
// batch's size once (free may be shared by calls, one after another).
func inBatches(n, size int, free chan []byte, format func(start, end int, buf []byte) []byte, write func([]byte) error) error {
	workers := max(runtime.GOMAXPROCS(0), 1)
	type batch struct {
		start, end int
		out        chan []byte
	}
	batches := make(chan batch, 2*workers)
	queue := make(chan batch, 2*workers)
	go func() {
		defer close(batches)
		defer close(queue)
		for s := 0; s < n; s += size {
			b := batch{s, min(s+size, n), make(chan []byte, 1)}
			queue <- b
			batches <- b
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range queue {
				var buf []byte
				select {
				case buf = <-free:
				default:
					buf = make([]byte, 0, 64<<10)
				}
				b.out <- format(b.start, b.end, buf)
			}
		})
	}
	var err error
	for b := range batches {
		buf := <-b.out
		if err == nil {
			err = write(buf)
		}
		select {
		case free <- buf[:0]:
		default:
		}
	}
	wg.Wait()
	return err
}
