package sandbox

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Demo data names.
const (
	// DemoSite is the shop of the demo account.
	DemoSite = "unf-shop"
	// DemoOtherSite is a second shop the demo key cannot reach.
	DemoOtherSite = "opt-shop"
	// DemoAPIKey is the demo key: every scope, site DemoSite only.
	DemoAPIKey = "demo-unf-bridge-key-0123456789ab"
)

// SeedDemo fills the account with a plausible Russian shop: sites DemoSite and DemoOtherSite,
// reference books (with inactive entries and entries of the other site only), stores "main"
// and "second", price types "base" and "wholesale", managers, a catalog with stock and prices,
// a corporate customer and a few orders with items, deliveries, payments and history. It adds
// DemoAPIKey. Call it once, on a fresh sandbox.
func (s *Sandbox) SeedDemo() {
	s.AddSite(Site{
		Code: DemoSite, Name: "Уютный дом", URL: "https://uyut-dom.example.ru", Description: "Интернет-магазин товаров для дома",
		CountryIso: "RU", Currency: "RUB", CatalogID: "unf", IsCatalogMainSite: true, Ordering: 10, LoadFromYml: true,
		YmlURL: "https://uyut-dom.example.ru/catalog_icml.xml", SenderEmail: "shop@uyut-dom.example.ru", SenderName: "Уютный дом",
		Contragent: &Contragent{ContragentType: "legal-entity", LegalName: "ООО «Уютный дом»", INN: "7701234567", Code: DemoSite, CountryIso: "RU"},
	})
	s.AddSite(Site{
		Code: DemoOtherSite, Name: "Уютный дом — опт", URL: "https://opt.uyut-dom.example.ru", CountryIso: "RU",
		Currency: "RUB", CatalogID: "unf", Ordering: 20, CatalogUpdatedAt: "2026-02-27 18:00:00", CatalogLoadingAt: "2026-03-01 06:00:00",
		Contragent: &Contragent{ContragentType: "enterpreneur", LegalName: "ИП Соколов Андрей Викторович", INN: "771234567890",
			CertificateDate: "2019-04-15", Code: DemoOtherSite, CountryIso: "RU"},
	})
	s.AddAPIKey(DemoAPIKey, DemoSite)
	s.seedStatuses()
	s.seedPayments()
	s.seedDelivery()
	s.seedStock()
	anna, igor := s.seedPeople()
	s.seedOrders(anna, igor)
}

func (s *Sandbox) seedStatuses() {
	for i, g := range []struct{ code, name string }{
		{"new", "Новый"}, {"approval", "Согласование"}, {"assembling", "Комплектация"},
		{"delivery", "Доставка"}, {"complete", "Выполнен"}, {"cancel", "Отменен"},
	} {
		process := g.code != "new" && g.code != "complete" && g.code != "cancel"
		s.AddStatusGroup(StatusGroup{Code: g.code, Name: g.name, Active: true, Ordering: (i + 1) * 10, Process: process})
	}
	for i, st := range []Status{
		{Code: "new", Name: "Новый", Group: "new", Active: true},
		{Code: "availability-confirmed", Name: "Наличие подтверждено", Group: "approval", Active: true},
		{Code: "client-confirmed", Name: "Согласовано с клиентом", Group: "approval", Active: true},
		{Code: "prepayed", Name: "Предоплата поступила", Group: "approval", Active: true},
		{Code: "assembling", Name: "Комплектуется", Group: "assembling", Active: true},
		{Code: "assembling-complete", Name: "Укомплектован", Group: "assembling", Active: true},
		{Code: "send-to-delivery", Name: "Передан в доставку", Group: "delivery", Active: true},
		{Code: "delivering", Name: "Доставляется", Group: "delivery", Active: true},
		{Code: "redirect", Name: "Доставка перенесена", Group: "delivery", Active: false},
		{Code: "complete", Name: "Выполнен", Group: "complete", Active: true},
		{Code: "no-call", Name: "Недозвон", Group: "cancel", Active: true},
		{Code: "cancel-other", Name: "Отменен", Group: "cancel", Active: true},
		{Code: "prices-did-not-suit", Name: "Не устроила цена", Group: "cancel", Active: false},
	} {
		st.Ordering = (i + 1) * 10
		s.AddStatus(st)
	}
	for _, t := range []OrderType{
		{Code: "eshop-individual", Name: "Физическое лицо", Active: true, DefaultForCRM: true, DefaultForAPI: true, Ordering: 10},
		{Code: "eshop-legal", Name: "Юридическое лицо", Active: true, Ordering: 20},
		{Code: "wholesale", Name: "Оптовый заказ", Active: false, Ordering: 30},
	} {
		s.AddOrderType(t)
	}
	for i, st := range []ProductStatus{
		{Code: "new", Name: "Добавлен", Active: true},
		{Code: "confirming", Name: "Подтверждение наличия", Active: true},
		{Code: "in-reserve", Name: "В резерве", Active: true},
		{Code: "sold", Name: "Продан", Active: true},
		{Code: "out-of-stock", Name: "Нет в наличии", Active: true, CancelStatus: true},
	} {
		st.Ordering = (i + 1) * 10
		s.AddProductStatus(st)
	}
	for _, m := range []OrderMethod{
		{Code: "shopping-cart", Name: "Оформлен через корзину", Active: true, DefaultForAPI: true},
		{Code: "phone", Name: "По телефону", Active: true, DefaultForCRM: true},
		{Code: "one-click", Name: "В один клик", Active: true},
		{Code: "landing-page", Name: "Лендинг", Active: false},
	} {
		s.AddOrderMethod(m)
	}
}

