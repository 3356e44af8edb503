package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/retailcrm/sandbox"
)

// adminToken reads the admin token the runner prints after its health URL.
func adminToken(t testing.TB, lines <-chan string) string {
	t.Helper()
	for line := range lines {
		if _, rest, ok := strings.Cut(line, "Authorization: Bearer "); ok {
			return strings.TrimSuffix(rest, `")`)
		}
	}
	t.Fatal("the runner printed no admin token")
	return ""
}

func call(t testing.TB, method, url, token string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// TestEveryRouteIsServedAndGuarded: each route of template.yaml reaches a handler that knows
// it, and every one but the health check wants a token (the trigger's is in its path: a fresh
// bridge has none yet).
func TestEveryRouteIsServedAndGuarded(t *testing.T) {
	_, base, _ := startRunner(t, t.TempDir())
	for _, rt := range routes {
		path := strings.NewReplacer("{table}", "managers", "{name}", "onec-token", "{id}", "138").Replace(rt.Path)
		status, body := call(t, rt.Method, base+path, "", nil)
		want := http.StatusUnauthorized
		switch rt.Function {
		case "crm-webhook":
			path = strings.Replace(rt.Path, "{secret}", "guess", 1)
			want = http.StatusForbidden
		case "admin":
			if rt.Path == "/healthz" {
				want = http.StatusOK
			}
		}
		if status != want {
			t.Errorf("%s %s: %d %s, want %d", rt.Method, path, status, body, want)
		}
	}
}

// TestLocalBridgeWorksWithItsSandbox follows a newcomer's first steps on `make run`: connect
// to the sandbox with the demo key, load a table, give 1C a token and receive its references.
func TestLocalBridgeWorksWithItsSandbox(t *testing.T) {
	_, base, lines := startRunner(t, t.TempDir())
	token := adminToken(t, lines)

	status, body := call(t, "PUT", base+"/admin/v1/settings/connection", token, map[string]string{
		"accountUrl": base + sandboxPrefix, "siteCode": sandbox.DemoSite, "apiKey": sandbox.DemoAPIKey,
	})
	var view struct{ Verified bool }
	if err := json.Unmarshal(body, &view); err != nil || status != http.StatusOK || !view.Verified {
		t.Fatalf("connect to the sandbox: %d %s", status, body)
	}
	if status, body = call(t, "POST", base+"/admin/v1/settings/tables/statuses-import/load", token, nil); status != http.StatusOK ||
		!strings.Contains(string(body), `"crmCode":"client-confirmed"`) {
		t.Fatalf("load statuses: %d %s", status, body)
	}

	status, body = call(t, "POST", base+"/admin/v1/secrets/onec-token/rotate", token, nil)
	var rotated struct{ Value string }
	if err := json.Unmarshal(body, &rotated); err != nil || status != http.StatusOK || rotated.Value == "" {
		t.Fatalf("rotate: %d %s", status, body)
	}
	event := onectest.Snapshot(onectest.GUID(), time.Now(), onectest.References())
	if status, body = call(t, "POST", base+"/onec/v1/events", rotated.Value, event); status != http.StatusOK ||
		!strings.Contains(string(body), `"applied"`) {
		t.Fatalf("references from 1C: %d %s", status, body)
	}
	if status, body = call(t, "GET", base+"/admin/v1/references", token, nil); status != http.StatusOK ||
		!strings.Contains(string(body), "Основной склад") {
		t.Fatalf("references: %d %s", status, body)
	}
}

// TestScheduleTicksInProcess: the local runner runs the scheduled order import itself, and in
// demo mode the simulated 1C pulls its inbox.
func TestScheduleTicksInProcess(t *testing.T) {
	_, base, lines := startRunner(t, t.TempDir(), "-schedule", "200ms")
	token := adminToken(t, lines)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		status, body := call(t, "GET", base+"/admin/v1/runs?flow=history-sync", token, nil)
		if status == http.StatusOK && strings.Contains(string(body), `"trigger":"schedule"`) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("no scheduled history-sync run was recorded")
}
