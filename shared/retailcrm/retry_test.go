package retailcrm

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// flaky fails the first n requests with fail, then answers with ok.
func flaky(n int32, fail, ok http.HandlerFunc) http.HandlerFunc {
	var count atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) <= n {
			fail(w, r)
			return
		}
		ok(w, r)
	}
}

func rateLimited(t *testing.T) http.HandlerFunc {
	return reply{http.StatusServiceUnavailable, "error-503-rate-limit.json"}.handler(t)
}

// abort drops the connection without an answer.
func abort(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }

func TestRetryAfter503(t *testing.T) {
	s := newServer(t, flaky(2, rateLimited(t), reply{http.StatusOK, "api-credentials.json"}.handler(t)))
	c, log := newClient(t, s.URL)
	cr, err := c.Credentials(t.Context())
	if err != nil || cr.SiteAccess != "access_full" {
		t.Fatalf("%+v %v", cr, err)
	}
	if n := len(s.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	t.Log(log)
}

func TestRetriesGiveUp(t *testing.T) {
	s := newServer(t, rateLimited(t))
	c, _ := newClient(t, s.URL)
	_, err := c.Credentials(t.Context())
	checkClass(t, err, ErrRateLimited)
	if n := len(s.requests()); n != 3 {
		t.Errorf("%d requests, want 3 (MaxAttempts)", n)
	}
	t.Log(err)
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	fail := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		rateLimited(t)(w, r)
	}
	s := newServer(t, flaky(1, fail, reply{http.StatusOK, "api-credentials.json"}.handler(t)))
	c, _ := newClient(t, s.URL)
	start := time.Now()
	if _, err := c.Credentials(t.Context()); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("retried after %v, want at least the Retry-After of 1s", waited)
	}
}

func TestDeadlineBoundsRetries(t *testing.T) {
	s := newServer(t, rateLimited(t))
	c, _ := newClient(t, s.URL, func(o *Options) {
		o.Retry = RetryPolicy{MaxAttempts: 1000, BaseDelay: 20 * time.Millisecond, MaxDelay: 50 * time.Millisecond}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Credentials(ctx)
	elapsed := time.Since(start)
	if !errors.Is(err, ErrRateLimited) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want rate limited and deadline exceeded", err)
	}
	if elapsed > 400*time.Millisecond {
		t.Errorf("gave up after %v, want within the 300ms deadline", elapsed)
	}
	if n := len(s.requests()); n < 3 {
		t.Errorf("%d requests, want retries until the deadline", n)
	}
}

func TestNonIdempotentCallsAreNotRetried(t *testing.T) {
	for name, call := range map[string]func(*Client) error{
		"order create without externalId": func(c *Client) error {
			_, err := c.CreateOrder(t.Context(), "shop", Order{Number: "A-1"})
			return err
		},
		"payment create without externalId": func(c *Client) error {
			_, err := c.CreatePayment(t.Context(), "shop", Payment{Order: &EntityRef{ID: 1}})
			return err
		},
		"order edit by externalId": func(c *Client) error {
			_, err := c.EditOrder(t.Context(), ByExternalID("A-1", "shop"), Order{Status: "new"})
			return err
		},
		"corporate contact create": func(c *Client) error {
			_, err := c.CreateCorporateContact(t.Context(), ByID(1, ""), CorporateContact{})
			return err
		},
		"orders upload with an order without externalId": func(c *Client) error {
			_, err := c.UploadOrders(t.Context(), "shop", []Order{{ExternalID: "A-1"}, {Number: "A-2"}})
			return err
		},
		"customer create without externalId": func(c *Client) error {
			_, err := c.CreateCustomer(t.Context(), "shop", Customer{FirstName: "Анна"})
			return err
		},
		"customer edit by externalId": func(c *Client) error {
			_, err := c.EditCustomer(t.Context(), ByExternalID("C-1", "shop"), Customer{FirstName: "Анна"})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			for failName, fail := range map[string]http.HandlerFunc{"503": rateLimited(t), "dropped connection": abort} {
				s := newServer(t, fail)
				c, _ := newClient(t, s.URL)
				if err := call(c); err == nil {
					t.Fatalf("%s: no error", failName)
				}
				if n := len(s.requests()); n != 1 {
					t.Errorf("%s: %d requests, want 1", failName, n)
				}
			}
		})
	}
}

