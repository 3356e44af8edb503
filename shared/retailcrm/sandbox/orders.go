package sandbox

import (
	"fmt"
	"slices"
	"time"
)

// createOrder validates and stores a new order on a site and records its creation.
func (a *account) createOrder(site string, in *orderInput, act actor) (*order, error) {
	now := a.clock()
	o := &order{
		site: site, createdAt: now, status: a.defaultStatus(), fromAPI: act.source == SourceAPI,
		orderType: a.defaultOrderType(act), orderMethod: a.defaultOrderMethod(act), countryIso: "RU",
		contragent: Contragent{ContragentType: "individual"}, customFields: cloneMap(nil),
	}
	if st := a.findSite(site); st != nil && st.CountryIso != "" {
		o.countryIso = st.CountryIso
	}
	e := a.applyOrder(o, in, now)
	a.recalc(o, now)
	for i, pi := range in.Payments {
		o.payments = append(o.payments, a.newPayment(o, pi, indexed("payments", i), e))
	}
	if len(e) > 0 {
		return nil, errEntity(e)
	}
	o.id = a.newID(idOrder)
	if o.number == "" {
		o.number = fmt.Sprintf("%dA", o.id)
	}
	for _, p := range o.payments {
		p.id = a.newID(idPayment)
	}
	if o.customerID == 0 {
		a.newCustomerFor(o)
	}
	o.statusUpdatedAt = o.createdAt
	a.recalc(o, now)
	a.orders = append(a.orders, o)
	a.recordCreated(o, act)
	return o, nil
}

// editOrder applies an edit and records what changed. Payments sent in an edit are ignored:
// payments change through the orders/payments methods.
func (a *account) editOrder(o *order, in *orderInput, act actor) error {
	now := a.clock()
	before, next := o.clone(), o.clone()
	if e := a.applyOrder(next, in, now); len(e) > 0 {
		return errEntity(e)
	}
	a.commit(o, before, next, act, now)
	return nil
}

// commit makes next the state of o, derives the sums and records the changes from before.
func (a *account) commit(o, before, next *order, act actor, now time.Time) {
	if next.status != before.status {
		next.statusUpdatedAt = now
	}
	a.recalc(next, now)
	*o = *next
	a.recordChanges(before, o, act, now)
}

// defaultStatus is the first active status of the "new" group.
func (a *account) defaultStatus() string {
	byOrdering := slices.Clone(a.statuses)
	slices.SortStableFunc(byOrdering, func(x, y Status) int { return x.Ordering - y.Ordering })
	for _, st := range byOrdering {
		if st.Active && st.Group == "new" {
			return st.Code
		}
	}
	return "new"
}

// defaultOrderType is the type marked default for the API (or for the CRM, for users).
func (a *account) defaultOrderType(act actor) string {
	for _, t := range a.orderTypes {
		if act.source == SourceAPI && t.DefaultForAPI || act.source != SourceAPI && t.DefaultForCRM {
			return t.Code
		}
	}
	return ""
}

// defaultOrderMethod is the method marked default for the API (or for the CRM, for users).
func (a *account) defaultOrderMethod(act actor) string {
	for _, m := range a.orderMethods {
		if act.source == SourceAPI && m.DefaultForAPI || act.source != SourceAPI && m.DefaultForCRM {
			return m.Code
		}
	}
	return ""
}

type orderAnswer struct {
	Success bool      `json:"success"`
	ID      int       `json:"id,omitempty"`
	Order   orderView `json:"order"`
}

// handleOrderCreate answers POST orders/create → {success, id, order}.
func handleOrderCreate(a *account, c *call) (any, error) {
	site, err := a.requiredSite(c)
	if err != nil {
		return nil, err
	}
	var in orderInput
	if err := decodeEntity(c.form, "order", &in); err != nil {
		return nil, err
	}
	o, err := a.createOrder(site, &in, actor{source: SourceAPI, key: c.key.key})
	if err != nil {
		return nil, err
	}
	return orderAnswer{Success: true, ID: o.id, Order: a.orderView(o, paymentsList)}, nil
}

// handleOrderGet answers GET orders/{id} → {success, order}.
func handleOrderGet(a *account, c *call) (any, error) {
	o, err := a.orderFor(c)
	if err != nil {
		return nil, err
	}
	return orderAnswer{Success: true, Order: a.orderView(o, paymentsMap)}, nil
}

// handleOrderEdit answers POST orders/{id}/edit → {success, id, order}.
func handleOrderEdit(a *account, c *call) (any, error) {
	o, err := a.orderFor(c)
	if err != nil {
		return nil, err
	}
	var in orderInput
	if err := decodeEntity(c.form, "order", &in); err != nil {
		return nil, err
	}
	if err := a.editOrder(o, &in, actor{source: SourceAPI, key: c.key.key}); err != nil {
		return nil, err
	}
	return orderAnswer{Success: true, ID: o.id, Order: a.orderView(o, paymentsMap)}, nil
}

// handleOrdersList answers GET orders with filter[ids][], filter[externalIds][],
// filter[numbers][] and filter[sites][], newest first (unconfirmed default order).
func handleOrdersList(a *account, c *call) (any, error) {
	f, err := filters(c.query, "ids", "externalIds", "numbers", "sites")
	if err != nil {
		return nil, err
	}
	pg, err := pageOf(c.query)
	if err != nil {
		return nil, err
	}
	ids, err := ints("ids", f["ids"])
	if err != nil {
		return nil, err
	}
	in := func(vals []string, v string) bool { return len(vals) == 0 || slices.Contains(vals, v) }
	var hits []*order
	for _, o := range slices.Backward(a.orders) {
		if c.key.reaches(o.site) && (len(ids) == 0 || slices.Contains(ids, o.id)) &&
			in(f["externalIds"], o.externalID) && in(f["numbers"], o.number) && in(f["sites"], o.site) {
			hits = append(hits, o)
		}
	}
	lo, hi, p := paginate(len(hits), pg)
	views := make([]orderView, 0, hi-lo)
	for _, o := range hits[lo:hi] {
		views = append(views, a.orderView(o, paymentsMap))
	}
	return struct {
		Success    bool        `json:"success"`
		Pagination pagination  `json:"pagination"`
		Orders     []orderView `json:"orders"`
	}{true, p, views}, nil
}
