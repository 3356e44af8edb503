package retailcrm

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// okServer answers every request with a success that fits every call.
func okServer(t *testing.T) *server {
	return newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"success":true,"id":1,"order":{"id":1}}`))
	}))
}

// checkRequest asserts the method, the escaped path, the query and the key header of r, and
// that the key is nowhere else.
func checkRequest(t *testing.T, r recorded, method, path string, query url.Values) {
	t.Helper()
	if r.Method != method || r.Path != path {
		t.Errorf("request %s %s, want %s %s", r.Method, r.Path, method, path)
	}
	got, err := url.ParseQuery(r.RawQuery)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 || len(query) != 0 {
		if !reflect.DeepEqual(got, query) {
			t.Errorf("query %v, want %v", got, query)
		}
	}
	if r.Header.Get("X-API-KEY") != testKey {
		t.Errorf("X-API-KEY header %q", r.Header.Get("X-API-KEY"))
	}
	if strings.Contains(r.Path+r.RawQuery+r.Body, testKey) {
		t.Errorf("the API key is in the URL or the body")
	}
	if method == http.MethodPost && r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("content type %q", r.Header.Get("Content-Type"))
	}
}

// checkForm asserts the form fields of a POST exactly.
func checkForm(t *testing.T, r recorded, want map[string]string) {
	t.Helper()
	form := r.Form(t)
	if len(form) != len(want) {
		t.Errorf("form fields %v, want %v", form, want)
	}
	for k, v := range want {
		if got := form.Get(k); got != v {
			t.Errorf("form %s = %s\nwant %s", k, got, v)
		}
	}
}

const escapedNumber = "%D0%90%D0%A1%D0%A4%D0%A0%2F12%203" // АСФР/12 3

func TestWireOrders(t *testing.T) {
	s := okServer(t)
	c, _ := newClient(t, s.URL)
	ctx := t.Context()

	if _, err := c.EditOrder(ctx, ByExternalID("АСФР/12 3", "shop"), Order{
		Status:   "complete",
		Shipped:  Ptr(false),
		Items:    []OrderItem{{ID: 5, Quantity: Ptr(MustDecimal("2.500")), InitialPrice: Ptr(MustDecimal("0"))}},
		Customer: &Customer{ID: 7},
	}); err != nil {
		t.Fatal(err)
	}
	r := s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/orders/"+escapedNumber+"/edit", nil)
	checkForm(t, r, map[string]string{
		"by":    "externalId",
		"site":  "shop",
		"order": `{"status":"complete","shipped":false,"customer":{"id":7},"items":[{"id":5,"quantity":2.5,"initialPrice":0}]}`,
	})

	if _, err := c.Order(ctx, ByID(6722, "")); err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/orders/6722", url.Values{"by": {"id"}})

	if _, err := c.CreateOrder(ctx, "shop", Order{ExternalID: "<1C>&1", Items: []OrderItem{}}); err != nil {
		t.Fatal(err)
	}
	r = s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/orders/create", nil)
	checkForm(t, r, map[string]string{"site": "shop", "order": `{"externalId":"<1C>&1","items":[]}`})

	if _, err := c.Orders(ctx, OrdersFilter{IDs: []int64{1, 2}, ExternalIDs: []string{"a b"}, Limit: 50, Page: 2}); err != nil {
		t.Fatal(err)
	}
	r = s.last(t)
	checkRequest(t, r, http.MethodGet, "/api/v5/orders", url.Values{
		"filter[ids][]": {"1", "2"}, "filter[externalIds][]": {"a b"}, "limit": {"50"}, "page": {"2"},
	})
	if !strings.Contains(r.RawQuery, "filter%5Bids%5D%5B%5D=1&filter%5Bids%5D%5B%5D=2") {
		t.Errorf("raw query %s", r.RawQuery)
	}

	start := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := c.OrdersHistory(ctx, HistoryFilter{StartDate: start, EndDate: start.Add(time.Hour), OrderID: 9,
		OrderExternalID: "АСФР/12 3", Limit: 20, Page: 3}); err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/orders/history", url.Values{
		"filter[startDate]": {"2024-01-02 03:04:05"}, "filter[endDate]": {"2024-01-02 04:04:05"},
		"filter[orderId]": {"9"}, "filter[orderExternalId]": {"АСФР/12 3"}, "limit": {"20"}, "page": {"3"},
	})
}

func TestWirePayments(t *testing.T) {
	s := okServer(t)
	c, _ := newClient(t, s.URL)
	ctx := t.Context()

	if _, err := c.CreatePayment(ctx, "shop", Payment{ExternalID: "guid-1", Order: &EntityRef{ID: 42}, Type: "cash",
		Status: "paid", Amount: Ptr(Decimal{}), PaidAt: "2024-01-02 03:04:05"}); err != nil {
		t.Fatal(err)
	}
	r := s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/orders/payments/create", nil)
	checkForm(t, r, map[string]string{"site": "shop",
		"payment": `{"externalId":"guid-1","order":{"id":42},"type":"cash","status":"paid","amount":0,"paidAt":"2024-01-02 03:04:05"}`})

	if _, err := c.EditPayment(ctx, ByExternalID("guid 1/2", "shop"), Payment{Amount: Ptr(MustDecimal("1500.50"))}); err != nil {
		t.Fatal(err)
	}
	r = s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/orders/payments/guid%201%2F2/edit", nil)
	checkForm(t, r, map[string]string{"by": "externalId", "site": "shop", "payment": `{"amount":1500.5}`})

	if err := c.DeletePayment(ctx, 4562); err != nil {
		t.Fatal(err)
	}
	r = s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/orders/payments/4562/delete", nil)
	checkForm(t, r, map[string]string{})
}

func TestWireUploadsSendZeros(t *testing.T) {
	s := okServer(t)
	c, _ := newClient(t, s.URL)
	ctx := t.Context()

	if _, err := c.UploadInventories(ctx, "shop", []InventoryOffer{
		{ExternalID: "АСФР-1", Stores: []InventoryStore{{Code: "main", Available: Decimal{}}}},
		{XMLID: "x2", Stores: []InventoryStore{{Code: "main", Available: MustDecimal("3.250"), PurchasePrice: Ptr(MustDecimal("0"))}}},
	}); err != nil {
		t.Fatal(err)
	}
	r := s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/store/inventories/upload", nil)
	checkForm(t, r, map[string]string{"site": "shop",
		"offers": `[{"externalId":"АСФР-1","stores":[{"code":"main","available":0}]},` +
			`{"xmlId":"x2","stores":[{"code":"main","available":3.25,"purchasePrice":0}]}]`})

	if _, err := c.UploadPrices(ctx, []OfferPrices{{ExternalID: "a", Site: "shop", Prices: []OfferPrice{
		{Code: "base", Price: Decimal{}}, {Code: "old", Remove: true}, {Code: "opt", Price: MustDecimal("99.99")},
	}}}); err != nil {
		t.Fatal(err)
	}
	r = s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/store/prices/upload", nil)
	checkForm(t, r, map[string]string{
		"prices": `[{"externalId":"a","site":"shop","prices":[{"code":"base","price":0},{"code":"old","price":0,"remove":true},{"code":"opt","price":99.99}]}]`})
}

func TestWireCorporate(t *testing.T) {
	s := okServer(t)
	c, _ := newClient(t, s.URL)
	ctx := t.Context()
	ref := ByExternalID("АСФР/12 3", "shop")

	if _, err := c.CorporateCustomer(ctx, ref); err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/customers-corporate/"+escapedNumber,
		url.Values{"by": {"externalId"}, "site": {"shop"}})

	if _, err := c.CorporateCompanies(ctx, ref, 100, 2); err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/customers-corporate/"+escapedNumber+"/companies",
		url.Values{"by": {"externalId"}, "site": {"shop"}, "limit": {"100"}, "page": {"2"}})

	if _, err := c.CreateCorporateCompany(ctx, ref, Company{Name: "ООО «Ромашка»",
		Contragent: &Contragent{ContragentType: "legal-entity", INN: "7701234567", KPP: "770101001"}}); err != nil {
		t.Fatal(err)
	}
	r := s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/customers-corporate/"+escapedNumber+"/companies/create", nil)
	checkForm(t, r, map[string]string{"by": "externalId", "site": "shop",
		"company": `{"name":"ООО «Ромашка»","contragent":{"contragentType":"legal-entity","INN":"7701234567","KPP":"770101001"}}`})

	if _, err := c.CreateCorporateContact(ctx, ByID(5043, ""), CorporateContact{IsMain: true, Customer: &Customer{ID: 945}}); err != nil {
		t.Fatal(err)
	}
	r = s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/customers-corporate/5043/contacts/create", nil)
	checkForm(t, r, map[string]string{"by": "id", "contact": `{"isMain":true,"customer":{"id":945}}`})

	if _, err := c.CreateCorporateCustomer(ctx, "shop", CorporateCustomer{ExternalID: "c1", NickName: "Ромашка",
		Companies: []Company{{IsMain: true, Name: "Ромашка"}}}); err != nil {
		t.Fatal(err)
	}
	r = s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/customers-corporate/create", nil)
	checkForm(t, r, map[string]string{"site": "shop",
		"customerCorporate": `{"externalId":"c1","nickName":"Ромашка","companies":[{"isMain":true,"name":"Ромашка"}]}`})

	if _, err := c.EditCorporateCustomer(ctx, ByID(5043, "shop"), CorporateCustomer{Vip: Ptr(false)}); err != nil {
		t.Fatal(err)
	}
	r = s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/customers-corporate/5043/edit", nil)
	checkForm(t, r, map[string]string{"by": "id", "site": "shop", "customerCorporate": `{"vip":false}`})
}

func TestWireReferencesAndCredentials(t *testing.T) {
	s := okServer(t)
	c, _ := newClient(t, s.URL)
	if _, err := c.Credentials(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := s.last(t)
	checkRequest(t, r, http.MethodGet, "/api/credentials", nil)
	if r.Header.Get("Accept") != "application/json" {
		t.Errorf("accept %q", r.Header.Get("Accept"))
	}
	// The ok answer lacks "statuses": the reference call says so instead of returning nothing.
	if _, err := c.Statuses(t.Context()); err == nil || !strings.Contains(err.Error(), `"statuses"`) {
		t.Errorf("statuses: %v", err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/reference/statuses", nil)
}

func TestBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"myshop.retailcrm.ru":                  "https://myshop.retailcrm.ru",
		" https://MyShop.retailcrm.ru/ ":       "https://myshop.retailcrm.ru",
		"http://myshop.retailcrm.ru":           "https://myshop.retailcrm.ru",
		"https://myshop.retailcrm.ru/api/v5/":  "https://myshop.retailcrm.ru",
		"myshop.retailcrm.ru/api":              "https://myshop.retailcrm.ru",
		"http://127.0.0.1:8080":                "http://127.0.0.1:8080",
		"http://localhost:9000/prefix":         "http://localhost:9000/prefix",
		"https://crm.example.com:8443/retail/": "https://crm.example.com:8443/retail",
	} {
		c, err := New(Options{BaseURL: in, APIKey: testKey})
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if c.BaseURL() != want {
			t.Errorf("%q → %q, want %q", in, c.BaseURL(), want)
		}
	}
	for _, in := range []string{"", "ftp://shop", "https://user:pw@shop.retailcrm.ru", "https://shop.retailcrm.ru/?x=1", "https://"} {
		if _, err := New(Options{BaseURL: in, APIKey: testKey}); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	for _, key := range []string{"", "  ", "with space", "tab\tkey"} {
		if _, err := New(Options{BaseURL: "shop.retailcrm.ru", APIKey: key}); err == nil {
			t.Errorf("key %q accepted", key)
		}
	}
}
