package storetest

import (
	"errors"
	"testing"

	"unfbridge/shared/store"
)

func testWrite(t *testing.T, s store.Store) {
	pk := partition(t, "")
	del := store.Item{PK: pk, SK: "del", Version: 1}
	chk := store.Item{PK: pk, SK: "chk", Version: 4, Data: []byte("checked")}
	seed(t, s, del, chk)

	put := store.Item{PK: pk, SK: "put", Version: 1, Data: []byte("new")}
	noErr(t, s.Write(t.Context(), []store.Op{
		store.Put(put, store.IfNotExists()),
		store.Delete(del.Key(), store.IfVersion(1)),
		store.Check(chk.Key(), store.IfVersion(4)),
	}), "write")
	wantItem(t, s, put)
	wantMissing(t, s, del.Key())
	wantItem(t, s, chk)
}

// testWriteConflict checks that one failed condition cancels the whole write and is named.
func testWriteConflict(t *testing.T, s store.Store) {
	pk := partition(t, "")
	keep := store.Item{PK: pk, SK: "keep", Version: 1}
	chk := store.Item{PK: pk, SK: "chk", Version: 1}
	seed(t, s, keep, chk)
	put := store.Item{PK: pk, SK: "put", Version: 1}
	changed := store.Item{PK: pk, SK: "keep", Version: 2}

	cases := []struct {
		ops   []store.Op
		index int
	}{
		{[]store.Op{
			store.Put(put, store.IfNotExists()),
			store.Delete(keep.Key(), store.IfExists()),
			store.Check(chk.Key(), store.IfVersion(2)),
		}, 2},
		{[]store.Op{
			store.Put(put, store.IfExists()),
			store.Put(changed, store.IfVersion(1)),
		}, 0},
		{[]store.Op{
			store.Check(chk.Key(), store.IfExists()),
			store.Put(changed, store.IfNotExists()),
			store.Put(put, store.Condition{}),
		}, 1},
	}
	for _, c := range cases {
		err := s.Write(t.Context(), c.ops)
		var conflict *store.WriteConflict
		if !errors.As(err, &conflict) || conflict.Index != c.index {
			t.Fatalf("write: got error %v, want a conflict of operation %d", err, c.index)
		}
		wantErr(t, err, store.ErrConditionFailed, "write conflict")
		wantMissing(t, s, put.Key())
		wantItem(t, s, keep)
		wantItem(t, s, chk)
	}
}

func testWriteMaxItems(t *testing.T, s store.Store) {
	pk := partition(t, "")
	sks := numbered("m", store.MaxWriteItems)
	ops := make([]store.Op, len(sks))
	for i, it := range items(pk, sks...) {
		ops[i] = store.Put(it, store.IfNotExists())
	}
	noErr(t, s.Write(t.Context(), ops), "write of the most operations")
	wantPages(t, s, store.Query{PK: pk, Limit: store.MaxWriteItems}, []int{store.MaxWriteItems}, sks)
}

func testWriteInvalid(t *testing.T, s store.Store) {
	pk := partition(t, "")
	a := store.Item{PK: pk, SK: "a", Version: 1}
	tooMany := make([]store.Op, store.MaxWriteItems+1)
	for i, it := range items(pk, numbered("n", len(tooMany))...) {
		tooMany[i] = store.Put(it, store.Condition{})
	}
	cases := map[string][]store.Op{
		"no operations":     nil,
		"too many":          tooMany,
		"same key twice":    {store.Put(a, store.Condition{}), store.Check(a.Key(), store.IfNotExists())},
		"invalid key":       {store.Put(a, store.Condition{}), store.Delete(store.Key{PK: pk}, store.Condition{})},
		"unknown kind":      {{Kind: store.OpCheck + 1, Item: a}},
		"unknown condition": {store.Put(a, store.Condition{Kind: store.VersionIs + 1})},
	}
	for name, ops := range cases {
		wantErr(t, s.Write(t.Context(), ops), store.ErrInvalid, name)
	}
	wantMissing(t, s, a.Key())
	wantQuery(t, s, store.Query{PK: pk}, nil)
}
