package retailcrm

import (
	"context"
	"fmt"
	"net/url"
	"slices"
)

// OrderStatus is the status of one order and the group of that status.
type OrderStatus struct {
	ID         int64  `json:"id"`
	ExternalID string `json:"externalId"`
	Status     string `json:"status"`
	Group      string `json:"group"`
}

// OrderStatuses reads the statuses of the orders given by CRM id and/or externalId (GET
// /api/v5/orders/statuses); orders not found are left out. Idempotent: retried.
func (c *Client) OrderStatuses(ctx context.Context, ids []int64, externalIDs []string) ([]OrderStatus, error) {
	if len(ids)+len(externalIDs) == 0 {
		return nil, fmt.Errorf("%w: order statuses need ids or externalIds", ErrInvalidArgument)
	}
	q := url.Values{}
	addInts(q, "ids[]", ids)
	addStrings(q, "externalIds[]", externalIDs)
	resp, err := get[struct {
		Orders []OrderStatus `json:"orders"`
	}](ctx, c, v5+"/orders/statuses", q)
	return resp.Orders, err
}

// FixExternalIDs sets the externalId of orders by CRM id (POST /api/v5/orders/fix-external-ids),
// e.g. after a create whose answer was lost; each pair needs both ID and ExternalID.
// Idempotent: retried.
func (c *Client) FixExternalIDs(ctx context.Context, pairs []EntityRef) error {
	for _, p := range pairs {
		if p.ID <= 0 || p.ExternalID == "" {
			return fmt.Errorf("%w: fixing an externalId needs a CRM id and an externalId, got %+v", ErrInvalidArgument, p)
		}
	}
	form, err := entityForm("orders", pairs, nil)
	if err != nil {
		return err
	}
	_, err = post[struct{}](ctx, c, v5+"/orders/fix-external-ids", form, true)
	return err
}

// OrdersUpload is the answer of UploadOrders: the references and the stored state of the
// orders taken, and the orders refused.
type OrdersUpload struct {
	UploadedOrders []EntityRef `json:"uploadedOrders"`
	Orders         []Order     `json:"orders"`
	FailedOrders   []EntityRef `json:"failedOrders"`
}

// UploadOrders creates orders on site in one batch (POST /api/v5/orders/upload); send at most 50
// a call. A batch taken in part answers HTTP 460: the error is a *PartialError listing the
// uploaded and the failed orders. Retried only when every order carries an externalId, as
// CreateOrder.
func (c *Client) UploadOrders(ctx context.Context, site string, orders []Order) (OrdersUpload, error) {
	if site == "" {
		return OrdersUpload{}, fmt.Errorf("%w: uploading orders needs a site", ErrInvalidArgument)
	}
	if len(orders) == 0 {
		return OrdersUpload{}, fmt.Errorf("%w: no orders to upload", ErrInvalidArgument)
	}
	form, err := entityForm("orders", orders, url.Values{"site": {site}})
	if err != nil {
		return OrdersUpload{}, err
	}
	noExternalID := func(o Order) bool { return o.ExternalID == "" }
	return post[OrdersUpload](ctx, c, v5+"/orders/upload", form, !slices.ContainsFunc(orders, noExternalID))
}
