package push_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"unfbridge/infra/dynamodblocal"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/push"
	"unfbridge/shared/store"
)

func TestMain(m *testing.M) { dynamodblocal.Main(m) }

const crmOrder = 138

var t0 = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func orderEvent(kind string, at time.Time) push.OrderEvent {
	o := onectest.Order(crmOrder)
	ref := onectest.GUID()
	o.Ref = &ref
	return push.OrderEvent{Event: push.Event{Kind: kind, EventID: onectest.GUID(), OccurredAt: at}, Order: o}
}

func paymentEvent(ref string, at time.Time) push.PaymentEvent {
	return push.PaymentEvent{Event: push.Event{Kind: push.KindPosted, EventID: onectest.GUID(), OccurredAt: at},
		Payment: onec.Payment{Ref: ref, Document: onec.DocCashReceipt, Number: "1", Date: "2026-11-29T10:00:00+03:00",
			Amount: onec.NewMoney(onectest.Order(crmOrder).Total.Decimal), Order: onectest.GUID()}}
}

// write applies a recording, failing the test on an error.
func write(t *testing.T, st store.Store, rec push.Recording, err error) {
	t.Helper()
	if err != nil || rec.Stale {
		t.Fatalf("recording %+v, %v", rec, err)
	}
	if err := st.Write(t.Context(), rec.Ops); err != nil {
		t.Fatal(err)
	}
}

func load(t *testing.T, r *push.Repo) push.Order {
	t.Helper()
	o, err := r.Load(t.Context(), crmOrder)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func work(t *testing.T, r *push.Repo) (push.Work, bool) {
	t.Helper()
	w, found, err := r.Work(t.Context(), crmOrder)
	if err != nil {
		t.Fatal(err)
	}
	return w, found
}

// TestEvents: the latest event of each document is its desired state and makes the order due;
// an older one is stale; operations computed before a concurrent event fail to write.
func TestEvents(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		ctx, r := t.Context(), push.New(st)
		first := orderEvent(push.KindPosted, t0)
		rec, err := r.OrderEventOps(ctx, crmOrder, first, t0)
		write(t, st, rec, err)
		if w, dirty := work(t, r); !dirty || !w.Due(t0) || w.Due(t0.Add(-time.Second)) || !w.Since.Equal(t0) {
			t.Fatalf("work %+v", w)
		}

		rec, err = r.OrderEventOps(ctx, crmOrder, orderEvent(push.KindPosted, t0.Add(-time.Minute)), t0)
		if err != nil || !rec.Stale || !rec.Newer.Equal(t0) || rec.Ops != nil {
			t.Fatalf("an older event: %+v %v", rec, err)
		}
		later := orderEvent(push.KindUnposted, t0.Add(time.Minute))
		pending, err := r.OrderEventOps(ctx, crmOrder, later, t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		concurrent := orderEvent(push.KindDeleted, t0.Add(2*time.Minute))
		rec, err = r.OrderEventOps(ctx, crmOrder, concurrent, t0.Add(2*time.Minute))
		write(t, st, rec, err)
		if err := st.Write(ctx, pending.Ops); !errors.Is(err, store.ErrConditionFailed) {
			t.Fatalf("operations of a stale read written: %v", err)
		}

		pay := paymentEvent(onectest.GUID(), t0)
		rec, err = r.PaymentEventOps(ctx, crmOrder, pay, t0.Add(3*time.Minute))
		write(t, st, rec, err)
		o := load(t, r)
		if o.Order == nil || o.Order.Desired.EventID != concurrent.EventID || o.Order.Desired.Kind != push.KindDeleted ||
			len(o.Payments) != 1 || o.Payments[0].Desired.EventID != pay.EventID || o.Payments[0].Desired.Payment.Ref != pay.Payment.Ref {
			t.Fatalf("loaded %+v", o)
		}
		if w, _ := work(t, r); !w.Since.Equal(t0) || !w.NextAt.Equal(t0.Add(3*time.Minute)) {
			t.Fatalf("work %+v", w)
		}
	})
}

// TestWork: a push cleans the order only when no event arrived since it read the work; failed
// attempts are counted and postponed, an event makes the order due again and keeps the count.
func TestWork(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		ctx, r := t.Context(), push.New(st)
		rec, err := r.OrderEventOps(ctx, crmOrder, orderEvent(push.KindPosted, t0), t0)
		write(t, st, rec, err)
		w, _ := work(t, r)
		if ok, err := r.Postpone(ctx, w, t0.Add(time.Minute), t0, "boom"); !ok || err != nil {
			t.Fatalf("postpone: %v %v", ok, err)
		}
		w, _ = work(t, r)
		if ok, err := r.Postpone(ctx, w, t0.Add(3*time.Minute), t0.Add(time.Minute), "boom again"); !ok || err != nil {
			t.Fatalf("postpone: %v %v", ok, err)
		}
		w, _ = work(t, r)
		if w.Attempts != 2 || !w.FailingSince.Equal(t0) || w.LastError != "boom again" || w.Due(t0.Add(2*time.Minute)) {
			t.Fatalf("work %+v", w)
		}
		ok, err := r.Postpone(ctx, w, t0, t0, "once")
		again, errAgain := r.Postpone(ctx, w, t0, t0, "twice")
		if !ok || again || err != nil || errAgain != nil {
			t.Fatalf("two postpones of one read: %v %v, %v %v", ok, err, again, errAgain)
		}

		w, _ = work(t, r)
		rec, err = r.OrderEventOps(ctx, crmOrder, orderEvent(push.KindPosted, t0.Add(time.Hour)), t0.Add(time.Hour))
		write(t, st, rec, err)
		if cleaned, err := r.Clean(ctx, w); cleaned || err != nil {
			t.Fatalf("cleaned over a new event: %v %v", cleaned, err)
		}
		w, _ = work(t, r)
		if !w.Due(t0.Add(time.Hour)) || w.Attempts != 3 || !w.FailingSince.Equal(t0) {
			t.Fatalf("work after an event %+v", w)
		}
		pending, err := r.Pending(ctx)
		if err != nil || len(pending) != 1 || pending[0].CRMOrderID != crmOrder {
			t.Fatalf("pending %+v %v", pending, err)
		}
		if cleaned, err := r.Clean(ctx, pending[0]); !cleaned || err != nil {
			t.Fatalf("clean: %v %v", cleaned, err)
		}
		if _, dirty := work(t, r); dirty {
			t.Fatal("still dirty")
		}
	})
}

