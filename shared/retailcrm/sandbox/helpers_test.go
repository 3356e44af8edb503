package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Keys of the test account built by newTestSandbox.
const (
	keyBridge = "bridge-key" // site "shop" only
	keyOther  = "other-key"  // site "shop" only, a second integration
	keyAll    = "all-key"    // every site
)

// testClock is a settable account clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newTestSandbox starts a demo sandbox without rate limit, on a settable clock, with extra
// keys: keyBridge and keyOther reach DemoSite, keyAll reaches both sites.
func newTestSandbox(t *testing.T) (*Sandbox, *testClock) {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, moscow())}
	sb := NewServer(Options{RateLimit: -1, Clock: clock.now, Seed: 1})
	t.Cleanup(sb.Close)
	sb.SeedDemo()
	sb.AddAPIKey(keyBridge, DemoSite)
	sb.AddAPIKey(keyOther, DemoSite)
	sb.AddAPIKey(keyAll)
	return sb, clock
}

// answer is a decoded API answer.
type answer struct {
	status int
	body   []byte
	json   map[string]any
}

// api is a minimal independent RetailCRM caller for the tests.
type api struct {
	t    *testing.T
	base string
	key  string
}

func newAPI(t *testing.T, sb *Sandbox, key string) *api { return &api{t: t, base: sb.URL(), key: key} }

func (c *api) get(path string, q url.Values) answer {
	c.t.Helper()
	return c.must(c.try(http.MethodGet, path, q))
}

func (c *api) post(path string, form url.Values) answer {
	c.t.Helper()
	return c.must(c.try(http.MethodPost, path, form))
}

func (c *api) do(req *http.Request) answer {
	c.t.Helper()
	return c.must(c.send(req))
}

func (c *api) must(a answer, err error) answer {
	c.t.Helper()
	if err != nil {
		c.t.Fatal(err)
	}
	return a
}

// try sends a GET with params as query or a POST with params as form, without failing the
// test: safe in goroutines.
func (c *api) try(method, path string, params url.Values) (answer, error) {
	u, body := c.base+path, ""
	if method == http.MethodGet && len(params) > 0 {
		u += "?" + params.Encode()
	}
	if method == http.MethodPost {
		body = params.Encode()
	}
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.send(req)
}

func (c *api) send(req *http.Request) (answer, error) {
	if c.key != "" {
		req.Header.Set("X-API-KEY", c.key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	a := answer{status: resp.StatusCode, body: body}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&a.json); err != nil {
		return a, fmt.Errorf("%s %s: answer is not JSON: %w\n%s", req.Method, req.URL, err, body)
	}
	return a, nil
}

// ok fails unless the answer is a 200 success.
func (a answer) ok(t *testing.T) answer {
	t.Helper()
	if a.status != http.StatusOK || a.json["success"] != true {
		t.Fatalf("want success, got %d %s", a.status, a.body)
	}
	return a
}

// fails checks an error envelope: status, errorMsg and, when given, one errors entry.
func (a answer) fails(t *testing.T, status int, msg string, errField ...string) {
	t.Helper()
	if a.status != status || a.json["success"] != false || a.json["errorMsg"] != msg {
		t.Fatalf("want %d %q, got %d %s", status, msg, a.status, a.body)
	}
	for _, f := range errField {
		errs, _ := a.json["errors"].(map[string]any)
		if _, ok := errs[f]; !ok {
			t.Fatalf("want an error for %q, got %s", f, a.body)
		}
	}
}

// at digs into decoded JSON: at(v, "order", "items", 0, "id").
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// str renders a decoded JSON value for comparisons: numbers as their digits.
func str(v any) string {
	if v == nil {
		return "null"
	}
	if s, ok := v.(string); ok {
		return s
	}
	return strings.TrimSpace(string(encode(v)))
}

// form builds a POST form; entity values that are not strings are encoded as JSON.
func form(kv ...any) url.Values {
	f := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		switch v := kv[i+1].(type) {
		case string:
			f.Set(kv[i].(string), v)
		default:
			f.Set(kv[i].(string), string(encode(v)))
		}
	}
	return f
}

// query builds a GET query from pairs.
func query(kv ...string) url.Values {
	q := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		q.Add(kv[i], kv[i+1])
	}
	return q
}

// id reads an integer id from decoded JSON.
func id(t *testing.T, v any) int {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("not an id: %v", v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return int(i)
}

// offerExt is the externalId of the i-th demo offer.
func offerExt(i int) string { return demoOffers[i].externalID }

// createOrder creates an order through the API and returns the answer's order.
func createOrder(t *testing.T, c *api, site, orderJSON string) map[string]any {
	t.Helper()
	a := c.post("/api/v5/orders/create", form("site", site, "order", orderJSON)).ok(t)
	o, _ := a.json["order"].(map[string]any)
	return o
}

// history reads the history records after sinceID with the key of c.
func history(t *testing.T, c *api, sinceID int) []any {
	t.Helper()
	a := c.get("/api/v5/orders/history", query("filter[sinceId]", fmt.Sprint(sinceID), "limit", "100")).ok(t)
	recs, _ := a.json["history"].([]any)
	return recs
}
