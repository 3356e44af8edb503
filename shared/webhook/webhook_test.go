package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/secret"
	"unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
	"unfbridge/shared/webhook"
)

// triggerSecret is the trigger secret of every test server.
const triggerSecret = "trg-4b9d2e7a1c6f3e8d0a5b2c9e7f1d3a6b"

// server is the crm-webhook API on a whole order import.
type server struct {
	t    *testing.T
	b    *importtest.Bridge
	srv  *httptest.Server
	logs *importtest.Buffer
}

func newServer(t *testing.T, o importtest.Options) *server {
	t.Helper()
	b := importtest.New(t, o)
	if err := b.Secrets.Put(t.Context(), secret.CRMTriggerSecret, triggerSecret); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, b: b, logs: &importtest.Buffer{}}
	log := slog.New(slog.NewJSONHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s.srv = httptest.NewServer(webhook.NewHandler(webhook.Deps{Secrets: b.Secrets, Importer: b.Importer, Log: log,
		Trigger: sync.TriggerWebhook}))
	t.Cleanup(s.srv.Close)
	t.Cleanup(s.checkLogs)
	return s
}

// checkLogs fails the test when a log line holds the trigger secret or the API key.
func (s *server) checkLogs() {
	for _, logs := range []string{s.logs.String(), s.b.Logs.String()} {
		for _, secretValue := range []string{triggerSecret, sandbox.DemoAPIKey} {
			if strings.Contains(logs, secretValue) {
				s.t.Errorf("a secret was logged: %q", secretValue)
			}
		}
	}
	if !strings.Contains(s.logs.String(), `"route":"/crm/v1/trigger/{secret}"`) {
		s.t.Error("the trigger calls were not logged")
	}
}

// reply is an answer of the webhook.
type reply struct {
	status int
	body   []byte
}

func (r reply) answer(t *testing.T) webhook.Answer {
	t.Helper()
	var a webhook.Answer
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
	return a
}

func (r reply) errorMessage(t *testing.T) string {
	t.Helper()
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
	return e.Error.Message
}

// call sends a request to path (with query) and a form body when form is not nil.
func (s *server) call(method, pathAndQuery string, form url.Values) reply {
	s.t.Helper()
	r, err := s.send(method, pathAndQuery, form)
	if err != nil {
		s.t.Fatal(err)
	}
	return r
}

// send is call for any goroutine.
func (s *server) send(method, pathAndQuery string, form url.Values) (reply, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(s.t.Context(), method, s.srv.URL+pathAndQuery, body)
	if err != nil {
		return reply{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, body: data}, err
}

func (s *server) pending() int {
	s.t.Helper()
	n, err := s.b.Importer.Inbox.PendingCount(s.t.Context())
	if err != nil {
		s.t.Fatal(err)
	}
	return n
}

const path = "/crm/v1/trigger/" + triggerSecret

// demoOrder is the CRM id of a demo order of the connection's site.
func (s *server) demoOrder() int64 {
	s.t.Helper()
	c, err := retailcrm.New(retailcrm.Options{BaseURL: s.b.Sandbox.URL(), APIKey: sandbox.DemoAPIKey})
	if err != nil {
		s.t.Fatal(err)
	}
	page, err := c.Orders(s.t.Context(), retailcrm.OrdersFilter{Limit: 20})
	if err != nil || len(page.Orders) == 0 {
		s.t.Fatalf("demo orders: %v", err)
	}
	return page.Orders[0].ID
}

func TestTriggerRefusesWrongSecret(t *testing.T) {
	s := newServer(t, importtest.Options{})
	id := s.demoOrder()
	for _, p := range []string{
		"/crm/v1/trigger/wrong-secret",
		"/crm/v1/trigger/" + triggerSecret[:len(triggerSecret)-1],
		"/crm/v1/trigger/" + triggerSecret + "x",
		"/crm/v1/trigger/" + strings.ToUpper(triggerSecret),
	} {
		for _, method := range []string{"GET", "POST"} {
			if r := s.call(method, p+"?id="+itoa(id), nil); r.status != http.StatusForbidden || r.errorMessage(t) == "" {
				t.Errorf("%s %s: %d %s", method, p, r.status, r.body)
			}
		}
	}
	// No secret in the path: no route.
	if r := s.call("GET", "/crm/v1/trigger/?id="+itoa(id), nil); r.status != http.StatusNotFound {
		t.Errorf("no secret: %d %s", r.status, r.body)
	}
	// The secret not set yet: every call is refused.
	unset := webhook.NewHandler(webhook.Deps{Secrets: noSecrets{}, Importer: s.b.Importer, Log: slog.New(slog.DiscardHandler),
		Trigger: sync.TriggerWebhook})
	rec := httptest.NewRecorder()
	unset.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), "GET", path+"?id="+itoa(id), nil))
	if r := (reply{status: rec.Code, body: rec.Body.Bytes()}); r.status != http.StatusForbidden || r.errorMessage(t) == "" {
		t.Errorf("secret not set: %d %s", r.status, r.body)
	}
	if n := s.pending(); n != 0 {
		t.Errorf("%d commands queued by refused calls", n)
	}
}

