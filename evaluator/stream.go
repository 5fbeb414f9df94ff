package evaluator

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ladderworks/ladder/fixtures"
	"github.com/ladderworks/ladder/spec"
)

// StreamBatch is how many records a streamed grading reads, checks and
// grades at once (see Streamed).
const StreamBatch = 4096

// Streamed grades a corpus under one revision without holding it, in two
// passes over a fixtures.Stream. The first (Add, a batch of records at a
// time, then Sort) validates every record and keeps of each device only a
// key: its category's rank, its ID and its Place. Sort orders the keys as
// ByCategory orders devices. The second (Each) reads the devices again in
// that order, a batch at a time, validates and grades each batch through
// one Engine, and hands it on. Memory holds the keys (some 100 bytes a
// device), the problems listed, and a batch or two; the outcomes are those
// Grade gives, in the order of reports.
type Streamed struct {
	Revision *spec.Revision
	// Batch is how many devices the second pass reads and grades at once;
	// 0 means StreamBatch.
	Batch int

	known      fixtures.Vocabulary
	validation *fixtures.Validation
	rank       func(category string) int
	keys       []streamKey
	src        *fixtures.Stream
	invalid    []*fixtures.Problem
}

// streamKey is what the first pass keeps of a device.
type streamKey struct {
	id    string
	rank  int
	place fixtures.Place
}

// NewStreamed returns a streamed grading under rev; known are the
// measurements that some revision defines, as for Grade.
func NewStreamed(rev *spec.Revision, known fixtures.Vocabulary) *Streamed {
	return &Streamed{Revision: rev, known: known, validation: fixtures.NewValidation(rev, known, schemaOptions(rev, known)), rank: categoryRank(rev)}
}

// Add validates a batch of records of the first pass, in the order of the
// stream, and keeps the key of each device.
func (s *Streamed) Add(records []*fixtures.Record) error {
	for _, d := range s.validation.Add(records) {
		s.keys = append(s.keys, streamKey{id: d.ID, rank: s.rank(d.Category), place: d.Place()})
	}
	return nil
}

// Sort ends the first pass over src: it orders the devices as reports show
// them, and gathers the problems, those of src's files before those of its
// records, as FromGrading does.
func (s *Streamed) Sort(src *fixtures.Stream) {
	s.src = src
	s.invalid = append(slices.Clone(src.Problems), s.validation.Problems()...)
	s.validation = nil
	// IDs are unique: the validation refused a repeated one.
	slices.SortFunc(s.keys, func(a, b streamKey) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), strings.Compare(a.id, b.id))
	})
}

// Count is the number of devices graded.
func (s *Streamed) Count() int { return len(s.keys) }

// Invalid are the problems of the records that could not be graded, known
// once Sort ran.
func (s *Streamed) Invalid() []*fixtures.Problem { return s.invalid }

// Each is the second pass: it reads the devices again in the order Sort
// made, a batch at a time, grades them, and calls each with a batch's
// devices and the engine's state, whose device i is devices[i]. The state is
// valid during the call only. Each is called at least once, with no devices
// when there are none, so that a reader learns every category's levels.
// Reading and checking the next batch goes on while each runs. A record
// that changed since the first pass is an error.
func (s *Streamed) Each(ctx context.Context, each func(devices []*fixtures.Device, st *State) error) error {
	type batch struct {
		devices []*fixtures.Device
		err     error
	}
	ready := make(chan batch, 1)
	done := make(chan struct{})
	defer func() {
		close(done)
		for range ready {
		}
	}()
	go func() {
		defer close(ready)
		size := s.Batch
		if size <= 0 {
			size = StreamBatch
		}
		places := make([]fixtures.Place, 0, size)
		for lo := 0; lo < len(s.keys); lo += size {
			places = places[:0]
			for _, k := range s.keys[lo:min(lo+size, len(s.keys))] {
				places = append(places, k.place)
			}
			devices, err := s.reread(places)
			select {
			case ready <- batch{devices, err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	engine := NewEngine()
	graded := false
	for b := range ready {
		if b.err != nil {
			return b.err
		}
		if _, err := engine.Update(ctx, s.Revision, b.devices); err != nil {
			return err
		}
		if err := each(b.devices, engine.State()); err != nil {
			return err
		}
		graded = true
	}
	if graded {
		return nil
	}
	if _, err := engine.Update(ctx, s.Revision, nil); err != nil {
		return err
	}
	return each(nil, engine.State())
}

// validated are the options of a validation of records known to satisfy
// the schema.
var validated = fixtures.ValidateOptions{Precheck: func(*fixtures.Tree, []string) bool { return true }}

// reread reads the devices at places again and makes them devices as the
// first pass did. The records are those the first pass validated, the same
// data (Reread holds it), so the schema is not asked again: a precheck that
// accepts every record gives each its device.
func (s *Streamed) reread(places []fixtures.Place) ([]*fixtures.Device, error) {
	records, err := s.src.Reread(places)
	if err != nil {
		return nil, err
	}
	devices, problems := fixtures.ValidateWith(s.Revision, records, s.known, validated)
	if len(problems) > 0 || len(devices) != len(records) {
		file := ""
		if len(problems) > 0 {
			file = problems[0].File
		}
		return nil, fmt.Errorf("reading %s again: a record changed while it was read; run again when it no longer changes", file)
	}
	return devices, nil
}
