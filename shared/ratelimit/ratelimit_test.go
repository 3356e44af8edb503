package ratelimit

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
)

const testKey = "Xk3s9FqP0aLmN7vB2cD4eF6gH8iJ1kL5"

func openStore(t *testing.T) *boltstore.Store {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	return st
}

func newBudget(t *testing.T, st store.Store, rate float64) *Budget {
	t.Helper()
	b, err := New(st, testKey, rate)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// maxInWindow returns the largest number of times within any window [t, t+w).
func maxInWindow(times []time.Time, w time.Duration) int {
	sorted := slices.SortedFunc(slices.Values(times), time.Time.Compare)
	best := 0
	for i := range sorted {
		n := 0
		for j := i; j < len(sorted) && sorted[j].Sub(sorted[i]) < w; j++ {
			n++
		}
		best = max(best, n)
	}
	return best
}

// arrivals records when requests reach a test server.
type arrivals struct {
	mu    sync.Mutex
	times []time.Time
}

func (a *arrivals) ServeHTTP(http.ResponseWriter, *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.times = append(a.times, time.Now())
}

// sendAll runs perWorker requests in each of workers goroutines per budget, each after a Wait,
// and returns when the server received them.
func sendAll(t *testing.T, budgets []*Budget, workers, perWorker int) []time.Time {
	t.Helper()
	a := &arrivals{}
	srv := httptest.NewServer(a)
	defer srv.Close()
	var wg sync.WaitGroup
	for _, b := range budgets {
		for range workers {
			wg.Go(func() {
				for range perWorker {
					if err := b.Wait(t.Context()); err != nil {
						t.Error(err)
						return
					}
					resp, err := srv.Client().Get(srv.URL)
					if err != nil {
						t.Error(err)
						return
					}
					resp.Body.Close()
				}
			})
		}
	}
	wg.Wait()
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.times
}

func checkPaced(t *testing.T, times []time.Time, rate int, interval time.Duration) {
	t.Helper()
	if got := maxInWindow(times, time.Second); got > rate {
		t.Errorf("%d requests arrived within one second, want at most %d", got, rate)
	}
	first, last := slices.MinFunc(times, time.Time.Compare), slices.MaxFunc(times, time.Time.Compare)
	if span, want := last.Sub(first), time.Duration(len(times)-1)*interval; span < want-50*time.Millisecond {
		t.Errorf("%d requests arrived over %v, want at least %v", len(times), span, want)
	}
}

func TestKeyHidesAPIKey(t *testing.T) {
	k := Key(testKey)
	if !strings.HasPrefix(k.PK, "ratelimit#") || len(k.PK) != len("ratelimit#")+16 || k.SK == "" {
		t.Fatalf("key %v", k)
	}
	if strings.Contains(k.PK+k.SK, testKey) || strings.Contains(k.PK, testKey[:8]) {
		t.Fatalf("key %v holds the API key", k)
	}
	if Key(testKey+"x") == k {
		t.Fatal("two API keys share a budget")
	}
}

func TestNewRejects(t *testing.T) {
	st := openStore(t)
	for name, f := range map[string]func() (*Budget, error){
		"no store":      func() (*Budget, error) { return New(nil, testKey, 1) },
		"empty key":     func() (*Budget, error) { return New(st, "", 1) },
		"negative rate": func() (*Budget, error) { return New(st, testKey, -1) },
	} {
		if _, err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	b := newBudget(t, st, 0)
	if want := time.Duration(float64(time.Second) / DefaultRate * (1 + Margin)); b.Interval() != want {
		t.Errorf("default interval %v, want %v", b.Interval(), want)
	}
}

func TestConcurrentWaitsNeverExceedRate(t *testing.T) {
	const rate = 20
	b := newBudget(t, openStore(t), rate)
	times := sendAll(t, []*Budget{b}, 6, 6)
	checkPaced(t, times, rate, b.Interval())
}

func TestInstancesShareBudget(t *testing.T) {
	const rate = 20
	st := openStore(t)
	b1, b2 := newBudget(t, st, rate), newBudget(t, st, rate)
	times := sendAll(t, []*Budget{b1, b2}, 3, 6)
	checkPaced(t, times, rate, b1.Interval())
}

func TestSlotPastDeadlineIsNotReserved(t *testing.T) {
	st := openStore(t)
	b := newBudget(t, st, 2)
	if err := b.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	before, err := st.Get(t.Context(), Key(testKey))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = b.Wait(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want a deadline error", err)
	}
	if waited := time.Since(start); waited > 50*time.Millisecond {
		t.Errorf("gave up after %v, want at once", waited)
	}
	after, err := st.Get(t.Context(), Key(testKey))
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != before.Version {
		t.Errorf("version %d after a refused wait, want %d", after.Version, before.Version)
	}
}

func TestItemExpiresAndHoldsNoKey(t *testing.T) {
	st := openStore(t)
	b := newBudget(t, st, 10)
	if err := b.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	it, err := st.Get(t.Context(), Key(testKey))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if it.ExpiresAt.Before(now.Add(keepAfter-time.Second)) || it.ExpiresAt.After(now.Add(keepAfter+2*time.Second)) {
		t.Errorf("expires at %v, want about %v from now", it.ExpiresAt, keepAfter)
	}
	if strings.Contains(string(it.Data), testKey) {
		t.Errorf("item data %s holds the API key", it.Data)
	}
}

func TestStaleOrBrokenItemGivesAFreeSlot(t *testing.T) {
	for name, data := range map[string]string{
		"stale":  `{"tat":1}`,
		"broken": `not json`,
	} {
		t.Run(name, func(t *testing.T) {
			st := openStore(t)
			k := Key(testKey)
			if err := st.Put(t.Context(), store.Item{PK: k.PK, SK: k.SK, Version: 7, Data: []byte(data)}, store.IfNotExists()); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if err := newBudget(t, st, 1).Wait(t.Context()); err != nil {
				t.Fatal(err)
			}
			if waited := time.Since(start); waited > 100*time.Millisecond {
				t.Errorf("waited %v for a free budget", waited)
			}
			it, err := st.Get(t.Context(), k)
			if err != nil {
				t.Fatal(err)
			}
			if it.Version != 8 {
				t.Errorf("version %d, want 8", it.Version)
			}
		})
	}
}

// slowStore is the real store with a slow Put, as a far DynamoDB region would be.
type slowStore struct {
	store.Store
	delay time.Duration
}

func (s slowStore) Put(ctx context.Context, it store.Item, c store.Condition) error {
	time.Sleep(s.delay)
	return s.Store.Put(ctx, it, c)
}

func TestLateWakeReservesAgain(t *testing.T) {
	st := openStore(t)
	// A free budget gives the slot "now"; a 40ms write makes the caller late for it, so it
	// reserves the next slot, one interval on, which the slow write still meets.
	if err := newBudget(t, slowStore{st, 40 * time.Millisecond}, 10).Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	it, err := st.Get(t.Context(), Key(testKey))
	if err != nil {
		t.Fatal(err)
	}
	if it.Version < 2 || it.Version > maxReservations {
		t.Errorf("%d reservations, want 2 (up to %d on a busy machine)", it.Version, maxReservations)
	}
}
