package sync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/shopspring/decimal"

	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onecsim"
	"unfbridge/shared/push"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/runlog"
	"unfbridge/shared/settings"
	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
	"unfbridge/shared/sync/importtest"
)

// e2eFaults make 1C's exchange job send its outbox as a flaky network does: events sent two or
// three times, adjacent events swapped, answers lost (the event is sent again by the next run).
var e2eFaults = onecsim.Faults{Seed: 6, DuplicateEvents: 0.3, ReorderEvents: 0.3, LoseAnswer: 0.2}

// maxExchanges bounds the runs of 1C's exchange job that one step takes to empty the outbox.
const maxExchanges = 20

// writeCounter counts the writes to a store: an event refused must make none.
type writeCounter struct {
	store.Store
	n atomic.Int64
}

func (w *writeCounter) Put(ctx context.Context, it store.Item, c store.Condition) error {
	w.n.Add(1)
	return w.Store.Put(ctx, it, c)
}

func (w *writeCounter) Delete(ctx context.Context, k store.Key, c store.Condition) error {
	w.n.Add(1)
	return w.Store.Delete(ctx, k, c)
}

func (w *writeCounter) Write(ctx context.Context, ops []store.Op) error {
	w.n.Add(1)
	return w.Store.Write(ctx, ops)
}

// e2eEnv drives the push end to end, only as 1C and RetailCRM would: the orders imported from
// RetailCRM into the simulated 1C are changed, posted, paid, unposted and deleted by the 1C user;
// 1C's exchange job sends the events over HTTP with e2eFaults; the bridge pushes; RetailCRM must
// then hold what 1C holds, and the next history sync must queue nothing.
type e2eEnv struct {
	*pushEnv
	writes *writeCounter
	st     settings.Settings
	// initial are the CRM orders linked in 1C as imported, by id: what RetailCRM keeps of the
	// fields 1C does not map (an unmapped warehouse, a payment that is no 1C document).
	initial map[int64]retailcrm.Order
}

