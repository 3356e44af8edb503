package sandbox

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestHandlerMountedUnderPrefix(t *testing.T) {
	sb := New(Options{})
	sb.SeedDemo()
	srv := httptest.NewServer(http.StripPrefix("/crm", sb.Handler()))
	defer srv.Close()
	c := &api{t: t, base: srv.URL + "/crm", key: DemoAPIKey}
	if sites := c.get("/api/v5/reference/sites", nil).ok(t).json["sites"]; at(sites, DemoSite, "code") != DemoSite {
		t.Errorf("sites %s", encode(sites))
	}
}

func TestTimeZone(t *testing.T) {
	at0 := time.Date(2026, 3, 2, 6, 30, 0, 0, time.UTC)
	for loc, want := range map[*time.Location]string{nil: "2026-03-02 09:30:00", time.UTC: "2026-03-02 06:30:00"} {
		sb := NewServer(Options{Location: loc, Clock: func() time.Time { return at0 }})
		sb.SeedDemo()
		a := newAPI(t, sb, DemoAPIKey).get("/api/v5/orders/history", query("limit", "20")).ok(t)
		if a.json["generatedAt"] != want || at(a.json, "history", 0, "createdAt") != want {
			t.Errorf("zone %v: generatedAt %v, record %v, want %s", loc, a.json["generatedAt"], at(a.json, "history", 0, "createdAt"), want)
		}
		sb.Close()
	}
}

func TestConcurrentUse(t *testing.T) {
	sb, _ := newTestSandbox(t)
	since := sb.LastHistoryID()
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() {
			c := newAPI(t, sb, keyBridge)
			for i := range 8 {
				order := fmt.Sprintf(`{"externalId": "C-%d-%d", "items": [{"offer": {"externalId": %q}}]}`, w, i, offerExt(i%5))
				a, err := c.try(http.MethodPost, "/api/v5/orders/create", form("order", order))
				if err != nil || a.status != http.StatusOK {
					t.Errorf("create: %v %s", err, a.body)
					return
				}
				edit := form("by", "id", "order", `{"status": "assembling"}`)
				if a, err = c.try(http.MethodPost, fmt.Sprintf("/api/v5/orders/%v/edit", a.json["id"]), edit); err != nil || a.status != http.StatusOK {
					t.Errorf("edit: %v %s", err, a.body)
				}
				if a, err = c.try(http.MethodGet, "/api/v5/orders/history", query("filter[sinceId]", fmt.Sprint(since))); err != nil || a.status != http.StatusOK {
					t.Errorf("history: %v %s", err, a.body)
				}
			}
		})
	}
	wg.Wait()
	if recs := history(t, newAPI(t, sb, keyBridge), since); len(recs) != 96 {
		t.Errorf("%d records, want 96 (48 creations, 48 status changes)", len(recs))
	}
}
