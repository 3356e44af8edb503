package retailcrm_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"unfbridge/shared/ratelimit"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
)

func demoSandbox(t *testing.T, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	sb := sandbox.NewServer(opts)
	t.Cleanup(sb.Close)
	sb.SeedDemo()
	return sb
}

func sharedStore(t *testing.T) store.Store {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "bridge.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func sandboxClient(t *testing.T, sb *sandbox.Sandbox, key string, budget retailcrm.Budget) *retailcrm.Client {
	t.Helper()
	c, err := retailcrm.New(retailcrm.Options{BaseURL: sb.URL(), APIKey: key, Budget: budget})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestEightClientsShareOneBudget runs 8 separate clients, each with its own budget instance on one
// shared store (as 8 Lambda instances would), against a sandbox that answers 503 above 10
// requests per second: the sandbox never sees more than the budget and every call succeeds.
func TestEightClientsShareOneBudget(t *testing.T) {
	sb := demoSandbox(t, sandbox.Options{RateLimit: 10})
	st := sharedStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()

	var calls, failures atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for range 8 {
		budget, err := ratelimit.New(st, sandbox.DemoAPIKey, 10)
		if err != nil {
			t.Fatal(err)
		}
		c := sandboxClient(t, sb, sandbox.DemoAPIKey, budget)
		wg.Go(func() {
			for ctx.Err() == nil {
				_, err := c.OrdersHistory(ctx, retailcrm.HistoryFilter{Limit: 20})
				if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
					return // the run ends: the budget has no slot left before its deadline
				}
				calls.Add(1)
				if err != nil {
					failures.Add(1)
					once.Do(func() { firstErr = err })
				}
			}
		})
	}
	wg.Wait()

	if failures.Load() != 0 {
		t.Fatalf("%d of %d calls failed, first: %v", failures.Load(), calls.Load(), firstErr)
	}
	if peak := sb.PeakRate(sandbox.DemoAPIKey); peak > 10 {
		t.Fatalf("the sandbox saw %d requests within one second, budget 10", peak)
	}
	for _, s := range sb.RateCounts(sandbox.DemoAPIKey) {
		if s.Refused != 0 {
			t.Fatalf("the sandbox refused %d requests in one second: %+v", s.Refused, s)
		}
	}
	if calls.Load() < 25 {
		t.Fatalf("only %d calls in 4 s: the budget is far below its rate of 10/s", calls.Load())
	}
}

