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
	ids, err := ints("filter[ids]", f["ids"])
	if err != nil {
		return nil, err
	}
	var hits []*order
	for _, o := range slices.Backward(a.orders) {
		if c.key.reaches(o.site) && (len(ids) == 0 || slices.Contains(ids, o.id)) &&
			matches(f["externalIds"], o.externalID) && matches(f["numbers"], o.number) && matches(f["sites"], o.site) {
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

// maxStatusIDs bounds the ids and externalIds of one orders/statuses call (unconfirmed).
const maxStatusIDs = 500

type orderStatusView struct {
	ID         int    `json:"id"`
	ExternalID string `json:"externalId,omitempty"`
	Status     string `json:"status"`
	Group      string `json:"group"`
}

// handleOrderStatuses answers GET orders/statuses with ids[] and/or externalIds[]: the status
// and status group of those orders of the sites the key reaches; others are left out.
func handleOrderStatuses(a *account, c *call) (any, error) {
	ids, err := ints("ids", listParam(c.query, "ids"))
	if err != nil {
		return nil, err
	}
	exts := listParam(c.query, "externalIds")
	switch n := len(ids) + len(exts); {
	case n == 0:
		return nil, errInput("ids", probRequired)
	case n > maxStatusIDs:
		return nil, errInput("ids", fmt.Sprintf("This collection should contain %d elements or less.", maxStatusIDs))
	}
	views := []orderStatusView{}
	for _, o := range a.orders {
		if c.key.reaches(o.site) && (slices.Contains(ids, o.id) || o.externalID != "" && slices.Contains(exts, o.externalID)) {
			st, _ := a.status(o.status)
			views = append(views, orderStatusView{ID: o.id, ExternalID: o.externalID, Status: o.status, Group: st.Group})
		}
	}
	return struct {
		Success bool              `json:"success"`
		Orders  []orderStatusView `json:"orders"`
	}{true, views}, nil
}

// externalIDFix is one entry of orders/fix-external-ids.
type externalIDFix struct {
	ID         int    `json:"id"`
	ExternalID string `json:"externalId"`
}

// handleFixExternalIDs answers POST orders/fix-external-ids: orders=[{id, externalId}] sets the
// externalId of orders given by CRM id, each change recorded in history as an API edit. The
// whole batch is validated before anything is stored (unconfirmed messages).
func handleFixExternalIDs(a *account, c *call) (any, error) {
	var in []externalIDFix
	if err := decodeBatch(c, "orders", &in); err != nil {
		return nil, err
	}
	e := errs{}
	targets := make([]*order, len(in))
	taken := map[[2]string]bool{} // site and externalId given earlier in the batch
	for i, f := range in {
		field := indexed("orders", i)
		o := a.orderByID(f.ID)
		if o == nil || !c.key.reaches(o.site) {
			e.add(field+".id", "Order not found.")
			continue
		}
		key := [2]string{o.site, f.ExternalID}
		other := a.orderByExternal(f.ExternalID, o.site)
		switch {
		case f.ExternalID == "":
			e.add(field+".externalId", probRequired)
		case taken[key] || other != nil && other.id != o.id:
			e.add(field+".externalId", msgExternalIDTaken)
		}
		taken[key] = true
		targets[i] = o
	}
	if len(e) > 0 {
		return nil, errEntity(e)
	}
	for i, f := range in {
		edit := &orderInput{ExternalID: opt[string]{set: true, v: f.ExternalID}}
		if err := a.editOrder(targets[i], edit, actor{source: SourceAPI, key: c.key.key}); err != nil {
			return nil, err
		}
	}
	return success(), nil
}