// newE2EEnv imports the demo orders and the pushEnv's order into 1C, with the push on and the
// given option for unposted payments.
func newE2EEnv(t *testing.T, paymentUnposted string) *e2eEnv {
	t.Helper()
	bolt, err := boltstore.Open(filepath.Join(t.TempDir(), "bridge.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bolt.Close() })
	w := &writeCounter{Store: bolt}
	e := &e2eEnv{pushEnv: newPushEnv(t, importtest.Options{Store: w, Faults: e2eFaults}), writes: w,
		initial: map[int64]retailcrm.Order{}}
	e.change(func(s *settings.Settings) { s.Push.PaymentUnposted = paymentUnposted })
	e.st = e.settings()
	for _, id := range e.linked() {
		e.initial[id] = e.crmOrderOf(id)
	}
	if len(e.initial) != 4 {
		t.Fatalf("1C holds %d orders of RetailCRM, want the 3 demo orders and the env's", len(e.initial))
	}
	return e
}

// linked returns the CRM orders 1C has a customer order of, by id.
func (e *e2eEnv) linked() []int64 {
	var ids []int64
	for _, d := range e.Sim.Documents() {
		if d.CRMOrderID != 0 {
			ids = append(ids, d.CRMOrderID)
		}
	}
	slices.Sort(ids)
	return ids
}

// demo returns the linked CRM orders but the env's own: the demo orders.
func (e *e2eEnv) demo() []int64 {
	return slices.DeleteFunc(e.linked(), func(id int64) bool { return id == e.order })
}

func (e *e2eEnv) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// edit changes a customer order as the 1C user does in its form and posts it.
func (e *e2eEnv) edit(crmOrderID int64, change func(o *onec.Order)) {
	e.t.Helper()
	e.must(e.Sim.EditOrder(crmOrderID, change))
	e.must(e.Sim.PostOrder(crmOrderID))
}

// step lets 1C send its outbox, pushes, and checks RetailCRM and the echo; it returns what 1C
// delivered.
func (e *e2eEnv) step(what string) []onecsim.Delivery {
	e.t.Helper()
	deliveries := e.exchange(what)
	e.push(what)
	e.check(what)
	e.noEcho(what)
	return deliveries
}

// exchange runs 1C's exchange job until its outbox is empty; every answer must be a 200 with a
// Russian message.
func (e *e2eEnv) exchange(what string) []onecsim.Delivery {
	e.t.Helper()
	var out []onecsim.Delivery
	for range maxExchanges {
		sent, _, err := e.Sim.Exchange(e.t.Context())
		if err != nil {
			e.t.Fatalf("%s: 1C exchange: %v", what, err)
		}
		out = append(out, sent.Deliveries...)
		if sent.Left == 0 {
			for _, d := range out {
				if !d.Lost && (d.HTTPStatus != http.StatusOK || !cyrillic(d.Message)) {
					e.t.Fatalf("%s: event %s (%s) answered %+v", what, d.EventID, d.Type, d)
				}
			}
			return out
		}
	}
	e.t.Fatalf("%s: 1C's outbox not empty after %d exchanges", what, maxExchanges)
	return nil
}

// push runs the scheduled push: it must leave no work pending and no failure.
func (e *e2eEnv) push(what string) {
	e.t.Helper()
	run, err := e.pusher.DrainDue(e.t.Context())
	if err != nil || !run.Complete {
		e.t.Fatalf("%s: push: %v (%+v)", what, err, run)
	}
	e.settled(what)
}

// settled fails unless no order has push work pending and no push failed.
func (e *e2eEnv) settled(what string) {
	e.t.Helper()
	pending, err := e.pusher.Push.Pending(e.t.Context())
	if err != nil || len(pending) != 0 || len(e.failures()) != 0 {
		e.t.Fatalf("%s: pending %+v (%v), failures %+v", what, pending, err, e.failures())
	}
}

// noEcho checks that the history sync after the push queues nothing for 1C.
func (e *e2eEnv) noEcho(what string) {
	e.t.Helper()
	if n := e.queued(); n != 0 {
		e.t.Fatalf("%s: the history sync after the push queued %d commands", what, n)
	}
	if rep := e.Pull(e.t); rep.Pulled != 0 {
		e.t.Fatalf("%s: 1C pulled %+v after the push", what, rep)
	}
}

// check compares every CRM order linked in 1C with its 1C document.
func (e *e2eEnv) check(what string) {
	e.t.Helper()
	for _, d := range e.Sim.Documents() {
		if d.CRMOrderID == 0 {
			continue
		}
		if have, want := crmState(e.crmOrderOf(d.CRMOrderID), e.paymentRefs(d.CRMOrderID)), e.want(d); have != want {
			e.t.Errorf("%s: CRM order %d differs from 1C:\nhave %s\nwant %s", what, d.CRMOrderID, have, want)
		}
	}
	if e.t.Failed() {
		e.t.FailNow()
	}
}

// paymentRefs are the references of the payment documents 1C has of a CRM order.
func (e *e2eEnv) paymentRefs(crmOrderID int64) []string {
	var refs []string
	for _, p := range e.Sim.Payments(crmOrderID) {
		refs = append(refs, p.Ref)
	}
	return refs
}

// crmState describes a CRM order in what the push sends: status, shipment store, delivery cost,
// the lines (offer, quantity, initial price, discount of the line) and the payments (type,
// amount, status; those of 1C documents by their reference as externalId, others by id).
func crmState(o retailcrm.Order, refs []string) string {
	var lines, payments []string
	for _, it := range o.Items {
		q := crmDecimal(it.Quantity)
		lines = append(lines, line(it.Offer.ExternalID, q, crmDecimal(it.InitialPrice), crmDecimal(it.DiscountTotal).Mul(q)))
	}
	for _, p := range o.Payments {
		key := "id " + strconv.FormatInt(p.ID, 10)
		if slices.Contains(refs, p.ExternalID) {
			key = p.ExternalID
		}
		payments = append(payments, payment(key, p.Type, crmDecimal(p.Amount), p.Status))
	}
	cost := decimal.Zero
	if o.Delivery != nil {
		cost = crmDecimal(o.Delivery.Cost)
	}
	return described(o.Status, o.ShipmentStore, cost, lines, payments)
}

// want describes what RetailCRM must hold of a 1C document: the status of its state by the
// export statuses table (the cancel status once unposted or deleted), the store of its
// warehouse by the warehouses table, its delivery cost, its lines merged by offer, and its
// payment documents (posted: paid; unposted or deleted: not paid, or none with the delete
// option) beside the CRM payments that are no 1C document. What 1C does not map is what
// RetailCRM had.
func (e *e2eEnv) want(d onecsim.Document) string {
	was := e.initial[d.CRMOrderID]
	status := codeOf(e.st.Tables.StatusesExport, d.Order.State, statusRow)
	switch {
	case !d.Posted:
		status = e.st.Push.CancelStatus
	case status == "":
		status = was.Status
	}
	shipment := codeOf(e.st.Tables.Warehouses, d.Order.Warehouse, warehouseRow)
	if shipment == "" {
		shipment = was.ShipmentStore
	}
	cost := crmDecimal(was.Delivery.Cost)
	if d.Order.Delivery != nil {
		cost = d.Order.Delivery.Cost.Decimal
	}
	var lines, payments []string
	for _, it := range mergedLines(d.Order.Items) {
		lines = append(lines, line(it.OfferKey, it.Quantity.Decimal, it.Price.Decimal, it.Discount.Decimal))
	}
	docs := e.Sim.Payments(d.CRMOrderID)
	for _, p := range was.Payments {
		if !slices.ContainsFunc(docs, func(doc onecsim.Payment) bool { return doc.CRMPaymentID == p.ID }) {
			payments = append(payments, payment("id "+strconv.FormatInt(p.ID, 10), p.Type, crmDecimal(p.Amount), p.Status))
		}
	}
	for _, doc := range docs {
		key, typ, paid := doc.Ref, doc.CRMType, e.st.Push.PaidStatus
		if doc.CRMPaymentID != 0 {
			key = "id " + strconv.FormatInt(doc.CRMPaymentID, 10)
		}
		if typ == "" {
			typ = importtest.PaymentTypes[doc.Kind]
		}
		if !doc.Posted {
			if e.st.Push.PaymentUnposted == settings.PaymentUnpostedDelete {
				continue
			}
			paid = e.st.Push.NotPaidStatus
		}
		payments = append(payments, payment(key, typ, doc.Amount.Decimal, paid))
	}
	return described(status, shipment, cost, lines, payments)
}

// mergedLines are the lines of a 1C order with those of one offer merged, as RetailCRM gets them.
func mergedLines(items []onec.OrderItem) []onec.OrderItem {
	var out []onec.OrderItem
	for _, it := range items {
		i := slices.IndexFunc(out, func(o onec.OrderItem) bool { return o.OfferKey == it.OfferKey })
		if i < 0 {
			out = append(out, it)
			continue
		}
		out[i].Quantity = onec.NewQuantity(out[i].Quantity.Add(it.Quantity.Decimal))
		out[i].Discount = onec.NewMoney(out[i].Discount.Add(it.Discount.Decimal))
	}
	return out
}

func line(offer string, qty, price, discount decimal.Decimal) string {
	return itemLine(offer, qty, price) + " −" + discount.StringFixed(2)
}

func payment(key, typ string, amount decimal.Decimal, status string) string {
	return fmt.Sprintf("%s: %s %s %s", key, typ, amount.StringFixed(2), status)
}

func described(status, shipment string, cost decimal.Decimal, lines, payments []string) string {
	slices.Sort(lines)
	slices.Sort(payments)
	return fmt.Sprintf("status %s, store %q, delivery %s\n  lines %q\n  payments %q", status, shipment,
		cost.StringFixed(2), lines, payments)
}

// TestPushEndToEnd: orders imported from RetailCRM are changed in 1C (state, warehouse, delivery
// cost, lines added, removed and merged, quantities, prices, discounts), paid with each kind of
// payment document (each payment event delivered three times, the first push's create carried
// out by RetailCRM with its answer lost), the payments re-posted, unposted and deleted, the
// orders unposted, deleted and posted again; 1C sends its events with duplicates, swaps and lost
// answers. After every step RetailCRM holds exactly what 1C holds, every 1C payment is one CRM
// payment, and the history sync queues nothing. An order born in 1C is ignored, and the run log
// says why.
func TestPushEndToEnd(t *testing.T) {
	for _, mode := range []string{settings.PaymentUnpostedNotPaid, settings.PaymentUnpostedDelete} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			e := newE2EEnv(t, mode)
			e.changeOrders()
			paid := e.payEach()
			e.withdrawPayments(paid)
			e.cancelOrders()
			if s := e.Sim.SendStats(); s.Repeated == 0 || s.Reordered == 0 || s.LostAnswers == 0 {
				t.Fatalf("1C's faults did not all happen: %+v", s)
			}
		})
	}
}

