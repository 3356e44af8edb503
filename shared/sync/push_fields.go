package sync

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"unfbridge/shared/onec"
	"unfbridge/shared/push"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/settings"
)

// msgNoCancelStatus says that an unposted or deleted 1C order changes nothing in RetailCRM.
const msgNoCancelStatus = "Не указан статус RetailCRM для заказов, проведение которых отменено в 1С или которые " +
	"удалены в 1С (настройки выгрузки, статус отмены): статус заказа %s в RetailCRM не изменён."

// sentParts tells what a push changed in a CRM order: its fields, its lines by offer key, its
// payments by CRM id.
type sentParts struct {
	status, store, delivery bool
	lines                   map[string]lineSent
	payments                []int64
}

// lineSent tells which fields of a line a push sent; whole: the line was created or removed.
type lineSent struct {
	whole, quantity, price, discount bool
}

// order tells whether the order's own fields were sent.
func (s sentParts) order() bool { return s.status || s.store || s.delivery || len(s.lines) > 0 }

// fields pushes the order's own fields (flag "Выгружать изменения по заказам"): only those whose
// desired value differs from what RetailCRM has as far as the bridge knows (baseline), in one
// edit; nothing at all when nothing differs. What RetailCRM then has is saved as the snapshot.
func (o *orderPush) fields(ctx context.Context, rec *push.OrderRecord) error {
	r := o.r
	if !r.st.Flags.ExportOrders {
		r.note(msgExportOrdersOff)
		return nil
	}
	base := o.baseline(rec.Pushed)
	want, err := r.desired(rec.Desired, base)
	if err != nil {
		return err
	}
	edit, sent := r.orderEdit(want, base)
	if sent.order() {
		res, err := r.crm.EditOrder(ctx, retailcrm.ByID(o.id, r.st.Connection.SiteCode), edit)
		if err != nil {
			return err
		}
		r.count(CountOrdersEdited, 1)
		want.Lines = withItemIDs(want.Lines, res.Order.Items, offerKeyTag(r.st.Catalog))
		sent.payments = o.sent.payments
		o.sent, o.edited = sent, &res.Order
	} else {
		r.count(CountUnchanged, 1)
	}
	want.CommandID, want.PushedAt = o.content.CommandID, r.p.Now().UTC()
	return r.p.Push.UpdateOrder(ctx, o.id, func(rec *push.OrderRecord) { rec.Pushed = &want })
}

// baseline is what RetailCRM has as far as the bridge knows: the snapshot of the last push,
// unless the import queued a newer command for 1C since (that command's content then), or the
// last command when the order was never pushed. An order without either has an empty baseline:
// everything the push knows is sent.
func (o *orderPush) baseline(pushed *push.OrderSnapshot) push.OrderSnapshot {
	if pushed != nil && (!o.hasContent || pushed.CommandID == o.content.CommandID) {
		return *pushed
	}
	if !o.hasContent {
		return push.OrderSnapshot{}
	}
	// A command built by the import has one line per offer: its export has no problems.
	base, _, _ := o.r.export(o.content.Order, push.OrderSnapshot{})
	return base
}

// desired is what RetailCRM should have after the push: the export of a posted order, or base
// with the cancel status for an unposted or deleted one.
func (r *pushRun) desired(ev push.OrderEvent, base push.OrderSnapshot) (push.OrderSnapshot, error) {
	if ev.Kind != push.KindPosted {
		want := base
		if r.st.Push.CancelStatus == "" {
			r.note(fmt.Sprintf(msgNoCancelStatus, ev.Order.CRM.Number))
		} else {
			want.Status = r.st.Push.CancelStatus
		}
		return want, nil
	}
	want, warnings, problems := r.export(ev.Order, base)
	if len(problems) > 0 {
		return want, &pushProblem{message: strings.Join(problems, " ")}
	}
	for _, w := range warnings {
		r.note(w)
	}
	return want, nil
}

