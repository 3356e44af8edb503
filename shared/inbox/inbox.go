// Package inbox is the 1C inbox on the storage port: the commands (orders to create, update or
// cancel) that 1C pulls from the bridge and acknowledges one by one. It is where "never lose or
// duplicate an order" is kept:
//
//   - Enqueue is idempotent per CRM order and content; a newer command for an order supersedes
//     its older pending one in the same all-or-nothing write.
//   - Every command gets a strictly increasing sequence number from a counter updated in the same
//     write as the command, so commands commit in sequence order and a reader that has seen
//     number n never misses a later command with a smaller one.
//   - Pull hands out the pending commands after 1C's cursor, and again those delivered but not
//     acknowledged within RedeliverAfter; a pending command never delivered is handed out
//     whatever the cursor says.
//   - Ack records what 1C did once: the link CRM order ↔ 1C document, the payments that became 1C
//     documents, the message for the user; a repeated ack changes nothing.
//
// Layout on the store (one item each, JSON data):
//
//	inbox                / seq       the sequence counter
//	inbox#pending        / <seq:020> a pending command (undelivered or delivered, not acked)
//	inbox-command#<id>   / command   the command index: id → order, sequence, payments, ack;
//	                                 it expires 90 days after the command left the pending set
//	inbox-order#<crmId>  / state     the order state: link, last command, last ack, payments
//	inbox-order#<crmId>  / content   the order's Content: the last upsert, or a push's echo
//	inbox-ref#<ref>      / order     the CRM order a 1C document is linked to
package inbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"unfbridge/shared/quarantine"
	"unfbridge/shared/store"
)

// Defaults and limits.
const (
	// DefaultRedeliverAfter is how long a delivered command waits for its ack before it is
	// handed out again.
	DefaultRedeliverAfter = 10 * time.Minute
	// DefaultPullLimit and MaxPullLimit bound the commands of one Pull.
	DefaultPullLimit = 50
	MaxPullLimit     = 200
	// indexTTL is how long the index of a command is kept once it left the pending set (acked
	// or superseded), for late and repeated acks.
	indexTTL = 90 * 24 * time.Hour
	// maxAttempts bounds how often an operation is tried again after meeting a concurrent change.
	// Every enqueue takes the next number from one counter: 8 busy concurrent enqueuers need up
	// to about 12 attempts in the tests.
	maxAttempts = 30
)

// Errors of the inbox. Test with errors.Is.
var (
	// ErrBadCursor is a Pull cursor that is not a decimal sequence number.
	ErrBadCursor = errors.New("inbox: malformed cursor")
	// ErrUnknownCommand is an ack of a command the inbox does not know (or no longer keeps).
	ErrUnknownCommand = errors.New("inbox: unknown command")
	// ErrConflictingAck is an ack with another status than the one the command was acked with.
	ErrConflictingAck = errors.New("inbox: conflicting ack")
	// ErrInvalid is a Pending that is not a well-formed command (a programming error).
	ErrInvalid = errors.New("inbox: invalid command")
)

// Options configure an Inbox. The zero value is usable.
type Options struct {
	// RedeliverAfter is how long a delivered command waits for its ack before it is handed out
	// again; default DefaultRedeliverAfter.
	RedeliverAfter time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Inbox is the 1C inbox on a store. It is safe for concurrent use, also by several processes
// sharing the store.
type Inbox struct {
	st         store.Store
	quarantine *quarantine.Repo
	redeliver  time.Duration
	now        func() time.Time
}

// New returns the inbox kept in st.
func New(st store.Store, o Options) *Inbox {
	if o.RedeliverAfter <= 0 {
		o.RedeliverAfter = DefaultRedeliverAfter
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Inbox{st: st, quarantine: quarantine.New(st), redeliver: o.RedeliverAfter, now: o.Now}
}

// retry runs op until it does not fail with store.ErrConditionFailed, at most maxAttempts times,
// sleeping a short random while between attempts so that concurrent writers spread out.
func retry[T any](ctx context.Context, what string, op func() (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		v, err := op()
		if !errors.Is(err, store.ErrConditionFailed) {
			return v, err
		}
		if attempt == maxAttempts {
			return v, fmt.Errorf("inbox: %s: still conflicting after %d attempts: %w", what, maxAttempts, err)
		}
		pause := time.Duration(rand.Int64N(int64(min(time.Millisecond<<attempt, 50*time.Millisecond))))
		select {
		case <-ctx.Done():
			return v, ctx.Err()
		case <-time.After(pause):
		}
	}
}