// changeOrders changes and posts the orders in 1C: the env's order gets another state,
// warehouse, delivery cost, price, quantity and discount and a new line; the first demo order
// loses a line and gets a second line of its other offer at the same price (merged); the second
// is posted unchanged; the third gets another state and delivery cost. An order born in 1C is
// posted too.
func (e *e2eEnv) changeOrders() {
	demo := e.demo()
	e.edit(e.order, func(o *onec.Order) {
		o.State = e.stateOf("assembling")
		o.Warehouse = refOf(e.t, e.st.Tables.Warehouses, "second", warehouseRow)
		o.Delivery.Cost = money("350.00")
		lineOf(e.t, o, kettle).Price = money("2400.00")
		mugLine := lineOf(e.t, o, mug)
		mugLine.Quantity, mugLine.Discount = qty("6"), money("60.00")
		product := pillow
		o.Items = append(o.Items, onec.OrderItem{OfferKey: pillow, ProductBy: onec.ProductByGUID, Product: &product,
			Name: "Подушка 50×70", Quantity: qty("3"), Price: money("800.00"), Discount: money("30.00")})
	})
	e.edit(demo[0], func(o *onec.Order) {
		o.Items = o.Items[1:]
		again := o.Items[0]
		again.CRMItemID, again.Quantity, again.Discount = 0, qty("2"), money("12.00")
		o.Items = append(o.Items, again)
		o.State = e.stateOf("client-confirmed")
	})
	e.must(e.Sim.PostOrder(demo[1]))
	e.edit(demo[2], func(o *onec.Order) {
		o.State = e.stateOf("assembling-complete")
		o.Delivery.Cost = money("400.00")
	})
	_, err := e.Sim.CreateLocalOrder(e.OrderPayload(e.t, e.order))
	e.must(err)

	deliveries := e.step("orders changed in 1C")
	if !slices.ContainsFunc(deliveries, func(d onecsim.Delivery) bool {
		return d.Status == "ignored" && strings.Contains(d.Message, "создан в 1С")
	}) {
		e.t.Fatalf("the order born in 1C was not answered ignored: %+v", deliveries)
	}
	runs, err := e.pusher.Runs.Latest(e.t.Context(), push.Flow, 50)
	if err != nil || !slices.ContainsFunc(runs, func(r runlog.Run) bool {
		return slices.ContainsFunc(r.Messages, func(m string) bool { return strings.Contains(m, "создан в 1С") })
	}) {
		e.t.Fatalf("the run log does not say why the order born in 1C is not exported: %+v %v", runs, err)
	}
}

