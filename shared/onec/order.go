package onec

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/shopspring/decimal"
)

// Money is an amount of money travelling as a string with 2 decimals ("490.00"); it never
// passes through a float.
type Money struct {
	decimal.Decimal
}

// Quantity is a quantity travelling as a string with up to 3 decimals ("2", "0.125").
type Quantity struct {
	decimal.Decimal
}

// NewMoney returns d rounded to kopecks.
func NewMoney(d decimal.Decimal) Money { return Money{d.Round(2)} }

// NewQuantity returns d rounded to 3 decimals.
func NewQuantity(d decimal.Decimal) Quantity { return Quantity{d.Round(3)} }

// String is the wire form: exactly 2 decimals.
func (m Money) String() string { return m.StringFixed(2) }

// String is the wire form: the shortest exact form, at most 3 decimals.
func (q Quantity) String() string { return q.Round(3).String() }

// Format prints the wire form with %s and %v (decimal.Decimal's own Format would drop the
// trailing zeros).
func (m Money) Format(f fmt.State, verb rune) { fmt.Fprint(f, m.String()) }

// Format prints the wire form with %s and %v.
func (q Quantity) Format(f fmt.State, verb rune) { fmt.Fprint(f, q.String()) }

// MarshalJSON writes the amount as a string.
func (m Money) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

// MarshalJSON writes the quantity as a string.
func (q Quantity) MarshalJSON() ([]byte, error) { return json.Marshal(q.String()) }

// UnmarshalJSON reads a decimal string (a bare JSON number is accepted too, exactly).
func (m *Money) UnmarshalJSON(b []byte) error { return decodeDecimal(b, &m.Decimal) }

// UnmarshalJSON reads a decimal string (a bare JSON number is accepted too, exactly).
func (q *Quantity) UnmarshalJSON(b []byte) error { return decodeDecimal(b, &q.Decimal) }

// decodeDecimal reads a decimal string or number. Anything else is a *json.UnmarshalTypeError
// that expects a number, so that strict decoders report the field ("items.price") and say what
// is expected.
func decodeDecimal(b []byte, d *decimal.Decimal) error {
	v, err := decimal.NewFromString(strings.Trim(string(b), `"`))
	if err != nil {
		return &json.UnmarshalTypeError{Value: "string " + string(b), Type: reflect.TypeFor[float64]()}
	}
	*d = v
	return nil
}

// Order is a customer order (Документ.ЗаказПокупателя): the payload of the order events and the
// body of the inbox order.upsert command. References are GUID strings; nil is an empty reference.
type Order struct {
	// Ref is the 1C document; nil when the bridge does not know it yet (1C finds it by CRM.ID).
	Ref    *string `json:"ref"`
	Number string  `json:"number,omitempty"`
	// Date is the document date, ISO-8601 with offset.
	Date   string   `json:"date"`
	Posted bool     `json:"posted"`
	CRM    CRMOrder `json:"crm"`

	OrderKind         *string `json:"orderKind"`
	Operation         string  `json:"operation"`
	Organization      *string `json:"organization"`
	Department        *string `json:"department"`
	Warehouse         *string `json:"warehouse"`
	BankAccount       *string `json:"bankAccount"`
	CashDesk          *string `json:"cashDesk"`
	Currency          *string `json:"currency"`
	Taxation          string  `json:"taxation"`
	AmountIncludesVAT bool    `json:"amountIncludesVat"`
	Responsible       *string `json:"responsible"`
	Author            *string `json:"author"`
	State             *string `json:"state"`
	ShipmentDate      string  `json:"shipmentDate,omitempty"`
	Comment           string  `json:"comment"`

	Counterparty    Counterparty    `json:"counterparty"`
	Delivery        *OrderDelivery  `json:"delivery"`
	Items           []OrderItem     `json:"items"`
	PaymentCalendar []CalendarEntry `json:"paymentCalendar"`
	Payments        []OrderPayment  `json:"payments"`
	Total           Money           `json:"total"`
}

// CRMOrder names the RetailCRM order a 1C order came from; it is kept on the 1C document.
type CRMOrder struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
	Site   string `json:"site"`
}

// Counterparty kinds.
const (
	CounterpartyIndividual   = "individual"
	CounterpartyLegalEntity  = "legal-entity"
	CounterpartyEntrepreneur = "enterpreneur"
)

