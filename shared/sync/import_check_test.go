package sync_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onecsim"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/sync/importtest"
)

// finalOrders reads every order of the bridge's site as RetailCRM shows it now, by CRM id.
func finalOrders(t testing.TB, b *importtest.Bridge) map[int64]retailcrm.Order {
	t.Helper()
	crm := b.CRM(t)
	out := map[int64]retailcrm.Order{}
	for page := 1; ; page++ {
		p, err := crm.Orders(t.Context(), retailcrm.OrdersFilter{Limit: 100, Page: page})
		if err != nil {
			t.Fatalf("read the orders: %v", err)
		}
		for _, o := range p.Orders {
			out[o.ID] = o
		}
		if page >= p.Pagination.TotalPageCount {
			return out
		}
	}
}

// expected1C is what 1C must hold after the import, computed from the final RetailCRM orders and
// the settings alone (not through the bridge's mapping).
type expected1C struct {
	orders map[int64]retailcrm.Order
	// paid are the payment statuses that count as paid (paymentComplete).
	paid map[string]bool
	// states are the 1C order states of the import table, by status code.
	states map[string]string
	// documents are the 1C payment document kinds by payment type.
	documents map[string]string
}

func expectation(t testing.TB, b *importtest.Bridge) expected1C {
	t.Helper()
	ctx := t.Context()
	e := expected1C{orders: finalOrders(t, b), paid: map[string]bool{}, states: map[string]string{}, documents: map[string]string{}}
	statuses, err := b.CRM(t).PaymentStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for code, st := range statuses {
		e.paid[code] = st.PaymentComplete
	}
	st, err := b.Setup.Repo.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range st.Settings.Tables.StatusesImport {
		e.states[row.CRMCode] = row.State.Ref
	}
	for _, row := range st.Settings.Tables.PaymentsImport {
		e.documents[row.CRMCode] = row.Document
	}
	return e
}

// tally counts what a check found.
type tally struct {
	imported, notImported, gone     int
	documents, cancelled, payments  int
	neverImported, leftOutDocuments int
}

func (c tally) String() string {
	return fmt.Sprintf("%d orders in imported statuses, %d in others (%d never imported, %d with an earlier document), %d deleted or merged; 1C: %d documents (%d cancelled), %d payment documents",
		c.imported, c.notImported, c.neverImported, c.leftOutDocuments, c.gone, c.documents, c.cancelled, c.payments)
}

