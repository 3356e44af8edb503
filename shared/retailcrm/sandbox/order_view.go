package sandbox

import (
	"encoding/json"
	"strconv"
)

// paymentsForm is how an order answer lists its payments: RetailCRM writes a map keyed by
// payment id in orders/get, orders and orders/{id}/edit, and a list in orders/create and in
// the snapshots of order history.
type paymentsForm int

const (
	paymentsMap paymentsForm = iota
	paymentsList
)

type orderView struct {
	Slug                  int             `json:"slug"`
	BonusesCreditTotal    num             `json:"bonusesCreditTotal"`
	BonusesChargeTotal    num             `json:"bonusesChargeTotal"`
	ID                    int             `json:"id"`
	Number                string          `json:"number"`
	ExternalID            string          `json:"externalId,omitempty"`
	OrderType             string          `json:"orderType,omitempty"`
	OrderMethod           string          `json:"orderMethod,omitempty"`
	PrivilegeType         string          `json:"privilegeType"`
	CountryIso            string          `json:"countryIso,omitempty"`
	CreatedAt             string          `json:"createdAt"`
	StatusUpdatedAt       string          `json:"statusUpdatedAt"`
	Summ                  num             `json:"summ"`
	Currency              string          `json:"currency"`
	TotalSumm             num             `json:"totalSumm"`
	PrepaySum             num             `json:"prepaySum"`
	PurchaseSumm          num             `json:"purchaseSumm"`
	DiscountManualAmount  *num            `json:"discountManualAmount,omitempty"`
	DiscountManualPercent *num            `json:"discountManualPercent,omitempty"`
	MarkDatetime          string          `json:"markDatetime"`
	LastName              string          `json:"lastName,omitempty"`
	FirstName             string          `json:"firstName,omitempty"`
	Patronymic            string          `json:"patronymic,omitempty"`
	Phone                 string          `json:"phone,omitempty"`
	AdditionalPhone       string          `json:"additionalPhone,omitempty"`
	Email                 string          `json:"email,omitempty"`
	Call                  bool            `json:"call"`
	Expired               bool            `json:"expired"`
	CustomerComment       string          `json:"customerComment,omitempty"`
	ManagerComment        string          `json:"managerComment,omitempty"`
	ManagerID             int             `json:"managerId,omitempty"`
	Customer              any             `json:"customer,omitempty"`
	Contact               *customerView   `json:"contact,omitempty"`
	Company               *companyView    `json:"company,omitempty"`
	Contragent            Contragent      `json:"contragent"`
	Delivery              deliveryView    `json:"delivery"`
	Site                  string          `json:"site"`
	Status                string          `json:"status"`
	StatusComment         string          `json:"statusComment,omitempty"`
	Items                 []itemView      `json:"items"`
	FullPaidAt            string          `json:"fullPaidAt,omitempty"`
	Payments              any             `json:"payments,omitempty"`
	FromAPI               bool            `json:"fromApi"`
	Weight                *num            `json:"weight,omitempty"`
	Length                *num            `json:"length,omitempty"`
	Width                 *num            `json:"width,omitempty"`
	Height                *num            `json:"height,omitempty"`
	ShipmentStore         string          `json:"shipmentStore,omitempty"`
	ShipmentDate          string          `json:"shipmentDate,omitempty"`
	Shipped               bool            `json:"shipped"`
	CustomFields          json.RawMessage `json:"customFields"`
}

type deliveryView struct {
	Code    string        `json:"code,omitempty"`
	Cost    num           `json:"cost"`
	NetCost num           `json:"netCost"`
	Date    string        `json:"date,omitempty"`
	Time    *deliveryTime `json:"time,omitempty"`
	Address Address       `json:"address"`
}

type codeRef struct {
	Code string `json:"code"`
}

type priceQty struct {
	Price    num `json:"price"`
	Quantity num `json:"quantity"`
}

type discountView struct {
	Type   string `json:"type"`
	Amount num    `json:"amount"`
}

type itemView struct {
	MarkingCodes  []string        `json:"markingCodes"`
	ID            int             `json:"id"`
	ExternalIDs   []codeValue     `json:"externalIds,omitempty"`
	PriceType     *codeRef        `json:"priceType,omitempty"`
	InitialPrice  num             `json:"initialPrice"`
	DiscountTotal num             `json:"discountTotal"`
	Prices        []priceQty      `json:"prices"`
	Discounts     []discountView  `json:"discounts"`
	VatRate       string          `json:"vatRate,omitempty"`
	CreatedAt     string          `json:"createdAt"`
	Quantity      num             `json:"quantity"`
	Status        string          `json:"status"`
	Comment       string          `json:"comment,omitempty"`
	Offer         offerView       `json:"offer"`
	Properties    json.RawMessage `json:"properties"`
	PurchasePrice num             `json:"purchasePrice"`
}

type paymentView struct {
	ID         int    `json:"id"`
	Status     string `json:"status"`
	Type       string `json:"type"`
	ExternalID string `json:"externalId,omitempty"`
	Amount     num    `json:"amount"`
	PaidAt     string `json:"paidAt,omitempty"`
	Comment    string `json:"comment,omitempty"`
}

