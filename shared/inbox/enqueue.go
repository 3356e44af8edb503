package inbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"unfbridge/shared/onec"
	"unfbridge/shared/store"
)

// Pending is a command to queue for one CRM order.
type Pending struct {
	// Type is onec.CommandOrderUpsert or onec.CommandOrderCancel.
	Type       string
	CRMOrderID int64
	// Number is the CRM order number, for messages.
	Number string
	// Order is the payload of an upsert; its CRM.ID is CRMOrderID.
	Order *onec.Order
	// Cancel is the payload of a cancel; its CRMOrderID is CRMOrderID.
	Cancel *onec.Cancel
	// Messages are Russian warnings for the 1C user.
	Messages []string
	// Force queues the command even when its content is that of the last command (the retry of
	// an order 1C refused).
	Force bool
}

// Enqueued tells what Enqueue did.
type Enqueued struct {
	// CommandID is the id of the command queued, or of the last command when nothing was done.
	CommandID string
	// Queued is false when the content is that of the last command queued for the order
	// (pending, delivered or acked): nothing was done.
	Queued bool
	// Superseded is the id of the pending command the new one replaced; empty when none.
	Superseded string
}

// Enqueue queues a command for a CRM order, once per content: a command with the content of the
// order's last command, or of the order's echo of a push since (RecordPush), is not queued again
// (see Pending.Force). An upsert also becomes the order's Content. The content is the type, the
// payload and the messages, not the payload's 1C reference: Enqueue fills a missing reference
// from the order's link, so an unchanged order synced again after 1C linked it queues nothing.
// A new command supersedes the order's pending one.
func (in *Inbox) Enqueue(ctx context.Context, p Pending) (Enqueued, error) {
	if err := p.check(); err != nil {
		return Enqueued{}, err
	}
	hash, err := p.hash()
	if err != nil {
		return Enqueued{}, err
	}
	return retry(ctx, fmt.Sprintf("enqueue order %d", p.CRMOrderID), func() (Enqueued, error) {
		return in.enqueue(ctx, p, hash)
	})
}

// enqueue is one attempt of Enqueue: it reads the order state and the counter, and writes the
// counter, the command, its index, the order state and the removal of the superseded command
// all or nothing.
func (in *Inbox) enqueue(ctx context.Context, p Pending, hash string) (Enqueued, error) {
	var st orderState
	stVersion, found, err := in.load(ctx, stateKey(p.CRMOrderID), &st)
	if err != nil {
		return Enqueued{}, err
	}
	if found && !p.Force && st.unchanged(hash) {
		return Enqueued{CommandID: st.Last.ID}, nil
	}
	payload, err := p.payload(linkedRef(st.Link))
	if err != nil {
		return Enqueued{}, err
	}
	now := in.now().UTC()
	cmd := pendingCommand{ID: onec.NewGUID(), Type: p.Type, CRMOrderID: p.CRMOrderID, Payload: payload,
		Messages: messages(p.Messages), EnqueuedAt: now}
	res := Enqueued{CommandID: cmd.ID, Queued: true}
	var ops []store.Op
	if found && st.Last.Status == StatusPending {
		res.Superseded = st.Last.ID
		if ops, err = in.supersede(ctx, st.Last, now); err != nil {
			return Enqueued{}, err
		}
	}
	// The counter is read last, to keep the window for a concurrent enqueue small.
	var seq counter
	seqVersion, _, err := in.load(ctx, counterKey, &seq)
	if err != nil {
		return Enqueued{}, err
	}
	seq.Seq++
	idx := commandIndex{CRMOrderID: p.CRMOrderID, Seq: seq.Seq, Type: p.Type, Number: p.Number,
		EnqueuedAt: now, Payments: p.payments()}
	st.CRMOrderID, st.Number = p.CRMOrderID, p.Number
	st.Last = lastCommand{ID: cmd.ID, Seq: seq.Seq, Type: p.Type, Hash: hash, EnqueuedAt: now, Status: StatusPending}
	writes, err := saveAll(record{k: counterKey, version: seqVersion, v: seq}, record{k: pendingKey(seq.Seq), v: cmd},
		record{k: indexKey(cmd.ID), v: idx}, record{k: stateKey(p.CRMOrderID), version: stVersion, v: st})
	if err != nil {
		return Enqueued{}, err
	}
	ops = append(ops, writes...)
	if p.Order != nil {
		o := *p.Order
		o.Ref = nil
		content, err := put(contentKey(p.CRMOrderID), Content{CommandID: cmd.ID, Order: o})
		if err != nil {
			return Enqueued{}, err
		}
		ops = append(ops, content)
	}
	if err := in.st.Write(ctx, ops); err != nil {
		return Enqueued{}, fmt.Errorf("inbox: enqueue order %d: %w", p.CRMOrderID, err)
	}
	return res, nil
}

