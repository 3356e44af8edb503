package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// fresh uses a new connection per request: net/http silently retries a GET whose reused
// connection is dropped, which would hide the drops counted here.
var fresh = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// rawGet performs a GET with the demo key and returns the status, content type and body, or
// the transport error.
func rawGet(sb *Sandbox, path string) (int, string, string, error) {
	req, _ := http.NewRequest(http.MethodGet, sb.URL()+path, nil)
	req.Header.Set("X-API-KEY", DemoAPIKey)
	resp, err := fresh.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body), err
}

func TestFaults(t *testing.T) {
	sb, _ := newTestSandbox(t)
	const path = "/api/v5/reference/statuses"

	sb.FailNext(FaultDrop, 1)
	if _, _, _, err := rawGet(sb, path); err == nil {
		t.Error("a dropped connection answered")
	}
	sb.FailNext(FaultMalformed, 1)
	status, _, body, err := rawGet(sb, path)
	if err != nil || status != http.StatusOK || json.Valid([]byte(body)) || !strings.HasPrefix(body, `{"success":true`) {
		t.Errorf("malformed: %d %v %q", status, err, body)
	}
	sb.FailNext(FaultUnavailable, 2)
	for range 2 {
		newAPI(t, sb, DemoAPIKey).get(path, nil).fails(t, http.StatusServiceUnavailable, "Rate limit exceeded")
	}
	newAPI(t, sb, DemoAPIKey).get(path, nil).ok(t)

	sb.SetFaults(Faults{AccountMissing: true})
	status, ctype, body, _ := rawGet(sb, path)
	if status != http.StatusMethodNotAllowed || !strings.HasPrefix(ctype, "text/html") || !strings.HasPrefix(body, "<html>") {
		t.Errorf("account missing: %d %q %q", status, ctype, body)
	}
	sb.SetFaults(Faults{Latency: 80 * time.Millisecond})
	start := time.Now()
	newAPI(t, sb, DemoAPIKey).get(path, nil).ok(t)
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("latency: answered in %v", d)
	}

	sb.SetFaults(Faults{Unavailable: 0.3, Drop: 0.1, Malformed: 0.1})
	counts := map[string]int{}
	for range 200 {
		status, _, body, err := rawGet(sb, path)
		switch {
		case err != nil:
			counts["drop"]++
		case status == http.StatusServiceUnavailable:
			counts["503"]++
		case !json.Valid([]byte(body)):
			counts["malformed"]++
		default:
			counts["ok"]++
		}
	}
	sb.SetFaults(Faults{})
	if counts["drop"] < 5 || counts["503"] < 30 || counts["malformed"] < 5 || counts["ok"] < 80 {
		t.Errorf("fault shares over 200 requests: %v", counts)
	}
	reqs := sb.Requests()
	if reqs[0].Status != 0 || reqs[1].Status != http.StatusOK || reqs[2].Status != http.StatusServiceUnavailable {
		t.Errorf("recorded statuses %d %d %d", reqs[0].Status, reqs[1].Status, reqs[2].Status)
	}
}

// postFresh posts a form with the demo key on a new connection and returns the transport error.
func postFresh(sb *Sandbox, path string, f url.Values) error {
	req, _ := http.NewRequest(http.MethodPost, sb.URL()+path, strings.NewReader(f.Encode()))
	req.Header.Set("X-API-KEY", DemoAPIKey)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := fresh.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

// TestApplyThenDrop: the request is carried out but its answer never comes, once by FailNext
// and for a share of the requests.
func TestApplyThenDrop(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, DemoAPIKey)
	o := createOrder(t, c, "", fmt.Sprintf(`{"items": [{"offer": {"externalId": %q}}]}`, offerExt(0)))
	pay := func(ext string) url.Values {
		return form("site", DemoSite, "payment", fmt.Sprintf(`{"order": {"id": %v}, "type": "cash", "amount": 10, "externalId": %q}`, o["id"], ext))
	}
	payments := func() int {
		got := c.get("/api/v5/orders/"+str(o["id"]), query("by", "id")).ok(t).json["order"]
		return len(at(got, "payments").(map[string]any))
	}

	sb.FailNext(FaultApplyThenDrop, 1)
	if err := postFresh(sb, "/api/v5/orders/payments/create", pay("a")); err == nil {
		t.Fatal("the answer of an applied-then-dropped request came")
	}
	if n := payments(); n != 1 {
		t.Fatalf("%d payments after the dropped create, want 1", n)
	}
	c.post("/api/v5/orders/payments/create", pay("a")).fails(t, http.StatusBadRequest, "Errors in the entity format", "externalId")
	if reqs := sb.Requests(); reqs[len(reqs)-3].Status != 0 {
		t.Errorf("the dropped request is recorded with status %d", reqs[len(reqs)-3].Status)
	}

	sb.SetFaults(Faults{ApplyThenDrop: 1})
	for _, ext := range []string{"b", "c"} {
		if err := postFresh(sb, "/api/v5/orders/payments/create", pay(ext)); err == nil {
			t.Fatalf("payment %s: an answer came", ext)
		}
	}
	sb.SetFaults(Faults{})
	if n := payments(); n != 3 {
		t.Fatalf("%d payments, want 3", n)
	}
}
