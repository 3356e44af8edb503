package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"unfbridge/shared/onec"
	"unfbridge/shared/store"
)

// Content is what the bridge knows a CRM order holds, in 1C terms: the payload of the last
// order.upsert command queued for it, or, once the 1C → RetailCRM push changed the order since,
// the command the changed order maps to (see RecordPush).
type Content struct {
	// CommandID is the last order.upsert command queued.
	CommandID string `json:"commandId"`
	// Order has no 1C reference.
	Order onec.Order `json:"order"`
}

// echoMark is the content hash of the command a CRM order maps to after a push, valid while
// CommandID is the order's last command: the import queues nothing for that content.
type echoMark struct {
	CommandID string `json:"commandId"`
	Hash      string `json:"hash"`
}

// orderLink is the ref index: the CRM order a 1C document is linked to.
type orderLink struct {
	CRMOrderID int64 `json:"crmOrderId"`
}

func contentKey(crmOrderID int64) store.Key {
	return store.Key{PK: stateKey(crmOrderID).PK, SK: "content"}
}

func refKey(ref string) store.Key { return store.Key{PK: "inbox-ref#" + ref, SK: "order"} }

// put returns the operation that stores v at k whatever is there: records written in the same
// Write as the order state, whose version guards them.
func put(k store.Key, v any) (store.Op, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return store.Op{}, fmt.Errorf("inbox: encode %s: %w", k, err)
	}
	return store.Put(store.Item{PK: k.PK, SK: k.SK, Version: 1, Data: data}, store.Condition{}), nil
}

// Content returns what the bridge knows a CRM order holds; false when no order.upsert command
// was queued for it.
func (in *Inbox) Content(ctx context.Context, crmOrderID int64) (Content, bool, error) {
	var c Content
	_, found, err := in.load(ctx, contentKey(crmOrderID), &c)
	return c, found, err
}

// OrderOf returns the CRM order a 1C document (customer order) is linked to by an applied ack;
// false when it is linked to none.
func (in *Inbox) OrderOf(ctx context.Context, ref string) (int64, bool, error) {
	var l orderLink
	_, found, err := in.load(ctx, refKey(ref), &l)
	return l.CRMOrderID, found, err
}

// Pushed is what a push to RetailCRM changed in a CRM order.
type Pushed struct {
	// Payments are CRM payments made from 1C payment documents: 1C has a document for each, so
	// no command hands them to 1C again.
	Payments []int64
	// Echo, when not nil, is the command the order maps to after the push, computed against
	// Content of command CommandID: while that command is the order's last one, the import queues
	// nothing with Echo's content, and Echo's order becomes the Content.
	Echo      *Pending
	CommandID string
}

// RecordPush records what a push changed in a CRM order the inbox knows; an echo computed
// against a command that is no longer the last one is dropped.
func (in *Inbox) RecordPush(ctx context.Context, crmOrderID int64, p Pushed) error {
	var hash string
	if p.Echo != nil {
		if err := p.Echo.check(); err != nil {
			return err
		}
		if p.Echo.CRMOrderID != crmOrderID {
			return fmt.Errorf("%w: the echo of a push to order %d is of order %d", ErrInvalid, crmOrderID, p.Echo.CRMOrderID)
		}
		h, err := p.Echo.hash()
		if err != nil {
			return err
		}
		hash = h
	}
	_, err := retry(ctx, fmt.Sprintf("record the push of order %d", crmOrderID), func() (struct{}, error) {
		return struct{}{}, in.recordPush(ctx, crmOrderID, p, hash)
	})
	return err
}

// recordPush is one attempt of RecordPush.
func (in *Inbox) recordPush(ctx context.Context, crmOrderID int64, p Pushed, hash string) error {
	var st orderState
	version, found, err := in.load(ctx, stateKey(crmOrderID), &st)
	if err != nil || !found {
		return err
	}
	for _, id := range p.Payments {
		if i, applied := slices.BinarySearch(st.AppliedPayments, id); !applied {
			st.AppliedPayments = slices.Insert(st.AppliedPayments, i, id)
		}
	}
	var ops []store.Op
	if p.Echo != nil && st.Last.ID == p.CommandID && st.Last.Type == onec.CommandOrderUpsert {
		st.Echo = &echoMark{CommandID: p.CommandID, Hash: hash}
		o := *p.Echo.Order
		o.Ref = nil
		op, err := put(contentKey(crmOrderID), Content{CommandID: p.CommandID, Order: o})
		if err != nil {
			return err
		}
		ops = append(ops, op)
	}
	op, err := save(stateKey(crmOrderID), version, st, time.Time{})
	if err != nil {
		return err
	}
	if err := in.st.Write(ctx, append(ops, op)); err != nil {
		return fmt.Errorf("inbox: record the push of order %d: %w", crmOrderID, err)
	}
	return nil
}