// supersede returns the operations that take the pending command old out of the pending set
// and let its index expire (it may still be acked meanwhile: 1C may have received it).
func (in *Inbox) supersede(ctx context.Context, old lastCommand, now time.Time) ([]store.Op, error) {
	ops := []store.Op{store.Delete(pendingKey(old.Seq), store.Condition{})}
	var idx commandIndex
	version, found, err := in.load(ctx, indexKey(old.ID), &idx)
	if err != nil || !found {
		return ops, err
	}
	op, err := save(indexKey(old.ID), version, idx, now.Add(indexTTL))
	return append(ops, op), err
}

// check tells whether p is a well-formed command.
func (p Pending) check() error {
	var problem string
	switch {
	case p.CRMOrderID <= 0:
		problem = "no CRM order id"
	case p.Type == onec.CommandOrderUpsert && (p.Order == nil || p.Cancel != nil):
		problem = "an upsert carries an Order and no Cancel"
	case p.Type == onec.CommandOrderUpsert && p.Order.CRM.ID != p.CRMOrderID:
		problem = fmt.Sprintf("the order payload is of CRM order %d", p.Order.CRM.ID)
	case p.Type == onec.CommandOrderCancel && (p.Cancel == nil || p.Order != nil):
		problem = "a cancel carries a Cancel and no Order"
	case p.Type == onec.CommandOrderCancel && p.Cancel.CRMOrderID != p.CRMOrderID:
		problem = fmt.Sprintf("the cancel payload is of CRM order %d", p.Cancel.CRMOrderID)
	case p.Type != onec.CommandOrderUpsert && p.Type != onec.CommandOrderCancel:
		problem = fmt.Sprintf("unknown type %q", p.Type)
	default:
		return nil
	}
	return fmt.Errorf("%w for CRM order %d: %s", ErrInvalid, p.CRMOrderID, problem)
}

// hash returns the hex SHA-256 of the command's content: type, payload without its 1C reference,
// messages.
func (p Pending) hash() (string, error) {
	payload, err := p.payload(noRef)
	if err != nil {
		return "", err
	}
	content, err := json.Marshal(struct {
		Type     string          `json:"type"`
		Payload  json.RawMessage `json:"payload"`
		Messages []string        `json:"messages"`
	}{p.Type, payload, messages(p.Messages)})
	if err != nil {
		return "", fmt.Errorf("inbox: hash the command of order %d: %w", p.CRMOrderID, err)
	}
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:]), nil
}

// payload returns the JSON payload, its 1C reference replaced by ref(reference given). The
// caller's payload is not changed.
func (p Pending) payload(ref func(*string) *string) (json.RawMessage, error) {
	var v any
	if p.Order != nil {
		o := *p.Order
		o.Ref = ref(o.Ref)
		v = o
	} else {
		c := *p.Cancel
		c.Ref = ref(c.Ref)
		v = c
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("inbox: encode the payload of order %d: %w", p.CRMOrderID, err)
	}
	return b, nil
}

// noRef drops a 1C reference.
func noRef(*string) *string { return nil }

// linkedRef returns a function that keeps a reference given and fills a missing one from link.
func linkedRef(link *Link) func(*string) *string {
	return func(ref *string) *string {
		if ref != nil || link == nil {
			return ref
		}
		r := link.Ref
		return &r
	}
}

// payments returns the CRM payment ids of an upsert.
func (p Pending) payments() []int64 {
	if p.Order == nil {
		return nil
	}
	ids := make([]int64, 0, len(p.Order.Payments))
	for _, pay := range p.Order.Payments {
		ids = append(ids, pay.CRMPaymentID)
	}
	return ids
}

// messages returns m, empty rather than nil.
func messages(m []string) []string {
	if m == nil {
		return []string{}
	}
	return m
}
