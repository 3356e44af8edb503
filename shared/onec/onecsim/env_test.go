package onecsim_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"unfbridge/shared/gateway"
	"unfbridge/shared/inbox"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onecsim"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/secret"
	"unfbridge/shared/secret/storesecret"
	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
)

const token = "onecsim-test-token"

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is the bridge's gateway served over HTTP on an embedded store, its inbox, and a simulated
// 1C talking to it.
type env struct {
	t     *testing.T
	url   string
	store store.Store
	inbox *inbox.Inbox
	clock *clock
	sim   *onecsim.Sim
}

func newEnv(t *testing.T, faults onecsim.Faults) *env {
	t.Helper()
	return newEnvWith(t, faults, nil)
}

// newEnvWith is newEnv whose events, when events is not nil, go to events instead of the
// gateway.
func newEnvWith(t *testing.T, faults onecsim.Faults, events http.Handler) *env {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "bridge.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	secrets := storesecret.New(st)
	if err := secrets.Put(t.Context(), secret.OnecToken, token); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)}
	h := gateway.NewHandler(gateway.Deps{Store: st, Secrets: secrets, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: c.Now})
	if events != nil {
		mux := http.NewServeMux()
		mux.Handle("/onec/v1/events", events)
		mux.Handle("/", h)
		h = mux
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	sim := onecsim.New(onecsim.Options{BaseURL: srv.URL, Token: token, HTTPClient: srv.Client(), Now: c.Now,
		PageSize: 7, Infobase: onectest.Infobase, Faults: faults})
	return &env{t: t, url: srv.URL, store: st, inbox: inbox.New(st, inbox.Options{Now: c.Now}), clock: c, sim: sim}
}

// upsert queues the sample order crmID with a comment and payments; it returns the order.
func (e *env) upsert(crmID int64, comment string, payments ...onec.OrderPayment) onec.Order {
	e.t.Helper()
	o := onectest.Order(crmID)
	o.Comment = comment
	o.Payments = append(o.Payments, payments...)
	e.enqueue(inbox.Pending{Type: onec.CommandOrderUpsert, CRMOrderID: crmID, Number: o.CRM.Number, Order: &o})
	return o
}

func (e *env) enqueue(p inbox.Pending) {
	e.t.Helper()
	if _, err := e.inbox.Enqueue(e.t.Context(), p); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) sync() onecsim.Report {
	e.t.Helper()
	rep, err := e.sim.Sync(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return rep
}

func (e *env) state(crmID int64) inbox.OrderState {
	e.t.Helper()
	st, ok, err := e.inbox.State(e.t.Context(), crmID)
	if err != nil || !ok {
		e.t.Fatalf("state of order %d: %v %v", crmID, ok, err)
	}
	return st
}

func (e *env) pending() int {
	e.t.Helper()
	n, err := e.inbox.PendingCount(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}