// TestIdempotentCallsSurviveThirtyPercent503 sends every kind of idempotent call while 30 % of the
// sandbox's answers are 503: each succeeds within its deadline, and the state is as asked.
func TestIdempotentCallsSurviveThirtyPercent503(t *testing.T) {
	sb := demoSandbox(t, sandbox.Options{RateLimit: -1, Seed: 42})
	c, err := retailcrm.New(retailcrm.Options{
		BaseURL: sb.URL(), APIKey: sandbox.DemoAPIKey,
		Retry: retailcrm.RetryPolicy{BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	orders, err := c.Orders(context.Background(), retailcrm.OrdersFilter{Limit: 20})
	if err != nil || len(orders.Orders) == 0 {
		t.Fatalf("orders before faults: %v", err)
	}
	orderID := orders.Orders[0].ID
	sb.SetFaults(sandbox.Faults{Unavailable: 0.3})

	const offer = "5f0d6b1e-7a3c-11ee-8c90-0242ac120002"
	calls := map[string]func(ctx context.Context) error{
		"history": func(ctx context.Context) error {
			_, err := c.OrdersHistory(ctx, retailcrm.HistoryFilter{Limit: 100})
			return err
		},
		"orders": func(ctx context.Context) error {
			_, err := c.Orders(ctx, retailcrm.OrdersFilter{IDs: []int64{orderID}})
			return err
		},
		"order": func(ctx context.Context) error {
			_, err := c.Order(ctx, retailcrm.ByID(orderID, sandbox.DemoSite))
			return err
		},
		"statuses": func(ctx context.Context) error { _, err := c.Statuses(ctx); return err },
		"stores":   func(ctx context.Context) error { _, err := c.Stores(ctx); return err },
		"managers": func(ctx context.Context) error { _, err := c.AllUsers(ctx, retailcrm.UsersFilter{}); return err },
		"stock": func(ctx context.Context) error {
			_, err := c.UploadInventories(ctx, sandbox.DemoSite, []retailcrm.InventoryOffer{{
				ExternalID: offer, Stores: []retailcrm.InventoryStore{{Code: "main", Available: retailcrm.MustDecimal("0")}},
			}})
			return err
		},
		"edit": func(ctx context.Context) error {
			_, err := c.EditOrder(ctx, retailcrm.ByID(orderID, sandbox.DemoSite), retailcrm.Order{ManagerComment: "из 1С"})
			return err
		},
	}
	for round := range 5 {
		for name, call := range calls {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := call(ctx)
			cancel()
			if err != nil {
				t.Fatalf("round %d, %s: %v", round, name, err)
			}
		}
	}
	if avail, _, ok := sb.Stock(offer, "main"); !ok || !avail.IsZero() {
		t.Fatalf("stock of %s at main is %v (found %v), want an explicit 0", offer, avail, ok)
	}
	refused := 0
	for _, r := range sb.Requests() {
		if r.Status == 503 {
			refused++
		}
	}
	if refused == 0 {
		t.Fatal("the sandbox answered no 503: the fault switch did not work, the test proves nothing")
	}
}

// TestOwnChangesAreMarkedInHistory creates and edits an order through the client and reads the
// history with the same key and with another: apiKey.current is true only for the key that wrote.
func TestOwnChangesAreMarkedInHistory(t *testing.T) {
	sb := demoSandbox(t, sandbox.Options{RateLimit: -1})
	const otherKey = "another-integration-key-000000000"
	sb.AddAPIKey(otherKey, sandbox.DemoSite)
	ctx := context.Background()
	own := sandboxClient(t, sb, sandbox.DemoAPIKey, nil)
	other := sandboxClient(t, sb, otherKey, nil)
	since := int64(sb.LastHistoryID())

	res, err := own.CreateOrder(ctx, sandbox.DemoSite, retailcrm.Order{
		ExternalID: "1c-order-77", FirstName: "Ирина", Phone: "+79990001122",
		Items: []retailcrm.OrderItem{{Offer: &retailcrm.Offer{ExternalID: "5f0d6e3e-7a3c-11ee-8c90-0242ac120002"}, Quantity: retailcrm.Ptr(retailcrm.MustDecimal("3"))}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := own.EditOrder(ctx, retailcrm.ByID(res.ID, sandbox.DemoSite), retailcrm.Order{Status: "complete"}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name    string
		client  *retailcrm.Client
		current bool
	}{{"own key", own, true}, {"other key", other, false}} {
		page, err := tc.client.OrdersHistory(ctx, retailcrm.HistoryFilter{SinceID: since, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var created, status bool
		for _, r := range page.History {
			if r.Order == nil || r.Order.ID != res.ID {
				continue
			}
			if r.Source != "api" || r.ByThisKey() != tc.current {
				t.Fatalf("%s: record %d source %q byThisKey %v, want api and %v", tc.name, r.ID, r.Source, r.ByThisKey(), tc.current)
			}
			created = created || r.Created
			status = status || (r.Field == "status" && r.NewValue.Code() == "complete")
		}
		if !created || !status {
			t.Fatalf("%s: history has created=%v status=%v for order %d", tc.name, created, status, res.ID)
		}
	}

	_, err = other.Order(ctx, retailcrm.ByExternalID("1c-order-77", "opt-shop"))
	if !errors.Is(err, retailcrm.ErrAuth) && !errors.Is(err, retailcrm.ErrNotFound) {
		t.Fatalf("a key without the site read its order: %v", err)
	}
}

// TestReadsAndFixesAgainstSandbox runs the account, reference, stock and order status calls
// against the sandbox: the client and the simulator agree on the wire.
func TestReadsAndFixesAgainstSandbox(t *testing.T) {
	sb := demoSandbox(t, sandbox.Options{RateLimit: -1})
	c := sandboxClient(t, sb, sandbox.DemoAPIKey, nil)
	ctx := t.Context()

	if v, err := c.APIVersions(ctx); err != nil || len(v) != 3 || v[2] != "5.0" {
		t.Errorf("versions %v %v", v, err)
	}
	if info, err := c.SystemInfo(ctx); err != nil || info.PublicURL != sb.URL() {
		t.Errorf("system info %+v %v", info, err)
	}
	if st, err := c.Settings(ctx); err != nil || st.DefaultCurrency.Value != "RUB" || len(st.WorkTimes) != 5 {
		t.Errorf("settings %+v %v", st, err)
	}
	if u, err := c.User(ctx, 11); err != nil || u.FirstName != "Анна" || !u.IsManager {
		t.Errorf("user %+v %v", u, err)
	}
	if units, err := c.Units(ctx); err != nil || !units["pc"].Default {
		t.Errorf("units %+v %v", units, err)
	}
	if ps, err := c.ProductStatuses(ctx); err != nil || !ps["out-of-stock"].CancelStatus || ps["new"].Ordering != 10 {
		t.Errorf("product statuses %+v %v", ps, err)
	}
	if m, err := c.OrderMethods(ctx); err != nil || !m["phone"].DefaultForCRM {
		t.Errorf("order methods %+v %v", m, err)
	}

	inv, err := c.Inventories(ctx, retailcrm.InventoriesFilter{Details: true})
	if err != nil || len(inv.Offers) != 6 || inv.Pagination.TotalCount != 6 {
		t.Fatalf("inventories %+v %v", inv, err)
	}
	first := inv.Offers[0]
	if first.Site != sandbox.DemoSite || first.Quantity.String() != "15" || first.PurchasePrice.String() != "1393" ||
		len(first.Stores) != 2 || first.Stores[0].Store != "main" || first.Stores[1].PurchasePrice != nil {
		t.Errorf("offer %+v", first)
	}
	if _, err := c.UploadInventories(ctx, "", []retailcrm.InventoryOffer{{ExternalID: first.ExternalID,
		Stores: []retailcrm.InventoryStore{{Code: "second", Available: retailcrm.MustDecimal("0.5")}}}}); err != nil {
		t.Fatal(err)
	}
	inv, err = c.Inventories(ctx, retailcrm.InventoriesFilter{OfferExternalIDs: []string{first.ExternalID}})
	if err != nil || len(inv.Offers) != 1 || inv.Offers[0].Quantity.String() != "12.5" || inv.Offers[0].Stores != nil {
		t.Errorf("after the upload %+v %v", inv, err)
	}

	created, err := c.CreateOrder(ctx, sandbox.DemoSite, retailcrm.Order{Items: []retailcrm.OrderItem{{Offer: &retailcrm.Offer{ExternalID: first.ExternalID}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.FixExternalIDs(ctx, []retailcrm.EntityRef{{ID: created.ID, ExternalID: "1C-42"}}); err != nil {
		t.Fatal(err)
	}
	statuses, err := c.OrderStatuses(ctx, nil, []string{"1C-42"})
	if err != nil || len(statuses) != 1 || statuses[0] != (retailcrm.OrderStatus{ID: created.ID, ExternalID: "1C-42", Status: "new", Group: "new"}) {
		t.Errorf("statuses %+v %v", statuses, err)
	}
}
