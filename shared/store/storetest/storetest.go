// Package storetest is the contract suite of store.Store: every adapter runs it, so that all
// adapters behave alike.
package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"unfbridge/shared/store"
)

// Run runs the contract suite. newStore returns the store a subtest works on; it is called once
// per subtest, from parallel subtests, and may return a fresh store or a shared one: every
// subtest writes only to partitions named after itself.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		run  func(*testing.T, store.Store)
	}{
		{"GetPutDelete", testGetPutDelete},
		{"ConditionalPut", testConditionalPut},
		{"ConditionalDelete", testConditionalDelete},
		{"Expired", testExpired},
		{"QueryPrefix", testQueryPrefix},
		{"QueryRange", testQueryRange},
		{"QueryPaging", testQueryPaging},
		{"QuerySkipsExpired", testQuerySkipsExpired},
		{"QueryDefaultLimit", testQueryDefaultLimit},
		{"QueryInvalid", testQueryInvalid},
		{"Write", testWrite},
		{"WriteConflict", testWriteConflict},
		{"WriteMaxItems", testWriteMaxItems},
		{"WriteInvalid", testWriteInvalid},
		{"RacePutIfNotExists", testRacePutIfNotExists},
		{"RaceVersion", testRaceVersion},
		{"ItemSize", testItemSize},
		{"InvalidKeys", testInvalidKeys},
		{"Ping", testPing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newStore(t))
		})
	}
}

// partition returns a partition key that only the calling test uses.
func partition(t *testing.T, suffix string) string {
	return "storetest/" + t.Name() + suffix
}

// seed stores the items unconditionally, in writes of at most store.MaxWriteItems.
func seed(t *testing.T, s store.Store, items ...store.Item) {
	t.Helper()
	for len(items) > 0 {
		n := min(len(items), store.MaxWriteItems)
		ops := make([]store.Op, n)
		for i, it := range items[:n] {
			ops[i] = store.Put(it, store.Condition{})
		}
		if err := s.Write(t.Context(), ops); err != nil {
			t.Fatalf("seed %d items: %v", n, err)
		}
		items = items[n:]
	}
}

// mustGet returns the live item at the key and fails the test without one.
func mustGet(t *testing.T, s store.Store, k store.Key) store.Item {
	t.Helper()
	it, err := s.Get(t.Context(), k)
	if err != nil {
		t.Fatalf("get %s: %v", k, err)
	}
	return it
}

// wantItem checks that the live item at want's key equals want, whose ExpiresAt is rounded as
// adapters store it.
func wantItem(t *testing.T, s store.Store, want store.Item) {
	t.Helper()
	if err := sameItem(mustGet(t, s, want.Key()), want); err != nil {
		t.Fatal(err)
	}
}

func sameItem(got, want store.Item) error {
	wantExp := store.RoundExpiry(want.ExpiresAt)
	switch {
	case got.Key() != want.Key():
		return fmt.Errorf("got key %s, want %s", got.Key(), want.Key())
	case got.Version != want.Version:
		return fmt.Errorf("%s: got version %d, want %d", want.Key(), got.Version, want.Version)
	case !bytes.Equal(got.Data, want.Data):
		return fmt.Errorf("%s: got data %q, want %q", want.Key(), got.Data, want.Data)
	case !got.ExpiresAt.Equal(wantExp):
		return fmt.Errorf("%s: got expiry %v, want %v", want.Key(), got.ExpiresAt, wantExp)
	}
	return nil
}

// wantMissing checks that no live item is at the key.
func wantMissing(t *testing.T, s store.Store, k store.Key) {
	t.Helper()
	if _, err := s.Get(t.Context(), k); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("get %s: got error %v, want ErrNotFound", k, err)
	}
}

// wantErr checks that err wraps target; what names the call for the message.
func wantErr(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

// noErr fails the test on an error; what names the call for the message.
func noErr(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