func optNum(n num) *num {
	if n.IsZero() {
		return nil
	}
	return &n
}

func (a *account) orderView(o *order, form paymentsForm) orderView {
	v := orderView{
		Slug: o.id, ID: o.id, Number: o.number, ExternalID: o.externalID, OrderType: o.orderType,
		OrderMethod: o.orderMethod, PrivilegeType: "none", CountryIso: o.countryIso,
		CreatedAt: a.stamp(o.createdAt), StatusUpdatedAt: a.stamp(o.statusUpdatedAt), Summ: o.summ,
		Currency: a.currency(o.site), TotalSumm: o.totalSumm, PrepaySum: o.prepaySum, PurchaseSumm: o.purchaseSumm,
		DiscountManualAmount: optNum(o.discountManualAmount), DiscountManualPercent: optNum(o.discountManualPercent),
		MarkDatetime: a.stamp(o.statusUpdatedAt), LastName: o.lastName, FirstName: o.firstName,
		Patronymic: o.patronymic, Phone: o.phone, AdditionalPhone: o.additionalPhone, Email: o.email,
		Call: o.call, Expired: o.expired, CustomerComment: o.customerComment, ManagerComment: o.managerComment,
		ManagerID: o.managerID, Contragent: o.contragent, Site: o.site, Status: o.status,
		StatusComment: o.statusComment, Items: []itemView{}, FromAPI: o.fromAPI,
		Weight: optNum(o.weight), Length: optNum(o.length), Width: optNum(o.width), Height: optNum(o.height),
		ShipmentStore: o.shipmentStore, ShipmentDate: o.shipmentDate, Shipped: o.shipped,
		CustomFields: phpMap(o.customFields),
		Delivery: deliveryView{
			Code: o.delivery.code, Cost: o.delivery.cost, NetCost: o.delivery.netCost, Date: o.delivery.date,
			Address: o.delivery.address,
		},
	}
	if o.delivery.time != (deliveryTime{}) {
		t := o.delivery.time
		v.Delivery.Time = &t
	}
	if !o.fullPaidAt.IsZero() {
		v.FullPaidAt = a.stamp(o.fullPaidAt)
	}
	a.viewCustomer(o, &v)
	for _, it := range o.items {
		v.Items = append(v.Items, a.itemView(it))
	}
	v.Payments = paymentViews(o.payments, form)
	return v
}

// viewCustomer fills customer, contact and company: an individual is both the customer and
// the contact; a corporate customer comes with its contact person and company.
func (a *account) viewCustomer(o *order, v *orderView) {
	if co := a.corporateByID(o.customerID); co != nil {
		v.Customer = a.corporateView(co)
		if cp := co.company(o.companyID); cp != nil {
			cv := a.companyView(co, cp)
			v.Company = &cv
		}
	} else if cu := a.individual(o.customerID, "", ""); cu != nil {
		v.Customer = a.customerView(cu)
	}
	if cu := a.individual(o.contactID, "", ""); cu != nil {
		cv := a.customerView(cu)
		v.Contact = &cv
	}
}

func (a *account) itemView(it *item) itemView {
	v := itemView{
		MarkingCodes: []string{}, ID: it.id, ExternalIDs: it.externalIDs, InitialPrice: it.initialPrice,
		DiscountTotal: it.discountTotal(), Prices: []priceQty{{it.price(), it.quantity}}, Discounts: []discountView{},
		VatRate: it.vatRate, CreatedAt: a.stamp(it.createdAt), Quantity: it.quantity, Status: it.status,
		Comment: it.comment, Offer: it.offer.view(), Properties: phpMap(nil), PurchasePrice: it.purchasePrice,
	}
	if it.priceType != "" {
		v.PriceType = &codeRef{it.priceType}
	}
	// Discount amounts are per line (unconfirmed: RetailCRM may give them per unit).
	for _, d := range []discountView{{"manual_product", it.discountItem}, {"manual_order", it.discountOrder}} {
		if !d.Amount.IsZero() {
			v.Discounts = append(v.Discounts, discountView{d.Type, d.Amount.mul(it.quantity)})
		}
	}
	if len(it.properties) > 0 {
		props := map[string]json.RawMessage{}
		for _, p := range it.properties {
			props[p.Code] = encode(p)
		}
		v.Properties = phpMap(props)
	}
	return v
}

func paymentViews(ps []*payment, form paymentsForm) any {
	views := make([]paymentView, 0, len(ps))
	for _, p := range ps {
		views = append(views, paymentView{
			ID: p.id, Status: p.status, Type: p.typ, ExternalID: p.externalID, Amount: p.amount,
			PaidAt: p.paidAt, Comment: p.comment,
		})
	}
	if form == paymentsList {
		if len(views) == 0 {
			return nil
		}
		return views
	}
	byID := make(map[string]paymentView, len(views))
	for _, pv := range views {
		byID[strconv.Itoa(pv.ID)] = pv
	}
	return byID
}

// currency is the currency of a site (RUB by default).
func (a *account) currency(site string) string {
	if st := a.findSite(site); st != nil && st.Currency != "" {
		return st.Currency
	}
	return "RUB"
}
