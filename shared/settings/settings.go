// Package settings holds the settings of the connection, the tabs of the original 1C form:
// the constants, the mapping tables, the flags, the catalog options and the history cursor.
// It validates them with messages in Russian, keeps them on the storage port, checks them
// against the 1C reference lists, and exports and imports them as a file.
//
// The RetailCRM API key is not part of the settings: it lives in the secret store.
package settings

import (
	"time"

	"unfbridge/shared/onec"
)

// Settings are the whole configuration of the connection.
type Settings struct {
	Connection Connection `json:"connection"`
	Catalog    Catalog    `json:"catalog"`
	Flags      Flags      `json:"flags"`
	Tables     Tables     `json:"tables"`
	Push       Push       `json:"push"`
	History    History    `json:"history"`
}

// Connection are the constants (the "Константы" tab).
type Connection struct {
	// AccountURL is ИмяСервера, normalised to https://<host>.
	AccountURL string `json:"accountUrl"`
	// SiteCode is КодМагазина, the RetailCRM site (shop) code.
	SiteCode string `json:"siteCode"`
	// OrderKind is ВидЗаказа.
	OrderKind *onec.Ref `json:"orderKind"`
	// Operation is ВидОперации of imported orders (see Operations).
	Operation string `json:"operation"`
	// DeliveryItem is Доставка: the service written as the delivery line.
	DeliveryItem *onec.Ref `json:"deliveryItem"`
	// Department is ПодразделениеЗаказа.
	Department *onec.Ref `json:"department"`
	// Warehouse is Склад: the warehouse of orders without a (mapped) shipment store.
	Warehouse *onec.Ref `json:"warehouse"`
	// PurchasePriceKind is ЗакупочнаяЦена.
	PurchasePriceKind *onec.Ref `json:"purchasePriceKind"`
	// SalePriceKind is ЦенаПродажи.
	SalePriceKind *onec.Ref `json:"salePriceKind"`
	// Organization is Организация.
	Organization *onec.Ref `json:"organization"`
	// BankAccount is БанковскийСчет.
	BankAccount *onec.Ref `json:"bankAccount"`
	// CashDesk is ОсновнаяКасса.
	CashDesk *onec.Ref `json:"cashDesk"`
	// Currency is Валюта.
	Currency *onec.Ref `json:"currency"`
	// Taxation is Налогообложение, a value of the 1C enumeration of taxation systems.
	Taxation *onec.Ref `json:"taxation"`
	// PriceIncludesVAT is ЦенаВключаетНДС as set; see EffectivePriceIncludesVAT.
	PriceIncludesVAT bool `json:"priceIncludesVat"`
	// DeferralDays is ОтсрочкаДней: the payment calendar date is the order date plus these days.
	DeferralDays int `json:"deferralDays"`
	// ExchangeUser is "Пользователь для обмена": the author of the documents the bridge creates.
	ExchangeUser *onec.Ref `json:"exchangeUser"`
}

// Operations are the allowed values of Connection.Operation (ВидОперации of ЗаказПокупателя).
var Operations = []string{"ЗаказНаПродажу", "ЗаказНаПереработку"}

// Taxation systems under which prices never include VAT.
var noVATTaxation = map[string]bool{"ПродажаНеОблагаетсяНДС": true, "ПродажаОблагаетсяЕНВД": true}

// EffectivePriceIncludesVAT is ЦенаВключаетНДС as the orders get it: false when the taxation
// system is ПродажаНеОблагаетсяНДС or ПродажаОблагаетсяЕНВД, else the constant.
func (c Connection) EffectivePriceIncludesVAT() bool {
	if c.Taxation != nil && noVATTaxation[c.Taxation.Ref] {
		return false
	}
	return c.PriceIncludesVAT
}

// Catalog are the catalog options (the "Каталог" tab).
type Catalog struct {
	// Groups are the nomenclature groups published, with their subgroups.
	Groups []onec.Ref `json:"groups"`
	// ProductID is the 1C product identifier: "code", "article" or "guid".
	ProductID string `json:"productId"`
	// Characteristics turns variants into offers "<product GUID>#<characteristic GUID>".
	Characteristics bool `json:"characteristics"`
	// OfferKey is the RetailCRM offer key tag: "externalId" or "xmlId".
	OfferKey string `json:"offerKey"`
	// ObjectKey is the name of the published ICML object.
	ObjectKey string `json:"objectKey"`
	// MaxShrinkPercent is the largest drop of the offer count, against the last published
	// file, that is published without an explicit override.
	MaxShrinkPercent int `json:"maxShrinkPercent"`
}

// Product identifiers and offer keys.
const (
	ProductIDCode     = "code"
	ProductIDArticle  = "article"
	ProductIDGUID     = "guid"
	OfferKeyExternal  = "externalId"
	OfferKeyXMLID     = "xmlId"
	DefaultObjectKey  = "catalog_icml.xml"
	DefaultMaxShrink  = 20
	maxDeferralDays   = 3650
	maxTableRows      = 500
	maxCatalogEntries = 5000
)

