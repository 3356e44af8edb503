package push

import (
	"context"
	"fmt"
	"strings"

	"unfbridge/shared/store"
)

// Order is the push state of one CRM order: its fields and its payment documents.
type Order struct {
	CRMOrderID int64
	// Order is nil when no order event was recorded (only payments).
	Order *OrderRecord
	// Payments are by 1C reference.
	Payments []*PaymentRecord
}

// Load returns the push state of a CRM order.
func (r *Repo) Load(ctx context.Context, crmOrderID int64) (Order, error) {
	out := Order{CRMOrderID: crmOrderID}
	q := store.Query{PK: orderPK(crmOrderID), Limit: store.MaxQueryLimit}
	for {
		page, err := r.st.Query(ctx, q)
		if err != nil {
			return Order{}, fmt.Errorf("push: load order %d: %w", crmOrderID, err)
		}
		for _, it := range page.Items {
			if err := out.add(it); err != nil {
				return Order{}, err
			}
		}
		if page.Next == "" {
			return out, nil
		}
		q.After = page.Next
	}
}

// add decodes one item of the order's partition.
func (o *Order) add(it store.Item) error {
	switch {
	case it.SK == orderSK:
		rec := &OrderRecord{}
		o.Order = rec
		return decode(it, rec)
	case strings.HasPrefix(it.SK, paymentPrefix):
		rec := &PaymentRecord{}
		o.Payments = append(o.Payments, rec)
		return decode(it, rec)
	}
	return fmt.Errorf("push: unexpected item %s", it.Key())
}

// UpdateOrder applies fn to the stored order record and saves it. When an event changed the
// record meanwhile, fn is applied to the new one: it must set only what the pusher owns (Pushed).
func (r *Repo) UpdateOrder(ctx context.Context, crmOrderID int64, fn func(*OrderRecord)) error {
	return update(ctx, r, orderKey(crmOrderID), fn)
}

// UpdatePayment is UpdateOrder for the payment document ref (fn sets CRMPaymentID and Pushed).
func (r *Repo) UpdatePayment(ctx context.Context, crmOrderID int64, ref string, fn func(*PaymentRecord)) error {
	return update(ctx, r, paymentKey(crmOrderID, ref), fn)
}
