package inbox_test

import (
	"errors"
	"slices"
	"testing"

	"unfbridge/infra/dynamodblocal"
	"unfbridge/shared/inbox"
	"unfbridge/shared/onec"
	"unfbridge/shared/store"
)

func TestEnqueueIdempotent(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		first := f.enqueue(upsert(1, "v1"))
		if !first.Queued || first.Superseded != "" || !validUUID(first.CommandID) {
			t.Fatalf("first enqueue: %+v", first)
		}
		again := f.enqueue(upsert(1, "v1"))
		if again.Queued || again.CommandID != first.CommandID {
			t.Fatalf("same content again: %+v", again)
		}
		ids, next := f.pullIDs("")
		f.ack(applied(ids[0], 1))
		// The same content with the reference 1C gave, or without one, is not queued again.
		withRef := upsert(1, "v1")
		ref := docRef(1)
		withRef.Order.Ref = &ref
		for _, p := range []inbox.Pending{upsert(1, "v1"), withRef} {
			if res := f.enqueue(p); res.Queued || res.CommandID != first.CommandID {
				t.Fatalf("unchanged order after the ack: %+v", res)
			}
		}
		if ids, _ := f.pullIDs(next); len(ids) != 0 || f.pendingCount() != 0 {
			t.Fatalf("commands after unchanged enqueues: %v, %d pending", ids, f.pendingCount())
		}
		// New messages are new content.
		warned := upsert(1, "v1")
		warned.Messages = []string{"Не найден товар: Чашка"}
		if res := f.enqueue(warned); !res.Queued || res.Superseded != "" {
			t.Fatalf("new messages: %+v", res)
		}
		// Force queues the same content again.
		warned.Force = true
		if res := f.enqueue(warned); !res.Queued {
			t.Fatalf("forced: %+v", res)
		}
	})
}

func TestEnqueueSupersedes(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		v1 := f.enqueue(upsert(1, "v1"))
		other := f.enqueue(upsert(2, "v1"))
		v2 := f.enqueue(upsert(1, "v2"))
		if !v2.Queued || v2.Superseded != v1.CommandID {
			t.Fatalf("v2: %+v, want it to supersede %s", v2, v1.CommandID)
		}
		if f.pendingCount() != 2 {
			t.Fatalf("pending = %d, want 2", f.pendingCount())
		}
		box := f.pull("", 0)
		if got := ids(box); !slices.Equal(got, []string{other.CommandID, v2.CommandID}) {
			t.Fatalf("pulled %v", got)
		}
		if o := orderOf(t, box.Commands[1]); o.Comment != "v2" {
			t.Fatalf("pulled comment %q", o.Comment)
		}
		// The content of a superseded command is not "the last one": it is queued again.
		if back := f.enqueue(upsert(1, "v1")); !back.Queued || back.Superseded != v2.CommandID {
			t.Fatalf("back to v1: %+v", back)
		}
		if s := f.state(1); s.PendingCommandID == v2.CommandID || s.LastStatus != inbox.StatusPending {
			t.Fatalf("state: %+v", s)
		}
	})
}

func TestEnqueueInvalid(t *testing.T) {
	f := newFixture(t, nil)
	order := upsert(1, "v1")
	wrongID := upsert(1, "v1")
	wrongID.CRMOrderID = 2
	for name, p := range map[string]inbox.Pending{
		"no id":         {Type: onec.CommandOrderUpsert, Order: order.Order},
		"no payload":    {Type: onec.CommandOrderUpsert, CRMOrderID: 1},
		"wrong payload": {Type: onec.CommandOrderCancel, CRMOrderID: 1, Order: order.Order},
		"other order":   wrongID,
		"unknown type":  {Type: "order.archive", CRMOrderID: 1, Cancel: &onec.Cancel{CRMOrderID: 1}},
	} {
		if _, err := f.in.Enqueue(t.Context(), p); !errors.Is(err, inbox.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func ids(box onec.Inbox) []string {
	out := make([]string, len(box.Commands))
	for i, c := range box.Commands {
		out[i] = c.CommandID
	}
	return out
}

func validUUID(s string) bool { return onec.ValidGUID(s) && s[14] == '4' }
