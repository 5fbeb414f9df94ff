package main

import (
	"bufio"
	"encoding/json"
	"io"
	"runtime"
	"sync"
	"unicode/utf8"
)

// jsonWriter writes eval's JSON by hand, for speed on large corpora: a
// 100k-device corpus gives some 300 MB. Its output is byte for byte what
// encoding/json gives with two-space indentation and HTML left unescaped,
// which a test holds.
type jsonWriter struct {
	w   *bufio.Writer
	buf []byte
}

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

// spill hands the buffer to the writer when it grows large.
func (j *jsonWriter) spill() error {
	if len(j.buf) < 64<<10 {
		return nil
	}
	_, err := j.w.Write(j.buf)
	j.buf = j.buf[:0]
	return err
}

func (j *jsonWriter) indent(depth int) {
	j.buf = append(j.buf, '\n')
	for range depth {
		j.buf = append(j.buf, ' ', ' ')
	}
}

// key writes `"name": ` after the separator and indentation of a member.
func (j *jsonWriter) key(first bool, depth int, name string) {
	if !first {
		j.buf = append(j.buf, ',')
	}
	j.indent(depth)
	j.buf = appendString(j.buf, name)
	j.buf = append(j.buf, ':', ' ')
}

func (j *jsonWriter) str(s string) { j.buf = appendString(j.buf, s) }

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

// device writes one device object at the given depth.
func (j *jsonWriter) device(d *deviceJSON, depth int) {
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
	j.str(d.File)
	if d.Revision != "" {
		j.key(false, in, "revision")
		j.str(d.Revision)
	}
	j.key(false, in, "level")
	j.str(d.Level)
	if d.ClaimedLevel != "" {
		j.key(false, in, "claimed_level")
		j.str(d.ClaimedLevel)
	}
	j.key(false, in, "flags")
	j.strings(d.Flags, in)
	if len(d.Families) > 0 {
		j.key(false, in, "families")
		j.buf = append(j.buf, '{')
		for i, f := range sortedKeys(d.Families) {
			j.key(i == 0, in+1, f)
			j.str(d.Families[f])
		}
		j.indent(in)
		j.buf = append(j.buf, '}')
	}
	if len(d.Ignored) > 0 {
		j.key(false, in, "ignored")
		j.strings(d.Ignored, in)
	}
	j.key(false, in, "criteria")
	if len(d.Criteria) == 0 {
		j.buf = append(j.buf, '[', ']')
	} else {
		j.buf = append(j.buf, '[')
		for i := range d.Criteria {
			c := &d.Criteria[i]
			if i > 0 {
				j.buf = append(j.buf, ',')
			}
			j.indent(in + 1)
			j.buf = append(j.buf, '{')
			j.key(true, in+2, "id")
			j.str(c.ID)
			j.key(false, in+2, "level")
			j.str(c.Level)
			j.key(false, in+2, "family")
			j.str(c.Family)
			j.key(false, in+2, "verdict")
			j.str(c.Verdict.String())
			if c.Field != "" {
				j.key(false, in+2, "field")
				j.str(c.Field)
			}
			if c.Message != "" {
				j.key(false, in+2, "message")
				j.str(c.Message)
			}
			j.indent(in + 1)
			j.buf = append(j.buf, '}')
		}
		j.indent(in)
		j.buf = append(j.buf, ']')
	}
	j.indent(depth)
	j.buf = append(j.buf, '}')
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

// appendString appends s as a JSON string, escaped as encoding/json does
// with HTML escaping off.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hex = "0123456789abcdef"

// plain marks the ASCII bytes that a JSON string holds as they are.
var plain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// inBatches formats the items 0 to n-1 in batches of size on every core,
// with format appending a batch to a buffer, and hands the buffers to
// write in order.
func inBatches(n, size int, format func(start, end int, buf []byte) []byte, write func([]byte) error) error {
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
				b.out <- format(b.start, b.end, make([]byte, 0, 64<<10))
			}
		})
	}
	var err error
	for b := range batches {
		buf := <-b.out
		if err == nil {
			err = write(buf)
		}
	}
	wg.Wait()
	return err
}
