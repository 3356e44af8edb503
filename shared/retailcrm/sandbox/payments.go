package sandbox

import (
	"slices"
	"strconv"
)

// paymentInput is the payment entity of orders/payments/create and .../edit (and of the
// payments inlined in orders/create).
type paymentInput struct {
	Order *struct {
		ID         int    `json:"id"`
		ExternalID string `json:"externalId"`
	} `json:"order"`
	Type       opt[string] `json:"type"`
	Status     opt[string] `json:"status"`
	Amount     opt[num]    `json:"amount"`
	PaidAt     opt[string] `json:"paidAt"`
	ExternalID opt[string] `json:"externalId"`
	Comment    opt[string] `json:"comment"`
}

// fieldPath names a payment field in validation errors, under prefix ("payments[0]") or alone.
func fieldPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// newPayment validates a new payment of order o; it has no id yet. Without an amount it
// covers what the other payments leave unpaid (unconfirmed default).
func (a *account) newPayment(o *order, in paymentInput, prefix string, e errs) *payment {
	p := &payment{status: a.defaultPaymentStatus()}
	if !in.Amount.set {
		rest := o.totalSumm
		for _, q := range o.payments {
			rest = rest.sub(q.amount)
		}
		if rest.IsPositive() {
			p.amount = rest
		}
	}
	a.applyPayment(o, p, in, prefix, e)
	if p.typ == "" {
		e.add(fieldPath(prefix, "type"), probRequired)
	}
	return p
}

// applyPayment sets the fields sent and validates them: the type must be active and offered
// on the order's site, the status known (and allowed for the type when the type lists its
// statuses), paidAt a date-time, and externalId unique among the payments of the site.
func (a *account) applyPayment(o *order, p *payment, in paymentInput, prefix string, e errs) {
	in.Type.setTo(&p.typ)
	in.Status.setTo(&p.status)
	in.Amount.setTo(&p.amount)
	in.PaidAt.setTo(&p.paidAt)
	in.ExternalID.setTo(&p.externalID)
	in.Comment.setTo(&p.comment)
	t, ok := a.paymentType(p.typ)
	if p.typ != "" && (!ok || !t.Active || len(t.Sites) > 0 && !slices.Contains(t.Sites, o.site)) {
		e.add(fieldPath(prefix, "type"), probChoice)
	}
	if _, known := a.paymentStatus(p.status); !known || ok && len(t.PaymentStatuses) > 0 && !slices.Contains(t.PaymentStatuses, p.status) {
		e.add(fieldPath(prefix, "status"), probChoice)
	}
	e.nonNegative(fieldPath(prefix, "amount"), p.amount)
	if _, ok := a.parseStamp(p.paidAt); p.paidAt != "" && !ok {
		e.add(fieldPath(prefix, "paidAt"), probInvalid)
	}
	if p.externalID != "" && a.paymentExternalTaken(o, p) {
		e.add(fieldPath(prefix, "externalId"), "Payment with this externalId already exists.")
	}
}

// paymentExternalTaken tells whether another payment of o's site uses p's externalId; o is
// the order being changed (saved or not) and p may already be in its list.
func (a *account) paymentExternalTaken(o *order, p *payment) bool {
	taken := func(x *order) bool {
		return slices.ContainsFunc(x.payments, func(q *payment) bool { return q != p && q.externalID == p.externalID })
	}
	for _, x := range a.orders {
		if x.site == o.site && x.id != o.id && taken(x) {
			return true
		}
	}
	return taken(o)
}

// defaultPaymentStatus is the status marked default for the API, else "not-paid".
func (a *account) defaultPaymentStatus() string {
	for _, st := range a.paymentStatuses {
		if st.DefaultForAPI {
			return st.Code
		}
	}
	return "not-paid"
}

// handlePaymentCreate answers POST orders/payments/create → {success, id}. The order is
// addressed by payment.order.id or payment.order.externalId (with site).
func handlePaymentCreate(a *account, c *call) (any, error) {
	var in paymentInput
	if err := decodeEntity(c.form, "payment", &in); err != nil {
		return nil, err
	}
	if in.Order == nil || in.Order.ID == 0 && in.Order.ExternalID == "" {
		return nil, errEntity(errs{"order": probRequired})
	}
	var o *order
	if in.Order.ID != 0 {
		o = a.orderByID(in.Order.ID)
	} else {
		site, err := a.requiredSite(c)
		if err != nil {
			return nil, err
		}
		o = a.orderByExternal(in.Order.ExternalID, site)
	}
	if o == nil || !c.key.reaches(o.site) {
		return nil, errNotFound()
	}
	p, err := a.addPayment(o, in, actor{source: SourceAPI, key: c.key.key})
	if err != nil {
		return nil, err
	}
	return created(p.id), nil
}

func (a *account) addPayment(o *order, in paymentInput, act actor) (*payment, error) {
	before, next := o.clone(), o.clone()
	e := errs{}
	p := a.newPayment(next, in, "", e)
	if len(e) > 0 {
		return nil, errEntity(e)
	}
	p.id = a.newID(idPayment)
	next.payments = append(next.payments, p)
	a.commit(o, before, next, act, a.clock())
	return p, nil
}

func (a *account) paymentByID(id int) *payment {
	_, p := a.findPayment(func(_ *order, p *payment) bool { return p.id == id })
	return p
}

func (a *account) paymentOrder(p *payment) *order {
	o, _ := a.findPayment(func(_ *order, q *payment) bool { return q == p })
	return o
}

func (a *account) paymentFor(c *call) (*order, *payment, error) {
	p, err := lookup(a, c, a.paymentByID, func(ext, site string) *payment {
		_, p := a.findPayment(func(o *order, p *payment) bool { return p.externalID == ext && o.site == site })
		return p
	}, func(p *payment) string { return a.paymentOrder(p).site })
	if err != nil {
		return nil, nil, err
	}
	return a.paymentOrder(p), p, nil
}

// editPayment applies a payment edit to its order and records the changes.
func (a *account) editPayment(o *order, p *payment, in paymentInput, act actor) error {
	before, next := o.clone(), o.clone()
	e := errs{}
	a.applyPayment(next, next.payment(p.id), in, "", e)
	if len(e) > 0 {
		return errEntity(e)
	}
	a.commit(o, before, next, act, a.clock())
	return nil
}

// handlePaymentEdit answers POST orders/payments/{id}/edit (by=id|externalId) → {success, id}.
func handlePaymentEdit(a *account, c *call) (any, error) {
	o, p, err := a.paymentFor(c)
	if err != nil {
		return nil, err
	}
	var in paymentInput
	if err := decodeEntity(c.form, "payment", &in); err != nil {
		return nil, err
	}
	if err := a.editPayment(o, p, in, actor{source: SourceAPI, key: c.key.key}); err != nil {
		return nil, err
	}
	return created(p.id), nil
}

// handlePaymentDelete answers POST orders/payments/{id}/delete (by CRM id) → {success}.
func handlePaymentDelete(a *account, c *call) (any, error) {
	id, err := strconv.Atoi(c.args["id"])
	if err != nil {
		return nil, errNotFound()
	}
	p := a.paymentByID(id)
	if p == nil || !c.key.reaches(a.paymentOrder(p).site) {
		return nil, errNotFound()
	}
	o := a.paymentOrder(p)
	before, next := o.clone(), o.clone()
	next.payments = slices.DeleteFunc(next.payments, func(q *payment) bool { return q.id == id })
	a.commit(o, before, next, actor{source: SourceAPI, key: c.key.key}, a.clock())
	return success(), nil
}
