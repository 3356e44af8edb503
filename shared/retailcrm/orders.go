package retailcrm

import (
	"context"
	"fmt"
	"net/url"
)

// Order is an order as the API returns it and as create and edit calls send it. Edits send only
// what is set: strings and ids when not empty, numbers and flags when not nil (so an explicit 0
// or false is sent), lists when not nil.
type Order struct {
	ID                    int64         `json:"id,omitempty"`
	ExternalID            string        `json:"externalId,omitempty"`
	Number                string        `json:"number,omitempty"`
	Site                  string        `json:"site,omitempty"`
	Status                string        `json:"status,omitempty"`
	StatusComment         string        `json:"statusComment,omitempty"`
	OrderType             string        `json:"orderType,omitempty"`
	OrderMethod           string        `json:"orderMethod,omitempty"`
	CreatedAt             string        `json:"createdAt,omitempty"`
	StatusUpdatedAt       string        `json:"statusUpdatedAt,omitempty"`
	ManagerID             int64         `json:"managerId,omitempty"`
	FirstName             string        `json:"firstName,omitempty"`
	LastName              string        `json:"lastName,omitempty"`
	Patronymic            string        `json:"patronymic,omitempty"`
	Phone                 string        `json:"phone,omitempty"`
	AdditionalPhone       string        `json:"additionalPhone,omitempty"`
	Email                 string        `json:"email,omitempty"`
	CustomerComment       string        `json:"customerComment,omitempty"`
	ManagerComment        string        `json:"managerComment,omitempty"`
	CountryISO            string        `json:"countryIso,omitempty"`
	Currency              string        `json:"currency,omitempty"`
	Summ                  *Decimal      `json:"summ,omitempty"`
	TotalSumm             *Decimal      `json:"totalSumm,omitempty"`
	PrepaySum             *Decimal      `json:"prepaySum,omitempty"`
	PurchaseSumm          *Decimal      `json:"purchaseSumm,omitempty"`
	DiscountManualAmount  *Decimal      `json:"discountManualAmount,omitempty"`
	DiscountManualPercent *Decimal      `json:"discountManualPercent,omitempty"`
	ShipmentStore         string        `json:"shipmentStore,omitempty"`
	ShipmentDate          string        `json:"shipmentDate,omitempty"`
	Shipped               *bool         `json:"shipped,omitempty"`
	FullPaidAt            string        `json:"fullPaidAt,omitempty"`
	Call                  *bool         `json:"call,omitempty"`
	Expired               *bool         `json:"expired,omitempty"`
	FromAPI               bool          `json:"fromApi,omitempty"`
	Customer              *Customer     `json:"customer,omitempty"`
	Contact               *Customer     `json:"contact,omitempty"`
	Company               *Company      `json:"company,omitempty"`
	Contragent            *Contragent   `json:"contragent,omitempty"`
	Delivery              *Delivery     `json:"delivery,omitempty"`
	Items                 []OrderItem   `json:"items,omitzero"`
	Payments              List[Payment] `json:"payments,omitzero"`
	CustomFields          Map[Value]    `json:"customFields,omitzero"`
}

// Contragent holds the legal details of a buyer or a company. ContragentType is "individual",
// "legal-entity" or "enterpreneur" (sic).
type Contragent struct {
	ContragentType    string `json:"contragentType,omitempty"`
	LegalName         string `json:"legalName,omitempty"`
	LegalAddress      string `json:"legalAddress,omitempty"`
	INN               string `json:"INN,omitempty"`
	OKPO              string `json:"OKPO,omitempty"`
	KPP               string `json:"KPP,omitempty"`
	OGRN              string `json:"OGRN,omitempty"`
	OGRNIP            string `json:"OGRNIP,omitempty"`
	CertificateNumber string `json:"certificateNumber,omitempty"`
	CertificateDate   string `json:"certificateDate,omitempty"`
	BIK               string `json:"BIK,omitempty"`
	Bank              string `json:"bank,omitempty"`
	BankAddress       string `json:"bankAddress,omitempty"`
	CorrAccount       string `json:"corrAccount,omitempty"`
	BankAccount       string `json:"bankAccount,omitempty"`
}

