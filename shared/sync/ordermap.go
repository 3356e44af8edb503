package sync

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/settings"
)

// OrderMapping is what mapping needs besides the order.
type OrderMapping struct {
	Settings settings.Settings
	// PaidStatuses are the RetailCRM payment status codes that count as paid (paymentComplete).
	PaidStatuses map[string]bool
	// Location is the account's time zone: RetailCRM dates ("2026-11-29 10:00:00") are wall
	// time there. Nil means UTC.
	Location *time.Location
}

// MappedOrder is the result: the command payload and Russian warnings for the 1C user.
type MappedOrder struct {
	Order    onec.Order
	Messages []string
}

// MappingError says in Russian why an order cannot be mapped (it goes to quarantine). It lists
// every reason found, not only the first.
type MappingError struct {
	Reasons []string
}

// Error joins the reasons; each is a sentence.
func (e *MappingError) Error() string { return strings.Join(e.Reasons, " ") }

// Messages of the import status table (the manual's wording).
const (
	msgStatusesEmpty = `Таблица соответствия статусов пустая, заказы не будут загружены в 1С. Чтобы это исправить, перейдите на вкладку "Статусы" и добавьте статусы в таблицу.`
	msgStatusSkipped = `Заказы в статусе %s не загружаются в 1С. Чтобы это исправить, перейдите на вкладку "Статусы" и добавьте этот статус в список.`
	msgStateEmpty    = `Статусу RetailCRM %s не сопоставлено состояние заказа 1С на вкладке "Статусы": заказ загружен без состояния, и сохранить его в 1С вручную не получится, пока состояние не будет указано.`
)

// ImportDecision applies the import status table to an order in status: whether the order is
// imported, the 1C order state it gets, and the message for the user (empty when there is
// nothing to say). A status listed without a state is imported without one, with a warning.
func ImportDecision(s settings.Settings, status string) (load bool, state *onec.Ref, message string) {
	rows := s.Tables.StatusesImport
	if len(rows) == 0 {
		return false, nil, msgStatusesEmpty
	}
	i := slices.IndexFunc(rows, func(r settings.StatusImport) bool { return r.CRMCode == status })
	switch {
	case i < 0:
		return false, nil, fmt.Sprintf(msgStatusSkipped, status)
	case rows[i].State == nil:
		return true, nil, fmt.Sprintf(msgStateEmpty, status)
	}
	return true, rows[i].State, ""
}

// MapOrder turns a RetailCRM order into the 1C order of an order.upsert command. Problems the
// user must fix in the settings or in RetailCRM make a *MappingError listing all of them;
// problems 1C can live with become Messages. The status message of ImportDecision is not
// repeated in Messages; an order the status table does not import is a MappingError.
//
// Money: a line's Price is the RetailCRM initialPrice, its Discount is discountTotal (RetailCRM's
// discount per unit, order-level discounts included) times the quantity, and Total is
// Price×Quantity − Discount, each rounded to kopecks. The order Total is RetailCRM's totalSumm.
//
// Ref and Number are left empty (1C finds the document by CRM.ID, or numbers a new one); Posted
// is true: 1C posts an imported order, as the original did ("Проведен: Заказ покупателя …").
func MapOrder(o retailcrm.Order, m OrderMapping) (MappedOrder, error) {
	x := &orderMapper{o: o, m: m, loc: m.Location, messages: []string{}}
	if x.loc == nil {
		x.loc = time.UTC
	}
	out := x.order()
	if len(x.reasons) > 0 {
		return MappedOrder{}, &MappingError{Reasons: x.reasons}
	}
	return MappedOrder{Order: out, Messages: x.messages}, nil
}

// orderMapper maps one order, collecting the reasons it cannot be imported and the warnings.
type orderMapper struct {
	o        retailcrm.Order
	m        OrderMapping
	loc      *time.Location
	reasons  []string
	messages []string
}

