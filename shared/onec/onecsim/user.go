package onecsim

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"unfbridge/shared/onec"
)

// Errors of the user's actions; the errors returned wrap them.
var (
	// ErrNoDocument: there is no such document in the infobase.
	ErrNoDocument = errors.New("onecsim: no such document")
	// ErrMarkedForDeletion: the document is marked for deletion; 1C neither edits, posts nor
	// unposts it.
	ErrMarkedForDeletion = errors.New("onecsim: the document is marked for deletion")
	// ErrNotPosted: the document to unpost is not posted.
	ErrNotPosted = errors.New("onecsim: the document is not posted")
	// ErrBadPayment: a payment 1C would not write (unknown kind, amount not positive or finer
	// than kopecks).
	ErrBadPayment = errors.New("onecsim: invalid payment")
)

// action is what the user does to a document: the state it leaves, and the events it queues for
// a customer order and for a payment.
type action struct {
	posted, deleted bool
	order, payment  onec.EventType
}

// The user's actions. Marking a posted document for deletion unposts it, as in 1C.
var (
	post   = action{posted: true, order: onec.TypeOrderPosted, payment: onec.TypePaymentPosted}
	unpost = action{order: onec.TypeOrderUnposted, payment: onec.TypePaymentUnposted}
	remove = action{deleted: true, order: onec.TypeOrderDeleted, payment: onec.TypePaymentDeleted}
)

// act changes the state of a document as the action does, with a new data version.
func (b *infobase) act(st *State, a action) error {
	switch {
	case st.Deleted:
		return ErrMarkedForDeletion
	case a == unpost && !st.Posted:
		return ErrNotPosted
	}
	*st = State{Posted: a.posted, Deleted: a.deleted, DataVersion: b.nextVersion()}
	return nil
}

// EditOrder changes the customer order of a CRM order as the user does in its form: edit changes
// the order (state, items added or removed, quantities, prices, discounts, …), then the totals
// are recomputed (see recompute). The document keeps its reference and CRM block and gets a new
// data version. Writing is not posting: no event is queued until PostOrder. edit runs with the
// Sim locked and must not call it.
func (s *Sim) EditOrder(crmOrderID int64, edit func(o *onec.Order)) error {
	return s.withOrder(crmOrderID, func(d *document) error {
		if d.Deleted {
			return ErrMarkedForDeletion
		}
		o := d.order()
		ref, crm := o.Ref, o.CRM
		edit(&o)
		o.Ref, o.CRM = ref, crm
		if err := recompute(&o); err != nil {
			return err
		}
		d.setOrder(o)
		d.DataVersion = s.base.nextVersion()
		return nil
	})
}

// PostOrder posts (or posts again) the customer order of a CRM order and queues order.posted
// with the whole current order.
func (s *Sim) PostOrder(crmOrderID int64) error { return s.actOnOrder(crmOrderID, post) }

// UnpostOrder cancels the posting of the customer order of a CRM order and queues
// order.unposted.
func (s *Sim) UnpostOrder(crmOrderID int64) error { return s.actOnOrder(crmOrderID, unpost) }

// DeleteOrder marks the customer order of a CRM order for deletion (which unposts it) and queues
// order.deleted.
func (s *Sim) DeleteOrder(crmOrderID int64) error { return s.actOnOrder(crmOrderID, remove) }

// CreateLocalOrder creates a customer order born in 1C from o (its reference and CRM block
// dropped, totals recomputed, numbered and dated as o says, else next in line and now), posts it
// and queues order.posted; it returns the document's reference. Having no CRM order, it is
// listed by Documents only.
func (s *Sim) CreateLocalOrder(o onec.Order) (string, error) {
	o.Ref, o.CRM = nil, onec.CRMOrder{}
	if err := recompute(&o); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.base.create(o, s.opts.Now())
	s.base.write(d, o)
	s.queueOrder(post.order, d)
	return d.Ref, nil
}

// actOnOrder does the action to the customer order of a CRM order and queues its event.
func (s *Sim) actOnOrder(crmOrderID int64, a action) error {
	return s.withOrder(crmOrderID, func(d *document) error {
		if err := s.base.act(&d.State, a); err != nil {
			return err
		}
		s.queueOrder(a.order, d)
		return nil
	})
}

// withOrder runs do on the customer order of a CRM order, with the Sim locked.
func (s *Sim) withOrder(crmOrderID int64, do func(d *document) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.base.byCRM[crmOrderID]
	if !ok {
		return fmt.Errorf("%w: no customer order of CRM order %d", ErrNoDocument, crmOrderID)
	}
	return do(d)
}

// queueOrder queues an event about a customer order, carrying the order as 1C exports it: with
// the document's reference, number, date and posting. s.mu is held.
func (s *Sim) queueOrder(t onec.EventType, d *document) {
	o := d.order()
	ref := d.Ref
	o.Ref, o.Number, o.Date, o.Posted = &ref, d.Number, d.Date.In(msk).Format(time.RFC3339), d.Posted
	s.queue(t, d.Ref, d.State, o)
}

