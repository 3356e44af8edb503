package sandbox

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// order is an order of the account. Money fields are exact; summ, totalSumm, prepaySum,
// purchaseSumm, fullPaidAt and the item discounts are derived by recalc.
type order struct {
	id                                       int
	number, externalID, site                 string
	orderType, orderMethod                   string
	status, statusComment                    string
	createdAt, statusUpdatedAt               time.Time
	managerID                                int
	firstName, lastName, patronymic          string
	phone, additionalPhone, email            string
	customerComment, managerComment          string
	call, expired, shipped                   bool
	countryIso                               string
	shipmentStore, shipmentDate              string
	weight, length, width, height            num
	discountManualAmount                     num
	discountManualPercent                    num
	customerID, contactID, companyID         int // customerID may name a corporate customer
	contragent                               Contragent
	delivery                                 delivery
	items                                    []*item
	payments                                 []*payment
	customFields                             map[string]json.RawMessage
	fullPaidAt                               time.Time
	fromAPI                                  bool
	summ, totalSumm, prepaySum, purchaseSumm num
}

type delivery struct {
	code, date    string
	cost, netCost num
	time          deliveryTime
	address       Address
}

type deliveryTime struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// codeValue is an external id of an item in another system: {"code": "1c", "value": "..."}.
type codeValue struct {
	Code  string `json:"code"`
	Value string `json:"value"`
}

type property struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// item is an order line. Discounts are per unit: discountItem comes from the line's own manual
// discounts, discountOrder is its share of the order's manual discounts.
type item struct {
	id                                          int
	offer                                       *offer
	externalIDs                                 []codeValue
	initialPrice, quantity, purchasePrice       num
	discountManualAmount, discountManualPercent num
	vatRate, status, priceType, comment         string
	properties                                  []property
	createdAt                                   time.Time
	discountItem, discountOrder                 num
}

func (it *item) discountTotal() num { return it.discountItem.add(it.discountOrder) }

// price is the unit price after every discount.
func (it *item) price() num { return it.initialPrice.sub(it.discountTotal()) }

// summ is the line total after every discount.
func (it *item) summ() num { return it.price().mul(it.quantity) }

// payment is a payment of an order.
type payment struct {
	id                      int
	externalID, typ, status string
	comment, paidAt         string
	amount                  num
}

var hundred = decimal.NewFromInt(100)

func (o *order) clone() *order {
	c := *o
	c.items = make([]*item, len(o.items))
	for i, it := range o.items {
		x := *it
		x.externalIDs, x.properties = slices.Clone(it.externalIDs), slices.Clone(it.properties)
		c.items[i] = &x
	}
	c.payments = make([]*payment, len(o.payments))
	for i, p := range o.payments {
		x := *p
		c.payments[i] = &x
	}
	c.customFields = cloneMap(o.customFields)
	return &c
}

func (o *order) itemByID(id int) *item {
	for _, it := range o.items {
		if it.id == id {
			return it
		}
	}
	return nil
}

// itemByExternalIDs finds the line carrying one of the given external ids.
func (o *order) itemByExternalIDs(ids []codeValue) *item {
	for _, it := range o.items {
		for _, id := range ids {
			if slices.Contains(it.externalIDs, id) {
				return it
			}
		}
	}
	return nil
}

func (o *order) payment(id int) *payment {
	for _, p := range o.payments {
		if p.id == id {
			return p
		}
	}
	return nil
}

// recalc derives the discounts, sums and full payment of the order. The order's manual
// percent applies to every unit price; its manual amount is spread over the lines in
// proportion to their totals and rounded to kopecks per unit (RetailCRM's exact rounding of
// that split is unconfirmed).
func (a *account) recalc(o *order, now time.Time) {
	for _, it := range o.items {
		byPercent := it.initialPrice.Mul(it.discountManualPercent.Decimal).Div(hundred)
		it.discountItem = num{it.discountManualAmount.Add(byPercent)}.round2()
		after := it.initialPrice.sub(it.discountItem)
		it.discountOrder = num{after.Mul(o.discountManualPercent.Decimal).Div(hundred)}.round2()
	}
	var base num
	for _, it := range o.items {
		base = base.add(it.summ())
	}
	if o.discountManualAmount.IsPositive() && base.IsPositive() {
		for _, it := range o.items {
			share := o.discountManualAmount.Mul(it.summ().Decimal).Div(base.Decimal)
			it.discountOrder = it.discountOrder.add(num{share.Div(it.quantity.Decimal)}.round2())
		}
	}
	o.summ, o.purchaseSumm, o.prepaySum = num{}, num{}, num{}
	for _, it := range o.items {
		o.summ = o.summ.add(it.summ())
		o.purchaseSumm = o.purchaseSumm.add(it.purchasePrice.mul(it.quantity))
	}
	o.totalSumm = o.summ.add(o.delivery.cost)
	for _, p := range o.payments {
		if st, ok := a.paymentStatus(p.status); ok && st.PaymentComplete {
			o.prepaySum = o.prepaySum.add(p.amount)
		}
	}
	switch paid := o.totalSumm.IsPositive() && o.prepaySum.GreaterThanOrEqual(o.totalSumm.Decimal); {
	case !paid:
		o.fullPaidAt = time.Time{}
	case o.fullPaidAt.IsZero():
		o.fullPaidAt = now
	}
}

func (a *account) orderByID(id int) *order {
	for _, o := range a.orders {
		if o.id == id {
			return o
		}
	}
	return nil
}

func (a *account) orderByExternal(ext, site string) *order {
	for _, o := range a.orders {
		if o.externalID == ext && o.site == site {
			return o
		}
	}
	return nil
}

func (a *account) orderFor(c *call) (*order, error) {
	return lookup(a, c, a.orderByID, a.orderByExternal, func(o *order) string { return o.site })
}

// findPayment returns a payment and its order.
func (a *account) findPayment(match func(o *order, p *payment) bool) (*order, *payment) {
	for _, o := range a.orders {
		for _, p := range o.payments {
			if match(o, p) {
				return o, p
			}
		}
	}
	return nil, nil
}