// fail records a reason the order cannot be imported.
func (x *orderMapper) fail(format string, args ...any) {
	x.reasons = append(x.reasons, fmt.Sprintf(format, args...))
}

// warn records a warning for the 1C user.
func (x *orderMapper) warn(format string, args ...any) {
	x.messages = append(x.messages, fmt.Sprintf(format, args...))
}

// order builds the whole 1C order; the reasons come in the order of the 1C form.
func (x *orderMapper) order() onec.Order {
	c := x.m.Settings.Connection
	date, dated := x.orderDate()
	out := onec.Order{
		Posted:            true,
		CRM:               onec.CRMOrder{ID: x.o.ID, Number: x.o.Number, Site: x.o.Site},
		OrderKind:         guidOf(c.OrderKind),
		Operation:         x.operation(),
		Organization:      x.constant(c.Organization, constOrganization),
		Department:        guidOf(c.Department),
		Warehouse:         x.warehouse(),
		BankAccount:       guidOf(c.BankAccount),
		CashDesk:          guidOf(c.CashDesk),
		Currency:          x.constant(c.Currency, constCurrency),
		Taxation:          taxation(c),
		AmountIncludesVAT: c.EffectivePriceIncludesVAT(),
		Responsible:       x.responsible(),
		Author:            guidOf(c.ExchangeUser),
		State:             x.state(),
		ShipmentDate:      x.shipmentDate(),
		Comment:           orderComment(x.o),
		Counterparty:      x.counterparty(),
		Items:             x.items(),
		Delivery:          x.delivery(),
		Payments:          x.payments(),
	}
	out.Total = x.total(out.Items, out.Delivery)
	if dated {
		out.Date = date.Format(time.RFC3339)
		out.PaymentCalendar = []onec.CalendarEntry{{
			Date:   date.AddDate(0, 0, c.DeferralDays).Format(time.RFC3339),
			Amount: out.Total,
		}}
	}
	return out
}

// taxation is the name of the Налогообложение enumeration value; empty when not set.
func taxation(c settings.Connection) string {
	if c.Taxation == nil {
		return ""
	}
	return c.Taxation.Ref
}

// Labels of the constants, as the "Константы" tab shows them.
const (
	constOrganization = "Организация"
	constCurrency     = "Валюта"
	constOperation    = "Вид операции"
	constWarehouse    = "Склад"
	constDeliveryItem = "Номенклатура доставки"
	constCashDesk     = "Основная касса"
	constBankAccount  = "Банковский счет"
)

// constant returns a required constant, or records that it is not filled in.
func (x *orderMapper) constant(r *onec.Ref, label string) *string {
	if r == nil {
		x.fail("Не заполнена константа «%s» на вкладке «Константы».", label)
	}
	return guidOf(r)
}

// operation returns the required ВидОперации.
func (x *orderMapper) operation() string {
	op := x.m.Settings.Connection.Operation
	if op == "" {
		x.fail("Не заполнена константа «%s» на вкладке «Константы».", constOperation)
	}
	return op
}

// guidOf is a copy of the GUID of a reference (the order never aliases the settings); nil
// stays nil.
func guidOf(r *onec.Ref) *string {
	if r == nil {
		return nil
	}
	g := r.Ref
	return &g
}

// Date layouts of RetailCRM: wall time of the account's zone, without an offset.
const (
	crmDateTime = "2006-01-02 15:04:05"
	crmDate     = "2006-01-02"
)

// orderDate is createdAt in the account's zone.
func (x *orderMapper) orderDate() (time.Time, bool) {
	t, err := time.ParseInLocation(crmDateTime, x.o.CreatedAt, x.loc)
	if err != nil {
		x.fail("Не удалось прочитать дату заказа «%s».", x.o.CreatedAt)
		return time.Time{}, false
	}
	return t, true
}