// payEach posts a payment of every order, of each kind in turn, each delivered three times and
// its first push's create carried out by RetailCRM but its answer lost; it returns the payment
// documents' references, in the order of linked.
func (e *e2eEnv) payEach() []string {
	kinds := []string{onec.DocCashReceipt, onec.DocBankReceipt, onec.DocCardPayment}
	var refs []string
	for i, id := range e.linked() {
		amount := dec("1000.00").Add(dec("111.11").Mul(decimal.NewFromInt(int64(i))))
		ref, err := e.Sim.PostPayment(id, kinds[i%len(kinds)], amount, nil)
		e.must(err)
		e.deliverThrice(id, ref)
		refs = append(refs, ref)
	}
	e.check("payments posted")
	e.noEcho("payments posted")
	return refs
}

// deliverThrice delivers the payment event 1C just queued three times: twice as a proxy
// repeating 1C's request would, with a push after each, then by 1C's exchange job. RetailCRM
// carries out the first push's create and drops its connection.
func (e *e2eEnv) deliverThrice(crmOrderID int64, ref string) {
	e.t.Helper()
	box := e.Sim.Outbox()
	ev := box[len(box)-1]
	if len(box) != 1 || ev.Type != onec.TypePaymentPosted || ev.Object.Ref != ref {
		e.t.Fatalf("1C's outbox %+v, want the payment %s only", box, ref)
	}
	seen := len(e.Sandbox.Requests())
	e.Sandbox.FailNext(sandbox.FaultApplyThenDrop, 1)
	for i := range 2 {
		if a := e.PostEvent(e.t, ev); a.HTTPStatus != http.StatusOK || a.Duplicate != (i == 1) {
			e.t.Fatalf("delivery %d of payment %s: %+v", i+1, ref, a)
		}
		if _, err := e.pusher.Drain(e.t.Context(), []int64{crmOrderID}); err != nil {
			e.t.Fatalf("push of payment %s: %v", ref, err)
		}
	}
	if d := e.exchange("payment " + ref); !d[0].Duplicate {
		e.t.Fatalf("1C's delivery of payment %s was not answered as a duplicate: %+v", ref, d)
	}
	e.push("payment " + ref)
	dropped := slices.ContainsFunc(e.Sandbox.Requests()[seen:], func(r sandbox.Request) bool {
		return strings.HasSuffix(r.Path, "/orders/payments/create") && r.Status == 0
	})
	if !dropped {
		e.t.Fatalf("no create of payment %s was dropped", ref)
	}
}

