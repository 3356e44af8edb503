package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"unfbridge/shared/store"
)

// Statuses of a command besides the ack statuses of onec (applied, failed, skipped).
const (
	// StatusPending: queued, not delivered to 1C yet.
	StatusPending = "pending"
	// StatusDelivered: handed out to 1C, not acknowledged yet.
	StatusDelivered = "delivered"
)

// Link is the 1C document a CRM order became, as 1C acknowledged it.
type Link struct {
	Ref    string `json:"ref"`
	Number string `json:"number"`
	// Date is the document date as 1C sent it (RFC 3339 with its offset).
	Date string `json:"date"`
}

// pendingCommand is a command in the pending set, with what 1C receives.
type pendingCommand struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	CRMOrderID int64           `json:"crmOrderId"`
	Payload    json.RawMessage `json:"payload"`
	Messages   []string        `json:"messages"`
	EnqueuedAt time.Time       `json:"enqueuedAt"`
	// DeliveredAt is when 1C last received the command; zero before the first delivery.
	DeliveredAt time.Time `json:"deliveredAt,omitzero"`
	// Attempts counts the deliveries.
	Attempts int `json:"attempts,omitempty"`
}

// commandIndex finds a command by its id, also once it left the pending set.
type commandIndex struct {
	CRMOrderID int64     `json:"crmOrderId"`
	Seq        int64     `json:"seq"`
	Type       string    `json:"type"`
	Number     string    `json:"number,omitempty"`
	EnqueuedAt time.Time `json:"enqueuedAt"`
	// Payments are the CRM payment ids the command carries.
	Payments []int64 `json:"payments,omitempty"`
	// Ack is what 1C answered; nil until it did.
	Ack *ackRecord `json:"ack,omitempty"`
}

// ackRecord is an ack as recorded.
type ackRecord struct {
	CommandID string    `json:"commandId"`
	Status    string    `json:"status"`
	Message   string    `json:"message"`
	Error     string    `json:"error,omitempty"`
	At        time.Time `json:"at"`
}

// lastCommand is the latest command queued for an order. Only the latest can be pending: a new
// one supersedes it.
type lastCommand struct {
	ID         string    `json:"id"`
	Seq        int64     `json:"seq"`
	Type       string    `json:"type"`
	Hash       string    `json:"hash"`
	EnqueuedAt time.Time `json:"enqueuedAt"`
	// Status is StatusPending until the command is acked, then the ack status.
	Status string `json:"status"`
}

// orderState is what the inbox knows of one CRM order.
type orderState struct {
	CRMOrderID int64       `json:"crmOrderId"`
	Number     string      `json:"number,omitempty"`
	Link       *Link       `json:"link,omitempty"`
	Last       lastCommand `json:"last"`
	LastAck    *ackRecord  `json:"lastAck,omitempty"`
	// AppliedPayments are the CRM payment ids 1C made documents of, ascending.
	AppliedPayments []int64 `json:"appliedPayments,omitempty"`
	// Echo is the content the order maps to after the last push; it counts as queued while its
	// command is Last.
	Echo *echoMark `json:"echo,omitempty"`
}

// unchanged tells whether a command of content hash queues nothing: the content is the last
// command's, or the order's echo of a push since.
func (st orderState) unchanged(hash string) bool {
	return st.Last.Hash == hash || st.Echo != nil && st.Echo.CommandID == st.Last.ID && st.Echo.Hash == hash
}

// counter is the sequence counter: the last number given out.
type counter struct {
	Seq int64 `json:"seq"`
}

// Keys of the records.
const (
	pendingPK = "inbox#pending"
	seqDigits = 20
)

var counterKey = store.Key{PK: "inbox", SK: "seq"}

func pendingKey(seq int64) store.Key {
	return store.Key{PK: pendingPK, SK: fmt.Sprintf("%0*d", seqDigits, seq)}
}

func indexKey(commandID string) store.Key {
	return store.Key{PK: "inbox-command#" + commandID, SK: "command"}
}

func stateKey(crmOrderID int64) store.Key {
	return store.Key{PK: "inbox-order#" + strconv.FormatInt(crmOrderID, 10), SK: "state"}
}

// load reads the record at k into v and returns its version; false when none is stored.
func (in *Inbox) load(ctx context.Context, k store.Key, v any) (int64, bool, error) {
	it, err := in.st.Get(ctx, k)
	if errors.Is(err, store.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("inbox: read %s: %w", k, err)
	}
	if err := json.Unmarshal(it.Data, v); err != nil {
		return 0, false, fmt.Errorf("inbox: decode %s: %w", k, err)
	}
	return it.Version, true, nil
}

// record is a record to store: v at k over the version read (0: none stored); expires, when not
// zero, is when it expires.
type record struct {
	k       store.Key
	version int64
	v       any
	expires time.Time
}

// saveAll returns the operations that store the records, each failing when its record changed
// since it was read.
func saveAll(records ...record) ([]store.Op, error) {
	ops := make([]store.Op, 0, len(records))
	for _, r := range records {
		op, err := save(r.k, r.version, r.v, r.expires)
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// save returns the operation that stores v at k over the version read (0: none stored), failing
// when the record changed meanwhile. expires, when not zero, is when the record expires.
func save(k store.Key, version int64, v any, expires time.Time) (store.Op, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return store.Op{}, fmt.Errorf("inbox: encode %s: %w", k, err)
	}
	cond := store.IfVersion(version)
	if version == 0 {
		cond = store.IfNotExists()
	}
	return store.Put(store.Item{PK: k.PK, SK: k.SK, Version: version + 1, Data: data, ExpiresAt: expires}, cond), nil
}