// TestUpdate: what the pusher saves lands on the latest record, whatever events came meanwhile.
func TestUpdate(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		ctx, r := t.Context(), push.New(st)
		rec, err := r.OrderEventOps(ctx, crmOrder, orderEvent(push.KindPosted, t0), t0)
		write(t, st, rec, err)
		ref := onectest.GUID()
		rec, err = r.PaymentEventOps(ctx, crmOrder, paymentEvent(ref, t0), t0)
		write(t, st, rec, err)
		newer := orderEvent(push.KindUnposted, t0.Add(time.Minute))
		err = r.UpdateOrder(ctx, crmOrder, func(o *push.OrderRecord) {
			if o.Desired.Kind == push.KindPosted {
				rec, err := r.OrderEventOps(ctx, crmOrder, newer, t0)
				write(t, st, rec, err)
			}
			o.Pushed = &push.OrderSnapshot{Status: "new", Lines: []push.Line{{CRMItemID: 5, OfferKey: "k"}}}
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.UpdatePayment(ctx, crmOrder, ref, func(p *push.PaymentRecord) {
			p.CRMPaymentID, p.Pushed = 77, &push.PaymentSnapshot{Type: "cash", Status: "paid"}
		}); err != nil {
			t.Fatal(err)
		}
		o := load(t, r)
		if o.Order.Desired.EventID != newer.EventID || o.Order.Pushed == nil || o.Order.Pushed.Lines[0].CRMItemID != 5 ||
			o.Payments[0].CRMPaymentID != 77 || o.Payments[0].Pushed.Type != "cash" {
			t.Fatalf("loaded %+v %+v", o.Order, o.Payments[0])
		}
		if err := r.UpdatePayment(ctx, crmOrder, onectest.GUID(), func(*push.PaymentRecord) {}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("update of a missing payment: %v", err)
		}
	})
}

// TestFailures: a failure is listed once per object with its attempts; the retry action clears
// the entries (of one order or all) and makes their orders due.
func TestFailures(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		ctx, r := t.Context(), push.New(st)
		fail := func(id int64, key, msg string, at time.Time) {
			t.Helper()
			if err := r.Fail(ctx, push.Failure{CRMOrderID: id, Object: key, Key: key, Message: msg, Updated: at}); err != nil {
				t.Fatal(err)
			}
		}
		fail(crmOrder, push.ObjectOrder, "first", t0)
		fail(crmOrder, push.ObjectOrder, "second", t0.Add(time.Hour))
		fail(crmOrder, push.PaymentObject("p"), "payment", t0)
		fail(7, push.ObjectOrder, "other", t0)
		all, err := r.Failures(ctx, 0)
		if err != nil || len(all) != 3 || all[0].CRMOrderID != 7 || all[1].Attempts != 2 || !all[1].Since.Equal(t0) ||
			all[1].Message != "second" {
			t.Fatalf("failures %+v %v", all, err)
		}
		if err := r.Resolve(ctx, crmOrder, push.PaymentObject("p")); err != nil {
			t.Fatal(err)
		}
		orders, err := r.Retry(ctx, crmOrder, t0.Add(2*time.Hour))
		if err != nil || len(orders) != 1 || orders[0] != crmOrder {
			t.Fatalf("retry %v %v", orders, err)
		}
		if w, dirty := work(t, r); !dirty || !w.Due(t0.Add(2*time.Hour)) {
			t.Fatalf("work after retry %+v", w)
		}
		left, err := r.Failures(ctx, 0)
		if err != nil || len(left) != 1 || left[0].CRMOrderID != 7 {
			t.Fatalf("left %+v %v", left, err)
		}
		if orders, err := r.Retry(ctx, 0, t0); err != nil || len(orders) != 1 || orders[0] != 7 {
			t.Fatalf("retry all %v %v", orders, err)
		}
	})
}

// TestTooLarge: a document that leaves no room for the push's snapshot is refused.
func TestTooLarge(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		ev := orderEvent(push.KindPosted, t0)
		ev.Order.Comment = strings.Repeat("ж", store.MaxItemSize/3)
		_, err := push.New(st).OrderEventOps(context.Background(), crmOrder, ev, t0)
		if !errors.Is(err, push.ErrTooLarge) || !errors.Is(err, store.ErrItemTooLarge) {
			t.Fatalf("got %v", err)
		}
	})
}
