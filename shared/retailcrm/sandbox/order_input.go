package sandbox

import (
	"encoding/json"
	"fmt"
	"time"
)

// orderInput is the order entity of orders/create and orders/{id}/edit. An edit changes only
// the fields sent; null clears a field.
type orderInput struct {
	Number                opt[string]                `json:"number"`
	ExternalID            opt[string]                `json:"externalId"`
	CreatedAt             opt[string]                `json:"createdAt"`
	OrderType             opt[string]                `json:"orderType"`
	OrderMethod           opt[string]                `json:"orderMethod"`
	Status                opt[string]                `json:"status"`
	StatusComment         opt[string]                `json:"statusComment"`
	ManagerID             opt[int]                   `json:"managerId"`
	FirstName             opt[string]                `json:"firstName"`
	LastName              opt[string]                `json:"lastName"`
	Patronymic            opt[string]                `json:"patronymic"`
	Phone                 opt[string]                `json:"phone"`
	AdditionalPhone       opt[string]                `json:"additionalPhone"`
	Email                 opt[string]                `json:"email"`
	CustomerComment       opt[string]                `json:"customerComment"`
	ManagerComment        opt[string]                `json:"managerComment"`
	Call                  opt[bool]                  `json:"call"`
	Expired               opt[bool]                  `json:"expired"`
	Shipped               opt[bool]                  `json:"shipped"`
	CountryIso            opt[string]                `json:"countryIso"`
	ShipmentStore         opt[string]                `json:"shipmentStore"`
	ShipmentDate          opt[string]                `json:"shipmentDate"`
	Weight                opt[num]                   `json:"weight"`
	Length                opt[num]                   `json:"length"`
	Width                 opt[num]                   `json:"width"`
	Height                opt[num]                   `json:"height"`
	DiscountManualAmount  opt[num]                   `json:"discountManualAmount"`
	DiscountManualPercent opt[num]                   `json:"discountManualPercent"`
	Customer              opt[partyRef]              `json:"customer"`
	Contact               opt[partyRef]              `json:"contact"`
	Company               opt[partyRef]              `json:"company"`
	Contragent            opt[Contragent]            `json:"contragent"`
	Delivery              opt[deliveryInput]         `json:"delivery"`
	Items                 opt[[]itemInput]           `json:"items"`
	Payments              []paymentInput             `json:"payments"`
	CustomFields          map[string]json.RawMessage `json:"customFields"`
}

// partyRef points at a customer, a contact or a company by CRM id or externalId.
type partyRef struct {
	ID         int    `json:"id"`
	ExternalID string `json:"externalId"`
	Type       string `json:"type"`
}

type deliveryInput struct {
	Code    opt[string]       `json:"code"`
	Cost    opt[num]          `json:"cost"`
	NetCost opt[num]          `json:"netCost"`
	Date    opt[string]       `json:"date"`
	Time    opt[deliveryTime] `json:"time"`
	Address opt[Address]      `json:"address"`
}

type itemInput struct {
	ID                    int          `json:"id"`
	ExternalIDs           []codeValue  `json:"externalIds"`
	Offer                 *offerKey    `json:"offer"`
	InitialPrice          opt[num]     `json:"initialPrice"`
	Quantity              opt[num]     `json:"quantity"`
	DiscountManualAmount  opt[num]     `json:"discountManualAmount"`
	DiscountManualPercent opt[num]     `json:"discountManualPercent"`
	PurchasePrice         opt[num]     `json:"purchasePrice"`
	VatRate               opt[vatRate] `json:"vatRate"`
	Status                opt[string]  `json:"status"`
	PriceType             *codeRef     `json:"priceType"`
	Comment               opt[string]  `json:"comment"`
	Properties            []property   `json:"properties"`
}

// vatRate reads RetailCRM's VAT rate, sent as "none", "20" or 20.
type vatRate string

