// Package quarantine keeps the CRM orders set aside: an order the bridge could not map to a 1C
// command, or one 1C refused, with the reason in Russian. A quarantined order never blocks the
// others; it is tried again when the settings change and by the "retry" action.
package quarantine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"unfbridge/shared/store"
)

// Sources of a quarantine entry.
const (
	// SourceMapping: the bridge could not turn the CRM order into a 1C command.
	SourceMapping = "mapping"
	// Source1C: 1C answered that it could not apply the command.
	Source1C = "1c"
)

// Entry is one order set aside.
type Entry struct {
	CRMOrderID int64  `json:"crmOrderId"`
	Number     string `json:"number,omitempty"`
	Source     string `json:"source"`
	// Reason says in Russian what is wrong and what to do.
	Reason string `json:"reason"`
	// Settings is the fingerprint of the settings the order failed with: when they change, the
	// order is tried again.
	Settings string    `json:"settings,omitempty"`
	Since    time.Time `json:"since"`
	Updated  time.Time `json:"updated"`
	Attempts int       `json:"attempts"`
}

const partition = "quarantine"

// Repo keeps the entries on the storage port.
type Repo struct {
	st store.Store
}

// New returns the repository on st.
func New(st store.Store) *Repo { return &Repo{st: st} }

func key(crmOrderID int64) store.Key {
	return store.Key{PK: partition, SK: fmt.Sprintf("%020d", crmOrderID)}
}

// Put sets an order aside, or updates its entry (keeping Since, counting Attempts).
func (r *Repo) Put(ctx context.Context, e Entry) error {
	for range 5 {
		cur, err := r.st.Get(ctx, key(e.CRMOrderID))
		cond := store.IfNotExists()
		version := int64(0)
		switch {
		case errors.Is(err, store.ErrNotFound):
			e.Since, e.Attempts = e.Updated, 1
		case err != nil:
			return fmt.Errorf("quarantine: put: %w", err)
		default:
			var prev Entry
			if err := json.Unmarshal(cur.Data, &prev); err != nil {
				return fmt.Errorf("quarantine: decode: %w", err)
			}
			e.Since, e.Attempts = prev.Since, prev.Attempts+1
			cond, version = store.IfVersion(cur.Version), cur.Version
		}
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		k := key(e.CRMOrderID)
		err = r.st.Put(ctx, store.Item{PK: k.PK, SK: k.SK, Version: version + 1, Data: data}, cond)
		if !errors.Is(err, store.ErrConditionFailed) {
			return err
		}
	}
	return fmt.Errorf("quarantine: put order %d: %w", e.CRMOrderID, store.ErrConditionFailed)
}

// Get returns the entry of one order; false when the order is not set aside.
func (r *Repo) Get(ctx context.Context, crmOrderID int64) (Entry, bool, error) {
	it, err := r.st.Get(ctx, key(crmOrderID))
	if errors.Is(err, store.ErrNotFound) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("quarantine: get: %w", err)
	}
	var e Entry
	if err := json.Unmarshal(it.Data, &e); err != nil {
		return Entry{}, false, fmt.Errorf("quarantine: decode: %w", err)
	}
	return e, true, nil
}

// Release removes an order from quarantine (it was imported); a missing entry is fine. The
// delete is conditional, so that releasing an order that was never set aside (the common case:
// every import releases) writes nothing.
func (r *Repo) Release(ctx context.Context, crmOrderID int64) error {
	err := r.st.Delete(ctx, key(crmOrderID), store.IfExists())
	if errors.Is(err, store.ErrConditionFailed) {
		return nil
	}
	return err
}

// List returns every entry, by CRM order id.
func (r *Repo) List(ctx context.Context) ([]Entry, error) {
	var out []Entry
	q := store.Query{PK: partition}
	for {
		page, err := r.st.Query(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("quarantine: list: %w", err)
		}
		for _, it := range page.Items {
			var e Entry
			if err := json.Unmarshal(it.Data, &e); err != nil {
				return nil, fmt.Errorf("quarantine: decode: %w", err)
			}
			out = append(out, e)
		}
		if page.Next == "" {
			return out, nil
		}
		q.After = page.Next
	}
}
