package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"unfbridge/shared/admin"
	"unfbridge/shared/onecrefs"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/secret"
	"unfbridge/shared/secret/storesecret"
	"unfbridge/shared/settings"
	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
	bridgesync "unfbridge/shared/sync"
)

// adminToken is the admin token of every harness; the log check looks for it too.
const adminToken = "adm-7f3c9e1b5d2a4f6e8c0b1a3d5e7f9a2b"

// bridge is the admin API over a real embedded store, with the RetailCRM sandbox seeded with
// demo data behind it.
type bridge struct {
	t       *testing.T
	srv     *httptest.Server
	sb      *sandbox.Sandbox
	st      store.Store
	secrets secret.Store
	logs    *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newBridge(t *testing.T) *bridge {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "bridge.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sb := sandbox.NewServer(sandbox.Options{RateLimit: -1})
	t.Cleanup(sb.Close)
	sb.SeedDemo()
	secrets := storesecret.New(st)
	if err := secrets.Put(t.Context(), secret.AdminToken, adminToken); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	setup := &bridgesync.Setup{
		Repo: settings.NewRepo(st), Secrets: secrets, Connect: bridgesync.NewConnector(st, 0, bridgesync.InteractiveRetry, log),
		Refs: onecrefs.New(st), Now: time.Now, Log: log,
	}
	srv := httptest.NewServer(admin.NewHandler(admin.Deps{Store: st, Secrets: secrets, Setup: setup, Version: "test", Log: log}))
	t.Cleanup(srv.Close)
	b := &bridge{t: t, srv: srv, sb: sb, st: st, secrets: secrets, logs: logs}
	t.Cleanup(b.checkLogsHoldNoSecret)
	return b
}

// checkLogsHoldNoSecret fails the test when anything logged holds the API key or a token.
func (b *bridge) checkLogsHoldNoSecret() {
	logs := b.logs.String()
	secrets := []string{adminToken, sandbox.DemoAPIKey, otherSiteKey, fullKey}
	for _, name := range []string{secret.OnecToken, secret.CRMTriggerSecret} {
		if v, err := b.secrets.Get(context.Background(), name); err == nil {
			secrets = append(secrets, v)
		}
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			b.t.Errorf("a secret was logged: %q", s)
		}
	}
}

// answer is an HTTP answer with its JSON body.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("answer %d %s: %v", a.status, a.body, err)
	}
}

// errorOf returns the error of an error answer.
func (a answer) errorOf(t *testing.T) errorBody {
	t.Helper()
	var e struct {
		Error errorBody `json:"error"`
	}
	a.decode(t, &e)
	if e.Error.Message == "" {
		t.Fatalf("answer %d without an error message: %s", a.status, a.body)
	}
	return e.Error
}

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"details"`
}

// do sends a request with the admin token; body is sent as is when it is a string or []byte,
// else as JSON.
func (b *bridge) do(method, path string, body any) answer {
	return b.doAs(method, path, body, "Bearer "+adminToken)
}

func (b *bridge) doAs(method, path string, body any, auth string) answer {
	b.t.Helper()
	var r io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(v)
	case []byte:
		r = bytes.NewReader(v)
	default:
		data, err := json.Marshal(v)
		if err != nil {
			b.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(b.t.Context(), method, b.srv.URL+path, r)
	if err != nil {
		b.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

// view is GET /admin/v1/settings.
func (b *bridge) view() bridgesync.View {
	b.t.Helper()
	a := b.do("GET", "/admin/v1/settings", nil)
	if a.status != http.StatusOK {
		b.t.Fatalf("GET settings: %d %s", a.status, a.body)
	}
	var v bridgesync.View
	a.decode(b.t, &v)
	return v
}

// connect saves the constants with the demo key and site and checks they are verified.
func (b *bridge) connect() bridgesync.View {
	b.t.Helper()
	a := b.do("PUT", "/admin/v1/settings/connection", map[string]any{
		"accountUrl": b.sb.URL(), "siteCode": sandbox.DemoSite, "apiKey": sandbox.DemoAPIKey, "operation": "ЗаказНаПродажу",
	})
	var v bridgesync.View
	a.decode(b.t, &v)
	if a.status != http.StatusOK || !v.Verified {
		b.t.Fatalf("connect: %d %s", a.status, a.body)
	}
	return v
}

// storeDump returns every item of the store partitions the admin API writes, to compare
// before and after a refused request.
func (b *bridge) storeDump() string {
	b.t.Helper()
	var out strings.Builder
	for _, pk := range []string{"settings", "secret", "onec-references"} {
		page, err := b.st.Query(b.t.Context(), store.Query{PK: pk})
		if err != nil {
			b.t.Fatal(err)
		}
		for _, it := range page.Items {
			out.WriteString(it.PK + "/" + it.SK + "=" + string(it.Data) + "\n")
		}
	}
	return out.String()
}
