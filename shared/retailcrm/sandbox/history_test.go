package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// byField indexes history records by field; several records of one field are kept in order.
func byField(recs []any) map[string][]any {
	out := map[string][]any{}
	for _, r := range recs {
		f := str(at(r, "field"))
		out[f] = append(out[f], r)
	}
	return out
}

func TestHistoryCreatedRecordAndCurrentKey(t *testing.T) {
	sb, _ := newTestSandbox(t)
	since := sb.LastHistoryID()
	bridge := newAPI(t, sb, keyBridge)
	o := createOrder(t, bridge, "", fmt.Sprintf(`{"externalId": "H-1", "items": [{"offer": {"externalId": %q}}]}`, offerExt(0)))

	for key, current := range map[string]bool{keyBridge: true, keyOther: false} {
		recs := history(t, newAPI(t, sb, key), since)
		if len(recs) != 1 {
			t.Fatalf("%s: %d records, want 1", key, len(recs))
		}
		r := recs[0]
		if at(r, "created") != true || at(r, "source") != "api" || at(r, "field") != "status" ||
			at(r, "oldValue") != nil || str(at(r, "newValue")) != `{"code":"new"}` || at(r, "user") != nil {
			t.Errorf("%s: record %s", key, encode(r))
		}
		if at(r, "apiKey", "current") != current {
			t.Errorf("%s: apiKey.current = %v, want %v", key, at(r, "apiKey", "current"), current)
		}
		if at(r, "order", "id") != o["id"] || at(r, "order", "items", 0, "id") == nil || at(r, "order", "customer", "id") == nil {
			t.Errorf("%s: the created record must carry the full order: %s", key, encode(at(r, "order")))
		}
	}
}

func TestHistoryEditRecords(t *testing.T) {
	sb, clock := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	o := createOrder(t, c, "", fmt.Sprintf(`{"managerId": 11, "items": [{"offer": {"externalId": %q}}, {"offer": {"externalId": %q}, "quantity": 2}],
		"delivery": {"code": "courier", "cost": 300}}`, offerExt(0), offerExt(1)))
	lineA, lineB := at(o, "items", 0, "id"), at(o, "items", 1, "id")
	clock.advance(time.Minute)
	since := sb.LastHistoryID()

	a := c.post(fmt.Sprintf("/api/v5/orders/%v/edit", o["id"]), form("by", "id", "order", fmt.Sprintf(`{
		"status": "client-confirmed", "managerId": 12, "customerComment": "Домофон 45",
		"items": [{"id": %v, "quantity": 3}, {"offer": {"externalId": %q}}], "delivery": {"cost": "350.50"}}`, lineA, offerExt(2)))).ok(t)
	lineC := at(a.json, "order", "items", 1, "id")

	recs := history(t, c, since)
	f := byField(recs)
	want := []string{"customer_comment", "delivery_cost", "manager", "order_product", "order_product.quantity", "order_product.summ", "status"}
	if len(f) != len(want) {
		t.Errorf("fields %v, want %v", keys(f), want)
	}
	for _, w := range want {
		if len(f[w]) == 0 {
			t.Errorf("no %q record", w)
		}
	}
	check := func(field string, i int, old, new string) {
		t.Helper()
		r := at(f[field], i)
		if str(at(r, "oldValue")) != old || str(at(r, "newValue")) != new {
			t.Errorf("%s: %s → %s, want %s → %s", field, str(at(r, "oldValue")), str(at(r, "newValue")), old, new)
		}
	}
	check("status", 0, `{"code":"new"}`, `{"code":"client-confirmed"}`)
	check("manager", 0, `{"id":11}`, `{"id":12}`)
	check("delivery_cost", 0, "300", "350.5")
	check("customer_comment", 0, "null", "Домофон 45")
	check("order_product.quantity", 0, "1", "3")
	check("order_product.summ", 0, "2490", "7470")
	if r := at(f["order_product.quantity"], 0); at(r, "item", "id") != lineA || at(r, "item", "offer", "externalId") != offerExt(0) {
		t.Errorf("item of a line change: %s", encode(at(r, "item")))
	}
	for _, r := range f["order_product"] {
		switch at(r, "item", "id") {
		case lineB:
			if at(r, "newValue") != nil || at(r, "oldValue", "id") != lineB {
				t.Errorf("removed line: %s", encode(r))
			}
		case lineC:
			if at(r, "oldValue") != nil || at(r, "newValue", "offer", "externalId") != offerExt(2) {
				t.Errorf("added line: %s", encode(r))
			}
		default:
			t.Errorf("unexpected order_product record %s", encode(r))
		}
	}
	for i, r := range recs {
		if at(r, "createdAt") != "2026-03-02 09:01:00" || at(r, "created") != nil || at(r, "apiKey", "current") != true ||
			str(at(r, "order")) != fmt.Sprintf(`{"id":%v,"managerId":12,"site":"unf-shop","status":"client-confirmed"}`, o["id"]) {
			t.Errorf("record %d: %s", i, encode(r))
		}
		if i > 0 && id(t, at(r, "id")) <= id(t, at(recs[i-1], "id")) {
			t.Errorf("ids must grow: %v after %v", at(r, "id"), at(recs[i-1], "id"))
		}
	}
}

