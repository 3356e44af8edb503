// Package ratelimit keeps the request budget of one RetailCRM API key, shared by every process
// and Lambda instance that uses the key, in the storage port (DynamoDB in production, bbolt
// locally).
//
// The budget hands out send slots spaced by an interval of 1s/rate plus a safety margin, so that
// no sliding one-second window on the server sees more than rate requests even when network
// delays shift arrivals a little. One item per key holds the theoretical arrival time (TAT) of
// the next free slot, as in GCRA without burst: a caller reads it, reserves max(TAT, now) with a
// conditional write that moves TAT one interval on (retrying when another caller won the race),
// then sleeps until its slot. A caller that wakes too late for its slot reserves a new one.
package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"unfbridge/shared/store"
)

// DefaultRate is RetailCRM's limit: 10 requests per second per key.
const DefaultRate = 10

// Margin widens the interval between slots (5%), covering network jitter and clock skew between
// instances.
const Margin = 0.05

// keepAfter is how long an item outlives its last reserved slot; by then it carries no
// information (a TAT in the past means a free budget) and the store drops it.
const keepAfter = time.Hour

// lateLimit is how long after its slot a request may still go. A late request narrows its
// gap to the requests after it; the margin absorbs Margin × 1s (50ms) of lateness, and half of
// that is left for sending the request and the network.
const lateLimit = 25 * time.Millisecond

// maxReservations bounds the slots one Wait reserves when it keeps waking late.
const maxReservations = 3

// maxConflictPause bounds the random pause after losing a reservation race.
const maxConflictPause = 2 * time.Millisecond

// Budget is the shared request budget of one API key. It is safe for concurrent use; every
// Budget of the same key on the same store shares one budget.
type Budget struct {
	st       store.Store
	key      store.Key
	interval time.Duration
}

// state is the stored item's data.
type state struct {
	// TAT is the next free slot, Unix nanoseconds.
	TAT int64 `json:"tat"`
}

// Key returns the store key of the budget of apiKey: pk "ratelimit#" + the first 16 hex digits
// of SHA-256(apiKey), sk "budget". The key itself is never stored.
func Key(apiKey string) store.Key {
	sum := sha256.Sum256([]byte(apiKey))
	return store.Key{PK: "ratelimit#" + hex.EncodeToString(sum[:8]), SK: "budget"}
}

// New returns the budget of apiKey on st at rate requests per second (0 means DefaultRate).
func New(st store.Store, apiKey string, rate float64) (*Budget, error) {
	switch {
	case st == nil:
		return nil, errors.New("ratelimit: no store")
	case apiKey == "":
		return nil, errors.New("ratelimit: empty API key")
	case rate < 0 || math.IsNaN(rate) || math.IsInf(rate, 0):
		return nil, fmt.Errorf("ratelimit: rate %v requests/s", rate)
	case rate == 0:
		rate = DefaultRate
	}
	interval := time.Duration(float64(time.Second) / rate * (1 + Margin))
	return &Budget{st: st, key: Key(apiKey), interval: interval}, nil
}

// Interval returns the spacing of slots: 1s/rate plus the margin.
func (b *Budget) Interval() time.Duration { return b.interval }

// Wait reserves the next free slot and sleeps until it. It fails without reserving when the
// slot lies beyond the context deadline, and with the context's error when ctx ends while
// waiting. When it wakes more than lateLimit after its slot (a busy CPU, a slow store), it
// gives the slot up and reserves another, up to maxReservations times.
func (b *Budget) Wait(ctx context.Context) error {
	for try := 1; ; try++ {
		slot, err := b.reserve(ctx)
		if err != nil {
			return err
		}
		if err := sleepUntil(ctx, slot); err != nil {
			return err
		}
		if time.Since(slot) <= lateLimit || try == maxReservations {
			return nil
		}
	}
}

// reserve moves the stored TAT one interval past max(TAT, now) and returns that slot.
func (b *Budget) reserve(ctx context.Context) (time.Time, error) {
	for {
		now := time.Now()
		cond, version, tat, err := b.load(ctx)
		if err != nil {
			return time.Time{}, err
		}
		slot := now
		if tat.After(now) {
			slot = tat
		}
		if deadline, ok := ctx.Deadline(); ok && slot.After(deadline) {
			return time.Time{}, fmt.Errorf("ratelimit: next free slot in %v is past the deadline: %w",
				slot.Sub(now).Round(time.Millisecond), context.DeadlineExceeded)
		}
		next := slot.Add(b.interval)
		data, err := json.Marshal(state{TAT: next.UnixNano()})
		if err != nil {
			return time.Time{}, fmt.Errorf("ratelimit: %w", err)
		}
		item := store.Item{PK: b.key.PK, SK: b.key.SK, Version: version, Data: data, ExpiresAt: next.Add(keepAfter)}
		err = b.st.Put(ctx, item, cond)
		switch {
		case err == nil:
			return slot, nil
		case !errors.Is(err, store.ErrConditionFailed):
			return time.Time{}, fmt.Errorf("ratelimit: reserve a slot: %w", err)
		}
		// Another caller reserved first: pause a little to spread contenders, then read again.
		if err := sleepUntil(ctx, time.Now().Add(rand.N(maxConflictPause))); err != nil {
			return time.Time{}, err
		}
	}
}

// load reads the budget: the condition and version for the next write, and the stored TAT
// (zero when there is no item or its data is unreadable, which the write then repairs).
func (b *Budget) load(ctx context.Context) (store.Condition, int64, time.Time, error) {
	it, err := b.st.Get(ctx, b.key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.IfNotExists(), 1, time.Time{}, nil
	case err != nil:
		return store.Condition{}, 0, time.Time{}, fmt.Errorf("ratelimit: read the budget: %w", err)
	}
	var s state
	var tat time.Time
	if json.Unmarshal(it.Data, &s) == nil && s.TAT > 0 {
		tat = time.Unix(0, s.TAT)
	}
	return store.IfVersion(it.Version), it.Version + 1, tat, nil
}

func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
