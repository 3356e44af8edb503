package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestOrderCreate(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	a := c.post("/api/v5/orders/create", form("order", fmt.Sprintf(`{
		"externalId": "УТ-000123/1 от 01.03", "status": "new", "firstName": "Ирина",
		"items": [
			{"offer": {"externalId": %q}, "quantity": 3, "initialPrice": "1290.50", "discountManualPercent": 10},
			{"offer": {"xmlId": %q}, "quantity": 2, "initialPrice": 390, "discountManualAmount": 40}],
		"delivery": {"code": "courier", "cost": 300}}`, offerExt(2), offerExt(1)))).ok(t)

	o := a.json["order"].(map[string]any)
	oid := id(t, a.json["id"])
	if id(t, o["id"]) != oid || o["number"] != fmt.Sprintf("%dA", oid) || o["createdAt"] != "2026-03-02 09:00:00" {
		t.Errorf("id %v, number %v, createdAt %v", o["id"], o["number"], o["createdAt"])
	}
	for i, want := range []struct{ discount, price string }{{"129.05", "1161.45"}, {"40", "350"}} {
		it := at(o, "items", i)
		if at(it, "id") == nil || str(at(it, "discountTotal")) != want.discount || str(at(it, "prices", 0, "price")) != want.price {
			t.Errorf("item %d: %s", i, encode(it))
		}
	}
	// Exact decimals on the wire: 3 × 1161.45 + 2 × 350 = 4184.35, plus delivery 300.
	if !strings.Contains(string(a.body), `"summ":4184.35`) || !strings.Contains(string(a.body), `"totalSumm":4484.35`) {
		t.Errorf("sums: %s", a.body)
	}
	if str(at(o, "customer", "firstName")) != "Ирина" || at(o, "customer", "id") == nil {
		t.Errorf("an order without a customer creates one: %s", encode(o["customer"]))
	}

	dup := fmt.Sprintf(`{"externalId": "УТ-000123/1 от 01.03", "items": [{"offer": {"externalId": %q}}]}`, offerExt(0))
	c.post("/api/v5/orders/create", form("order", dup)).fails(t, http.StatusBadRequest, "Errors in the entity format", "externalId")
	all := newAPI(t, sb, keyAll)
	all.post("/api/v5/orders/create", form("order", dup)).fails(t, http.StatusBadRequest, "Parameter 'site' is missing")
	all.post("/api/v5/orders/create", form("site", DemoOtherSite, "order", dup)).ok(t)
}

func TestOrderCreateValidation(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	c.post("/api/v5/orders/create", nil).fails(t, http.StatusBadRequest, "Parameter 'order' is missing")
	for field, order := range map[string]string{
		"status":            `{"status": "no-such-status"}`,
		"managerId":         `{"managerId": 14}`,
		"delivery.code":     `{"delivery": {"code": "teleport"}}`,
		"items[0].offer":    `{"items": [{"offer": {"externalId": "missing"}}]}`,
		"items[0].quantity": fmt.Sprintf(`{"items": [{"offer": {"externalId": %q}, "quantity": 0}]}`, offerExt(0)),
		"payments[0].type":  `{"payments": [{"type": "credit", "amount": 1}]}`,
		"shipmentDate":      `{"shipmentDate": "02.03.2026"}`,
		"managerComment":    `{"managerComment": 5}`,
	} {
		c.post("/api/v5/orders/create", form("order", order)).fails(t, http.StatusBadRequest, "Errors in the entity format", field)
	}
	// A JSON body is not a form: RetailCRM sees no "order" field.
	req, _ := http.NewRequest(http.MethodPost, sb.URL()+"/api/v5/orders/create", strings.NewReader(`{"order":{}}`))
	req.Header.Set("Content-Type", "application/json")
	c.do(req).fails(t, http.StatusBadRequest, "Parameter 'order' is missing")
}

func TestOrderGetBySite(t *testing.T) {
	sb, _ := newTestSandbox(t)
	all := newAPI(t, sb, keyAll)
	ext := "1C/УТ 00-000042"
	item := fmt.Sprintf(`"items": [{"offer": {"externalId": %q}}]`, offerExt(0))
	shop := createOrder(t, all, DemoSite, fmt.Sprintf(`{"externalId": %q, %s}`, ext, item))
	opt := createOrder(t, all, DemoOtherSite, fmt.Sprintf(`{"externalId": %q, %s}`, ext, item))

	path := "/api/v5/orders/" + url.PathEscape(ext)
	all.get(path, nil).fails(t, http.StatusBadRequest, "Parameter 'site' is missing")
	for site, want := range map[string]any{DemoSite: shop["id"], DemoOtherSite: opt["id"]} {
		if got := at(all.get(path, query("site", site)).ok(t).json, "order", "id"); got != want {
			t.Errorf("site %s: order %v, want %v", site, got, want)
		}
	}
	bridge := newAPI(t, sb, keyBridge)
	if got := at(bridge.get(path, nil).ok(t).json, "order", "id"); got != shop["id"] {
		t.Errorf("externalId is the default of by: got %v", got)
	}
	byID := "/api/v5/orders/" + str(opt["id"])
	all.get(byID, query("by", "id")).ok(t)
	bridge.get(byID, query("by", "id")).fails(t, http.StatusNotFound, "Not found")
	all.get(byID, nil).fails(t, http.StatusNotFound, "Not found")
	all.get(byID, query("by", "number")).fails(t, http.StatusBadRequest, "Errors in the input parameters", "by")
}

