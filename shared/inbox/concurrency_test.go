package inbox_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"unfbridge/infra/dynamodblocal"
	"unfbridge/shared/inbox"
	"unfbridge/shared/onec"
	"unfbridge/shared/store"
)

// TestConcurrentEnqueueAndPull runs 8 enqueuers on orders of their own and on shared orders
// while two pullers, each with its own cursor, pull and ack like 1C. A command a puller receives
// for the first time must come after its cursor (commit order = sequence order: nothing is
// skipped), and at the end the last command of every order must have been delivered and
// applied.
func TestConcurrentEnqueueAndPull(t *testing.T) {
	const enqueuers, rounds, pullers = 8, 6, 2
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		in := inbox.New(st, inbox.Options{RedeliverAfter: time.Hour})
		var enqueued sync.WaitGroup
		for e := range enqueuers {
			enqueued.Go(func() {
				for r := range rounds {
					// Own order, an order shared by half of the enqueuers, an order shared by all.
					crmID := []int64{int64(e + 1), int64(100 + e%2), 200}[r%3]
					if _, err := in.Enqueue(ctx, upsert(crmID, fmt.Sprintf("enqueuer %d round %d", e, r))); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		done := make(chan struct{})
		go func() { enqueued.Wait(); close(done) }()
		seen := make([]map[string]bool, pullers)
		var pulled sync.WaitGroup
		for p := range pullers {
			pulled.Go(func() { seen[p] = pullUntilDone(ctx, t, in, done) })
		}
		pulled.Wait()
		for _, crmID := range []int64{1, 2, 3, 4, 5, 6, 7, 8, 100, 101, 200} {
			s, ok, err := in.State(ctx, crmID)
			if err != nil || !ok || !seen[0][s.LastCommandID] && !seen[1][s.LastCommandID] || s.LastStatus != onec.AckApplied {
				t.Errorf("order %d: %+v %v %v", crmID, s, ok, err)
			}
		}
		if n, err := in.PendingCount(ctx); err != nil || n != 0 {
			t.Fatalf("pending: %d %v", n, err)
		}
	})
}

// pullUntilDone pulls and acks every command from its own cursor until done is closed and a
// pull brings nothing; it returns the ids of the commands received.
func pullUntilDone(ctx context.Context, t *testing.T, in *inbox.Inbox, done <-chan struct{}) map[string]bool {
	seen := map[string]bool{}
	cursor := ""
	for finished := false; ; {
		select {
		case <-done:
			finished = true
		default:
		}
		box, err := in.Pull(ctx, cursor, 7)
		if err != nil {
			t.Error(err)
			return seen
		}
		after, _ := strconv.ParseInt(cursor, 10, 64)
		for _, c := range box.Commands {
			seq, err := in.SeqOf(ctx, c.CommandID)
			if err != nil {
				t.Error(err)
				return seen
			}
			if seen[c.CommandID] || seq <= after {
				t.Errorf("command %s (seq %d) handed out again or after cursor %d", c.CommandID, seq, after)
			}
			seen[c.CommandID] = true
			if _, err := in.Ack(ctx, applied(c.CommandID, c.CRMOrderID)); err != nil {
				t.Error(err)
				return seen
			}
		}
		cursor = box.Next
		if finished && len(box.Commands) == 0 {
			return seen
		}
	}
}