// PostPayment creates a payment document of the kind (onec.DocCashReceipt, onec.DocBankReceipt
// or onec.DocCardPayment) for the customer order of a CRM order, with the amount (in kopecks at
// most) and the RetailCRM payment type remembered on it (nil for none); it posts it, queues
// payment.posted and returns its reference.
func (s *Sim) PostPayment(crmOrderID int64, kind string, amount decimal.Decimal, crmPaymentType *string) (string, error) {
	switch kind {
	case onec.DocCashReceipt, onec.DocBankReceipt, onec.DocCardPayment:
	default:
		return "", fmt.Errorf("%w: unknown document kind %q", ErrBadPayment, kind)
	}
	if err := checkAmount(amount); err != nil {
		return "", err
	}
	var ref string
	err := s.withOrder(crmOrderID, func(d *document) error {
		p := Payment{Date: s.opts.Now(), Kind: kind, CRMOrderID: d.CRMOrderID, Order: d.Ref, Amount: onec.NewMoney(amount)}
		if crmPaymentType != nil {
			p.CRMType = *crmPaymentType
		}
		ref = s.base.addPayment(p)
		s.queuePayment(post.payment, s.base.payment(ref))
		return nil
	})
	return ref, err
}

// RepostPayment changes the amount of a payment document (one posted by PostPayment or imported
// from RetailCRM, whose CRM payment id and type are kept), posts it again and queues
// payment.posted.
func (s *Sim) RepostPayment(ref string, amount decimal.Decimal) error {
	if err := checkAmount(amount); err != nil {
		return err
	}
	return s.actOnPayment(ref, post, func(p *Payment) { p.Amount = onec.NewMoney(amount) })
}

// UnpostPayment cancels the posting of a payment document and queues payment.unposted.
func (s *Sim) UnpostPayment(ref string) error { return s.actOnPayment(ref, unpost, keep) }

// DeletePayment marks a payment document for deletion (which unposts it) and queues
// payment.deleted.
func (s *Sim) DeletePayment(ref string) error { return s.actOnPayment(ref, remove, keep) }

// keep changes nothing of a payment.
func keep(*Payment) {}

// actOnPayment does the action to a payment document, changes it, and queues its event.
func (s *Sim) actOnPayment(ref string, a action, change func(p *Payment)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.base.payment(ref)
	if p == nil {
		return fmt.Errorf("%w: no payment document %s", ErrNoDocument, ref)
	}
	if err := s.base.act(&p.State, a); err != nil {
		return err
	}
	change(p)
	s.queuePayment(a.payment, p)
	return nil
}

// payment returns the payment document with the reference; nil when there is none. The pointer
// is valid until the next payment is added.
func (b *infobase) payment(ref string) *Payment {
	for i := range b.payments {
		if b.payments[i].Ref == ref {
			return &b.payments[i]
		}
	}
	return nil
}

// queuePayment queues an event about a payment document, carrying it as 1C exports it. s.mu is
// held.
func (s *Sim) queuePayment(t onec.EventType, p *Payment) {
	var crmType *string
	if p.CRMType != "" {
		crmType = &p.CRMType
	}
	s.queue(t, p.Ref, p.State, onec.Payment{Ref: p.Ref, Document: p.Kind, Number: p.Number,
		Date: p.Date.In(msk).Format(time.RFC3339), Posted: p.Posted, Amount: p.Amount, Order: p.Order,
		CRMPaymentType: crmType, CRMPaymentID: p.CRMPaymentID})
}

// checkAmount refuses a payment amount that is not positive or is finer than kopecks.
func checkAmount(amount decimal.Decimal) error {
	if !amount.IsPositive() || !amount.Equal(amount.Round(2)) {
		return fmt.Errorf("%w: amount %s is not a positive number of kopecks", ErrBadPayment, amount)
	}
	return nil
}

// recompute recomputes the totals of an order as the 1C form does: quantities are rounded to 3
// decimals and money to kopecks; a line's total is quantity × price − discount, plus VAT at its
// rate when the amounts do not include VAT; the order total is the lines plus the delivery cost.
// Every product is rounded to kopecks half away from zero, as 1C's Окр.
func recompute(o *onec.Order) error {
	total := decimal.Zero
	for i := range o.Items {
		it := &o.Items[i]
		it.Quantity = onec.NewQuantity(it.Quantity.Decimal)
		it.Price, it.Discount = onec.NewMoney(it.Price.Decimal), onec.NewMoney(it.Discount.Decimal)
		amount := onec.NewMoney(it.Quantity.Mul(it.Price.Decimal).Sub(it.Discount.Decimal))
		if !o.AmountIncludesVAT && it.VATRate != nil {
			rate, err := decimal.NewFromString(*it.VATRate)
			if err != nil {
				return fmt.Errorf("onecsim: line %d: VAT rate %q is not a percent", i+1, *it.VATRate)
			}
			amount = onec.NewMoney(amount.Add(amount.Mul(rate).Shift(-2)))
		}
		it.Total = amount
		total = total.Add(amount.Decimal)
	}
	if o.Delivery != nil {
		o.Delivery.Cost = onec.NewMoney(o.Delivery.Cost.Decimal)
		total = total.Add(o.Delivery.Cost.Decimal)
	}
	o.Total = onec.NewMoney(total)
	return nil
}
