package spec

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Standard is every revision of a workspace, loaded.
type Standard struct {
	// IDs are the workspace's revision IDs, sorted.
	IDs []string
	// Revisions are those that load, oldest first: a draft comes after
	// the revision it was forked from, and otherwise IDs decide.
	Revisions []*Revision
	// Broken holds why the revisions that do not load failed.
	Broken map[string]error
}

// LoadAll loads every revision of the workspace, each within timeout. A
// revision that does not load is recorded in Broken; the error is for a
// workspace whose revisions cannot be listed, or that has none.
func (w *Workspace) LoadAll(timeout time.Duration) (*Standard, error) {
	ids, err := w.Revisions()
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("the workspace holds no revisions under %s", RevisionsDir)
	}
	s := &Standard{IDs: ids, Broken: map[string]error{}}
	for i, id := range ids {
		ctx, cancel := context.WithTimeoutCause(context.Background(), timeout,
			fmt.Errorf("it did not compile within %v (try ladder vet --rev %s)", timeout, id))
		rev, err := w.LoadContext(ctx, id)
		timedOut := ctx.Err() != nil
		cancel()
		if err != nil {
			s.Broken[id] = err
			if timedOut {
				// The abandoned compilation still holds the workspace:
				// the revisions after it cannot load either.
				for _, rest := range ids[i+1:] {
					s.Broken[rest] = fmt.Errorf("revision %s was not loaded: the compilation of %s did not end", rest, id)
				}
				break
			}
			continue
		}
		s.Revisions = append(s.Revisions, rev)
	}
	depth := func(r *Revision) int {
		d := 0
		for seen := map[string]bool{}; r != nil && r.Base != "" && !seen[r.ID]; d++ {
			seen[r.ID] = true
			r = s.Loaded(r.Base)
		}
		return d
	}
	slices.SortStableFunc(s.Revisions, func(a, b *Revision) int {
		return cmp.Or(cmp.Compare(depth(a), depth(b)), strings.Compare(a.ID, b.ID))
	})
	return s, nil
}

// Loaded returns the loaded revision with the given ID, or nil.
func (s *Standard) Loaded(id string) *Revision {
	for _, r := range s.Revisions {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Newest returns the newest loaded revision with the given status, or nil.
func (s *Standard) Newest(status string) *Revision {
	for i := len(s.Revisions) - 1; i >= 0; i-- {
		if s.Revisions[i].Status == status {
			return s.Revisions[i]
		}
	}
	return nil
}

// Choose returns the revision named id or, when id is "", the newest loaded
// revision with the first of the statuses that has one, else the newest
// loaded revision. It fails with an [*UnknownRevisionError] for an ID the
// workspace does not hold, with why the revision does not load for one that
// does not, and with every revision's error when none loads.
func (s *Standard) Choose(id string, statuses ...string) (*Revision, error) {
	if id != "" {
		if r := s.Loaded(id); r != nil {
			return r, nil
		}
		if err, ok := s.Broken[id]; ok {
			return nil, err
		}
		return nil, &UnknownRevisionError{ID: id, Available: s.IDs}
	}
	for _, status := range statuses {
		if r := s.Newest(status); r != nil {
			return r, nil
		}
	}
	if len(s.Revisions) > 0 {
		return s.Revisions[len(s.Revisions)-1], nil
	}
	var errs []error
	for _, id := range s.IDs {
		errs = append(errs, s.Broken[id])
	}
	return nil, errors.Join(errs...)
}
