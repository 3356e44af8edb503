package sandbox

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestRateLimitBurst(t *testing.T) {
	sb := NewServer(Options{})
	defer sb.Close()
	sb.SeedDemo()
	sb.AddAPIKey(keyOther, DemoSite)
	c := newAPI(t, sb, DemoAPIKey)

	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for range 15 {
		wg.Go(func() {
			a, err := c.try(http.MethodGet, "/api/v5/reference/statuses", nil)
			if err != nil {
				t.Error(err)
				return
			}
			if a.status == http.StatusServiceUnavailable && string(a.body) != `{"success":false,"errorMsg":"Rate limit exceeded"}` {
				t.Errorf("503 body %s", a.body)
			}
			mu.Lock()
			statuses[a.status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if statuses[http.StatusOK] != 10 || statuses[http.StatusServiceUnavailable] != 5 {
		t.Errorf("statuses %v, want 10 × 200 and 5 × 503", statuses)
	}
	newAPI(t, sb, keyOther).get("/api/v5/reference/statuses", nil).ok(t) // the limit is per key

	// Sliding window: still refused half a second later (a new calendar second may have begun),
	// served again once a full second has passed since the burst.
	time.Sleep(600 * time.Millisecond)
	if a := c.get("/api/v5/reference/statuses", nil); a.status != http.StatusServiceUnavailable {
		t.Errorf("0.6 s after a full burst: %d", a.status)
	}
	time.Sleep(500 * time.Millisecond)
	c.get("/api/v5/reference/statuses", nil).ok(t)

	accepted, refused := 0, 0
	for _, s := range sb.RateCounts(DemoAPIKey) {
		accepted += s.Accepted
		refused += s.Refused
	}
	if accepted != 11 || refused != 6 || sb.PeakRate(DemoAPIKey) != 10 {
		t.Errorf("counted %d accepted, %d refused, peak %d", accepted, refused, sb.PeakRate(DemoAPIKey))
	}
	if sb.RateCounts("unknown") != nil || sb.PeakRate("unknown") != 0 {
		t.Error("counts for a key never seen")
	}
}

func TestRateLimitNeverRefusesAtTheRate(t *testing.T) {
	sb := NewServer(Options{RateLimit: 20})
	defer sb.Close()
	sb.SeedDemo()
	c := newAPI(t, sb, DemoAPIKey)
	tick := time.NewTicker(55 * time.Millisecond) // 18 requests a second, under the limit of 20
	defer tick.Stop()
	for range 30 {
		<-tick.C
		c.get("/api/v5/reference/sites", nil).ok(t)
	}
	if peak := sb.PeakRate(DemoAPIKey); peak > 20 {
		t.Errorf("peak rate %d", peak)
	}
}
