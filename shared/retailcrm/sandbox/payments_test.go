package sandbox

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestPaymentsLifecycle(t *testing.T) {
	sb, clock := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	o := createOrder(t, c, "", fmt.Sprintf(`{"externalId": "P-1", "items": [{"offer": {"externalId": %q}}]}`, offerExt(0)))
	other := createOrder(t, c, "", fmt.Sprintf(`{"items": [{"offer": {"externalId": %q}}]}`, offerExt(1)))
	since := sb.LastHistoryID()

	pay := `{"order": {"externalId": "P-1"}, "type": "bank-card", "status": "not-paid", "amount": 2490,
		"externalId": "0b85301d-c6e7-11e8-9ff4-34e80002118e", "comment": "ПКО 15"}`
	pid := id(t, c.post("/api/v5/orders/payments/create", form("site", DemoSite, "payment", pay)).ok(t).json["id"])
	dup := fmt.Sprintf(`{"order": {"id": %v}, "type": "cash", "externalId": "0b85301d-c6e7-11e8-9ff4-34e80002118e"}`, other["id"])
	c.post("/api/v5/orders/payments/create", form("payment", dup)).fails(t, http.StatusBadRequest, "Errors in the entity format", "externalId")
	c.post("/api/v5/orders/payments/create", form("payment", `{"type": "cash"}`)).fails(t, http.StatusBadRequest, "Errors in the entity format", "order")
	c.post("/api/v5/orders/payments/create", form("payment", `{"order": {"id": 1}, "type": "cash"}`)).fails(t, http.StatusNotFound, "Not found")
	c.post("/api/v5/orders/payments/create", nil).fails(t, http.StatusBadRequest, "Parameter 'payment' is missing")

	clock.advance(time.Minute)
	a := c.post("/api/v5/orders/payments/0b85301d-c6e7-11e8-9ff4-34e80002118e/edit",
		form("by", "externalId", "payment", `{"status": "paid", "paidAt": "2026-03-02 09:01:00"}`)).ok(t)
	if id(t, a.json["id"]) != pid {
		t.Errorf("edit answers the payment id: %s", a.body)
	}
	got := c.get("/api/v5/orders/"+str(o["id"]), query("by", "id")).ok(t).json["order"]
	if at(got, "payments", fmt.Sprint(pid), "status") != "paid" || at(got, "fullPaidAt") != "2026-03-02 09:01:00" || str(at(got, "prepaySum")) != "2490" {
		t.Errorf("order after payment: %s", encode(got))
	}
	c.post(fmt.Sprintf("/api/v5/orders/payments/%d/edit", pid), form("by", "id", "payment", `{"amount": "2000.10"}`)).ok(t)
	c.post(fmt.Sprintf("/api/v5/orders/payments/%d/edit", pid), form("by", "id", "payment", `{"status": "gone"}`)).
		fails(t, http.StatusBadRequest, "Errors in the entity format", "status")
	c.post(fmt.Sprintf("/api/v5/orders/payments/%d/delete", pid), nil).ok(t)
	c.post(fmt.Sprintf("/api/v5/orders/payments/%d/delete", pid), nil).fails(t, http.StatusNotFound, "Not found")

	f := byField(history(t, c, since))
	if n := len(f["payments"]); n != 2 {
		t.Fatalf("%d payments records: %v", n, keys(f))
	}
	added, removed := f["payments"][0], f["payments"][1]
	if at(added, "oldValue") != nil || str(at(added, "newValue")) != fmt.Sprintf(`{"id":%d,"type":"bank-card"}`, pid) ||
		str(at(added, "payment")) != fmt.Sprintf(`{"amount":2490,"externalId":"0b85301d-c6e7-11e8-9ff4-34e80002118e","id":%d,"status":"not-paid","type":"bank-card"}`, pid) {
		t.Errorf("added: %s", encode(added))
	}
	if at(removed, "newValue") != nil || at(removed, "oldValue", "id") == nil {
		t.Errorf("removed: %s", encode(removed))
	}
	for field, want := range map[string][2]string{
		"payments.status":  {`{"code":"not-paid"}`, `{"code":"paid"}`},
		"payments.paid_at": {"null", "2026-03-02 09:01:00"},
		"payments.amount":  {"2490", "2000.1"},
		"full_paid_at":     {"2026-03-02 09:01:00", "null"},
	} {
		r := at(f[field], len(f[field])-1)
		if str(at(r, "oldValue")) != want[0] || str(at(r, "newValue")) != want[1] {
			t.Errorf("%s: %s → %s, want %s → %s", field, str(at(r, "oldValue")), str(at(r, "newValue")), want[0], want[1])
		}
	}
	if r := at(f["payments.status"], 0); str(at(r, "payment")) != fmt.Sprintf(`{"externalId":"0b85301d-c6e7-11e8-9ff4-34e80002118e","id":%d,"type":"bank-card"}`, pid) {
		t.Errorf("payment of a field change: %s", encode(at(r, "payment")))
	}
}

func TestPaymentsByUserAndSites(t *testing.T) {
	sb, _ := newTestSandbox(t)
	all := newAPI(t, sb, keyAll)
	o := createOrder(t, all, DemoSite, fmt.Sprintf(`{"externalId": "X-1", "items": [{"offer": {"externalId": %q}}]}`, offerExt(0)))
	createOrder(t, all, DemoOtherSite, fmt.Sprintf(`{"externalId": "X-1", "items": [{"offer": {"externalId": %q}}]}`, offerExt(0)))
	all.post("/api/v5/orders/payments/create", form("payment", `{"order": {"externalId": "X-1"}, "type": "cash"}`)).
		fails(t, http.StatusBadRequest, "Parameter 'site' is missing")
	// "credit" is offered on the other site only.
	all.post("/api/v5/orders/payments/create", form("site", DemoSite, "payment", `{"order": {"externalId": "X-1"}, "type": "credit"}`)).
		fails(t, http.StatusBadRequest, "Errors in the entity format", "type")

	since := sb.LastHistoryID()
	pid, err := sb.AddPaymentAsUser(id(t, o["id"]), 11, `{"type": "cash", "amount": 100}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.EditPaymentAsUser(pid, 11, `{"status": "paid"}`); err != nil {
		t.Fatal(err)
	}
	recs := history(t, all, since)
	if len(recs) != 2 || at(recs[0], "source") != "user" || at(recs[1], "field") != "payments.status" || str(at(recs[1], "user")) != `{"id":11}` {
		t.Errorf("user payment records: %s", encode(recs))
	}
}