// Address is a postal address.
type Address struct {
	ID         int64  `json:"id,omitempty"`
	IsMain     bool   `json:"isMain,omitempty"`
	Name       string `json:"name,omitempty"`
	Index      string `json:"index,omitempty"`
	CountryISO string `json:"countryIso,omitempty"`
	Region     string `json:"region,omitempty"`
	RegionID   int64  `json:"regionId,omitempty"`
	City       string `json:"city,omitempty"`
	CityID     int64  `json:"cityId,omitempty"`
	CityType   string `json:"cityType,omitempty"`
	Street     string `json:"street,omitempty"`
	StreetID   int64  `json:"streetId,omitempty"`
	StreetType string `json:"streetType,omitempty"`
	Building   string `json:"building,omitempty"`
	House      string `json:"house,omitempty"`
	Housing    string `json:"housing,omitempty"`
	Flat       string `json:"flat,omitempty"`
	Metro      string `json:"metro,omitempty"`
	Notes      string `json:"notes,omitempty"`
	Text       string `json:"text,omitempty"`
}

// Delivery is the delivery block of an order.
type Delivery struct {
	Code    string           `json:"code,omitempty"`
	Cost    *Decimal         `json:"cost,omitempty"`
	NetCost *Decimal         `json:"netCost,omitempty"`
	Date    string           `json:"date,omitempty"`
	Address *Address         `json:"address,omitempty"`
	Service *DeliveryService `json:"service,omitempty"`
}

// DeliveryService is the delivery service of an order's delivery.
type DeliveryService struct {
	Code   string `json:"code,omitempty"`
	Name   string `json:"name,omitempty"`
	Active *bool  `json:"active,omitempty"`
}

// OrderItem is one line of an order. Send an existing line with its ID (or ExternalIDs), or it
// is created anew.
type OrderItem struct {
	ID                    int64              `json:"id,omitempty"`
	ExternalIDs           []CodeValue        `json:"externalIds,omitzero"`
	Offer                 *Offer             `json:"offer,omitempty"`
	ProductName           string             `json:"productName,omitempty"`
	Quantity              *Decimal           `json:"quantity,omitempty"`
	InitialPrice          *Decimal           `json:"initialPrice,omitempty"`
	PurchasePrice         *Decimal           `json:"purchasePrice,omitempty"`
	DiscountManualAmount  *Decimal           `json:"discountManualAmount,omitempty"`
	DiscountManualPercent *Decimal           `json:"discountManualPercent,omitempty"`
	DiscountTotal         *Decimal           `json:"discountTotal,omitempty"`
	VATRate               string             `json:"vatRate,omitempty"`
	Status                string             `json:"status,omitempty"`
	Comment               string             `json:"comment,omitempty"`
	CreatedAt             string             `json:"createdAt,omitempty"`
	PriceType             *CodeRef           `json:"priceType,omitempty"`
	Prices                []ItemPrice        `json:"prices,omitzero"`
	Discounts             []ItemDiscount     `json:"discounts,omitzero"`
	Properties            List[ItemProperty] `json:"properties,omitzero"`
}

// CodeValue is an external id of an order line: {"code": "1c", "value": "…"}.
type CodeValue struct {
	Code  string `json:"code"`
	Value string `json:"value"`
}

