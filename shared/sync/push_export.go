package sync

import (
	"fmt"
	"slices"

	"unfbridge/shared/onec"
	"unfbridge/shared/push"
	"unfbridge/shared/settings"
)

// Messages of the export of a 1C order.
const (
	msgUnmappedState = "Состояние заказа 1С %s не сопоставлено статусу RetailCRM на вкладке «Статусы» (выгрузка): " +
		"статус заказа %s в RetailCRM не изменён."
	msgUnmappedWarehouse = "Склад 1С %s не сопоставлен складу RetailCRM на вкладке «Склады»: склад отгрузки заказа %s " +
		"в RetailCRM не изменён."
	msgDiscountRounded = "Скидка %s на товар «%s» в заказе %s не делится на количество %s без остатка: в RetailCRM " +
		"передана скидка %s за единицу, сумма строки отличается на %s."
	msgDuplicateOffer = "Товар «%s» встречается в заказе %s несколько раз с разными ценами (%s и %s), а в заказе " +
		"RetailCRM товар может быть только одной строкой: объедините строки в 1С и проведите заказ снова."
)

// export turns a 1C order into the fields the push sends, on top of base (what RetailCRM has):
// the status of the 1C state by the export statuses table, the shipment store of the warehouse
// by the warehouses table (unmapped: base's, with a warning), the delivery cost, and the lines
// with their CRM item ids (from 1C, else base's line of the same offer). Lines of one offer are
// merged when their price is the same; otherwise the lines cannot be sent (a problem). The
// discount of a line becomes a manual discount per unit, rounded to kopecks (a warning says
// when the line total then differs).
func (r *pushRun) export(o onec.Order, base push.OrderSnapshot) (out push.OrderSnapshot, warnings, problems []string) {
	out = base
	crmOrder := o.CRM.Number
	if code, ok := exportStatus(r.st.Tables.StatusesExport, o.State); ok {
		out.Status = code
	} else if o.State != nil {
		warnings = append(warnings, fmt.Sprintf(msgUnmappedState, *o.State, crmOrder))
	}
	if code, ok := exportStore(r.st.Tables.Warehouses, o.Warehouse); ok {
		out.ShipmentStore = code
	} else if o.Warehouse != nil {
		warnings = append(warnings, fmt.Sprintf(msgUnmappedWarehouse, *o.Warehouse, crmOrder))
	}
	if o.Delivery != nil {
		cost := o.Delivery.Cost
		out.DeliveryCost = &cost
	}
	out.Lines, warnings, problems = exportLines(o.Items, base.Lines, crmOrder, warnings)
	return out, warnings, problems
}

// exportStatus is the CRM status of a 1C order state by the export statuses table.
func exportStatus(rows []settings.StatusExport, state *string) (string, bool) {
	i := slices.IndexFunc(rows, func(r settings.StatusExport) bool {
		return state != nil && r.State != nil && r.State.Ref == *state && r.CRMCode != ""
	})
	if i < 0 {
		return "", false
	}
	return rows[i].CRMCode, true
}

// exportStore is the CRM store of a 1C warehouse by the warehouses table.
func exportStore(rows []settings.Warehouse, warehouse *string) (string, bool) {
	i := slices.IndexFunc(rows, func(r settings.Warehouse) bool {
		return warehouse != nil && r.Warehouse != nil && r.Warehouse.Ref == *warehouse && r.CRMCode != ""
	})
	if i < 0 {
		return "", false
	}
	return rows[i].CRMCode, true
}

// exportLines merges the 1C lines by offer and gives each its CRM item id and its discount per
// unit; see export.
func exportLines(items []onec.OrderItem, base []push.Line, crmOrder string, warnings []string) ([]push.Line, []string, []string) {
	var problems []string
	lines := make([]push.Line, 0, len(items))
	discounts := make([]onec.Money, 0, len(items))
	for _, it := range items {
		i := slices.IndexFunc(lines, func(l push.Line) bool { return l.OfferKey == it.OfferKey })
		if i < 0 {
			lines = append(lines, push.Line{CRMItemID: it.CRMItemID, OfferKey: it.OfferKey, Name: it.Name,
				Quantity: it.Quantity, Price: it.Price})
			discounts = append(discounts, it.Discount)
			continue
		}
		l := &lines[i]
		if !l.Price.Equal(it.Price.Decimal) {
			problems = append(problems, fmt.Sprintf(msgDuplicateOffer, it.Name, crmOrder, l.Price, it.Price))
			continue
		}
		l.Quantity = onec.NewQuantity(l.Quantity.Add(it.Quantity.Decimal))
		discounts[i] = onec.NewMoney(discounts[i].Add(it.Discount.Decimal))
		if l.CRMItemID == 0 {
			l.CRMItemID = it.CRMItemID
		}
	}
	for i := range lines {
		l := &lines[i]
		if l.CRMItemID == 0 {
			if j := slices.IndexFunc(base, func(b push.Line) bool { return b.OfferKey == l.OfferKey }); j >= 0 {
				l.CRMItemID = base[j].CRMItemID
			}
		}
		l.UnitDiscount = onec.NewMoney(discounts[i].Div(l.Quantity.Decimal))
		if sent := onec.NewMoney(l.UnitDiscount.Mul(l.Quantity.Decimal)); !sent.Equal(discounts[i].Decimal) {
			warnings = append(warnings, fmt.Sprintf(msgDiscountRounded, discounts[i], l.Name, crmOrder, l.Quantity,
				l.UnitDiscount, onec.NewMoney(sent.Sub(discounts[i].Decimal).Abs())))
		}
	}
	return lines, warnings, problems
}