// orderEdit returns the edit that brings RetailCRM from base to want: the fields that differ,
// and all the lines when any line differs (RetailCRM replaces the list).
func (r *pushRun) orderEdit(want, base push.OrderSnapshot) (retailcrm.Order, sentParts) {
	var e retailcrm.Order
	s := sentParts{lines: map[string]lineSent{}}
	if want.Status != base.Status {
		e.Status, s.status = want.Status, true
	}
	if want.ShipmentStore != base.ShipmentStore {
		e.ShipmentStore, s.store = want.ShipmentStore, true
	}
	if want.DeliveryCost != nil && (base.DeliveryCost == nil || !want.DeliveryCost.Equal(base.DeliveryCost.Decimal)) {
		e.Delivery, s.delivery = &retailcrm.Delivery{Cost: money(*want.DeliveryCost)}, true
	}
	if !sameLines(want.Lines, base.Lines) {
		e.Items = r.items(want.Lines, base.Lines, s.lines)
	}
	return e, s
}

// sameLines tells whether two lists hold the same lines, whatever their order.
func sameLines(a, b []push.Line) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(l push.Line) bool {
		i := slices.IndexFunc(b, func(m push.Line) bool { return m.OfferKey == l.OfferKey })
		return i < 0 || !b[i].Same(l)
	})
}

// items is the list of lines RetailCRM gets: a line it has by its id with the fields that
// changed (a changed discount replaces any percent discount), a new line by its offer with every
// field. What each line got, and the lines removed, are noted in sent.
func (r *pushRun) items(want, base []push.Line, sent map[string]lineSent) []retailcrm.OrderItem {
	tag := offerKeyTag(r.st.Catalog)
	out := make([]retailcrm.OrderItem, 0, len(want))
	for _, l := range want {
		ls := changedFields(l, base)
		it := retailcrm.OrderItem{ID: l.CRMItemID}
		if l.CRMItemID == 0 {
			it.Offer = offerRef(l.OfferKey, tag)
		}
		if ls.quantity {
			it.Quantity = retailcrm.Ptr(retailcrm.Decimal{Decimal: l.Quantity.Decimal})
		}
		if ls.price {
			it.InitialPrice = money(l.Price)
		}
		if ls.discount {
			it.DiscountManualAmount = money(l.UnitDiscount)
			it.DiscountManualPercent = retailcrm.Ptr(retailcrm.Decimal{})
		}
		if ls != (lineSent{}) {
			sent[l.OfferKey] = ls
		}
		out = append(out, it)
	}
	for _, b := range base {
		if !slices.ContainsFunc(want, func(l push.Line) bool { return l.CRMItemID == b.CRMItemID }) {
			sent[b.OfferKey] = lineSent{whole: true}
		}
	}
	return out
}

// changedFields tells what of a line RetailCRM lacks: every field of a line base has not (by its
// CRM item id), else the fields that differ.
func changedFields(l push.Line, base []push.Line) lineSent {
	i := slices.IndexFunc(base, func(b push.Line) bool { return l.CRMItemID != 0 && b.CRMItemID == l.CRMItemID })
	if i < 0 {
		return lineSent{whole: true, quantity: true, price: true, discount: true}
	}
	b := base[i]
	return lineSent{quantity: !b.Quantity.Equal(l.Quantity.Decimal), price: !b.Price.Equal(l.Price.Decimal),
		discount: !b.UnitDiscount.Equal(l.UnitDiscount.Decimal)}
}

// withItemIDs gives the new lines the ids of the items RetailCRM created for their offers.
func withItemIDs(lines []push.Line, items []retailcrm.OrderItem, tag string) []push.Line {
	out := slices.Clone(lines)
	for i := range out {
		j := slices.IndexFunc(items, func(it retailcrm.OrderItem) bool { return offerKey(it.Offer, tag) == out[i].OfferKey })
		if out[i].CRMItemID == 0 && j >= 0 {
			out[i].CRMItemID = items[j].ID
		}
	}
	return out
}

// offerRef addresses an offer by its key under tag.
func offerRef(key, tag string) *retailcrm.Offer {
	if tag == settings.OfferKeyXMLID {
		return &retailcrm.Offer{XMLID: key}
	}
	return &retailcrm.Offer{ExternalID: key}
}

// money is an amount as RetailCRM takes it.
func money(m onec.Money) *retailcrm.Decimal { return &retailcrm.Decimal{Decimal: m.Decimal} }
