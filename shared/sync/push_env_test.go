package sync_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"unfbridge/shared/onec"
	"unfbridge/shared/push"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/runlog"
	"unfbridge/shared/settings"
	"unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
)

// Offers of the demo catalog (their externalIds) and their base prices.
const (
	kettle = "5f0d6b1e-7a3c-11ee-8c90-0242ac120002" // 2490
	mug    = "5f0d6e3e-7a3c-11ee-8c90-0242ac120002" // 390
	pillow = "8d2f3b50-7a3c-11ee-8c90-0242ac120002" // 850
)

// pushOptions are the push options of the tests.
var pushOptions = settings.Push{CancelStatus: "cancel-other", PaymentUnposted: settings.PaymentUnpostedNotPaid,
	PaidStatus: "paid", NotPaidStatus: "not-paid"}

// pushEnv is a bridge with the push on and one CRM order imported into 1C: 2 kettles, 4 mugs
// with 10.00 off each, courier delivery for 300, status "new", shipment store "main", a paid
// cash payment of 500 (a 1C payment document).
type pushEnv struct {
	*importtest.Bridge
	t      *testing.T
	clock  *shiftClock
	pusher *sync.Pusher
	order  int64
	// events counts the events posted, to date them one second apart.
	mu     gosync.Mutex
	events int
}

func newPushEnv(t *testing.T, o importtest.Options) *pushEnv {
	t.Helper()
	b := importtest.New(t, o)
	b.EnablePush(t, pushOptions)
	id, err := b.Sandbox.CreateAsUser(sandbox.DemoSite, 0, fmt.Sprintf(`{"firstName": "Пётр", "lastName": "Тестов",
		"phone": "+79990001122", "status": "new", "shipmentStore": "main",
		"items": [{"offer": {"externalId": %q}, "quantity": 2}, {"offer": {"externalId": %q}, "quantity": 4, "discountManualAmount": 10}],
		"delivery": {"code": "courier", "cost": 300},
		"payments": [{"type": "cash", "status": "paid", "amount": 500, "paidAt": "2026-11-20 12:00:00"}]}`, kettle, mug))
	if err != nil {
		t.Fatal(err)
	}
	b.SyncAll(t)
	b.Pull(t)
	clock := &shiftClock{}
	e := &pushEnv{Bridge: b, t: t, clock: clock, pusher: b.Pusher(clock.Now), order: int64(id)}
	b.Sandbox.ResetRequests()
	return e
}

// shiftClock is the real time shifted by what the test advanced it.
type shiftClock struct {
	mu    gosync.Mutex
	shift time.Duration
}

func (c *shiftClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.shift)
}

func (c *shiftClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.shift += d
}

// occurred dates the next event: one second after the previous one, in the past.
func (e *pushEnv) occurred() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.events++
	return time.Now().Add(-time.Hour).Add(time.Duration(e.events) * time.Second)
}

// order1C is the 1C order of the env's CRM order, as an order event carries it.
func (e *pushEnv) order1C() onec.Order { return e.OrderPayload(e.t, e.order) }

// payment1C returns a new posted 1C payment document of the env's order.
func (e *pushEnv) payment1C(doc, amount string) onec.Payment {
	return onec.Payment{Ref: onec.NewGUID(), Document: doc, Number: "ПКО-000017", Date: "2026-11-29T10:05:00+03:00",
		Posted: true, Amount: money(amount), Order: *e.order1C().Ref}
}

// imported returns the 1C payment document the import made of the order's CRM payment.
func (e *pushEnv) imported() onec.Payment {
	e.t.Helper()
	pays := e.Sim.Payments(e.order)
	if len(pays) != 1 {
		e.t.Fatalf("1C has %d payments of the order, want 1", len(pays))
	}
	p := pays[0]
	return onec.Payment{Ref: p.Ref, Document: p.Kind, Number: p.Number, Date: p.PaidAt, Posted: true,
		Amount: p.Amount, Order: p.Order, CRMPaymentType: &p.CRMType, CRMPaymentID: p.CRMPaymentID}
}

// crmPayments returns the payments of the env's CRM order.
func (e *pushEnv) crmPayments() []retailcrm.Payment { return e.crmOrder().Payments }

// paymentWith returns the CRM payments of the order with the externalId.
func (e *pushEnv) paymentsWith(externalID string) []retailcrm.Payment {
	return slices.DeleteFunc(e.crmPayments(), func(p retailcrm.Payment) bool { return p.ExternalID != externalID })
}

// postOrder posts an order event of o and fails unless it is applied.
func (e *pushEnv) postOrder(typ onec.EventType, o onec.Order) importtest.EventAnswer {
	e.t.Helper()
	return e.applied(e.PostEvent(e.t, importtest.Event(typ, e.occurred(), *o.Ref, o)))
}

// postPayment posts a payment event of p and fails unless it is applied.
func (e *pushEnv) postPayment(typ onec.EventType, p onec.Payment) importtest.EventAnswer {
	e.t.Helper()
	return e.applied(e.PostEvent(e.t, importtest.Event(typ, e.occurred(), p.Ref, p)))
}

func (e *pushEnv) applied(a importtest.EventAnswer) importtest.EventAnswer {
	e.t.Helper()
	if a.HTTPStatus != http.StatusOK || a.Answer.Status != "applied" || !cyrillic(a.Answer.Message) {
		e.t.Fatalf("event answered %d %+v %+v, want applied", a.HTTPStatus, a.Answer, a.Error)
	}
	return a
}

