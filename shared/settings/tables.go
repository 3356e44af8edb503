package settings

import (
	"errors"
	"fmt"

	"unfbridge/shared/onec"
)

// Table names, as the admin API and the "load from RetailCRM" action name them.
const (
	TableStatusesImport = "statuses-import"
	TableStatusesExport = "statuses-export"
	TableManagers       = "managers"
	TableWarehouses     = "warehouses"
	TablePriceTypes     = "price-types"
	TablePaymentsImport = "payments-import"
	TablePaymentsExport = "payments-export"
	TableDelivery       = "delivery"
)

// TableNames lists every mapping table.
var TableNames = []string{TableStatusesImport, TableStatusesExport, TableManagers, TableWarehouses,
	TablePriceTypes, TablePaymentsImport, TablePaymentsExport, TableDelivery}

// row is a line of a mapping table: it checks itself and names the values that must be unique
// in its table.
type row interface {
	check(p *problems, field string)
	// unique returns the keys that must not repeat in the table ("" is not checked), with the
	// message for a repeat.
	unique() []uniqueKey
}

type uniqueKey struct {
	key string
	msg string
}

func validateRows[R row](p *problems, path string, rows []R) {
	if len(rows) > maxTableRows {
		p.add(path, "В таблице больше %d строк.", maxTableRows)
		return
	}
	seen := map[string]bool{}
	for i, r := range rows {
		field := fmt.Sprintf("%s[%d]", path, i)
		r.check(p, field)
		for n, u := range r.unique() {
			id := fmt.Sprint(n, "\x00", u.key)
			if u.key != "" && seen[id] {
				p.add(field, "%s", u.msg)
			}
			seen[id] = true
		}
	}
}

func (t *Tables) validate(p *problems, path string) {
	validateRows(p, path+".statusesImport", t.StatusesImport)
	validateRows(p, path+".statusesExport", t.StatusesExport)
	validateRows(p, path+".managers", t.Managers)
	validateRows(p, path+".warehouses", t.Warehouses)
	validateRows(p, path+".priceTypes", t.PriceTypes)
	validateRows(p, path+".paymentsImport", t.PaymentsImport)
	validateRows(p, path+".paymentsExport", t.PaymentsExport)
	validateRows(p, path+".delivery", t.Delivery)
}

// Validate checks the tables.
func (t *Tables) Validate() error {
	var p problems
	t.validate(&p, "tables")
	return p.err()
}

func checkCode(p *problems, field, code, what string) {
	switch {
	case code == "":
		p.add(field+".crmCode", "Не указан код %s RetailCRM.", what)
	case !crmCode.MatchString(code):
		p.add(field+".crmCode", "Код %s RetailCRM указан неверно: %q.", what, code)
	}
}

func refKey(r *onec.Ref) string {
	if r == nil {
		return ""
	}
	return r.Ref
}

func (r StatusImport) check(p *problems, field string) {
	checkCode(p, field, r.CRMCode, "статуса")
	checkRef(p, field+".state", r.State, onec.KindOrderStates)
}

func (r StatusImport) unique() []uniqueKey {
	return []uniqueKey{{r.CRMCode, fmt.Sprintf("Статус RetailCRM %q указан в таблице дважды.", r.CRMCode)}}
}

func (r StatusExport) check(p *problems, field string) {
	checkCode(p, field, r.CRMCode, "статуса")
	checkRef(p, field+".state", r.State, onec.KindOrderStates)
}

func (r StatusExport) unique() []uniqueKey {
	return []uniqueKey{{refKey(r.State), fmt.Sprintf("Состояние 1С «%s» указано в таблице дважды.", nameOf(r.State))}}
}

func (r Manager) check(p *problems, field string) {
	if r.CRMID <= 0 {
		p.add(field+".crmId", "Не указан id менеджера RetailCRM (число в конце адреса карточки менеджера, например …/managers/8491).")
	}
	checkRef(p, field+".user", r.User, onec.KindUsers)
}

func (r Manager) unique() []uniqueKey {
	key := ""
	if r.CRMID > 0 {
		key = fmt.Sprint(r.CRMID)
	}
	return []uniqueKey{{key, fmt.Sprintf("Менеджер RetailCRM с id %d указан в таблице дважды.", r.CRMID)}}
}

func (r Warehouse) check(p *problems, field string) {
	checkCode(p, field, r.CRMCode, "склада")
	checkRef(p, field+".warehouse", r.Warehouse, onec.KindWarehouses)
}

