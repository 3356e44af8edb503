package sync_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/settings"
	"unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
)

// bigShop is a catalog of n products without characteristics, every fifth a service, with its
// stock and prices and what RetailCRM must end up with.
func bigShop(n int) ([]onec.Product, []onec.StockRow, []onec.PriceRow, map[string]offerWant) {
	var (
		products []onec.Product
		stock    []onec.StockRow
		prices   []onec.PriceRow
	)
	want := map[string]offerWant{}
	for i := range n {
		ref := storeGUID(4, i)
		service := i%5 == 4
		products = append(products, onec.Product{Ref: ref, Name: fmt.Sprintf("Товар %d", i), Service: service})
		w := offerWant{prices: map[string]string{"base": fmt.Sprintf("%d.5", 100+i)}}
		prices = append(prices, onec.PriceRow{Product: ref, PriceKind: kindBase, Price: w.prices["base"]})
		if i%4 == 0 {
			w.prices["wholesale"] = "90"
			prices = append(prices, onec.PriceRow{Product: ref, PriceKind: kindWholesale, Price: "90"})
		}
		if !service {
			w.stock = map[string]string{"main": fmt.Sprint(i % 7), "second": fmt.Sprint(max(i%3-1, 0))}
			w.purchase = "0"
			stock = append(stock, onec.StockRow{Product: ref, Warehouse: warehouseMain, Quantity: fmt.Sprint(i % 7)},
				onec.StockRow{Product: ref, Warehouse: warehouseSecond, Quantity: fmt.Sprint(i % 3), Reserved: "1"})
			if i%2 == 0 {
				w.purchase = "100.25"
				prices = append(prices, onec.PriceRow{Product: ref, PriceKind: kindPurchase, Price: "100.25"})
			}
		}
		want[ref] = w
	}
	return products, stock, prices, want
}

// accepted are the offer keys of the uploads RetailCRM answered 200.
func accepted(ups []upload) []string {
	var keys []string
	for _, u := range ups {
		if u.status == 200 {
			keys = append(keys, u.keys...)
		}
	}
	slices.Sort(keys)
	return keys
}

// sentKeys are the offer keys of every upload, sorted, repeats kept.
func sentKeys(ups []upload) []string {
	var keys []string
	for _, u := range ups {
		keys = append(keys, u.keys...)
	}
	slices.Sort(keys)
	return keys
}

