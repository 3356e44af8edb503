package sync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"unfbridge/shared/blob"
	"unfbridge/shared/blob/dirblob"
	"unfbridge/shared/blob/s3blob/s3test"
	"unfbridge/shared/catalog"
	"unfbridge/shared/icml"
	"unfbridge/shared/icml/icmltest"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/settings"
	"unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
)

func TestMain(m *testing.M) { s3test.Main(m) }

var update = flag.Bool("update", false, "rewrite the golden catalog file")

// The groups and products of testdata/catalog.
const (
	groupClothes  = "c0000000-0000-4000-8000-000000000001"
	groupTShirts  = "c0000000-0000-4000-8000-000000000002"
	groupServices = "c0000000-0000-4000-8000-000000000003"
	groupArchive  = "c0000000-0000-4000-8000-000000000004"
	tshirt        = "c0000000-0000-4000-8000-000000000101"
	tshirtRed     = tshirt + "#c0000000-0000-4000-8000-000000000201"
	tshirtBlue    = tshirt + "#c0000000-0000-4000-8000-000000000202"
	publishedKey  = importtest.CatalogPrefix + settings.DefaultObjectKey
)

// catalogEnv is a test bridge with the catalog builder on a fixed clock.
type catalogEnv struct {
	*importtest.Bridge
	t  *testing.T
	at time.Time
}

