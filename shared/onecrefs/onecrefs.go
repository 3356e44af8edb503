// Package onecrefs keeps the latest snapshot of the 1C reference lists (organizations,
// warehouses, price kinds, …) on the store port, so that settings are chosen from them and
// checked against them.
//
// The snapshot is one item, its data gzip-compressed JSON. Its version guards it: a save is a Put
// conditioned on the version read, so a concurrent save fails instead of being lost, and a
// snapshot older than the stored one is never applied.
package onecrefs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"unfbridge/shared/onec"
	"unfbridge/shared/store"
)

// key addresses the snapshot item.
var key = store.Key{PK: "onec-references", SK: "latest"}

// MaxCompressedSize is the largest compressed snapshot stored, in bytes; it leaves room under
// the store's item limit.
const MaxCompressedSize = 350 * 1024

// ErrTooLarge is wrapped by the *TooLargeError of a snapshot over MaxCompressedSize.
var ErrTooLarge = errors.New("onecrefs: snapshot too large")

// TooLargeError tells how large a refused snapshot is.
type TooLargeError struct {
	// Size and Limit are the compressed size and MaxCompressedSize, in bytes.
	Size, Limit int
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("onecrefs: compressed snapshot is %d bytes, over the %d-byte limit", e.Size, e.Limit)
}

// Unwrap makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

// Snapshot is one references.snapshot event as stored.
type Snapshot struct {
	EventID string `json:"eventId"`
	// OccurredAt is when 1C took the snapshot; it orders snapshots.
	OccurredAt time.Time `json:"occurredAt"`
	// ReceivedAt is when the bridge received it.
	ReceivedAt time.Time `json:"receivedAt"`
	// Infobase is the GUID of the 1C infobase.
	Infobase   string          `json:"infobase"`
	References onec.References `json:"references"`
}

// Repo is the repository of the latest snapshot.
type Repo struct {
	store store.Store
}

// New returns the repository on s.
func New(s store.Store) *Repo { return &Repo{store: s} }

// SaveOps returns the operations that store snap as the latest snapshot, for the caller to
// commit in its own Write (with the event's dedupe record). The Put is conditioned on the version
// read, so the Write fails with store.ErrConditionFailed when another save came first; the
// caller then calls SaveOps again. When the stored snapshot occurred later than snap, snap is
// stale: no operations. A snapshot over MaxCompressedSize gives a *TooLargeError. The caller
// validates snap beforehand.
func (r *Repo) SaveOps(ctx context.Context, snap Snapshot) (ops []store.Op, stale bool, err error) {
	data, err := encode(snap)
	if err != nil {
		return nil, false, err
	}
	if len(data) > MaxCompressedSize {
		return nil, false, &TooLargeError{Size: len(data), Limit: MaxCompressedSize}
	}
	cur, err := r.store.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return []store.Op{store.Put(store.Item{PK: key.PK, SK: key.SK, Version: 1, Data: data}, store.IfNotExists())}, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("onecrefs: read the latest snapshot: %w", err)
	}
	var stored struct {
		OccurredAt time.Time `json:"occurredAt"`
	}
	if err := decode(cur.Data, &stored); err != nil {
		return nil, false, err
	}
	if stored.OccurredAt.After(snap.OccurredAt) {
		return nil, true, nil
	}
	next := store.Item{PK: key.PK, SK: key.SK, Version: cur.Version + 1, Data: data}
	return []store.Op{store.Put(next, store.IfVersion(cur.Version))}, false, nil
}

// Latest returns the latest snapshot; false when none was ever saved.
func (r *Repo) Latest(ctx context.Context) (Snapshot, bool, error) {
	it, err := r.store.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return Snapshot{}, false, nil
	}
	if err != nil {
		return Snapshot{}, false, fmt.Errorf("onecrefs: read the latest snapshot: %w", err)
	}
	var snap Snapshot
	if err := decode(it.Data, &snap); err != nil {
		return Snapshot{}, false, err
	}
	return snap, true, nil
}
