package onecsim_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onecsim"
	"unfbridge/shared/onec/onectest"
)

// wantEvents checks the outbox: events of the types given about ref, valid, with their object's
// state, a new data version each, occurredAt strictly increasing from first.
func wantEvents(t *testing.T, box []onec.Envelope, ref, first string, types ...onec.EventType) {
	t.Helper()
	if len(box) != len(types) {
		t.Fatalf("%d events, want %d", len(box), len(types))
	}
	versions := map[string]bool{}
	for i, ev := range box {
		valid(t, ev)
		o := ev.Object
		posted, deleted := ev.Type == onec.TypeOrderPosted || ev.Type == onec.TypePaymentPosted,
			ev.Type == onec.TypeOrderDeleted || ev.Type == onec.TypePaymentDeleted
		if ev.Type != types[i] || o.Ref != ref || o.Posted != posted || o.Deleted != deleted || versions[o.DataVersion] ||
			ev.Source != (onec.Source{Config: "УНФ", Version: "3.0.5.199", Infobase: onectest.Infobase}) {
			t.Fatalf("event %d: %+v %+v", i, ev, o)
		}
		versions[o.DataVersion] = true
		if i == 0 && ev.OccurredAt != first || i > 0 && !ev.OccurredTime().After(box[i-1].OccurredTime()) {
			t.Fatalf("event %d occurred at %s, after %s", i, ev.OccurredAt, box[max(i-1, 0)].OccurredAt)
		}
	}
}

func TestOrderEditedAndPosted(t *testing.T) {
	e, rec := newRecorded(t, onecsim.Faults{})
	d := e.imported(1)
	if !d.Posted || d.Deleted || d.DataVersion == "" || len(e.sim.Outbox()) != 0 {
		t.Fatalf("imported document: %+v, outbox %d", d.State, len(e.sim.Outbox()))
	}
	state := onectest.GUID()
	ok(t, e.sim.EditOrder(1, func(o *onec.Order) {
		o.State, o.Comment = &state, "v2"
		o.Items[0].Quantity, o.Items[0].Price, o.Items[0].Discount = qty("3"), money("99.99"), money("10.01")
		added := o.Items[0]
		added.CRMItemID, added.Quantity, added.Price, added.Discount = 0, qty("1.5"), money("33.33"), money("0")
		o.Items = append(o.Items, added)
		o.Total, o.CRM.ID = money("1"), 99 // recomputed, kept
	}))
	edited, _ := e.sim.Document(1)
	if len(e.sim.Outbox()) != 0 || edited.DataVersion == d.DataVersion || edited.Order.Total.String() != "639.96" {
		t.Fatalf("an edit is not a posting: outbox %d, %+v", len(e.sim.Outbox()), edited)
	}
	ok(t, e.sim.PostOrder(1))
	e.clock.Advance(time.Minute)
	ok(t, e.sim.EditOrder(1, func(o *onec.Order) { o.Items = o.Items[1:] }))
	ok(t, e.sim.PostOrder(1))
	ok(t, e.sim.UnpostOrder(1))
	wantErr(t, e.sim.UnpostOrder(1), onecsim.ErrNotPosted)
	ok(t, e.sim.DeleteOrder(1))
	for _, err := range []error{e.sim.UnpostOrder(1), e.sim.PostOrder(1), e.sim.DeleteOrder(1), e.sim.EditOrder(1, func(*onec.Order) {})} {
		wantErr(t, err, onecsim.ErrMarkedForDeletion)
	}
	wantErr(t, e.sim.PostOrder(9), onecsim.ErrNoDocument)

	box := e.sim.Outbox()
	wantEvents(t, box, d.Ref, "2026-11-29T10:00:00+03:00",
		onec.TypeOrderPosted, onec.TypeOrderPosted, onec.TypeOrderUnposted, onec.TypeOrderDeleted)
	if box[1].OccurredAt != "2026-11-29T10:01:00+03:00" || box[3].OccurredAt != "2026-11-29T10:01:02+03:00" {
		t.Fatalf("occurredAt %s, %s", box[1].OccurredAt, box[3].OccurredAt)
	}
	first := payload[onec.Order](t, box[0])
	if *first.Ref != d.Ref || first.Number != "УТ-000001" || first.Date != "2026-11-29T10:00:00+03:00" || !first.Posted ||
		first.CRM.ID != 1 || *first.State != state || first.Comment != "v2" || first.Total.String() != "639.96" {
		t.Fatalf("first posting: %s", box[0].Payload)
	}
	wantItems(t, first, "3:99.99:10.01:289.96", "1.5:33.33:0.00:50.00")
	again := payload[onec.Order](t, box[1])
	wantItems(t, again, "1.5:33.33:0.00:50.00")
	if again.Total.String() != "350.00" || again.Items[0].CRMItemID != 0 || !again.Posted {
		t.Fatalf("second posting: %s", box[1].Payload)
	}
	for _, ev := range box[2:] {
		if o := payload[onec.Order](t, ev); o.Posted || o.Total.String() != "350.00" || *o.Ref != d.Ref {
			t.Fatalf("%s: %s", ev.Type, ev.Payload)
		}
	}

	if rep := e.send(); rep.Delivered != 4 || rep.Left != 0 || len(e.sim.Outbox()) != 0 ||
		!slices.Equal(rec.received(), eventIDs(box)) || rep.Deliveries[0].Status != "applied" {
		t.Fatalf("sent %+v, received %v", rep, rec.received())
	}
	if d, _ := e.sim.Document(1); d.Posted || !d.Deleted {
		t.Fatalf("deleted document: %+v", d.State)
	}
}

