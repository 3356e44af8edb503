package inbox_test

import (
	"testing"

	"unfbridge/infra/dynamodblocal"
	"unfbridge/shared/inbox"
	"unfbridge/shared/store"
)

// TestContentAndLinkIndex: an upsert becomes the order's content (without 1C reference); an
// applied ack links the 1C document to the CRM order.
func TestContentAndLinkIndex(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := t.Context()
		if _, found, err := f.in.Content(ctx, 12); found || err != nil {
			t.Fatalf("content before any command: %v %v", found, err)
		}
		p := upsert(12, "v1")
		ref := docRef(99)
		p.Order.Ref = &ref
		cmd := f.enqueue(p)
		c, found, err := f.in.Content(ctx, 12)
		if err != nil || !found || c.CommandID != cmd.CommandID || c.Order.Ref != nil || c.Order.Comment != "v1" {
			t.Fatalf("content %+v %v %v", c, found, err)
		}
		if _, linked, err := f.in.OrderOf(ctx, docRef(12)); linked || err != nil {
			t.Fatalf("linked before the ack: %v %v", linked, err)
		}
		f.pull("", 0)
		f.ack(applied(cmd.CommandID, 12))
		if id, linked, err := f.in.OrderOf(ctx, docRef(12)); !linked || id != 12 || err != nil {
			t.Fatalf("link of the document: %d %v %v", id, linked, err)
		}
	})
}

// TestRecordPush: a push's payments are never handed to 1C again; its echo counts as queued
// while the command it was computed against is the last one, and becomes the content.
func TestRecordPush(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := t.Context()
		cmd := f.enqueue(upsert(12, "v1"))
		echo := upsert(12, "v2")
		err := f.in.RecordPush(ctx, 12, inbox.Pushed{Payments: []int64{7, 5}, Echo: &echo, CommandID: cmd.CommandID})
		if err != nil {
			t.Fatal(err)
		}
		if s := f.state(12); len(s.AppliedPayments) != 2 || s.AppliedPayments[0] != 5 {
			t.Fatalf("applied payments %v", s.AppliedPayments)
		}
		if c, _, _ := f.in.Content(ctx, 12); c.CommandID != cmd.CommandID || c.Order.Comment != "v2" {
			t.Fatalf("content %+v", c)
		}
		if res := f.enqueue(upsert(12, "v2")); res.Queued || res.CommandID != cmd.CommandID {
			t.Fatalf("the echo was queued: %+v", res)
		}

		v3 := f.enqueue(upsert(12, "v3"))
		if !v3.Queued {
			t.Fatal("a real change was not queued")
		}
		if res := f.enqueue(upsert(12, "v2")); !res.Queued {
			t.Fatal("an echo of an older command kept a change from 1C")
		}
		stale := upsert(12, "v4")
		if err := f.in.RecordPush(ctx, 12, inbox.Pushed{Echo: &stale, CommandID: cmd.CommandID}); err != nil {
			t.Fatal(err)
		}
		if res := f.enqueue(upsert(12, "v4")); !res.Queued {
			t.Fatal("an echo computed against an older command was kept")
		}
	})
}
