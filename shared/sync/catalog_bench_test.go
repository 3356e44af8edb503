package sync_test

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"unfbridge/shared/blob"
	"unfbridge/shared/blob/blobtest"
	"unfbridge/shared/blob/dirblob"
	"unfbridge/shared/blob/s3blob"
	"unfbridge/shared/blob/s3blob/s3test"
	"unfbridge/shared/catalog"
	"unfbridge/shared/onec"
	"unfbridge/shared/settings"
	"unfbridge/shared/staging"
	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
	"unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
)

// Shape of the benchmark catalog: products of characteristicsPerProduct variants in benchGroups
// groups, benchPageProducts products a page (a page of 1C's JSON stays under the gateway's limit).
const (
	characteristicsPerProduct = 10
	benchGroups               = 5000
	benchPageProducts         = 2000
)

// BenchmarkCatalogBuild builds the catalog file from a staged snapshot of 10k, 100k and 1M
// offers (products × 10 characteristics, 5,000 groups) on one core (GOMAXPROCS=1), reading the
// pages from and writing the file to the S3 stand-in, which runs in a child process so that its
// memory is not counted. It reports offers/s, MB/s of ICML and peak-heap-MiB, the highest growth
// of the in-use heap during the build.
func BenchmarkCatalogBuild(b *testing.B) {
	endpoint := s3test.StartProcess(b)
	buckets := map[string]func(b *testing.B) blob.Store{
		"s3":     func(b *testing.B) blob.Store { return s3test.NewBucket(b, endpoint, s3blob.Frugal()).Store },
		"folder": func(b *testing.B) blob.Store { return benchFolder(b) },
	}
	for _, where := range []string{"s3", "folder"} {
		for _, offers := range []int{10_000, 100_000, 1_000_000} {
			b.Run(fmt.Sprintf("store=%s/offers=%d", where, offers), func(b *testing.B) {
				benchCatalogBuild(b, stageBenchCatalog(b, buckets[where], offers/characteristicsPerProduct), offers)
			})
		}
	}
}

func benchCatalogBuild(b *testing.B, builder *sync.CatalogBuilder, offers int) {
	var published catalog.Published
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	runtime.GC()
	base := blobtest.HeapInUse()
	stop := blobtest.SampleHeap()
	start := time.Now()
	for b.Loop() {
		if _, err := builder.Request(b.Context(), true); err != nil {
			b.Fatal(err)
		}
		if _, err := builder.Run(b.Context(), sync.TriggerButton); err != nil {
			b.Fatal(err)
		}
		st, err := builder.Catalog.Load(b.Context())
		if err != nil || st.Last.Outcome != catalog.OutcomePublished || st.Published.Offers != offers {
			b.Fatalf("build: %+v %v", st.Last, err)
		}
		published = *st.Published
	}
	elapsed := time.Since(start).Seconds() / float64(b.N)
	peak := stop()
	b.ReportMetric(float64(offers)/elapsed, "offers/s")
	b.ReportMetric(float64(published.Bytes)/1e6/elapsed, "MB/s")
	b.ReportMetric(float64(int64(peak)-int64(base))/(1<<20), "peak-heap-MiB")
}

