package staging

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"time"

	"unfbridge/shared/store"
)

// manifestKey addresses the manifest of a snapshot; latestKey the latest complete snapshot of a
// kind.
func manifestKey(kind Kind, id string) store.Key {
	return store.Key{PK: "staging#" + string(kind) + "#" + id, SK: "manifest"}
}

func latestKey(kind Kind) store.Key { return store.Key{PK: "staging#" + string(kind), SK: "latest"} }

// objectKey is the key of the object of a page: "catalog/<snapshot id>/00001".
func objectKey(kind Kind, id string, page int) string {
	return fmt.Sprintf("%s/%s/%05d", kind, id, page)
}

// manifest records the pages of a snapshot received so far.
type manifest struct {
	Pages int `json:"pages"`
	// Received is a bitmap of the pages received: page n is bit (n-1)%8 of byte (n-1)/8.
	Received []byte `json:"received"`
	// Items and Offers are the totals of the pages received (see Page).
	Items  int `json:"items"`
	Offers int `json:"offers"`
	// OccurredAt is the earliest occurredAt of the pages received.
	OccurredAt  time.Time `json:"occurredAt"`
	CompletedAt time.Time `json:"completedAt,omitzero"`
	// ExpiresAt is the item's expiry, not part of its data.
	ExpiresAt time.Time `json:"-"`
}

// newManifest returns the manifest of the snapshot of p, with no page received yet.
func newManifest(p Page, expiresAt time.Time) manifest {
	return manifest{Pages: p.Paging.Pages, Received: make([]byte, (p.Paging.Pages+7)/8),
		OccurredAt: p.OccurredAt, ExpiresAt: expiresAt}
}

func (m *manifest) has(page int) bool { return m.Received[(page-1)/8]&(1<<((page-1)%8)) != 0 }

// add records page p.
func (m *manifest) add(p Page) {
	m.Received[(p.Paging.Page-1)/8] |= 1 << ((p.Paging.Page - 1) % 8)
	m.Items += p.Items
	m.Offers += p.Offers
	if p.OccurredAt.Before(m.OccurredAt) {
		m.OccurredAt = p.OccurredAt
	}
}

// received counts the pages received.
func (m *manifest) received() int {
	n := 0
	for _, b := range m.Received {
		n += bits.OnesCount8(b)
	}
	return n
}

func (m *manifest) complete() bool { return m.received() == m.Pages }

// staged completes st with the manifest's counts.
func (m *manifest) staged(st Staged) Staged {
	st.Received, st.Pages, st.Items, st.Offers = m.received(), m.Pages, m.Items, m.Offers
	return st
}

// snapshot describes the complete snapshot the manifest records.
func (m *manifest) snapshot(kind Kind, id string) Snapshot {
	return Snapshot{Kind: kind, ID: id, Pages: m.Pages, Items: m.Items, Offers: m.Offers,
		OccurredAt: m.OccurredAt, CompletedAt: m.CompletedAt}
}

// manifest reads the manifest at k and its version; version 0 when there is none.
func (r *Repo) manifest(ctx context.Context, k store.Key) (manifest, int64, error) {
	var m manifest
	it, err := r.item(ctx, k, &m)
	if err != nil || it.Version == 0 {
		return manifest{}, 0, err
	}
	if m.Pages < 1 || len(m.Received) != (m.Pages+7)/8 {
		return manifest{}, 0, fmt.Errorf("staging: %s: malformed manifest of %d pages with a %d-byte bitmap", k, m.Pages, len(m.Received))
	}
	m.ExpiresAt = it.ExpiresAt
	return m, it.Version, nil
}

// get reads the item at k into v and returns its version; 0 when there is none.
func (r *Repo) get(ctx context.Context, k store.Key, v any) (int64, error) {
	it, err := r.item(ctx, k, v)
	return it.Version, err
}

// item reads the item at k and decodes its data into v; the zero item when there is none.
func (r *Repo) item(ctx context.Context, k store.Key, v any) (store.Item, error) {
	it, err := r.st.Get(ctx, k)
	if errors.Is(err, store.ErrNotFound) {
		return store.Item{}, nil
	}
	if err != nil {
		return store.Item{}, fmt.Errorf("staging: read %s: %w", k, err)
	}
	if err := json.Unmarshal(it.Data, v); err != nil {
		return store.Item{}, fmt.Errorf("staging: decode %s: %w", k, err)
	}
	return it, nil
}

// put returns the operation that stores v at k over the version read (0: none stored), failing
// when the item changed meanwhile.
func put(k store.Key, version int64, v any, expiresAt time.Time) (store.Op, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return store.Op{}, fmt.Errorf("staging: encode %s: %w", k, err)
	}
	it := store.Item{PK: k.PK, SK: k.SK, Version: version + 1, Data: data, ExpiresAt: expiresAt}
	cond := store.IfVersion(version)
	if version == 0 {
		cond = store.IfNotExists()
	}
	return store.Put(it, cond), nil
}
