package sync_test

import (
	"strings"
	"testing"

	"unfbridge/shared/onec"
	"unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
)

// queued runs the history sync to the end and returns the commands it queued.
func (e *pushEnv) queued() int64 {
	e.t.Helper()
	var n int64
	for _, run := range e.SyncAll(e.t) {
		n += run.Counts[sync.CountQueued]
	}
	return n
}

// TestPushNoEcho: after a push, the history sync queues nothing for the order, even when a
// trigger reacting to the push changes it (history records of source "code"); a change of a
// CRM user is queued, with the pushed values; 1C posting what it got sends nothing back.
func TestPushNoEcho(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	o := e.order1C()
	o.State = e.stateOf("assembling")
	mugLine := lineOf(t, &o, mug)
	mugLine.Quantity, mugLine.Discount, mugLine.Total = qty("6"), money("60.00"), money("2280.00")
	e.postOrder(onec.TypeOrderPosted, o)
	e.drain()
	p := e.payment1C(onec.DocCardPayment, "300.00")
	e.postPayment(onec.TypePaymentPosted, p)
	e.drain()

	if n := e.queued(); n != 0 {
		t.Fatalf("the push's own changes queued %d commands", n)
	}
	if err := e.Sandbox.EditAsTrigger(int(e.order), `{"statusComment": "Пересчитано триггером"}`); err != nil {
		t.Fatal(err)
	}
	if n := e.queued(); n != 0 {
		t.Fatalf("a trigger's echo of the push queued %d commands", n)
	}

	if err := e.Sandbox.EditAsUser(int(e.order), 0, `{"managerComment": "Перезвонить вечером"}`); err != nil {
		t.Fatal(err)
	}
	if n := e.queued(); n != 1 {
		t.Fatalf("a CRM user's change queued %d commands, want 1", n)
	}
	e.Pull(t)
	got := e.order1C()
	if !strings.Contains(got.Comment, "Перезвонить вечером") || !lineOf(t, &got, mug).Quantity.Equal(dec("6")) ||
		*got.State != *o.State || len(e.Sim.Payments(e.order)) != 1 {
		t.Fatalf("1C order after the CRM change: %+v, payments %+v", got, e.Sim.Payments(e.order))
	}
	e.Sandbox.ResetRequests()
	e.postOrder(onec.TypeOrderPosted, got)
	e.drain()
	if edits := e.orderEdits(); len(edits) != 0 {
		t.Fatalf("1C posting what it got sent %v", edits)
	}
}
