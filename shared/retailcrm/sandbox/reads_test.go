package sandbox

import (
	"fmt"
	"net/http"
	"testing"
)

func TestSystemInfoAndSettings(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	if a := c.get("/api/api-versions", nil).ok(t); str(a.json["versions"]) != `["3.0","4.0","5.0"]` {
		t.Errorf("versions: %s", a.body)
	}
	if a := c.get("/api/system-info", nil).ok(t); a.json["publicUrl"] != sb.URL() || a.json["technicalUrl"] != sb.URL() ||
		a.json["systemVersion"] != systemVersion {
		t.Errorf("system info: %s", a.body)
	}
	st := c.get("/api/v5/settings", nil).ok(t).json["settings"]
	if at(st, "default_currency", "value") != "RUB" || at(st, "system_language", "value") != "RU" ||
		at(st, "timezone", "value") != moscow().String() || at(st, "timezone", "updated_at") != "2026-03-02 09:00:00" {
		t.Errorf("settings: %s", encode(st))
	}
	if days, _ := at(st, "work_times").([]any); len(days) != 5 || at(days, 4, "day_type") != "Friday" || at(days, 0, "lunch_end_time") != "14:00" {
		t.Errorf("work times: %s", encode(at(st, "work_times")))
	}

	if err := sb.SetKeyScopes(keyOther); err != nil {
		t.Fatal(err)
	}
	other := newAPI(t, sb, keyOther)
	other.get("/api/api-versions", nil).ok(t)
	other.get("/api/system-info", nil).ok(t)
	other.get("/api/v5/settings", nil).fails(t, http.StatusForbidden, "Access denied.")
}

func TestOrderStatuses(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c, all := newAPI(t, sb, keyBridge), newAPI(t, sb, keyAll)
	o := createOrder(t, c, "", fmt.Sprintf(`{"externalId": "S-1", "status": "assembling", "items": [{"offer": {"externalId": %q}}]}`, offerExt(0)))
	oid := str(o["id"])
	foreign := str(at(all.get("/api/v5/orders", query("filter[sites][]", DemoOtherSite)).ok(t).json, "orders", 0, "id"))

	a := c.get("/api/v5/orders/statuses", query("ids[]", oid, "ids[]", foreign, "externalIds[]", "site-1001", "externalIds[]", "nope")).ok(t)
	orders, _ := a.json["orders"].([]any)
	if len(orders) != 2 || at(orders, 0, "externalId") != "site-1001" || at(orders, 0, "status") != "new" || at(orders, 0, "group") != "new" ||
		str(at(orders, 1, "id")) != oid || at(orders, 1, "status") != "assembling" || at(orders, 1, "group") != "assembling" {
		t.Errorf("statuses: %s", a.body)
	}
	if a := all.get("/api/v5/orders/statuses", query("ids[0]", foreign)).ok(t); str(at(a.json, "orders", 0, "id")) != foreign {
		t.Errorf("a key reaching the other site, PHP-style ids: %s", a.body)
	}
	c.get("/api/v5/orders/statuses", nil).fails(t, http.StatusBadRequest, "Errors in the input parameters", "ids")
	c.get("/api/v5/orders/statuses", query("ids[]", "x")).fails(t, http.StatusBadRequest, "Errors in the input parameters", "ids")
}

func TestFixExternalIDs(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	item := fmt.Sprintf(`{"items": [{"offer": {"externalId": %q}}]}`, offerExt(0))
	first, second := str(createOrder(t, c, "", item)["id"]), str(createOrder(t, c, "", item)["id"])
	fix := func(orders string) answer { return c.post("/api/v5/orders/fix-external-ids", form("orders", orders)) }

	since := sb.LastHistoryID()
	fix(`[{"id": ` + first + `, "externalId": "1C-77"}]`).ok(t)
	if got := c.get("/api/v5/orders/1C-77", nil).ok(t).json["order"]; str(at(got, "id")) != first {
		t.Errorf("order by its new externalId: %s", encode(got))
	}
	recs := history(t, c, since)
	if len(recs) != 1 || at(recs, 0, "field") != "external_id" || at(recs, 0, "newValue") != "1C-77" || at(recs, 0, "source") != "api" {
		t.Errorf("history: %s", encode(recs))
	}

	fix(`[{"id": `+second+`, "externalId": "1C-78"}, {"id": 1, "externalId": "x"}]`).
		fails(t, http.StatusBadRequest, "Errors in the entity format", "orders[1].id")
	fix(`[{"id": `+second+`, "externalId": "site-1001"}]`).
		fails(t, http.StatusBadRequest, "Errors in the entity format", "orders[0].externalId")
	fix(`[{"id": `+second+`, "externalId": "1C-79"}, {"id": `+first+`, "externalId": "1C-79"}]`).
		fails(t, http.StatusBadRequest, "Errors in the entity format", "orders[1].externalId")
	fix(`[{"id": `+second+`, "externalId": ""}]`).fails(t, http.StatusBadRequest, "Errors in the entity format", "orders[0].externalId")
	c.post("/api/v5/orders/fix-external-ids", nil).fails(t, http.StatusBadRequest, "Parameter 'orders' is missing")
	if got := c.get("/api/v5/orders/"+second, query("by", "id")).ok(t).json["order"]; at(got, "externalId") != nil {
		t.Errorf("a refused batch changed an order: %s", encode(got))
	}
	if recs := history(t, c, since); len(recs) != 1 {
		t.Errorf("refused batches left history: %s", encode(recs))
	}
}

