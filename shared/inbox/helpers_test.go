package inbox_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"unfbridge/infra/dynamodblocal"
	"unfbridge/shared/inbox"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/store"
)

func TestMain(m *testing.M) { dynamodblocal.Main(m) }

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)} }

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

// fixture is an inbox on a store with a test clock.
type fixture struct {
	t     *testing.T
	in    *inbox.Inbox
	st    store.Store
	clock *clock
}

func newFixture(t *testing.T, st store.Store) *fixture {
	c := newClock()
	return &fixture{t: t, st: st, clock: c, in: inbox.New(st, inbox.Options{Now: c.Now})}
}

// upsert returns an order.upsert of the sample order crmID with a comment and payments.
func upsert(crmID int64, comment string, payments ...onec.OrderPayment) inbox.Pending {
	o := onectest.Order(crmID)
	o.Comment = comment
	o.Payments = append(o.Payments, payments...)
	return inbox.Pending{Type: onec.CommandOrderUpsert, CRMOrderID: crmID, Number: o.CRM.Number, Order: &o}
}

func (f *fixture) enqueue(p inbox.Pending) inbox.Enqueued {
	f.t.Helper()
	res, err := f.in.Enqueue(f.t.Context(), p)
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

func (f *fixture) pull(after string, limit int) onec.Inbox {
	f.t.Helper()
	box, err := f.in.Pull(f.t.Context(), after, limit)
	if err != nil {
		f.t.Fatal(err)
	}
	if box.Commands == nil {
		f.t.Fatal("Pull returned a nil command list")
	}
	return box
}

// pullIDs pulls and returns the command ids and the next cursor.
func (f *fixture) pullIDs(after string) ([]string, string) {
	f.t.Helper()
	box := f.pull(after, 0)
	return ids(box), box.Next
}

func (f *fixture) ack(a onec.Ack) inbox.AckResult {
	f.t.Helper()
	res, err := f.in.Ack(f.t.Context(), a)
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

func (f *fixture) state(crmID int64) inbox.OrderState {
	f.t.Helper()
	st, ok, err := f.in.State(f.t.Context(), crmID)
	if err != nil || !ok {
		f.t.Fatalf("state of order %d: %v %v", crmID, ok, err)
	}
	return st
}

func (f *fixture) pendingCount() int {
	f.t.Helper()
	n, err := f.in.PendingCount(f.t.Context())
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// docRef is the 1C document of a CRM order in the tests.
func docRef(crmID int64) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", crmID) }

// applied is the ack of a command that 1C applied as the document of CRM order crmID.
func applied(commandID string, crmID int64) onec.Ack {
	return onec.Ack{CommandID: commandID, Status: onec.AckApplied, Ref: docRef(crmID),
		Number: fmt.Sprintf("АСФР-%06d", crmID), Date: "2026-11-29T10:00:00+03:00"}
}

// orderOf decodes the payload of an order.upsert.
func orderOf(t *testing.T, c onec.Command) onec.Order {
	t.Helper()
	var o onec.Order
	if err := json.Unmarshal(c.Payload, &o); err != nil {
		t.Fatal(err)
	}
	return o
}