func (v *vatRate) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*v = vatRate(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*v = vatRate(n.String())
	return nil
}

// msgExternalIDTaken refuses an externalId another order of the site has.
const msgExternalIDTaken = "Order with this externalId already exists."

// errs collects validation errors keyed by field path.
type errs map[string]string

func (e errs) add(field, problem string) { e[field] = problem }

// applyOrder applies the sent fields to o (a fresh order or a clone being edited) and
// validates them against the account's reference books.
func (a *account) applyOrder(o *order, in *orderInput, now time.Time) errs {
	e := errs{}
	for _, f := range []struct {
		in  opt[string]
		dst *string
	}{
		{in.Number, &o.number}, {in.ExternalID, &o.externalID}, {in.StatusComment, &o.statusComment},
		{in.FirstName, &o.firstName}, {in.LastName, &o.lastName}, {in.Patronymic, &o.patronymic},
		{in.Phone, &o.phone}, {in.AdditionalPhone, &o.additionalPhone}, {in.Email, &o.email},
		{in.CustomerComment, &o.customerComment}, {in.ManagerComment, &o.managerComment},
		{in.CountryIso, &o.countryIso},
	} {
		f.in.setTo(f.dst)
	}
	for _, f := range []struct {
		in  opt[bool]
		dst *bool
	}{{in.Call, &o.call}, {in.Expired, &o.expired}, {in.Shipped, &o.shipped}} {
		f.in.setTo(f.dst)
	}
	for _, f := range []struct {
		name string
		in   opt[num]
		dst  *num
	}{
		{"weight", in.Weight, &o.weight}, {"length", in.Length, &o.length}, {"width", in.Width, &o.width},
		{"height", in.Height, &o.height}, {"discountManualAmount", in.DiscountManualAmount, &o.discountManualAmount},
		{"discountManualPercent", in.DiscountManualPercent, &o.discountManualPercent},
	} {
		f.in.setTo(f.dst)
		e.nonNegative(f.name, *f.dst)
	}
	if o.discountManualPercent.GreaterThan(hundred) {
		e.add("discountManualPercent", "This value should be less than or equal to 100.")
	}
	a.applyCodes(o, in, e)
	if in.CreatedAt.set {
		if t, ok := a.parseStamp(in.CreatedAt.value()); ok {
			o.createdAt = t
		} else {
			e.add("createdAt", probInvalid)
		}
	}
	if in.ManagerID.set {
		o.managerID = in.ManagerID.value()
		if o.managerID != 0 && !a.isManager(o.managerID) {
			e.add("managerId", probChoice)
		}
	}
	if in.ShipmentDate.set {
		o.shipmentDate = in.ShipmentDate.value()
		e.date("shipmentDate", o.shipmentDate)
	}
	if in.Contragent.set {
		o.contragent = in.Contragent.value()
	}
	for k, v := range in.CustomFields {
		if string(v) == "null" {
			delete(o.customFields, k)
		} else {
			o.customFields[k] = v
		}
	}
	if in.Delivery.set {
		a.applyDelivery(o, in.Delivery.value(), e)
	}
	if other := a.orderByExternal(o.externalID, o.site); o.externalID != "" && other != nil && other.id != o.id {
		e.add("externalId", msgExternalIDTaken)
	}
	a.applyParties(o, in, e)
	if in.Items.set {
		a.applyItems(o, in.Items.value(), now, e)
	}
	return e
}

// applyCodes sets the fields that name reference-book entries.
func (a *account) applyCodes(o *order, in *orderInput, e errs) {
	if in.Status.set && in.Status.value() != o.status {
		o.status = in.Status.value()
		if _, ok := a.status(o.status); !ok {
			e.add("status", probChoice)
		}
	}
	if in.OrderType.set {
		o.orderType = in.OrderType.value()
		if o.orderType != "" && !a.hasOrderType(o.orderType) {
			e.add("orderType", probChoice)
		}
	}
	if in.OrderMethod.set {
		o.orderMethod = in.OrderMethod.value()
		if o.orderMethod != "" && !a.hasOrderMethod(o.orderMethod) {
			e.add("orderMethod", probChoice)
		}
	}
	if in.ShipmentStore.set {
		o.shipmentStore = in.ShipmentStore.value()
		if _, ok := a.store(o.shipmentStore); o.shipmentStore != "" && !ok {
			e.add("shipmentStore", probChoice)
		}
	}
}

