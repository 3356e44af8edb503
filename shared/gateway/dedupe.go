package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"unfbridge/shared/onec"
	"unfbridge/shared/store"
)

// dedupeTTL is how long an event's first answer is kept for its duplicates.
const dedupeTTL = 90 * 24 * time.Hour

// record is the dedupe record of an applied event: its first answer, repeated to duplicates.
type record struct {
	Type onec.EventType `json:"type"`
	// BodySHA256 is the hex SHA-256 of the first body, to notice a duplicate with other content.
	BodySHA256 string `json:"bodySha256"`
	// Status is the Result status (applied, ignored), for logs.
	Status string `json:"status"`
	// HTTPStatus and Body are the first answer, byte for byte.
	HTTPStatus int             `json:"httpStatus"`
	Body       json.RawMessage `json:"body"`
	ReceivedAt time.Time       `json:"receivedAt"`
}

// dedupeKey addresses the dedupe record of an event.
func dedupeKey(eventID string) store.Key {
	return store.Key{PK: "onec-event#" + eventID, SK: "event"}
}

// newRecord returns the dedupe record of an event answered with a.
func newRecord(ev onec.Envelope, bodyHash string, a Answer, now time.Time) (record, error) {
	body, err := json.Marshal(a)
	if err != nil {
		return record{}, fmt.Errorf("encode the answer to event %s: %w", ev.EventID, err)
	}
	return record{Type: ev.Type, BodySHA256: bodyHash, Status: a.Status, HTTPStatus: http.StatusOK, Body: body, ReceivedAt: now.UTC()}, nil
}

// put is the operation that stores the record of an event, unless one is stored already.
func (rec record) put(eventID string) (store.Op, error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return store.Op{}, fmt.Errorf("encode the dedupe record of event %s: %w", eventID, err)
	}
	k := dedupeKey(eventID)
	it := store.Item{PK: k.PK, SK: k.SK, Version: 1, Data: data, ExpiresAt: rec.ReceivedAt.Add(dedupeTTL)}
	return store.Put(it, store.IfNotExists()), nil
}

// answer returns the answer the record holds.
func (rec record) answer(duplicate bool) answer {
	return answer{status: rec.HTTPStatus, body: rec.Body, result: rec.Status, duplicate: duplicate}
}

// firstAnswer reads the dedupe record of an event; false when the event was not applied yet.
func (g *gateway) firstAnswer(ctx context.Context, eventID string) (record, bool, error) {
	it, err := g.Store.Get(ctx, dedupeKey(eventID))
	if errors.Is(err, store.ErrNotFound) {
		return record{}, false, nil
	}
	if err != nil {
		return record{}, false, fmt.Errorf("read the dedupe record of event %s: %w", eventID, err)
	}
	var rec record
	if err := json.Unmarshal(it.Data, &rec); err != nil {
		return record{}, false, fmt.Errorf("decode the dedupe record of event %s: %w", eventID, err)
	}
	return rec, true, nil
}
