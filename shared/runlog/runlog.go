// Package runlog records every run of a flow (start, end, counts, messages) for the operational
// view, and lists the latest ones.
package runlog

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"unfbridge/shared/store"
)

// sortable is a time format whose text sorts like the time.
const sortable = "2006-01-02T15:04:05.000000000Z"

// Keep is how long runs are kept.
const Keep = 30 * 24 * time.Hour

// Run is one run of a flow. Counts are by name (e.g. "queued", "quarantined"); Messages are in
// Russian for the user.
type Run struct {
	ID       string           `json:"id"`
	Flow     string           `json:"flow"`
	Trigger  string           `json:"trigger"`
	Start    time.Time        `json:"start"`
	End      time.Time        `json:"end"`
	Complete bool             `json:"complete"`
	Counts   map[string]int64 `json:"counts"`
	Messages []string         `json:"messages"`
	Error    string           `json:"error,omitempty"`
}

// Repo keeps runs on the storage port: partition "runs#<flow>", newest last by start time.
type Repo struct {
	st store.Store
}

// New returns the run log on st.
func New(st store.Store) *Repo { return &Repo{st: st} }

// Record stores a finished (or stopped) run.
func (r *Repo) Record(ctx context.Context, run Run) error {
	op, err := Op(run)
	if err != nil {
		return err
	}
	if err := r.st.Put(ctx, op.Item, op.Cond); err != nil {
		return fmt.Errorf("runlog: record: %w", err)
	}
	return nil
}

// Op is the operation that stores a run, for a caller that writes it together with other
// effects in one all-or-nothing Write.
func Op(run Run) (store.Op, error) {
	data, err := json.Marshal(run)
	if err != nil {
		return store.Op{}, fmt.Errorf("runlog: encode run %s: %w", run.ID, err)
	}
	return store.Put(store.Item{PK: "runs#" + run.Flow, SK: run.Start.UTC().Format(sortable) + "#" + run.ID,
		Version: 1, Data: data, ExpiresAt: run.Start.Add(Keep)}, store.Condition{}), nil
}

// Latest returns the last limit runs of a flow, newest first.
func (r *Repo) Latest(ctx context.Context, flow string, limit int) ([]Run, error) {
	page, err := r.st.Query(ctx, store.Query{PK: "runs#" + flow, Desc: true, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("runlog: list: %w", err)
	}
	runs := make([]Run, 0, len(page.Items))
	for _, it := range page.Items {
		var run Run
		if err := json.Unmarshal(it.Data, &run); err != nil {
			return nil, fmt.Errorf("runlog: decode: %w", err)
		}
		runs = append(runs, run)
	}
	return runs, nil
}