// applyDelivery changes the delivery fields sent; an address sent replaces the address.
func (a *account) applyDelivery(o *order, in deliveryInput, e errs) {
	d := &o.delivery
	in.Code.setTo(&d.code)
	if _, ok := a.deliveryType(d.code); d.code != "" && !ok {
		e.add("delivery.code", probChoice)
	}
	in.Cost.setTo(&d.cost)
	in.NetCost.setTo(&d.netCost)
	e.nonNegative("delivery.cost", d.cost)
	e.nonNegative("delivery.netCost", d.netCost)
	in.Date.setTo(&d.date)
	e.date("delivery.date", d.date)
	in.Time.setTo(&d.time)
	in.Address.setTo(&d.address)
}

// applyParties sets the customer, contact and company; naming a corporate customer also
// picks its main contact and main company.
func (a *account) applyParties(o *order, in *orderInput, e errs) {
	if in.Customer.set {
		ref := in.Customer.value()
		if co := a.corporateRef(ref, o.site); co != nil {
			o.customerID, o.contactID, o.companyID = co.id, 0, 0
			if ct := co.mainContact(); ct != nil {
				o.contactID = ct.customerID
			}
			if cp := co.mainCompany(); cp != nil {
				o.companyID = cp.id
				o.contragent = cp.contragent
			}
		} else if cu := a.individual(ref.ID, ref.ExternalID, o.site); cu != nil {
			o.customerID, o.contactID = cu.id, cu.id
		} else {
			e.add("customer", probInvalid)
		}
	}
	if in.Contact.set {
		ref := in.Contact.value()
		if cu := a.individual(ref.ID, ref.ExternalID, o.site); cu != nil {
			o.contactID = cu.id
		} else {
			e.add("contact", probInvalid)
		}
	}
	if in.Company.set {
		co := a.corporateByID(o.customerID)
		var cp *company
		if co != nil {
			cp = co.company(in.Company.value().ID)
		}
		if cp == nil {
			e.add("company", probInvalid)
		} else {
			o.companyID = cp.id
		}
	}
}

// newCustomerFor creates the individual customer of a new order that names none, from the
// order's contact fields and delivery address.
func (a *account) newCustomerFor(o *order) {
	cu := a.addCustomer(Customer{
		Site: o.site, FirstName: o.firstName, LastName: o.lastName, Patronymic: o.patronymic, Email: o.email,
		Phone: o.phone, Address: o.delivery.address, ManagerID: o.managerID,
	})
	o.customerID, o.contactID = cu.id, cu.id
}

func (a *account) corporateRef(ref partyRef, site string) *corporate {
	if ref.ID != 0 {
		return a.corporateByID(ref.ID)
	}
	if ref.Type == "customer_corporate" {
		return a.corporateByExternal(ref.ExternalID, site)
	}
	return nil
}

