package retailcrm

import (
	"net/http"
	"testing"
)

func TestCredentials(t *testing.T) {
	s := fixtureServer(t, map[string]reply{"GET /api/credentials": {http.StatusOK, "api-credentials.json"}})
	c, _ := newClient(t, s.URL)
	cr, err := c.Credentials(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(cr.Scopes) != 3 || cr.Scopes[0] != "order_read" || cr.Scopes[2] != "reference_read" {
		t.Errorf("scopes %v", cr.Scopes)
	}
	if len(cr.Credentials) != 2 || cr.Credentials[1] != "/api/integration-modules/{code}/edit" {
		t.Errorf("credentials %v", cr.Credentials)
	}
	if cr.SiteAccess != "access_full" {
		t.Errorf("siteAccess %q", cr.SiteAccess)
	}
}

func TestOrdersHistory(t *testing.T) {
	s := fixtureServer(t, map[string]reply{"GET /api/v5/orders/history": {http.StatusOK, "orders-history.json"}})
	c, _ := newClient(t, s.URL)
	page, err := c.OrdersHistory(t.Context(), HistoryFilter{SinceID: 2691, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.last(t).RawQuery; got != "filter%5BsinceId%5D=2691&limit=100" {
		t.Errorf("query %q", got)
	}
	h := page.History
	if len(h) != 100 || h[0].ID != 7038 || h[99].ID != 7137 {
		t.Fatalf("%d records, ids %d..%d", len(h), h[0].ID, h[len(h)-1].ID)
	}
	for i := 1; i < len(h); i++ {
		if h[i].ID <= h[i-1].ID {
			t.Fatalf("record %d: id %d after %d", i, h[i].ID, h[i-1].ID)
		}
	}
	if p := page.Pagination; p.TotalCount != 29733 || p.TotalPageCount != 298 || p.Limit != 100 || p.CurrentPage != 1 {
		t.Errorf("pagination %+v", p)
	}
	sources, created, withKey := map[string]int{}, 0, 0
	for _, r := range h {
		sources[r.Source]++
		if r.Created {
			created++
			if r.Order == nil || r.Order.ID == 0 || len(r.Order.Items) == 0 {
				t.Errorf("record %d: created without a full order", r.ID)
			}
		}
		if r.APIKey != nil {
			withKey++
			if r.APIKey.Current || r.ByThisKey() {
				t.Errorf("record %d: apiKey.current true", r.ID)
			}
		}
	}
	if sources["api"] != 35 || sources["code"] != 17 || sources["user"] != 48 || created != 23 || withKey != 35 {
		t.Errorf("sources %v, created %d, apiKey on %d", sources, created, withKey)
	}

	byID := map[int64]HistoryRecord{}
	for _, r := range h {
		byID[r.ID] = r
	}
	checkDecimal(t, "7082 payment.amount", byID[7082].Payment.Amount, "30770.4")
	checkDecimal(t, "7039 order.payments[0].amount", byID[7039].Order.Payments[0].Amount, "2663.96")
	if p := byID[7039].Order.Payments[0]; p.ID != 1422 || p.ExternalID != "9" || p.Status != "not-paid" {
		t.Errorf("7039 payment %+v", p)
	}

	status := byID[7044]
	if status.Field != "status" || status.OldValue.Code() != "new" || status.NewValue.Code() != "client-confirmed" {
		t.Errorf("7044: %s %s -> %s", status.Field, status.OldValue, status.NewValue)
	}
	if !byID[7038].OldValue.IsNull() || byID[7038].NewValue.Code() != "new" {
		t.Errorf("7038: %s -> %s", byID[7038].OldValue, byID[7038].NewValue)
	}
	if byID[7108].NewValue.ID() != 23 {
		t.Errorf("7108 manager %s", byID[7108].NewValue)
	}
	if q, err := byID[7080].NewValue.Decimal(); err != nil || q.String() != "4" {
		t.Errorf("7080 quantity %v %v", q, err)
	}
	if d, err := byID[7079].NewValue.Decimal(); err != nil || !d.Equal(MustDecimal("1904.4").Decimal) {
		t.Errorf("7079 discount %v %v", d, err)
	}
	if byID[7101].OldValue.Text() != "false" || byID[7101].NewValue.Text() != "true" {
		t.Errorf("7101 shipped %s -> %s", byID[7101].OldValue, byID[7101].NewValue)
	}
	var customer struct {
		ID         int64  `json:"id"`
		ExternalID string `json:"externalId"`
		Site       string `json:"site"`
	}
	if err := byID[7121].NewValue.Decode(&customer); err != nil || customer.ID != 983 || customer.Site != "presta" {
		t.Errorf("7121 customer %+v %v", customer, err)
	}
}

func checkDecimal(t *testing.T, what string, got *Decimal, want string) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: absent, want %s", what, want)
		return
	}
	if got.String() != want {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

func TestOrdersList(t *testing.T) {
	s := fixtureServer(t, map[string]reply{"GET /api/v5/orders": {http.StatusOK, "orders-list.json"}})
	c, _ := newClient(t, s.URL)
	page, err := c.Orders(t.Context(), OrdersFilter{IDs: []int64{1, 2}, ExternalIDs: []string{"a b"}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Orders) == 0 || page.Pagination.TotalCount == 0 {
		t.Fatalf("page %+v", page.Pagination)
	}
	for _, o := range page.Orders {
		if o.ID == 0 || o.Site == "" || o.Status == "" || o.TotalSumm == nil {
			t.Errorf("order %+v", o)
		}
		for _, it := range o.Items {
			if it.Offer == nil || it.Quantity == nil || it.InitialPrice == nil {
				t.Errorf("order %d item %+v", o.ID, it)
			}
		}
	}
}

func TestOrderGet(t *testing.T) {
	s := fixtureServer(t, map[string]reply{"GET /api/v5/orders/6722": {http.StatusOK, "order-get.json"}})
	c, _ := newClient(t, s.URL)
	o, err := c.Order(t.Context(), ByID(6722, "aliexpress"))
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != 6722 || o.Number != "8123522898559160" || o.Status != "delivering" || o.Site != "aliexpress" {
		t.Errorf("order %+v", o)
	}
	checkDecimal(t, "totalSumm", o.TotalSumm, "1")
	checkDecimal(t, "prepaySum", o.PrepaySum, "0")
	if o.Customer == nil || o.Customer.ID != 4976 || o.Customer.Contragent.ContragentType != "individual" {
		t.Errorf("customer %+v", o.Customer)
	}
	if len(o.Payments) != 1 || o.Payments[0].ID != 4326 || o.Payments[0].ExternalID != "payment_8123522898559160" {
		t.Errorf("payments (an object keyed by id) %+v", o.Payments)
	}
	if len(o.Items) != 1 || o.Items[0].ID != 10114 || o.Items[0].Offer.ExternalID != "1005001690749727" ||
		len(o.Items[0].Properties) != 0 {
		t.Errorf("items %+v", o.Items)
	}
	if got := o.Items[0].Discounts[0].Amount.String(); got != "0.5" {
		t.Errorf("discount %s", got)
	}
	if o.CustomFields["galka"].Text() != "false" || o.CustomFields["test_number"].Text() != "0" {
		t.Errorf("custom fields %v", o.CustomFields)
	}
}

func TestOrderCreateAndEdit(t *testing.T) {
	s := fixtureServer(t, map[string]reply{
		"POST /api/v5/orders/create":                {http.StatusOK, "order-create.json"},
		"POST /api/v5/orders/8123522898559160/edit": {http.StatusOK, "order-edit.json"},
	})
	c, _ := newClient(t, s.URL)
	created, err := c.CreateOrder(t.Context(), "aliexpress", Order{ExternalID: "x-1"})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == 0 || created.Order.ID != created.ID || len(created.Order.Payments) == 0 || len(created.Order.Items) == 0 {
		t.Errorf("created %+v", created)
	}
	edited, err := c.EditOrder(t.Context(), ByExternalID("8123522898559160", "aliexpress"), Order{Status: "complete"})
	if err != nil {
		t.Fatal(err)
	}
	if edited.ID == 0 || edited.Order.ExternalID != "8123522898559160" || len(edited.Order.Payments) != 1 {
		t.Errorf("edited %+v", edited)
	}
}

func TestPayments(t *testing.T) {
	s := fixtureServer(t, map[string]reply{
		"POST /api/v5/orders/payments/create":      {http.StatusOK, "payment-create.json"},
		"POST /api/v5/orders/payments/4562/edit":   {http.StatusOK, "payment-edit.json"},
		"POST /api/v5/orders/payments/4562/delete": {http.StatusOK, "payment-delete.json"},
	})
	c, _ := newClient(t, s.URL)
	id, err := c.CreatePayment(t.Context(), "shop", Payment{Order: &EntityRef{ID: 1}, Amount: Ptr(MustDecimal("10"))})
	if err != nil || id != 1 {
		t.Errorf("create: %d %v", id, err)
	}
	id, err = c.EditPayment(t.Context(), ByID(4562, ""), Payment{Status: "paid"})
	if err != nil || id != 1 {
		t.Errorf("edit: %d %v", id, err)
	}
	if err := c.DeletePayment(t.Context(), 4562); err != nil {
		t.Errorf("delete: %v", err)
	}
}

func TestUploads(t *testing.T) {
	s := fixtureServer(t, map[string]reply{
		"POST /api/v5/store/inventories/upload": {http.StatusOK, "store-inventories-upload.json"},
		"POST /api/v5/store/prices/upload":      {http.StatusOK, "store-prices-upload.json"},
	})
	c, _ := newClient(t, s.URL)
	res, err := c.UploadInventories(t.Context(), "shop", []InventoryOffer{{ExternalID: "a", Stores: []InventoryStore{{Code: "main"}}}})
	if err != nil || res.ProcessedOffersCount != 1 || len(res.NotFoundOffers) != 0 {
		t.Errorf("inventories: %+v %v", res, err)
	}
	res, err = c.UploadPrices(t.Context(), []OfferPrices{{ExternalID: "a", Site: "shop", Prices: []OfferPrice{{Code: "base"}}}})
	if err != nil || res.ProcessedOffersCount != 1 || res.NotFoundOffers == nil {
		t.Errorf("prices: %+v %v", res, err)
	}
}

func TestReferenceBooks(t *testing.T) {
	routes := map[string]reply{}
	for _, name := range []string{"statuses", "status-groups", "stores", "price-types", "payment-types",
		"payment-statuses", "delivery-types", "sites", "order-types"} {
		routes["GET /api/v5/reference/"+name] = reply{http.StatusOK, "reference-" + name + ".json"}
	}
	c, _ := newClient(t, fixtureServer(t, routes).URL)
	ctx := t.Context()

	statuses, err := c.Statuses(ctx)
	if err != nil || statuses["new"].Name != "Новый" || statuses["delivering"].Group != "delivery" || !statuses["complete"].Active {
		t.Errorf("statuses: %d %v", len(statuses), err)
	}
	if statuses["3"].Code != "3" {
		t.Errorf("numeric code: %+v", statuses["3"])
	}
	groups, err := c.StatusGroups(ctx)
	if err != nil || !groups["approval"].Process || len(groups["approval"].Statuses) != 4 {
		t.Errorf("status groups: %+v %v", groups["approval"], err)
	}
	stores, err := c.Stores(ctx)
	if err != nil || len(stores) == 0 || stores[0].Code != "main12" || stores[0].Address.City != "Москва" || stores[1].InventoryType != "available" {
		t.Errorf("stores: %+v %v", stores, err)
	}
	priceTypes, err := c.PriceTypes(ctx)
	if err != nil || len(priceTypes) != 4 || priceTypes[3].Code != "base" || !priceTypes[3].Default {
		t.Errorf("price types: %+v %v", priceTypes, err)
	}
	paymentTypes, err := c.PaymentTypes(ctx)
	if err != nil || len(paymentTypes["13"].Sites) != 2 || paymentTypes["12"].Sites != nil || paymentTypes["7"].Name != "7" {
		t.Errorf("payment types: %+v %v", paymentTypes["13"], err)
	}
	paymentStatuses, err := c.PaymentStatuses(ctx)
	if err != nil || !paymentStatuses["paid"].PaymentComplete || paymentStatuses["payment-start"].PaymentComplete {
		t.Errorf("payment statuses: %+v %v", paymentStatuses["paid"], err)
	}
	deliveryTypes, err := c.DeliveryTypes(ctx)
	if err != nil || deliveryTypes["2"].DefaultCost.String() != "500" || deliveryTypes["2"].Sites[0] != "site1" ||
		!deliveryTypes["2"].DeliveryPaymentTypes[0].Cod {
		t.Errorf("delivery types: %+v %v", deliveryTypes["2"], err)
	}
	sites, err := c.Sites(ctx)
	if err != nil || len(sites) != 2 || sites["test-ru"].ID != 101 || sites["test"].Contragent.INN != "773719480254" {
		t.Errorf("sites: %+v %v", sites, err)
	}
	orderTypes, err := c.OrderTypes(ctx)
	if err != nil || !orderTypes["eshop-individual"].DefaultForCRM || orderTypes["dict-ordertypes-1571123791"].Active {
		t.Errorf("order types: %+v %v", orderTypes["eshop-individual"], err)
	}
}

func TestUsers(t *testing.T) {
	s := fixtureServer(t, map[string]reply{"GET /api/v5/users": {http.StatusOK, "users-list.json"}})
	c, _ := newClient(t, s.URL)
	page, err := c.Users(t.Context(), UsersFilter{Active: Ptr(true), IsManager: Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.last(t).RawQuery; got != "filter%5Bactive%5D=1&filter%5BisManager%5D=1" {
		t.Errorf("query %q", got)
	}
	if p := page.Pagination; p.TotalCount != 8 || p.TotalPageCount != 1 || p.Limit != 20 {
		t.Errorf("pagination %+v", p)
	}
	if len(page.Users) != 1 || page.Users[0].ID != 28 || !page.Users[0].IsManager || page.Users[0].Groups[0].Name != "Менеджеры" {
		t.Errorf("users %+v", page.Users)
	}
	all, err := c.AllUsers(t.Context(), UsersFilter{Active: Ptr(true)})
	if err != nil || len(all) != 1 {
		t.Errorf("all users: %d %v", len(all), err)
	}
	if got := s.last(t).RawQuery; got != "filter%5Bactive%5D=1&limit=100&page=1" {
		t.Errorf("all users query %q", got)
	}
}

// TestAllUsersWalksPages serves three pages of the fixture's shape and expects three calls.
func TestAllUsersWalksPages(t *testing.T) {
	s := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		_, _ = w.Write([]byte(`{"success":true,"pagination":{"limit":20,"totalCount":3,"currentPage":` + page +
			`,"totalPageCount":3},"users":[{"id":` + page + `,"active":true}]}`))
	}))
	c, _ := newClient(t, s.URL)
	all, err := c.AllUsers(t.Context(), UsersFilter{Limit: 20})
	if err != nil || len(all) != 3 || all[2].ID != 3 || len(s.requests()) != 3 {
		t.Errorf("users %+v, %d calls, %v", all, len(s.requests()), err)
	}
}

func TestCorporateCustomers(t *testing.T) {
	s := fixtureServer(t, map[string]reply{
		"GET /api/v5/customers-corporate/5043":           {http.StatusOK, "customers-corporate-get.json"},
		"GET /api/v5/customers-corporate/5043/companies": {http.StatusOK, "customers-corporate-companies.json"},
		"GET /api/v5/customers-corporate/5043/contacts":  {http.StatusOK, "customers-corporate-contacts.json"},
		"POST /api/v5/customers-corporate/create":        {http.StatusOK, "customers-corporate-create.json"},
		"POST /api/v5/customers-corporate/5043/edit":     {http.StatusOK, "customers-corporate-edit.json"},
	})
	c, _ := newClient(t, s.URL)
	ctx := t.Context()
	ref := ByID(5043, "")
	cc, err := c.CorporateCustomer(ctx, ref)
	if err != nil || cc.ID != 5043 || cc.NickName != "Test Corp Company" || cc.MainCompany.ID != 772 ||
		cc.CustomFields["galkatrue"].Text() != "true" {
		t.Errorf("customer %+v %v", cc, err)
	}
	companies, err := c.CorporateCompanies(ctx, ref, 0, 0)
	if err != nil || len(companies.Companies) != 1 || companies.Companies[0].Contragent.ContragentType != "legal-entity" ||
		!companies.Companies[0].IsMain || companies.Companies[0].Customer.ID != 5043 || companies.Pagination.TotalCount != 1 {
		t.Errorf("companies %+v %v", companies, err)
	}
	contacts, err := c.CorporateContacts(ctx, ref, 20, 1)
	if err != nil || len(contacts.Contacts) != 1 || contacts.Contacts[0].ID != 945 || contacts.Contacts[0].Customer.ExternalID != "test_10" {
		t.Errorf("contacts %+v %v", contacts, err)
	}
	if id, err := c.CreateCorporateCustomer(ctx, "shop", CorporateCustomer{NickName: "ООО Ромашка"}); err != nil || id != 1 {
		t.Errorf("create %d %v", id, err)
	}
	if id, err := c.EditCorporateCustomer(ctx, ref, CorporateCustomer{NickName: "ООО Ромашка"}); err != nil || id != 5043 {
		t.Errorf("edit %d %v", id, err)
	}
}
