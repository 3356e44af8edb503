package push

import (
	"context"
	"errors"
	"fmt"
	"time"

	"unfbridge/shared/store"
)

// Work is an order with work pending: an event not pushed yet, or a push to try again.
type Work struct {
	CRMOrderID int64 `json:"crmOrderId"`
	// Since is when the order became dirty.
	Since time.Time `json:"since"`
	// NextAt is when the order may be pushed: now for a new event, later after a failure.
	NextAt time.Time `json:"nextAt"`
	// Attempts counts the failed attempts since FailingSince; LastError is the last failure.
	Attempts     int       `json:"attempts,omitempty"`
	LastError    string    `json:"lastError,omitempty"`
	FailingSince time.Time `json:"failingSince,omitzero"`
	version      int64
}

// Due tells whether the order may be pushed at now.
func (w Work) Due(now time.Time) bool { return !w.NextAt.After(now) }

// dirtyOp returns the operation that makes an order dirty and due at now, keeping the count of
// its failed attempts.
func (r *Repo) dirtyOp(ctx context.Context, crmOrderID int64, now time.Time) (store.Op, error) {
	var w Work
	version, found, err := r.get(ctx, workKey(crmOrderID), &w)
	if err != nil {
		return store.Op{}, err
	}
	if !found {
		w = Work{CRMOrderID: crmOrderID, Since: now.UTC()}
	}
	w.NextAt = now.UTC()
	return save(workKey(crmOrderID), version, w)
}

// makeDirty makes an order dirty and due at now.
func (r *Repo) makeDirty(ctx context.Context, crmOrderID int64, now time.Time) error {
	for range maxUpdateTries {
		op, err := r.dirtyOp(ctx, crmOrderID, now)
		if err != nil {
			return err
		}
		err = r.st.Put(ctx, op.Item, op.Cond)
		if !errors.Is(err, store.ErrConditionFailed) {
			return err
		}
	}
	return fmt.Errorf("push: make order %d dirty: %w", crmOrderID, store.ErrConditionFailed)
}

// Work returns the work item of an order; false when the order has no work pending.
func (r *Repo) Work(ctx context.Context, crmOrderID int64) (Work, bool, error) {
	var w Work
	version, found, err := r.get(ctx, workKey(crmOrderID), &w)
	w.version = version
	return w, found, err
}

// Pending returns every order with work pending, by CRM order id. The partition holds only
// those orders: it stays small.
func (r *Repo) Pending(ctx context.Context) ([]Work, error) {
	var out []Work
	q := store.Query{PK: workPK, Limit: store.MaxQueryLimit}
	for {
		page, err := r.st.Query(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("push: list the pending orders: %w", err)
		}
		for _, it := range page.Items {
			var w Work
			if err := decode(it, &w); err != nil {
				return nil, err
			}
			w.version = it.Version
			out = append(out, w)
		}
		if page.Next == "" {
			return out, nil
		}
		q.After = page.Next
	}
}

// Clean removes the work item as read: the order's work is done. False when the item changed
// since it was read (an event arrived): the order stays dirty.
func (r *Repo) Clean(ctx context.Context, w Work) (bool, error) {
	err := r.st.Delete(ctx, workKey(w.CRMOrderID), store.IfVersion(w.version))
	if errors.Is(err, store.ErrConditionFailed) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("push: clean order %d: %w", w.CRMOrderID, err)
	}
	return true, nil
}

// Postpone records a failed attempt on the work item as read: one more attempt, the error, the
// next attempt at next. False when the item changed since it was read (an event arrived and
// made the order due again).
func (r *Repo) Postpone(ctx context.Context, w Work, next, now time.Time, lastError string) (bool, error) {
	if w.FailingSince.IsZero() {
		w.FailingSince = now.UTC()
	}
	w.Attempts++
	w.NextAt, w.LastError = next.UTC(), lastError
	op, err := save(workKey(w.CRMOrderID), w.version, w)
	if err != nil {
		return false, err
	}
	err = r.st.Put(ctx, op.Item, op.Cond)
	if errors.Is(err, store.ErrConditionFailed) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("push: postpone order %d: %w", w.CRMOrderID, err)
	}
	return true, nil
}