// drain pushes the env's order and returns the run.
func (e *pushEnv) drain() runlog.Run {
	e.t.Helper()
	run, err := e.pusher.Drain(e.t.Context(), []int64{e.order})
	if err != nil {
		e.t.Fatalf("drain: %v (%+v)", err, run)
	}
	return run
}

// crmOrder reads the env's order from RetailCRM.
func (e *pushEnv) crmOrder() retailcrm.Order {
	e.t.Helper()
	return e.crmOrderOf(e.order)
}

// crmOrderOf reads a CRM order from RetailCRM.
func (e *pushEnv) crmOrderOf(id int64) retailcrm.Order {
	e.t.Helper()
	o, err := e.CRM(e.t).Order(e.t.Context(), retailcrm.ByID(id, sandbox.DemoSite))
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

// edits returns the entities of the POSTs RetailCRM received whose path ends with suffix, each
// form field decoded from JSON when it is JSON.
func (e *pushEnv) edits(suffix string) []map[string]any {
	var out []map[string]any
	for _, r := range e.Sandbox.Requests() {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.Path, suffix) {
			continue
		}
		form := map[string]any{}
		for k := range r.Form {
			var v any
			if json.Unmarshal([]byte(r.Form.Get(k)), &v) != nil {
				v = r.Form.Get(k)
			}
			form[k] = v
		}
		out = append(out, form)
	}
	return out
}

// orderEdits are the edits of the env's order RetailCRM received: their "order" entities.
func (e *pushEnv) orderEdits() []map[string]any {
	var out []map[string]any
	for _, f := range e.edits(fmt.Sprintf("/orders/%d/edit", e.order)) {
		out = append(out, f["order"].(map[string]any))
	}
	return out
}

// stateOf is the 1C order state the test settings map to the CRM status code.
func (e *pushEnv) stateOf(code string) *string {
	e.t.Helper()
	return refOf(e.t, e.settings().Tables.StatusesExport, code, statusRow)
}

// settings are the bridge's settings.
func (e *pushEnv) settings() settings.Settings {
	e.t.Helper()
	st, err := e.Setup.Repo.Load(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return st.Settings
}

// mappingRow is a row of a settings table that maps a 1C reference to a CRM code.
type mappingRow[T any] func(T) (*onec.Ref, string)

func statusRow(r settings.StatusExport) (*onec.Ref, string) { return r.State, r.CRMCode }

func warehouseRow(r settings.Warehouse) (*onec.Ref, string) { return r.Warehouse, r.CRMCode }

// refOf is the 1C reference a settings table maps to the CRM code.
func refOf[T any](t testing.TB, rows []T, code string, row mappingRow[T]) *string {
	t.Helper()
	for _, r := range rows {
		if ref, c := row(r); c == code && ref != nil {
			out := ref.Ref
			return &out
		}
	}
	t.Fatalf("no row of %s in the settings table", code)
	return nil
}

// codeOf is the CRM code a settings table maps the 1C reference to; "" when none.
func codeOf[T any](rows []T, ref *string, row mappingRow[T]) string {
	for _, r := range rows {
		if to, code := row(r); ref != nil && to != nil && to.Ref == *ref {
			return code
		}
	}
	return ""
}

// change changes the settings.
func (e *pushEnv) change(fn func(*settings.Settings)) {
	e.t.Helper()
	if _, err := e.Setup.Repo.Update(e.t.Context(), func(st *settings.State) error { fn(&st.Settings); return nil }); err != nil {
		e.t.Fatal(err)
	}
}

// work returns the work item of the env's order; false when it has no work pending.
func (e *pushEnv) work() (push.Work, bool) {
	e.t.Helper()
	w, found, err := e.pusher.Push.Work(e.t.Context(), e.order)
	if err != nil {
		e.t.Fatal(err)
	}
	return w, found
}

// failures returns the failed pushes.
func (e *pushEnv) failures() []push.Failure {
	e.t.Helper()
	f, err := e.pusher.Failed(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

// itemOf returns the line of the CRM order with the offer.
func itemOf(t *testing.T, o retailcrm.Order, offer string) retailcrm.OrderItem {
	t.Helper()
	i := slices.IndexFunc(o.Items, func(it retailcrm.OrderItem) bool { return it.Offer != nil && it.Offer.ExternalID == offer })
	if i < 0 {
		t.Fatalf("order %d has no line of offer %s: %+v", o.ID, offer, o.Items)
	}
	return o.Items[i]
}

// lineOf returns the 1C line of an offer.
func lineOf(t testing.TB, o *onec.Order, offer string) *onec.OrderItem {
	t.Helper()
	i := slices.IndexFunc(o.Items, func(it onec.OrderItem) bool { return it.OfferKey == offer })
	if i < 0 {
		t.Fatalf("1C order has no line of offer %s", offer)
	}
	return &o.Items[i]
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func money(s string) onec.Money { return onec.NewMoney(dec(s)) }

func qty(s string) onec.Quantity { return onec.NewQuantity(dec(s)) }

func cyrillic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r >= 'А' && r <= 'я' || r == 'ё' || r == 'Ё' })
}

// keysOf returns the sorted keys of an entity.
func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
