package retailcrm

import (
	"context"
	"net/url"
	"time"
)

// HistoryFilter selects order history records. Records come oldest first; ID grows across the
// account and is the cursor: ask with SinceID = the last ID seen.
type HistoryFilter struct {
	SinceID int64
	// StartDate and EndDate are formatted as wall time in their own location: give them in the
	// account's time zone.
	StartDate       time.Time
	EndDate         time.Time
	OrderID         int64
	OrderExternalID string
	// Limit is 20, 50 or 100; 0 means the API's default (20).
	Limit int
	Page  int
}

// CustomersHistoryFilter selects the history records of customers or of corporate customers,
// as HistoryFilter does for orders.
type CustomersHistoryFilter struct {
	SinceID int64
	// StartDate and EndDate are formatted as wall time in their own location: give them in the
	// account's time zone.
	StartDate          time.Time
	EndDate            time.Time
	CustomerID         int64
	CustomerExternalID string
	// Limit is 20, 50 or 100; 0 means the API's default (20).
	Limit int
	Page  int
}

// HistoryPage is one page of a history: of orders (HistoryRecord), customers
// (CustomerHistoryRecord) or corporate customers (CorporateHistoryRecord).
type HistoryPage[R any] struct {
	History     []R        `json:"history"`
	Pagination  Pagination `json:"pagination"`
	GeneratedAt string     `json:"generatedAt"`
}

// HistoryChange is what every history record holds: who changed which field of the entity, from
// what to what.
type HistoryChange struct {
	ID        int64  `json:"id"`
	CreatedAt string `json:"createdAt"`
	// Created marks the creation event: only then is the entity a full snapshot.
	Created bool `json:"created"`
	// Deleted marks a deleted entity; the record's CombinedTo, where it has one, is set when the
	// entity was merged into another.
	Deleted bool `json:"deleted"`
	// Source is "api", "user", "code" (triggers) or another origin.
	Source string         `json:"source"`
	User   *EntityRef     `json:"user,omitempty"`
	APIKey *HistoryAPIKey `json:"apiKey,omitempty"`
	// Field is the changed field in snake_case: "status", "order_product.quantity", "custom_x", …
	Field string `json:"field"`
	// OldValue and NewValue are a scalar, {"code": …}, {"id": …} or an object; either may be null.
	OldValue Value `json:"oldValue"`
	NewValue Value `json:"newValue"`
}

// HistoryRecord is one change of an order.
type HistoryRecord struct {
	HistoryChange
	Order      *Order     `json:"order,omitempty"`
	Item       *OrderItem `json:"item,omitempty"`
	Payment    *Payment   `json:"payment,omitempty"`
	Ancestor   *Order     `json:"ancestor,omitempty"`
	CombinedTo *Order     `json:"combinedTo,omitempty"`
}

// CustomerHistoryRecord is one change of a customer; Address is set for a change of the address.
type CustomerHistoryRecord struct {
	HistoryChange
	Customer   *Customer `json:"customer,omitempty"`
	Address    *Address  `json:"address,omitempty"`
	CombinedTo *Customer `json:"combinedTo,omitempty"`
}

// CorporateHistoryRecord is one change of a corporate customer; Address, Company and
// CustomerContact are set for a change of one of them.
type CorporateHistoryRecord struct {
	HistoryChange
	Customer        *CorporateCustomer `json:"customer,omitempty"`
	Address         *Address           `json:"address,omitempty"`
	Company         *Company           `json:"company,omitempty"`
	CustomerContact *CorporateContact  `json:"customerContact,omitempty"`
}

// HistoryAPIKey tells which API key made a change.
type HistoryAPIKey struct {
	// Current is true when the key of this client made the change.
	Current bool `json:"current"`
}

// ByThisKey tells whether the change was made through the API with this client's key: the
// echo of the bridge's own write.
func (r HistoryChange) ByThisKey() bool {
	return r.Source == "api" && r.APIKey != nil && r.APIKey.Current
}

// OrdersHistory reads one page of order history (GET /api/v5/orders/history). Idempotent: retried.
func (c *Client) OrdersHistory(ctx context.Context, f HistoryFilter) (HistoryPage[HistoryRecord], error) {
	q, err := historyQuery(f.SinceID, f.StartDate, f.EndDate, f.Limit, f.Page)
	if err != nil {
		return HistoryPage[HistoryRecord]{}, err
	}
	setInt(q, "filter[orderId]", f.OrderID)
	setString(q, "filter[orderExternalId]", f.OrderExternalID)
	return get[HistoryPage[HistoryRecord]](ctx, c, v5+"/orders/history", q)
}

// CustomersHistory reads one page of customer history (GET /api/v5/customers/history).
// Idempotent: retried.
func (c *Client) CustomersHistory(ctx context.Context, f CustomersHistoryFilter) (HistoryPage[CustomerHistoryRecord], error) {
	q, err := f.query()
	if err != nil {
		return HistoryPage[CustomerHistoryRecord]{}, err
	}
	return get[HistoryPage[CustomerHistoryRecord]](ctx, c, v5+"/customers/history", q)
}

// CorporateCustomersHistory reads one page of corporate customer history (GET
// /api/v5/customers-corporate/history). Idempotent: retried.
func (c *Client) CorporateCustomersHistory(ctx context.Context, f CustomersHistoryFilter) (HistoryPage[CorporateHistoryRecord], error) {
	q, err := f.query()
	if err != nil {
		return HistoryPage[CorporateHistoryRecord]{}, err
	}
	return get[HistoryPage[CorporateHistoryRecord]](ctx, c, corporatePath+"history", q)
}

func (f CustomersHistoryFilter) query() (url.Values, error) {
	q, err := historyQuery(f.SinceID, f.StartDate, f.EndDate, f.Limit, f.Page)
	setInt(q, "filter[customerId]", f.CustomerID)
	setString(q, "filter[customerExternalId]", f.CustomerExternalID)
	return q, err
}

// historyQuery returns the filters every history shares: the cursor, the time window and paging.
func historyQuery(sinceID int64, start, end time.Time, limit, page int) (url.Values, error) {
	q := url.Values{}
	setInt(q, "filter[sinceId]", sinceID)
	setTime(q, "filter[startDate]", start)
	setTime(q, "filter[endDate]", end)
	return q, setPage(q, limit, page)
}
