// Package staging keeps the pages of 1C's paged snapshots (catalog, stock, prices) until their
// consumers read them: each page's body is an object of the (private) staging blob store, and a
// manifest item of the store port records which pages of a snapshot arrived. When the last page
// arrives, the snapshot becomes the latest complete one of its kind, unless a snapshot that
// occurred later already is.
//
// Everything about a snapshot lives for Options.Retention after its first page arrived: the
// manifest expires then (complete or not, so incomplete snapshots simply vanish), so does the
// latest item that names it, and the staging bucket's lifecycle rule deletes the page objects
// after the same time. A snapshot is therefore readable as long as Latest returns it.
//
// Catalog pages are staged in a compact binary form (EncodeCatalogPage, CatalogReader) that the
// catalog builder decodes at millions of offers per second; stock and prices pages as JSON arrays
// of their rows (EncodeStockPage, DecodeStockPage, EncodePricesPage, DecodePricesPage).
package staging

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"unfbridge/shared/blob"
	"unfbridge/shared/onec"
	"unfbridge/shared/store"
)

// Kind is the kind of a paged snapshot.
type Kind string

// Kinds of snapshots.
const (
	Catalog Kind = "catalog"
	Stock   Kind = "stock"
	Prices  Kind = "prices"
)

// valid tells whether k is one of the kinds.
func (k Kind) valid() bool { return k == Catalog || k == Stock || k == Prices }

// contentType is the content type of the page objects of the kind.
func (k Kind) contentType() string {
	if k == Catalog {
		return blob.DefaultContentType
	}
	return "application/json"
}

// DefaultRetention is how long a snapshot is kept when Options.Retention is 0.
const DefaultRetention = 7 * 24 * time.Hour

// Errors of the repository. Test with errors.Is.
var (
	// ErrNoSnapshot: no complete snapshot of the kind is kept.
	ErrNoSnapshot = errors.New("staging: no complete snapshot")
	// ErrInvalidPage: a malformed Page, a page number outside its snapshot or an unknown Kind (a
	// programming error: the payload was not validated).
	ErrInvalidPage = errors.New("staging: invalid page")
	// ErrPagesMismatch is wrapped by a *PagesMismatchError.
	ErrPagesMismatch = errors.New("staging: page count differs from the snapshot's")
)

// PagesMismatchError is a page whose Pages differs from that of the pages of its snapshot
// received before: 1C reused a snapshot id for another snapshot.
type PagesMismatchError struct {
	// Pages is what the page says; Staged is what the snapshot's first page said.
	Pages, Staged int
}

func (e *PagesMismatchError) Error() string {
	return fmt.Sprintf("staging: the page says the snapshot has %d pages, its earlier pages said %d", e.Pages, e.Staged)
}

// Unwrap makes errors.Is(err, ErrPagesMismatch) true.
func (e *PagesMismatchError) Unwrap() error { return ErrPagesMismatch }

// Options tune a Repo.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Retention is how long a snapshot is kept after its first page arrived (see the package
	// documentation); 0 means DefaultRetention. The staging bucket's lifecycle rule must
	// delete page objects after the same time, not earlier.
	Retention time.Duration
}

// Repo is the repository of the staged snapshots.
type Repo struct {
	st    store.Store
	blobs blob.Store
	o     Options
}

// New returns the repository keeping manifests in st and page bodies in blobs.
func New(st store.Store, blobs blob.Store, o Options) *Repo {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Retention == 0 {
		o.Retention = DefaultRetention
	}
	return &Repo{st: st, blobs: blobs, o: o}
}

// Page describes one received page.
type Page struct {
	Kind   Kind
	Paging onec.Paging
	// OccurredAt is the occurredAt of the page's event; the snapshot occurred at the earliest
	// of its pages'.
	OccurredAt time.Time
	// Items is the number of products (catalog) or rows (stock, prices) on the page.
	Items int
	// Offers is, for the catalog, the number of products plus characteristics on the page.
	Offers int
}

// check reports a page the repository cannot stage.
func (p Page) check() error {
	pg := p.Paging
	switch {
	case !p.Kind.valid():
		return fmt.Errorf("%w: unknown kind %q", ErrInvalidPage, p.Kind)
	case !onec.ValidGUID(pg.SnapshotID):
		return fmt.Errorf("%w: snapshot id %q is not a GUID", ErrInvalidPage, pg.SnapshotID)
	case pg.Pages < 1 || pg.Pages > onec.MaxSnapshotPages || pg.Page < 1 || pg.Page > pg.Pages:
		return fmt.Errorf("%w: page %d of %d", ErrInvalidPage, pg.Page, pg.Pages)
	case p.OccurredAt.IsZero() || p.Items < 0 || p.Offers < 0:
		return fmt.Errorf("%w: occurredAt %v, %d items, %d offers", ErrInvalidPage, p.OccurredAt, p.Items, p.Offers)
	}
	return nil
}