// stageBenchCatalog stages a catalog snapshot of products × 10 characteristics in a new staging
// bucket on the S3 stand-in and returns a builder publishing into a new catalog bucket.
func stageBenchCatalog(b *testing.B, bucket func(*testing.B) blob.Store, products int) *sync.CatalogBuilder {
	b.Helper()
	st, err := boltstore.Open(filepath.Join(b.TempDir(), "bridge.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	staged, public := bucket(b), bucket(b)
	conn := importtest.Constants()
	repo := settings.NewRepo(st)
	if _, err := repo.Update(b.Context(), func(s *settings.State) error {
		s.Settings.Connection = conn
		s.Settings.Catalog.Characteristics = true
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	stageBenchPages(b, st, staged, products, conn.SalePriceKind.Ref, conn.PurchasePriceKind.Ref)
	return sync.NewCatalogBuilder(st, staged, public, importtest.CatalogPrefix, importtest.CatalogBaseURL, slog.New(slog.DiscardHandler))
}

// stageBenchPages stages the pages as the gateway does.
func stageBenchPages(b *testing.B, st store.Store, staged blob.Store, products int, sale, purchase string) {
	b.Helper()
	repo := staging.New(st, staged, staging.Options{})
	snapshot := onec.NewGUID()
	pages := (products + benchPageProducts - 1) / benchPageProducts
	for page := 1; page <= pages; page++ {
		p := onec.CatalogPage{Paging: onec.Paging{SnapshotID: snapshot, Page: page, Pages: pages, Full: true}}
		if page == 1 {
			for g := range benchGroups {
				p.Groups = append(p.Groups, onec.CatalogGroup{Ref: benchGUID(1, g), Name: fmt.Sprintf("Группа товаров %d", g), Parent: benchParent(g)})
			}
		}
		for i := (page - 1) * benchPageProducts; i < min(page*benchPageProducts, products); i++ {
			p.Products = append(p.Products, benchProduct(i, sale, purchase))
		}
		var body bytesBuffer
		if err := staging.EncodeCatalogPage(&body, &p); err != nil {
			b.Fatal(err)
		}
		meta := staging.Page{Kind: staging.Catalog, Paging: p.Paging, OccurredAt: time.Now(), Items: len(p.Products),
			Offers: len(p.Products) * (1 + characteristicsPerProduct)}
		for {
			ops, _, err := repo.StagePage(b.Context(), meta, body)
			if err == nil {
				err = st.Write(b.Context(), ops)
			}
			if err == nil {
				break
			}
			if !errors.Is(err, store.ErrConditionFailed) {
				b.Fatal(err)
			}
		}
	}
}

// benchFolder is a blob store in a new temporary folder.
func benchFolder(b *testing.B) blob.Store {
	s, err := dirblob.New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// bytesBuffer is a byte slice that is an io.Writer.
type bytesBuffer []byte

func (w *bytesBuffer) Write(p []byte) (int, error) {
	*w = append(*w, p...)
	return len(p), nil
}

// benchGUID is a GUID numbered n in the series kind.
func benchGUID(kind, n int) string { return fmt.Sprintf("%08d-0000-4000-8000-%012d", kind, n) }

// benchParent nests the groups ten to a parent, the first ten at the top.
func benchParent(g int) string {
	if g < 10 {
		return ""
	}
	return benchGUID(1, g/10-1)
}

// benchProduct is a product as 1C sends it, with ten characteristics.
func benchProduct(i int, sale, purchase string) onec.Product {
	p := onec.Product{Ref: benchGUID(2, i), Code: fmt.Sprintf("00-%08d", i), Article: fmt.Sprintf("ART-%d", i),
		Name: fmt.Sprintf("Футболка хлопковая «Лето» модель %d", i), Group: benchGUID(1, i%benchGroups),
		Unit: &onec.Unit{Code: "796", Name: "Штука", Sym: "шт"}, VATRate: "20", Weight: "0.25", Vendor: "Acme",
		Barcodes: []string{fmt.Sprintf("46%011d", i)},
		Params:   []onec.Param{{Name: "Материал", Code: "material", Value: "Хлопок"}},
		Prices:   []onec.Price{{PriceKind: sale, Price: "1290.00"}, {PriceKind: purchase, Price: "640.50"}}}
	for c := range characteristicsPerProduct {
		p.Characteristics = append(p.Characteristics, onec.Characteristic{Ref: benchGUID(3, i*characteristicsPerProduct+c),
			Name: fmt.Sprintf("Размер %d", 40+c), Quantity: fmt.Sprint(c * 3),
			Barcodes: []string{fmt.Sprintf("47%011d", i*characteristicsPerProduct+c)}})
	}
	return p
}
