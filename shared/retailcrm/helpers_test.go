package retailcrm

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"unfbridge/shared/ratelimit"
	"unfbridge/shared/retailcrm/fixtures"
	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
)

// testKey is the API key of every test client; no log line or error may show it.
const testKey = "tK7q-SECRET-9fQ2mZ8xW4vR1yU6pL3s"

// fixturesDir is <repo root>/../shared/fixtures/retailcrm, the repo root being the folder of
// go.mod above the working directory.
func fixturesDir(t *testing.T) string {
	t.Helper()
	dir, err := fixtures.Dir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// reply answers with a fixture file, byte for byte.
type reply struct {
	status int
	file   string
}

func (rp reply) handler(t *testing.T) http.HandlerFunc {
	body := fixture(t, rp.file)
	ct := "application/json; charset=utf-8"
	if strings.HasSuffix(rp.file, ".html") {
		ct = "text/html"
	}
	return func(w http.ResponseWriter, _ *http.Request) {
		fixturesServed.add(rp.file)
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(rp.status)
		_, _ = w.Write(body)
	}
}

// recorded is one request as the server received it.
type recorded struct {
	Method   string
	Path     string // escaped, as on the wire
	RawQuery string
	Header   http.Header
	Body     string
	At       time.Time
}

// Form parses a form body.
func (r recorded) Form(t *testing.T) url.Values {
	t.Helper()
	v, err := url.ParseQuery(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// server is an httptest server on 127.0.0.1 that records every request before handing it on.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newServer(t *testing.T, h http.Handler) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, recorded{
			Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
			Header: r.Header.Clone(), Body: string(body), At: time.Now(),
		})
		s.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// fixtureServer answers "METHOD /path" (unescaped) with a fixture; other routes get 404.
func fixtureServer(t *testing.T, routes map[string]reply) *server {
	t.Helper()
	handlers := map[string]http.HandlerFunc{}
	for route, rp := range routes {
		handlers[route] = rp.handler(t)
	}
	notFound := reply{http.StatusNotFound, "error-404-method-not-found.json"}.handler(t)
	return newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := handlers[r.Method+" "+r.URL.Path]; ok {
			h(w, r)
			return
		}
		notFound(w, r)
	}))
}

func (s *server) requests() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.reqs...)
}

func (s *server) last(t *testing.T) recorded {
	t.Helper()
	reqs := s.requests()
	if len(reqs) == 0 {
		t.Fatal("no request reached the server")
	}
	return reqs[len(reqs)-1]
}

func openStore(t *testing.T) *boltstore.Store {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// newBudget is a real store-backed budget of testKey on st, or on a new bbolt file when st is nil.
func newBudget(t *testing.T, st store.Store, rate float64) *ratelimit.Budget {
	t.Helper()
	if st == nil {
		st = openStore(t)
	}
	b, err := ratelimit.New(st, testKey, rate)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// logSink collects the debug log of a client.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// newClient returns a client of the server with testKey, a fast retry policy, a generous
// store-backed budget and a debug log; opts adjusts the options.
func newClient(t *testing.T, baseURL string, opts ...func(*Options)) (*Client, *logSink) {
	t.Helper()
	sink := &logSink{}
	o := Options{
		BaseURL: baseURL,
		APIKey:  testKey,
		Budget:  newBudget(t, nil, 1000),
		Retry:   RetryPolicy{MaxAttempts: 3, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond},
		Logger:  slog.New(slog.NewJSONHandler(sink, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range opts {
		f(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c, sink
}
