package staging

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"unfbridge/infra/dynamodblocal"
	"unfbridge/shared/blob"
	"unfbridge/shared/blob/dirblob"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/store"
)

// clock is a test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a repository on a store and a folder of blobs.
type fixture struct {
	t     *testing.T
	st    store.Store
	blobs blob.Store
	clock *clock
	repo  *Repo
}

func newFixture(t *testing.T, st store.Store, retention time.Duration) *fixture {
	t.Helper()
	blobs, err := dirblob.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = blobs.Close() })
	c := &clock{t: time.Now().UTC().Truncate(time.Second)}
	return &fixture{t: t, st: st, blobs: blobs, clock: c, repo: New(st, blobs, Options{Now: c.Now, Retention: retention})}
}

// page describes page n of a snapshot of pages pages that occurred at occurred.
func page(kind Kind, id string, n, pages int, occurred time.Time) Page {
	return Page{Kind: kind, Paging: onec.Paging{SnapshotID: id, Page: n, Pages: pages, Full: true},
		OccurredAt: occurred, Items: n * 10, Offers: n * 100}
}

func body(p Page) []byte {
	return fmt.Appendf(nil, "%s page %d of %s", p.Kind, p.Paging.Page, p.Paging.SnapshotID)
}

// stage stages a page as the gateway does: it writes the operations of StagePage and, when a
// condition fails, calls StagePage again. It returns what the successful call staged.
func (f *fixture) stage(p Page, b []byte) Staged {
	f.t.Helper()
	st, err := stageRetrying(f.t.Context(), f.repo, f.st, p, b)
	if err != nil {
		f.t.Fatal(err)
	}
	return st
}

func stageRetrying(ctx context.Context, r *Repo, st store.Store, p Page, b []byte) (Staged, error) {
	for {
		ops, staged, err := r.StagePage(ctx, p, b)
		if err != nil || len(ops) == 0 {
			return staged, err
		}
		err = st.Write(ctx, ops)
		if !errors.Is(err, store.ErrConditionFailed) {
			return staged, err
		}
	}
}

// wantPage checks that page n of the snapshot reads back as want.
func (f *fixture) wantPage(s Snapshot, n int, want []byte) {
	f.t.Helper()
	rc, err := f.repo.Open(f.t.Context(), s, n)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(got, want) {
		f.t.Fatalf("page %d: %q, %v; want %q", n, got, err, want)
	}
}

func (f *fixture) latest(kind Kind) (Snapshot, bool) {
	f.t.Helper()
	s, err := f.repo.Latest(f.t.Context(), kind)
	if errors.Is(err, ErrNoSnapshot) {
		return Snapshot{}, false
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return s, true
}

func TestPagesOutOfOrderWithDuplicates(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, 0)
		id := onectest.GUID()
		base := f.clock.Now().Add(-time.Hour)
		// Page 3 occurred first: the snapshot occurred when its earliest page did.
		occurred := map[int]time.Time{1: base.Add(time.Minute), 2: base.Add(2 * time.Minute), 3: base}
		steps := []struct {
			page     int
			received int
			dup      bool
		}{{3, 1, false}, {1, 2, false}, {1, 2, true}, {3, 2, true}, {2, 3, false}, {2, 3, true}}
		for _, s := range steps {
			p := page(Catalog, id, s.page, 3, occurred[s.page])
			b := body(p)
			if s.dup {
				b = []byte("another body")
			}
			f.clock.advance(time.Second)
			got := f.stage(p, b)
			complete := s.received == 3 && !s.dup
			if got.Duplicate != s.dup || got.Complete != complete || got.Superseded || got.Received != s.received || got.Pages != 3 {
				t.Fatalf("page %d: %+v, want %d received, duplicate %v", s.page, got, s.received, s.dup)
			}
			if _, ok := f.latest(Catalog); ok != (s.received == 3) {
				t.Fatalf("after page %d: latest %v", s.page, ok)
			}
		}
		snap, _ := f.latest(Catalog)
		want := Snapshot{Kind: Catalog, ID: id, Pages: 3, Items: 60, Offers: 600, OccurredAt: base, CompletedAt: base.Add(time.Hour + 5*time.Second)}
		if !snap.OccurredAt.Equal(want.OccurredAt) || !snap.CompletedAt.Equal(want.CompletedAt) {
			t.Fatalf("times of %+v, want %+v", snap, want)
		}
		snap.OccurredAt, snap.CompletedAt = want.OccurredAt, want.CompletedAt
		if snap != want {
			t.Fatalf("latest %+v, want %+v", snap, want)
		}
		for n := 1; n <= 3; n++ {
			f.wantPage(snap, n, body(page(Catalog, id, n, 3, base)))
		}
		if _, ok := f.latest(Stock); ok {
			t.Fatal("a stock snapshot appeared")
		}
	})
}