// shipmentDate is the order's shipment date, else its delivery date, as midnight in the
// account's zone; empty when neither is set.
func (x *orderMapper) shipmentDate() string {
	s := x.o.ShipmentDate
	if s == "" && x.o.Delivery != nil {
		s = x.o.Delivery.Date
	}
	if s == "" {
		return ""
	}
	t, err := time.ParseInLocation(crmDate, s, x.loc)
	if err != nil {
		x.warn("Не удалось прочитать дату отгрузки «%s»: дата отгрузки в заказе не заполнена.", s)
		return ""
	}
	return t.Format(time.RFC3339)
}

// responsible is the 1C user of the order's manager; an order without a manager has none.
func (x *orderMapper) responsible() *string {
	id := x.o.ManagerID
	if id == 0 {
		return nil
	}
	rows := x.m.Settings.Tables.Managers
	i := slices.IndexFunc(rows, func(r settings.Manager) bool { return r.CRMID == id && r.User != nil })
	if i < 0 {
		x.fail("Менеджер RetailCRM с id %d не сопоставлен пользователю 1С на вкладке «Менеджеры».", id)
		return nil
	}
	return guidOf(rows[i].User)
}

// state is the 1C order state of the order's status.
func (x *orderMapper) state() *string {
	load, state, msg := ImportDecision(x.m.Settings, x.o.Status)
	if !load {
		x.fail("%s", msg)
	}
	return guidOf(state)
}

// warehouse is the 1C warehouse of the shipment store, else the Склад constant.
func (x *orderMapper) warehouse() *string {
	code := x.o.ShipmentStore
	rows := x.m.Settings.Tables.Warehouses
	if code != "" {
		i := slices.IndexFunc(rows, func(r settings.Warehouse) bool { return r.CRMCode == code && r.Warehouse != nil })
		if i >= 0 {
			return guidOf(rows[i].Warehouse)
		}
	}
	fallback := x.m.Settings.Connection.Warehouse
	switch {
	case fallback == nil && code == "":
		x.fail("В заказе не указан склад отгрузки, и не заполнена константа «%s» на вкладке «Константы».", constWarehouse)
	case fallback == nil:
		x.fail("Склад отгрузки RetailCRM «%s» не сопоставлен складу 1С на вкладке «Склады», и не заполнена константа «%s» на вкладке «Константы».",
			code, constWarehouse)
	case code != "":
		x.warn("Склад отгрузки RetailCRM «%s» не сопоставлен складу 1С на вкладке «Склады»: в заказе указан склад «%s» из константы «%s».",
			code, fallback.Name, constWarehouse)
	}
	return guidOf(fallback)
}

// orderComment joins the customer's and the manager's comments, labelled when both are set.
func orderComment(o retailcrm.Order) string {
	customer, manager := strings.TrimSpace(o.CustomerComment), strings.TrimSpace(o.ManagerComment)
	if customer != "" && manager != "" {
		return "Комментарий покупателя: " + customer + "\nКомментарий менеджера: " + manager
	}
	return customer + manager
}

// total is RetailCRM's totalSumm (the lines and the delivery when it is absent); a total that
// differs from the lines and the delivery is reported.
func (x *orderMapper) total(items []onec.OrderItem, d *onec.OrderDelivery) onec.Money {
	sum := d.Cost.Decimal
	for _, it := range items {
		sum = sum.Add(it.Total.Decimal)
	}
	if x.o.TotalSumm == nil {
		return onec.NewMoney(sum)
	}
	total := onec.NewMoney(x.o.TotalSumm.Decimal)
	if !total.Equal(sum) {
		x.warn("Сумма заказа в RetailCRM (%s) не совпадает с суммой товаров и доставки (%s): проверьте скидки в заказе 1С.",
			total.String(), onec.NewMoney(sum).String())
	}
	return total
}

// decOf is the value of an optional number; absent is 0.
func decOf(d *retailcrm.Decimal) decimal.Decimal {
	if d == nil {
		return decimal.Zero
	}
	return d.Decimal
}
