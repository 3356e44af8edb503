package retailcrm

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestClientsShareTheBudget sends calls from goroutines of two clients, each with its own
// budget instance on one store, and checks the arrival times at the server: no second holds
// more than rate requests, and together they take as long as one budget allows.
func TestClientsShareTheBudget(t *testing.T) {
	const rate, workers, calls = 20, 3, 5
	s := newServer(t, reply{http.StatusOK, "api-credentials.json"}.handler(t))
	st := openStore(t)
	b1, b2 := newBudget(t, st, rate), newBudget(t, st, rate)
	var wg sync.WaitGroup
	for _, b := range []Budget{b1, b2} {
		c, _ := newClient(t, s.URL, func(o *Options) { o.Budget = b })
		for range workers {
			wg.Go(func() {
				for range calls {
					if _, err := c.Credentials(t.Context()); err != nil {
						t.Error(err)
					}
				}
			})
		}
	}
	wg.Wait()

	var at []time.Time
	for _, r := range s.requests() {
		at = append(at, r.At)
	}
	slices.SortFunc(at, time.Time.Compare)
	if len(at) != 2*workers*calls {
		t.Fatalf("%d requests arrived", len(at))
	}
	for i := 0; i+rate < len(at); i++ {
		if d := at[i+rate].Sub(at[i]); d < time.Second {
			t.Errorf("requests %d..%d arrived within %v: more than %d in one second", i, i+rate, d, rate)
		}
	}
	if span, want := at[len(at)-1].Sub(at[0]), time.Duration(len(at)-1)*b1.Interval(); span < want-50*time.Millisecond {
		t.Errorf("%d requests arrived over %v, want at least %v from one shared budget", len(at), span, want)
	}
}

// TestBudgetPacesRetries checks that every attempt, retries included, takes a slot.
func TestBudgetPacesRetries(t *testing.T) {
	s := newServer(t, flaky(2, rateLimited(t), reply{http.StatusOK, "api-credentials.json"}.handler(t)))
	b := newBudget(t, nil, 10)
	c, _ := newClient(t, s.URL, func(o *Options) { o.Budget = b })
	if _, err := c.Credentials(t.Context()); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	if span := reqs[2].At.Sub(reqs[0].At); span < 2*b.Interval()-50*time.Millisecond {
		t.Errorf("3 attempts over %v, want at least two intervals of %v", span, b.Interval())
	}
}

// TestBudgetBoundedByDeadline: the wait for a slot past the deadline fails at once.
func TestBudgetBoundedByDeadline(t *testing.T) {
	s := newServer(t, reply{http.StatusOK, "api-credentials.json"}.handler(t))
	c, _ := newClient(t, s.URL, func(o *Options) { o.Budget = newBudget(t, nil, 1) })
	if _, err := c.Credentials(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	if _, err := c.Credentials(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want a deadline error", err)
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}