func TestInventories(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	a := c.get("/api/v5/store/inventories", nil).ok(t)
	offers, _ := a.json["offers"].([]any)
	if len(offers) != len(demoOffers) || str(at(a.json, "pagination", "totalCount")) != "6" {
		t.Fatalf("inventories: %s", a.body)
	}
	// Demo offer 0: 12 in main, 3 in second; purchase price 70% of the wholesale 1990.
	if o := offers[0]; at(o, "externalId") != offerExt(0) || at(o, "site") != DemoSite || str(at(o, "quantity")) != "15" ||
		str(at(o, "purchasePrice")) != "1393" || at(o, "stores") != nil {
		t.Errorf("offer 0: %s", encode(o))
	}
	if o := offers[5]; str(at(o, "quantity")) != "7" {
		t.Errorf("offer 5: %s", encode(o))
	}

	c.post("/api/v5/store/inventories/upload", form("offers", fmt.Sprintf(
		`[{"externalId": %q, "stores": [{"code": "main", "available": "4.5"}]}]`, offerExt(0)))).ok(t)
	a = c.get("/api/v5/store/inventories", query("filter[details]", "1", "filter[offerExternalId][]", offerExt(0))).ok(t)
	if o := at(a.json, "offers", 0); len(a.json["offers"].([]any)) != 1 || str(at(o, "quantity")) != "7.5" ||
		str(at(o, "stores")) != `[{"purchasePrice":1393,"quantity":4.5,"store":"main"},{"quantity":3,"store":"second"}]` {
		t.Errorf("details: %s", a.body)
	}
	xml := c.get("/api/v5/store/inventories", query("filter[offerXmlId][]", offerExt(1), "filter[sites][]", DemoSite)).ok(t)
	if o := at(xml.json, "offers", 0); len(xml.json["offers"].([]any)) != 1 || at(o, "xmlId") != offerExt(1) {
		t.Errorf("by xmlId: %s", xml.body)
	}
	id := str(at(xml.json, "offers", 0, "id"))
	if a := c.get("/api/v5/store/inventories", query("filter[ids][]", id)).ok(t); str(at(a.json, "offers", 0, "id")) != id {
		t.Errorf("by id: %s", a.body)
	}
	if a := c.get("/api/v5/store/inventories", query("filter[sites][]", DemoOtherSite)).ok(t); len(a.json["offers"].([]any)) != 0 {
		t.Errorf("the catalog belongs to the main catalog site: %s", a.body)
	}
	if a := c.get("/api/v5/store/inventories", query("limit", "20", "page", "2")).ok(t); len(a.json["offers"].([]any)) != 0 ||
		str(at(a.json, "pagination", "currentPage")) != "2" {
		t.Errorf("page 2: %s", a.body)
	}
	c.get("/api/v5/store/inventories", query("filter[ids][]", "x")).fails(t, http.StatusBadRequest, "Errors in the input parameters", "filter[ids]")
	c.get("/api/v5/store/inventories", query("filter[productActive]", "1")).fails(t, http.StatusBadRequest, "Errors in the input parameters", "filter")
	if err := sb.SetKeyScopes(keyOther, ScopeStoreWrite); err != nil {
		t.Fatal(err)
	}
	newAPI(t, sb, keyOther).get("/api/v5/store/inventories", nil).fails(t, http.StatusForbidden, "Access denied.")
}

func TestUnitsAndProductStatuses(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	units := c.get("/api/v5/reference/units", nil).ok(t).json["units"]
	if str(units) != `{"pc":{"active":true,"code":"pc","default":true,"name":"Штука","sym":"шт."}}` {
		t.Errorf("units: %s", encode(units))
	}
	// Every order line shows the unit of the book.
	o := createOrder(t, c, "", fmt.Sprintf(`{"items": [{"offer": {"externalId": %q}}]}`, offerExt(0)))
	if at(o, "items", 0, "offer", "unit", "sym") != at(units, "pc", "sym") {
		t.Errorf("line unit: %s", encode(at(o, "items", 0, "offer", "unit")))
	}
	ps := c.get("/api/v5/reference/product-statuses", nil).ok(t).json["productStatuses"]
	if m, _ := ps.(map[string]any); len(m) != 5 || at(ps, "out-of-stock", "cancelStatus") != true || at(ps, "new", "cancelStatus") != false ||
		at(ps, "new", "name") != "Добавлен" || str(at(ps, "confirming", "ordering")) != "20" || at(ps, "new", "createdAt") != "2026-03-02 09:00:00" {
		t.Errorf("product statuses: %s", encode(ps))
	}
}
