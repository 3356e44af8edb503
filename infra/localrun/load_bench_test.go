package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"unfbridge/shared/admin"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onecsim"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/runlog"
	"unfbridge/shared/settings"
	"unfbridge/shared/sync/importtest"
)

// The load of BenchmarkGatewayLoad (README, "1C events under load").
const (
	loadRate     = 200 // events/s
	loadDuration = 30 * time.Second
	loadSenders  = 16
	// loadEditEvery: one event in loadEditEvery is an order edit, the others new payments.
	loadEditEvery = 4
	// loadSandboxRate lifts the sandbox's rate limit (and the bridge's budget) from RetailCRM's
	// 10 requests/s, which would pace the pushes of 4,500 payments over 7.5 minutes: the test
	// measures the gateway's acknowledgements and exactly-once delivery, not the budget.
	loadSandboxRate = 1000
	// loadDrainLimit bounds the wait for the pushes after the last event.
	loadDrainLimit = 5 * time.Minute
)

// loadPush are the push options of the load.
var loadPush = settings.Push{CancelStatus: "cancel-other", PaymentUnposted: settings.PaymentUnpostedNotPaid,
	PaidStatus: "paid", NotPaidStatus: "not-paid"}

// loadStates are the CRM statuses the order edits of the load cycle through (by their 1C states).
var loadStates = []string{"availability-confirmed", "client-confirmed", "assembling", "assembling-complete"}

// BenchmarkGatewayLoad runs the local runner in-process with its RetailCRM sandbox, configures it
// through the admin API as a user does, imports the demo orders into a simulated 1C, then sends
// loadRate events/s for loadDuration from loadSenders concurrent senders over loopback: new
// payments (each its own document) and edits of the orders. It measures the acknowledgement
// latency of every event (the round trip of POST /onec/v1/events), waits for the pushes, and
// checks that every payment is exactly one CRM payment and every order is in RetailCRM what 1C
// last posted. A duplicate or a missing payment fails it; latency is reported, never failed on.
// One load whatever b.N.
func BenchmarkGatewayLoad(b *testing.B) {
	r := startLoadRunner(b)
	st := r.configure(b)
	sim := r.import1C(b)
	g := newLoadGen(b, sim, st)
	b.ResetTimer()
	sent := r.send(b, g)
	drain, v := r.awaitPushed(b, g)
	b.StopTimer()

	lat := sent.latencies
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	p50, p99, maxLat := ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), ms(lat[len(lat)-1])
	b.ReportMetric(float64(len(lat)), "events")
	b.ReportMetric(float64(len(lat))/sent.elapsed.Seconds(), "events_per_s")
	b.ReportMetric(p50, "p50_ms")
	b.ReportMetric(p99, "p99_ms")
	b.ReportMetric(maxLat, "max_ms")
	b.ReportMetric(drain.Seconds(), "drain_s")
	b.ReportMetric(float64(v.pushed), "pushed_payments")
	b.ReportMetric(float64(v.duplicates), "duplicates")
	b.ReportMetric(float64(v.missing), "missing")
	b.Logf("%d events (%d payments, %d order edits) in %v (%.1f/s) from %d senders; acknowledgement p50 %.1f ms, "+
		"p99 %.1f ms (target ≤ 50 ms), max %.1f ms; %d answers other than 200 (sent again); pushed within %.1f s after "+
		"the last event: %d CRM payments, %d duplicates, %d missing, %d differences from 1C",
		len(lat), len(g.payments), len(lat)-len(g.payments), sent.elapsed.Round(time.Millisecond),
		float64(len(lat))/sent.elapsed.Seconds(), loadSenders, p50, p99, maxLat, sent.refused, drain.Seconds(),
		v.pushed, v.duplicates, v.missing, len(v.off))
	if v.duplicates != 0 || v.missing != 0 || len(v.off) != 0 {
		b.Fatalf("not exactly once: %d duplicates, %d missing payments; differences: %s", v.duplicates, v.missing,
			strings.Join(v.off, "; "))
	}
}

// loadRunner is the local runner serving in-process: its base URL, the admin token and 1C's.
type loadRunner struct {
	base, token, onecToken string
}

// startLoadRunner starts run() on a free loopback port with a fresh data folder, a schedule long
// enough for the demo 1C and the scheduled jobs to stay idle (the push stream still pushes every
// pushPoll), and the sandbox's rate lifted to loadSandboxRate.
func startLoadRunner(b *testing.B) *loadRunner {
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	lines := scanLines(out)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, options{tick: time.Hour, addr: "127.0.0.1:0", dataDir: b.TempDir(), logLevel: "info",
			sandboxRate: loadSandboxRate}, w, io.Discard)
		w.Close()
	}()
	b.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			b.Errorf("runner: %v", err)
		}
	})
	base := runnerURL(b, lines)
	return &loadRunner{base: base, token: adminToken(b, lines)}
}