// wantItems checks the lines of an order, each as "quantity:price:discount:total".
func wantItems(t *testing.T, o onec.Order, lines ...string) {
	t.Helper()
	got := make([]string, len(o.Items))
	for i, it := range o.Items {
		got[i] = fmt.Sprintf("%s:%s:%s:%s", it.Quantity, it.Price, it.Discount, it.Total)
	}
	if !slices.Equal(got, lines) {
		t.Fatalf("lines %q, want %q", got, lines)
	}
}

func eventIDs(box []onec.Envelope) []string {
	ids := make([]string, len(box))
	for i, ev := range box {
		ids[i] = ev.EventID
	}
	return ids
}

func TestOrderTotalsWithVAT(t *testing.T) {
	e, _ := newRecorded(t, onecsim.Faults{})
	e.imported(1)
	vat := func(includes bool, rate string) func(o *onec.Order) {
		return func(o *onec.Order) {
			o.AmountIncludesVAT, o.Items[0].VATRate = includes, &rate
			o.Items[0].Quantity, o.Items[0].Price, o.Items[0].Discount = qty("3"), money("33.33"), money("0")
		}
	}
	// 99.99 + 20% = 119.988: 119.99 on top; unchanged when the amounts include VAT.
	for _, c := range []struct {
		includes  bool
		line, sum string
	}{{false, "119.99", "419.99"}, {true, "99.99", "399.99"}} {
		ok(t, e.sim.EditOrder(1, vat(c.includes, "20")))
		if d, _ := e.sim.Document(1); d.Order.Items[0].Total.String() != c.line || d.Order.Total.String() != c.sum {
			t.Fatalf("amount includes VAT %v: line %s, total %s", c.includes, d.Order.Items[0].Total, d.Order.Total)
		}
	}
	before, _ := e.sim.Document(1)
	if err := e.sim.EditOrder(1, vat(false, "двадцать")); err == nil {
		t.Fatal("a VAT rate that is no number was accepted")
	}
	if after, _ := e.sim.Document(1); after.DataVersion != before.DataVersion || marshal(t, after.Order) != marshal(t, before.Order) {
		t.Fatal("a refused edit changed the document")
	}
}