func TestOrderEditItems(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	o := createOrder(t, c, DemoSite, fmt.Sprintf(`{"items": [
		{"offer": {"externalId": %q}, "externalIds": [{"code": "1c", "value": "line-1"}]},
		{"offer": {"externalId": %q}}, {"offer": {"externalId": %q}}]}`, offerExt(0), offerExt(1), offerExt(2)))
	path := fmt.Sprintf("/api/v5/orders/%v/edit", o["id"])
	lineA, lineC := at(o, "items", 0, "id"), at(o, "items", 2, "id")

	edit := func(items string) map[string]any {
		a := c.post(path, form("by", "id", "order", `{"items": `+items+`}`)).ok(t)
		return a.json["order"].(map[string]any)
	}
	// Kept by id (quantity changed), kept by externalIds, line B dropped, line C re-created.
	got := edit(fmt.Sprintf(`[{"id": %v, "quantity": 5}, {"offer": {"externalId": %q}}]`, lineA, offerExt(2)))
	if len(got["items"].([]any)) != 2 || at(got, "items", 0, "id") != lineA || str(at(got, "items", 0, "quantity")) != "5" {
		t.Fatalf("after the first edit: %s", encode(got["items"]))
	}
	if newC := at(got, "items", 1, "id"); newC == lineC || newC == nil {
		t.Errorf("line C sent without id must be re-created, got id %v (was %v)", newC, lineC)
	}
	got = edit(`[{"externalIds": [{"code": "1c", "value": "line-1"}], "quantity": 6}]`)
	if len(got["items"].([]any)) != 1 || at(got, "items", 0, "id") != lineA || str(at(got, "items", 0, "quantity")) != "6" {
		t.Errorf("kept by externalIds: %s", encode(got["items"]))
	}
	a := c.post(path, form("by", "id", "order", fmt.Sprintf(`{"items": [{"id": %v}, {"offer": {"externalId": %q}}]}`, lineA, offerExt(0))))
	a.fails(t, http.StatusBadRequest, "Errors in the entity format", "items[1].offer")
	if msg := str(at(a.json, "errors", "items[1].offer")); !strings.HasSuffix(msg, "is already in this order") {
		t.Errorf("duplicate offer message %q", msg)
	}
	// A failed edit changes nothing; an edit without items keeps them.
	got = c.post(path, form("by", "id", "order", `{"customerComment": "после 18:00"}`)).ok(t).json["order"].(map[string]any)
	if len(got["items"].([]any)) != 1 || got["customerComment"] != "после 18:00" {
		t.Errorf("after a failed edit and a comment edit: %s", encode(got))
	}
}

func TestOrdersList(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	var ids []string
	for i := range 22 {
		o := createOrder(t, c, "", fmt.Sprintf(`{"externalId": "L-%d", "items": [{"offer": {"externalId": %q}}]}`, i, offerExt(i%5)))
		ids = append(ids, str(o["id"]))
	}
	a := c.get("/api/v5/orders", query("filter[ids][]", ids[0], "filter[ids][]", ids[5], "filter[ids][]", "999999")).ok(t)
	if n := len(a.json["orders"].([]any)); n != 2 || str(at(a.json, "pagination", "totalCount")) != "2" {
		t.Errorf("by ids: %d orders, %s", n, encode(a.json["pagination"]))
	}
	a = c.get("/api/v5/orders", query("filter[externalIds][0]", "L-3", "filter[externalIds][1]", "L-4")).ok(t)
	if n := len(a.json["orders"].([]any)); n != 2 {
		t.Errorf("by externalIds (PHP indexes): %d orders", n)
	}
	// 22 new + 3 demo orders of the key's site; the other site's order is not listed.
	a = c.get("/api/v5/orders", query("page", "2")).ok(t)
	if p := encode(a.json["pagination"]); string(p) != `{"currentPage":2,"limit":20,"totalCount":25,"totalPageCount":2}` {
		t.Errorf("pagination %s", p)
	}
	if n := len(a.json["orders"].([]any)); n != 5 {
		t.Errorf("page 2: %d orders", n)
	}
	c.get("/api/v5/orders", query("limit", "7")).fails(t, http.StatusBadRequest, "Errors in the input parameters", "limit")
	c.get("/api/v5/orders", query("filter[id][]", ids[0])).fails(t, http.StatusBadRequest, "Errors in the input parameters", "filter")
}

func TestOrderNullsAndLineDetails(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	o := createOrder(t, c, "", fmt.Sprintf(`{"customerComment": "до 18:00", "customFields": {"gift": true},
		"items": [{"offer": {"externalId": %q}, "vatRate": 20, "comment": "без упаковки",
			"properties": [{"code": "color", "name": "Цвет", "value": "серый"}]}]}`, offerExt(2)))
	if str(at(o, "items", 0, "vatRate")) != "20" || at(o, "items", 0, "properties", "color", "value") != "серый" || at(o, "customFields", "gift") != true {
		t.Errorf("created: %s", encode(o))
	}
	got := c.post("/api/v5/orders/"+str(o["id"])+"/edit", form("by", "id", "order", `{"customerComment": null, "customFields": {"gift": null}}`)).ok(t).json["order"]
	if at(got, "customerComment") != nil || str(at(got, "customFields")) != "[]" {
		t.Errorf("null clears a field, and an empty custom field set is written [] as PHP does: %s", encode(got))
	}
	stored, ok := sb.OrderJSON(id(t, o["id"]))
	if !ok || str(decodeAnswer(t, stored)) != str(got) {
		t.Errorf("OrderJSON differs from GET:\n%s\n%s", stored, encode(got))
	}
	if _, ok := sb.OrderJSON(1); ok {
		t.Error("OrderJSON of an unknown order")
	}
}