// applyItems replaces the order's lines with the lines sent, the RetailCRM way (unconfirmed
// in every detail): a line sent with the id (or one of the externalIds) of an existing line
// keeps and updates it, any other line is created, and existing lines not sent are removed.
// One offer may appear on one line only.
func (a *account) applyItems(o *order, in []itemInput, now time.Time, e errs) {
	next := make([]*item, 0, len(in))
	kept := map[int]bool{}
	for i, ii := range in {
		field := indexed("items", i)
		it := o.itemByID(ii.ID)
		switch {
		case ii.ID != 0 && it == nil:
			e.add(field+".id", "Order product not found.")
			continue
		case ii.ID == 0 && len(ii.ExternalIDs) > 0:
			it = o.itemByExternalIDs(ii.ExternalIDs)
		}
		if it != nil && kept[it.id] {
			e.add(field, "This order product is already sent in this list.")
			continue
		}
		if it == nil {
			it = a.newItem(ii, now, field, e)
			if it == nil {
				continue
			}
		}
		kept[it.id] = true
		a.applyItem(it, ii, field, e)
		next = append(next, it)
	}
	offers := map[int]bool{}
	for i, it := range next {
		if offers[it.offer.id] {
			e.add(indexed("items", i)+".offer", fmt.Sprintf("Offer %q is already in this order", it.offer.name))
		}
		offers[it.offer.id] = true
	}
	o.items = next
}

// newItem makes a line for an offer of the catalog; its initial price defaults to the offer's
// price of the line's price type (the default price type when none is sent) and its purchase
// price to the offer's last uploaded purchase price.
func (a *account) newItem(ii itemInput, now time.Time, field string, e errs) *item {
	if ii.Offer == nil || *ii.Offer == (offerKey{}) {
		e.add(field+".offer", probRequired)
		return nil
	}
	of := a.findOffer(*ii.Offer)
	if of == nil {
		e.add(field+".offer", "Offer not found.")
		return nil
	}
	it := &item{id: a.newID(idItem), offer: of, quantity: numOf("1"), status: "new", createdAt: now, externalIDs: ii.ExternalIDs}
	code := a.defaultPriceType()
	if ii.PriceType != nil {
		code = ii.PriceType.Code
	}
	it.initialPrice, it.purchasePrice = of.prices[code], of.purchasePrice
	return it
}

func (a *account) defaultPriceType() string {
	for _, p := range a.priceTypes {
		if p.Default {
			return p.Code
		}
	}
	return ""
}

func (a *account) applyItem(it *item, ii itemInput, field string, e errs) {
	for _, f := range []struct {
		name string
		in   opt[num]
		dst  *num
	}{
		{"initialPrice", ii.InitialPrice, &it.initialPrice}, {"quantity", ii.Quantity, &it.quantity},
		{"discountManualAmount", ii.DiscountManualAmount, &it.discountManualAmount},
		{"discountManualPercent", ii.DiscountManualPercent, &it.discountManualPercent},
		{"purchasePrice", ii.PurchasePrice, &it.purchasePrice},
	} {
		f.in.setTo(f.dst)
		e.nonNegative(field+"."+f.name, *f.dst)
	}
	if !it.quantity.IsPositive() {
		e.add(field+".quantity", "This value should be greater than 0.")
	}
	if it.discountManualPercent.GreaterThan(hundred) {
		e.add(field+".discountManualPercent", "This value should be less than or equal to 100.")
	}
	if ii.VatRate.set {
		it.vatRate = string(ii.VatRate.value())
	}
	ii.Status.setTo(&it.status)
	ii.Comment.setTo(&it.comment)
	if it.status == "" {
		e.add(field+".status", probRequired)
	}
	if ii.PriceType != nil {
		it.priceType = ii.PriceType.Code
		if _, ok := a.priceType(it.priceType); !ok {
			e.add(field+".priceType", probChoice)
		}
	}
	if len(ii.ExternalIDs) > 0 {
		it.externalIDs = ii.ExternalIDs
	}
	if ii.Properties != nil {
		it.properties = ii.Properties
	}
}

func (e errs) nonNegative(field string, n num) {
	if n.IsNegative() {
		e.add(field, "This value should be greater than or equal to 0.")
	}
}

// date checks a "YYYY-MM-DD" field.
func (e errs) date(field, v string) {
	if _, err := time.Parse(dateOnly, v); v != "" && err != nil {
		e.add(field, probInvalid)
	}
}
