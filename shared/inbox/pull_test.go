package inbox_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"unfbridge/infra/dynamodblocal"
	"unfbridge/shared/inbox"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/store"
)

func TestPullOrderAndLimit(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		var want []string
		for id := int64(1); id <= 5; id++ {
			want = append(want, f.enqueue(upsert(id, "v1")).CommandID)
		}
		var got []string
		cursors := []string{""}
		for range 3 {
			box := f.pull(cursors[len(cursors)-1], 2)
			got = append(got, ids(box)...)
			cursors = append(cursors, box.Next)
		}
		if !slices.Equal(got, want) || !slices.Equal(cursors, []string{"", "2", "4", "5"}) {
			t.Fatalf("pulled %v with cursors %q, want %v", got, cursors, want)
		}
		if box := f.pull("5", 0); len(box.Commands) != 0 || box.Next != "5" {
			t.Fatalf("pull after the last: %+v", box)
		}
		// From the start (1C lost its cursor) every pending command comes again.
		if got, next := f.pullIDs(""); !slices.Equal(got, want) || next != "5" {
			t.Fatalf("pull from the start: %v %q", got, next)
		}
	})
}

func TestPullNeverDeliveredWhateverTheCursor(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		a := f.enqueue(upsert(1, "v1"))
		b := f.enqueue(upsert(2, "v1"))
		got, next := f.pullIDs("1")
		if !slices.Equal(got, []string{a.CommandID, b.CommandID}) || next != "2" {
			t.Fatalf("pulled %v, next %q", got, next)
		}
	})
}

func TestPullCursor(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		for _, bad := range []string{"abc", "-1", "+1", "1.5", " 1", "1 ", "0x10", "1_0", "99999999999999999999"} {
			if _, err := f.in.Pull(t.Context(), bad, 0); !errors.Is(err, inbox.ErrBadCursor) {
				t.Errorf("cursor %q: %v", bad, err)
			}
		}
		first := f.enqueue(upsert(1, "v1"))
		// A cursor beyond the last command (the store was replaced) starts over.
		if got, next := f.pullIDs("1000"); !slices.Equal(got, []string{first.CommandID}) || next != "1" {
			t.Fatalf("pull after a foreign cursor: %v %q", got, next)
		}
		if got, next := f.pullIDs("1"); len(got) != 0 || next != "1" {
			t.Fatalf("pull after the corrected cursor: %v %q", got, next)
		}
	})
}

func TestPullLimits(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		for id := int64(1); id <= inbox.MaxPullLimit+1; id++ {
			f.enqueue(upsert(id, "v1"))
		}
		if n := len(f.pull("", 0).Commands); n != inbox.DefaultPullLimit {
			t.Fatalf("default limit: %d commands", n)
		}
		if n := len(f.pull("", 1000).Commands); n != inbox.MaxPullLimit {
			t.Fatalf("limit over the maximum: %d commands", n)
		}
	})
}

func TestRedelivery(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		cmd := f.enqueue(upsert(1, "v1"))
		later := f.enqueue(upsert(2, "v1"))
		got, next := f.pullIDs("")
		if len(got) != 2 || next != "2" || f.state(1).LastStatus != inbox.StatusDelivered {
			t.Fatalf("first pull: %v %q %+v", got, next, f.state(1))
		}
		f.ack(applied(later.CommandID, 2))
		f.clock.Advance(inbox.DefaultRedeliverAfter - time.Second)
		if got, next := f.pullIDs(next); len(got) != 0 || next != "2" {
			t.Fatalf("before the timeout: %v %q", got, next)
		}
		f.clock.Advance(time.Second)
		if got, next := f.pullIDs(next); !slices.Equal(got, []string{cmd.CommandID}) || next != "2" {
			t.Fatalf("after the timeout: %v %q", got, next)
		}
		if s := f.state(1); s.Deliveries != 2 || s.PendingCommandID != cmd.CommandID {
			t.Fatalf("state: %+v", s)
		}
		if got, _ := f.pullIDs(next); len(got) != 0 {
			t.Fatalf("handed out again right after the redelivery: %v", got)
		}
		f.ack(applied(cmd.CommandID, 1))
		f.clock.Advance(time.Hour)
		if got, _ := f.pullIDs(next); len(got) != 0 || f.pendingCount() != 0 {
			t.Fatalf("acked commands handed out again: %v", got)
		}
	})
}

func TestRedeliverAfterOption(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		c := newClock()
		in := inbox.New(st, inbox.Options{RedeliverAfter: time.Minute, Now: c.Now})
		if _, err := in.Enqueue(t.Context(), upsert(1, "v1")); err != nil {
			t.Fatal(err)
		}
		for i, wait := range []time.Duration{0, time.Minute} {
			c.Advance(wait)
			box, err := in.Pull(t.Context(), "1", 0)
			if err != nil || len(box.Commands) != 1 {
				t.Fatalf("pull %d: %+v %v", i, box, err)
			}
		}
	})
}

func TestPaymentsDroppedOnceApplied(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		first := f.enqueue(upsert(1, "v1", onectest.Payment(11, "100.00")))
		_, next := f.pullIDs("")
		f.ack(applied(first.CommandID, 1))
		f.enqueue(upsert(1, "v2", onectest.Payment(11, "100.00"), onectest.Payment(12, "390.00")))
		box := f.pull(next, 0)
		o := orderOf(t, box.Commands[0])
		if len(o.Payments) != 1 || o.Payments[0].CRMPaymentID != 12 || o.Payments[0].Amount.String() != "390.00" {
			t.Fatalf("payments of the second command: %+v", o.Payments)
		}
		if got := f.state(1).AppliedPayments; !slices.Equal(got, []int64{11}) {
			t.Fatalf("applied payments: %v", got)
		}
		f.ack(applied(box.Commands[0].CommandID, 1))
		if got := f.state(1).AppliedPayments; !slices.Equal(got, []int64{11, 12}) {
			t.Fatalf("applied payments: %v", got)
		}
	})
}

func TestRefFilledFromLink(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		v1 := f.enqueue(upsert(1, "v1"))
		_, next := f.pullIDs("")
		v2 := f.enqueue(upsert(1, "v2")) // queued before 1C linked the order: no reference
		f.ack(applied(v1.CommandID, 1))  // the superseded command was applied meanwhile
		box := f.pull(next, 0)
		if len(box.Commands) != 1 || box.Commands[0].CommandID != v2.CommandID {
			t.Fatalf("pulled %v", ids(box))
		}
		if o := orderOf(t, box.Commands[0]); o.Ref == nil || *o.Ref != docRef(1) || o.Comment != "v2" {
			t.Fatalf("order of v2: ref %v comment %q", o.Ref, o.Comment)
		}
		// Queued after the link: the reference is stored with the command.
		f.enqueue(inbox.Pending{Type: onec.CommandOrderCancel, CRMOrderID: 1, Number: "1A",
			Cancel: &onec.Cancel{CRMOrderID: 1, Reason: "Заказ удалён в CRM"}})
		box = f.pull(box.Next, 0)
		var c onec.Cancel
		if err := json.Unmarshal(box.Commands[0].Payload, &c); err != nil || c.Ref == nil || *c.Ref != docRef(1) {
			t.Fatalf("cancel payload %s: %v", box.Commands[0].Payload, err)
		}
	})
}