// do calls the admin API and decodes a 200 answer into out (when not nil).
func (r *loadRunner) do(b *testing.B, method, path string, body, out any) {
	b.Helper()
	status, data := call(b, method, r.base+path, r.token, body)
	if status != http.StatusOK {
		b.Fatalf("%s %s: %d %s", method, path, status, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			b.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// configure sets the bridge up through the admin API as a user does: the constants and the
// connection to the runner's sandbox with the demo key, every table loaded from RetailCRM and
// its 1C side filled (as importtest fills it), order import and export, payment import and
// export on, the push options. It returns the settings.
func (r *loadRunner) configure(b *testing.B) settings.Settings {
	ref := importtest.New(b, importtest.Options{})
	ref.EnablePush(b, loadPush)
	st, err := ref.Setup.Repo.Load(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	conn := importtest.Constants()
	conn.AccountURL, conn.SiteCode = r.base+sandboxPrefix, sandbox.DemoSite
	var view struct{ Verified bool }
	r.do(b, "PUT", "/admin/v1/settings/connection", admin.ConnectionInput{Connection: conn, APIKey: sandbox.DemoAPIKey}, &view)
	if !view.Verified {
		b.Fatal("the connection to the sandbox is not verified")
	}
	for _, name := range settings.TableNames {
		r.do(b, "POST", "/admin/v1/settings/tables/"+name+"/load", nil, nil)
		rows, _ := st.Settings.Tables.Rows(name)
		r.do(b, "PUT", "/admin/v1/settings/tables/"+name, rows, nil)
	}
	r.do(b, "PUT", "/admin/v1/settings/flags", st.Settings.Flags, nil)
	r.do(b, "PUT", "/admin/v1/settings/push", st.Settings.Push, nil)
	r.do(b, "PUT", "/admin/v1/settings/history", st.Settings.History, nil)
	return st.Settings
}

// import1C imports the demo orders, gives 1C a new token and lets a simulated 1C apply them.
func (r *loadRunner) import1C(b *testing.B) *onecsim.Sim {
	for run := (runlog.Run{}); !run.Complete; {
		r.do(b, "POST", "/admin/v1/actions/import-orders", nil, &run)
		if run.Error != "" {
			b.Fatalf("import: %+v", run)
		}
	}
	var rotated admin.Rotated
	r.do(b, "POST", "/admin/v1/secrets/onec-token/rotate", nil, &rotated)
	r.onecToken = rotated.Value
	sim := onecsim.New(onecsim.Options{BaseURL: r.base, Token: rotated.Value})
	if rep, err := sim.Sync(b.Context()); err != nil || rep.Applied == 0 {
		b.Fatalf("1C applied %+v: %v", rep, err)
	}
	return sim
}

// loadGen makes the events of the load as the 1C user would: payments posted for the orders,
// each a new document, and edits of the orders (the first line's quantity and discount, the
// state, the delivery cost) posted.
type loadGen struct {
	sim    *onecsim.Sim
	orders []int64
	// refs are the 1C references of the orders, states the 1C states of loadStates, codes the
	// CRM status of each 1C state by the export statuses table.
	refs   map[int64]string
	states []string
	codes  map[string]string
	edits  map[int64]int
	// payments are the documents of the payment events, in the order made.
	payments []loadPayment
	// last is when the last event occurred: every event occurs later.
	last time.Time
}

type loadPayment struct {
	crmOrderID int64
	doc        onec.Payment
}

func newLoadGen(b *testing.B, sim *onecsim.Sim, st settings.Settings) *loadGen {
	g := &loadGen{sim: sim, refs: map[int64]string{}, codes: map[string]string{}, edits: map[int64]int{}}
	for _, d := range sim.Documents() {
		g.orders, g.refs[d.CRMOrderID] = append(g.orders, d.CRMOrderID), d.Ref
	}
	for _, row := range st.Tables.StatusesExport {
		g.codes[row.State.Ref] = row.CRMCode
		if slices.Contains(loadStates, row.CRMCode) {
			g.states = append(g.states, row.State.Ref)
		}
	}
	if len(g.orders) == 0 || len(g.states) != len(loadStates) {
		b.Fatalf("1C has orders %v, states %v", g.orders, g.states)
	}
	return g
}

// next returns the body of the n-th event.
func (g *loadGen) next(b *testing.B, n int) []byte {
	id := g.orders[n%len(g.orders)]
	at := time.Now()
	if !at.After(g.last) {
		at = g.last.Add(time.Microsecond)
	}
	g.last = at
	var ev onec.Envelope
	if n%loadEditEvery == loadEditEvery-1 {
		ev = g.edit(b, id, at)
	} else {
		ev = g.pay(id, n, at)
	}
	body, err := json.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// paymentKinds are the 1C payment documents, each paid in turn.
var paymentKinds = []string{onec.DocCashReceipt, onec.DocBankReceipt, onec.DocCardPayment}

// pay posts a new payment of 100.00 to 189.99 for the order.
func (g *loadGen) pay(id int64, n int, at time.Time) onec.Envelope {
	p := onec.Payment{Ref: onec.NewGUID(), Document: paymentKinds[n/len(g.orders)%len(paymentKinds)],
		Number: fmt.Sprintf("НГ-%06d", n), Date: at.Format(time.RFC3339), Posted: true,
		Amount: onec.NewMoney(decimal.New(int64(10000+n%9000), -2)), Order: g.refs[id]}
	g.payments = append(g.payments, loadPayment{crmOrderID: id, doc: p})
	return importtest.Event(onec.TypePaymentPosted, at, p.Ref, p)
}

// edit changes the order in 1C and posts it.
func (g *loadGen) edit(b *testing.B, id int64, at time.Time) onec.Envelope {
	k := g.edits[id]
	g.edits[id]++
	err := g.sim.EditOrder(id, func(o *onec.Order) {
		q := decimal.NewFromInt(int64(1 + k%5))
		it := &o.Items[0]
		it.Quantity, it.Discount = onec.NewQuantity(q), onec.NewMoney(q.Mul(decimal.NewFromInt(10)))
		state := g.states[k%len(g.states)]
		o.State = &state
		if o.Delivery != nil {
			o.Delivery.Cost = onec.NewMoney(decimal.NewFromInt(int64(100 + k%50)))
		}
	})
	o, ok := importtest.OrderPayload(g.sim, id)
	if err != nil || !ok {
		b.Fatalf("edit of order %d: %v", id, err)
	}
	return importtest.Event(onec.TypeOrderPosted, at, *o.Ref, o)
}

// sent is what the senders measured.
type sent struct {
	// latencies are the acknowledgement latencies, by event.
	latencies []time.Duration
	elapsed   time.Duration
	// refused counts the answers other than 200 (the event was sent again).
	refused int
}

// send sends loadRate events a second for loadDuration, paced from one goroutine that makes
// them and handed to loadSenders concurrent senders (when all are busy, the pace drops: the
// events_per_s figure shows it).
func (r *loadRunner) send(b *testing.B, g *loadGen) sent {
	total := int(loadDuration.Seconds() * loadRate)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadSenders}, Timeout: time.Minute}
	type job struct {
		n    int
		body []byte
	}
	jobs := make(chan job)
	out := sent{latencies: make([]time.Duration, total)}
	var mu gosync.Mutex
	var failed error
	var wg gosync.WaitGroup
	for range loadSenders {
		wg.Go(func() {
			for j := range jobs {
				lat, refused, err := r.post(b.Context(), client, j.body)
				out.latencies[j.n] = lat
				mu.Lock()
				out.refused += refused
				if failed == nil {
					failed = err
				}
				mu.Unlock()
			}
		})
	}
	start := time.Now()
	for n := range total {
		time.Sleep(time.Until(start.Add(time.Duration(n) * time.Second / loadRate)))
		jobs <- job{n: n, body: g.next(b, n)}
	}
	close(jobs)
	wg.Wait()
	out.elapsed = time.Since(start)
	if failed != nil {
		b.Fatal(failed)
	}
	return out
}

// Resending an event the bridge did not acknowledge: after resendPause, for at most resendLimit.
const (
	resendPause = 100 * time.Millisecond
	resendLimit = 2 * time.Minute
)

// post sends an event as 1C does until the bridge acknowledges it with a 200; after a 503 (busy)
// it sends it again, as 1C's next exchange would (sooner). It returns the time to the
// acknowledgement and the answers refused.
func (r *loadRunner) post(ctx context.Context, client *http.Client, body []byte) (time.Duration, int, error) {
	start := time.Now()
	for refused := 0; ; refused++ {
		if refused > 0 {
			if time.Since(start) > resendLimit {
				return 0, refused, fmt.Errorf("event not acknowledged within %v (%d answers 503)", resendLimit, refused)
			}
			time.Sleep(resendPause)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.base+"/onec/v1/events", bytes.NewReader(body))
		if err != nil {
			return 0, refused, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+r.onecToken)
		resp, err := client.Do(req)
		if err != nil {
			return 0, refused, err
		}
		answer, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case err != nil:
			return 0, refused, err
		case resp.StatusCode == http.StatusOK:
			return time.Since(start), refused, nil
		case resp.StatusCode != http.StatusServiceUnavailable:
			return 0, refused, fmt.Errorf("event refused: %d %s", resp.StatusCode, answer)
		}
	}
}

// verdict is what RetailCRM holds of the load.
type verdict struct {
	// pushed counts the payments of the load found, duplicates those found more than once,
	// missing those not found.
	pushed, duplicates, missing int
	// off says what differs from 1C: orders, payments, failed pushes.
	off []string
}

// awaitPushed waits (at most loadDrainLimit) until RetailCRM holds every payment and every order
// as 1C has it, and returns how long that took; then, once any push still running has ended, what
// RetailCRM holds.
func (r *loadRunner) awaitPushed(b *testing.B, g *loadGen) (time.Duration, verdict) {
	crm, err := retailcrm.New(retailcrm.Options{BaseURL: r.base + sandboxPrefix, APIKey: sandbox.DemoAPIKey})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for {
		v := r.verify(b, crm, g)
		if v.missing == 0 && len(v.off) == 0 || time.Since(start) > loadDrainLimit {
			drained := time.Since(start)
			time.Sleep(2 * pushPoll)
			return drained, r.verify(b, crm, g)
		}
		time.Sleep(pushPoll)
	}
}

// verify compares RetailCRM with 1C.
func (r *loadRunner) verify(b *testing.B, crm *retailcrm.Client, g *loadGen) verdict {
	var v verdict
	for _, id := range g.orders {
		o, err := crm.Order(b.Context(), retailcrm.ByID(id, sandbox.DemoSite))
		if err != nil {
			b.Fatal(err)
		}
		found := map[string][]retailcrm.Payment{}
		for _, p := range o.Payments {
			found[p.ExternalID] = append(found[p.ExternalID], p)
		}
		for _, p := range g.payments {
			if p.crmOrderID == id {
				v.payment(p.doc, found[p.doc.Ref])
			}
		}
		if have, want := crmState(o), g.state(id); have != want {
			v.off = append(v.off, fmt.Sprintf("order %d is %s, 1C has %s", id, have, want))
		}
	}
	var failed []json.RawMessage
	if r.do(b, "GET", "/admin/v1/push/failed", nil, &failed); len(failed) != 0 {
		v.off = append(v.off, fmt.Sprintf("failed pushes %s", failed))
	}
	return v
}

// payment counts the CRM payments found for a 1C payment document.
func (v *verdict) payment(doc onec.Payment, found []retailcrm.Payment) {
	if len(found) == 0 {
		v.missing++
		return
	}
	v.pushed++
	v.duplicates += len(found) - 1
	p := found[0]
	if p.Type != importtest.PaymentTypes[doc.Document] || p.Status != loadPush.PaidStatus || p.Amount == nil ||
		!p.Amount.Equal(doc.Amount.Decimal) {
		v.off = append(v.off, fmt.Sprintf("payment %s is %+v, 1C has %s %s", doc.Number, p, doc.Document, doc.Amount))
	}
}

// state is what RetailCRM must hold of an order as 1C last posted it: the status of its state,
// its delivery cost and its lines.
func (g *loadGen) state(id int64) string {
	d, _ := g.sim.Document(id)
	cost := decimal.Zero
	if d.Order.Delivery != nil {
		cost = d.Order.Delivery.Cost.Decimal
	}
	var lines []string
	for _, it := range d.Order.Items {
		lines = append(lines, loadLine(it.OfferKey, it.Quantity.Decimal, it.Price.Decimal, it.Discount.Decimal))
	}
	return loadState(g.codes[*d.Order.State], cost, lines)
}

// crmState describes a CRM order as state does.
func crmState(o retailcrm.Order) string {
	cost := decimal.Zero
	if o.Delivery != nil && o.Delivery.Cost != nil {
		cost = o.Delivery.Cost.Decimal
	}
	var lines []string
	for _, it := range o.Items {
		q := it.Quantity.Decimal
		lines = append(lines, loadLine(it.Offer.ExternalID, q, it.InitialPrice.Decimal, it.DiscountTotal.Mul(q)))
	}
	return loadState(o.Status, cost, lines)
}

func loadLine(offer string, qty, price, discount decimal.Decimal) string {
	return fmt.Sprintf("%s ×%s @%s −%s", offer, qty, price.StringFixed(2), discount.StringFixed(2))
}

func loadState(status string, cost decimal.Decimal, lines []string) string {
	slices.Sort(lines)
	return fmt.Sprintf("%s, delivery %s, lines %q", status, cost.StringFixed(2), lines)
}