func (s *Sandbox) seedPayments() {
	for i, st := range []PaymentStatus{
		{Code: "not-paid", Name: "Не оплачен", Active: true, DefaultForCRM: true, DefaultForAPI: true},
		{Code: "invoice", Name: "Выставлен счет", Active: true},
		{Code: "payment-start", Name: "Платеж проведен", Active: false},
		{Code: "paid", Name: "Оплачен", Active: true, PaymentComplete: true},
		{Code: "returned", Name: "Возврат", Active: true},
	} {
		st.Ordering = (i + 1) * 10
		st.PaymentTypes = []string{"cash", "bank-card", "bank-transfer", "credit"}
		s.AddPaymentStatus(st)
	}
	for _, t := range []PaymentType{
		{Code: "cash", Name: "Наличные", Active: true, DefaultForCRM: true, DeliveryTypes: []string{"courier", "self-delivery"}},
		{Code: "bank-card", Name: "Банковская карта", Active: true, DefaultForAPI: true, DeliveryTypes: []string{"courier", "self-delivery", "russian-post"}},
		{Code: "bank-transfer", Name: "Безналичный расчет", Active: true, Description: "Оплата по счету для юридических лиц",
			DeliveryTypes: []string{"courier", "russian-post"}, PaymentStatuses: []string{"not-paid", "invoice", "paid", "returned"}},
		{Code: "e-money", Name: "Электронные деньги", Active: false},
		{Code: "credit", Name: "Кредит", Active: true, Sites: []string{DemoOtherSite}},
	} {
		s.AddPaymentType(t)
	}
}

func (s *Sandbox) seedDelivery() {
	for _, t := range []DeliveryType{
		{Code: "courier", Name: "Доставка курьером", Active: true, DefaultForCRM: true, DefaultCost: decimal.NewFromInt(300),
			DefaultNetCost: decimal.NewFromInt(250), Description: "Доставка по Москве в течение дня", PaymentTypes: []string{"cash", "bank-card", "bank-transfer"}},
		{Code: "self-delivery", Name: "Самовывоз", Active: true, Description: "Из пункта выдачи на Складской", PaymentTypes: []string{"cash", "bank-card"}},
		{Code: "russian-post", Name: "Почта России", Active: true, DefaultCost: decimal.NewFromInt(350), PaymentTypes: []string{"bank-card", "bank-transfer"}},
		{Code: "ems", Name: "EMS", Active: false},
		{Code: "pek", Name: "ПЭК", Active: true, Sites: []string{DemoOtherSite}, IntegrationCode: "pecom"},
	} {
		s.AddDeliveryType(t)
	}
}

