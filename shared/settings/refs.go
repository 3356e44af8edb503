package settings

import (
	"fmt"

	"unfbridge/shared/onec"
)

// refField is a setting that points to a 1C reference.
type refField struct {
	field string
	ref   *onec.Ref
	kind  onec.Kind
	label string
}

// refFields are the constants that point to 1C references.
func (c *Connection) refFields() []refField {
	return []refField{
		{"orderKind", c.OrderKind, onec.KindOrderKinds, "Вид заказа"},
		{"deliveryItem", c.DeliveryItem, onec.KindServices, "Номенклатура доставки"},
		{"department", c.Department, onec.KindDepartments, "Подразделение заказа"},
		{"warehouse", c.Warehouse, onec.KindWarehouses, "Склад"},
		{"purchasePriceKind", c.PurchasePriceKind, onec.KindPriceKinds, "Закупочная цена"},
		{"salePriceKind", c.SalePriceKind, onec.KindPriceKinds, "Цена продажи"},
		{"organization", c.Organization, onec.KindOrganizations, "Организация"},
		{"bankAccount", c.BankAccount, onec.KindBankAccounts, "Банковский счет"},
		{"cashDesk", c.CashDesk, onec.KindCashDesks, "Основная касса"},
		{"currency", c.Currency, onec.KindCurrencies, "Валюта"},
		{"taxation", c.Taxation, onec.KindTaxationSystems, "Налогообложение"},
		{"exchangeUser", c.ExchangeUser, onec.KindUsers, "Пользователь для обмена"},
	}
}

// allRefs lists every 1C reference the settings point to, with its JSON path.
func (s *Settings) allRefs() []refField {
	var out []refField
	for _, f := range s.Connection.refFields() {
		f.field = "connection." + f.field
		out = append(out, f)
	}
	for i := range s.Catalog.Groups {
		out = append(out, refField{fmt.Sprintf("catalog.groups[%d]", i), &s.Catalog.Groups[i], onec.KindNomenclatureGroups, "Группа номенклатуры"})
	}
	t := &s.Tables
	add := func(table string, i int, name string, r *onec.Ref, kind onec.Kind, label string) {
		out = append(out, refField{fmt.Sprintf("tables.%s[%d].%s", table, i, name), r, kind, label})
	}
	for i, r := range t.StatusesImport {
		add("statusesImport", i, "state", r.State, onec.KindOrderStates, "Состояние заказа")
	}
	for i, r := range t.StatusesExport {
		add("statusesExport", i, "state", r.State, onec.KindOrderStates, "Состояние заказа")
	}
	for i, r := range t.Managers {
		add("managers", i, "user", r.User, onec.KindUsers, "Пользователь 1С")
	}
	for i, r := range t.Warehouses {
		add("warehouses", i, "warehouse", r.Warehouse, onec.KindWarehouses, "Склад 1С")
	}
	for i, r := range t.PriceTypes {
		add("priceTypes", i, "priceKind", r.PriceKind, onec.KindPriceKinds, "Вид цены 1С")
	}
	for i, r := range t.PaymentsImport {
		add("paymentsImport", i, "terminal", r.Terminal, onec.KindPaymentTerminals, "Терминал")
	}
	for i, r := range t.Delivery {
		add("delivery", i, "method", r.Method, onec.KindDeliveryMethods, "Способ доставки")
		add("delivery", i, "carrier", r.Carrier, onec.KindCarriers, "Перевозчик")
	}
	return out
}

// MissingReferences lists the settings that point to a 1C reference absent from the latest
// reference lists received from 1C (taken at the given time).
func (s Settings) MissingReferences(refs *onec.References, takenAt string) []Problem {
	var out []Problem
	for _, f := range s.allRefs() {
		if f.ref == nil {
			continue
		}
		if _, ok := refs.Lookup(f.kind, f.ref.Ref); ok {
			continue
		}
		out = append(out, Problem{Field: f.field, Message: fmt.Sprintf(
			"%s «%s» отсутствует в справочниках 1С (получены %s): элемент удалён или недоступен. Выберите значение заново.",
			f.label, nameOf(f.ref), takenAt)})
	}
	return out
}
