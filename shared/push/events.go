package push

import (
	"context"
	"time"

	"unfbridge/shared/store"
)

// Recording is what recording an event takes: the operations to write with the event, or, for a
// stale event (older than the state stored for its document), none.
type Recording struct {
	Ops   []store.Op
	Stale bool
	// Newer is when the stored state of a stale event's document occurred.
	Newer time.Time
}

// latest is implemented by the records that keep the latest event of their document.
type latest interface{ latestEvent() Event }

func (rec *OrderRecord) latestEvent() Event   { return rec.Desired.Event }
func (rec *PaymentRecord) latestEvent() Event { return rec.Desired.Event }

// OrderEventOps returns what records an order event as the desired state of the CRM order's
// fields and makes the order dirty; nothing when a later event is stored. The operations are
// conditioned on what was read. A document too large to keep is ErrTooLarge.
func (r *Repo) OrderEventOps(ctx context.Context, crmOrderID int64, ev OrderEvent, now time.Time) (Recording, error) {
	var rec OrderRecord
	return r.recordEvent(ctx, crmOrderID, orderKey(crmOrderID), &rec, ev.Event, now, func() {
		rec.CRMOrderID, rec.Desired = crmOrderID, ev
	})
}

// PaymentEventOps is OrderEventOps for a payment event of the CRM order's payment documents.
func (r *Repo) PaymentEventOps(ctx context.Context, crmOrderID int64, ev PaymentEvent, now time.Time) (Recording, error) {
	var rec PaymentRecord
	return r.recordEvent(ctx, crmOrderID, paymentKey(crmOrderID, ev.Payment.Ref), &rec, ev.Event, now, func() {
		rec.CRMOrderID, rec.Desired = crmOrderID, ev
	})
}

// recordEvent reads the record at k into rec; unless its event is later than ev, it applies
// ev with set and returns the operations storing it and making the order dirty.
func (r *Repo) recordEvent(ctx context.Context, crmOrderID int64, k store.Key, rec latest, ev Event, now time.Time, set func()) (Recording, error) {
	version, found, err := r.get(ctx, k, rec)
	if err != nil {
		return Recording{}, err
	}
	if stored := rec.latestEvent().OccurredAt; found && ev.OccurredAt.Before(stored) {
		return Recording{Stale: true, Newer: stored}, nil
	}
	set()
	op, err := save(k, version, rec)
	if err != nil {
		return Recording{}, err
	}
	if store.ItemSize(op.Item) > maxRecordSize {
		return Recording{}, ErrTooLarge
	}
	dirty, err := r.dirtyOp(ctx, crmOrderID, now)
	if err != nil {
		return Recording{}, err
	}
	return Recording{Ops: []store.Op{op, dirty}}, nil
}
