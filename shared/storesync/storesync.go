// Package storesync keeps the state of the stock and price uploads to RetailCRM: per flow, a
// small store item with the pending request of the user, the progress of the running upload
// and the outcome of the last one; and, per flow, an object with what RetailCRM last accepted
// of every offer (Offers), from which each run computes what changed.
package storesync

import (
	"context"
	"fmt"
	"time"

	"unfbridge/shared/store"
)

// pk is the partition of the flows' items; the sort key is the flow.
const pk = "store-sync"

// State is the state of one flow.
type State struct {
	// Request is a pending upload asked for by the user; nil when there is none.
	Request *Request `json:"request,omitempty"`
	// Progress is that of the running upload, or of the last one when none runs.
	Progress *Progress `json:"progress,omitempty"`
	// Last is the outcome of the last run; nil before the first.
	Last *Outcome `json:"last,omitempty"`
}

// Request is an upload asked for by the user.
type Request struct {
	At time.Time `json:"at"`
	// Full sends every offer, whatever was sent before.
	Full bool `json:"full"`
}

// Progress tells how far an upload went.
type Progress struct {
	RunID string `json:"runId"`
	// Running is true while the upload runs; see Active.
	Running bool      `json:"running"`
	Started time.Time `json:"started"`
	Updated time.Time `json:"updated"`
	// Until is when the run's lease lapses: a run that crashed is not running after it.
	Until        time.Time `json:"until"`
	BatchesDone  int       `json:"batchesDone"`
	BatchesTotal int       `json:"batchesTotal"`
	// Offers counts the offers RetailCRM accepted, NotFound those it does not know.
	Offers        int `json:"offers"`
	NotFound      int `json:"notFound"`
	FailedBatches int `json:"failedBatches"`
}

// Active tells whether the upload is running at now.
func (p *Progress) Active(now time.Time) bool { return p != nil && p.Running && now.Before(p.Until) }

// Outcome is how a run ended.
type Outcome struct {
	RunID string    `json:"runId"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Complete is true when RetailCRM has everything the run had to send.
	Complete bool `json:"complete"`
	// Inputs fingerprints what the run computed the upload from: snapshots, catalog, settings.
	Inputs        string   `json:"inputs"`
	Offers        int      `json:"offers"`
	Batches       int      `json:"batches"`
	NotFound      int      `json:"notFound"`
	FailedBatches int      `json:"failedBatches"`
	Messages      []string `json:"messages"`
}

// Repo keeps the flows' states on the storage port.
type Repo struct {
	st store.Store
}

// New returns the repository on st.
func New(st store.Store) *Repo { return &Repo{st: st} }

func key(flow string) store.Key { return store.Key{PK: pk, SK: flow} }

// Load returns the state of flow; the zero State when nothing is stored.
func (r *Repo) Load(ctx context.Context, flow string) (State, error) {
	s, _, err := store.LoadJSON[State](ctx, r.st, key(flow))
	if err != nil {
		return State{}, fmt.Errorf("storesync: %w", err)
	}
	return s, nil
}

// Update applies change to the stored state of flow and stores it, loading again and retrying
// when another writer changed it meanwhile.
func (r *Repo) Update(ctx context.Context, flow string, change func(*State)) (State, error) {
	s, err := store.UpdateJSON(ctx, r.st, key(flow), change)
	if err != nil {
		return State{}, fmt.Errorf("storesync: %w", err)
	}
	return s, nil
}

// Ask records a request of the user for flow; a pending one is replaced, a full one kept full.
func (r *Repo) Ask(ctx context.Context, flow string, at time.Time, full bool) error {
	_, err := r.Update(ctx, flow, func(s *State) {
		keep := s.Request != nil && s.Request.Full
		s.Request = &Request{At: at.UTC(), Full: full || keep}
	})
	return err
}
