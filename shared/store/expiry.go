package store

import "time"

// Expired tells whether the item is invisible at now: it has an ExpiresAt and now is not before it.
func (it Item) Expired(now time.Time) bool {
	return !it.ExpiresAt.IsZero() && !now.Before(it.ExpiresAt)
}

// RoundExpiry rounds an expiry up to the next whole second (in UTC); the zero time stays zero.
// Adapters store expiries this way, at DynamoDB TTL's granularity, so that an item never expires
// early and every adapter returns the same ExpiresAt.
func RoundExpiry(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	sec := t.Unix()
	if t.Nanosecond() > 0 {
		sec++
	}
	return time.Unix(sec, 0).UTC()
}
