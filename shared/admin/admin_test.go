package admin_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"unfbridge/shared/admin"
	"unfbridge/shared/store/boltstore"
)

func getHealth(t *testing.T, srv *httptest.Server) (int, admin.Health) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h admin.Health
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, h
}

func TestHealthzReportsStoreAndVersion(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "bridge.db"))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	srv := httptest.NewServer(admin.NewHandler(admin.Deps{
		Store: st, Version: "v1.2.3", Log: slog.New(slog.NewJSONHandler(&logs, nil)),
	}))
	defer srv.Close()

	code, h := getHealth(t, srv)
	if code != http.StatusOK || h != (admin.Health{Status: "ok", Version: "v1.2.3", Store: "ok"}) {
		t.Fatalf("healthy store: %d %+v", code, h)
	}

	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	code, h = getHealth(t, srv)
	if code != http.StatusServiceUnavailable || h.Status != "unavailable" || h.Store != "unreachable" ||
		!strings.Contains(h.Message, "Хранилище") {
		t.Fatalf("closed store: %d %+v", code, h)
	}
	if !strings.Contains(logs.String(), "store unreachable") {
		t.Fatalf("the failure was not logged: %s", logs.String())
	}
}

func TestHealthzAnswersOnlyGet(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "bridge.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(admin.NewHandler(admin.Deps{Store: st, Version: "v", Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/healthz", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST /healthz answered %d, want 405", resp.StatusCode)
	}
}
