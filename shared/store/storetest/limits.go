package storetest

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"unfbridge/shared/store"
)

// sized returns the item with Data filled so that the item is size bytes.
func sized(it store.Item, size int) store.Item {
	it.Data = make([]byte, size-store.ItemSize(store.Item{PK: it.PK, SK: it.SK, ExpiresAt: it.ExpiresAt})-len("data"))
	for i := range it.Data {
		it.Data[i] = byte(i)
	}
	return it
}

// testItemSize checks the 400 KB item limit at its edge, with every attribute at its largest.
func testItemSize(t *testing.T, s store.Store) {
	ctx := t.Context()
	base := store.Item{PK: partition(t, ""), SK: "largest", Version: math.MinInt64, ExpiresAt: time.Now().Add(time.Hour)}
	largest := sized(base, store.MaxItemSize)
	if size := store.ItemSize(largest); size != store.MaxItemSize {
		t.Fatalf("test item is %d bytes, want %d", size, store.MaxItemSize)
	}
	noErr(t, s.Put(ctx, largest, store.IfNotExists()), "put an item of the largest size")
	wantItem(t, s, largest)
	largest.Version = math.MaxInt64
	noErr(t, s.Write(ctx, []store.Op{store.Put(largest, store.Condition{})}), "write an item of the largest size")
	wantItem(t, s, largest)

	base.SK = "over"
	over := sized(base, store.MaxItemSize+1)
	err := s.Put(ctx, over, store.Condition{})
	wantErr(t, err, store.ErrItemTooLarge, "put an item 1 byte over the limit")
	if limit := strconv.Itoa(store.MaxItemSize); !strings.Contains(err.Error(), limit) {
		t.Fatalf("error %q does not name the %s-byte limit", err, limit)
	}
	wantErr(t, s.Write(ctx, []store.Op{store.Put(over, store.Condition{})}), store.ErrItemTooLarge, "write an item over the limit")
	wantMissing(t, s, over.Key())

	// Eleven items of almost 400 KB are over the 4 MB limit of one write.
	ops := make([]store.Op, 11)
	for i := range ops {
		base.SK = "w" + strconv.Itoa(i)
		ops[i] = store.Put(sized(base, store.MaxItemSize-1), store.Condition{})
	}
	wantErr(t, s.Write(ctx, ops), store.ErrInvalid, "write of more than 4 MB")
	wantMissing(t, s, ops[0].Item.Key())
}

func testInvalidKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	pk := partition(t, "")
	for name, k := range map[string]store.Key{
		"empty pk":     {SK: "sk"},
		"empty sk":     {PK: pk},
		"NUL in pk":    {PK: pk + "\x00", SK: "sk"},
		"NUL in sk":    {PK: pk, SK: "s\x00k"},
		"non-UTF-8 pk": {PK: pk + "\xff", SK: "sk"},
		"non-UTF-8 sk": {PK: pk, SK: "\xc3"},
		"pk too long":  {PK: pk + strings.Repeat("p", store.MaxPKLen), SK: "sk"},
		"sk too long":  {PK: pk, SK: strings.Repeat("s", store.MaxSKLen+1)},
	} {
		it := store.Item{PK: k.PK, SK: k.SK, Version: 1}
		_, err := s.Get(ctx, k)
		wantErr(t, err, store.ErrInvalid, "get, "+name)
		wantErr(t, s.Put(ctx, it, store.Condition{}), store.ErrInvalid, "put, "+name)
		wantErr(t, s.Delete(ctx, k, store.Condition{}), store.ErrInvalid, "delete, "+name)
		wantErr(t, s.Write(ctx, []store.Op{store.Put(it, store.Condition{})}), store.ErrInvalid, "write, "+name)
	}
	wantErr(t, s.Put(ctx, store.Item{PK: pk, SK: "sk"}, store.Condition{Kind: -1}), store.ErrInvalid, "unknown condition")

	longest := store.Item{PK: pk + strings.Repeat("p", store.MaxPKLen-len(pk)), SK: strings.Repeat("é", store.MaxSKLen/2), Version: 1}
	longest.Data = []byte(longest.SK)
	noErr(t, s.Put(ctx, longest, store.IfNotExists()), "put with the longest keys")
	wantItem(t, s, longest)
	wantQuery(t, s, store.Query{PK: longest.PK, Prefix: longest.SK}, []string{longest.SK})
}

func testPing(t *testing.T, s store.Store) {
	noErr(t, s.Ping(t.Context()), "ping")
}