// demoOffers is the demo catalog: externalIds are 1C GUIDs, "<product>#<characteristic>" for
// variants.
var demoOffers = []struct {
	externalID, name string
	base, wholesale  string
	main, second     string
}{
	{"5f0d6b1e-7a3c-11ee-8c90-0242ac120002", "Чайник электрический 1,7 л", "2490", "1990", "12", "3"},
	{"5f0d6e3e-7a3c-11ee-8c90-0242ac120002", "Кружка керамическая 350 мл", "390", "290", "140", "60"},
	{"7c1e2a40-7a3c-11ee-8c90-0242ac120002#9a4b1c20-7a3c-11ee-8c90-0242ac120002", "Плед флисовый 150×200, серый", "1290.50", "990", "25", "0"},
	{"7c1e2a40-7a3c-11ee-8c90-0242ac120002#9a4b1e5a-7a3c-11ee-8c90-0242ac120002", "Плед флисовый 150×200, бежевый", "1290.50", "990", "8", "4"},
	{"8d2f3b50-7a3c-11ee-8c90-0242ac120002", "Подушка 50×70", "850", "640", "40", "15"},
	{"8d2f3d9e-7a3c-11ee-8c90-0242ac120002", "Свеча ароматическая «Лаванда»", "299.90", "210", "0", "7"},
}

func (s *Sandbox) seedStock() {
	for _, st := range []Store{
		{Code: "main", Name: "Основной склад", Description: "Москва", Active: true, Phone: "+74951234567", Email: "sklad@uyut-dom.example.ru",
			Address: Address{Index: "109052", CountryIso: "RU", Region: "Москва город", RegionID: 55, City: "Москва", CityID: 4995,
				CityType: "г.", Street: "Нижегородская", StreetID: 1777155, StreetType: "ул.", Building: "29", House: "29", Housing: "2",
				Flat: "1", Metro: "Римская", Text: "ул. Нижегородская, д. 29, корп. 2"}},
		{Code: "second", Name: "Склад на Складской", Active: true, InventoryType: "available",
			Address: Address{CountryIso: "RU", City: "Москва", Street: "Складская", Building: "4", Text: "ул. Складская, д. 4"}},
		{Code: "old", Name: "Старый склад", Active: false},
	} {
		s.AddStore(st)
	}
	for i, p := range []PriceType{
		{Code: "base", Name: "Базовая", Active: true, Default: true},
		{Code: "wholesale", Name: "Оптовая", Active: true},
		{Code: "promo", Name: "Акционная", Active: false},
	} {
		p.Ordering = (i + 1) * 10
		s.AddPriceType(p)
	}
	add(s, func(a *account) {
		for i, d := range demoOffers {
			a.addOffer(d.externalID, d.externalID, d.name, fmt.Sprintf("UD-%03d", i+1))
			of := a.offers[len(a.offers)-1]
			of.prices["base"], of.prices["wholesale"] = numOf(d.base), numOf(d.wholesale)
			of.purchasePrice = numOf(d.wholesale).mul(numOf("0.7")).round2()
			of.stock["main"] = stockEntry{available: numOf(d.main), purchasePrice: of.purchasePrice}
			of.stock["second"] = stockEntry{available: numOf(d.second)}
		}
	})
}