// TestDuplicateWritesNothing checks that a page received before gives no operations and leaves
// its object alone.
func TestDuplicateWritesNothing(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, 0)
		p := page(Stock, onectest.GUID(), 1, 2, f.clock.Now())
		f.stage(p, body(p))
		ops, got, err := f.repo.StagePage(t.Context(), p, []byte("changed"))
		if err != nil || ops != nil || !got.Duplicate || got.Received != 1 || got.Items != 10 {
			t.Fatalf("duplicate: %v %+v %v", ops, got, err)
		}
		rc, _, err := f.blobs.Get(t.Context(), objectKey(Stock, p.Paging.SnapshotID, 1))
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		if b, _ := io.ReadAll(rc); !bytes.Equal(b, body(p)) {
			t.Fatalf("the object became %q", b)
		}
	})
}

// TestLastTwoPagesAtOnce stages the last two pages of a snapshot from the same manifest, as two
// gateways would: the second Write fails, its page is staged again and completes the snapshot.
func TestLastTwoPagesAtOnce(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, 0)
		id := onectest.GUID()
		now := f.clock.Now()
		f.stage(page(Prices, id, 1, 3, now), nil)
		ctx := t.Context()
		p2, p3 := page(Prices, id, 2, 3, now), page(Prices, id, 3, 3, now)
		ops2, st2, err2 := f.repo.StagePage(ctx, p2, body(p2))
		ops3, st3, err3 := f.repo.StagePage(ctx, p3, body(p3))
		if err2 != nil || err3 != nil || st2.Complete || st3.Complete {
			t.Fatalf("staged %+v %v, %+v %v", st2, err2, st3, err3)
		}
		if err := st.Write(ctx, ops2); err != nil {
			t.Fatal(err)
		}
		if err := st.Write(ctx, ops3); !errors.Is(err, store.ErrConditionFailed) {
			t.Fatalf("second write: %v, want a condition failure", err)
		}
		if _, ok := f.latest(Prices); ok {
			t.Fatal("latest set before the snapshot was complete")
		}
		if got := f.stage(p3, body(p3)); !got.Complete || got.Received != 3 {
			t.Fatalf("page 3 again: %+v", got)
		}
		snap, ok := f.latest(Prices)
		if !ok || snap.ID != id || snap.Items != 60 {
			t.Fatalf("latest %+v %v", snap, ok)
		}
		f.wantPage(snap, 3, body(p3))
	})
}

// TestConcurrentPages stages every page of snapshots at once: exactly one page completes each.
func TestConcurrentPages(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, 0)
		const pages = 6
		for range 3 {
			id := onectest.GUID()
			var completed atomic.Int32
			var wg sync.WaitGroup
			for n := 1; n <= pages; n++ {
				wg.Go(func() {
					p := page(Catalog, id, n, pages, f.clock.Now())
					got, err := stageRetrying(t.Context(), f.repo, st, p, body(p))
					if err != nil {
						t.Error(err)
					}
					if got.Complete {
						completed.Add(1)
					}
				})
			}
			wg.Wait()
			if n := completed.Load(); n != 1 {
				t.Fatalf("%d pages completed the snapshot", n)
			}
			if snap, ok := f.latest(Catalog); !ok || snap.ID != id || snap.Items != 10*pages*(pages+1)/2 {
				t.Fatalf("latest %+v %v", snap, ok)
			}
		}
	})
}

// complete stages a one-page snapshot that occurred at occurred.
func (f *fixture) complete(kind Kind, occurred time.Time) (string, Staged) {
	f.t.Helper()
	id := onectest.GUID()
	p := page(kind, id, 1, 1, occurred)
	return id, f.stage(p, body(p))
}

func TestLatestOrdering(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, 0)
		now := f.clock.Now()
		first, _ := f.complete(Stock, now.Add(-time.Hour))
		older, got := f.complete(Stock, now.Add(-2*time.Hour))
		if !got.Complete || !got.Superseded {
			t.Fatalf("older snapshot: %+v", got)
		}
		if snap, _ := f.latest(Stock); snap.ID != first {
			t.Fatalf("latest %s, want %s (not the older %s)", snap.ID, first, older)
		}
		same, got := f.complete(Stock, now.Add(-time.Hour))
		if got.Superseded {
			t.Fatalf("snapshot of the same time: %+v", got)
		}
		newer, _ := f.complete(Stock, now)
		if snap, _ := f.latest(Stock); snap.ID != newer {
			t.Fatalf("latest %s, want the newer %s (after %s)", snap.ID, newer, same)
		}
		if _, ok := f.latest(Prices); ok {
			t.Fatal("kinds share their latest snapshot")
		}
	})
}

