package sync_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/settings"
	"unfbridge/shared/store"
	"unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
)

// TestPushPaymentLifecycle: a posted 1C payment is created once with its GUID as externalId;
// posted again with another amount it is edited in that field only; unposted it is set not paid,
// posted again paid; deleted (with the delete option) it disappears; posted once more it is
// created anew.
func TestPushPaymentLifecycle(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	p := e.payment1C(onec.DocCashReceipt, "1000.00")
	e.postPayment(onec.TypePaymentPosted, p)
	run := e.drain()
	created := e.paymentsWith(p.Ref)
	if len(created) != 1 || run.Counts[sync.CountPaymentsCreated] != 1 {
		t.Fatalf("payments %+v, run %+v", e.crmPayments(), run)
	}
	c := created[0]
	if c.Type != "cash" || c.Status != "paid" || !c.Amount.Equal(dec("1000")) || c.PaidAt != "2026-11-29 10:05:00" {
		t.Fatalf("created payment %+v", c)
	}
	creates := e.edits("/orders/payments/create")
	if len(creates) != 1 || creates[0]["site"] != sandbox.DemoSite ||
		fmt.Sprint(creates[0]["payment"]) != fmt.Sprintf("map[amount:1000 externalId:%s order:map[id:%d] paidAt:2026-11-29 10:05:00 status:paid type:cash]", p.Ref, e.order) {
		t.Fatalf("creates %v", creates)
	}

	paymentEdit := func(n int, want string) {
		t.Helper()
		edits := e.edits(fmt.Sprintf("/orders/payments/%d/edit", c.ID))
		if len(edits) != n || fmt.Sprint(edits[n-1]["payment"]) != want || edits[n-1]["by"] != "id" {
			t.Fatalf("payment edits %v, want %d, the last %s", edits, n, want)
		}
	}
	p.Amount = money("1200.00")
	e.postPayment(onec.TypePaymentPosted, p)
	e.drain()
	paymentEdit(1, "map[amount:1200]")
	e.postPayment(onec.TypePaymentUnposted, p)
	e.drain()
	paymentEdit(2, "map[status:not-paid]")
	e.postPayment(onec.TypePaymentPosted, p)
	e.drain()
	paymentEdit(3, "map[status:paid]")

	e.change(func(s *settings.Settings) { s.Push.PaymentUnposted = settings.PaymentUnpostedDelete })
	e.postPayment(onec.TypePaymentDeleted, p)
	run = e.drain()
	if len(e.paymentsWith(p.Ref)) != 0 || run.Counts[sync.CountPaymentsDeleted] != 1 {
		t.Fatalf("payments after the deletion %+v", e.crmPayments())
	}
	e.postPayment(onec.TypePaymentPosted, p)
	e.drain()
	if again := e.paymentsWith(p.Ref); len(again) != 1 || again[0].ID == c.ID || !again[0].Amount.Equal(dec("1200")) {
		t.Fatalf("payments after posting again %+v", e.crmPayments())
	}
	if len(e.crmPayments()) != 2 {
		t.Fatalf("the imported payment was touched: %+v", e.crmPayments())
	}
}

// TestPushPaymentType: the type remembered on the document wins over the table; a kind the table
// does not map, with no type remembered, is not exported and the run says so; an unposted
// document never exported changes nothing.
func TestPushPaymentType(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	card := e.payment1C(onec.DocCashReceipt, "100.00")
	remembered := "bank-card"
	card.CRMPaymentType = &remembered
	e.postPayment(onec.TypePaymentPosted, card)

	e.change(func(s *settings.Settings) {
		s.Tables.PaymentsExport = slices.DeleteFunc(s.Tables.PaymentsExport, func(r settings.PaymentExport) bool {
			return r.Document == settings.DocBankReceipt
		})
	})
	bank := e.payment1C(onec.DocBankReceipt, "200.00")
	e.postPayment(onec.TypePaymentPosted, bank)
	never := e.payment1C(onec.DocCashReceipt, "300.00")
	e.postPayment(onec.TypePaymentUnposted, never)
	run := e.drain()

	if got := e.paymentsWith(card.Ref); len(got) != 1 || got[0].Type != "bank-card" {
		t.Fatalf("card payment %+v", got)
	}
	if len(e.paymentsWith(bank.Ref)) != 0 || len(e.paymentsWith(never.Ref)) != 0 || len(e.crmPayments()) != 2 {
		t.Fatalf("payments %+v", e.crmPayments())
	}
	if !slices.ContainsFunc(run.Messages, func(m string) bool { return strings.Contains(m, "Поступление на счет") }) {
		t.Fatalf("run messages %q", run.Messages)
	}
	if w, dirty := e.work(); dirty || len(e.failures()) != 0 {
		t.Fatalf("work %+v, failures %+v", w, e.failures())
	}
}

