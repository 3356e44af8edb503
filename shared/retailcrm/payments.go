package retailcrm

import (
	"context"
	"fmt"
	"net/url"
)

// Payment is a payment of an order. Amount is sent only when set.
type Payment struct {
	ID         int64      `json:"id,omitempty"`
	ExternalID string     `json:"externalId,omitempty"`
	Order      *EntityRef `json:"order,omitempty"`
	Type       string     `json:"type,omitempty"`
	Status     string     `json:"status,omitempty"`
	Amount     *Decimal   `json:"amount,omitempty"`
	PaidAt     string     `json:"paidAt,omitempty"`
	Comment    string     `json:"comment,omitempty"`
}

// CreatePayment adds a payment to the order p.Order on site (POST
// /api/v5/orders/payments/create) and returns its id. Retried only when p carries an
// externalId (the 1C document GUID): a repeat then cannot create a second payment.
func (c *Client) CreatePayment(ctx context.Context, site string, p Payment) (int64, error) {
	if site == "" {
		return 0, fmt.Errorf("%w: creating a payment needs a site", ErrInvalidArgument)
	}
	return c.postEntity(ctx, v5+"/orders/payments/create", "payment", p, url.Values{"site": {site}}, p.ExternalID != "")
}

// EditPayment changes a payment (POST /api/v5/orders/payments/{id}/edit) and returns its id.
// Idempotent: retried.
func (c *Client) EditPayment(ctx context.Context, ref Ref, p Payment) (int64, error) {
	if err := ref.validate(); err != nil {
		return 0, err
	}
	return c.postEntity(ctx, ref.path(v5+"/orders/payments/", "/edit"), "payment", p, ref.values(), true)
}

// DeletePayment deletes a payment by CRM id (POST /api/v5/orders/payments/{id}/delete).
// Idempotent: retried (a repeat after a lost answer gives ErrNotFound).
func (c *Client) DeletePayment(ctx context.Context, id int64) error {
	ref := ByID(id, "")
	if err := ref.validate(); err != nil {
		return err
	}
	_, err := post[struct{}](ctx, c, ref.path(v5+"/orders/payments/", "/delete"), url.Values{}, true)
	return err
}
