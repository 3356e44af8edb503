package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"unfbridge/shared/store"
)

func TestItemSizeCountsNamesAndValues(t *testing.T) {
	it := store.Item{PK: "ab", SK: "c", Version: 1}
	if got, want := store.ItemSize(it), len("pk")+2+len("sk")+1+len("ver")+21; got != want {
		t.Fatalf("size %d, want %d", got, want)
	}
	it.Data = []byte("12345")
	it.ExpiresAt = time.Unix(1, 0)
	if got, want := store.ItemSize(it), len("pk")+2+len("sk")+1+len("ver")+21+len("data")+5+len("ttl")+21; got != want {
		t.Fatalf("size %d, want %d", got, want)
	}
}

func TestItemTooLargeMessage(t *testing.T) {
	it := store.Item{PK: "x", SK: "y", Data: make([]byte, store.MaxItemSize)}
	err := store.ValidateOp(store.Put(it, store.Condition{}))
	if !errors.Is(err, store.ErrItemTooLarge) {
		t.Fatalf("got %v, want ErrItemTooLarge", err)
	}
	want := `store: item too large: pk="x" sk="y" is 409634 bytes, over the 409600-byte limit`
	if err.Error() != want {
		t.Fatalf("message %q, want %q", err, want)
	}
}

func TestParseQuery(t *testing.T) {
	p, err := store.ParseQuery(store.Query{PK: "p", Prefix: "a"})
	if err != nil || p.Limit != store.DefaultQueryLimit || p.AfterSK != "" {
		t.Fatalf("got %+v, %v; want the default limit and no cursor", p, err)
	}
	p, err = store.ParseQuery(store.Query{PK: "p", Prefix: "a", After: store.EncodeCursor("ab/é")})
	if err != nil || p.AfterSK != "ab/é" {
		t.Fatalf("got %+v, %v; want the cursor decoded", p, err)
	}
	for _, sk := range []string{"a", "a5", "b"} {
		p, _ := store.ParseQuery(store.Query{PK: "p", From: "a1", To: "a9"})
		if want := sk == "a5"; p.InRange(sk) != want {
			t.Errorf("InRange(%q) = %v, want %v", sk, !want, want)
		}
	}
}

func TestDecodeCursorRefusesGarbage(t *testing.T) {
	for _, c := range []string{"%%%", "", store.EncodeCursor("a\x00"), store.EncodeCursor(strings.Repeat("s", store.MaxSKLen+1))} {
		if _, err := store.DecodeCursor(c); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("cursor %q: got %v, want ErrInvalid", c, err)
		}
	}
}

func TestRoundExpiry(t *testing.T) {
	base := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := map[time.Time]time.Time{
		{}:                               {},
		base:                             base,
		base.Add(time.Nanosecond):        base.Add(time.Second),
		base.Add(999 * time.Millisecond): base.Add(time.Second),
		time.Unix(-2, 1):                 time.Unix(-1, 0).UTC(),
	}
	for in, want := range cases {
		if got := store.RoundExpiry(in); !got.Equal(want) || got.IsZero() != want.IsZero() {
			t.Errorf("RoundExpiry(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestExpired(t *testing.T) {
	now := time.Now()
	cases := []struct {
		expiresAt time.Time
		want      bool
	}{{time.Time{}, false}, {now.Add(time.Second), false}, {now, true}, {now.Add(-time.Second), true}}
	for _, c := range cases {
		if got := (store.Item{ExpiresAt: c.expiresAt}).Expired(now); got != c.want {
			t.Errorf("expires %v, now %v: Expired = %v, want %v", c.expiresAt, now, got, c.want)
		}
	}
}