// Staged tells what StagePage did.
type Staged struct {
	// Duplicate: this page was received before; nothing is written.
	Duplicate bool
	// Complete: this page completed the snapshot (never for a Duplicate).
	Complete bool
	// Superseded: the snapshot is complete, but one that occurred later is the latest, so this
	// one is not used.
	Superseded bool
	// Received and Pages are the number of pages received (this one included) and of pages of
	// the snapshot.
	Received, Pages int
	// Items and Offers are the totals of the pages received.
	Items, Offers int
}

// StagePage writes body under the page's object key and returns the store operations that record
// the page in its snapshot's manifest, conditioned on the manifest read, so that a concurrent
// change fails the caller's Write; the caller then calls StagePage again. A page received before
// is a Duplicate: no operations, nothing written. When the page completes the snapshot, the
// operations also make it the latest complete snapshot of its kind, unless one that occurred later
// is the latest (then Superseded). A page whose Pages differs from its snapshot's gives a
// *PagesMismatchError.
func (r *Repo) StagePage(ctx context.Context, p Page, body []byte) ([]store.Op, Staged, error) {
	if err := p.check(); err != nil {
		return nil, Staged{}, err
	}
	now := r.o.Now().UTC()
	mk := manifestKey(p.Kind, p.Paging.SnapshotID)
	m, version, err := r.manifest(ctx, mk)
	if err != nil {
		return nil, Staged{}, err
	}
	if version == 0 {
		m = newManifest(p, now.Add(r.o.Retention))
	}
	if m.Pages != p.Paging.Pages {
		return nil, Staged{}, &PagesMismatchError{Pages: p.Paging.Pages, Staged: m.Pages}
	}
	if m.has(p.Paging.Page) {
		return nil, m.staged(Staged{Duplicate: true}), nil
	}
	key := objectKey(p.Kind, p.Paging.SnapshotID, p.Paging.Page)
	if err := r.blobs.Put(ctx, key, bytes.NewReader(body), blob.PutOptions{ContentType: p.Kind.contentType()}); err != nil {
		return nil, Staged{}, fmt.Errorf("staging: write %s: %w", key, err)
	}
	m.add(p)
	st := Staged{Complete: m.complete()}
	var ops []store.Op
	if st.Complete {
		m.CompletedAt = now
		if ops, st.Superseded, err = r.latestOps(ctx, m.snapshot(p.Kind, p.Paging.SnapshotID), m.ExpiresAt); err != nil {
			return nil, Staged{}, err
		}
	}
	op, err := put(mk, version, m, m.ExpiresAt)
	if err != nil {
		return nil, Staged{}, err
	}
	return append(ops, op), m.staged(st), nil
}

// latestOps returns the operations that make snap the latest snapshot of its kind, or that only
// check that the latest one, which occurred later, stays (superseded).
func (r *Repo) latestOps(ctx context.Context, snap Snapshot, expiresAt time.Time) ([]store.Op, bool, error) {
	lk := latestKey(snap.Kind)
	var cur Snapshot
	version, err := r.get(ctx, lk, &cur)
	if err != nil {
		return nil, false, err
	}
	if version > 0 && cur.OccurredAt.After(snap.OccurredAt) {
		return []store.Op{store.Check(lk, store.IfVersion(version))}, true, nil
	}
	op, err := put(lk, version, snap, expiresAt)
	return []store.Op{op}, false, err
}

// Snapshot is a complete snapshot.
type Snapshot struct {
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`
	// Pages is the number of pages; Items and Offers are the totals of the pages (see Page).
	Pages  int `json:"pages"`
	Items  int `json:"items"`
	Offers int `json:"offers"`
	// OccurredAt is when 1C took the snapshot (its earliest page's event); it orders snapshots.
	OccurredAt time.Time `json:"occurredAt"`
	// CompletedAt is when its last page arrived.
	CompletedAt time.Time `json:"completedAt"`
}

// Latest returns the latest complete snapshot of a kind, or ErrNoSnapshot.
func (r *Repo) Latest(ctx context.Context, kind Kind) (Snapshot, error) {
	if !kind.valid() {
		return Snapshot{}, fmt.Errorf("%w: unknown kind %q", ErrInvalidPage, kind)
	}
	var snap Snapshot
	version, err := r.get(ctx, latestKey(kind), &snap)
	if err == nil && version == 0 {
		err = fmt.Errorf("%w of kind %s", ErrNoSnapshot, kind)
	}
	return snap, err
}

// Open opens page (1…s.Pages) of a snapshot for reading; the body is as staged: read a catalog
// page with NewCatalogReader, the others with DecodeStockPage and DecodePricesPage. A page whose
// object is gone gives an error wrapping blob.ErrNotFound.
func (r *Repo) Open(ctx context.Context, s Snapshot, page int) (io.ReadCloser, error) {
	if !s.Kind.valid() || !onec.ValidGUID(s.ID) || page < 1 || page > s.Pages {
		return nil, fmt.Errorf("%w: page %d of %s snapshot %s of %d pages", ErrInvalidPage, page, s.Kind, s.ID, s.Pages)
	}
	key := objectKey(s.Kind, s.ID, page)
	rc, _, err := r.blobs.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("staging: open %s: %w", key, err)
	}
	return rc, nil
}
