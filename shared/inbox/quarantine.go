package inbox

import (
	"context"
	"fmt"
	"strings"

	"unfbridge/shared/onec"
	"unfbridge/shared/quarantine"
)

// settleQuarantine puts an order whose last command 1C refused in quarantine, and releases one
// whose last command 1C applied. An ack of a superseded command leaves the quarantine to the
// command that superseded it.
func (in *Inbox) settleQuarantine(ctx context.Context, a onec.Ack, idx commandIndex, last bool) error {
	if !last {
		return nil
	}
	switch a.Status {
	case onec.AckFailed:
		err := in.quarantine.Put(ctx, quarantine.Entry{CRMOrderID: idx.CRMOrderID, Number: idx.Number,
			Source: quarantine.Source1C, Reason: "1С не приняла заказ: " + strings.TrimSpace(a.Error),
			Updated: in.now().UTC()})
		if err != nil {
			return fmt.Errorf("inbox: quarantine order %d: %w", idx.CRMOrderID, err)
		}
	case onec.AckApplied:
		return in.release(ctx, idx)
	}
	return nil
}

// release takes the order of an applied command out of quarantine, unless its entry is a mapping
// failure newer than the command (the CRM order changed since and cannot be mapped: that entry
// stays).
func (in *Inbox) release(ctx context.Context, idx commandIndex) error {
	e, ok, err := in.quarantine.Get(ctx, idx.CRMOrderID)
	if err != nil {
		return fmt.Errorf("inbox: release order %d from quarantine: %w", idx.CRMOrderID, err)
	}
	if !ok || e.Source != quarantine.Source1C && e.Updated.After(idx.EnqueuedAt) {
		return nil
	}
	if err := in.quarantine.Release(ctx, idx.CRMOrderID); err != nil {
		return fmt.Errorf("inbox: release order %d from quarantine: %w", idx.CRMOrderID, err)
	}
	return nil
}
