// Package catalog keeps the state of the published ICML catalog: what was published last (the
// guard compares against it, and the stock and price upload reads its offer index), the outcome
// of the last build, and a pending request of the "Сформировать файл каталога" action.
package catalog

import (
	"context"
	"fmt"
	"time"

	"unfbridge/shared/store"
)

// key is the one item of the catalog state.
var key = store.Key{PK: "catalog", SK: "state"}

// State is the catalog state.
type State struct {
	// Published is the file RetailCRM reads now; nil until the first publication.
	Published *Published `json:"published,omitempty"`
	// Last is the outcome of the last build; nil before the first.
	Last *Build `json:"last,omitempty"`
	// Request is a pending request of a build by the user; nil when there is none.
	Request *Request `json:"request,omitempty"`
}

// Published describes the published ICML file.
type Published struct {
	SnapshotID string    `json:"snapshotId"`
	At         time.Time `json:"at"`
	Offers     int       `json:"offers"`
	Categories int       `json:"categories"`
	Bytes      int64     `json:"bytes"`
	// Key is the object key of the file in the catalog bucket.
	Key string `json:"key"`
	// Index is the object key, in the staging bucket, of the offer index of the file: which
	// offer key each 1C product and characteristic has in RetailCRM.
	Index string `json:"index"`
	// Options fingerprints the catalog settings the file was built with.
	Options string `json:"options"`
}

// Outcomes of a build.
const (
	// OutcomePublished: the file was built and published.
	OutcomePublished = "published"
	// OutcomeRefused: the guard kept the new file from being published.
	OutcomeRefused = "refused"
	// OutcomeFailed: the build failed; the previous file stays.
	OutcomeFailed = "failed"
)

// Build is the outcome of one build.
type Build struct {
	Outcome    string    `json:"outcome"`
	SnapshotID string    `json:"snapshotId,omitempty"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Offers     int       `json:"offers"`
	Categories int       `json:"categories"`
	// Message says what happened, in Russian, for the user.
	Message string `json:"message"`
	// Forced tells that the user asked to publish whatever the guard says.
	Forced bool `json:"forced,omitempty"`
	// Options fingerprints the catalog settings of the build.
	Options string `json:"options"`
	// Retry tells that the build failed for a passing reason (the storage, the bridge itself),
	// so the next run tries again even when nothing changed.
	Retry bool `json:"retry,omitempty"`
}

// Request is a build asked for by the user.
type Request struct {
	At time.Time `json:"at"`
	// PublishAnyway overrides the guard (an empty or much smaller catalog is published).
	PublishAnyway bool `json:"publishAnyway"`
}

// Repo keeps the catalog state on the storage port.
type Repo struct {
	st store.Store
}

// New returns the catalog state on st.
func New(st store.Store) *Repo { return &Repo{st: st} }

// Load returns the stored state; the zero State when nothing is stored.
func (r *Repo) Load(ctx context.Context) (State, error) {
	s, _, err := store.LoadJSON[State](ctx, r.st, key)
	if err != nil {
		return State{}, fmt.Errorf("catalog: %w", err)
	}
	return s, nil
}

// Update applies change to the stored state and stores it, loading again and retrying when
// another writer changed it meanwhile.
func (r *Repo) Update(ctx context.Context, change func(*State)) (State, error) {
	s, err := store.UpdateJSON(ctx, r.st, key, change)
	if err != nil {
		return State{}, fmt.Errorf("catalog: %w", err)
	}
	return s, nil
}

// Ask records a request of a build by the user; a pending one is replaced, an override kept.
func (r *Repo) Ask(ctx context.Context, at time.Time, publishAnyway bool) (State, error) {
	return r.Update(ctx, func(s *State) {
		keep := s.Request != nil && s.Request.PublishAnyway
		s.Request = &Request{At: at.UTC(), PublishAnyway: publishAnyway || keep}
	})
}