// TestPushImportedPaymentEdited: a 1C payment document made from a CRM payment carries its id: it
// is edited there, never created again.
func TestPushImportedPaymentEdited(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	p := e.imported()
	e.postPayment(onec.TypePaymentPosted, p)
	e.drain()
	if n := len(e.edits("/orders/payments/create")) + len(e.edits("/edit")); n != 0 {
		t.Fatalf("an unchanged imported payment sent %d requests", n)
	}
	p.Amount = money("450.00")
	e.postPayment(onec.TypePaymentPosted, p)
	e.drain()
	edits := e.edits(fmt.Sprintf("/orders/payments/%d/edit", p.CRMPaymentID))
	pays := e.crmPayments()
	if len(edits) != 1 || fmt.Sprint(edits[0]["payment"]) != "map[amount:450]" || len(pays) != 1 || !pays[0].Amount.Equal(dec("450")) {
		t.Fatalf("edits %v, payments %+v", edits, pays)
	}
}

// TestPushPaymentExactlyOnce: the first create is carried out by RetailCRM but its answer is
// lost; the event is delivered three times (twice with its id, once re-posted with a new one)
// and the push runs after each: one CRM payment.
func TestPushPaymentExactlyOnce(t *testing.T) {
	for name, policy := range map[string]retailcrm.RetryPolicy{
		"client retries": fastRetry,
		"no retry":       {MaxAttempts: 1},
	} {
		t.Run(name, func(t *testing.T) {
			e := newPushEnv(t, importtest.Options{Retry: policy})
			p := e.payment1C(onec.DocCardPayment, "777.00")
			ev := importtest.Event(onec.TypePaymentPosted, e.occurred(), p.Ref, p)
			e.Sandbox.FailNext(sandbox.FaultApplyThenDrop, 1)
			for i, delivery := range []onec.Envelope{ev, ev, importtest.Event(onec.TypePaymentPosted, e.occurred(), p.Ref, p)} {
				if a := e.PostEvent(t, delivery); a.HTTPStatus != 200 || a.Duplicate != (i == 1) {
					t.Fatalf("delivery %d: %+v", i, a)
				}
				e.drain()
			}
			if got := e.paymentsWith(p.Ref); len(got) != 1 || got[0].Type != "bank-card" || !got[0].Amount.Equal(dec("777")) {
				t.Fatalf("payments %+v", e.crmPayments())
			}
			dropped := slices.ContainsFunc(e.Sandbox.Requests(), func(r sandbox.Request) bool {
				return strings.HasSuffix(r.Path, "/orders/payments/create") && r.Status == 0
			})
			if !dropped || len(e.crmPayments()) != 2 || len(e.failures()) != 0 {
				t.Fatalf("payments %+v, failures %+v", e.crmPayments(), e.failures())
			}
			if w, dirty := e.work(); dirty {
				t.Fatalf("still dirty: %+v", w)
			}
		})
	}
}

// TestPushPaymentNotRewritten: a push of the order goes over every payment document; one that
// RetailCRM holds as recorded is not written again.
func TestPushPaymentNotRewritten(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	p := e.payment1C(onec.DocCashReceipt, "100.00")
	e.postPayment(onec.TypePaymentPosted, p)
	e.drain()
	k := store.Key{PK: fmt.Sprintf("push#%020d", e.order), SK: "payment#" + p.Ref}
	version := func() int64 {
		t.Helper()
		it, err := e.Store.Get(t.Context(), k)
		if err != nil {
			t.Fatal(err)
		}
		return it.Version
	}
	before := version()
	o := e.order1C()
	o.State = e.stateOf("assembling")
	e.postOrder(onec.TypeOrderPosted, o)
	e.drain()
	if after := version(); after != before || e.crmOrder().Status != "assembling" {
		t.Fatalf("the payment record went from version %d to %d", before, after)
	}
}
