package sandbox

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// change is one field change of an order, as order history reports it.
type change struct {
	field    string
	from, to any
	item     *historyItem
	payment  *historyPayment
}

// historyItem is the line a change refers to.
type historyItem struct {
	ID    int      `json:"id"`
	Offer offerRef `json:"offer"`
}

// historyPayment is the payment a change refers to.
type historyPayment struct {
	ID         int    `json:"id"`
	Status     string `json:"status,omitempty"`
	Type       string `json:"type"`
	Amount     *num   `json:"amount,omitempty"`
	ExternalID string `json:"externalId,omitempty"`
}

type idRef struct {
	ID int `json:"id"`
}

// History values: RetailCRM writes references as {code} or {id}, numbers and strings as
// scalars, and null for "none".
func codeOrNil(code string) any {
	if code == "" {
		return nil
	}
	return codeRef{code}
}

func idOrNil(id int) any {
	if id == 0 {
		return nil
	}
	return idRef{id}
}

func strOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func numOrNil(n num) any {
	if n.IsZero() {
		return nil
	}
	return n
}

// vatValue is a VAT rate in history: a number, null for "none".
func vatValue(v string) any {
	if v == "" || v == "none" {
		return nil
	}
	return json.Number(v)
}

type orderField struct {
	name  string
	value func(a *account, o *order) any
}

func strField(name string, get func(o *order) string) orderField {
	return orderField{name, func(_ *account, o *order) any { return strOrNil(get(o)) }}
}

func codeField(name string, get func(o *order) string) orderField {
	return orderField{name, func(_ *account, o *order) any { return codeOrNil(get(o)) }}
}

func boolField(name string, get func(o *order) bool) orderField {
	return orderField{name, func(_ *account, o *order) any { return get(o) }}
}

// orderFields are the order fields history tracks, with RetailCRM's snake_case names.
var orderFields = []orderField{
	codeField("status", func(o *order) string { return o.status }),
	{"manager", func(_ *account, o *order) any { return idOrNil(o.managerID) }},
	codeField("order_type", func(o *order) string { return o.orderType }),
	codeField("order_method", func(o *order) string { return o.orderMethod }),
	strField("number", func(o *order) string { return o.number }),
	strField("external_id", func(o *order) string { return o.externalID }),
	{"created_at", func(a *account, o *order) any { return a.stamp(o.createdAt) }},
	strField("status_comment", func(o *order) string { return o.statusComment }),
	strField("first_name", func(o *order) string { return o.firstName }),
	strField("last_name", func(o *order) string { return o.lastName }),
	strField("patronymic", func(o *order) string { return o.patronymic }),
	strField("phone", func(o *order) string { return o.phone }),
	strField("additional_phone", func(o *order) string { return o.additionalPhone }),
	strField("email", func(o *order) string { return o.email }),
	strField("customer_comment", func(o *order) string { return o.customerComment }),
	strField("manager_comment", func(o *order) string { return o.managerComment }),
	boolField("call", func(o *order) bool { return o.call }),
	boolField("expired", func(o *order) bool { return o.expired }),
	boolField("shipped", func(o *order) bool { return o.shipped }),
	strField("country", func(o *order) string { return o.countryIso }),
	codeField("shipment_store", func(o *order) string { return o.shipmentStore }),
	strField("shipment_date", func(o *order) string { return o.shipmentDate }),
	{"discount_manual_amount", func(_ *account, o *order) any { return numOrNil(o.discountManualAmount) }},
	{"discount_manual_percent", func(_ *account, o *order) any { return numOrNil(o.discountManualPercent) }},
	codeField("delivery_type", func(o *order) string { return o.delivery.code }),
	{"delivery_cost", func(_ *account, o *order) any { return o.delivery.cost }},
	{"delivery_net_cost", func(_ *account, o *order) any { return o.delivery.netCost }},
	strField("delivery_date", func(o *order) string { return o.delivery.date }),
	{"delivery_time", func(_ *account, o *order) any {
		if o.delivery.time == (deliveryTime{}) {
			return nil
		}
		return o.delivery.time
	}},
	{"customer", func(a *account, o *order) any { return a.partyValue(o.customerID) }},
	{"contact", func(_ *account, o *order) any { return idOrNil(o.contactID) }},
	{"company", func(_ *account, o *order) any { return idOrNil(o.companyID) }},
	{"full_paid_at", func(a *account, o *order) any {
		if o.fullPaidAt.IsZero() {
			return nil
		}
		return a.stamp(o.fullPaidAt)
	}},
}

// addressFields are the delivery address parts history tracks as delivery_address.<name>.
var addressFields = []struct {
	name string
	get  func(Address) string
}{
	{"index", func(ad Address) string { return ad.Index }},
	{"country_iso", func(ad Address) string { return ad.CountryIso }},
	{"region", func(ad Address) string { return ad.Region }},
	{"city", func(ad Address) string { return ad.City }},
	{"street", func(ad Address) string { return ad.Street }},
	{"building", func(ad Address) string { return ad.Building }},
	{"house", func(ad Address) string { return ad.House }},
	{"flat", func(ad Address) string { return ad.Flat }},
	{"notes", func(ad Address) string { return ad.Notes }},
	{"text", func(ad Address) string { return ad.Text }},
}