// withdrawPayments re-posts, unposts and deletes payments in 1C: of those paid (by payEach) and
// of those imported from RetailCRM; then it posts an unposted one again.
func (e *e2eEnv) withdrawPayments(paid []string) {
	e.must(e.Sim.RepostPayment(paid[0], dec("1234.50")))
	e.must(e.Sim.UnpostPayment(paid[1]))
	e.must(e.Sim.DeletePayment(paid[2]))
	demo := e.demo()
	e.must(e.Sim.UnpostPayment(e.importedPayment(e.order)))
	e.must(e.Sim.RepostPayment(e.importedPayment(demo[1]), dec("2000.00")))
	e.step("payments re-posted, unposted and deleted")
	e.must(e.Sim.RepostPayment(paid[1], dec("4000.00")))
	e.step("an unposted payment posted again")
}

// importedPayment returns the reference of the payment document imported from RetailCRM for a
// CRM order.
func (e *e2eEnv) importedPayment(crmOrderID int64) string {
	e.t.Helper()
	for _, p := range e.Sim.Payments(crmOrderID) {
		if p.CRMPaymentID != 0 {
			return p.Ref
		}
	}
	e.t.Fatalf("1C has no payment of CRM order %d imported from RetailCRM", crmOrderID)
	return ""
}

// cancelOrders unposts a demo order and deletes another (both get the cancel status), then posts
// the unposted one again.
func (e *e2eEnv) cancelOrders() {
	demo := e.demo()
	e.must(e.Sim.UnpostOrder(demo[0]))
	e.must(e.Sim.DeleteOrder(demo[2]))
	e.step("orders unposted and deleted")
	e.must(e.Sim.PostOrder(demo[0]))
	e.step("an unposted order posted again")
}

