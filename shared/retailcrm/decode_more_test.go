package retailcrm

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"
)

func TestAPIInfoAndSettings(t *testing.T) {
	s := fixtureServer(t, map[string]reply{
		"GET /api/api-versions": {http.StatusOK, "api-versions.json"},
		"GET /api/system-info":  {http.StatusOK, "api-system-info.json"},
		"GET /api/v5/settings":  {http.StatusOK, "settings.json"},
	})
	c, _ := newClient(t, s.URL)
	ctx := t.Context()

	versions, err := c.APIVersions(ctx)
	if err != nil || !reflect.DeepEqual(versions, []string{"3.0", "4.0", "5.0"}) {
		t.Errorf("versions %v %v", versions, err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/api-versions", nil)

	info, err := c.SystemInfo(ctx)
	if err != nil || info != (SystemInfo{SystemVersion: "8.1.51", PublicURL: "https://test.retailcrm.ru",
		TechnicalURL: "https://testwtestxtestvtestytestwtesthm6.retailcrm.io"}) {
		t.Errorf("system info %+v %v", info, err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/system-info", nil)

	st, err := c.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/settings", nil)
	if st.DefaultCurrency != (Setting{Value: "RUB", UpdatedAt: "2020-12-02 14:54:16"}) || st.SystemLanguage.Value != "RU" ||
		st.Timezone != (Setting{Value: "Europe/Moscow", UpdatedAt: "2021-02-08 08:29:40"}) {
		t.Errorf("settings %+v", st)
	}
	if len(st.WorkTimes) != 2 || st.WorkTimes[1] != (WorkTime{DayType: "Monday", StartTime: "08:00", EndTime: "20:30",
		LunchStartTime: "12:30", LunchEndTime: "13:00"}) || st.WorkTimes[0].DayType != "Sunday" {
		t.Errorf("work times %+v", st.WorkTimes)
	}
}

func TestUserGet(t *testing.T) {
	s := fixtureServer(t, map[string]reply{"GET /api/v5/users/28": {http.StatusOK, "user-get.json"}})
	c, _ := newClient(t, s.URL)
	u, err := c.User(t.Context(), 28)
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/users/28", nil)
	if u.ID != 28 || u.CreatedAt != "2020-05-25 12:49:00" || !u.Active || u.Email != "programmer@retailcrm.ru" ||
		u.FirstName != "programmer" || u.Status != "free" || !u.Online || !u.IsAdmin || !u.IsManager {
		t.Errorf("user %+v", u)
	}
	if !reflect.DeepEqual(u.Groups, []UserGroup{{25, "manager", "Менеджеры"}, {26, "director", "Руководители"}}) {
		t.Errorf("groups %+v", u.Groups)
	}
	if _, err := c.User(t.Context(), 0); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("user 0: %v", err)
	}
}

func TestOrderStatusesAndFixExternalIDs(t *testing.T) {
	s := fixtureServer(t, map[string]reply{
		"GET /api/v5/orders/statuses":          {http.StatusOK, "orders-statuses.json"},
		"POST /api/v5/orders/fix-external-ids": {http.StatusOK, "orders-fix-external-ids.json"},
	})
	c, _ := newClient(t, s.URL)
	ctx := t.Context()

	statuses, err := c.OrderStatuses(ctx, []int64{6722, 6723}, []string{"8123522898559160"})
	if err != nil || !reflect.DeepEqual(statuses, []OrderStatus{{6722, "8123522898559160", "delivering", "delivery"}}) {
		t.Errorf("statuses %+v %v", statuses, err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/orders/statuses",
		url.Values{"ids[]": {"6722", "6723"}, "externalIds[]": {"8123522898559160"}})
	if _, err := c.OrderStatuses(ctx, nil, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("no ids: %v", err)
	}

	if err := c.FixExternalIDs(ctx, []EntityRef{{ID: 6722, ExternalID: "АСФР/12 3"}, {ID: 6723, ExternalID: "x"}}); err != nil {
		t.Fatal(err)
	}
	r := s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/orders/fix-external-ids", nil)
	checkForm(t, r, map[string]string{"orders": `[{"id":6722,"externalId":"АСФР/12 3"},{"id":6723,"externalId":"x"}]`})
	n := len(s.requests())
	for _, bad := range []EntityRef{{ID: 6722}, {ExternalID: "x"}} {
		if err := c.FixExternalIDs(ctx, []EntityRef{bad}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if len(s.requests()) != n {
		t.Error("an invalid pair was sent")
	}
}

func TestUploadOrders(t *testing.T) {
	s := fixtureServer(t, map[string]reply{"POST /api/v5/orders/upload": {http.StatusOK, "orders-upload.json"}})
	c, _ := newClient(t, s.URL)
	up, err := c.UploadOrders(t.Context(), "moysklad", []Order{{ExternalID: "external_id_7146", Status: "assembling"}, {ExternalID: "100"}})
	if err != nil {
		t.Fatal(err)
	}
	r := s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/orders/upload", nil)
	checkForm(t, r, map[string]string{"site": "moysklad",
		"orders": `[{"externalId":"external_id_7146","status":"assembling"},{"externalId":"100"}]`})

	if !reflect.DeepEqual(up.UploadedOrders, []EntityRef{{ID: 7146, ExternalID: "external_id_7146"}}) ||
		!reflect.DeepEqual(up.FailedOrders, []EntityRef{{ExternalID: "100"}, {ExternalID: "101"}}) {
		t.Errorf("uploaded %+v failed %+v", up.UploadedOrders, up.FailedOrders)
	}
	if len(up.Orders) != 1 {
		t.Fatalf("%d orders", len(up.Orders))
	}
	o := up.Orders[0]
	if o.ID != 7146 || o.Number != "7146A" || o.Site != "moysklad" || o.Status != "assembling" || o.ShipmentStore != "main12" ||
		!o.FromAPI || o.Customer.ID != 4924 || o.Contact.ID != 4924 || o.Customer.Address.City != "Ростов-на-Дону" ||
		o.Customer.CustomFields["moyskladexternalid"].Text() != "03956a7e-3ead-11eb-0a80-017300081b64" || len(o.Customer.Phones) != 2 {
		t.Errorf("order %+v", o)
	}
	checkDecimal(t, "prepaySum", o.PrepaySum, "1000")
	checkDecimal(t, "purchaseSumm", o.PurchaseSumm, "60")
	checkDecimal(t, "totalSumm", o.TotalSumm, "0")
	if len(o.Payments) != 1 || o.Payments[0].ID != 4554 || o.Payments[0].Status != "paid" {
		t.Fatalf("payments %+v", o.Payments)
	}
	checkDecimal(t, "payment amount", o.Payments[0].Amount, "1000")
	if len(o.Items) != 1 || o.Items[0].ID != 11308 || o.Items[0].Offer.ExternalID != "tGunLo27jlPGmbA8BrHxY2" ||
		o.Items[0].Offer.Unit.Code != "796" || o.Items[0].PriceType.Code != "base" {
		t.Fatalf("items %+v", o.Items)
	}
	checkDecimal(t, "item purchasePrice", o.Items[0].PurchasePrice, "60")
	checkDecimal(t, "item quantity", o.Items[0].Quantity, "1")

	partial := fixtureServer(t, map[string]reply{"POST /api/v5/orders/upload": {StatusPartial, "orders-upload-460.json"}})
	pc, _ := newClient(t, partial.URL)
	_, err = pc.UploadOrders(t.Context(), "moysklad", []Order{{ExternalID: "123123"}})
	var pe *PartialError
	if !errors.As(err, &pe) || len(pe.Uploaded) != 0 || !reflect.DeepEqual(pe.Failed, []EntityRef{{ExternalID: "123123"}}) ||
		len(partial.requests()) != 1 {
		t.Errorf("partial upload: %v, %d requests", err, len(partial.requests()))
	}

	for name, call := range map[string]func() error{
		"no site":   func() error { _, err := c.UploadOrders(t.Context(), "", []Order{{ExternalID: "1"}}); return err },
		"no orders": func() error { _, err := c.UploadOrders(t.Context(), "moysklad", nil); return err },
	} {
		if err := call(); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestReferenceBooksMore(t *testing.T) {
	s := fixtureServer(t, map[string]reply{
		"GET /api/v5/reference/order-methods":       {http.StatusOK, "reference-order-methods.json"},
		"GET /api/v5/reference/units":               {http.StatusOK, "reference-units.json"},
		"GET /api/v5/reference/product-statuses":    {http.StatusOK, "reference-product-statuses.json"},
		"POST /api/v5/reference/stores/main 2/edit": {http.StatusOK, "reference-edit-success.json"},
	})
	c, _ := newClient(t, s.URL)
	ctx := t.Context()

	methods, err := c.OrderMethods(ctx)
	if err != nil || len(methods) != 12 || methods["phone"] != (OrderMethod{Code: "phone", Name: "По телефону", Active: true, DefaultForCRM: true}) ||
		!methods["shopping-cart"].DefaultForAPI || methods["2"].Name != "2" {
		t.Errorf("order methods: %d %+v %v", len(methods), methods["phone"], err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/reference/order-methods", nil)

	units, err := c.Units(ctx)
	if err != nil || len(units) != 107 || units["pc"] != (Unit{Code: "pc", Name: "Штука", Sym: "шт.", Default: true, Active: true}) ||
		units["796"].Sym != "шт" || units["796"].Default {
		t.Errorf("units: %d %+v %v", len(units), units["pc"], err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/reference/units", nil)

	ps, err := c.ProductStatuses(ctx)
	if err != nil || len(ps) != 44 {
		t.Fatalf("product statuses: %d %v", len(ps), err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/reference/product-statuses", nil)
	if ps["new"] != (ProductStatus{Code: "new", Name: "Добавлен", Active: true, Ordering: 10, CreatedAt: "2018-09-04 16:35:03"}) ||
		!ps["out-of-stock"].CancelStatus || ps["out-of-stock"].OrderStatusByProductStatus != "no-product" ||
		ps["4"].Active || ps[""].Ordering != 170 {
		t.Errorf("product statuses: new %+v, out-of-stock %+v", ps["new"], ps["out-of-stock"])
	}

	if err := c.EditStore(ctx, Store{Code: "main 2", Name: "Склад «Север»", Type: "store-type-warehouse", Active: true}); err != nil {
		t.Fatal(err)
	}
	r := s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/reference/stores/main%202/edit", nil)
	checkForm(t, r, map[string]string{"store": `{"code":"main 2","name":"Склад «Север»","type":"store-type-warehouse","active":true}`})
	if err := c.EditStore(ctx, Store{Name: "no code"}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("no code: %v", err)
	}
}

func TestStoreReads(t *testing.T) {
	s := fixtureServer(t, map[string]reply{
		"GET /api/v5/store/inventories":    {http.StatusOK, "store-inventories.json"},
		"GET /api/v5/store/offers":         {http.StatusOK, "store-offers.json"},
		"GET /api/v5/store/products":       {http.StatusOK, "store-products.json"},
		"GET /api/v5/store/product-groups": {http.StatusOK, "store-product-groups.json"},
	})
	c, _ := newClient(t, s.URL)
	ctx := t.Context()

	inv, err := c.Inventories(ctx, InventoriesFilter{Details: true, IDs: []int64{1818323}, OfferExternalIDs: []string{"1", "a b"},
		OfferXMLIDs: []string{"x"}, Sites: []string{"aliexpress"}, Limit: 20, Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/store/inventories", url.Values{
		"filter[details]": {"1"}, "filter[ids][]": {"1818323"}, "filter[offerExternalId][]": {"1", "a b"},
		"filter[offerXmlId][]": {"x"}, "filter[sites][]": {"aliexpress"}, "limit": {"20"}, "page": {"1"},
	})
	if p := inv.Pagination; p != (Pagination{Limit: 20, TotalCount: 29, CurrentPage: 1, TotalPageCount: 2}) || len(inv.Offers) != 20 {
		t.Fatalf("pagination %+v, %d offers", p, len(inv.Offers))
	}
	first := inv.Offers[0]
	if first.ID != 1818323 || first.ExternalID != "1" || first.XMLID != "1" || first.Site != "aliexpress" || first.Stores != nil {
		t.Errorf("offer 0 %+v", first)
	}
	checkDecimal(t, "offer 0 quantity", &first.Quantity, "100000")
	checkDecimal(t, "offer 0 purchasePrice", first.PurchasePrice, "100000")
	if o := inv.Offers[1]; o.ID != 67459 || o.Site != "moysklad" || o.PurchasePrice != nil || !o.Quantity.IsZero() {
		t.Errorf("offer 1 %+v", o)
	}
	checkDecimal(t, "offer 18 purchasePrice", inv.Offers[18].PurchasePrice, "1000")
	if o := inv.Offers[19]; o.ID != 66746 || o.ExternalID != "eT4zbWgUgvVEXQtAuocaS1" {
		t.Errorf("offer 19 %+v", o)
	}

	offers, err := c.Offers(ctx, OffersFilter{IDs: []int64{1941833}, ExternalIDs: []string{"38311"}, Sites: []string{"shop"}, Active: Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/store/offers", url.Values{
		"filter[ids][]": {"1941833"}, "filter[externalIds][]": {"38311"}, "filter[sites][]": {"shop"}, "filter[active]": {"1"},
	})
	if offers.Pagination.TotalCount != 1 || len(offers.Offers) != 1 {
		t.Fatalf("offers %+v", offers)
	}
	of := offers.Offers[0]
	if of.ID != 1941833 || of.ExternalID != "38311" || of.XMLID != "38311" || of.Article != "38311" || of.Name != "Test Offer" ||
		of.VATRate != "none" || !*of.Active || *of.Unit != (Unit{Code: "pc", Name: "Штука", Sym: "шт."}) ||
		of.Properties["brend"] != "Test" || len(of.Properties) != 5 || of.Price != nil {
		t.Errorf("offer %+v", of)
	}
	if !reflect.DeepEqual(of.Prices, []CatalogPrice{{PriceType: "base", Price: MustDecimal("624"), Ordering: 991}}) {
		t.Errorf("prices %+v", of.Prices)
	}
	checkDecimal(t, "offer purchasePrice", of.PurchasePrice, "272.64")
	checkDecimal(t, "offer quantity", of.Quantity, "0")
	checkDecimal(t, "offer weight", of.Weight, "33")
	if p := of.Product; p == nil || p.ID != 828272 || p.Name != "Test Product" || p.Type != "product" || p.MinPrice.String() != "624" ||
		len(p.Groups) != 3 || p.Groups[2] != (EntityRef{ID: 4279, ExternalID: "394"}) || p.Offers != nil {
		t.Errorf("product of the offer %+v", of.Product)
	}

	products, err := c.Products(ctx, ProductsFilter{ExternalID: "38311", OfferExternalID: "38311", Active: Ptr(false), Limit: 50, Page: 2})
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/store/products", url.Values{
		"filter[externalId]": {"38311"}, "filter[offerExternalId]": {"38311"}, "filter[active]": {"0"}, "limit": {"50"}, "page": {"2"},
	})
	if len(products.Products) != 1 || products.Pagination.TotalPageCount != 1 {
		t.Fatalf("products %+v", products)
	}
	p := products.Products[0]
	if p.ID != 828272 || p.ExternalID != "38311" || p.Article != "38311" || p.Manufacturer != "Test" || !p.Active || p.Markable ||
		p.URL != "https://example.com" || p.ImageURL != "https://example.com/image.jpg" || p.MaxPrice.String() != "624" ||
		!p.Quantity.IsZero() || len(p.Groups) != 3 || p.Groups[0].ID != 4050 || len(p.Offers) != 1 {
		t.Fatalf("product %+v", p)
	}
	if o := p.Offers[0]; o.ID != 1941833 || o.Name != "Test #1" || o.Prices[0].PriceType != "base" || o.Product != nil {
		t.Errorf("product offer %+v", o)
	}
	checkDecimal(t, "product offer price", p.Offers[0].Price, "624")
	checkDecimal(t, "product offer purchasePrice", p.Offers[0].PurchasePrice, "272.64")

	groups, err := c.ProductGroups(ctx, ProductGroupsFilter{Sites: []string{"moysklad", "aliexpress"}, Active: Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/store/product-groups", url.Values{
		"filter[sites][]": {"moysklad", "aliexpress"}, "filter[active]": {"1"},
	})
	g := groups.ProductGroups
	if len(g) != 7 || groups.Pagination.TotalCount != 7 {
		t.Fatalf("%d groups, pagination %+v", len(g), groups.Pagination)
	}
	if g[0] != (ProductGroup{ID: 4326, ExternalID: "1", Site: "aliexpress", Name: "Test Category", Active: true}) ||
		g[3] != (ProductGroup{ID: 3679, ParentID: 3677, ExternalID: "2-1Group", Site: "moysklad", Name: "Входящая в группу", Active: true}) ||
		g[4].ParentID != 3679 || g[6].Name != "Фрукты" {
		t.Errorf("groups %+v", g)
	}
}

func TestCustomers(t *testing.T) {
	s := fixtureServer(t, map[string]reply{
		"GET /api/v5/customers":            {http.StatusOK, "customers-list.json"},
		"GET /api/v5/customers/4770":       {http.StatusOK, "customer-get.json"},
		"POST /api/v5/customers/create":    {http.StatusOK, "customer-create.json"},
		"POST /api/v5/customers/4770/edit": {http.StatusOK, "customer-edit.json"},
	})
	c, _ := newClient(t, s.URL)
	ctx := t.Context()

	page, err := c.Customers(ctx, CustomersFilter{IDs: []int64{1233}, ExternalIDs: []string{"11"}, Sites: []string{"moysklad"},
		Email: "a@example.ru", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/customers", url.Values{
		"filter[ids][]": {"1233"}, "filter[externalIds][]": {"11"}, "filter[sites][]": {"moysklad"},
		"filter[email]": {"a@example.ru"}, "limit": {"100"},
	})
	if page.Pagination != (Pagination{Limit: 20, TotalCount: 1, CurrentPage: 1, TotalPageCount: 1}) || len(page.Customers) != 1 {
		t.Fatalf("page %+v", page)
	}
	cu := page.Customers[0]
	if cu.ID != 1233 || cu.ExternalID != "11" || cu.Type != "customer" || !cu.IsContact || cu.Site != "moysklad" || cu.ManagerID != 24 ||
		*cu.Vip || *cu.Bad || cu.FirstName != "Иван" || cu.Patronymic != "Иванович23" || cu.Email != "" ||
		!reflect.DeepEqual(cu.Phones, []Phone{{"89229112322"}}) || cu.Contragent.ContragentType != "individual" {
		t.Errorf("customer %+v", cu)
	}
	if a := cu.Address; a.ID != 1218 || a.CountryISO != "RU" || a.RegionID != 20 || a.City != "Кисловодск" || a.CityID != 2303 || a.CityType != "г." {
		t.Errorf("address %+v", cu.Address)
	}
	// The object repeats "customFields": the last one is kept, whole.
	if cf := cu.CustomFields; len(cf) != 5 || cf["string_field"].Text() != "my_string" || cf["bool_field"].Text() != "true" ||
		cf["dictionary"].Text() != "test1" || !cf["galkatrue"].IsNull() {
		t.Errorf("custom fields %v", cf)
	}
	if d, err := cu.CustomFields["float_field"].Decimal(); err != nil || d.String() != "3.8" {
		t.Errorf("float_field %v %v", d, err)
	}
	var multi []string
	if err := cu.CustomFields["multiselect_dictionary"].Decode(&multi); err != nil || !reflect.DeepEqual(multi, []string{"test2", "test3"}) {
		t.Errorf("multiselect %v %v", multi, err)
	}

	got, err := c.Customer(ctx, ByID(4770, "bb_demo"))
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/customers/4770", url.Values{"by": {"id"}, "site": {"bb_demo"}})
	if got.ID != 4770 || got.ExternalID != "5" || got.Site != "bb_demo" || got.FirstName != "Omega" || got.Email != "omega@omega.com" ||
		got.CreatedAt != "2022-03-11 15:39:08" || got.ManagerID != 24 || got.IsContact ||
		!reflect.DeepEqual(got.Phones, []Phone{{"79094055045"}, {"+79094055044"}}) ||
		*got.Address != (Address{ID: 3492, Text: "ул. Красноармейская, д. 63/90, кв. 45"}) ||
		got.CustomFields["galkatrue"].Text() != "true" {
		t.Errorf("customer %+v", got)
	}

	id, err := c.CreateCustomer(ctx, "bb_demo", Customer{ExternalID: "5", FirstName: "Omega", Phones: []Phone{{"+79094055044"}}})
	if err != nil || id != 1 {
		t.Errorf("create %d %v", id, err)
	}
	r := s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/customers/create", nil)
	checkForm(t, r, map[string]string{"site": "bb_demo",
		"customer": `{"externalId":"5","firstName":"Omega","phones":[{"number":"+79094055044"}]}`})

	id, err = c.EditCustomer(ctx, ByID(4770, ""), Customer{Vip: Ptr(false), ManagerID: 24})
	if err != nil || id != 4770 {
		t.Errorf("edit %d %v", id, err)
	}
	r = s.last(t)
	checkRequest(t, r, http.MethodPost, "/api/v5/customers/4770/edit", nil)
	checkForm(t, r, map[string]string{"by": "id", "customer": `{"managerId":24,"vip":false}`})

	if _, err := c.CreateCustomer(ctx, "", Customer{}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("create without site: %v", err)
	}
	if _, err := c.EditCustomer(ctx, ByExternalID("5", ""), Customer{}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("edit by externalId without site: %v", err)
	}
}

func TestCustomersHistory(t *testing.T) {
	s := fixtureServer(t, map[string]reply{"GET /api/v5/customers/history": {http.StatusOK, "customers-history.json"}})
	c, _ := newClient(t, s.URL)
	page, err := c.CustomersHistory(t.Context(), CustomersHistoryFilter{SinceID: 2691, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/customers/history", url.Values{"filter[sinceId]": {"2691"}, "limit": {"100"}})
	h := page.History
	if len(h) != 100 || h[0].ID != 2692 || h[99].ID != 2791 || page.GeneratedAt != "2021-02-16 15:41:11" ||
		page.Pagination != (Pagination{Limit: 100, TotalCount: 28676, CurrentPage: 1, TotalPageCount: 287}) {
		t.Fatalf("%d records, generatedAt %q, pagination %+v", len(h), page.GeneratedAt, page.Pagination)
	}
	sources, created, deleted, withKey := map[string]int{}, 0, 0, 0
	byID := map[int64]CustomerHistoryRecord{}
	for _, r := range h {
		byID[r.ID] = r
		sources[r.Source]++
		if r.Customer == nil || r.Customer.ID == 0 {
			t.Errorf("record %d: no customer", r.ID)
		}
		if r.Created {
			created++
		}
		if r.Deleted {
			deleted++
		}
		if r.APIKey != nil {
			withKey++
			if r.ByThisKey() {
				t.Errorf("record %d: apiKey.current true", r.ID)
			}
		}
	}
	if sources["code"] != 72 || sources["user"] != 18 || sources["api"] != 10 || created != 9 || deleted != 10 || withKey != 10 {
		t.Errorf("sources %v, created %d, deleted %d, apiKey on %d", sources, created, deleted, withKey)
	}

	if r := byID[2692]; r.Field != "segments" || r.OldValue.Code() != "nizkiy-sredniy-chek" || !r.NewValue.IsNull() ||
		r.Customer.ID != 978 || r.Customer.Site != "moysklad" {
		t.Errorf("2692 %+v", r)
	}
	if r := byID[2695]; !r.Created || r.Field != "id" || r.NewValue.ID() != 982 || r.Customer.ExternalID != "2" ||
		r.Customer.Site != "presta" || r.Customer.Email != "admin@mail.ru" || len(r.Customer.CustomFields) != 0 {
		t.Errorf("2695 %+v", r)
	}
	if r := byID[2697]; r.Field != "manager" || r.NewValue.ID() != 23 || r.User != nil {
		t.Errorf("2697 %+v", r)
	}
	if r := byID[2718]; r.Field != "address.building" || r.NewValue.Text() != "5" || r.User.ID != 19 ||
		*r.Address != (Address{ID: 982, IsMain: true}) {
		t.Errorf("2718 %+v", r)
	}
	if r := byID[2734]; r.Field != "email" || r.OldValue.Text() != "admin@mail.ru" || r.NewValue.Text() != "test12@gmail.com" {
		t.Errorf("2734 %+v", r)
	}
	if r := byID[2744]; !r.Deleted || r.OldValue.ID() != 982 || r.Customer.Address.City != "Ростов" || r.Customer.Address.Index != "344092" {
		t.Errorf("2744 %+v", r)
	}
	if r := byID[2745]; !reflect.DeepEqual(r.Customer.Phones, []Phone{{"1245987"}}) {
		t.Errorf("2745 phones %+v", r.Customer.Phones)
	}
}

func TestCorporateCustomersMore(t *testing.T) {
	s := fixtureServer(t, map[string]reply{
		"GET /api/v5/customers-corporate":                {http.StatusOK, "customers-corporate-list.json"},
		"GET /api/v5/customers-corporate/5043/addresses": {http.StatusOK, "customers-corporate-addresses.json"},
		"GET /api/v5/customers-corporate/history":        {http.StatusOK, "customers-corporate-history.json"},
	})
	c, _ := newClient(t, s.URL)
	ctx := t.Context()

	page, err := c.CorporateCustomers(ctx, CorporateCustomersFilter{ExternalIDs: []string{"a", "b"}, Sites: []string{"aliexpress"}, Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/customers-corporate", url.Values{
		"filter[externalIds][]": {"a", "b"}, "filter[sites][]": {"aliexpress"}, "page": {"1"},
	})
	if page.Pagination.TotalCount != 1 || len(page.Customers) != 1 {
		t.Fatalf("page %+v", page)
	}
	cc := page.Customers[0]
	if cc.ID != 5041 || cc.Type != "customer_corporate" || cc.NickName != "Test Corporate Customer" || cc.Site != "aliexpress" ||
		cc.CreatedAt != "2021-02-17 13:28:18" || cc.ManagerID != 28 || *cc.Vip || *cc.Bad ||
		*cc.MainAddress != (Address{ID: 3553, Name: "Test Address"}) || cc.MainCompany.ID != 771 || cc.MainCompany.Name != "Test Company" ||
		cc.CustomFields["galkatrue"].Text() != "true" {
		t.Errorf("corporate customer %+v", cc)
	}
	checkDecimal(t, "personalDiscount", cc.PersonalDiscount, "0")
	if m := cc.MainCustomerContact; m == nil || m.ID != 944 || m.Customer.ID != 5042 || len(m.Companies) != 1 ||
		m.Companies[0].ID != 160 || m.Companies[0].Company.ID != 771 {
		t.Errorf("main contact %+v", cc.MainCustomerContact)
	}

	addrs, err := c.CorporateAddresses(ctx, ByID(5043, ""), 20, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/customers-corporate/5043/addresses",
		url.Values{"by": {"id"}, "limit": {"20"}, "page": {"1"}})
	if !reflect.DeepEqual(addrs.Addresses, []Address{{ID: 3554, IsMain: true,
		Text: "(719) 395-5645 13990 W County 270 Rd Nathrop, Colorado(CO), 81236"}}) || addrs.Pagination.TotalCount != 1 {
		t.Errorf("addresses %+v", addrs)
	}

	start := time.Date(2021, 2, 17, 0, 0, 0, 0, time.UTC)
	hist, err := c.CorporateCustomersHistory(ctx, CustomersHistoryFilter{StartDate: start, EndDate: start.Add(24 * time.Hour),
		CustomerID: 5041, CustomerExternalID: "test_20", Limit: 20, Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, s.last(t), http.MethodGet, "/api/v5/customers-corporate/history", url.Values{
		"filter[startDate]": {"2021-02-17 00:00:00"}, "filter[endDate]": {"2021-02-18 00:00:00"}, "filter[customerId]": {"5041"},
		"filter[customerExternalId]": {"test_20"}, "limit": {"20"}, "page": {"1"},
	})
	h := hist.History
	if len(h) != 7 || hist.GeneratedAt != "2021-02-17 16:43:02" || hist.Pagination.TotalCount != 8 {
		t.Fatalf("%d records, %q, %+v", len(h), hist.GeneratedAt, hist.Pagination)
	}
	if r := h[0]; r.ID != 4242 || r.Field != "contact" || r.User.ID != 27 || r.NewValue.ID() != 944 || r.Customer.ID != 5041 ||
		r.CustomerContact.ID != 944 || r.CustomerContact.Customer.ID != 5042 {
		t.Errorf("4242 %+v", r)
	}
	if a := h[2].Address; h[2].Field != "address" || a.ID != 3553 || a.City != "Washington" || a.House != "1" || a.Housing != "A" ||
		a.Metro != "metro" || !a.IsMain || h[2].NewValue.ID() != 3553 {
		t.Errorf("4244 %+v", h[2])
	}
	if co := h[3].Company; h[3].ID != 4246 || co.ID != 771 || co.Brand != "Test Brand" || !*co.Active || co.Contragent.INN != "5921305044" ||
		co.Contragent.KPP != "027043442" || co.Address.ID != 3553 {
		t.Errorf("4246 company %+v", h[3].Company)
	}
	if r := h[5]; r.Field != "contact.contact_company" || r.Company.ID != 771 || r.CustomerContact.ID != 944 || r.NewValue.ID() != 160 {
		t.Errorf("4248 %+v", r)
	}
	r := h[6]
	if r.ID != 4249 || !r.Created || !r.ByThisKey() || r.NewValue.ID() != 5043 {
		t.Errorf("4249 %+v", r)
	}
	if cu := r.Customer; cu.ID != 5043 || cu.ExternalID != "test_20" || cu.NickName != "Test Corp Company" || cu.ManagerID != 24 ||
		len(cu.CustomerContacts) != 1 || cu.CustomerContacts[0].Customer.ExternalID != "test_10" || len(cu.Addresses) != 1 ||
		cu.Addresses[0].ID != 3554 || cu.MainAddress.ID != 3554 || len(cu.Companies) != 1 || cu.Companies[0].ID != 772 ||
		len(cu.Companies[0].CustomFields) != 0 || cu.MainCompany.ID != 772 {
		t.Errorf("4249 customer %+v", r.Customer)
	}
}
