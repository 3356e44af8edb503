package secrettest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"unfbridge/shared/secret"
)

// counting is the adapter under test, counting the reads that reach it.
type counting struct {
	secret.Store
	gets atomic.Int64
}

func (c *counting) Get(ctx context.Context, name string) (string, error) {
	c.gets.Add(1)
	return c.Store.Get(ctx, name)
}

// wantGets checks how many reads reached the adapter so far.
func (c *counting) wantGets(t *testing.T, want int64, what string) {
	t.Helper()
	if got := c.gets.Load(); got != want {
		t.Fatalf("%s: %d reads reached the store, want %d", what, got, want)
	}
}

// testCached checks secret.Cached on the adapter: a fresh value is served without reading the
// adapter, a missing secret is not cached, a Put writes through, and the value is read again once
// the lifetime has passed.
func testCached(t *testing.T, s secret.Store) {
	name := secret.OnecToken
	inner := &counting{Store: s}
	c := secret.NewCached(inner, time.Hour)

	wantNotFound(t, c, name)
	wantNotFound(t, c, name)
	inner.wantGets(t, 2, "missing secret read twice")

	put(t, s, name, "v1")
	wantValue(t, c, name, "v1")
	put(t, s, name, "v2") // behind the cache's back
	wantValue(t, c, name, "v1")
	inner.wantGets(t, 3, "fresh value read twice")

	put(t, c, name, "v3")
	wantValue(t, s, name, "v3")
	wantValue(t, c, name, "v3")
	inner.wantGets(t, 3, "value put through the cache")

	const ttl = 20 * time.Millisecond
	short := secret.NewCached(inner, ttl)
	wantValue(t, short, name, "v3")
	put(t, s, name, "v4")
	time.Sleep(2 * ttl)
	wantValue(t, short, name, "v4")
	inner.wantGets(t, 5, "value read again after its lifetime")
}