// without returns the keys of all missing from some, sorted.
func without(all map[string]bool, some []string) []string {
	var out []string
	for k := range all {
		if !slices.Contains(some, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// TestStoreSyncFaults: under 30 % of 503s (retries running out for the first batch) and with
// one offer RetailCRM refuses, nothing RetailCRM did not accept counts as sent: the next run,
// faults gone, sends exactly the offers the sandbox did not accept, and completes the upload.
func TestStoreSyncFaults(t *testing.T) {
	retry := retailcrm.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}
	e := newStoreEnv(t, importtest.Options{Retry: retry, Sandbox: sandbox.Options{Seed: 30}}, func(*settings.Settings) {})
	products, stock, prices, want := bigShop(1000)
	e.sendStock(stock)
	e.sendPrices(prices)
	e.sendCatalog(products)
	all := map[string]map[string]bool{pathInventories: {}, pathPrices: {}}
	for key, w := range want {
		all[pathPrices][key] = true
		if w.stock != nil {
			all[pathInventories][key] = true
		}
	}
	rejected := slices.Sorted(maps.Keys(all[pathInventories]))[600]
	e.Sandbox.RejectOffers(rejected)
	e.Sandbox.FailNext(sandbox.FaultUnavailable, retry.MaxAttempts)
	e.Sandbox.SetFaults(sandbox.Faults{Unavailable: 0.3})
	e.uploads()

	runs := e.run()
	first := e.uploads()
	refused := 0
	for _, ups := range first {
		for _, u := range ups {
			if u.status == 503 {
				refused++
			}
		}
	}
	t.Logf("under faults: %d uploads answered 503; stock %v %v; prices %v %v", refused,
		runs[0].Counts, runs[0].Messages, runs[1].Counts, runs[1].Messages)
	if len(runs) != 2 || runs[0].Complete || runs[1].Complete || runs[0].Counts[sync.CountStoreFailed] < 2 ||
		!saysAll(runs[0], "RetailCRM не приняла пакетов", "offers[", "The offer cannot be updated") {
		t.Fatalf("runs under faults: %+v", runs)
	}
	for path, ups := range first {
		ok := accepted(ups)
		if slices.Contains(ok, rejected) {
			t.Errorf("%s: the rejected offer was accepted", path)
		}
		if path == pathInventories && slices.Contains(ok, slices.Sorted(maps.Keys(all[path]))[0]) {
			t.Error("the first stock batch, refused on every attempt, was accepted")
		}
		if len(ok) == 0 || len(ok) == len(all[path]) {
			t.Errorf("%s: %d of %d offers accepted under faults", path, len(ok), len(all[path]))
		}
		for _, key := range ok {
			if _, _, uploaded := e.Sandbox.Stock(key, "main"); path == pathInventories && !uploaded {
				t.Errorf("%s: accepted, yet no stock in the sandbox", key)
			}
		}
		for _, key := range without(all[path], ok) {
			_, _, hasStock := e.Sandbox.Stock(key, "main")
			_, hasPrice := e.Sandbox.Price(key, "base")
			if path == pathInventories && hasStock || path == pathPrices && hasPrice {
				t.Errorf("%s: %s not accepted, yet in the sandbox", path, key)
			}
		}
	}

	e.Sandbox.SetFaults(sandbox.Faults{})
	e.Sandbox.RejectOffers()
	runs = e.run()
	second := e.uploads()
	if len(runs) != 2 || !runs[0].Complete || !runs[1].Complete {
		t.Fatalf("runs after the faults: %+v", runs)
	}
	for path := range all {
		if got, want := sentKeys(second[path]), without(all[path], accepted(first[path])); !slices.Equal(got, want) {
			t.Errorf("%s: the second run sent %d offers, want exactly the %d not accepted", path, len(got), len(want))
		}
	}
	e.check(want)
	if runs := e.run(); len(runs) != 0 {
		t.Errorf("a run after the complete upload: %+v", runs)
	}
}

// TestStoreSyncStopsAtDeadline: a long upload shows its progress, stops before the deadline
// (leaving the prices to the next run) and the next run sends the rest, nothing twice.
func TestStoreSyncStopsAtDeadline(t *testing.T) {
	e := newStoreEnv(t, importtest.Options{}, func(*settings.Settings) {})
	products, stock, prices, want := bigShop(2000)
	e.sendStock(stock)
	e.sendPrices(prices)
	e.sendCatalog(products)
	e.uploads()
	e.store.Margin = time.Second
	e.Sandbox.SetFaults(sandbox.Faults{Latency: 400 * time.Millisecond})

	seen := make(chan sync.StoreStatus, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	go func() {
		defer close(seen)
		for ctx.Err() == nil {
			st, err := e.store.Status(ctx)
			if p := st.Stock.Progress; err == nil && p != nil && p.Running && p.BatchesDone > 0 {
				seen <- st
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	runs, err := e.store.Run(ctx, sync.TriggerSchedule)
	if err != nil || len(runs) != 1 || runs[0].Complete || !saysAll(runs[0], "Выгрузка остатков остановлена до истечения времени запуска") {
		t.Fatalf("the run at the deadline: %+v %v", runs, err)
	}
	during, ok := <-seen
	if p := during.Stock.Progress; !ok || !p.Running || p.BatchesTotal != 7 || p.BatchesDone >= p.BatchesTotal {
		t.Errorf("progress during the upload: %+v", during.Stock.Progress)
	}
	after, err := e.store.Status(t.Context())
	if p := after.Stock.Progress; err != nil || p.Running || p.BatchesDone == 0 || p.BatchesDone >= 7 || p.Offers != 250*p.BatchesDone {
		t.Errorf("progress after the stop: %+v %v", p, err)
	}
	first := e.uploads()[pathInventories]

	e.Sandbox.SetFaults(sandbox.Faults{})
	runs = e.run()
	second := e.uploads()[pathInventories]
	all := map[string]bool{}
	for key, w := range want {
		if w.stock != nil {
			all[key] = true
		}
	}
	if len(runs) != 2 || !runs[0].Complete || !slices.Equal(sentKeys(second), without(all, sentKeys(first))) {
		t.Errorf("the run after the stop: %+v; sent %d then %d of %d", runs, len(sentKeys(first)), len(sentKeys(second)), len(all))
	}
	e.check(want)
}

// TestStoreSyncGivesUp: when RetailCRM refuses batch after batch, the run stops after three
// in a row instead of sending every batch in vain.
func TestStoreSyncGivesUp(t *testing.T) {
	e := newStoreEnv(t, importtest.Options{Retry: retailcrm.RetryPolicy{MaxAttempts: 1}}, func(s *settings.Settings) { s.Flags.UploadPrices = false })
	products, stock, prices, _ := bigShop(1000)
	e.sendStock(stock)
	e.sendPrices(prices)
	e.sendCatalog(products)
	e.Sandbox.SetFaults(sandbox.Faults{Unavailable: 1})
	runs := e.run()
	if len(runs) != 1 || runs[0].Counts[sync.CountStoreBatches] != 3 || runs[0].Counts[sync.CountStoreFailed] != 3 ||
		!saysAll(runs[0], "Выгрузка остатков прервана: RetailCRM не приняла 3 пакета подряд") ||
		!saysAll(runs[0], "RetailCRM не приняла пакетов: 3 (RetailCRM ограничивает частоту запросов") {
		t.Errorf("runs: %+v", runs)
	}
}
