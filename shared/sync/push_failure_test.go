package sync_test

import (
	"strings"
	"testing"
	"time"

	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/runlog"
	"unfbridge/shared/settings"
	"unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
)

// noRetry makes every RetailCRM failure reach the pusher.
var noRetry = importtest.Options{Retry: retailcrm.RetryPolicy{MaxAttempts: 1}}

// drainDue runs the scheduled push.
func (e *pushEnv) drainDue() runlog.Run {
	e.t.Helper()
	run, err := e.pusher.DrainDue(e.t.Context())
	if err != nil {
		e.t.Fatalf("drain due: %v (%+v)", err, run)
	}
	return run
}

// TestPushRetryableFailureBacksOff: RetailCRM overloaded, the order waits (at least 15 s, at
// most 30 s after a first failure) and the schedule pushes it once due.
func TestPushRetryableFailureBacksOff(t *testing.T) {
	e := newPushEnv(t, noRetry)
	o := e.order1C()
	o.State = e.stateOf("assembling")
	e.postOrder(onec.TypeOrderPosted, o)
	e.Sandbox.FailNext(sandbox.FaultUnavailable, 1)
	run := e.drain()
	w, dirty := e.work()
	wait := w.NextAt.Sub(e.clock.Now())
	if !dirty || w.Attempts != 1 || wait < 14*time.Second || wait > 30*time.Second || w.LastError == "" ||
		run.Counts[sync.CountPostponed] != 1 || !strings.Contains(strings.Join(run.Messages, " "), "Ошибка RetailCRM") {
		t.Fatalf("work %+v (wait %v), run %+v", w, wait, run)
	}
	if run := e.drainDue(); run.Counts[sync.CountOrders] != 0 || e.crmOrder().Status != "new" {
		t.Fatalf("pushed before due: %+v", run)
	}
	e.clock.Advance(31 * time.Second)
	if run := e.drainDue(); run.Counts[sync.CountOrdersEdited] != 1 || e.crmOrder().Status != "assembling" {
		t.Fatalf("due run %+v, status %s", run, e.crmOrder().Status)
	}
	if w, dirty := e.work(); dirty {
		t.Fatalf("still dirty: %+v", w)
	}
}

// TestPushRetryWindow: an order failing past the retry window goes to the failed pushes with
// RetailCRM's message and is clean; the retry action pushes it.
func TestPushRetryWindow(t *testing.T) {
	e := newPushEnv(t, noRetry)
	p := e.payment1C(onec.DocCashReceipt, "10.00")
	e.postPayment(onec.TypePaymentPosted, p)
	e.Sandbox.FailNext(sandbox.FaultUnavailable, 2)
	e.drain()
	e.clock.Advance(25 * time.Hour)
	run := e.drainDue()
	failures := e.failures()
	if len(failures) != 1 || failures[0].Object != "payment ПКО-000017" || failures[0].Message != "Rate limit exceeded" ||
		run.Counts[sync.CountFailed] != 1 {
		t.Fatalf("failures %+v, run %+v", failures, run)
	}
	if w, dirty := e.work(); dirty || len(e.paymentsWith(p.Ref)) != 0 {
		t.Fatalf("work %+v, payments %+v", w, e.crmPayments())
	}
	run, err := e.pusher.Retry(t.Context(), 0)
	if err != nil || run.Counts[sync.CountPaymentsCreated] != 1 || len(e.paymentsWith(p.Ref)) != 1 || len(e.failures()) != 0 {
		t.Fatalf("retry: %v %+v, failures %+v", err, run, e.failures())
	}
}

// TestPushRefusedPayment: RetailCRM refuses the payment (a type the site does not offer): the
// failed pushes keep its message as given, the order is clean; the retry action, once the table
// is fixed, creates it.
func TestPushRefusedPayment(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	setType := func(code string) {
		e.change(func(s *settings.Settings) {
			s.Tables.PaymentsExport = append(s.Tables.PaymentsExport[:0:0], settings.PaymentExport{
				Document: settings.DocCashReceipt, CRMCode: code, CRMName: code})
		})
	}
	setType("credit")
	p := e.payment1C(onec.DocCashReceipt, "10.00")
	e.postPayment(onec.TypePaymentPosted, p)
	run := e.drain()
	failures := e.failures()
	if len(failures) != 1 || failures[0].CRMOrderID != e.order || failures[0].Key != "payment#"+p.Ref ||
		!strings.HasPrefix(failures[0].Message, "Errors in the entity format; type: ") || failures[0].Attempts != 1 ||
		run.Counts[sync.CountFailed] != 1 {
		t.Fatalf("failures %+v, run %+v", failures, run)
	}
	if w, dirty := e.work(); dirty {
		t.Fatalf("a refused push stays dirty: %+v", w)
	}

	setType("cash")
	run, err := e.pusher.Retry(t.Context(), e.order)
	if err != nil || len(e.paymentsWith(p.Ref)) != 1 || len(e.failures()) != 0 || !run.Complete {
		t.Fatalf("retry: %v %+v, failures %+v, payments %+v", err, run, e.failures(), e.crmPayments())
	}
}

// TestPushRefusedOrder: RetailCRM refuses the edit (a status it does not know): listed with its
// message; a later successful push takes it off the list.
func TestPushRefusedOrder(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	state := e.stateOf("assembling")
	e.change(func(s *settings.Settings) {
		for i := range s.Tables.StatusesExport {
			if s.Tables.StatusesExport[i].CRMCode == "assembling" {
				s.Tables.StatusesExport[i].CRMCode = "ghost"
			}
		}
	})
	o := e.order1C()
	o.State = state
	e.postOrder(onec.TypeOrderPosted, o)
	e.drain()
	failures := e.failures()
	if len(failures) != 1 || failures[0].Object != "order" || !strings.HasPrefix(failures[0].Message, "Errors in the entity format; status: ") {
		t.Fatalf("failures %+v", failures)
	}
	o.State = e.stateOf("new")
	e.postOrder(onec.TypeOrderPosted, o)
	e.drain()
	if len(e.failures()) != 0 {
		t.Fatalf("failures after a successful push %+v", e.failures())
	}
}
