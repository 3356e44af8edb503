package onec

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Limits of an order event.
const (
	// MaxOrderItems is the most lines an order event may carry.
	MaxOrderItems = 1000
	maxOfferKey   = 200
)

// ValidateEvent lower-cases the references the bridge reads and returns the problems of an order
// as 1C sends it in an order event, nil when it is valid: the 1C document (ref, number, date),
// the CRM block (id not negative; an order born in 1C has none), the state and warehouse when
// set, and every line's offer key and amounts (quantity positive with up to 3 decimals, price,
// discount and total not negative, in kopecks). Fields the export does not read are not checked.
func (o *Order) ValidateEvent() []FieldProblem {
	var p problems
	if o.Ref == nil {
		p.add("ref", msgRequired)
	} else {
		ref := strings.ToLower(*o.Ref)
		o.Ref = &ref
		checkGUID(&p, "ref", ref)
	}
	checkText(&p, "number", o.Number, maxDocNumber, true)
	checkDocumentDate(&p, "date", o.Date)
	if o.CRM.ID < 0 {
		p.add("crm.id", "Ожидается положительный id заказа RetailCRM.")
	}
	o.State = checkOptionalGUID(&p, "state", o.State)
	o.Warehouse = checkOptionalGUID(&p, "warehouse", o.Warehouse)
	if o.Delivery != nil {
		checkMoney(&p, "delivery.cost", o.Delivery.Cost)
	}
	if len(o.Items) > MaxOrderItems {
		p.add("items", "В заказе %d строк, допускается не больше %d.", len(o.Items), MaxOrderItems)
	}
	for i, it := range o.Items {
		field := fmt.Sprintf("items[%d]", i)
		checkText(&p, field+".offerKey", it.OfferKey, maxOfferKey, true)
		if it.CRMItemID < 0 {
			p.add(field+".crmItemId", "Ожидается положительный id строки заказа RetailCRM.")
		}
		checkQuantity(&p, field+".quantity", it.Quantity)
		checkMoney(&p, field+".price", it.Price)
		checkMoney(&p, field+".discount", it.Discount)
		checkMoney(&p, field+".total", it.Total)
	}
	checkMoney(&p, "total", o.Total)
	return p.result()
}

// checkOptionalGUID checks a reference that may be null and returns it lower-cased.
func checkOptionalGUID(p *problems, field string, ref *string) *string {
	if ref == nil {
		return nil
	}
	r := strings.ToLower(*ref)
	checkGUID(p, field, r)
	return &r
}

// checkMoney reports a negative amount or one with more than 2 decimals.
func checkMoney(p *problems, field string, m Money) {
	switch {
	case m.IsNegative():
		p.add(field, "Сумма не может быть отрицательной.")
	case !exact(m.Decimal, 2):
		p.add(field, "Сумма указывается с точностью до копеек (не больше 2 знаков после точки).")
	}
}

// checkQuantity reports a quantity that is not positive or has more than 3 decimals.
func checkQuantity(p *problems, field string, q Quantity) {
	switch {
	case !q.IsPositive():
		p.add(field, "Количество должно быть больше нуля.")
	case !exact(q.Decimal, 3):
		p.add(field, "Количество указывается не больше чем с 3 знаками после точки.")
	}
}

// exact tells whether d has at most places decimals.
func exact(d decimal.Decimal, places int32) bool { return d.Equal(d.Round(places)) }