// check1C compares 1C with the expectation: every order in an imported status has exactly one
// document with its items, buyer, state, total and one payment document per paid payment;
// deleted and merged orders that reached 1C are cancelled; orders never in an imported status
// have no document; no document is duplicated or unexplained. sc tells what the final orders
// no longer show.
func check1C(t testing.TB, b *importtest.Bridge, sc *scenario) tally {
	t.Helper()
	e := expectation(t, b)
	docs := map[int64]onecsim.Document{}
	for _, d := range b.Sim.Documents() {
		if _, dup := docs[d.CRMOrderID]; dup {
			t.Errorf("CRM order %d has two 1C documents", d.CRMOrderID)
		}
		docs[d.CRMOrderID] = d
	}
	var c tally
	c.documents = len(docs)
	if created := b.Sim.Stats().Created; created != len(docs) {
		t.Errorf("1C created %d documents, holds %d", created, len(docs))
	}
	generated := sc.byID()
	for id, d := range docs {
		if d.Cancelled {
			c.cancelled++
		}
		_, live := e.orders[id]
		if g := generated[id]; !live && (g == nil || !g.gone) {
			t.Errorf("1C document %s of CRM order %d, which RetailCRM never had", d.Number, id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(e.orders)) {
		o := e.orders[id]
		d, has := docs[id]
		g := generated[id]
		switch _, in := e.states[o.Status]; {
		case in:
			c.imported++
			if !has {
				t.Errorf("order %s: no 1C document", orderName(o))
				continue
			}
			c.payments += e.checkDocument(t, b, o, d)
		default:
			c.notImported++
			if g != nil && !g.everImported {
				c.neverImported++
				if has {
					t.Errorf("order %s was never in an imported status but has 1C document %s", orderName(o), d.Number)
				}
			}
			if has {
				c.leftOutDocuments++
				if d.Cancelled {
					t.Errorf("order %s: its 1C document %s is cancelled", orderName(o), d.Number)
				}
			}
		}
	}
	for _, g := range sc.orders {
		if !g.gone {
			continue
		}
		c.gone++
		if d, has := docs[int64(g.id)]; has && !d.Cancelled {
			t.Errorf("order %d was deleted or merged, its 1C document %s is not cancelled", g.id, d.Number)
		}
	}
	if left, err := b.Importer.Quarantine.List(t.Context()); err != nil || len(left) > 0 {
		t.Errorf("quarantine after the final import (%v): %+v", err, left)
	}
	return c
}

// checkDocument compares the 1C document of an order in an imported status with the order; it
// returns the number of payment documents.
func (e expected1C) checkDocument(t testing.TB, b *importtest.Bridge, o retailcrm.Order, d onecsim.Document) int {
	t.Helper()
	got := d.Order
	if d.Cancelled {
		t.Errorf("order %s: 1C document %s is cancelled", orderName(o), d.Number)
	}
	if got.State == nil || *got.State != e.states[o.Status] {
		t.Errorf("order %s: 1C state %v, want %s", orderName(o), refText(got.State), e.states[o.Status])
	}
	var want, have []string
	for _, it := range o.Items {
		want = append(want, itemLine(it.Offer.ExternalID, crmDecimal(it.Quantity), crmDecimal(it.InitialPrice)))
	}
	for _, it := range got.Items {
		have = append(have, itemLine(it.OfferKey, it.Quantity.Decimal, it.Price.Decimal))
	}
	if !slices.Equal(want, have) {
		t.Errorf("order %s: 1C items %v, want %v", orderName(o), have, want)
	}
	if !got.Total.Equal(crmDecimal(o.TotalSumm)) {
		t.Errorf("order %s: 1C total %s, want %s", orderName(o), got.Total, crmDecimal(o.TotalSumm))
	}
	if kind, name, inn := wantBuyer(o); got.Counterparty.Kind != kind || got.Counterparty.Name != name || got.Counterparty.INN != inn {
		t.Errorf("order %s: 1C buyer %s %q ИНН %q, want %s %q ИНН %q", orderName(o), got.Counterparty.Kind,
			got.Counterparty.Name, got.Counterparty.INN, kind, name, inn)
	}
	want, have = nil, nil
	for _, p := range o.Payments {
		if e.paid[p.Status] {
			want = append(want, fmt.Sprintf("%d %s %s", p.ID, e.documents[p.Type], onec.NewMoney(crmDecimal(p.Amount))))
		}
	}
	pays := b.Sim.Payments(o.ID)
	for _, p := range pays {
		have = append(have, fmt.Sprintf("%d %s %s", p.CRMPaymentID, p.Kind, p.Amount))
	}
	slices.Sort(want)
	slices.Sort(have)
	if !slices.Equal(want, have) {
		t.Errorf("order %s: 1C payment documents %v, want one per paid payment %v", orderName(o), have, want)
	}
	return len(pays)
}

// wantBuyer is the counterparty an order calls for: its company, or the person.
func wantBuyer(o retailcrm.Order) (kind, name, inn string) {
	if o.Company != nil {
		ca := o.Company.Contragent
		if ca == nil {
			ca = o.Contragent
		}
		kind = onec.CounterpartyLegalEntity
		if ca.ContragentType == onec.CounterpartyEntrepreneur {
			kind = onec.CounterpartyEntrepreneur
		}
		return kind, o.Company.Name, ca.INN
	}
	return onec.CounterpartyIndividual, strings.Join(strings.Fields(o.LastName+" "+o.FirstName+" "+o.Patronymic), " "), ""
}

func itemLine(key string, qty, price decimal.Decimal) string {
	return fmt.Sprintf("%s ×%s @%s", key, qty.String(), price.StringFixed(2))
}

func crmDecimal(d *retailcrm.Decimal) decimal.Decimal {
	if d == nil {
		return decimal.Zero
	}
	return d.Decimal
}

func refText(s *string) string {
	if s == nil {
		return "<none>"
	}
	return *s
}

func orderName(o retailcrm.Order) string { return fmt.Sprintf("%d (%s, %s)", o.ID, o.Number, o.Status) }

// state1C is the business content of 1C, by CRM order id: each document as applied (its 1C
// reference, number and the dates RetailCRM stamps with the wall clock left out), whether it is
// cancelled, and its payment documents. Two runs of the same scenario must give equal states.
func state1C(t testing.TB, sim *onecsim.Sim) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	for _, d := range sim.Documents() {
		o := d.Order
		o.Ref, o.Number, o.Date = nil, "", ""
		for i := range o.PaymentCalendar {
			o.PaymentCalendar[i].Date = ""
		}
		var pays []string
		for _, p := range sim.Payments(d.CRMOrderID) {
			pays = append(pays, fmt.Sprintf("%d %s %s %s %s", p.CRMPaymentID, p.Kind, p.CRMType, p.Amount, p.PaidAt))
		}
		data, err := json.Marshal(struct {
			Order     onec.Order
			Cancelled bool
			Reason    string
			Payments  []string
		}{o, d.Cancelled, d.CancelReason, pays})
		if err != nil {
			t.Fatal(err)
		}
		out[d.CRMOrderID] = string(data)
	}
	return out
}