func TestPaymentsPosted(t *testing.T) {
	e, rec := newRecorded(t, onecsim.Faults{})
	d := e.imported(1, onectest.Payment(21, "100.00"))
	cash := "cash"
	ref, err := e.sim.PostPayment(1, onec.DocCashReceipt, dec("250.50"), &cash)
	ok(t, err)
	ok(t, e.sim.RepostPayment(ref, dec("300")))
	ok(t, e.sim.UnpostPayment(ref))
	wantErr(t, e.sim.UnpostPayment(ref), onecsim.ErrNotPosted)
	ok(t, e.sim.DeletePayment(ref))
	wantErr(t, e.sim.RepostPayment(ref, dec("1")), onecsim.ErrMarkedForDeletion)
	wantEvents(t, e.sim.Outbox(), ref, "2026-11-29T10:00:00+03:00",
		onec.TypePaymentPosted, onec.TypePaymentPosted, onec.TypePaymentUnposted, onec.TypePaymentDeleted)
	for i, ev := range e.sim.Outbox() {
		p := payload[onec.Payment](t, ev)
		if problems := p.Validate(); problems != nil {
			t.Fatalf("payment %d: %v", i, problems)
		}
		amount := []string{"250.50", "300.00", "300.00", "300.00"}[i]
		if p.Ref != ref || p.Document != onec.DocCashReceipt || p.Number != "ОП-000002" || p.Date != "2026-11-29T10:00:00+03:00" ||
			p.Order != d.Ref || p.Amount.String() != amount || p.Posted != ev.Object.Posted || *p.CRMPaymentType != "cash" ||
			p.CRMPaymentID != 0 {
			t.Fatalf("payment %d: %s", i, ev.Payload)
		}
	}
	e.send()

	// A payment imported from RetailCRM keeps its CRM id and type; a bank payment without a type.
	imported := e.sim.Payments(1)[0]
	ok(t, e.sim.RepostPayment(imported.Ref, dec("120.00")))
	bank, err := e.sim.PostPayment(1, onec.DocBankReceipt, dec("0.01"), nil)
	ok(t, err)
	box := e.sim.Outbox()
	if len(box) != 2 {
		t.Fatalf("%d events", len(box))
	}
	p := payload[onec.Payment](t, box[0])
	if p.Ref != imported.Ref || p.CRMPaymentID != 21 || *p.CRMPaymentType != "bank-card" || p.Document != onec.DocCardPayment ||
		p.Amount.String() != "120.00" || p.Date != "2026-11-29T10:05:00+03:00" || p.Number != "ОП-000001" {
		t.Fatalf("imported payment: %s", box[0].Payload)
	}
	if p := payload[onec.Payment](t, box[1]); p.Ref != bank || p.CRMPaymentType != nil || p.Amount.String() != "0.01" ||
		p.Document != onec.DocBankReceipt {
		t.Fatalf("bank payment: %s", box[1].Payload)
	}
	e.send()
	if len(rec.received()) != 6 {
		t.Fatalf("received %d events", len(rec.received()))
	}

	for _, bad := range []struct {
		kind, amount string
	}{{"ПриходныйОрдер", "1"}, {onec.DocCashReceipt, "1.005"}, {onec.DocCashReceipt, "0"}, {onec.DocCashReceipt, "-5"}} {
		_, err := e.sim.PostPayment(1, bad.kind, dec(bad.amount), nil)
		wantErr(t, err, onecsim.ErrBadPayment)
	}
	wantErr(t, e.sim.RepostPayment(bank, dec("0.001")), onecsim.ErrBadPayment)
	_, err = e.sim.PostPayment(9, onec.DocCashReceipt, dec("1"), nil)
	wantErr(t, err, onecsim.ErrNoDocument)
	wantErr(t, e.sim.UnpostPayment(onectest.GUID()), onecsim.ErrNoDocument)
	if ps := e.sim.Payments(1); len(ps) != 3 || !ps[1].Deleted || ps[2].Amount.String() != "0.01" || len(e.sim.Outbox()) != 0 {
		t.Fatalf("payments %+v, outbox %d", ps, len(e.sim.Outbox()))
	}
}

func TestLocalOrder(t *testing.T) {
	e, _ := newRecorded(t, onecsim.Faults{})
	e.imported(1)
	o := onectest.Order(7)
	o.Items[0].Total, o.Total = money("0"), money("0")
	ref, err := e.sim.CreateLocalOrder(o)
	ok(t, err)
	box := e.sim.Outbox()
	wantEvents(t, box, ref, "2026-11-29T10:00:00+03:00", onec.TypeOrderPosted)
	got := payload[onec.Order](t, box[0])
	if *got.Ref != ref || got.CRM != (onec.CRMOrder{}) || got.Number != "УТ-000002" || got.Total.String() != "490.00" || !got.Posted {
		t.Fatalf("local order: %s", box[0].Payload)
	}
	if _, found := e.sim.Document(7); found || len(e.sim.Documents()) != 2 || e.sim.Documents()[1].CRMOrderID != 0 {
		t.Fatalf("documents: %+v", e.sim.Documents())
	}
}
