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

// HistoryPage is one page of order history.
type HistoryPage struct {
	History     []HistoryRecord `json:"history"`
	Pagination  Pagination      `json:"pagination"`
	GeneratedAt string          `json:"generatedAt"`
}

// HistoryRecord is one change of an order.
type HistoryRecord struct {
	ID        int64  `json:"id"`
	CreatedAt string `json:"createdAt"`
	// Created marks the creation event: only then is Order a full snapshot.
	Created bool `json:"created"`
	// Deleted marks a deleted order; CombinedTo is set when it was merged into another.
	Deleted bool `json:"deleted"`
	// Source is "api", "user", "code" (triggers) or another origin.
	Source string         `json:"source"`
	User   *EntityRef     `json:"user,omitempty"`
	APIKey *HistoryAPIKey `json:"apiKey,omitempty"`
	// Field is the changed field in snake_case: "status", "order_product.quantity", "custom_x", …
	Field string `json:"field"`
	// OldValue and NewValue are a scalar, {"code": …}, {"id": …} or an object; either may be null.
	OldValue   Value      `json:"oldValue"`
	NewValue   Value      `json:"newValue"`
	Order      *Order     `json:"order,omitempty"`
	Item       *OrderItem `json:"item,omitempty"`
	Payment    *Payment   `json:"payment,omitempty"`
	Ancestor   *Order     `json:"ancestor,omitempty"`
	CombinedTo *Order     `json:"combinedTo,omitempty"`
}

// HistoryAPIKey tells which API key made a change.
type HistoryAPIKey struct {
	// Current is true when the key of this client made the change.
	Current bool `json:"current"`
}

// ByThisKey tells whether the change was made through the API with this client's key: the
// echo of the bridge's own write.
func (r HistoryRecord) ByThisKey() bool {
	return r.Source == "api" && r.APIKey != nil && r.APIKey.Current
}

// OrdersHistory reads one page of order history (GET /api/v5/orders/history). Idempotent: retried.
func (c *Client) OrdersHistory(ctx context.Context, f HistoryFilter) (HistoryPage, error) {
	q := url.Values{}
	setInt(q, "filter[sinceId]", f.SinceID)
	setTime(q, "filter[startDate]", f.StartDate)
	setTime(q, "filter[endDate]", f.EndDate)
	setInt(q, "filter[orderId]", f.OrderID)
	setString(q, "filter[orderExternalId]", f.OrderExternalID)
	if err := setPage(q, f.Limit, f.Page); err != nil {
		return HistoryPage{}, err
	}
	return get[HistoryPage](ctx, c, v5+"/orders/history", q)
}