func keys(m map[string][]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestHistorySources(t *testing.T) {
	sb, _ := newTestSandbox(t)
	since := sb.LastHistoryID()
	oid, err := sb.CreateAsUser(DemoSite, 11, fmt.Sprintf(`{"items": [{"offer": {"externalId": %q}}]}`, offerExt(0)))
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.EditAsUser(oid, 12, `{"status": "assembling"}`); err != nil {
		t.Fatal(err)
	}
	if err := sb.EditAsTrigger(oid, `{"managerId": 12}`); err != nil {
		t.Fatal(err)
	}
	if err := sb.EditAsUser(oid, 12, `{"status": "bogus"}`); err == nil || !strings.Contains(err.Error(), "status") {
		t.Errorf("invalid user edit: %v", err)
	}
	recs := history(t, newAPI(t, sb, keyBridge), since)
	if len(recs) != 3 {
		t.Fatalf("%d records: %s", len(recs), encode(recs))
	}
	for i, want := range []struct {
		source, user string
		created      bool
	}{{"user", `{"id":11}`, true}, {"user", `{"id":12}`, false}, {"code", "null", false}} {
		r := recs[i]
		if at(r, "source") != want.source || str(at(r, "user")) != want.user || (at(r, "created") == true) != want.created || at(r, "apiKey") != nil {
			t.Errorf("record %d: %s", i, encode(r))
		}
	}
}

func TestHistoryFiltersAndPaging(t *testing.T) {
	sb, clock := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	item := fmt.Sprintf(`{"items": [{"offer": {"externalId": %q}}]}`, offerExt(0))
	clock.advance(time.Hour) // 10:00
	since := sb.LastHistoryID()
	var ids []any
	for range 25 {
		ids = append(ids, createOrder(t, c, "", item)["id"])
		clock.advance(time.Minute)
	}
	// 25 records, 10:00 to 10:24.
	a := c.get("/api/v5/orders/history", query("filter[sinceId]", fmt.Sprint(since), "page", "2")).ok(t)
	if p := str(a.json["pagination"]); p != `{"currentPage":2,"limit":20,"totalCount":25,"totalPageCount":2}` {
		t.Errorf("pagination %s", p)
	}
	if recs := a.json["history"].([]any); len(recs) != 5 || at(recs, 4, "order", "id") != ids[24] {
		t.Errorf("page 2: %d records", len(recs))
	}
	last := id(t, at(a.json, "history", 2, "id"))
	if n := len(history(t, c, last)); n != 2 {
		t.Errorf("after sinceId %d: %d records, want 2", last, n)
	}
	a = c.get("/api/v5/orders/history", query("filter[startDate]", "2026-03-02 10:05:00", "filter[endDate]", "2026-03-02 10:09:59")).ok(t)
	if n := len(a.json["history"].([]any)); n != 5 {
		t.Errorf("startDate..endDate: %d records, want 5", n)
	}
	a = c.get("/api/v5/orders/history", query("filter[startDate]", "2026-03-02 10:20:00", "filter[endDate]", "2026-03-02")).ok(t)
	if n := len(a.json["history"].([]any)); n != 5 {
		t.Errorf("a bare endDate covers its day: %d records, want 5", n)
	}
	a = c.get("/api/v5/orders/history", query("filter[orderId]", str(ids[7]))).ok(t)
	if recs := a.json["history"].([]any); len(recs) != 1 || at(recs, 0, "order", "id") != ids[7] {
		t.Errorf("orderId: %s", encode(recs))
	}
	if a.json["generatedAt"] != "2026-03-02 10:25:00" {
		t.Errorf("generatedAt %v", a.json["generatedAt"])
	}
	c.get("/api/v5/orders/history", query("limit", "30")).fails(t, http.StatusBadRequest, "Errors in the input parameters", "limit")
	c.get("/api/v5/orders/history", query("filter[startDate]", "вчера")).fails(t, http.StatusBadRequest, "Errors in the input parameters", "filter[startDate]")
	c.get("/api/v5/orders/history", query("filter[since]", "1")).fails(t, http.StatusBadRequest, "Errors in the input parameters", "filter")
}

func TestHistorySiteAccess(t *testing.T) {
	sb, _ := newTestSandbox(t)
	recs := history(t, newAPI(t, sb, keyBridge), 0)
	for _, r := range recs {
		if at(r, "order", "site") != DemoSite {
			t.Errorf("a key of %s sees a record of %v", DemoSite, at(r, "order", "site"))
		}
	}
	if all := history(t, newAPI(t, sb, keyAll), 0); len(all) <= len(recs) {
		t.Errorf("the full key sees %d records, the site key %d", len(all), len(recs))
	}
}

func TestHistoryDeletedAndCombined(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	item := fmt.Sprintf(`{"items": [{"offer": {"externalId": %q}}]}`, offerExt(0))
	gone, from, into := createOrder(t, c, "", item), createOrder(t, c, "", item), createOrder(t, c, "", item)
	since := sb.LastHistoryID()
	if err := sb.DeleteOrder(id(t, gone["id"]), 11); err != nil {
		t.Fatal(err)
	}
	if err := sb.CombineOrders(id(t, from["id"]), id(t, into["id"]), 11); err != nil {
		t.Fatal(err)
	}
	if err := sb.DeleteOrder(id(t, gone["id"]), 11); err == nil {
		t.Error("deleting a deleted order: want an error")
	}
	recs := history(t, c, since)
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	if at(recs[0], "deleted") != true || at(recs[0], "order", "id") != gone["id"] || at(recs[0], "combinedTo") != nil {
		t.Errorf("deleted: %s", encode(recs[0]))
	}
	if at(recs[1], "deleted") != true || at(recs[1], "combinedTo", "id") != into["id"] {
		t.Errorf("combined: %s", encode(recs[1]))
	}
	c.get("/api/v5/orders/"+str(gone["id"]), query("by", "id")).fails(t, http.StatusNotFound, "Not found")
}