// Flags are the switches of the "Настройки" tab; each turns one flow on or off.
type Flags struct {
	ImportOrders       bool `json:"importOrders"`       // Загружать заказы из RetailCRM
	ExportOrders       bool `json:"exportOrders"`       // Выгружать изменения по заказам в RetailCRM
	UploadStock        bool `json:"uploadStock"`        // Выгружать остатки в RetailCRM
	UploadPrices       bool `json:"uploadPrices"`       // Выгружать типы цен в RetailCRM
	UsePriceTypes      bool `json:"usePriceTypes"`      // Использование типов цен
	CreatePayments     bool `json:"createPayments"`     // Создание документов оплаты
	ExportPayments     bool `json:"exportPayments"`     // Выгрузка оплат в CRM
	CorporateCustomers bool `json:"corporateCustomers"` // Корпоративные клиенты
}

// Push are the options of the 1C → RetailCRM push (orders and payments posted in 1C).
type Push struct {
	// CancelStatus is the RetailCRM status set when a 1C order is unposted or deleted; empty
	// leaves the status as it is (and the run says so).
	CancelStatus string `json:"cancelStatus"`
	// PaymentUnposted says what becomes of the RetailCRM payment when its 1C document is
	// unposted or deleted: "delete" it, or set it "not-paid".
	PaymentUnposted string `json:"paymentUnposted"`
	// PaidStatus and NotPaidStatus are the RetailCRM payment statuses of a posted and of an
	// unposted 1C payment.
	PaidStatus    string `json:"paidStatus"`
	NotPaidStatus string `json:"notPaidStatus"`
}

// What becomes of a CRM payment whose 1C document is unposted or deleted.
const (
	PaymentUnpostedDelete  = "delete"
	PaymentUnpostedNotPaid = "not-paid"
)

// Tables are the mapping tables.
type Tables struct {
	StatusesImport []StatusImport  `json:"statusesImport"`
	StatusesExport []StatusExport  `json:"statusesExport"`
	Managers       []Manager       `json:"managers"`
	Warehouses     []Warehouse     `json:"warehouses"`
	PriceTypes     []PriceType     `json:"priceTypes"`
	PaymentsImport []PaymentImport `json:"paymentsImport"`
	PaymentsExport []PaymentExport `json:"paymentsExport"`
	Delivery       []Delivery      `json:"delivery"`
}

// StatusImport maps a RetailCRM order status to a 1C order state. Only orders in a listed
// status are imported; a row without a state imports the order without one.
type StatusImport struct {
	CRMCode string    `json:"crmCode"`
	CRMName string    `json:"crmName"`
	State   *onec.Ref `json:"state"`
}

// StatusExport maps a 1C order state to a RetailCRM order status.
type StatusExport struct {
	State   *onec.Ref `json:"state"`
	CRMCode string    `json:"crmCode"`
	CRMName string    `json:"crmName"`
}

// Manager maps a RetailCRM manager to a 1C user.
type Manager struct {
	CRMID   int64     `json:"crmId"`
	CRMName string    `json:"crmName"`
	User    *onec.Ref `json:"user"`
}

// Warehouse maps a 1C warehouse to a RetailCRM store.
type Warehouse struct {
	Warehouse *onec.Ref `json:"warehouse"`
	CRMCode   string    `json:"crmCode"`
	CRMName   string    `json:"crmName"`
}

// PriceType maps a RetailCRM price type to a 1C price kind.
type PriceType struct {
	CRMCode   string    `json:"crmCode"`
	CRMName   string    `json:"crmName"`
	PriceKind *onec.Ref `json:"priceKind"`
}

// PaymentImport maps a RetailCRM payment type to the 1C payment document created for it, with
// the terminal of card payments.
type PaymentImport struct {
	CRMCode  string    `json:"crmCode"`
	CRMName  string    `json:"crmName"`
	Document string    `json:"document"`
	Terminal *onec.Ref `json:"terminal"`
}

// PaymentExport maps a 1C payment document kind to a RetailCRM payment type.
type PaymentExport struct {
	Document string `json:"document"`
	CRMCode  string `json:"crmCode"`
	CRMName  string `json:"crmName"`
}

// Delivery maps a RetailCRM delivery type to a 1C delivery method and carrier.
type Delivery struct {
	CRMCode string    `json:"crmCode"`
	CRMName string    `json:"crmName"`
	Method  *onec.Ref `json:"method"`
	Carrier *onec.Ref `json:"carrier"`
}

// 1C payment document kinds.
const (
	DocCashReceipt = "ПоступлениеВКассу"
	DocBankReceipt = "ПоступлениеНаСчет"
	DocCardPayment = "ОперацияПоПлатежнымКартам"
)

// PaymentDocuments are the 1C payment document kinds, with the names the user sees.
var PaymentDocuments = map[string]string{
	DocCashReceipt: "Поступление в кассу",
	DocBankReceipt: "Поступление на счет",
	DocCardPayment: "Оплата картой",
}

// History is the order history position (the "Основная" tab).
type History struct {
	// SinceID is "Id последней записи": the last history record processed; 0 before the first run.
	SinceID int64 `json:"sinceId"`
	// ActualityDate is "Дата актуальности": the first run starts there (nil: now).
	ActualityDate *time.Time `json:"actualityDate"`
}

// Defaults are the settings of a new connection.
func Defaults() Settings {
	return Settings{
		Connection: Connection{Operation: Operations[0]},
		Catalog: Catalog{ProductID: ProductIDGUID, OfferKey: OfferKeyExternal, ObjectKey: DefaultObjectKey,
			MaxShrinkPercent: DefaultMaxShrink},
		Flags: Flags{CorporateCustomers: true},
		Push:  Push{PaymentUnposted: PaymentUnpostedNotPaid, PaidStatus: "paid", NotPaidStatus: "not-paid"},
	}
}
