package gateway_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"unfbridge/shared/blob"
	"unfbridge/shared/blob/dirblob"
	"unfbridge/shared/gateway"
	"unfbridge/shared/httpapi"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/onecrefs"
	"unfbridge/shared/secret"
	"unfbridge/shared/staging"
	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
)

// testToken is the 1C token of the test connection.
const testToken = "onec-test-token-7fQx2LmZ"

var msk = time.FixedZone("MSK", 3*3600)

// secrets is an in-memory secret.Store.
type secrets struct {
	mu     sync.Mutex
	values map[string]string
}

func (s *secrets) Get(_ context.Context, name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.values[name]
	if !ok {
		return "", secret.ErrNotFound
	}
	return v, nil
}

func (s *secrets) Put(_ context.Context, name, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values[name] = value
	return nil
}

// clock is a test clock that moves one second forward on every reading.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// logBuffer collects log lines from concurrent handlers.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is a gateway served over HTTP on a real embedded store.
type env struct {
	t     *testing.T
	srv   *httptest.Server
	store store.Store
	logs  *logBuffer
	clock *clock
	// start is when the test clock starts.
	start time.Time
	// blobs and staging stage the pages of the paged snapshots; nil when the gateway has no
	// staging.
	blobs   blob.Store
	staging *staging.Repo
}

// envOptions tell how to start a gateway.
type envOptions struct {
	secrets map[string]string
	// wrap, when not nil, wraps the store.
	wrap func(store.Store) store.Store
	// staging gives the gateway a staging repository on a folder.
	staging bool
}

// newEnv starts a gateway whose 1C token is testToken.
func newEnv(t *testing.T) *env {
	return newEnvWith(t, map[string]string{secret.OnecToken: testToken}, nil)
}

// newEnvWith starts a gateway with the given secrets; wrap, when not nil, wraps its store.
func newEnvWith(t *testing.T, values map[string]string, wrap func(store.Store) store.Store) *env {
	return launch(t, envOptions{secrets: values, wrap: wrap})
}

// newStagingEnv starts a gateway whose 1C token is testToken and that stages pages.
func newStagingEnv(t *testing.T) *env {
	return launch(t, envOptions{secrets: map[string]string{secret.OnecToken: testToken}, staging: true})
}

func launch(t *testing.T, o envOptions) *env {
	t.Helper()
	bolt, err := boltstore.Open(filepath.Join(t.TempDir(), "bridge.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bolt.Close() })
	start := time.Now().Truncate(time.Second)
	e := &env{t: t, store: bolt, logs: &logBuffer{}, clock: &clock{t: start}, start: start}
	st := store.Store(bolt)
	if o.wrap != nil {
		st = o.wrap(bolt)
	}
	if o.staging {
		blobs, err := dirblob.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = blobs.Close() })
		e.blobs, e.staging = blobs, staging.New(st, blobs, staging.Options{Now: e.clock.Now})
	}
	e.srv = httptest.NewServer(gateway.NewHandler(gateway.Deps{
		Store:   st,
		Secrets: &secrets{values: o.secrets},
		Log:     slog.New(slog.NewJSONHandler(e.logs, nil)),
		Now:     e.clock.Now,
		Staging: e.staging,
	}))
	t.Cleanup(e.srv.Close)
	return e
}

// response is an answer of the gateway.
type response struct {
	status int
	header http.Header
	body   []byte
}

// answer decodes a successful answer.
func (r response) answer(t *testing.T) gateway.Answer {
	t.Helper()
	var a gateway.Answer
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatalf("answer %d %s: %v", r.status, r.body, err)
	}
	return a
}

var cyrillic = regexp.MustCompile(`\p{Cyrillic}`)

// wantError checks an error answer: its status, its code and a Russian message.
func (r response) wantError(t *testing.T, status int, code string) httpapi.Error {
	t.Helper()
	var body httpapi.ErrorBody
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("error answer %d %s: %v", r.status, r.body, err)
	}
	if r.status != status || body.Error.Code != code || !cyrillic.MatchString(body.Error.Message) {
		t.Fatalf("answer %d %s, want %d with code %s and a Russian message", r.status, r.body, status, code)
	}
	return body.Error
}

// bearer authenticates a request with a Bearer token.
func bearer(token string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

// basic authenticates a request as 1C's HTTP client does.
func basic(token string) func(*http.Request) {
	return func(r *http.Request) {
		r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("1c:"+token)))
	}
}

// do sends a request with a JSON body; auth, when not nil, authenticates it.
func (e *env) do(method, path string, body []byte, auth func(*http.Request)) response {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != nil {
		auth(req)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// post sends an event with the test token.
func (e *env) post(body []byte) response {
	e.t.Helper()
	return e.do(http.MethodPost, "/onec/v1/events", body, bearer(testToken))
}

// snapshotEvent returns the body of a valid references.snapshot event.
func snapshotEvent(t *testing.T, eventID string, occurredAt time.Time) []byte {
	t.Helper()
	return marshal(t, onectest.Snapshot(eventID, occurredAt.In(msk), onectest.References()))
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// past is a time before the test clock, for occurredAt.
func (e *env) past(d time.Duration) time.Time { return e.start.Add(-d) }

// latest returns the stored references snapshot; false when there is none.
func (e *env) latest() (onecrefs.Snapshot, bool) {
	e.t.Helper()
	snap, ok, err := onecrefs.New(e.store).Latest(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return snap, ok
}

// wantNothingStored fails the test when the event left a dedupe record or any snapshot.
func (e *env) wantNothingStored(eventID string) {
	e.t.Helper()
	if _, err := e.store.Get(e.t.Context(), store.Key{PK: "onec-event#" + eventID, SK: "event"}); !errors.Is(err, store.ErrNotFound) {
		e.t.Errorf("dedupe record of %s: %v", eventID, err)
	}
	if snap, ok := e.latest(); ok {
		e.t.Errorf("a snapshot is stored: %s", snap.EventID)
	}
}

// wantApplied checks a first answer that applied a snapshot of the sample references.
func wantApplied(t *testing.T, r response, eventID string) {
	t.Helper()
	a := r.answer(t)
	if r.status != http.StatusOK || a.EventID != eventID || a.Status != gateway.StatusApplied ||
		!cyrillic.MatchString(a.Message) || r.header.Get("X-Duplicate-Event") != "" {
		t.Fatalf("answer %d %s %v, want applied %s", r.status, r.body, r.header, eventID)
	}
	if a.Counts[string(onec.KindOrganizations)] != 2 || len(a.Counts) != len(onec.Kinds) {
		t.Fatalf("counts = %v", a.Counts)
	}
}