func (r Warehouse) unique() []uniqueKey {
	return []uniqueKey{{r.CRMCode, fmt.Sprintf("Склад RetailCRM %q указан в таблице дважды.", r.CRMCode)}}
}

func (r PriceType) check(p *problems, field string) {
	checkCode(p, field, r.CRMCode, "типа цены")
	checkRef(p, field+".priceKind", r.PriceKind, onec.KindPriceKinds)
}

func (r PriceType) unique() []uniqueKey {
	return []uniqueKey{{r.CRMCode, fmt.Sprintf("Тип цены RetailCRM %q указан в таблице дважды.", r.CRMCode)}}
}

func checkDocument(p *problems, field, doc string) {
	if _, ok := PaymentDocuments[doc]; doc != "" && !ok {
		p.add(field+".document", "Документ оплаты должен быть одним из: %s, %s, %s.", DocCashReceipt, DocBankReceipt, DocCardPayment)
	}
}

func (r PaymentImport) check(p *problems, field string) {
	checkCode(p, field, r.CRMCode, "типа оплаты")
	checkDocument(p, field, r.Document)
	checkRef(p, field+".terminal", r.Terminal, onec.KindPaymentTerminals)
	if r.Terminal != nil && r.Document != DocCardPayment {
		p.add(field+".terminal", "Терминал указывается только для документа «Оплата картой».")
	}
}

func (r PaymentImport) unique() []uniqueKey {
	return []uniqueKey{{r.CRMCode, fmt.Sprintf("Тип оплаты RetailCRM %q указан в таблице дважды.", r.CRMCode)}}
}

func (r PaymentExport) check(p *problems, field string) {
	checkCode(p, field, r.CRMCode, "типа оплаты")
	checkDocument(p, field, r.Document)
}

func (r PaymentExport) unique() []uniqueKey {
	return []uniqueKey{{r.Document, fmt.Sprintf("Документ «%s» указан в таблице дважды.", PaymentDocuments[r.Document])}}
}

func (r Delivery) check(p *problems, field string) {
	checkCode(p, field, r.CRMCode, "типа доставки")
	checkRef(p, field+".method", r.Method, onec.KindDeliveryMethods)
	checkRef(p, field+".carrier", r.Carrier, onec.KindCarriers)
}

func (r Delivery) unique() []uniqueKey {
	return []uniqueKey{{r.CRMCode, fmt.Sprintf("Тип доставки RetailCRM %q указан в таблице дважды.", r.CRMCode)}}
}

func nameOf(r *onec.Ref) string {
	if r == nil {
		return ""
	}
	if r.Name != "" {
		return r.Name
	}
	return r.Ref
}

// ErrUnknownTable names a table that does not exist.
var ErrUnknownTable = errors.New("settings: unknown mapping table")

// Rows returns a pointer to the rows of the table name (for decoding into), or false.
func (t *Tables) Rows(name string) (any, bool) {
	switch name {
	case TableStatusesImport:
		return &t.StatusesImport, true
	case TableStatusesExport:
		return &t.StatusesExport, true
	case TableManagers:
		return &t.Managers, true
	case TableWarehouses:
		return &t.Warehouses, true
	case TablePriceTypes:
		return &t.PriceTypes, true
	case TablePaymentsImport:
		return &t.PaymentsImport, true
	case TablePaymentsExport:
		return &t.PaymentsExport, true
	case TableDelivery:
		return &t.Delivery, true
	}
	return nil, false
}

// Replace sets the table name to the same table of from.
func (t *Tables) Replace(name string, from *Tables) error {
	switch name {
	case TableStatusesImport:
		t.StatusesImport = from.StatusesImport
	case TableStatusesExport:
		t.StatusesExport = from.StatusesExport
	case TableManagers:
		t.Managers = from.Managers
	case TableWarehouses:
		t.Warehouses = from.Warehouses
	case TablePriceTypes:
		t.PriceTypes = from.PriceTypes
	case TablePaymentsImport:
		t.PaymentsImport = from.PaymentsImport
	case TablePaymentsExport:
		t.PaymentsExport = from.PaymentsExport
	case TableDelivery:
		t.Delivery = from.Delivery
	default:
		return fmt.Errorf("%w %q", ErrUnknownTable, name)
	}
	return nil
}
