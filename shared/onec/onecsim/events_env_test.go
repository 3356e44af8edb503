package onecsim_test

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sync"
	"testing"

	"github.com/shopspring/decimal"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onecsim"
)

// recorder is the events endpoint of a fake bridge: it records every event it receives and
// answers as the gateway does, 200 with a result (marked as to a duplicate when it answered the
// eventId 200 before) or the error status its rule says.
type recorder struct {
	mu      sync.Mutex
	got     []onec.Envelope
	applied map[string]bool
	// rule returns the status to answer an event; nil answers 200.
	rule func(ev onec.Envelope) int
}

// newRecorded returns an env whose events go to a recorder.
func newRecorded(t *testing.T, faults onecsim.Faults) (*env, *recorder) {
	t.Helper()
	rec := &recorder{applied: map[string]bool{}}
	return newEnvWith(t, faults, rec), rec
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost || req.Header.Get("Authorization") != "Bearer "+token {
		httpapi.WriteError(w, http.StatusUnauthorized, httpapi.ErrUnauthorized)
		return
	}
	var ev onec.Envelope
	if err := httpapi.Decode(req, 1<<20, &ev); err != nil {
		httpapi.WriteDecodeError(w, err)
		return
	}
	r.mu.Lock()
	r.got = append(r.got, ev)
	status := http.StatusOK
	if r.rule != nil {
		status = r.rule(ev)
	}
	duplicate := r.applied[ev.EventID]
	if status == http.StatusOK {
		r.applied[ev.EventID] = true
	}
	r.mu.Unlock()
	if status != http.StatusOK {
		httpapi.WriteError(w, status, httpapi.Error{Code: "test_refusal", Message: fmt.Sprintf("Событие отклонено: ответ %d.", status)})
		return
	}
	if duplicate {
		w.Header().Set("X-Duplicate-Event", "true")
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"eventId": ev.EventID, "status": "applied", "message": "Событие принято."})
}

// answer sets the rule of the answers; nil answers 200.
func (r *recorder) answer(rule func(ev onec.Envelope) int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rule = rule
}

// events returns the events received, in order.
func (r *recorder) events() []onec.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// received returns the eventIds received, in order.
func (r *recorder) received() []string { return eventIDs(r.events()) }

// imported queues the sample order crmID with payments and syncs it into the infobase.
func (e *env) imported(crmID int64, payments ...onec.OrderPayment) onecsim.Document {
	e.t.Helper()
	e.upsert(crmID, "v1", payments...)
	e.sync()
	d, ok := e.sim.Document(crmID)
	if !ok {
		e.t.Fatalf("order %d not imported", crmID)
	}
	return d
}

// send runs SendOutbox and fails the test on an error.
func (e *env) send() onecsim.SendReport {
	e.t.Helper()
	rep, err := e.sim.SendOutbox(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return rep
}

// ok fails the test on an error.
func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr fails the test unless err is target.
func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error %v, want %v", err, target)
	}
}

// valid fails the test unless the envelope validates.
func valid(t *testing.T, ev onec.Envelope) {
	t.Helper()
	if p := ev.Validate(); p != nil || !ev.Type.Known() {
		t.Fatalf("event %s %s: %v", ev.Type, ev.EventID, p)
	}
}

// payload decodes an event's payload strictly.
func payload[T any](t *testing.T, ev onec.Envelope) T {
	t.Helper()
	var v T
	if err := httpapi.DecodeBytes(ev.Payload, &v); err != nil {
		t.Fatalf("payload of %s: %v", ev.Type, err)
	}
	return v
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func money(s string) onec.Money { return onec.NewMoney(dec(s)) }

func qty(s string) onec.Quantity { return onec.NewQuantity(dec(s)) }

var cyrillic = regexp.MustCompile(`\p{Cyrillic}`)
