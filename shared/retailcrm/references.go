package retailcrm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
)

// Status is an order status (reference/statuses).
type Status struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Active   bool   `json:"active"`
	Ordering int    `json:"ordering"`
	Group    string `json:"group"`
}

// StatusGroup is a group of order statuses (reference/status-groups).
type StatusGroup struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Active   bool     `json:"active"`
	Ordering int      `json:"ordering"`
	Process  bool     `json:"process"`
	Statuses []string `json:"statuses"`
}

// Store is a warehouse (reference/stores). EditStore sends the fields that are set, and Active
// always. Type is "store-type-warehouse", "store-type-retail", "store-type-online" or
// "store-type-supplier"; InventoryType is "integer" or "available".
type Store struct {
	Code          string   `json:"code"`
	Name          string   `json:"name,omitempty"`
	Description   string   `json:"description,omitempty"`
	ExternalID    string   `json:"externalId,omitempty"`
	XMLID         string   `json:"xmlId,omitempty"`
	Type          string   `json:"type,omitempty"`
	InventoryType string   `json:"inventoryType,omitempty"`
	Active        bool     `json:"active"`
	Email         string   `json:"email,omitempty"`
	Address       *Address `json:"address,omitempty"`
}

// PriceType is a price type (reference/price-types).
type PriceType struct {
	ID          int64  `json:"id"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Active      bool   `json:"active"`
	Default     bool   `json:"default"`
	Ordering    int    `json:"ordering"`
}

// PaymentType is a payment type (reference/payment-types). Sites lists the sites it is
// available on.
type PaymentType struct {
	Code            string   `json:"code"`
	Name            string   `json:"name"`
	Description     string   `json:"description"`
	Active          bool     `json:"active"`
	DefaultForCRM   bool     `json:"defaultForCrm"`
	DefaultForAPI   bool     `json:"defaultForApi"`
	DeliveryTypes   []string `json:"deliveryTypes"`
	PaymentStatuses []string `json:"paymentStatuses"`
	Sites           []string `json:"sites"`
}

// PaymentStatus is a payment status (reference/payment-statuses); PaymentComplete marks the
// statuses that count as paid.
type PaymentStatus struct {
	Code            string   `json:"code"`
	Name            string   `json:"name"`
	Description     string   `json:"description"`
	Active          bool     `json:"active"`
	DefaultForCRM   bool     `json:"defaultForCrm"`
	DefaultForAPI   bool     `json:"defaultForApi"`
	PaymentComplete bool     `json:"paymentComplete"`
	Ordering        int      `json:"ordering"`
	PaymentTypes    []string `json:"paymentTypes"`
}

// DeliveryType is a delivery type (reference/delivery-types). Sites lists the sites it is
// available on.
type DeliveryType struct {
	Code                 string                `json:"code"`
	Name                 string                `json:"name"`
	Description          string                `json:"description"`
	Active               bool                  `json:"active"`
	DefaultForCRM        bool                  `json:"defaultForCrm"`
	DefaultCost          Decimal               `json:"defaultCost"`
	DefaultNetCost       Decimal               `json:"defaultNetCost"`
	Currency             string                `json:"currency"`
	IntegrationCode      string                `json:"integrationCode"`
	PaymentTypes         []string              `json:"paymentTypes"`
	DeliveryServices     []string              `json:"deliveryServices"`
	DeliveryPaymentTypes []DeliveryPaymentType `json:"deliveryPaymentTypes"`
	Sites                []string              `json:"sites"`
}

// DeliveryPaymentType is a payment type allowed with a delivery type; Cod marks cash on
// delivery.
type DeliveryPaymentType struct {
	Code string `json:"code"`
	Cod  bool   `json:"cod"`
}

// Site is a store front of the account (reference/sites).
type Site struct {
	ID            int64       `json:"id"`
	Code          string      `json:"code"`
	Name          string      `json:"name"`
	URL           string      `json:"url"`
	Description   string      `json:"description"`
	Currency      string      `json:"currency"`
	CountryISO    string      `json:"countryIso"`
	DefaultForCRM bool        `json:"defaultForCrm"`
	CatalogID     string      `json:"catalogId"`
	YmlURL        string      `json:"ymlUrl"`
	LoadFromYml   bool        `json:"loadFromYml"`
	IsDemo        bool        `json:"isDemo"`
	Ordering      int         `json:"ordering"`
	Contragent    *Contragent `json:"contragent"`
}

// OrderType is an order type (reference/order-types).
type OrderType struct {
	Code          string `json:"code"`
	Name          string `json:"name"`
	Active        bool   `json:"active"`
	DefaultForCRM bool   `json:"defaultForCrm"`
	DefaultForAPI bool   `json:"defaultForApi"`
	Ordering      int    `json:"ordering"`
}

// OrderMethod is an order method (reference/order-methods): how an order was placed.
type OrderMethod struct {
	Code          string `json:"code"`
	Name          string `json:"name"`
	Active        bool   `json:"active"`
	DefaultForCRM bool   `json:"defaultForCrm"`
	DefaultForAPI bool   `json:"defaultForApi"`
	IsFromPos     bool   `json:"isFromPos"`
}

// ProductStatus is a status of order lines (reference/product-statuses); CancelStatus marks
// the statuses that cancel the line.
type ProductStatus struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Active       bool   `json:"active"`
	Ordering     int    `json:"ordering"`
	CreatedAt    string `json:"createdAt"`
	CancelStatus bool   `json:"cancelStatus"`
	// OrderStatusByProductStatus, when set, is the status an order moves to once every line has
	// this status.
	OrderStatusByProductStatus string `json:"orderStatusByProductStatus"`
}

// Statuses returns the order statuses by code (GET /api/v5/reference/statuses).
func (c *Client) Statuses(ctx context.Context) (map[string]Status, error) {
	return reference[Map[Status]](ctx, c, "statuses", "statuses")
}

// StatusGroups returns the status groups by code (GET /api/v5/reference/status-groups).
func (c *Client) StatusGroups(ctx context.Context) (map[string]StatusGroup, error) {
	return reference[Map[StatusGroup]](ctx, c, "status-groups", "statusGroups")
}

// Stores returns the warehouses (GET /api/v5/reference/stores).
func (c *Client) Stores(ctx context.Context) ([]Store, error) {
	return reference[List[Store]](ctx, c, "stores", "stores")
}

// PriceTypes returns the price types (GET /api/v5/reference/price-types).
func (c *Client) PriceTypes(ctx context.Context) ([]PriceType, error) {
	return reference[List[PriceType]](ctx, c, "price-types", "priceTypes")
}

// PaymentTypes returns the payment types by code (GET /api/v5/reference/payment-types).
func (c *Client) PaymentTypes(ctx context.Context) (map[string]PaymentType, error) {
	return reference[Map[PaymentType]](ctx, c, "payment-types", "paymentTypes")
}

// PaymentStatuses returns the payment statuses by code (GET /api/v5/reference/payment-statuses).
func (c *Client) PaymentStatuses(ctx context.Context) (map[string]PaymentStatus, error) {
	return reference[Map[PaymentStatus]](ctx, c, "payment-statuses", "paymentStatuses")
}

// DeliveryTypes returns the delivery types by code (GET /api/v5/reference/delivery-types).
func (c *Client) DeliveryTypes(ctx context.Context) (map[string]DeliveryType, error) {
	return reference[Map[DeliveryType]](ctx, c, "delivery-types", "deliveryTypes")
}

// Sites returns the sites by code (GET /api/v5/reference/sites).
func (c *Client) Sites(ctx context.Context) (map[string]Site, error) {
	return reference[Map[Site]](ctx, c, "sites", "sites")
}

// OrderTypes returns the order types by code (GET /api/v5/reference/order-types).
func (c *Client) OrderTypes(ctx context.Context) (map[string]OrderType, error) {
	return reference[Map[OrderType]](ctx, c, "order-types", "orderTypes")
}

// OrderMethods returns the order methods by code (GET /api/v5/reference/order-methods).
func (c *Client) OrderMethods(ctx context.Context) (map[string]OrderMethod, error) {
	return reference[Map[OrderMethod]](ctx, c, "order-methods", "orderMethods")
}

// Units returns the units of measure by code (GET /api/v5/reference/units).
func (c *Client) Units(ctx context.Context) (map[string]Unit, error) {
	return reference[Map[Unit]](ctx, c, "units", "units")
}

// ProductStatuses returns the order line statuses by code (GET
// /api/v5/reference/product-statuses).
func (c *Client) ProductStatuses(ctx context.Context) (map[string]ProductStatus, error) {
	return reference[Map[ProductStatus]](ctx, c, "product-statuses", "productStatuses")
}

// EditStore creates the warehouse st.Code or changes it (POST
// /api/v5/reference/stores/{code}/edit). Idempotent: retried.
func (c *Client) EditStore(ctx context.Context, st Store) error {
	if st.Code == "" || st.Code == "." || st.Code == ".." {
		return fmt.Errorf("%w: store code %q", ErrInvalidArgument, st.Code)
	}
	form, err := entityForm("store", st, nil)
	if err != nil {
		return err
	}
	_, err = post[struct{}](ctx, c, v5+"/reference/stores/"+url.PathEscape(st.Code)+"/edit", form, true)
	return err
}

// reference reads the reference book at /api/v5/reference/<name>, held in the answer's field.
// Reference books are read with GET: retried.
func reference[T any](ctx context.Context, c *Client, name, field string) (T, error) {
	var out T
	resp, err := get[map[string]json.RawMessage](ctx, c, v5+"/reference/"+name, nil)
	if err != nil {
		return out, err
	}
	raw, ok := resp[field]
	if !ok {
		return out, fmt.Errorf("retailcrm: GET %s/reference/%s: the answer has no %q", v5, name, field)
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return out, fmt.Errorf("retailcrm: GET %s/reference/%s: decode %q: %w", v5, name, field, err)
	}
	return out, nil
}
