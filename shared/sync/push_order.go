package sync

import (
	"context"

	"unfbridge/shared/inbox"
	"unfbridge/shared/push"
	"unfbridge/shared/retailcrm"
)

// orderPush is the push of one CRM order in progress.
type orderPush struct {
	r  *pushRun
	id int64
	// crmOrder is the order as last read from RetailCRM; nil until read.
	crmOrder *retailcrm.Order
	// applied are the CRM payments made from 1C payment documents.
	applied []int64
	// sent tells what the push changed; edited is the order RetailCRM returned after the edit of
	// its fields, nil when there was none.
	sent   sentParts
	edited *retailcrm.Order
	// content is what the inbox knows the order holds (hasContent: it knows something).
	content    inbox.Content
	hasContent bool
}

// pushOrder pushes what 1C changed in one order: its payments, then its own fields (so that the
// order RetailCRM returns after the edit holds the payments). Every object is settled on its
// own (see settle); a retryable failure stops the order. What was pushed is recorded in the
// inbox in every case.
func (r *pushRun) pushOrder(ctx context.Context, id int64) error {
	state, err := r.p.Push.Load(ctx, id)
	if err != nil {
		return err
	}
	listed, err := r.p.Push.Failures(ctx, id)
	if err != nil {
		return err
	}
	o := &orderPush{r: r, id: id}
	if o.content, o.hasContent, err = r.p.Inbox.Content(ctx, id); err != nil {
		return err
	}
	err = o.objects(ctx, state, listed)
	if rerr := o.record(ctx); rerr != nil {
		return rerr
	}
	return err
}

// objects pushes the payments and the fields of the order.
func (o *orderPush) objects(ctx context.Context, state push.Order, listed []push.Failure) error {
	for _, pay := range state.Payments {
		doc := pay.Desired.Payment
		if err := o.settle(ctx, push.PaymentObject(doc.Ref), "payment "+doc.Number, listed, func() error {
			return o.payment(ctx, pay)
		}); err != nil {
			return err
		}
	}
	if state.Order == nil {
		return nil
	}
	return o.settle(ctx, push.ObjectOrder, push.ObjectOrder, listed, func() error { return o.fields(ctx, state.Order) })
}