// TestRetention checks the expiry of manifests and of the latest snapshot: Retention after the
// first page of the snapshot arrived.
func TestRetention(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, 0)
		start := f.clock.Now()
		want := store.RoundExpiry(start.Add(DefaultRetention))
		id := onectest.GUID()
		f.stage(page(Catalog, id, 2, 2, start), nil)
		wantExpiry := func(k store.Key) {
			t.Helper()
			it, err := st.Get(t.Context(), k)
			if err != nil || !it.ExpiresAt.Equal(want) {
				t.Fatalf("%s expires at %v (%v), want %v", k, it.ExpiresAt, err, want)
			}
		}
		wantExpiry(manifestKey(Catalog, id))
		f.clock.advance(time.Hour)
		f.stage(page(Catalog, id, 1, 2, start), nil)
		wantExpiry(manifestKey(Catalog, id))
		wantExpiry(latestKey(Catalog))
	})
}

// TestIncompleteSnapshotExpires waits for the manifest of an incomplete snapshot to expire: its
// last page then starts a new manifest instead of completing it.
func TestIncompleteSnapshotExpires(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		blobs, err := dirblob.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		r := New(st, blobs, Options{Retention: time.Second})
		id := onectest.GUID()
		if _, err := stageRetrying(t.Context(), r, st, page(Stock, id, 1, 2, time.Now()), nil); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2100 * time.Millisecond)
		got, err := stageRetrying(t.Context(), r, st, page(Stock, id, 2, 2, time.Now()), nil)
		if err != nil || got.Complete || got.Received != 1 {
			t.Fatalf("page 2 after expiry: %+v %v", got, err)
		}
	})
}

func TestPagesMismatch(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, 0)
		id := onectest.GUID()
		f.stage(page(Catalog, id, 1, 3, f.clock.Now()), nil)
		_, _, err := f.repo.StagePage(t.Context(), page(Catalog, id, 2, 4, f.clock.Now()), nil)
		mismatch, ok := errors.AsType[*PagesMismatchError](err)
		if !ok || !errors.Is(err, ErrPagesMismatch) || mismatch.Pages != 4 || mismatch.Staged != 3 {
			t.Fatalf("error %v", err)
		}
		if _, err := f.blobs.Stat(t.Context(), objectKey(Catalog, id, 2)); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("the mismatched page was written: %v", err)
		}
	})
}

func TestInvalidPagesAndOpens(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, 0)
		now := f.clock.Now()
		id := onectest.GUID()
		bad := []Page{
			page("orders", id, 1, 1, now),
			page(Catalog, "not-a-guid", 1, 1, now),
			page(Catalog, id, 0, 1, now),
			page(Catalog, id, 2, 1, now),
			page(Catalog, id, 1, onec.MaxSnapshotPages+1, now),
			page(Catalog, id, 1, 1, time.Time{}),
		}
		for _, p := range bad {
			if _, _, err := f.repo.StagePage(t.Context(), p, nil); !errors.Is(err, ErrInvalidPage) {
				t.Errorf("%+v: %v, want ErrInvalidPage", p, err)
			}
		}
		if _, err := f.repo.Latest(t.Context(), "orders"); !errors.Is(err, ErrInvalidPage) {
			t.Errorf("Latest of an unknown kind: %v", err)
		}
		snap := Snapshot{Kind: Catalog, ID: id, Pages: 2}
		for _, n := range []int{0, 3} {
			if _, err := f.repo.Open(t.Context(), snap, n); !errors.Is(err, ErrInvalidPage) {
				t.Errorf("Open page %d: %v, want ErrInvalidPage", n, err)
			}
		}
		if _, err := f.repo.Open(t.Context(), snap, 1); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Open of a missing page: %v, want blob.ErrNotFound", err)
		}
	})
}

func TestObjectKeys(t *testing.T) {
	id := "9b2f6c1e-3d4a-4b5c-8d7e-0f1a2b3c4d5e"
	for kind, want := range map[Kind]string{Catalog: "catalog/" + id + "/00001", Stock: "stock/" + id + "/00001", Prices: "prices/" + id + "/00001"} {
		if got := objectKey(kind, id, 1); got != want {
			t.Errorf("key %q, want %q", got, want)
		}
	}
	if got := objectKey(Catalog, id, onec.MaxSnapshotPages); got != "catalog/"+id+"/10000" {
		t.Errorf("key %q", got)
	}
}