func TestIdempotentWritesAreRetried(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"success":true,"id":1,"order":{"id":1},"processedOffersCount":1}`))
	})
	for name, call := range map[string]func(*Client) error{
		"order create with externalId": func(c *Client) error {
			_, err := c.CreateOrder(t.Context(), "shop", Order{ExternalID: "A-1"})
			return err
		},
		"order edit by id": func(c *Client) error {
			_, err := c.EditOrder(t.Context(), ByID(1, "shop"), Order{Status: "new"})
			return err
		},
		"payment create with externalId": func(c *Client) error {
			_, err := c.CreatePayment(t.Context(), "shop", Payment{ExternalID: "guid"})
			return err
		},
		"payment edit": func(c *Client) error {
			_, err := c.EditPayment(t.Context(), ByExternalID("guid", "shop"), Payment{})
			return err
		},
		"orders upload when every order has an externalId": func(c *Client) error {
			_, err := c.UploadOrders(t.Context(), "shop", []Order{{ExternalID: "A-1"}, {ExternalID: "A-2"}})
			return err
		},
		"fix external ids": func(c *Client) error {
			return c.FixExternalIDs(t.Context(), []EntityRef{{ID: 1, ExternalID: "A-1"}})
		},
		"customer create with externalId": func(c *Client) error {
			_, err := c.CreateCustomer(t.Context(), "shop", Customer{ExternalID: "C-1"})
			return err
		},
		"customer edit by id": func(c *Client) error {
			_, err := c.EditCustomer(t.Context(), ByID(1, "shop"), Customer{FirstName: "Анна"})
			return err
		},
		"store edit":         func(c *Client) error { return c.EditStore(t.Context(), Store{Code: "main", Active: true}) },
		"payment delete":     func(c *Client) error { return c.DeletePayment(t.Context(), 1) },
		"inventories upload": func(c *Client) error { _, err := c.UploadInventories(t.Context(), "", nil); return err },
		"prices upload":      func(c *Client) error { _, err := c.UploadPrices(t.Context(), nil); return err },
	} {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, flaky(1, abort, flaky(1, rateLimited(t), ok)))
			c, _ := newClient(t, s.URL)
			if err := call(c); err != nil {
				t.Fatal(err)
			}
			if n := len(s.requests()); n != 3 {
				t.Errorf("%d requests, want 3", n)
			}
		})
	}
}

func TestTimeoutIsRetried(t *testing.T) {
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(time.Second):
		case <-r.Context().Done():
		}
	}
	s := newServer(t, flaky(1, slow, reply{http.StatusOK, "api-credentials.json"}.handler(t)))
	c, _ := newClient(t, s.URL, func(o *Options) { o.HTTPClient = &http.Client{Timeout: 100 * time.Millisecond} })
	if _, err := c.Credentials(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(s.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestTransportError(t *testing.T) {
	s := newServer(t, http.NotFoundHandler())
	s.Close()
	c, _ := newClient(t, s.URL)
	_, err := c.Credentials(t.Context())
	checkClass(t, err, ErrTransport)
	var te *TransportError
	if !errors.As(err, &te) || te.Path != "/api/credentials" || te.Err == nil {
		t.Errorf("%#v", err)
	}
}

func TestCancelledContext(t *testing.T) {
	s := newServer(t, rateLimited(t))
	c, _ := newClient(t, s.URL)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Credentials(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("%d requests after cancellation", n)
	}
}
