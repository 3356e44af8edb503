package sync_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/push"
	"unfbridge/shared/settings"
	"unfbridge/shared/store"
	"unfbridge/shared/sync/importtest"
)

// wantNothingStored fails when an event left a dedupe record or any push state of the order.
func (e *pushEnv) wantNothingStored(eventID string) {
	e.t.Helper()
	if _, err := e.Store.Get(e.t.Context(), store.Key{PK: "onec-event#" + eventID, SK: "event"}); !errors.Is(err, store.ErrNotFound) {
		e.t.Errorf("dedupe record of %s: %v", eventID, err)
	}
	st, err := e.pusher.Push.Load(e.t.Context(), e.order)
	if err != nil || st.Order != nil || len(st.Payments) != 0 {
		e.t.Errorf("push state of the order: %+v, %v", st, err)
	}
	if w, dirty := e.work(); dirty {
		e.t.Errorf("the order is dirty: %+v", w)
	}
}

// wantRejected fails unless the event is answered with status and code and a Russian message,
// and left nothing.
func (e *pushEnv) wantRejected(ev onec.Envelope, status int, code string) {
	e.t.Helper()
	a := e.PostEvent(e.t, ev)
	if a.HTTPStatus != status || a.Error.Code != code || !cyrillic(a.Error.Message) {
		e.t.Fatalf("answer %d %+v, want %d %s with a Russian message", a.HTTPStatus, a.Error, status, code)
	}
	e.wantNothingStored(ev.EventID)
}

// wantIgnored fails unless the event is answered 200 "ignored" with a message holding want.
func (e *pushEnv) wantIgnored(ev onec.Envelope, want string) {
	e.t.Helper()
	a := e.PostEvent(e.t, ev)
	if a.HTTPStatus != http.StatusOK || a.Answer.Status != "ignored" || !strings.Contains(a.Answer.Message, want) {
		e.t.Fatalf("answer %d %+v, want ignored with %q", a.HTTPStatus, a.Answer, want)
	}
}

// TestPushEventsRefused: unknown orders and malformed amounts are refused with a Russian message,
// and nothing is stored.
func TestPushEventsRefused(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	o := e.order1C()
	unknown := o
	unknown.CRM.ID = 999999
	e.wantRejected(importtest.Event(onec.TypeOrderPosted, e.occurred(), *o.Ref, unknown), 422, "unknown_order")

	p := e.payment1C(onec.DocCashReceipt, "10.00")
	p.Order = onectest.GUID()
	e.wantRejected(importtest.Event(onec.TypePaymentPosted, e.occurred(), p.Ref, p), 422, "unknown_order")

	for name, change := range map[string]func(m map[string]any){
		"price not a number": func(m map[string]any) { m["items"].([]any)[0].(map[string]any)["price"] = "сто" },
		"negative discount":  func(m map[string]any) { m["items"].([]any)[0].(map[string]any)["discount"] = "-1.00" },
		"fractional kopecks": func(m map[string]any) { m["total"] = "490.005" },
		"zero quantity":      func(m map[string]any) { m["items"].([]any)[1].(map[string]any)["quantity"] = "0" },
		"no reference":       func(m map[string]any) { m["ref"] = nil },
	} {
		t.Run(name, func(t *testing.T) {
			var m map[string]any
			data, _ := json.Marshal(o)
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			change(m)
			e.wantRejected(importtest.Event(onec.TypeOrderPosted, e.occurred(), *o.Ref, m), 422, "validation_failed")
		})
	}
	bad := map[string]any{"ref": p.Ref, "document": p.Document, "number": p.Number, "date": p.Date, "posted": true,
		"amount": "1 000", "order": *o.Ref}
	e.wantRejected(importtest.Event(onec.TypePaymentPosted, e.occurred(), p.Ref, bad), 422, "validation_failed")
}

// TestPushEventsIgnored: an order born in 1C, a copy of a linked order, and every event while its
// flag is off are answered "ignored" and queue nothing; the run log says why an order is not
// exported.
func TestPushEventsIgnored(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	o := e.order1C()
	born := o
	ref := onectest.GUID()
	born.Ref, born.CRM = &ref, onec.CRMOrder{}
	e.wantIgnored(importtest.Event(onec.TypeOrderPosted, e.occurred(), ref, born), "создан в 1С")
	copied := o
	copied.Ref = &ref
	e.wantIgnored(importtest.Event(onec.TypeOrderPosted, e.occurred(), ref, copied), "связан с другим документом 1С")
	runs, err := e.pusher.Runs.Latest(t.Context(), push.Flow, 10)
	if err != nil || len(runs) != 2 || !strings.Contains(runs[1].Messages[0], "создан в 1С") {
		t.Fatalf("runs %+v, %v", runs, err)
	}

	e.change(func(s *settings.Settings) { s.Flags.ExportOrders, s.Flags.ExportPayments = false, false })
	ev := importtest.Event(onec.TypeOrderPosted, e.occurred(), *o.Ref, o)
	e.wantIgnored(ev, "выключена")
	p := e.payment1C(onec.DocCashReceipt, "10.00")
	e.wantIgnored(importtest.Event(onec.TypePaymentPosted, e.occurred(), p.Ref, p), "выключена")
	st, err := e.pusher.Push.Load(t.Context(), e.order)
	if w, dirty := e.work(); err != nil || dirty || st.Order != nil || len(st.Payments) != 0 {
		t.Fatalf("queued while off: %+v %+v %v", w, st, err)
	}
}

// TestPushEventsStaleAndDuplicate: an event older than the state stored for its document changes
// nothing; a duplicate gets the first answer.
func TestPushEventsStaleAndDuplicate(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	o := e.order1C()
	early := e.occurred()
	late := importtest.Event(onec.TypeOrderUnposted, e.occurred(), *o.Ref, o)
	first := e.applied(e.PostEvent(t, late))
	e.wantIgnored(importtest.Event(onec.TypeOrderPosted, early, *o.Ref, o), "более позднее состояние")
	if again := e.PostEvent(t, late); !again.Duplicate || again.Answer.EventID != first.Answer.EventID ||
		again.Answer.Message != first.Answer.Message {
		t.Fatalf("duplicate answered %+v, first %+v", again, first)
	}
	p := e.payment1C(onec.DocCashReceipt, "10.00")
	pEarly := e.occurred()
	e.postPayment(onec.TypePaymentDeleted, p)
	e.wantIgnored(importtest.Event(onec.TypePaymentPosted, pEarly, p.Ref, p), "более позднее состояние")

	st, err := e.pusher.Push.Load(t.Context(), e.order)
	if err != nil || st.Order.Desired.Kind != push.KindUnposted || st.Order.Desired.EventID != late.EventID ||
		len(st.Payments) != 1 || st.Payments[0].Desired.Kind != push.KindDeleted {
		t.Fatalf("push state %+v %v", st, err)
	}
}
