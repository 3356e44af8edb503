package sync_test

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"unfbridge/shared/blob"
	"unfbridge/shared/blob/blobtest"
	"unfbridge/shared/catalog"
	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/settings"
	"unfbridge/shared/staging"
	"unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
)

// Shape of the store benchmark: offers at three mapped warehouses.
const (
	benchStoreOffers = 100_000
	benchChanged     = benchStoreOffers / 100
)

// benchWarehouses are the 1C warehouses of the stores main, second and third.
var benchWarehouses = []string{warehouseMain, warehouseSecond, importtest.GUID(302)}

// BenchmarkStoreSync uploads the stock (with purchase prices) of 100,000 offers at three
// warehouses at RetailCRM's real budget: 10 requests/s paced by the bridge, 10 requests/s
// enforced by the sandbox. It reports the upload requests and the wall time of the first run
// (target ceil(100,000/250) = 400 requests), of a run after a new but unchanged snapshot (0
// requests) and of a run after a snapshot with 1 % of the offers changed (ceil(1,000/250) = 4),
// the requests the sandbox refused (target 0) and the highest growth of the in-use heap during
// each run (the sandbox, in the same process, counts in it).
func BenchmarkStoreSync(b *testing.B) {
	for range b.N {
		b.StopTimer()
		br := importtest.New(b, importtest.Options{Rate: 10, Sandbox: sandbox.Options{RateLimit: 10}})
		upload := br.StoreSync()
		stageBenchStore(b, br)
		b.StartTimer()
		for _, phase := range []struct {
			name    string
			changed int
		}{{"first", 0}, {"unchanged", 0}, {"changed_1pct", benchChanged}} {
			if phase.name != "first" {
				b.StopTimer()
				stageStock(b, br, benchStockRows(phase.changed))
				b.StartTimer()
			}
			br.Sandbox.ResetRequests()
			runtime.GC()
			base := blobtest.HeapInUse()
			stop := blobtest.SampleHeap()
			start := time.Now()
			runs, err := upload.Run(b.Context(), sync.TriggerSchedule)
			elapsed := time.Since(start)
			heap := float64(int64(stop())-int64(base)) / (1 << 20)
			if err != nil || len(runs) != 1 || !runs[0].Complete {
				b.Fatalf("%s run: %+v %v", phase.name, runs, err)
			}
			requests, refused := 0, 0
			for _, r := range br.Sandbox.Requests() {
				if r.Path == pathInventories {
					requests++
				}
				if r.Status != 200 {
					refused++
				}
			}
			b.ReportMetric(float64(requests), "requests_"+phase.name)
			b.ReportMetric(elapsed.Seconds(), "seconds_"+phase.name)
			b.ReportMetric(float64(refused), "refused_"+phase.name)
			b.ReportMetric(heap, "peak-heap-MiB_"+phase.name)
			b.Logf("%s run: %d requests (%d refused) in %.1f s, heap +%.0f MiB; %v", phase.name, requests, refused, elapsed.Seconds(), heap, runs[0].Messages)
		}
	}
}

// stageBenchStore sets up the account, the settings, the published catalog's offer index and
// the stock and prices snapshots, straight through the repositories.
func stageBenchStore(b *testing.B, e *importtest.Bridge) {
	ctx := b.Context()
	e.Sandbox.AddStore(sandbox.Store{Code: "third", Name: "Третий склад", Active: true})
	if _, err := e.Setup.Repo.Update(ctx, func(st *settings.State) error {
		st.Settings.Flags.UploadStock = true
		st.Settings.Tables.Warehouses = append(st.Settings.Tables.Warehouses,
			settings.Warehouse{Warehouse: &onec.Ref{Ref: benchWarehouses[2], Name: "Третий"}, CRMCode: "third"})
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	const indexKey = "catalog-index/bench"
	var index bytesBuffer
	iw := catalog.NewIndexWriter(&index)
	for i := range benchStoreOffers {
		key := benchGUID(4, i)
		if err := iw.Add(catalog.OfferRef{Product: key}, catalog.IndexEntry{Key: key}); err != nil {
			b.Fatal(err)
		}
		e.Sandbox.AddOffer(key, key, fmt.Sprintf("Товар %d", i))
	}
	if err := iw.Close(); err != nil {
		b.Fatal(err)
	}
	if err := e.Staged.Put(ctx, indexKey, bytes.NewReader(index), blob.PutOptions{}); err != nil {
		b.Fatal(err)
	}
	if _, err := e.Catalog.Catalog.Update(ctx, func(s *catalog.State) {
		s.Published = &catalog.Published{SnapshotID: onec.NewGUID(), At: time.Now(), Offers: benchStoreOffers, Index: indexKey}
	}); err != nil {
		b.Fatal(err)
	}
	purchase := importtest.Constants().PurchasePriceKind.Ref
	var prices []onec.PriceRow
	for i := range benchStoreOffers {
		prices = append(prices, onec.PriceRow{Product: benchGUID(4, i), PriceKind: purchase, Price: fmt.Sprintf("%d.25", 100+i%1000)})
	}
	stageSnapshot(b, e, staging.Prices, prices, func(w io.Writer, p onec.Paging, rows []onec.PriceRow) error {
		return staging.EncodePricesPage(w, &onec.PricesPage{Paging: p, Rows: rows})
	})
	stageStock(b, e, benchStockRows(0))
}

// benchStockRows is the stock of every offer at the three warehouses; the first changed offers
// have ten more at the first, which changes what is available there.
func benchStockRows(changed int) []onec.StockRow {
	rows := make([]onec.StockRow, 0, benchStoreOffers*len(benchWarehouses))
	for i := range benchStoreOffers {
		for w, warehouse := range benchWarehouses {
			q := (i + w) % 50
			if w == 0 && i < changed {
				q += 10
			}
			rows = append(rows, onec.StockRow{Product: benchGUID(4, i), Warehouse: warehouse, Quantity: fmt.Sprint(q), Reserved: fmt.Sprint(i % 3)})
		}
	}
	return rows
}

// stageStock stages the rows as a new complete stock snapshot.
func stageStock(b *testing.B, e *importtest.Bridge, rows []onec.StockRow) {
	stageSnapshot(b, e, staging.Stock, rows, func(w io.Writer, p onec.Paging, rows []onec.StockRow) error {
		return staging.EncodeStockPage(w, &onec.StockPage{Paging: p, Rows: rows})
	})
}

// stageSnapshot stages the rows as a new complete snapshot of kind, as the gateway does (alone:
// no other writer), with encode writing the staged form of a page.
func stageSnapshot[T any](b *testing.B, e *importtest.Bridge, kind staging.Kind, rows []T, encode func(io.Writer, onec.Paging, []T) error) {
	ctx := b.Context()
	id := onec.NewGUID()
	pages := (len(rows) + onec.MaxRowsPerPage - 1) / onec.MaxRowsPerPage
	for page := 1; page <= pages; page++ {
		chunk := rows[(page-1)*onec.MaxRowsPerPage : min(page*onec.MaxRowsPerPage, len(rows))]
		paging := onec.Paging{SnapshotID: id, Page: page, Pages: pages, Full: true}
		var body bytesBuffer
		if err := encode(&body, paging, chunk); err != nil {
			b.Fatal(err)
		}
		ops, _, err := e.Staging.StagePage(ctx, staging.Page{Kind: kind, Paging: paging, OccurredAt: time.Now(), Items: len(chunk)}, body)
		if err == nil {
			err = e.Store.Write(ctx, ops)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}
