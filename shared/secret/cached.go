package secret

import (
	"context"
	"sync"
	"time"
)

// Cached keeps the values read from a Store for ttl, so that hot paths (a token checked on every
// request) do not call the secret service each time. A Put through it refreshes its own copy;
// other processes see a change within ttl. Missing secrets are not cached.
type Cached struct {
	inner Store
	ttl   time.Duration
	now   func() time.Time

	mu      sync.Mutex
	entries map[string]cachedValue
	// puts counts the Puts, so that a read that overlapped one does not cache what it read.
	puts uint64
}

type cachedValue struct {
	value   string
	expires time.Time
}

// NewCached wraps inner with a cache of the given lifetime.
func NewCached(inner Store, ttl time.Duration) *Cached {
	return &Cached{inner: inner, ttl: ttl, now: time.Now, entries: map[string]cachedValue{}}
}

// Get returns the cached value while it is fresh, else reads inner. A value read while a Put
// completed is returned but not cached, as it may be older than the one put.
func (c *Cached) Get(ctx context.Context, name string) (string, error) {
	c.mu.Lock()
	e, ok := c.entries[name]
	puts := c.puts
	c.mu.Unlock()
	if ok && c.now().Before(e.expires) {
		return e.value, nil
	}
	v, err := c.inner.Get(ctx, name)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	if c.puts == puts {
		c.remember(name, v)
	}
	c.mu.Unlock()
	return v, nil
}

// Put writes through to inner and refreshes the cached value.
func (c *Cached) Put(ctx context.Context, name, value string) error {
	if err := c.inner.Put(ctx, name, value); err != nil {
		return err
	}
	c.mu.Lock()
	c.puts++
	c.remember(name, value)
	c.mu.Unlock()
	return nil
}

// remember caches the value; c.mu is held.
func (c *Cached) remember(name, value string) {
	c.entries[name] = cachedValue{value: value, expires: c.now().Add(c.ttl)}
}