// Counterparty is the buyer (Справочник.Контрагенты): an individual, or a company with ИНН/КПП
// and its contact person. 1C matches an existing one by ИНН+КПП, then phone/e-mail, else
// creates it.
type Counterparty struct {
	Ref           *string  `json:"ref"`
	Kind          string   `json:"kind"`
	Name          string   `json:"name"`
	INN           string   `json:"inn,omitempty"`
	KPP           string   `json:"kpp,omitempty"`
	Phone         string   `json:"phone,omitempty"`
	Email         string   `json:"email,omitempty"`
	CRMCustomerID int64    `json:"crmCustomerId,omitempty"`
	Contact       *Contact `json:"contact,omitempty"`
}

// Contact is the contact person of a company buyer.
type Contact struct {
	Name          string `json:"name"`
	Phone         string `json:"phone,omitempty"`
	Email         string `json:"email,omitempty"`
	CRMCustomerID int64  `json:"crmCustomerId,omitempty"`
}

// OrderDelivery is how the order travels; Item is the Доставка service line carrying Cost.
type OrderDelivery struct {
	Method  *string `json:"method"`
	Carrier *string `json:"carrier"`
	Address string  `json:"address,omitempty"`
	Cost    Money   `json:"cost"`
	Item    *string `json:"item"`
}

// Product identifiers of OrderItem.ProductBy (the catalog option "Идентификатор товара в 1С").
const (
	ProductByGUID    = "guid"
	ProductByCode    = "code"
	ProductByArticle = "article"
)

// OrderItem is a line of the order (табличная часть Запасы).
type OrderItem struct {
	CRMItemID int64 `json:"crmItemId"`
	// OfferKey is the RetailCRM offer key: "<product>" or "<product GUID>#<characteristic GUID>".
	OfferKey string `json:"offerKey"`
	// ProductBy says how OfferKey names the product: by GUID (then Product is set), by code or
	// by article (then 1C finds the product itself).
	ProductBy      string   `json:"productBy"`
	Product        *string  `json:"product"`
	Characteristic *string  `json:"characteristic"`
	Name           string   `json:"name"`
	Quantity       Quantity `json:"quantity"`
	Price          Money    `json:"price"`
	Discount       Money    `json:"discount"`
	// VATRate is a percent ("20", "10", "0"); nil is "without VAT".
	VATRate *string `json:"vatRate"`
	Total   Money   `json:"total"`
}

// CalendarEntry is a line of the payment calendar.
type CalendarEntry struct {
	Date   string `json:"date"`
	Amount Money  `json:"amount"`
}

// Payment document kinds of 1C.
const (
	DocCashReceipt = "ПоступлениеВКассу"
	DocBankReceipt = "ПоступлениеНаСчет"
	DocCardPayment = "ОперацияПоПлатежнымКартам"
)

// OrderPayment is a paid RetailCRM payment for which 1C creates a payment document (once: 1C
// finds an existing one by CRMPaymentID).
type OrderPayment struct {
	CRMPaymentID int64   `json:"crmPaymentId"`
	Document     string  `json:"document"`
	Terminal     *string `json:"terminal"`
	// CRMType is the RetailCRM payment type, remembered on the 1C document.
	CRMType string `json:"crmType"`
	Amount  Money  `json:"amount"`
	PaidAt  string `json:"paidAt,omitempty"`
}

// Command types of the inbox.
const (
	CommandOrderUpsert = "order.upsert"
	CommandOrderCancel = "order.cancel"
)

// Command is one command of the 1C inbox.
type Command struct {
	CommandID  string `json:"commandId"`
	Type       string `json:"type"`
	CRMOrderID int64  `json:"crmOrderId"`
	// Payload is the Order for order.upsert, Cancel for order.cancel.
	Payload json.RawMessage `json:"payload"`
	// Messages are warnings in Russian for the 1C user.
	Messages []string `json:"messages"`
}

// Cancel is the payload of order.cancel: the CRM order was deleted, or merged into another.
type Cancel struct {
	Ref          *string `json:"ref"`
	CRMOrderID   int64   `json:"crmOrderId"`
	CombinedInto int64   `json:"combinedInto,omitempty"`
	Reason       string  `json:"reason"`
}

// Inbox is the answer of GET /onec/v1/inbox.
type Inbox struct {
	Commands []Command `json:"commands"`
	Next     string    `json:"next"`
}

// Ack statuses.
const (
	AckApplied = "applied"
	AckFailed  = "failed"
	AckSkipped = "skipped"
)

// Ack is the body of POST /onec/v1/inbox/ack: what 1C did with a command.
type Ack struct {
	CommandID string `json:"commandId"`
	Status    string `json:"status"`
	Ref       string `json:"ref,omitempty"`
	Number    string `json:"number,omitempty"`
	Date      string `json:"date,omitempty"`
	Error     string `json:"error,omitempty"`
}
