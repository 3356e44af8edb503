package sync_test

import (
	"context"
	"testing"

	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/runlog"
	"unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
)

// editHookCRM runs a hook before every order edit.
type editHookCRM struct {
	sync.CRM
	before func()
}

func (h *editHookCRM) EditOrder(ctx context.Context, ref retailcrm.Ref, o retailcrm.Order) (retailcrm.OrderResult, error) {
	h.before()
	return h.CRM.EditOrder(ctx, ref, o)
}

// beforeEdit makes the env's pusher run hook before its first order edit.
func (e *pushEnv) beforeEdit(hook func()) {
	connect, done := e.pusher.Connect, false
	e.pusher.Connect = func(accountURL, apiKey string) (sync.CRM, error) {
		crm, err := connect(accountURL, apiKey)
		return &editHookCRM{CRM: crm, before: func() {
			if !done {
				done = true
				hook()
			}
		}}, err
	}
}

// TestPushTwoDrainsAtOnce: a second push of the order while the first is sending finds it busy
// and sends nothing; the order is pushed once and left clean.
func TestPushTwoDrainsAtOnce(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	o := e.order1C()
	o.State = e.stateOf("assembling")
	e.postOrder(onec.TypeOrderPosted, o)
	var second runlog.Run
	e.beforeEdit(func() { second = e.drain() })
	first := e.drain()
	if second.Counts[sync.CountBusy] != 1 || first.Counts[sync.CountOrdersEdited] != 1 {
		t.Fatalf("first run %+v, second run %+v", first, second)
	}
	if edits := e.orderEdits(); len(edits) != 1 || e.crmOrder().Status != "assembling" {
		t.Fatalf("edits %v", edits)
	}
	if w, dirty := e.work(); dirty {
		t.Fatalf("still dirty: %+v", w)
	}
}

// TestPushNeverOvertakes: events e1 then e2 of one order; whether the push runs between them,
// while e2 arrives, or after both (e2 delivered first, e1 late), RetailCRM ends in e2's state.
func TestPushNeverOvertakes(t *testing.T) {
	events := func(e *pushEnv) (e1, e2 onec.Envelope) {
		o := e.order1C()
		o.State = e.stateOf("assembling")
		e1 = importtest.Event(onec.TypeOrderPosted, e.occurred(), *o.Ref, o)
		o.State = e.stateOf("delivering")
		lineOf(e.t, &o, kettle).Quantity, lineOf(e.t, &o, kettle).Total = qty("3"), money("7470.00")
		e2 = importtest.Event(onec.TypeOrderPosted, e.occurred(), *o.Ref, o)
		return e1, e2
	}
	for name, play := range map[string]func(e *pushEnv, e1, e2 onec.Envelope){
		"between": func(e *pushEnv, e1, e2 onec.Envelope) {
			e.applied(e.PostEvent(e.t, e1))
			e.drain()
			e.applied(e.PostEvent(e.t, e2))
			e.drain()
		},
		"during": func(e *pushEnv, e1, e2 onec.Envelope) {
			e.applied(e.PostEvent(e.t, e1))
			e.beforeEdit(func() { e.applied(e.PostEvent(e.t, e2)) })
			e.drain()
		},
		"late": func(e *pushEnv, e1, e2 onec.Envelope) {
			e.applied(e.PostEvent(e.t, e2))
			if a := e.PostEvent(e.t, e1); a.HTTPStatus != 200 || a.Answer.Status != "ignored" || !cyrillic(a.Answer.Message) {
				e.t.Fatalf("a stale event answered %+v", a)
			}
			e.drain()
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newPushEnv(t, importtest.Options{})
			e1, e2 := events(e)
			play(e, e1, e2)
			got := e.crmOrder()
			if got.Status != "delivering" || !itemOf(t, got, kettle).Quantity.Equal(dec("3")) {
				t.Fatalf("CRM order: status %s, items %+v", got.Status, got.Items)
			}
			if w, dirty := e.work(); dirty {
				t.Fatalf("still dirty: %+v", w)
			}
		})
	}
}