// seedPeople adds the users (returning the two active managers) and the corporate customer.
func (s *Sandbox) seedPeople() (anna, igor int) {
	managers := []UserGroup{{ID: 1, Name: "Менеджеры", Code: "manager"}}
	anna = s.AddUser(User{FirstName: "Анна", LastName: "Смирнова", Email: "anna@uyut-dom.example.ru", Active: true, IsManager: true, Online: true, Groups: managers})
	igor = s.AddUser(User{FirstName: "Игорь", LastName: "Петров", Email: "igor@uyut-dom.example.ru", Active: true, IsManager: true, Status: "busy", Groups: managers})
	s.AddUser(User{FirstName: "Ольга", LastName: "Кузнецова", Email: "olga@uyut-dom.example.ru", Active: false, IsManager: true, Groups: managers})
	s.AddUser(User{FirstName: "Администратор", Email: "admin@uyut-dom.example.ru", Active: true, IsAdmin: true,
		Groups: []UserGroup{{ID: 2, Name: "Руководители", Code: "director"}}})
	person := s.AddCustomer(Customer{Site: DemoSite, FirstName: "Сергей", LastName: "Иванов", Phone: "+79161234567", Email: "ivanov@romashka.example.ru"})
	add(s, func(a *account) {
		co := &corporate{
			id: a.newID(idCustomer), externalID: "corp-romashka", site: DemoSite, nickName: "ООО «Ромашка»", createdAt: a.clock(),
			managerID: igor, customFields: cloneMap(nil),
		}
		co.companies = []*company{{
			id: a.newID(idCompany), name: "ООО «Ромашка»", active: true, isMain: true, createdAt: a.clock(), corporateID: co.id,
			contragent: Contragent{ContragentType: "legal-entity", LegalName: "Общество с ограниченной ответственностью «Ромашка»",
				INN: "7705123456", KPP: "770501001", OGRN: "1157746123456", BIK: "044525225", Bank: "ПАО Сбербанк",
				CorrAccount: "30101810400000000225", BankAccount: "40702810938000012345", LegalAddress: "г. Москва, ул. Лесная, д. 5"},
		}}
		co.contacts = []*contact{{id: a.newID(idContact), customerID: person, isMain: true}}
		a.corporate = append(a.corporate, co)
	})
	return anna, igor
}

func (s *Sandbox) seedOrders(anna, igor int) {
	offer := func(i int) string { return demoOffers[i].externalID }
	must(s.CreateAsUser(DemoSite, anna, fmt.Sprintf(`{
		"externalId": "site-1001", "firstName": "Мария", "lastName": "Соколова", "phone": "+79031112233",
		"email": "m.sokolova@example.ru", "managerId": %d, "orderMethod": "shopping-cart",
		"customerComment": "Позвоните за час до доставки",
		"items": [{"offer": {"externalId": %q}, "quantity": 1}, {"offer": {"externalId": %q}, "quantity": 4}],
		"delivery": {"code": "courier", "cost": 300, "date": "2026-03-02",
			"address": {"city": "Москва", "street": "ул. Садовая", "building": "12", "flat": "45", "text": "ул. Садовая, д. 12, кв. 45"}},
		"payments": [{"type": "cash", "status": "not-paid"}]}`, anna, offer(0), offer(1))))
	paid, err := s.CreateAsUser(DemoSite, igor, fmt.Sprintf(`{
		"firstName": "Дмитрий", "lastName": "Орлов", "phone": "+79054445566", "managerId": %d, "status": "assembling",
		"shipmentStore": "main",
		"items": [{"offer": {"externalId": %q}, "quantity": 2, "discountManualPercent": 10}],
		"delivery": {"code": "self-delivery"},
		"payments": [{"type": "bank-card", "status": "paid", "paidAt": "2026-03-01 12:30:00", "externalId": "card-7781"}]}`,
		igor, offer(2)))
	must(paid, err)
	must(0, s.EditAsUser(paid, igor, `{"status": "complete", "shipped": true}`))
	must(s.CreateAsUser(DemoSite, igor, fmt.Sprintf(`{
		"customer": {"externalId": "corp-romashka", "type": "customer_corporate"}, "orderType": "eshop-legal",
		"managerId": %d, "status": "client-confirmed",
		"items": [{"offer": {"externalId": %q}, "quantity": 20, "priceType": {"code": "wholesale"}},
			{"offer": {"externalId": %q}, "quantity": 10, "priceType": {"code": "wholesale"}}],
		"delivery": {"code": "russian-post", "cost": 350},
		"payments": [{"type": "bank-transfer", "status": "invoice"}]}`, igor, offer(4), offer(5))))
	must(s.CreateAsUser(DemoOtherSite, anna, fmt.Sprintf(`{
		"firstName": "Павел", "lastName": "Зайцев", "phone": "+79267778899",
		"items": [{"offer": {"externalId": %q}, "quantity": 3}]}`, offer(3))))
}

// must panics on an error while seeding: the demo data is a constant and must be valid.
func must(_ int, err error) {
	if err != nil {
		panic(fmt.Sprintf("sandbox: demo data: %v", err))
	}
}
