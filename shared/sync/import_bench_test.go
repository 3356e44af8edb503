package sync_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/settings"
	"unfbridge/shared/sync/importtest"
)

// Paths of the requests an import makes.
const (
	pathHistory = "/api/v5/orders/history"
	pathOrders  = "/api/v5/orders"
)

// benchOrders is the number of changed orders one measured import takes.
const benchOrders = 1000

// BenchmarkImport1000ChangedOrders measures one complete import of 1,000 orders changed by CRM
// users (their changes interleaved, several history records each) at RetailCRM's real budget:
// 10 requests/s paced by the bridge, 10 requests/s enforced by the sandbox.
//
// Requests: the target is the history pages plus ceil(orders/50) order reads, nothing more.
// Wall time: the target is 1.1 × requests / 10 s (the budget is used, not slept away).
//
// The account facts (time zone, paid statuses) are kept in the store for an hour, so every
// scheduled import but the first of the hour finds them: "facts_cached" is the steady state,
// "facts_cold" the first import of the hour (two more requests).
func BenchmarkImport1000ChangedOrders(b *testing.B) {
	for _, warm := range []bool{true, false} {
		name := map[bool]string{true: "facts_cached", false: "facts_cold"}[warm]
		b.Run(name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				br := importtest.New(b, importtest.Options{Rate: 10, Sandbox: sandbox.Options{RateLimit: 10}})
				if warm {
					br.SyncAll(b)
				}
				records := changeOrders(b, br, benchOrders)
				br.Sandbox.ResetRequests()
				b.StartTimer()
				start := time.Now()
				runs := br.SyncAll(b)
				elapsed := time.Since(start)
				b.StopTimer()
				reportImport(b, br, records, len(runs), elapsed)
			}
		})
	}
}

// changeOrders creates n orders of demo offers in an imported status, moves the history cursor
// past them, and changes each of them one to three times (status, quantity or comment), the
// changes of all orders interleaved, the same every time. It returns the number of history
// records to import.
func changeOrders(b *testing.B, br *importtest.Bridge, n int) int {
	sb := br.Sandbox
	rnd := rand.New(rand.NewPCG(1, 2))
	offers := []string{"5f0d6b1e-7a3c-11ee-8c90-0242ac120002", "5f0d6e3e-7a3c-11ee-8c90-0242ac120002",
		"7c1e2a40-7a3c-11ee-8c90-0242ac120002#9a4b1c20-7a3c-11ee-8c90-0242ac120002", "8d2f3b50-7a3c-11ee-8c90-0242ac120002"}
	statuses := []string{"availability-confirmed", "client-confirmed", "assembling", "assembling-complete", "complete"}
	ids := make([]int, n)
	for i := range ids {
		var err error
		ids[i], err = sb.CreateAsUser(sandbox.DemoSite, 0, fmt.Sprintf(`{"status": "client-confirmed",
			"firstName": "Покупатель", "lastName": "%d", "phone": "+7926%07d",
			"items": [{"offer": {"externalId": %q}, "quantity": 1, "externalIds": [{"code": "bench", "value": "1"}]}],
			"delivery": {"code": "courier", "cost": 300}, "payments": [{"type": "cash", "status": "not-paid"}]}`,
			i, i, offers[rnd.IntN(len(offers))]))
		if err != nil {
			b.Fatal(err)
		}
	}
	from := sb.LastHistoryID()
	if _, err := br.Setup.SaveHistory(b.Context(), settings.History{SinceID: int64(from)}); err != nil {
		b.Fatal(err)
	}
	var changes []int
	for _, id := range ids {
		for range 1 + rnd.IntN(3) {
			changes = append(changes, id)
		}
	}
	rnd.Shuffle(len(changes), func(i, j int) { changes[i], changes[j] = changes[j], changes[i] })
	for _, id := range changes {
		var edit string
		switch rnd.IntN(3) {
		case 0:
			edit = fmt.Sprintf(`{"status": %q}`, statuses[rnd.IntN(len(statuses))])
		case 1:
			edit = fmt.Sprintf(`{"items": [{"externalIds": [{"code": "bench", "value": "1"}], "quantity": %d}]}`, 1+rnd.IntN(5))
		default:
			edit = fmt.Sprintf(`{"managerComment": "Правка %d"}`, rnd.IntN(1000))
		}
		if err := sb.EditAsUser(id, 0, edit); err != nil {
			b.Fatal(err)
		}
	}
	return sb.LastHistoryID() - from
}

// reportImport reports the requests and the time of one import of records history records
// against their targets.
func reportImport(b *testing.B, br *importtest.Bridge, records, runs int, elapsed time.Duration) {
	var pages, reads, extra int
	for _, r := range br.Sandbox.Requests() {
		switch {
		case r.Status != 200:
			extra++
		case r.Path == pathHistory:
			pages++
		case r.Path == pathOrders:
			reads++
		default:
			extra++
		}
	}
	requests := pages + reads + extra
	target := ceilDiv(records, 100) + ceilDiv(benchOrders, 50)
	seconds, targetSeconds := elapsed.Seconds(), 1.1*float64(requests)/10
	b.ReportMetric(float64(requests), "requests")
	b.ReportMetric(float64(pages), "history_pages")
	b.ReportMetric(float64(reads), "order_reads")
	b.ReportMetric(float64(extra), "extra_requests")
	b.ReportMetric(float64(target), "target_requests")
	b.ReportMetric(seconds, "seconds")
	b.ReportMetric(targetSeconds, "target_seconds")
	b.Logf("%d changed orders, %d history records: %d requests (%d history pages, %d order reads, %d other) in %d run(s), target %d; %.1f s, target %.1f s",
		benchOrders, records, requests, pages, reads, extra, runs, target, seconds, targetSeconds)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