// itemFields are the line fields history tracks as order_product.<name>.
var itemFields = []struct {
	name  string
	value func(it *item) any
}{
	{"quantity", func(it *item) any { return it.quantity }},
	{"initial_price", func(it *item) any { return it.initialPrice }},
	{"discount_total", func(it *item) any { return it.discountTotal() }},
	{"summ", func(it *item) any { return it.summ() }},
	{"purchase_price", func(it *item) any { return it.purchasePrice }},
	{"status", func(it *item) any { return codeOrNil(it.status) }},
	{"vat_rate", func(it *item) any { return vatValue(it.vatRate) }},
	{"comment", func(it *item) any { return strOrNil(it.comment) }},
}

// paymentFields are the payment fields history tracks as payments.<name>.
var paymentFields = []struct {
	name  string
	value func(p *payment) any
}{
	{"type", func(p *payment) any { return codeOrNil(p.typ) }},
	{"status", func(p *payment) any { return codeOrNil(p.status) }},
	{"amount", func(p *payment) any { return p.amount }},
	{"paid_at", func(p *payment) any { return strOrNil(p.paidAt) }},
	{"external_id", func(p *payment) any { return strOrNil(p.externalID) }},
	{"comment", func(p *payment) any { return strOrNil(p.comment) }},
}

// partyValue is a customer as history shows it: {id, externalId?, site}.
func (a *account) partyValue(id int) any {
	type party struct {
		ID         int    `json:"id"`
		ExternalID string `json:"externalId,omitempty"`
		Site       string `json:"site"`
	}
	if co := a.corporateByID(id); co != nil {
		return party{co.id, co.externalID, co.site}
	}
	if cu := a.individual(id, "", ""); cu != nil {
		return party{cu.id, cu.externalID, cu.site}
	}
	return nil
}

func equalJSON(x, y any) bool { return bytes.Equal(encode(x), encode(y)) }

// diff lists the changes from before to after, sorted by field name as RetailCRM lists the
// records of one save.
func (a *account) diff(before, after *order) []change {
	var out []change
	note := func(field string, from, to any) {
		if !equalJSON(from, to) {
			out = append(out, change{field: field, from: from, to: to})
		}
	}
	for _, f := range orderFields {
		note(f.name, f.value(a, before), f.value(a, after))
	}
	for _, f := range addressFields {
		note("delivery_address."+f.name, strOrNil(f.get(before.delivery.address)), strOrNil(f.get(after.delivery.address)))
	}
	for _, k := range customKeys(before, after) {
		note("custom_"+k, rawOrNil(before.customFields[k]), rawOrNil(after.customFields[k]))
	}
	out = append(out, diffItems(before, after)...)
	out = append(out, diffPayments(before, after)...)
	slices.SortStableFunc(out, func(x, y change) int { return strings.Compare(x.field, y.field) })
	return out
}

func rawOrNil(v json.RawMessage) any {
	if v == nil {
		return nil
	}
	return v
}

func customKeys(before, after *order) []string {
	var keys []string
	for _, m := range []map[string]json.RawMessage{before.customFields, after.customFields} {
		for k := range m {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	return keys
}

func diffItems(before, after *order) []change {
	var out []change
	for _, it := range before.items {
		if after.itemByID(it.id) == nil {
			out = append(out, change{field: "order_product", from: lineRef(it), item: lineRef(it)})
		}
	}
	for _, it := range after.items {
		prev := before.itemByID(it.id)
		if prev == nil {
			out = append(out, change{field: "order_product", to: lineRef(it), item: lineRef(it)})
			continue
		}
		for _, f := range itemFields {
			if from, to := f.value(prev), f.value(it); !equalJSON(from, to) {
				out = append(out, change{field: "order_product." + f.name, from: from, to: to, item: lineRef(it)})
			}
		}
	}
	return out
}

func lineRef(it *item) *historyItem { return &historyItem{ID: it.id, Offer: it.offer.ref()} }

func diffPayments(before, after *order) []change {
	var out []change
	for _, p := range before.payments {
		if after.payment(p.id) == nil {
			out = append(out, change{field: "payments", from: paymentValue(p), payment: fullPaymentRef(p)})
		}
	}
	for _, p := range after.payments {
		prev := before.payment(p.id)
		if prev == nil {
			out = append(out, change{field: "payments", to: paymentValue(p), payment: fullPaymentRef(p)})
			continue
		}
		for _, f := range paymentFields {
			if from, to := f.value(prev), f.value(p); !equalJSON(from, to) {
				ref := &historyPayment{ID: p.id, Type: p.typ, ExternalID: p.externalID}
				out = append(out, change{field: "payments." + f.name, from: from, to: to, payment: ref})
			}
		}
	}
	return out
}

// paymentValue is a payment as the old or new value of a "payments" record: {id, type}.
func paymentValue(p *payment) any {
	return struct {
		ID   int    `json:"id"`
		Type string `json:"type"`
	}{p.id, p.typ}
}

func fullPaymentRef(p *payment) *historyPayment {
	amount := p.amount
	return &historyPayment{ID: p.id, Status: p.status, Type: p.typ, Amount: &amount, ExternalID: p.externalID}
}
