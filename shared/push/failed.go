package push

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"unfbridge/shared/store"
)

// ObjectOrder is the key of an order's own fields among the objects of a failure.
const ObjectOrder = "order"

// PaymentObject is the key of a payment document among the objects of a failure.
func PaymentObject(ref string) string { return paymentPrefix + ref }

// Failure is a push that failed for good: RetailCRM refused it, or kept failing past the retry
// window. It stays listed until the object is pushed or the retry action clears it.
type Failure struct {
	CRMOrderID int64 `json:"crmOrderId"`
	// Object names what failed for the user: "order" or "payment <number>".
	Object string `json:"object"`
	// Key is ObjectOrder or PaymentObject(ref).
	Key string `json:"key"`
	// Message is RetailCRM's message as given, or the bridge's (in Russian) for a problem found
	// before sending.
	Message  string    `json:"message"`
	Since    time.Time `json:"since"`
	Updated  time.Time `json:"updated"`
	Attempts int       `json:"attempts"`
}

func failureKey(crmOrderID int64, object string) store.Key {
	return store.Key{PK: failedPK, SK: idSK(crmOrderID) + "#" + object}
}

// Fail lists a failure, or updates its entry (keeping Since, counting Attempts).
func (r *Repo) Fail(ctx context.Context, f Failure) error {
	k := failureKey(f.CRMOrderID, f.Key)
	for range maxUpdateTries {
		var prev Failure
		version, found, err := r.get(ctx, k, &prev)
		if err != nil {
			return err
		}
		f.Since, f.Attempts = f.Updated, 1
		if found {
			f.Since, f.Attempts = prev.Since, prev.Attempts+1
		}
		op, err := save(k, version, f)
		if err != nil {
			return err
		}
		err = r.st.Put(ctx, op.Item, op.Cond)
		if !errors.Is(err, store.ErrConditionFailed) {
			return err
		}
	}
	return fmt.Errorf("push: list the failure of order %d: %w", f.CRMOrderID, store.ErrConditionFailed)
}

// Resolve takes an object off the list (it was pushed); a missing entry is fine.
func (r *Repo) Resolve(ctx context.Context, crmOrderID int64, object string) error {
	if err := r.st.Delete(ctx, failureKey(crmOrderID, object), store.Condition{}); err != nil {
		return fmt.Errorf("push: resolve the failure of order %d: %w", crmOrderID, err)
	}
	return nil
}

// Failures lists the failures of a CRM order, or of every order when crmOrderID is 0, by order.
func (r *Repo) Failures(ctx context.Context, crmOrderID int64) ([]Failure, error) {
	q := store.Query{PK: failedPK, Limit: store.MaxQueryLimit}
	if crmOrderID != 0 {
		q.Prefix = idSK(crmOrderID) + "#"
	}
	var out []Failure
	for {
		page, err := r.st.Query(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("push: list the failures: %w", err)
		}
		for _, it := range page.Items {
			var f Failure
			if err := decode(it, &f); err != nil {
				return nil, err
			}
			out = append(out, f)
		}
		if page.Next == "" {
			return out, nil
		}
		q.After = page.Next
	}
}

// Retry is the retry action: it makes the orders of the failures (all, or those of one CRM
// order) dirty and due at now, then clears their entries, and returns the orders. An entry left
// by a crash in between is cleared or listed again by the next push.
func (r *Repo) Retry(ctx context.Context, crmOrderID int64, now time.Time) ([]int64, error) {
	failures, err := r.Failures(ctx, crmOrderID)
	if err != nil {
		return nil, err
	}
	var orders []int64
	for _, f := range failures {
		if !slices.Contains(orders, f.CRMOrderID) {
			if err := r.makeDirty(ctx, f.CRMOrderID, now); err != nil {
				return nil, err
			}
			orders = append(orders, f.CRMOrderID)
		}
		if err := r.Resolve(ctx, f.CRMOrderID, f.Key); err != nil {
			return nil, err
		}
	}
	return orders, nil
}
