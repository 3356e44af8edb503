package sandbox

import (
	"net/http"
	"testing"
)

func TestReferenceBooks(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)

	st := c.get("/api/v5/reference/statuses", nil).ok(t).json["statuses"]
	if at(st, "new", "group") != "new" || at(st, "redirect", "active") != false || at(st, "complete", "code") != "complete" {
		t.Errorf("statuses: %s", encode(st))
	}
	groups := c.get("/api/v5/reference/status-groups", nil).ok(t).json["statusGroups"]
	if str(at(groups, "approval", "statuses")) != `["availability-confirmed","client-confirmed","prepayed"]` {
		t.Errorf("status group members: %s", encode(at(groups, "approval")))
	}
	pt := c.get("/api/v5/reference/payment-types", nil).ok(t).json["paymentTypes"]
	if str(at(pt, "credit", "sites")) != `["opt-shop"]` || at(pt, "e-money", "active") != false || str(at(pt, "cash", "sites")) != "[]" {
		t.Errorf("payment types: %s", encode(pt))
	}
	ps := c.get("/api/v5/reference/payment-statuses", nil).ok(t).json["paymentStatuses"]
	if at(ps, "paid", "paymentComplete") != true || at(ps, "not-paid", "paymentComplete") != false {
		t.Errorf("payment statuses: %s", encode(ps))
	}
	dt := c.get("/api/v5/reference/delivery-types", nil).ok(t).json["deliveryTypes"]
	if str(at(dt, "courier", "defaultCost")) != "300" || str(at(dt, "pek", "sites")) != `["opt-shop"]` || at(dt, "ems", "active") != false {
		t.Errorf("delivery types: %s", encode(dt))
	}
	stores := c.get("/api/v5/reference/stores", nil).ok(t).json["stores"]
	if at(stores, 0, "code") != "main" || at(stores, 1, "code") != "second" || at(stores, 2, "active") != false {
		t.Errorf("stores: %s", encode(stores))
	}
	prices := c.get("/api/v5/reference/price-types", nil).ok(t).json["priceTypes"]
	if at(prices, 0, "code") != "base" || at(prices, 0, "default") != true || at(prices, 1, "code") != "wholesale" {
		t.Errorf("price types: %s", encode(prices))
	}
	for path, book := range map[string]string{
		"/api/v5/reference/sites": "sites", "/api/v5/reference/order-types": "orderTypes",
		"/api/v5/reference/order-methods": "orderMethods",
	} {
		if m, _ := c.get(path, nil).ok(t).json[book].(map[string]any); len(m) < 2 {
			t.Errorf("%s: %v", path, m)
		}
	}
}

func TestUsers(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	a := c.get("/api/v5/users", query("filter[active]", "1", "filter[isManager]", "1")).ok(t)
	if n := len(a.json["users"].([]any)); n != 2 || at(a.json, "users", 0, "firstName") != "Анна" {
		t.Errorf("active managers: %s", a.body)
	}
	a = c.get("/api/v5/users", query("filter[isManager]", "false")).ok(t)
	if n := len(a.json["users"].([]any)); n != 1 || at(a.json, "users", 0, "isAdmin") != true {
		t.Errorf("non-managers: %s", a.body)
	}
	a = c.get("/api/v5/users", nil).ok(t)
	if str(at(a.json, "pagination", "totalCount")) != "4" {
		t.Errorf("all users: %s", a.body)
	}
	c.get("/api/v5/users", query("filter[active]", "yes")).fails(t, http.StatusBadRequest, "Errors in the input parameters", "filter")
	if u := c.get("/api/v5/users/12", nil).ok(t).json["user"]; at(u, "lastName") != "Петров" || at(u, "status") != "busy" {
		t.Errorf("user 12: %s", encode(u))
	}
	c.get("/api/v5/users/999", nil).fails(t, http.StatusNotFound, "Not found")
}

func TestCorporateCustomers(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	person := sb.AddCustomer(Customer{Site: DemoSite, FirstName: "Елена", LastName: "Белова", Phone: "+79990001122"})
	corp := form("customerCorporate", `{
		"externalId": "corp-vector", "nickName": "АО «Вектор»", "managerId": 11, "customFields": {"segment": "опт"},
		"addresses": [{"name": "Офис", "text": "г. Казань, ул. Баумана, д. 1", "isMain": true}],
		"companies": [{"name": "АО «Вектор»", "isMain": true, "contragent": {"contragentType": "legal-entity", "INN": "1655123456", "KPP": "165501001"}}],
		"customerContacts": [{"isMain": true, "customer": {"id": `+str(person)+`}}]}`)
	cid := c.post("/api/v5/customers-corporate/create", corp).ok(t).json["id"]
	c.post("/api/v5/customers-corporate/create", corp).fails(t, http.StatusBadRequest, "Errors in the entity format", "externalId")
	c.post("/api/v5/customers-corporate/create", form("customerCorporate", `{}`)).fails(t, http.StatusBadRequest, "Errors in the entity format", "nickName")

	got := c.get("/api/v5/customers-corporate/corp-vector", nil).ok(t).json["customerCorporate"]
	if at(got, "id") != cid || at(got, "type") != "customer_corporate" || at(got, "mainCompany", "name") != "АО «Вектор»" ||
		at(got, "mainAddress", "name") != "Офис" || at(got, "customFields", "segment") != "опт" {
		t.Errorf("get: %s", encode(got))
	}
	c.post("/api/v5/customers-corporate/"+str(cid)+"/edit", form("by", "id", "customerCorporate", `{"nickName": "АО «Вектор-М»", "vip": true}`)).ok(t)
	got = c.get("/api/v5/customers-corporate/"+str(cid), query("by", "id")).ok(t).json["customerCorporate"]
	if at(got, "nickName") != "АО «Вектор-М»" || at(got, "vip") != true || at(got, "externalId") != "corp-vector" {
		t.Errorf("after edit: %s", encode(got))
	}
	companies := c.get("/api/v5/customers-corporate/corp-vector/companies", nil).ok(t).json["companies"]
	if at(companies, 0, "contragent", "INN") != "1655123456" || at(companies, 0, "customer", "id") != cid || at(companies, 0, "isMain") != true {
		t.Errorf("companies: %s", encode(companies))
	}
	contacts := c.get("/api/v5/customers-corporate/corp-vector/contacts", nil).ok(t).json["contacts"]
	if str(at(contacts, 0, "customer", "id")) != str(person) || at(contacts, 0, "isMain") != true {
		t.Errorf("contacts: %s", encode(contacts))
	}
	c.get("/api/v5/customers-corporate/nobody", nil).fails(t, http.StatusNotFound, "Not found")

	// An order of the corporate customer carries its company and contact.
	o := createOrder(t, c, "", `{"customer": {"id": `+str(cid)+`}, "items": [{"offer": {"externalId": "`+offerExt(0)+`"}}]}`)
	if at(o, "customer", "type") != "customer_corporate" || at(o, "company", "name") != "АО «Вектор»" ||
		str(at(o, "contact", "id")) != str(person) || at(o, "contragent", "KPP") != "165501001" {
		t.Errorf("corporate order: %s", encode(o))
	}
}
