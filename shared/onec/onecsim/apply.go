package onecsim

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/onec"
)

// apply applies a command to the infobase and returns the ack to send, and whether a customer
// order was created. s.mu is held.
func (s *Sim) apply(c onec.Command) (onec.Ack, bool) {
	switch c.Type {
	case onec.CommandOrderUpsert:
		var o onec.Order
		if err := httpapi.DecodeBytes(c.Payload, &o); err != nil {
			return refused(c, "Не удалось прочитать заказ: "+err.Error()), false
		}
		if fail := s.opts.Faults.FailOrder; fail != nil {
			if msg := fail(o); msg != "" {
				return refused(c, msg), false
			}
		}
		d, created := s.base.upsert(o, s.opts.Now())
		return applied(c, d), created
	case onec.CommandOrderCancel:
		var x onec.Cancel
		if err := httpapi.DecodeBytes(c.Payload, &x); err != nil {
			return refused(c, "Не удалось прочитать отмену заказа: "+err.Error()), false
		}
		d := s.base.find(x.Ref, x.CRMOrderID)
		if d == nil {
			return onec.Ack{CommandID: c.CommandID, Status: onec.AckSkipped}, false
		}
		d.Cancelled, d.CancelReason = true, x.Reason
		d.Applied++
		d.DataVersion = s.base.nextVersion()
		return applied(c, d), false
	}
	return refused(c, fmt.Sprintf("Неизвестный тип команды %q.", c.Type)), false
}

func applied(c onec.Command, d *document) onec.Ack {
	return onec.Ack{CommandID: c.CommandID, Status: onec.AckApplied, Ref: d.Ref, Number: d.Number,
		Date: d.Date.Format(time.RFC3339)}
}

func refused(c onec.Command, msg string) onec.Ack {
	return onec.Ack{CommandID: c.CommandID, Status: onec.AckFailed, Error: msg}
}

// upsert stores an order as the customer order found by its reference, else by its CRM id,
// else as a new one (see write); it returns the document and whether it was created. Like the
// real extension, which skips the objects the exchange itself writes, it queues no event.
func (b *infobase) upsert(o onec.Order, now time.Time) (*document, bool) {
	d := b.find(o.Ref, o.CRM.ID)
	created := d == nil
	if created {
		d = b.create(o, now)
	}
	b.write(d, o)
	d.Cancelled, d.CancelReason = false, ""
	d.Applied++
	for _, p := range o.Payments {
		b.pay(d, p, now)
	}
	return d, created
}

// write stores o as the order of d, with d's reference and the buyer matched or created, and
// posts it (clearing a deletion mark).
func (b *infobase) write(d *document, o onec.Order) {
	ref := d.Ref
	o.Ref = &ref
	d.Counterparty = b.counterparty(o.Counterparty)
	d.setOrder(o)
	d.State = State{Posted: true, DataVersion: b.nextVersion()}
}

// find returns the customer order with the reference, else the one of the CRM order; nil when
// there is none.
func (b *infobase) find(ref *string, crmOrderID int64) *document {
	if ref != nil {
		if d, ok := b.byRef[*ref]; ok {
			return d
		}
	}
	return b.byCRM[crmOrderID]
}

// create adds a customer order for o: numbered as o says or next in line, dated as o says or
// now. An order born in 1C (CRM id 0) is not found by CRM id.
func (b *infobase) create(o onec.Order, now time.Time) *document {
	number := o.Number
	if number == "" {
		number = fmt.Sprintf("УТ-%06d", len(b.docs)+1)
	}
	date, err := onec.ParseTime(o.Date)
	if err != nil {
		date = now
	}
	d := &document{Document: Document{Ref: onec.NewGUID(), Number: number, Date: date, CRMOrderID: o.CRM.ID}}
	b.docs = append(b.docs, d)
	b.byRef[d.Ref] = d
	if d.CRMOrderID != 0 {
		b.byCRM[d.CRMOrderID] = d
	}
	return d
}

// counterparty returns the reference of the buyer: the one referenced, else the one with the
// same ИНН+КПП, else the same phone, else the same e-mail, else a new one.
func (b *infobase) counterparty(c onec.Counterparty) string {
	phone, email := digits(c.Phone), strings.ToLower(strings.TrimSpace(c.Email))
	matches := []func(Counterparty) bool{
		func(x Counterparty) bool { return c.Ref != nil && x.Ref == *c.Ref },
		func(x Counterparty) bool { return c.INN != "" && x.INN == c.INN && x.KPP == c.KPP },
		func(x Counterparty) bool { return phone != "" && digits(x.Phone) == phone },
		func(x Counterparty) bool { return email != "" && strings.ToLower(x.Email) == email },
	}
	for _, match := range matches {
		for _, x := range b.counterparties {
			if match(x) {
				return x.Ref
			}
		}
	}
	x := Counterparty{Ref: onec.NewGUID(), Kind: c.Kind, Name: c.Name, INN: c.INN, KPP: c.KPP, Phone: c.Phone,
		Email: c.Email, CRMCustomerID: c.CRMCustomerID}
	b.counterparties = append(b.counterparties, x)
	return x.Ref
}

// pay creates the posted payment document of a CRM payment, unless it exists; it is dated when
// paid, else now.
func (b *infobase) pay(d *document, p onec.OrderPayment, now time.Time) {
	if _, ok := b.paymentByCRM[p.CRMPaymentID]; ok {
		return
	}
	terminal := ""
	if p.Terminal != nil {
		terminal = *p.Terminal
	}
	date, err := onec.ParseTime(p.PaidAt)
	if err != nil {
		date = now
	}
	b.paymentByCRM[p.CRMPaymentID] = true
	b.addPayment(Payment{Date: date, Kind: p.Document, CRMPaymentID: p.CRMPaymentID, CRMOrderID: d.CRMOrderID,
		Order: d.Ref, Terminal: terminal, CRMType: p.CRMType, Amount: p.Amount, PaidAt: p.PaidAt})
}

// addPayment adds p as a new posted payment document, numbered next in line; it returns its
// reference.
func (b *infobase) addPayment(p Payment) string {
	p.Ref, p.Number = onec.NewGUID(), fmt.Sprintf("ОП-%06d", len(b.payments)+1)
	p.State = State{Posted: true, DataVersion: b.nextVersion()}
	b.payments = append(b.payments, p)
	return p.Ref
}

// digits returns the digits of a phone number.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}
