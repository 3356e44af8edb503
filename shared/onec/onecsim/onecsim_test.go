package onecsim_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"unfbridge/shared/inbox"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onecsim"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/quarantine"
)

func TestSyncAppliesCommands(t *testing.T) {
	e := newEnv(t, onecsim.Faults{})
	first := e.upsert(1, "v1")
	e.upsert(2, "v1", onectest.Payment(21, "100.00"), onectest.Payment(22, "390.00"))
	e.upsert(3, "v1")
	if rep := e.sync(); rep.Applied != 3 || rep.Created != 3 || rep.Pages != 1 || e.sim.Cursor() != "3" {
		t.Fatalf("first sync: %+v, cursor %q", rep, e.sim.Cursor())
	}
	for i, d := range e.sim.Documents() {
		if d.CRMOrderID != int64(i+1) || d.Number != fmt.Sprintf("УТ-%06d", i+1) || d.Date.Format(time.RFC3339) != first.Date {
			t.Fatalf("document %d: %+v", i, d)
		}
	}
	d1, _ := e.sim.Document(1)
	want := first
	want.Ref = &d1.Ref
	if got, want := marshal(t, d1.Order), marshal(t, want); got != want {
		t.Fatalf("stored order\n%s\nwant\n%s", got, want)
	}
	if st := e.state(1); st.Link == nil || st.Link.Ref != d1.Ref || st.Link.Number != "УТ-000001" ||
		st.LastAckMessage != "Проведен: Заказ покупателя УТ-000001 от 29.11.2026 10:00:00" || e.pending() != 0 {
		t.Fatalf("state of order 1: %+v", st)
	}
	d2, _ := e.sim.Document(2)
	if p := e.sim.Payments(2); len(p) != 2 || p[0].CRMPaymentID != 21 || p[1].Amount.String() != "390.00" ||
		p[0].Order != d2.Ref || p[0].Kind != onec.DocCardPayment || p[0].Terminal != onectest.Terminal {
		t.Fatalf("payments of order 2: %+v", p)
	}

	// An update goes to the same document; the bridge drops the payments already made.
	e.upsert(2, "v2", onectest.Payment(21, "100.00"), onectest.Payment(22, "390.00"), onectest.Payment(23, "50.00"))
	if rep := e.sync(); rep.Applied != 1 || rep.Created != 0 {
		t.Fatalf("update: %+v", rep)
	}
	d2, _ = e.sim.Document(2)
	if d2.Applied != 2 || d2.Order.Comment != "v2" || *d2.Order.Ref != d2.Ref || len(d2.Order.Payments) != 1 ||
		len(e.sim.Payments(2)) != 3 || len(e.sim.Documents()) != 3 {
		t.Fatalf("updated document: %+v, payments %+v", d2, e.sim.Payments(2))
	}

	// A cancel marks the document; one of an order 1C never had is skipped.
	e.enqueue(inbox.Pending{Type: onec.CommandOrderCancel, CRMOrderID: 3, Cancel: &onec.Cancel{CRMOrderID: 3, Reason: "Заказ удалён в CRM"}})
	e.enqueue(inbox.Pending{Type: onec.CommandOrderCancel, CRMOrderID: 9, Cancel: &onec.Cancel{CRMOrderID: 9, Reason: "Заказ удалён в CRM"}})
	if rep := e.sync(); rep.Applied != 1 || rep.Skipped != 1 {
		t.Fatalf("cancels: %+v", rep)
	}
	if d3, _ := e.sim.Document(3); !d3.Cancelled || d3.CancelReason != "Заказ удалён в CRM" || len(e.sim.Documents()) != 3 {
		t.Fatalf("cancelled document: %+v", d3)
	}
	if st := e.state(3); !strings.HasPrefix(st.LastAckMessage, "Отменен: Заказ покупателя УТ-000003 от ") {
		t.Fatalf("state of order 3: %+v", st)
	}
	if st := e.state(9); st.LastStatus != onec.AckSkipped {
		t.Fatalf("state of order 9: %+v", st)
	}
}