// Offer is a catalog offer: the offer of an order line, where a reference needs ID, ExternalID
// or XMLID, or an offer of store/offers and store/products, which also carry the catalog fields
// from Price on.
type Offer struct {
	ID          int64  `json:"id,omitempty"`
	ExternalID  string `json:"externalId,omitempty"`
	XMLID       string `json:"xmlId,omitempty"`
	Name        string `json:"name,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	Article     string `json:"article,omitempty"`
	VATRate     string `json:"vatRate,omitempty"`
	Unit        *Unit  `json:"unit,omitempty"`
	// Price is the base price (store/products only); Prices has every price type.
	Price         *Decimal       `json:"price,omitempty"`
	Prices        []CatalogPrice `json:"prices,omitzero"`
	PurchasePrice *Decimal       `json:"purchasePrice,omitempty"`
	Quantity      *Decimal       `json:"quantity,omitempty"`
	Weight        *Decimal       `json:"weight,omitempty"`
	Active        *bool          `json:"active,omitempty"`
	Properties    Map[string]    `json:"properties,omitzero"`
	// Product is the product of the offer (store/offers only).
	Product *Product `json:"product,omitempty"`
}

// CatalogPrice is the price of an offer for one price type.
type CatalogPrice struct {
	PriceType string  `json:"priceType"`
	Price     Decimal `json:"price"`
	Ordering  int     `json:"ordering"`
}

// Unit is a unit of measure (reference/units, and the unit of an offer). Default marks the
// account's default unit.
type Unit struct {
	Code    string `json:"code,omitempty"`
	Name    string `json:"name,omitempty"`
	Sym     string `json:"sym,omitempty"`
	Default bool   `json:"default,omitempty"`
	Active  bool   `json:"active,omitempty"`
}

// ItemPrice is one price level of an order line (read only).
type ItemPrice struct {
	Price    Decimal `json:"price"`
	Quantity Decimal `json:"quantity"`
}

// ItemDiscount is one discount of an order line (read only).
type ItemDiscount struct {
	Type   string  `json:"type"`
	Amount Decimal `json:"amount"`
}

// ItemProperty is a property of an order line, e.g. a size.
type ItemProperty struct {
	Code  string `json:"code,omitempty"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// OrdersFilter selects orders for Orders.
type OrdersFilter struct {
	IDs         []int64
	ExternalIDs []string
	// Limit is 20, 50 or 100; 0 means the API's default (20).
	Limit int
	Page  int
}

// OrdersPage is one page of Orders.
type OrdersPage struct {
	Orders     []Order    `json:"orders"`
	Pagination Pagination `json:"pagination"`
}

// OrderResult is the answer of CreateOrder and EditOrder: the id and the order as stored (keep
// its item ids).
type OrderResult struct {
	ID    int64 `json:"id"`
	Order Order `json:"order"`
}

// Orders lists orders (GET /api/v5/orders). Idempotent: retried.
func (c *Client) Orders(ctx context.Context, f OrdersFilter) (OrdersPage, error) {
	q, err := listQuery(f.IDs, f.ExternalIDs, nil, f.Limit, f.Page)
	if err != nil {
		return OrdersPage{}, err
	}
	return get[OrdersPage](ctx, c, v5+"/orders", q)
}

// Order reads one order (GET /api/v5/orders/{id}). Idempotent: retried.
func (c *Client) Order(ctx context.Context, ref Ref) (Order, error) {
	if err := ref.validate(); err != nil {
		return Order{}, err
	}
	resp, err := get[struct {
		Order Order `json:"order"`
	}](ctx, c, ref.path(v5+"/orders/", ""), ref.values())
	return resp.Order, err
}

// EditOrder changes an order (POST /api/v5/orders/{id}/edit) with the fields set in o.
// Retried only when addressed by CRM id.
func (c *Client) EditOrder(ctx context.Context, ref Ref, o Order) (OrderResult, error) {
	if err := ref.validate(); err != nil {
		return OrderResult{}, err
	}
	form, err := entityForm("order", o, ref.values())
	if err != nil {
		return OrderResult{}, err
	}
	return post[OrderResult](ctx, c, ref.path(v5+"/orders/", "/edit"), form, ref.By == RefID)
}

// CreateOrder creates an order on site (POST /api/v5/orders/create). Retried only when the order
// carries an externalId: a repeat then fails instead of creating a second order.
func (c *Client) CreateOrder(ctx context.Context, site string, o Order) (OrderResult, error) {
	if site == "" {
		return OrderResult{}, fmt.Errorf("%w: creating an order needs a site", ErrInvalidArgument)
	}
	form, err := entityForm("order", o, url.Values{"site": {site}})
	if err != nil {
		return OrderResult{}, err
	}
	return post[OrderResult](ctx, c, v5+"/orders/create", form, o.ExternalID != "")
}