func TestTriggerRefusesBadID(t *testing.T) {
	s := newServer(t, importtest.Options{})
	for _, q := range []string{"", "?id=", "?id=abc", "?id=0", "?id=-5", "?id=1.5", "?id=99999999999999999999", "?order=5001"} {
		r := s.call("GET", path+q, nil)
		if r.status != http.StatusBadRequest ||
			r.errorMessage(t) != "Передайте id заказа параметром id, например id={{ order.id }} в настройке триггера RetailCRM." {
			t.Errorf("%q: %d %s", q, r.status, r.body)
		}
	}
	// A body above the limit is refused.
	if r := s.call("POST", path, url.Values{"id": {"1"}, "pad": {strings.Repeat("x", 32<<10)}}); r.status != http.StatusBadRequest {
		t.Errorf("large body: %d %s", r.status, r.body)
	}
	if n := s.pending(); n != 0 {
		t.Errorf("%d commands queued by bad calls", n)
	}
	runs, err := s.b.Importer.Runs.Latest(t.Context(), sync.FlowOrderByID, 5)
	if err != nil || len(runs) != 0 {
		t.Errorf("runs of bad calls: %v %+v", err, runs)
	}
}

func TestTriggerImportsAtOnce(t *testing.T) {
	s := newServer(t, importtest.Options{})
	id := s.demoOrder()
	for _, tc := range []struct {
		method, query string
		form          url.Values
		queued        int64
	}{
		{"POST", "", url.Values{"id": {itoa(id)}}, 1},
		{"GET", "?id=" + itoa(id), nil, 0},
		{"POST", "?id=" + itoa(id), nil, 0},
		{"POST", "?id=+" + itoa(id) + "+", url.Values{}, 0},
	} {
		a := s.call(tc.method, path+tc.query, tc.form).answer(t)
		if a.CRMOrderID != id || a.Counts[sync.CountQueued] != tc.queued || a.Counts[sync.CountOrders] != 1 {
			t.Errorf("%s %q %v: %+v", tc.method, tc.query, tc.form, a)
		}
	}
	st, known, err := s.b.Importer.Inbox.State(t.Context(), id)
	if err != nil || !known || st.PendingCommandID == "" || s.pending() != 1 {
		t.Fatalf("inbox %v %+v, %d pending", err, st, s.pending())
	}
	runs, err := s.b.Importer.Runs.Latest(t.Context(), sync.FlowOrderByID, 10)
	if err != nil || len(runs) != 4 || runs[0].Trigger != sync.TriggerWebhook {
		t.Errorf("runs %v %+v", err, runs)
	}
	// 1C receives it.
	s.b.Pull(t)
	if _, ok := s.b.Sim.Document(id); !ok {
		t.Error("the order did not reach 1C")
	}
	// An unknown order answers 200 with the message: RetailCRM must not retry it.
	a := s.call("GET", path+"?id=999999", nil).answer(t)
	if len(a.Messages) != 1 || !strings.Contains(a.Messages[0], "не найден") {
		t.Errorf("unknown order %+v", a)
	}
}

func TestTriggerDuplicatesQueueOnce(t *testing.T) {
	s := newServer(t, importtest.Options{})
	id := s.demoOrder()
	var wg gosync.WaitGroup
	replies := make([]reply, 5)
	for i := range replies {
		wg.Go(func() {
			var err error
			if i%2 == 0 {
				replies[i], err = s.send("POST", path, url.Values{"id": {itoa(id)}})
			} else {
				replies[i], err = s.send("GET", path+"?id="+itoa(id), nil)
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	queued := int64(0)
	for _, r := range replies {
		queued += r.answer(t).Counts[sync.CountQueued]
	}
	if queued != 1 || s.pending() != 1 {
		t.Errorf("5 triggers queued %d, %d pending", queued, s.pending())
	}
	rep := s.b.Pull(t)
	if rep.Pulled != 1 {
		t.Errorf("1C received %d commands", rep.Pulled)
	}
}

func TestTriggerRetailCRMDown(t *testing.T) {
	s := newServer(t, importtest.Options{Retry: retailcrm.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond}})
	id := s.demoOrder()
	s.b.Sandbox.SetFaults(sandbox.Faults{Unavailable: 1})
	r := s.call("GET", path+"?id="+itoa(id), nil)
	if r.status != http.StatusServiceUnavailable ||
		r.errorMessage(t) != "Заказ не загружен сейчас; он будет загружен при следующей синхронизации истории." {
		t.Errorf("%d %s", r.status, r.body)
	}
	s.b.Sandbox.SetFaults(sandbox.Faults{})
	if a := s.call("GET", path+"?id="+itoa(id), nil).answer(t); a.Counts[sync.CountQueued] != 1 {
		t.Errorf("after recovery %+v", a)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// noSecrets is a secret store where nothing is set.
type noSecrets struct{}

func (noSecrets) Get(context.Context, string) (string, error) { return "", secret.ErrNotFound }
func (noSecrets) Put(context.Context, string, string) error   { return nil }