// TestSyncWithFaults has 1C leave commands unacked and send acks twice while orders change:
// every order ends as one document with its last content, every payment once.
func TestSyncWithFaults(t *testing.T) {
	const orders = 25
	e := newEnv(t, onecsim.Faults{Seed: 42, Unacked: 0.3, DoubleAck: 0.3})
	for id := int64(1); id <= orders; id++ {
		e.upsert(id, "v1", onectest.Payment(id*10, "100.00"))
	}
	changed := func(id int64) bool { return id%3 == 1 }
	for round := 0; ; round++ {
		if round == 30 {
			t.Fatalf("%d commands still pending after %d rounds", e.pending(), round)
		}
		e.sync()
		if round == 1 {
			for id := int64(1); id <= orders; id++ {
				if changed(id) {
					e.upsert(id, "v2", onectest.Payment(id*10, "100.00"), onectest.Payment(id*10+1, "50.00"))
				}
			}
		}
		if round > 1 && e.pending() == 0 {
			break
		}
		e.clock.Advance(inbox.DefaultRedeliverAfter)
	}
	docs := e.sim.Documents()
	if len(docs) != orders {
		t.Fatalf("%d documents for %d orders", len(docs), orders)
	}
	for _, d := range docs {
		wantComment, wantPayments := "v1", []int64{d.CRMOrderID * 10}
		if changed(d.CRMOrderID) {
			wantComment, wantPayments = "v2", append(wantPayments, d.CRMOrderID*10+1)
		}
		var got []int64
		for _, p := range e.sim.Payments(d.CRMOrderID) {
			got = append(got, p.CRMPaymentID)
		}
		if d.Order.Comment != wantComment || !slices.Equal(got, wantPayments) {
			t.Errorf("order %d: comment %q, payments %v", d.CRMOrderID, d.Order.Comment, got)
		}
		if st := e.state(d.CRMOrderID); st.Link == nil || st.Link.Ref != d.Ref || st.LastStatus != onec.AckApplied {
			t.Errorf("state of order %d: %+v", d.CRMOrderID, st)
		}
	}
	t.Logf("stats: %+v", e.sim.Stats())
	if s := e.sim.Stats(); s.Unacked == 0 || s.Redeliveries == 0 || s.DuplicateAcks == 0 || s.Created != orders {
		t.Fatalf("stats: %+v", s)
	}
}

func TestSyncRefusedOrder(t *testing.T) {
	e := newEnv(t, onecsim.Faults{FailOrder: func(o onec.Order) string {
		if o.CRM.ID == 2 {
			return "Не найден склад «Основной»"
		}
		return ""
	}})
	e.upsert(1, "v1")
	e.upsert(2, "v1")
	if rep := e.sync(); rep.Applied != 1 || rep.Failed != 1 {
		t.Fatalf("sync: %+v", rep)
	}
	if _, ok := e.sim.Document(2); ok || e.state(2).LastStatus != onec.AckFailed {
		t.Fatalf("refused order: %v %+v", ok, e.state(2))
	}
	entries, err := quarantine.New(e.store).List(t.Context())
	if err != nil || len(entries) != 1 || entries[0].CRMOrderID != 2 || !strings.Contains(entries[0].Reason, "Не найден склад") {
		t.Fatalf("quarantine: %+v %v", entries, err)
	}
}

func TestCounterpartiesMatched(t *testing.T) {
	e := newEnv(t, onecsim.Faults{})
	buyer := func(id int64, cp onec.Counterparty) {
		o := onectest.Order(id)
		o.Counterparty = cp
		e.enqueue(inbox.Pending{Type: onec.CommandOrderUpsert, CRMOrderID: id, Order: &o})
	}
	company := onec.Counterparty{Kind: onec.CounterpartyLegalEntity, Name: `ООО "Ромашка"`, INN: "7701234567",
		KPP: "770101001", Phone: "+7 (999) 111-22-33", Email: "info@romashka.ru"}
	buyer(1, company)
	branch := company
	branch.KPP, branch.Phone, branch.Email = "770201001", "", ""
	// Another КПП and nothing else: a new counterparty. Then matches by ИНН+КПП, phone, e-mail;
	// and a new one.
	buyer(2, branch)
	buyer(3, onec.Counterparty{Name: "ООО Ромашка", INN: company.INN, KPP: company.KPP})
	buyer(4, onec.Counterparty{Name: "Пётр", Phone: "+7 999 111 22 33"})
	buyer(5, onec.Counterparty{Name: "Пётр", Email: "INFO@romashka.ru"})
	buyer(6, onec.Counterparty{Name: "Анна", Phone: "+7 999 000-00-00"})
	e.sync()
	cps := e.sim.Counterparties()
	refs := map[int64]string{}
	for id := int64(1); id <= 6; id++ {
		d, _ := e.sim.Document(id)
		refs[id] = d.Counterparty
	}
	if len(cps) != 3 || refs[1] != cps[0].Ref || refs[2] != cps[1].Ref || refs[3] != refs[1] || refs[4] != refs[1] || refs[5] != refs[1] ||
		refs[6] != cps[2].Ref {
		t.Fatalf("counterparties %+v, of the orders %v", cps, refs)
	}
}

func TestSyncRefusedByBridge(t *testing.T) {
	e := newEnv(t, onecsim.Faults{})
	e.upsert(1, "v1")
	wrong := onecsim.New(onecsim.Options{BaseURL: e.url, Token: "wrong"})
	if _, err := wrong.Sync(t.Context()); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("sync with a wrong token: %v", err)
	}
	if len(wrong.Documents()) != 0 || e.pending() != 1 {
		t.Fatal("a refused sync changed something")
	}
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
