package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"

	"unfbridge/shared/inbox"
	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm"
)

// record tells the inbox what the push changed (inbox.RecordPush): the CRM payments made from 1C
// documents, which no command may hand to 1C again, and the echo of the push.
//
// The echo keeps the import from bouncing the push back to 1C. Our own history records are
// skipped by the import already, but a trigger reacting to them (source "code") makes it read
// the order again, and the order now maps to another command than the last one, although 1C has
// every value the push sent. The rule: the import queues nothing for an order whose only changes
// since the last command are the ones the push made. So the order as RetailCRM has it after the
// push (the answer of the edit; read again when only payments changed) is mapped as the import
// maps it; when that equals the order's content (the last command, or the previous echo) in
// everything but what the push sent (see masked), it is the echo, which the import treats as
// queued. When it differs elsewhere, RetailCRM has changes of its own that 1C lacks: no echo,
// and the import queues them (with the pushed values, which 1C has anyway).
func (o *orderPush) record(ctx context.Context) error {
	p := inbox.Pushed{Payments: o.applied}
	if after := o.pushedOrder(ctx); after != nil && o.hasContent {
		p.Echo, p.CommandID = o.r.echo(*after, o.content.Order, o.sent), o.content.CommandID
	}
	if len(p.Payments) == 0 && p.Echo == nil {
		return nil
	}
	return o.r.p.Inbox.RecordPush(ctx, o.id, p)
}

// pushedOrder is the order as RetailCRM has it after the push: the answer of the edit of its
// fields, made after its payments; or, when only payments changed, the order read again (nil
// when it cannot be read: then there is no echo). Nil when nothing was sent.
func (o *orderPush) pushedOrder(ctx context.Context) *retailcrm.Order {
	if o.edited != nil || len(o.sent.payments) == 0 {
		return o.edited
	}
	order, err := o.r.crm.Order(ctx, retailcrm.ByID(o.id, o.r.st.Connection.SiteCode))
	if err != nil {
		o.r.p.Log.WarnContext(ctx, "order not read after its payments were pushed: no echo", "order", o.id, "error", err)
		return nil
	}
	return &order
}

// echo is the command the pushed order maps to, when it differs from content only in what was
// sent; nil otherwise, or when the import would not queue the order at all.
func (r *pushRun) echo(pushed retailcrm.Order, content onec.Order, sent sentParts) *inbox.Pending {
	load, _, msg := ImportDecision(r.st, pushed.Status)
	if !load {
		return nil
	}
	mapped, err := MapOrder(pushed, r.mapping)
	if err != nil || !sameBesides(mapped.Order, content, sent) {
		return nil
	}
	p := upsertPending(pushed, mapped, msg)
	return &p
}

// sameBesides tells whether two 1C orders are the same but for what was sent.
func sameBesides(a, b onec.Order, sent sentParts) bool {
	x, errX := json.Marshal(masked(a, sent))
	y, errY := json.Marshal(masked(b, sent))
	return errX == nil && errY == nil && bytes.Equal(x, y)
}

// masked is o without its 1C reference and without what was sent: the state, the warehouse, the
// delivery cost, the fields sent of each line (a line created or removed altogether, the totals
// of a line changed; discounts compare per unit, as sent), the totals when lines or the delivery
// changed, the payments sent. What the push did not send must be the same on both sides: a
// change RetailCRM has besides the push is never taken for an echo.
func masked(o onec.Order, sent sentParts) onec.Order {
	o.Ref = nil
	if sent.status {
		o.State = nil
	}
	if sent.store {
		o.Warehouse = nil
	}
	if sent.delivery && o.Delivery != nil {
		d := *o.Delivery
		d.Cost, d.Item = onec.Money{}, nil
		o.Delivery = &d
	}
	if len(sent.lines) > 0 || sent.delivery {
		o.Total, o.PaymentCalendar = onec.Money{}, nil
	}
	o.Items = maskedLines(o.Items, sent.lines)
	o.Payments = slices.DeleteFunc(slices.Clone(o.Payments), func(p onec.OrderPayment) bool {
		return slices.Contains(sent.payments, p.CRMPaymentID)
	})
	return o
}

// maskedLines is items without what was sent of each line.
func maskedLines(items []onec.OrderItem, sent map[string]lineSent) []onec.OrderItem {
	out := make([]onec.OrderItem, 0, len(items))
	for _, it := range items {
		s, touched := sent[it.OfferKey]
		switch {
		case s.whole:
			continue
		case touched && it.Quantity.IsPositive():
			it.Discount = onec.NewMoney(it.Discount.Div(it.Quantity.Decimal))
			it.Total = onec.Money{}
		}
		if s.quantity {
			it.Quantity = onec.Quantity{}
		}
		if s.price {
			it.Price = onec.Money{}
		}
		if s.discount {
			it.Discount = onec.Money{}
		}
		out = append(out, it)
	}
	return out
}
