package storetest

import (
	"testing"
	"time"

	"unfbridge/shared/store"
)

func testGetPutDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	k := store.Key{PK: partition(t, ""), SK: "item"}
	wantMissing(t, s, k)

	first := store.Item{PK: k.PK, SK: k.SK, Version: 1, Data: []byte(`{"n":1}`)}
	noErr(t, s.Put(ctx, first, store.Condition{}), "put")
	wantItem(t, s, first)

	// Overwrite, with an expiry that is not a whole second: it is stored rounded up.
	second := store.Item{PK: k.PK, SK: k.SK, Version: 2, Data: []byte("two"),
		ExpiresAt: time.Now().Add(time.Hour).Truncate(time.Second).Add(time.Millisecond)}
	noErr(t, s.Put(ctx, second, store.Condition{}), "overwrite")
	wantItem(t, s, second)
	if got := mustGet(t, s, k).ExpiresAt; got.Before(second.ExpiresAt) || got.Nanosecond() != 0 {
		t.Fatalf("expiry %v is not %v rounded up to the second", got, second.ExpiresAt)
	}

	empty := store.Item{PK: k.PK, SK: "empty", Version: 7}
	noErr(t, s.Put(ctx, empty, store.Condition{}), "put without data")
	wantItem(t, s, empty)

	noErr(t, s.Delete(ctx, k, store.Condition{}), "delete")
	wantMissing(t, s, k)
	noErr(t, s.Delete(ctx, k, store.Condition{}), "delete a missing item")
}

func testConditionalPut(t *testing.T, s store.Store) {
	ctx := t.Context()
	k := store.Key{PK: partition(t, ""), SK: "item"}
	item := func(v int64) store.Item { return store.Item{PK: k.PK, SK: k.SK, Version: v, Data: []byte{byte(v)}} }

	wantErr(t, s.Put(ctx, item(1), store.IfExists()), store.ErrConditionFailed, "put if exists, missing")
	wantErr(t, s.Put(ctx, item(1), store.IfVersion(0)), store.ErrConditionFailed, "put if version 0, missing")
	wantMissing(t, s, k)

	noErr(t, s.Put(ctx, item(1), store.IfNotExists()), "put if not exists, missing")
	wantItem(t, s, item(1))
	wantErr(t, s.Put(ctx, item(9), store.IfNotExists()), store.ErrConditionFailed, "put if not exists, present")
	wantItem(t, s, item(1))

	noErr(t, s.Put(ctx, item(2), store.IfExists()), "put if exists, present")
	wantItem(t, s, item(2))

	wantErr(t, s.Put(ctx, item(3), store.IfVersion(1)), store.ErrConditionFailed, "put if version 1, at 2")
	wantItem(t, s, item(2))
	noErr(t, s.Put(ctx, item(3), store.IfVersion(2)), "put if version 2, at 2")
	wantItem(t, s, item(3))
}

func testConditionalDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	k := store.Key{PK: partition(t, ""), SK: "item"}

	wantErr(t, s.Delete(ctx, k, store.IfExists()), store.ErrConditionFailed, "delete if exists, missing")
	wantErr(t, s.Delete(ctx, k, store.IfVersion(1)), store.ErrConditionFailed, "delete if version, missing")
	noErr(t, s.Delete(ctx, k, store.IfNotExists()), "delete if not exists, missing")

	it := store.Item{PK: k.PK, SK: k.SK, Version: 1}
	noErr(t, s.Put(ctx, it, store.Condition{}), "put")
	wantErr(t, s.Delete(ctx, k, store.IfNotExists()), store.ErrConditionFailed, "delete if not exists, present")
	wantErr(t, s.Delete(ctx, k, store.IfVersion(2)), store.ErrConditionFailed, "delete if version 2, at 1")
	wantItem(t, s, it)
	noErr(t, s.Delete(ctx, k, store.IfVersion(1)), "delete if version 1, at 1")
	wantMissing(t, s, k)
}

// testExpired checks that an expired item is invisible and counts as absent for conditions.
func testExpired(t *testing.T, s store.Store) {
	ctx := t.Context()
	pk := partition(t, "")
	k := store.Key{PK: pk, SK: "expired"}
	expired := store.Item{PK: pk, SK: k.SK, Version: 5, Data: []byte("old"), ExpiresAt: time.Now().Add(-time.Hour)}
	noErr(t, s.Put(ctx, expired, store.Condition{}), "put an expired item")

	wantMissing(t, s, k)
	if page, err := s.Query(ctx, store.Query{PK: pk}); err != nil || len(page.Items) != 0 {
		t.Fatalf("query: got %d items, error %v; want none", len(page.Items), err)
	}
	wantErr(t, s.Put(ctx, expired, store.IfExists()), store.ErrConditionFailed, "put if exists")
	wantErr(t, s.Put(ctx, expired, store.IfVersion(5)), store.ErrConditionFailed, "put if version")
	wantErr(t, s.Delete(ctx, k, store.IfExists()), store.ErrConditionFailed, "delete if exists")
	wantErr(t, s.Write(ctx, []store.Op{store.Check(k, store.IfExists())}), store.ErrConditionFailed, "check if exists")

	fresh := store.Item{PK: pk, SK: k.SK, Version: 1, Data: []byte("new")}
	noErr(t, s.Put(ctx, fresh, store.IfNotExists()), "put if not exists over an expired item")
	wantItem(t, s, fresh)

	later := store.Item{PK: pk, SK: "later", Version: 1, ExpiresAt: time.Now().Add(time.Hour)}
	noErr(t, s.Put(ctx, later, store.IfNotExists()), "put an item expiring later")
	wantItem(t, s, later)
	later.Version = 2
	noErr(t, s.Put(ctx, later, store.IfVersion(1)), "put if version on an item expiring later")
	wantItem(t, s, later)
}
