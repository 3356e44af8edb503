package sandbox

import (
	"slices"
	"sync"
	"time"
)

// limiter enforces a per-key request rate over a sliding one-second window and counts what it
// saw. Only accepted requests fill the window, so a client that keeps to the rate is never
// refused.
type limiter struct {
	rate int

	mu     sync.Mutex
	window map[string][]time.Time // accepted requests of the last second, oldest first
	seen   map[string]*keyCounts
}

type keyCounts struct {
	seconds map[time.Time]*SecondCount
	peak    int
}

func newLimiter(rate int) *limiter {
	return &limiter{rate: rate, window: map[string][]time.Time{}, seen: map[string]*keyCounts{}}
}

func (l *limiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	kc := l.seen[key]
	if kc == nil {
		kc = &keyCounts{seconds: map[time.Time]*SecondCount{}}
		l.seen[key] = kc
	}
	sec := now.Truncate(time.Second)
	bucket := kc.seconds[sec]
	if bucket == nil {
		bucket = &SecondCount{Second: sec}
		kc.seconds[sec] = bucket
	}
	w := l.window[key]
	for len(w) > 0 && !w[0].After(now.Add(-time.Second)) {
		w = w[1:]
	}
	if l.rate > 0 && len(w) >= l.rate {
		l.window[key] = w
		bucket.Refused++
		return false
	}
	l.window[key] = append(w, now)
	bucket.Accepted++
	kc.peak = max(kc.peak, len(l.window[key]))
	return true
}

// SecondCount is what one API key sent during one calendar second.
type SecondCount struct {
	// Second is the start of the second.
	Second time.Time
	// Accepted requests passed the rate limit; Refused ones were answered 503.
	Accepted, Refused int
}

// RateCounts returns, second by second in time order, the requests that reached the rate limit
// with the given key (requests with a missing or unknown key are not counted).
func (s *Sandbox) RateCounts(key string) []SecondCount {
	l := s.limiter
	l.mu.Lock()
	defer l.mu.Unlock()
	kc := l.seen[key]
	if kc == nil {
		return nil
	}
	out := make([]SecondCount, 0, len(kc.seconds))
	for _, c := range kc.seconds {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b SecondCount) int { return a.Second.Compare(b.Second) })
	return out
}

// PeakRate returns the largest number of accepted requests of the key within any sliding
// one-second window: the rate the sandbox actually served to it.
func (s *Sandbox) PeakRate(key string) int {
	l := s.limiter
	l.mu.Lock()
	defer l.mu.Unlock()
	if kc := l.seen[key]; kc != nil {
		return kc.peak
	}
	return 0
}
