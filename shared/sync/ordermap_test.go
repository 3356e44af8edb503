package sync

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/fixtures"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/settings"
)

// guid is the n-th test GUID.
func guid(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

func ref1C(n int, name string) *onec.Ref { return &onec.Ref{Ref: guid(n), Name: name} }

func dec(s string) *retailcrm.Decimal { return retailcrm.Ptr(retailcrm.MustDecimal(s)) }

func moscow(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// testSettings is a complete connection. GUIDs: 1–9 constants, 11–16 order states, 21–23 users,
// 31–32 warehouses, 41–44 delivery methods and carriers, 51 terminal, 101–104 products.
func testSettings() settings.Settings {
	return settings.Settings{
		Connection: settings.Connection{
			AccountURL: "https://uyut.retailcrm.ru", SiteCode: "unf-shop",
			OrderKind: ref1C(1, "Основной"), Operation: "ЗаказНаПродажу", DeliveryItem: ref1C(2, "Доставка"),
			Department: ref1C(3, "Интернет-магазин"), Warehouse: ref1C(4, "Основной склад"),
			Organization: ref1C(5, "Уютный дом ООО"), BankAccount: ref1C(6, "Сбербанк"), CashDesk: ref1C(7, "Основная касса"),
			Currency: ref1C(8, "руб."), Taxation: &onec.Ref{Ref: "ПродажаОблагаетсяНДС", Name: "Продажа облагается НДС"},
			PriceIncludesVAT: true, DeferralDays: 5, ExchangeUser: ref1C(9, "Обмен с RetailCRM"),
		},
		Catalog: settings.Catalog{ProductID: settings.ProductIDGUID, Characteristics: true, OfferKey: settings.OfferKeyExternal},
		Flags:   settings.Flags{ImportOrders: true, CreatePayments: true, CorporateCustomers: true},
		Tables: settings.Tables{
			StatusesImport: []settings.StatusImport{
				{CRMCode: "new", State: ref1C(11, "Новый")},
				{CRMCode: "assembling", State: ref1C(13, "В работе")},
				{CRMCode: "client-confirmed", State: ref1C(14, "Согласован")},
				{CRMCode: "delivering", State: ref1C(15, "Доставляется")},
				{CRMCode: "complete", State: ref1C(16, "Завершен")},
				{CRMCode: "availability-confirmed"},
			},
			Managers: []settings.Manager{
				{CRMID: 28, User: ref1C(21, "Федоров Борис")},
				{CRMID: 11, User: ref1C(22, "Смирнова Анна")},
				{CRMID: 40},
			},
			Warehouses: []settings.Warehouse{
				{CRMCode: "main12", Warehouse: ref1C(31, "Склад Ростов")},
				{CRMCode: "main", Warehouse: ref1C(32, "Склад Москва")},
				{CRMCode: "old"},
			},
			PaymentsImport: []settings.PaymentImport{
				{CRMCode: "cash", Document: settings.DocCashReceipt},
				{CRMCode: "bank-card", Document: settings.DocCardPayment, Terminal: ref1C(51, "Терминал Сбербанк")},
				{CRMCode: "bank-transfer", Document: settings.DocBankReceipt},
				{CRMCode: "credit"},
			},
			Delivery: []settings.Delivery{
				{CRMCode: "courier", Method: ref1C(41, "Курьер"), Carrier: ref1C(42, "Курьерская служба")},
				{CRMCode: "russian-post", Method: ref1C(43, "Почта"), Carrier: ref1C(44, "Почта России")},
				{CRMCode: "self-delivery"},
			},
		},
	}
}

func testMapping(t *testing.T) OrderMapping {
	return OrderMapping{Settings: testSettings(), PaidStatuses: map[string]bool{"paid": true}, Location: moscow(t)}
}

// fixtureOrder decodes the first order of a RetailCRM fixture as the client does.
func fixtureOrder(t *testing.T, name string) retailcrm.Order {
	t.Helper()
	dir, err := fixtures.Dir()
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Order  *retailcrm.Order  `json:"order"`
		Orders []retailcrm.Order `json:"orders"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Order != nil {
		return *resp.Order
	}
	return resp.Orders[0]
}

// handOrder is an order with every part: a variant bought 3 × 1290.50 with a discount of 129.05
// per unit, a plain product with VAT written "20.00", a fractional quantity without VAT, a
// mapped courier delivery for 300, a paid cash payment, an unpaid and a paid card payment.
func handOrder() retailcrm.Order {
	return retailcrm.Order{
		ID: 138, Number: "138A", Site: "unf-shop", Status: "client-confirmed", CreatedAt: "2026-11-29 10:00:00",
		ManagerID: 11, LastName: " Соколова", FirstName: "Мария ", Patronymic: "Ивановна",
		Phone: "+79031112233", Email: "m.sokolova@example.ru",
		CustomerComment: "Позвоните за час", ManagerComment: "Постоянный клиент",
		ShipmentStore: "main", TotalSumm: dec("6380.60"),
		Customer: &retailcrm.Customer{ID: 77, Type: "customer", FirstName: "Мария", LastName: "Соколова"},
		Delivery: &retailcrm.Delivery{Code: "courier", Cost: dec("300"), Date: "2026-11-30",
			Address: &retailcrm.Address{Index: "101000", City: "Москва", Street: "ул. Садовая", Building: "12",
				Text: "ул. Садовая, д. 12, кв. 45"}},
		Items: []retailcrm.OrderItem{
			{ID: 991, Offer: &retailcrm.Offer{ExternalID: guid(101) + "#" + guid(102), Name: "Плед флисовый"},
				ProductName: "Плед флисовый 150×200, серый", Quantity: dec("3"), InitialPrice: dec("1290.50"),
				DiscountTotal: dec("129.05"), VATRate: "20"},
			{ID: 992, Offer: &retailcrm.Offer{ExternalID: guid(103), Name: "Чайник", DisplayName: "Чайник 1,7 л"},
				Quantity: dec("1"), InitialPrice: dec("2490"), DiscountTotal: dec("0"), VATRate: "20.00"},
			{ID: 993, Offer: &retailcrm.Offer{ExternalID: guid(104), Name: "Ткань"},
				Quantity: dec("0.125"), InitialPrice: dec("850"), VATRate: "none"},
		},
		Payments: retailcrm.List[retailcrm.Payment]{
			{ID: 5, Type: "cash", Status: "paid", Amount: dec("1000"), PaidAt: "2026-11-29 12:30:00"},
			{ID: 6, Type: "bank-card", Status: "not-paid", Amount: dec("200")},
			{ID: 7, Type: "bank-card", Status: "paid", Amount: dec("5380.60"), PaidAt: "2026-11-29 13:00:00"},
		},
	}
}

func mustMap(t *testing.T, o retailcrm.Order, m OrderMapping) MappedOrder {
	t.Helper()
	got, err := MapOrder(o, m)
	if err != nil {
		t.Fatalf("MapOrder: %v", err)
	}
	return got
}

func assertJSON(t *testing.T, got any, want string) {
	t.Helper()
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	if err := json.Compact(&w, []byte(want)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, w.Bytes()) {
		var g bytes.Buffer
		_ = json.Indent(&g, b, "", "  ")
		t.Errorf("got\n%s\nwant\n%s", g.String(), want)
	}
}

func assertMessages(t *testing.T, got []string, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(got, want) || got == nil {
		t.Errorf("messages\n%q\nwant\n%q", got, want)
	}
}

func TestMapOrderHandBuiltEveryField(t *testing.T) {
	got := mustMap(t, handOrder(), testMapping(t))
	assertMessages(t, got.Messages)
	assertJSON(t, got.Order, `{
		"ref": null, "date": "2026-11-29T10:00:00+03:00", "posted": true,
		"crm": {"id": 138, "number": "138A", "site": "unf-shop"},
		"orderKind": "`+guid(1)+`", "operation": "ЗаказНаПродажу", "organization": "`+guid(5)+`",
		"department": "`+guid(3)+`", "warehouse": "`+guid(32)+`", "bankAccount": "`+guid(6)+`",
		"cashDesk": "`+guid(7)+`", "currency": "`+guid(8)+`", "taxation": "ПродажаОблагаетсяНДС",
		"amountIncludesVat": true, "responsible": "`+guid(22)+`", "author": "`+guid(9)+`", "state": "`+guid(14)+`",
		"shipmentDate": "2026-11-30T00:00:00+03:00",
		"comment": "Комментарий покупателя: Позвоните за час\nКомментарий менеджера: Постоянный клиент",
		"counterparty": {"ref": null, "kind": "individual", "name": "Соколова Мария Ивановна",
			"phone": "+79031112233", "email": "m.sokolova@example.ru", "crmCustomerId": 77},
		"delivery": {"method": "`+guid(41)+`", "carrier": "`+guid(42)+`",
			"address": "101000, Москва, ул. Садовая, д. 12, кв. 45", "cost": "300.00", "item": "`+guid(2)+`"},
		"items": [
			{"crmItemId": 991, "offerKey": "`+guid(101)+`#`+guid(102)+`", "productBy": "guid",
				"product": "`+guid(101)+`", "characteristic": "`+guid(102)+`", "name": "Плед флисовый 150×200, серый",
				"quantity": "3", "price": "1290.50", "discount": "387.15", "vatRate": "20", "total": "3484.35"},
			{"crmItemId": 992, "offerKey": "`+guid(103)+`", "productBy": "guid", "product": "`+guid(103)+`",
				"characteristic": null, "name": "Чайник 1,7 л",
				"quantity": "1", "price": "2490.00", "discount": "0.00", "vatRate": "20", "total": "2490.00"},
			{"crmItemId": 993, "offerKey": "`+guid(104)+`", "productBy": "guid", "product": "`+guid(104)+`",
				"characteristic": null, "name": "Ткань",
				"quantity": "0.125", "price": "850.00", "discount": "0.00", "vatRate": null, "total": "106.25"}
		],
		"paymentCalendar": [{"date": "2026-12-04T10:00:00+03:00", "amount": "6380.60"}],
		"payments": [
			{"crmPaymentId": 5, "document": "ПоступлениеВКассу", "terminal": null, "crmType": "cash",
				"amount": "1000.00", "paidAt": "2026-11-29T12:30:00+03:00"},
			{"crmPaymentId": 7, "document": "ОперацияПоПлатежнымКартам", "terminal": "`+guid(51)+`",
				"crmType": "bank-card", "amount": "5380.60", "paidAt": "2026-11-29T13:00:00+03:00"}
		],
		"total": "6380.60"
	}`)
}

func TestMapOrderListFixture(t *testing.T) {
	m := testMapping(t)
	m.Settings.Catalog.ProductID = settings.ProductIDCode
	got := mustMap(t, fixtureOrder(t, "orders-list.json"), m)
	assertMessages(t, got.Messages, "В заказе RetailCRM не указан тип доставки: в заказе 1С будет способ доставки «Самовывоз».")
	assertJSON(t, got.Order, `{
		"ref": null, "date": "2021-02-25T09:37:48+03:00", "posted": true,
		"crm": {"id": 7141, "number": "7141C", "site": "moysklad"},
		"orderKind": "`+guid(1)+`", "operation": "ЗаказНаПродажу", "organization": "`+guid(5)+`",
		"department": "`+guid(3)+`", "warehouse": "`+guid(31)+`", "bankAccount": "`+guid(6)+`",
		"cashDesk": "`+guid(7)+`", "currency": "`+guid(8)+`", "taxation": "ПродажаОблагаетсяНДС",
		"amountIncludesVat": true, "responsible": "`+guid(21)+`", "author": "`+guid(9)+`", "state": "`+guid(13)+`",
		"shipmentDate": "2021-02-25T00:00:00+03:00", "comment": "",
		"counterparty": {"ref": null, "kind": "individual", "name": "М Андрей В",
			"phone": "+79515151515", "email": "andrey@andrey.ru", "crmCustomerId": 4924},
		"delivery": {"method": null, "carrier": null,
			"address": "344001, Ростовская область, г. Ростов-на-Дону, ул. Пушкинская, д. 10", "cost": "0.00", "item": null},
		"items": [{"crmItemId": 11301, "offerKey": "tGunLo27jlPGmbA8BrHxY2", "productBy": "code", "product": null,
			"characteristic": null, "name": "сбьорка№1445123", "quantity": "1", "price": "0.00", "discount": "0.00",
			"vatRate": null, "total": "0.00"}],
		"paymentCalendar": [{"date": "2021-03-02T09:37:48+03:00", "amount": "0.00"}],
		"payments": [],
		"total": "0.00"
	}`)
}

func TestMapOrderGetFixture(t *testing.T) {
	o := fixtureOrder(t, "order-get.json")
	t.Run("xmlId GUID", func(t *testing.T) {
		m := testMapping(t)
		m.Settings.Catalog.OfferKey = settings.OfferKeyXMLID
		got := mustMap(t, o, m)
		g := got.Order
		if g.Date != "2020-12-29T17:35:08+03:00" || g.Responsible != nil || *g.State != guid(15) || *g.Warehouse != guid(31) {
			t.Errorf("header: date %s responsible %v state %v warehouse %v", g.Date, g.Responsible, g.State, g.Warehouse)
		}
		// The fixture swaps the names: lastName "Pavel", firstName "Kovalenko".
		assertJSON(t, g.Counterparty, `{"ref": null, "kind": "individual", "name": "Pavel Kovalenko", "crmCustomerId": 4976}`)
		assertJSON(t, g.Items, `[{"crmItemId": 10114, "offerKey": "1680c0a6-c5a3-48a6-aa8d-864553a8add9", "productBy": "guid",
			"product": "1680c0a6-c5a3-48a6-aa8d-864553a8add9", "characteristic": null,
			"name": "Test product/not for sale (do not order!)", "quantity": "1", "price": "1.00", "discount": "0.00",
			"vatRate": null, "total": "1.00"}]`)
		assertJSON(t, g.Delivery, `{"method": null, "carrier": null,
			"address": "344065, Rostovskaya oblast, Rostov-Na-Donu, ул. 50-летия Ростсельмаша, 2/6", "cost": "0.00", "item": null}`)
		// Its only payment has no status: not paid.
		assertJSON(t, g.Payments, `[]`)
		assertJSON(t, g.PaymentCalendar, `[{"date": "2021-01-03T17:35:08+03:00", "amount": "1.00"}]`)
		if g.Total.String() != "1.00" || g.ShipmentDate != "" {
			t.Errorf("total %s, shipment date %q", g.Total, g.ShipmentDate)
		}
	})
	t.Run("externalId is not a GUID", func(t *testing.T) {
		_, err := MapOrder(o, testMapping(t))
		assertReasons(t, err, "Товар «Test product/not for sale (do not order!)» (позиция 1) не найден: externalId «1005001690749727» "+
			"не является GUID товара 1С (на вкладке «Каталог» идентификатор товара — GUID).")
	})
}

func assertReasons(t *testing.T, err error, want ...string) {
	t.Helper()
	var me *MappingError
	if !errors.As(err, &me) {
		t.Fatalf("error %v, want a *MappingError", err)
	}
	if !slices.Equal(me.Reasons, want) {
		t.Errorf("reasons\n%q\nwant\n%q", me.Reasons, want)
	}
}

func TestMapOrderVariants(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(o *retailcrm.Order, m *OrderMapping)
		check func(t *testing.T, got MappedOrder)
	}{
		{"unmapped shipment store falls back to the Склад constant", func(o *retailcrm.Order, _ *OrderMapping) {
			o.ShipmentStore = "second"
		}, func(t *testing.T, got MappedOrder) {
			assertJSON(t, got.Order.Warehouse, `"`+guid(4)+`"`)
			assertMessages(t, got.Messages, "Склад отгрузки RetailCRM «second» не сопоставлен складу 1С на вкладке «Склады»: "+
				"в заказе указан склад «Основной склад» из константы «Склад».")
		}},
		{"store row without a 1C warehouse falls back too", func(o *retailcrm.Order, _ *OrderMapping) {
			o.ShipmentStore = "old"
		}, func(t *testing.T, got MappedOrder) {
			assertJSON(t, got.Order.Warehouse, `"`+guid(4)+`"`)
			if len(got.Messages) != 1 {
				t.Errorf("messages %q", got.Messages)
			}
		}},
		{"no shipment store takes the constant silently", func(o *retailcrm.Order, _ *OrderMapping) {
			o.ShipmentStore = ""
		}, func(t *testing.T, got MappedOrder) {
			assertJSON(t, got.Order.Warehouse, `"`+guid(4)+`"`)
			assertMessages(t, got.Messages)
		}},
		{"mapped store needs no constant", func(_ *retailcrm.Order, m *OrderMapping) {
			m.Settings.Connection.Warehouse = nil
		}, func(t *testing.T, got MappedOrder) {
			assertJSON(t, got.Order.Warehouse, `"`+guid(32)+`"`)
		}},
		{"delivery type without a 1C method is Самовывоз", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Delivery.Code = "self-delivery"
		}, func(t *testing.T, got MappedOrder) {
			d := got.Order.Delivery
			if d.Method != nil || d.Carrier != nil || *d.Item != guid(2) {
				t.Errorf("delivery %+v", d)
			}
			assertMessages(t, got.Messages, "Тип доставки RetailCRM «self-delivery» не сопоставлен способу доставки 1С на вкладке «Доставка»: "+
				"в заказе 1С будет способ доставки «Самовывоз».")
		}},
		{"order without delivery", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Delivery, o.TotalSumm = nil, dec("6080.6")
		}, func(t *testing.T, got MappedOrder) {
			assertJSON(t, got.Order.Delivery, `{"method": null, "carrier": null, "cost": "0.00", "item": null}`)
			if got.Order.ShipmentDate != "" || got.Order.Total.String() != "6080.60" {
				t.Errorf("shipment date %q, total %s", got.Order.ShipmentDate, got.Order.Total)
			}
			assertMessages(t, got.Messages, "В заказе RetailCRM не указан тип доставки: в заказе 1С будет способ доставки «Самовывоз».")
		}},
		{"free delivery needs no Доставка service", func(o *retailcrm.Order, m *OrderMapping) {
			o.Delivery.Cost, o.TotalSumm, m.Settings.Connection.DeliveryItem = dec("0"), dec("6080.60"), nil
		}, func(t *testing.T, got MappedOrder) {
			assertJSON(t, got.Order.Delivery, `{"method": "`+guid(41)+`", "carrier": "`+guid(42)+`",
				"address": "101000, Москва, ул. Садовая, д. 12, кв. 45", "cost": "0.00", "item": null}`)
		}},
		{"order shipment date wins over the delivery date", func(o *retailcrm.Order, _ *OrderMapping) {
			o.ShipmentDate = "2026-12-01"
		}, func(t *testing.T, got MappedOrder) {
			if got.Order.ShipmentDate != "2026-12-01T00:00:00+03:00" {
				t.Errorf("shipment date %q", got.Order.ShipmentDate)
			}
		}},
		{"unreadable shipment date is left empty with a warning", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Delivery.Date = "30.11.2026"
		}, func(t *testing.T, got MappedOrder) {
			if got.Order.ShipmentDate != "" {
				t.Errorf("shipment date %q", got.Order.ShipmentDate)
			}
			assertMessages(t, got.Messages, "Не удалось прочитать дату отгрузки «30.11.2026»: дата отгрузки в заказе не заполнена.")
		}},
		{"total that differs from lines and delivery is kept and reported", func(o *retailcrm.Order, _ *OrderMapping) {
			o.TotalSumm = dec("6000")
		}, func(t *testing.T, got MappedOrder) {
			assertJSON(t, got.Order.PaymentCalendar, `[{"date": "2026-12-04T10:00:00+03:00", "amount": "6000.00"}]`)
			assertMessages(t, got.Messages, "Сумма заказа в RetailCRM (6000.00) не совпадает с суммой товаров и доставки (6380.60): "+
				"проверьте скидки в заказе 1С.")
		}},
		{"absent total is the lines and delivery", func(o *retailcrm.Order, _ *OrderMapping) {
			o.TotalSumm = nil
		}, func(t *testing.T, got MappedOrder) {
			if got.Order.Total.String() != "6380.60" {
				t.Errorf("total %s", got.Order.Total)
			}
		}},
		{"no manager, no responsible", func(o *retailcrm.Order, _ *OrderMapping) {
			o.ManagerID = 0
		}, func(t *testing.T, got MappedOrder) {
			if got.Order.Responsible != nil {
				t.Errorf("responsible %v", *got.Order.Responsible)
			}
		}},
		{"status without a state: no state, and no message from MapOrder", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Status = "availability-confirmed"
		}, func(t *testing.T, got MappedOrder) {
			if got.Order.State != nil {
				t.Errorf("state %v", *got.Order.State)
			}
			assertMessages(t, got.Messages)
		}},
		{"one comment is not labelled", func(o *retailcrm.Order, _ *OrderMapping) {
			o.CustomerComment = " "
		}, func(t *testing.T, got MappedOrder) {
			if got.Order.Comment != "Постоянный клиент" {
				t.Errorf("comment %q", got.Order.Comment)
			}
		}},
		{"payments off: none, as an empty list", func(_ *retailcrm.Order, m *OrderMapping) {
			m.Settings.Flags.CreatePayments = false
		}, func(t *testing.T, got MappedOrder) {
			assertJSON(t, got.Order.Payments, `[]`)
		}},
		{"paid is what the account says is paid", func(o *retailcrm.Order, m *OrderMapping) {
			o.Payments[0].Status, o.Payments[1].Status = "paid-online", "paid-online"
			m.PaidStatuses = map[string]bool{"paid-online": true}
		}, func(t *testing.T, got MappedOrder) {
			var ids []int64
			for _, p := range got.Order.Payments {
				ids = append(ids, p.CRMPaymentID)
			}
			if !slices.Equal(ids, []int64{5, 6}) {
				t.Errorf("payments %v", ids)
			}
		}},
		{"paid payment of no amount is left out", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Payments[0].Amount = dec("0")
		}, func(t *testing.T, got MappedOrder) {
			if len(got.Order.Payments) != 1 || got.Order.Payments[0].CRMPaymentID != 7 {
				t.Errorf("payments %+v", got.Order.Payments)
			}
			assertMessages(t, got.Messages, "Оплата RetailCRM 5 (тип cash) отмечена оплаченной, но её сумма 0.00: документ оплаты в 1С не создаётся.")
		}},
		{"payment without a time", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Payments[0].PaidAt = ""
		}, func(t *testing.T, got MappedOrder) {
			if got.Order.Payments[0].PaidAt != "" {
				t.Errorf("paidAt %q", got.Order.Payments[0].PaidAt)
			}
		}},
		{"customer names and phone when the order has none", func(o *retailcrm.Order, _ *OrderMapping) {
			o.LastName, o.FirstName, o.Patronymic, o.Phone, o.Email = "", "", "", "", ""
			o.Customer.Phones = []retailcrm.Phone{{Number: "+79990000001"}, {Number: "+79990000002"}}
			o.Customer.Email = "maria@example.ru"
		}, func(t *testing.T, got MappedOrder) {
			assertJSON(t, got.Order.Counterparty, `{"ref": null, "kind": "individual", "name": "Соколова Мария",
				"phone": "+79990000001", "email": "maria@example.ru", "crmCustomerId": 77}`)
		}},
		{"nameless buyer is named by the phone", func(o *retailcrm.Order, _ *OrderMapping) {
			o.LastName, o.FirstName, o.Patronymic, o.Customer = "", "", "", nil
		}, func(t *testing.T, got MappedOrder) {
			assertJSON(t, got.Order.Counterparty, `{"ref": null, "kind": "individual", "name": "+79031112233",
				"phone": "+79031112233", "email": "m.sokolova@example.ru"}`)
		}},
		{"product code identifiers", func(o *retailcrm.Order, m *OrderMapping) {
			m.Settings.Catalog.ProductID = settings.ProductIDCode
			o.Items[1].Offer.ExternalID = "00-00000042"
		}, func(t *testing.T, got MappedOrder) {
			it := got.Order.Items[1]
			if it.ProductBy != onec.ProductByCode || it.Product != nil || it.OfferKey != "00-00000042" {
				t.Errorf("item %+v", it)
			}
			if it := got.Order.Items[0]; it.ProductBy != onec.ProductByGUID || *it.Characteristic != guid(102) {
				t.Errorf("variant %+v", it)
			}
		}},
		{"product article identifiers under xmlId", func(o *retailcrm.Order, m *OrderMapping) {
			m.Settings.Catalog.ProductID, m.Settings.Catalog.OfferKey = settings.ProductIDArticle, settings.OfferKeyXMLID
			for i := range o.Items {
				o.Items[i].Offer.XMLID = fmt.Sprintf("UD-%03d", i+1)
			}
		}, func(t *testing.T, got MappedOrder) {
			for i, it := range got.Order.Items {
				if it.ProductBy != onec.ProductByArticle || it.Product != nil || it.Characteristic != nil || it.OfferKey != fmt.Sprintf("UD-%03d", i+1) {
					t.Errorf("item %d %+v", i, it)
				}
			}
		}},
		{"upper-case GUIDs are given in lower case", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Items[0].Offer.ExternalID = "5F0D6B1E-7A3C-11EE-8C90-0242AC120002#9A4B1C20-7A3C-11EE-8C90-0242AC120002"
		}, func(t *testing.T, got MappedOrder) {
			it := got.Order.Items[0]
			if *it.Product != "5f0d6b1e-7a3c-11ee-8c90-0242ac120002" || *it.Characteristic != "9a4b1c20-7a3c-11ee-8c90-0242ac120002" {
				t.Errorf("item %+v", it)
			}
		}},
		{"taxation without VAT: prices without VAT, lines without rates", func(_ *retailcrm.Order, m *OrderMapping) {
			m.Settings.Connection.Taxation = &onec.Ref{Ref: "ПродажаНеОблагаетсяНДС", Name: "Продажа не облагается НДС"}
		}, func(t *testing.T, got MappedOrder) {
			if got.Order.AmountIncludesVAT || got.Order.Taxation != "ПродажаНеОблагаетсяНДС" {
				t.Errorf("amountIncludesVat %v, taxation %s", got.Order.AmountIncludesVAT, got.Order.Taxation)
			}
			for i, it := range got.Order.Items {
				if it.VATRate != nil {
					t.Errorf("item %d: VAT %s", i, *it.VATRate)
				}
			}
		}},
		{"VAT on top of the price", func(o *retailcrm.Order, m *OrderMapping) {
			m.Settings.Connection.PriceIncludesVAT = false
			o.Items[2].VATRate = "10"
		}, func(t *testing.T, got MappedOrder) {
			if got.Order.AmountIncludesVAT || *got.Order.Items[2].VATRate != "10" {
				t.Errorf("amountIncludesVat %v, VAT %v", got.Order.AmountIncludesVAT, got.Order.Items[2].VATRate)
			}
		}},
		{"calendar days across a DST change", func(o *retailcrm.Order, m *OrderMapping) {
			m.Location, _ = time.LoadLocation("Europe/Berlin")
			o.CreatedAt = "2026-03-27 10:00:00"
		}, func(t *testing.T, got MappedOrder) {
			if got.Order.Date != "2026-03-27T10:00:00+01:00" || got.Order.PaymentCalendar[0].Date != "2026-04-01T10:00:00+02:00" {
				t.Errorf("date %s, calendar %s", got.Order.Date, got.Order.PaymentCalendar[0].Date)
			}
		}},
		{"no deferral, no location: UTC and the same day", func(_ *retailcrm.Order, m *OrderMapping) {
			m.Location, m.Settings.Connection.DeferralDays = nil, 0
		}, func(t *testing.T, got MappedOrder) {
			if got.Order.Date != "2026-11-29T10:00:00Z" || got.Order.PaymentCalendar[0].Date != got.Order.Date {
				t.Errorf("date %s, calendar %s", got.Order.Date, got.Order.PaymentCalendar[0].Date)
			}
		}},
		{"optional constants may be empty", func(_ *retailcrm.Order, m *OrderMapping) {
			c := &m.Settings.Connection
			c.OrderKind, c.Department, c.ExchangeUser, c.Taxation = nil, nil, nil, nil
		}, func(t *testing.T, got MappedOrder) {
			o := got.Order
			if o.OrderKind != nil || o.Department != nil || o.Author != nil || o.Taxation != "" || !o.AmountIncludesVAT {
				t.Errorf("order %+v", o)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, m := handOrder(), testMapping(t)
			tt.edit(&o, &m)
			tt.check(t, mustMap(t, o, m))
		})
	}
}

// corporateOrder is an order of ООО «Ромашка» placed by its contact Сергей Иванов.
func corporateOrder() retailcrm.Order {
	o := handOrder()
	o.LastName, o.FirstName, o.Patronymic, o.Phone, o.Email = "", "", "", "", ""
	o.Customer = &retailcrm.Customer{ID: 3002, Type: customerCorporate, NickName: "ООО «Ромашка»"}
	o.Contact = &retailcrm.Customer{ID: 3001, Type: "customer", FirstName: "Сергей", LastName: "Иванов",
		Email: "ivanov@romashka.example.ru", Phones: []retailcrm.Phone{{Number: "+79161234567"}}}
	o.Company = &retailcrm.Company{ID: 701, Name: "ООО «Ромашка»", Contragent: &retailcrm.Contragent{
		ContragentType: "legal-entity", LegalName: "Общество с ограниченной ответственностью «Ромашка»",
		INN: "7705123456", KPP: "770501001"}}
	o.Contragent = &retailcrm.Contragent{ContragentType: "legal-entity", INN: "7705123456", KPP: "770501001"}
	return o
}

func TestMapOrderCounterparty(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(o *retailcrm.Order, m *OrderMapping)
		want     string
		messages []string
	}{
		{"legal entity with its contact", func(*retailcrm.Order, *OrderMapping) {}, `{"ref": null, "kind": "legal-entity",
			"name": "ООО «Ромашка»", "inn": "7705123456", "kpp": "770501001", "crmCustomerId": 3002,
			"contact": {"name": "Иванов Сергей", "phone": "+79161234567", "email": "ivanov@romashka.example.ru", "crmCustomerId": 3001}}`,
			nil},
		{"entrepreneur named by the legal name, details from the order", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Company = &retailcrm.Company{ID: 702}
			o.Contragent = &retailcrm.Contragent{ContragentType: "enterpreneur", LegalName: "ИП Соколов Андрей Викторович", INN: "771234567890"}
			o.Phone = "+79160000000"
		}, `{"ref": null, "kind": "enterpreneur", "name": "ИП Соколов Андрей Викторович", "inn": "771234567890",
			"crmCustomerId": 3002,
			"contact": {"name": "Иванов Сергей", "phone": "+79160000000", "email": "ivanov@romashka.example.ru", "crmCustomerId": 3001}}`,
			nil},
		{"company without INN is matched by contacts", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Company.Contragent = &retailcrm.Contragent{ContragentType: "legal-entity"}
			o.Contact = nil
		}, `{"ref": null, "kind": "legal-entity", "name": "ООО «Ромашка»", "crmCustomerId": 3002}`,
			[]string{"У компании «ООО «Ромашка»» не указан ИНН: 1С найдёт контрагента по телефону или e-mail, а если не найдёт — создаст нового."}},
		{"company on an order of an individual customer", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Customer = &retailcrm.Customer{ID: 3001, Type: "customer"}
		}, `{"ref": null, "kind": "legal-entity",
			"name": "ООО «Ромашка»", "inn": "7705123456", "kpp": "770501001", "crmCustomerId": 3001,
			"contact": {"name": "Иванов Сергей", "phone": "+79161234567", "email": "ivanov@romashka.example.ru", "crmCustomerId": 3001}}`,
			nil},
		{"corporate customers off: the contact person buys", func(_ *retailcrm.Order, m *OrderMapping) {
			m.Settings.Flags.CorporateCustomers = false
		}, `{"ref": null, "kind": "individual", "name": "Иванов Сергей", "phone": "+79161234567",
			"email": "ivanov@romashka.example.ru", "crmCustomerId": 3001}`,
			[]string{"Заказ оформлен на корпоративного клиента, но на вкладке «Настройки» выключен флажок «Корпоративные клиенты»: " +
				"покупателем в 1С будет контактное лицо."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, m := corporateOrder(), testMapping(t)
			tt.edit(&o, &m)
			got := mustMap(t, o, m)
			assertJSON(t, got.Order.Counterparty, tt.want)
			assertMessages(t, got.Messages, tt.messages...)
		})
	}
}

func TestMapOrderMappingErrors(t *testing.T) {
	constant := func(label string) string {
		return "Не заполнена константа «" + label + "» на вкладке «Константы»."
	}
	tests := []struct {
		name string
		edit func(o *retailcrm.Order, m *OrderMapping)
		want []string
	}{
		{"required constants, each named", func(_ *retailcrm.Order, m *OrderMapping) {
			c := &m.Settings.Connection
			c.Operation, c.Organization, c.Currency = "", nil, nil
		}, []string{constant("Вид операции"), constant("Организация"), constant("Валюта")}},
		{"no store and no Склад constant", func(o *retailcrm.Order, m *OrderMapping) {
			o.ShipmentStore, m.Settings.Connection.Warehouse = "", nil
		}, []string{"В заказе не указан склад отгрузки, и не заполнена константа «Склад» на вкладке «Константы»."}},
		{"unmapped store and no Склад constant", func(o *retailcrm.Order, m *OrderMapping) {
			o.ShipmentStore, m.Settings.Connection.Warehouse = "second", nil
		}, []string{"Склад отгрузки RetailCRM «second» не сопоставлен складу 1С на вкладке «Склады», " +
			"и не заполнена константа «Склад» на вкладке «Константы»."}},
		{"manager not in the table", func(o *retailcrm.Order, _ *OrderMapping) {
			o.ManagerID = 8491
		}, []string{"Менеджер RetailCRM с id 8491 не сопоставлен пользователю 1С на вкладке «Менеджеры»."}},
		{"manager row without a user", func(o *retailcrm.Order, _ *OrderMapping) {
			o.ManagerID = 40
		}, []string{"Менеджер RetailCRM с id 40 не сопоставлен пользователю 1С на вкладке «Менеджеры»."}},
		{"status the table does not import", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Status = "cancel-other"
		}, []string{`Заказы в статусе cancel-other не загружаются в 1С. Чтобы это исправить, перейдите на вкладку "Статусы" и добавьте этот статус в список.`}},
		{"delivery cost without the Доставка service", func(_ *retailcrm.Order, m *OrderMapping) {
			m.Settings.Connection.DeliveryItem = nil
		}, []string{"Не заполнена константа «Номенклатура доставки» на вкладке «Константы»: она нужна для строки доставки стоимостью 300.00."}},
		{"every unknown product is listed", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Items[0].Offer = nil
			o.Items[1].Offer.ExternalID = guid(103) + "#12"
			o.Items[2].Offer.ExternalID = "UD-004"
		}, []string{
			"Товар «Плед флисовый 150×200, серый» (позиция 1) не найден: у торгового предложения нет externalId " +
				"(товар создан в RetailCRM вручную или каталог не выгружен из 1С).",
			"Товар «Чайник 1,7 л» (позиция 2) не найден: externalId «" + guid(103) + "#12» не имеет вида «GUID товара#GUID характеристики» 1С.",
			"Товар «Ткань» (позиция 3) не найден: externalId «UD-004» не является GUID товара 1С (на вкладке «Каталог» идентификатор товара — GUID).",
		}},
		{"offer without the xmlId the catalog uses", func(_ *retailcrm.Order, m *OrderMapping) {
			m.Settings.Catalog.OfferKey = settings.OfferKeyXMLID
		}, []string{
			"Товар «Плед флисовый 150×200, серый» (позиция 1) не найден: у торгового предложения нет xmlId (товар создан в RetailCRM вручную или каталог не выгружен из 1С).",
			"Товар «Чайник 1,7 л» (позиция 2) не найден: у торгового предложения нет xmlId (товар создан в RetailCRM вручную или каталог не выгружен из 1С).",
			"Товар «Ткань» (позиция 3) не найден: у торгового предложения нет xmlId (товар создан в RetailCRM вручную или каталог не выгружен из 1С).",
		}},
		{"VAT rate that is not a number", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Items[1].VATRate = "НДС20"
		}, []string{"Ставка НДС «НДС20» товара «Чайник 1,7 л» (позиция 2) не распознана."}},
		{"paid payment of an unmapped type", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Payments[0].Type = "e-money"
		}, []string{"Тип оплаты e-money не сопоставлен документу 1С на вкладке «Оплаты»."}},
		{"paid payment whose row has no document", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Payments[0].Type = "credit"
		}, []string{"Тип оплаты credit не сопоставлен документу 1С на вкладке «Оплаты»."}},
		{"cash receipt without a cash desk", func(_ *retailcrm.Order, m *OrderMapping) {
			m.Settings.Connection.CashDesk = nil
		}, []string{"Не заполнена константа «Основная касса» на вкладке «Константы»: она нужна для документа «Поступление в кассу»."}},
		{"bank receipt without a bank account", func(o *retailcrm.Order, m *OrderMapping) {
			o.Payments[0].Type, m.Settings.Connection.BankAccount = "bank-transfer", nil
		}, []string{"Не заполнена константа «Банковский счет» на вкладке «Константы»: она нужна для документа «Поступление на счет»."}},
		{"card payment without a terminal", func(_ *retailcrm.Order, m *OrderMapping) {
			m.Settings.Tables.PaymentsImport[1].Terminal = nil
		}, []string{"Для типа оплаты bank-card не указан терминал на вкладке «Оплаты»: он нужен для документа «Оплата картой»."}},
		{"unreadable payment time", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Payments[2].PaidAt = "2026-11-29T13:00:00"
		}, []string{"Не удалось прочитать дату оплаты «2026-11-29T13:00:00» (оплата RetailCRM 7)."}},
		{"unreadable order date", func(o *retailcrm.Order, _ *OrderMapping) {
			o.CreatedAt = ""
		}, []string{"Не удалось прочитать дату заказа «»."}},
		{"buyer with no name, phone or e-mail", func(o *retailcrm.Order, _ *OrderMapping) {
			o.LastName, o.FirstName, o.Patronymic, o.Phone, o.Email, o.Customer = "", "", "", "", "", &retailcrm.Customer{ID: 77}
		}, []string{"У покупателя не указаны ни имя, ни телефон, ни e-mail: контрагента в 1С создать не из чего."}},
		{"corporate order without a company", func(o *retailcrm.Order, _ *OrderMapping) {
			o.Customer = &retailcrm.Customer{ID: 3002, Type: customerCorporate}
			o.Contragent = &retailcrm.Contragent{ContragentType: "legal-entity", INN: "7705123456"}
		}, []string{"Заказ оформлен на корпоративного клиента, но в заказе не указана компания (название или юридическое наименование)."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, m := handOrder(), testMapping(t)
			tt.edit(&o, &m)
			got, err := MapOrder(o, m)
			assertReasons(t, err, tt.want...)
			if got.Order.Items != nil || got.Messages != nil {
				t.Errorf("a failed mapping returned %+v", got)
			}
		})
	}
}

func TestMappingErrorText(t *testing.T) {
	err := error(&MappingError{Reasons: []string{"Первая причина.", "Вторая причина."}})
	if err.Error() != "Первая причина. Вторая причина." {
		t.Errorf("%q", err.Error())
	}
}

func TestImportDecision(t *testing.T) {
	s := testSettings()
	tests := []struct {
		name     string
		settings settings.Settings
		status   string
		load     bool
		state    *onec.Ref
		message  string
	}{
		{"empty table", settings.Settings{}, "new", false, nil,
			`Таблица соответствия статусов пустая, заказы не будут загружены в 1С. Чтобы это исправить, перейдите на вкладку "Статусы" и добавьте статусы в таблицу.`},
		{"status not in the table", s, "availability-checked", false, nil,
			`Заказы в статусе availability-checked не загружаются в 1С. Чтобы это исправить, перейдите на вкладку "Статусы" и добавьте этот статус в список.`},
		{"status without a 1C state", s, "availability-confirmed", true, nil,
			`Статусу RetailCRM availability-confirmed не сопоставлено состояние заказа 1С на вкладке "Статусы": заказ загружен без состояния, ` +
				`и сохранить его в 1С вручную не получится, пока состояние не будет указано.`},
		{"status with a state", s, "complete", true, ref1C(16, "Завершен"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			load, state, msg := ImportDecision(tt.settings, tt.status)
			if load != tt.load || msg != tt.message {
				t.Errorf("got %v %q, want %v %q", load, msg, tt.load, tt.message)
			}
			if (state == nil) != (tt.state == nil) || state != nil && *state != *tt.state {
				t.Errorf("state %v, want %v", state, tt.state)
			}
		})
	}
}

func TestIdentifyOffer(t *testing.T) {
	g1, g2 := guid(1), guid(2)
	tests := []struct {
		key, productID string
		by             string
		product, char  string
		bad            bool
	}{
		{g1, settings.ProductIDGUID, onec.ProductByGUID, g1, "", false},
		{g1 + "#" + g2, settings.ProductIDGUID, onec.ProductByGUID, g1, g2, false},
		{g1 + "#" + g2, settings.ProductIDCode, onec.ProductByGUID, g1, g2, false},
		{"00-001", settings.ProductIDCode, onec.ProductByCode, "", "", false},
		{"A-1", settings.ProductIDArticle, onec.ProductByArticle, "", "", false},
		{"A-1", settings.ProductIDGUID, "", "", "", true},
		{"A#1", settings.ProductIDArticle, "", "", "", true},
		{g1 + "#", settings.ProductIDGUID, "", "", "", true},
		{"00000000-0000-0000-0000-000000000000", settings.ProductIDGUID, "", "", "", true},
		{"", settings.ProductIDCode, "", "", "", true},
	}
	for _, tt := range tests {
		id, problem := identifyOffer(tt.key, settings.OfferKeyExternal, tt.productID)
		got := [3]string{id.by, deref(id.product), deref(id.characteristic)}
		if got != [3]string{tt.by, tt.product, tt.char} || (problem != "") != tt.bad {
			t.Errorf("%q by %s: %v %q", tt.key, tt.productID, got, problem)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestDeliveryAddress(t *testing.T) {
	tests := []struct {
		a    *retailcrm.Address
		want string
	}{
		{nil, ""},
		{&retailcrm.Address{}, ""},
		{&retailcrm.Address{Text: "г. Москва, ул. Лесная, д. 5", City: "Москва", CityType: "г.", Region: "Москва"},
			"г. Москва, ул. Лесная, д. 5"},
		{&retailcrm.Address{Index: "109052", Region: "Москва город", City: "Москва", CityType: "г.", Street: "Нижегородская",
			StreetType: "ул.", Building: "29", House: "3", Housing: "2", Flat: "1", Notes: "домофон 12"},
			"109052, Москва город, г. Москва, ул. Нижегородская, д. 29, стр. 3, корп. 2, кв. 1, домофон 12"},
		{&retailcrm.Address{City: "г. Ростов-на-Дону", CityType: "г.", Street: "ул. Пушкинская", StreetType: "ул.", Building: "10"},
			"г. Ростов-на-Дону, ул. Пушкинская, д. 10"},
	}
	for _, tt := range tests {
		if got := deliveryAddress(tt.a); got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.a, got, tt.want)
		}
	}
}

func TestMapOrderDeterministic(t *testing.T) {
	m := testMapping(t)
	m.Settings.Catalog.OfferKey = settings.OfferKeyXMLID
	var first []byte
	for i := range 20 {
		got := mustMap(t, fixtureOrder(t, "order-get.json"), m)
		b, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b
		} else if !bytes.Equal(b, first) {
			t.Fatalf("run %d differs:\n%s\n%s", i, b, first)
		}
	}
}

// TestMapOrderSandboxDemo maps the demo orders of the sandbox, read through the client, plus an
// order with an order-level discount of 100 that RetailCRM spreads into the lines' discountTotal:
// every order's lines and delivery add up to its totalSumm.
func TestMapOrderSandboxDemo(t *testing.T) {
	sb := sandbox.NewServer(sandbox.Options{Clock: func() time.Time { return time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC) }})
	t.Cleanup(sb.Close)
	sb.SeedDemo()
	c, err := retailcrm.New(retailcrm.Options{BaseURL: sb.URL(), APIKey: sandbox.DemoAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	created, err := c.CreateOrder(ctx, sandbox.DemoSite, retailcrm.Order{
		FirstName: "Олег", Phone: "+79110000000", DiscountManualAmount: dec("100"),
		Items: []retailcrm.OrderItem{
			{Offer: &retailcrm.Offer{ExternalID: "5f0d6b1e-7a3c-11ee-8c90-0242ac120002"}, Quantity: dec("1")},
			{Offer: &retailcrm.Offer{ExternalID: "5f0d6e3e-7a3c-11ee-8c90-0242ac120002"}, Quantity: dec("3")},
			{Offer: &retailcrm.Offer{ExternalID: "8d2f3d9e-7a3c-11ee-8c90-0242ac120002"}, Quantity: dec("7")},
		},
		Delivery: &retailcrm.Delivery{Code: "courier", Cost: dec("300")},
	})
	if err != nil {
		t.Fatal(err)
	}
	users, err := c.AllUsers(ctx, retailcrm.UsersFilter{})
	if err != nil {
		t.Fatal(err)
	}
	m := testMapping(t)
	m.Settings.Tables.Managers = nil
	for i, u := range users {
		m.Settings.Tables.Managers = append(m.Settings.Tables.Managers, settings.Manager{CRMID: u.ID, User: ref1C(60+i, u.Email)})
	}
	page, err := c.Orders(ctx, retailcrm.OrdersFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	byNumber := map[string]onec.Order{}
	for _, o := range page.Orders {
		got := mustMap(t, o, m)
		for _, msg := range got.Messages {
			if !bytes.Contains([]byte(msg), []byte("«Самовывоз»")) {
				t.Errorf("order %s: %s", o.Number, msg)
			}
		}
		byNumber[o.Number] = got.Order
	}
	// The spread discount is per unit, rounded to kopecks: the lines may carry a kopeck more or
	// less than the nominal 100, and the order total follows the lines, not the nominal amount.
	spread := byNumber[created.Order.Number]
	discount := decimalSum(spread.Items, func(it onec.OrderItem) onec.Money { return it.Discount })
	if discount.Sub(retailcrm.MustDecimal("100").Decimal).Abs().GreaterThan(retailcrm.MustDecimal("0.05").Decimal) {
		t.Errorf("order discount spread into the lines: %s, want about 100.00", discount.String())
	}
	lines := decimalSum(spread.Items, func(it onec.OrderItem) onec.Money { return it.Total })
	if !lines.Add(spread.Delivery.Cost.Decimal).Equal(spread.Total.Decimal) {
		t.Errorf("lines %s + delivery %s != total %s", lines.String(), spread.Delivery.Cost.String(), spread.Total.String())
	}
	paid := byNumber["5002A"]
	assertJSON(t, paid.Items[0].Discount, `"258.10"`)
	assertJSON(t, paid.Payments, `[{"crmPaymentId": 4002, "document": "ОперацияПоПлатежнымКартам", "terminal": "`+guid(51)+`",
		"crmType": "bank-card", "amount": "2322.90", "paidAt": "2026-03-01T12:30:00+03:00"}]`)
	company := byNumber["5003A"].Counterparty
	if company.Kind != onec.CounterpartyLegalEntity || company.INN != "7705123456" || company.Contact == nil {
		t.Errorf("corporate buyer %+v", company)
	}
}

// decimalSum adds up an amount of the lines.
func decimalSum(items []onec.OrderItem, amount func(onec.OrderItem) onec.Money) onec.Money {
	var sum onec.Money
	for _, it := range items {
		sum = onec.NewMoney(sum.Add(amount(it).Decimal))
	}
	return sum
}