func newCatalogEnv(t *testing.T, o importtest.Options) *catalogEnv {
	e := &catalogEnv{Bridge: importtest.New(t, o), t: t, at: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	e.Catalog.Now = func() time.Time { return e.at }
	return e
}

// setCatalog changes the catalog settings.
func (e *catalogEnv) setCatalog(change func(*settings.Catalog)) {
	e.t.Helper()
	if _, err := e.Setup.Repo.Update(e.t.Context(), func(st *settings.State) error {
		change(&st.Settings.Catalog)
		return nil
	}); err != nil {
		e.t.Fatal(err)
	}
}

// sendFixture sends the pages of testdata/catalog as 1C does, the second one first.
func (e *catalogEnv) sendFixture() {
	e.t.Helper()
	for _, n := range []int{2, 1} {
		data, err := os.ReadFile(filepath.Join("testdata", "catalog", "page-"+string(rune('0'+n))+".json"))
		if err != nil {
			e.t.Fatal(err)
		}
		e.sendPage(json.RawMessage(data))
	}
}

// sendPage sends one catalog page and fails unless the gateway applies it.
func (e *catalogEnv) sendPage(page any) {
	e.t.Helper()
	ev := importtest.Event(onec.TypeCatalogPage, e.at, "", page)
	ev.Object = nil // a snapshot is about no one 1C object
	a := e.PostEvent(e.t, ev)
	if a.HTTPStatus != http.StatusOK || a.Answer.Status != "applied" {
		e.t.Fatalf("catalog page answered %d %+v %+v", a.HTTPStatus, a.Answer, a.Error)
	}
}

// build runs the builder as its schedule does and returns the run.
func (e *catalogEnv) build() sync.CatalogStatus {
	e.t.Helper()
	if _, err := e.Catalog.Run(e.t.Context(), sync.TriggerSchedule); err != nil {
		e.t.Fatalf("catalog build: %v", err)
	}
	st, err := e.Catalog.Status(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

// published reads the published file; nil when there is none.
func (e *catalogEnv) published() []byte {
	e.t.Helper()
	return readObject(e.t, e.Public, publishedKey)
}

func readObject(t testing.TB, s blob.Store, key string) []byte {
	t.Helper()
	rc, _, err := s.Get(t.Context(), key)
	if errors.Is(err, blob.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// validate checks the file with the bridge's validator and returns its counts.
func validate(t testing.TB, data []byte) icml.Stats {
	t.Helper()
	v := icml.NewValidator(0)
	if _, err := v.Write(data); err != nil {
		t.Fatalf("validator: %v", err)
	}
	stats, err := v.Close()
	if err != nil {
		t.Fatalf("validator: %v", err)
	}
	return stats
}

// TestCatalogGolden: the fixture catalog (groups, products with and without characteristics,
// services, special characters, numbers as 1C formats them) becomes a byte-stable ICML file
// that passes the validator, published at the public key.
func TestCatalogGolden(t *testing.T) {
	e := newCatalogEnv(t, importtest.Options{})
	e.setCatalog(func(c *settings.Catalog) { c.ProductID, c.Characteristics = settings.ProductIDCode, true })
	if st := e.build(); st.Last != nil || st.Published != nil {
		t.Fatalf("a build without any snapshot recorded %+v", st.State)
	}
	e.sendFixture()
	st := e.build()
	if st.Last == nil || st.Last.Outcome != catalog.OutcomePublished {
		t.Fatalf("last build %+v", st.Last)
	}
	if st.URL != importtest.CatalogBaseURL+settings.DefaultObjectKey || !strings.Contains(st.Last.Message, st.URL) {
		t.Errorf("URL %q, message %q", st.URL, st.Last.Message)
	}
	got := e.published()
	golden := filepath.Join("testdata", "catalog", "golden.xml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("published file differs from %s (run with -update to see):\n%s", golden, got)
	}
	stats := validate(t, got)
	if stats.Offers != st.Published.Offers || stats.Offers != 5 || stats.Categories != 4 {
		t.Errorf("file has %+v, state says %+v", stats, st.Published)
	}
	runs, err := e.Importer.Runs.Latest(t.Context(), sync.FlowCatalog, 5)
	if err != nil || len(runs) != 1 || !runs[0].Complete || !slices.ContainsFunc(runs[0].Messages, func(m string) bool {
		return strings.Contains(m, "без значения идентификатора «Код»") && strings.Contains(m, "Товар без кода")
	}) || !slices.ContainsFunc(runs[0].Messages, func(m string) bool { return strings.Contains(m, `"00-0007" не выгружено`) }) {
		t.Errorf("run log %+v, %v", runs, err)
	}

	if again := e.build(); again.Last.End != st.Last.End {
		t.Errorf("an unchanged snapshot was built again: %+v", again.Last)
	}
	if _, err := e.Catalog.Request(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if again := e.build(); again.Request != nil || again.Last.Outcome != catalog.OutcomePublished || !bytes.Equal(e.published(), want) {
		t.Errorf("a requested rebuild: %+v, file equal %v", again.State, bytes.Equal(e.published(), want))
	}
}

func offersByID(doc icmltest.Catalog) map[string]icmltest.Offer {
	m := map[string]icmltest.Offer{}
	for _, o := range doc.Shop.Offers {
		m[o.ID] = o
	}
	return m
}

// TestCatalogFileAsRetailCRMReadsIt parses the published file with encoding/xml and checks what
// RetailCRM will read: variants as offers of one product, identifiers by the settings, prices
// of the two price kinds with a dot, stock clamped at 0, services, escaping, and what is left out.
func TestCatalogFileAsRetailCRMReadsIt(t *testing.T) {
	e := newCatalogEnv(t, importtest.Options{})
	e.setCatalog(func(c *settings.Catalog) { c.ProductID, c.Characteristics = settings.ProductIDCode, true })
	e.sendFixture()
	e.build()
	doc := icmltest.Parse(t, e.published())
	if doc.Date != "2026-11-29 12:00:00" || doc.Shop.Name != sandbox.DemoSite || doc.Shop.Company != "ООО «Уютный дом»" {
		t.Errorf("header: date %q, shop %q, company %q", doc.Date, doc.Shop.Name, doc.Shop.Company)
	}
	cats := map[string]string{}
	for _, c := range doc.Shop.Categories {
		cats[c.ID] = c.ParentID + "|" + c.Name
	}
	if cats[groupTShirts] != groupClothes+"|Футболки & майки <лето>" || cats[groupClothes] != "|Одежда" || len(cats) != 4 {
		t.Errorf("categories %v", cats)
	}
	offers := offersByID(doc)
	red, blue := offers[tshirtRed], offers[tshirtBlue]
	if red.ProductID != tshirt || red.XMLID != tshirtRed || red.Name != "Футболка <Basic> (Красная, XL)" || red.ProductName != "Футболка <Basic>" ||
		red.Price != "1290.00" || red.PurchasePrice != "600" || red.Quantity != "5" || red.Type != "product" ||
		!slices.Equal(red.Barcodes, []string{"4600000000024"}) || red.Markable != "Y" || red.ProductActivity != "Y" || red.Vendor != "Acme & Co" {
		t.Errorf("red variant %+v", red)
	}
	if blue.Price != "990" || blue.PurchasePrice != "500.00" || blue.Quantity != "0" || blue.Name != `Футболка <Basic> (Синяя "M")` ||
		!slices.Equal(blue.Barcodes, []string{"4600000000017"}) {
		t.Errorf("blue variant (product prices and barcode, negative stock as 0) %+v", blue)
	}
	if len(red.Params) != 3 || red.Params[0].Value != "FT-1-R-XL" || red.Params[0].Code != "article" || red.Params[2].Value != "Красный" {
		t.Errorf("red params %+v", red.Params)
	}
	jacket := offers["00-0002"]
	if jacket.ProductID != "00-0002" || jacket.XMLID != "00-0002" || jacket.Name != "Куртка «Зимняя» '2026'" ||
		jacket.Price != "12500.50" || jacket.PurchasePrice != "8000" || jacket.Quantity != "1000" || jacket.Weight != "1.25" || jacket.VATRate != "10" {
		t.Errorf("jacket (no characteristics, 1C number formatting, a control character) %+v", jacket)
	}
	if s := offers["00-0003"]; s.Type != "service" || s.Quantity != "" || s.VATRate != "none" || s.Price != "300" {
		t.Errorf("service %+v", s)
	}
	if old := offers["00-0004"]; old.ProductActivity != "N" || old.Price != "10.5" {
		t.Errorf("product marked for deletion %+v", old)
	}
	for _, gone := range []string{tshirt + "#c0000000-0000-4000-8000-000000000203", "00-0005", ""} {
		if _, ok := offers[gone]; ok {
			t.Errorf("offer %q is published", gone)
		}
	}
	if len(offers) != 5 {
		t.Errorf("%d offers: %v", len(offers), slices.Sorted(maps.Keys(offers)))
	}
}

// TestCatalogSelectedGroupsAndIdentifiers: only the chosen groups and their subgroups are
// published; without characteristics one offer per product under its chosen identifier.
func TestCatalogSelectedGroupsAndIdentifiers(t *testing.T) {
	e := newCatalogEnv(t, importtest.Options{})
	e.setCatalog(func(c *settings.Catalog) {
		c.Groups = []onec.Ref{{Ref: groupClothes, Name: "Одежда"}, {Ref: "c0000000-0000-4000-8000-000000000777", Name: "Удалённая"}}
		c.ProductID, c.Characteristics = settings.ProductIDArticle, false
	})
	e.sendFixture()
	st := e.build()
	doc := icmltest.Parse(t, e.published())
	var ids, cats []string
	for _, o := range doc.Shop.Offers {
		ids = append(ids, o.ID)
	}
	for _, c := range doc.Shop.Categories {
		cats = append(cats, c.ID)
	}
	if !slices.Equal(cats, []string{groupClothes, groupTShirts}) {
		t.Errorf("categories %v, want the chosen group and its subgroup", cats)
	}
	if !slices.Equal(ids, []string{"FT-1", "KU-2"}) {
		t.Errorf("offers %v, want the articles of the products of the chosen groups", ids)
	}
	if o := offersByID(doc)["FT-1"]; o.ProductID != "FT-1" || o.Quantity != "12" || o.Price != "990" {
		t.Errorf("product with characteristics off %+v", o)
	}
	runs, _ := e.Importer.Runs.Latest(t.Context(), sync.FlowCatalog, 1)
	if len(runs) != 1 || !slices.ContainsFunc(runs[0].Messages, func(m string) bool { return strings.Contains(m, "«Удалённая»") }) {
		t.Errorf("a chosen group missing from 1C is not reported: %+v (state %+v)", runs, st.Last)
	}
}

// TestCatalogGuard: a file much smaller than the published one, or empty, is not published;
// the state says why, the published file stays, and "publish anyway" publishes it.
func TestCatalogGuard(t *testing.T) {
	e := newCatalogEnv(t, importtest.Options{})
	e.setCatalog(func(c *settings.Catalog) { c.ProductID, c.Characteristics = settings.ProductIDCode, true })
	e.sendFixture()
	e.build()
	full := e.published()

	e.setCatalog(func(c *settings.Catalog) { c.Groups = []onec.Ref{{Ref: groupServices, Name: "Услуги"}} })
	st := e.build()
	if st.Last.Outcome != catalog.OutcomeRefused || !strings.Contains(st.Last.Message, "стало 1 вместо 5") ||
		!strings.Contains(st.Last.Message, "Опубликовать всё равно") || st.Published.Offers != 5 {
		t.Fatalf("shrunk by 80 %%: %+v", st.State)
	}
	if !bytes.Equal(e.published(), full) {
		t.Fatal("the refused file replaced the published one")
	}
	if left, err := e.Public.List(t.Context(), ""); err != nil || len(left) != 1 {
		t.Errorf("objects left in the catalog bucket: %+v %v", left, err)
	}
	if again := e.build(); again.Last.End != st.Last.End {
		t.Error("a refused build is tried again every run")
	}
	if _, err := e.Catalog.Request(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	st = e.build()
	if st.Last.Outcome != catalog.OutcomePublished || !st.Last.Forced || st.Published.Offers != 1 || validate(t, e.published()).Offers != 1 {
		t.Fatalf("publish anyway: %+v", st.State)
	}

	e.setCatalog(func(c *settings.Catalog) { c.Groups, c.MaxShrinkPercent = nil, 20 })
	e.at = e.at.Add(time.Hour)
	e.sendPage(onec.CatalogPage{Paging: onec.Paging{SnapshotID: "0a7e0000-0000-4000-8000-000000000002", Page: 1, Pages: 1, Full: true},
		Groups: []onec.CatalogGroup{{Ref: groupClothes, Name: "Одежда"}}})
	st = e.build()
	if st.Last.Outcome != catalog.OutcomeRefused || !strings.Contains(st.Last.Message, "нет ни одного товара") || st.Published.Offers != 1 {
		t.Fatalf("empty catalog: %+v", st.State)
	}
}

// TestCatalogReadersSeeOnlyWholeFiles polls the public key while the file is rebuilt again and
// again, alternating between a large and a small catalog, on the local folder and on the S3
// stand-in: every read is the previous complete file or the new complete file, never a part.
func TestCatalogReadersSeeOnlyWholeFiles(t *testing.T) {
	for name, public := range map[string]func(t *testing.T) blob.Store{
		"folder": func(t *testing.T) blob.Store { return nil },
		"s3":     func(t *testing.T) blob.Store { return s3test.NewBucket(t, s3test.Start(t)).Store },
	} {
		t.Run(name, func(t *testing.T) {
			e := newCatalogEnv(t, importtest.Options{Public: public(t)})
			const snap = "0a7e0000-0000-4000-8000-0000000000aa"
			pages := []onec.CatalogPage{onectest.CatalogPage(snap, 1, 2, 600, onectest.Canonical), onectest.CatalogPage(snap, 2, 2, 600, onectest.Canonical)}
			for _, p := range pages {
				e.sendPage(p)
			}
			small := []onec.Ref{{Ref: pages[0].Groups[0].Ref, Name: pages[0].Groups[0].Name}}
			e.setCatalog(func(c *settings.Catalog) { c.Characteristics = true })
			publish := func(i int) int {
				e.setCatalog(func(c *settings.Catalog) {
					c.Groups = nil
					if i%2 == 0 {
						c.Groups = small
					}
				})
				if _, err := e.Catalog.Request(t.Context(), true); err != nil {
					t.Fatal(err)
				}
				st := e.build()
				if st.Last.Outcome != catalog.OutcomePublished {
					t.Fatalf("build %d: %+v", i, st.Last)
				}
				return st.Published.Offers
			}
			smallOffers, fullOffers := publish(0), publish(1)
			if smallOffers == 0 || smallOffers >= fullOffers {
				t.Fatalf("offers: %d in the small file, %d in the full one", smallOffers, fullOffers)
			}

			done := make(chan struct{})
			reads := make(chan int)
			go func() {
				n := 0
				defer func() { reads <- n }()
				for {
					select {
					case <-done:
						return
					default:
					}
					data := readObject(t, e.Public, publishedKey)
					v := icml.NewValidator(0)
					_, _ = v.Write(data)
					stats, err := v.Close()
					if err != nil {
						t.Errorf("read %d: a reader saw a broken file (%d bytes): %v", n, len(data), err)
						return
					}
					if stats.Offers != smallOffers && stats.Offers != fullOffers {
						t.Errorf("read %d: %d offers, want %d or %d", n, stats.Offers, smallOffers, fullOffers)
					}
					n++
				}
			}()
			for i := range 8 {
				if got, want := publish(i), []int{smallOffers, fullOffers}[i%2]; got != want {
					t.Errorf("build %d published %d offers, want %d", i, got, want)
				}
			}
			close(done)
			if n := <-reads; n < 8 {
				t.Errorf("only %d reads during 8 builds", n)
			}
		})
	}
}

// flakyStore is a blob store whose next Moves fail, as a storage outage would.
type flakyStore struct {
	blob.Store
	failMoves int
}

func (f *flakyStore) Move(ctx context.Context, src, dst string) error {
	if f.failMoves > 0 {
		f.failMoves--
		return errors.New("storage unavailable")
	}
	return f.Store.Move(ctx, src, dst)
}

// TestCatalogBuildRetriedAfterAFailure: a build that fails in the storage leaves nothing behind,
// says so, and is tried again by the next run though nothing changed.
func TestCatalogBuildRetriedAfterAFailure(t *testing.T) {
	folder, err := dirblob.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer folder.Close()
	public := &flakyStore{Store: folder, failMoves: 1}
	e := newCatalogEnv(t, importtest.Options{Public: public})
	e.sendFixture()
	if _, err := e.Catalog.Run(t.Context(), sync.TriggerSchedule); err == nil {
		t.Fatal("a build whose publication failed reported no error")
	}
	st, err := e.Catalog.Status(t.Context())
	if err != nil || st.Published != nil || st.Last.Outcome != catalog.OutcomeFailed || !st.Last.Retry || !strings.Contains(st.Last.Message, "будет повторена") {
		t.Fatalf("after a failed build: %+v %v", st.State, err)
	}
	if left, err := e.Public.List(t.Context(), ""); err != nil || len(left) != 0 {
		t.Errorf("objects left after a failed build: %+v %v", left, err)
	}
	if st := e.build(); st.Published == nil || st.Last.Outcome != catalog.OutcomePublished || st.Last.Retry {
		t.Fatalf("the retry: %+v", st.State)
	}
}