// bridgeState is what a refused event must leave as it is: the writes to the bridge's store,
// the requests RetailCRM received and its orders.
type bridgeState struct {
	writes   int64
	requests int
	orders   string
}

func (e *e2eEnv) bridgeState() bridgeState {
	var orders strings.Builder
	for _, id := range e.linked() {
		data, _ := e.Sandbox.OrderJSON(int(id))
		orders.Write(data)
	}
	return bridgeState{writes: e.writes.n.Load(), requests: len(e.Sandbox.Requests()), orders: orders.String()}
}

// altered returns a copy of a 1C event with a new event id and its payload changed.
func altered(t *testing.T, ev onec.Envelope, change func(payload map[string]any)) onec.Envelope {
	t.Helper()
	var payload map[string]any
	if err := json.Unmarshal(ev.Payload, &payload); err != nil {
		t.Fatal(err)
	}
	change(payload)
	data, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	ev.EventID, ev.Payload = onec.NewGUID(), data
	return ev
}

// setField returns a change of a payload's field.
func setField(field string, v any) func(map[string]any) {
	return func(m map[string]any) { m[field] = v }
}

// TestPushEndToEndBadEvents: a payment of a 1C order the bridge never linked, malformed amounts
// and a wrong or missing token get a clear 4xx in Russian and change nothing in the bridge's
// store or in RetailCRM; 1C's genuine events then go through.
func TestPushEndToEndBadEvents(t *testing.T) {
	e := newE2EEnv(t, settings.PaymentUnpostedNotPaid)
	local, err := e.Sim.CreateLocalOrder(e.OrderPayload(t, e.order))
	e.must(err)
	_, err = e.Sim.PostPayment(e.order, onec.DocCashReceipt, dec("100.00"), nil)
	e.must(err)
	e.edit(e.order, func(o *onec.Order) { lineOf(t, o, kettle).Quantity = qty("5") })
	box := e.Sim.Outbox()
	pay, order := box[1], box[2]
	before := e.bridgeState()
	for _, c := range []struct {
		name   string
		ev     onec.Envelope
		token  string
		status int
		code   string
	}{
		{"payment of an order never linked", altered(t, pay, setField("order", local)), importtest.OnecToken, 422, "unknown_order"},
		{"amount with a comma", altered(t, pay, setField("amount", "12,50")), importtest.OnecToken, 422, "validation_failed"},
		{"amount in words", altered(t, pay, setField("amount", "сто")), importtest.OnecToken, 422, "validation_failed"},
		{"negative amount", altered(t, pay, setField("amount", "-100.00")), importtest.OnecToken, 422, "validation_failed"},
		{"fractions of a kopeck", altered(t, pay, setField("amount", "100.005")), importtest.OnecToken, 422, "validation_failed"},
		{"price with fractions of a kopeck", altered(t, order, func(m map[string]any) {
			m["items"].([]any)[0].(map[string]any)["price"] = "2490.001"
		}), importtest.OnecToken, 422, "validation_failed"},
		{"wrong token", pay, "not-the-1c-token", http.StatusForbidden, "forbidden"},
		{"no token", pay, "", http.StatusUnauthorized, "unauthorized"},
	} {
		a := e.PostEventAs(t, c.ev, c.token)
		if a.HTTPStatus != c.status || a.Error.Code != c.code || !cyrillic(a.Error.Message) {
			t.Errorf("%s: answered %d %+v, want %d %s in Russian", c.name, a.HTTPStatus, a.Error, c.status, c.code)
		}
		if after := e.bridgeState(); after != before {
			t.Errorf("%s changed the bridge: %+v, before %+v", c.name, after, before)
		}
	}
	e.settled("bad events")
	e.step("1C's genuine events")
}
