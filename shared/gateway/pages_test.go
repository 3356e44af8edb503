package gateway_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"unfbridge/shared/gateway"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/staging"
	"unfbridge/shared/store"
)

// pageEvent returns the body of a page event.
func pageEvent(t *testing.T, eventID string, typ onec.EventType, occurredAt time.Time, payload any) []byte {
	t.Helper()
	return marshal(t, onectest.Event(eventID, typ, occurredAt.In(msk), payload))
}

// wantAnswer checks a first answer to an event: its status, message and some counts.
func wantAnswer(t *testing.T, r response, eventID, status, message string, counts map[string]int) {
	t.Helper()
	a := r.answer(t)
	if r.status != http.StatusOK || a.EventID != eventID || a.Status != status || a.Message != message ||
		r.header.Get("X-Duplicate-Event") != "" {
		t.Fatalf("answer %d %s %v, want %s %q", r.status, r.body, r.header, status, message)
	}
	for k, v := range counts {
		if a.Counts[k] != v {
			t.Fatalf("counts %v, want %s = %d", a.Counts, k, v)
		}
	}
}

// latestSnapshot returns the latest complete snapshot of a kind; false when there is none.
func (e *env) latestSnapshot(kind staging.Kind) (staging.Snapshot, bool) {
	e.t.Helper()
	s, err := e.staging.Latest(e.t.Context(), kind)
	if errors.Is(err, staging.ErrNoSnapshot) {
		return staging.Snapshot{}, false
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return s, true
}

// readPage returns the staged body of a page of a snapshot.
func (e *env) readPage(s staging.Snapshot, page int) []byte {
	e.t.Helper()
	rc, err := e.staging.Open(e.t.Context(), s, page)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// wantNothingStaged fails the test when the event left a dedupe record, or anything is staged.
func (e *env) wantNothingStaged(eventID string) {
	e.t.Helper()
	if _, err := e.store.Get(e.t.Context(), store.Key{PK: "onec-event#" + eventID, SK: "event"}); !errors.Is(err, store.ErrNotFound) {
		e.t.Errorf("dedupe record of %s: %v", eventID, err)
	}
	if objects, err := e.blobs.List(e.t.Context(), ""); err != nil || len(objects) != 0 {
		e.t.Errorf("staged objects %v, %v", objects, err)
	}
	for _, kind := range []staging.Kind{staging.Catalog, staging.Stock, staging.Prices} {
		if s, ok := e.latestSnapshot(kind); ok {
			e.t.Errorf("a %s snapshot is stored: %+v", kind, s)
		}
	}
}

func encodedCatalog(t *testing.T, p onec.CatalogPage) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := staging.EncodeCatalogPage(&b, &p); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCatalogSnapshot sends a 3-page catalog snapshot as 1C formats it, out of order, with a
// page sent twice under two event ids and an event delivered twice.
func TestCatalogSnapshot(t *testing.T) {
	e := newStagingEnv(t)
	snapshot := onectest.GUID()
	const products = 6 // of which 2 have 3 characteristics each
	occurred := e.past(time.Hour)
	post := func(eventID string, page int) response {
		return e.post(pageEvent(t, eventID, onec.TypeCatalogPage, occurred,
			onectest.CatalogPage(snapshot, page, 3, products, onectest.As1C)))
	}
	pageCounts := func(page, received int) map[string]int {
		return map[string]int{"page": page, "pages": 3, "received": received, "groups": 2, "products": products, "characteristics": 6}
	}

	second := onectest.GUID()
	first := post(second, 2)
	wantAnswer(t, first, second, gateway.StatusApplied, "Страница 2 из 3 выгрузки каталога принята.", pageCounts(2, 1))
	again := onectest.GUID()
	wantAnswer(t, post(again, 2), again, gateway.StatusIgnored, "Страница 2 выгрузки каталога уже получена.", pageCounts(2, 1))
	third := onectest.GUID()
	wantAnswer(t, post(third, 3), third, gateway.StatusApplied, "Страница 3 из 3 выгрузки каталога принята.", pageCounts(3, 2))
	resent := post(second, 2)
	if resent.status != http.StatusOK || resent.header.Get("X-Duplicate-Event") != "true" || !bytes.Equal(resent.body, first.body) {
		t.Fatalf("resent event: %d %v %s, want the first answer %s", resent.status, resent.header, resent.body, first.body)
	}
	if _, ok := e.latestSnapshot(staging.Catalog); ok {
		t.Fatal("the incomplete snapshot is the latest")
	}
	last := onectest.GUID()
	wantAnswer(t, post(last, 1), last, gateway.StatusApplied, "Выгрузка каталога получена полностью (3 страницы, 18 товаров, 18 характеристик). "+
		"Файл каталога будет сформирован в течение минуты.", pageCounts(1, 3))

	snap, ok := e.latestSnapshot(staging.Catalog)
	if !ok || snap.ID != snapshot || snap.Pages != 3 || snap.Items != 3*products || snap.Offers != 36 || !snap.OccurredAt.Equal(occurred) {
		t.Fatalf("latest %+v %v", snap, ok)
	}
	for page := 1; page <= 3; page++ {
		want := onectest.CatalogPage(snapshot, page, 3, products, onectest.Canonical)
		body := e.readPage(snap, page)
		if !bytes.Equal(body, encodedCatalog(t, want)) {
			t.Fatalf("page %d is not the normalised page sent", page)
		}
		r, err := staging.NewCatalogReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		p, err := r.Next()
		if err != nil || p.Ref != want.Products[0].Ref || p.Prices[0].Price != "1200.50" || p.Characteristics[1].Quantity != "1000000.5" ||
			len(r.Groups()) != 2 || r.Groups()[1].Parent != want.Groups[0].Ref {
			t.Fatalf("page %d reads %+v, %v", page, p, err)
		}
	}
}

func TestStockAndPricesSnapshots(t *testing.T) {
	e := newStagingEnv(t)
	stockID := onectest.GUID()
	id := onectest.GUID()
	wantAnswer(t, e.post(pageEvent(t, id, onec.TypeStockPage, e.past(time.Hour), onectest.StockPage(stockID, 1, 1, 9, onectest.As1C))),
		id, gateway.StatusApplied, "Выгрузка остатков получена полностью (1 страница, 9 строк). "+
			"Остатки будут выгружены в RetailCRM в течение минуты, если включена выгрузка остатков.",
		map[string]int{"rows": 9, "page": 1, "pages": 1, "received": 1})
	snap, ok := e.latestSnapshot(staging.Stock)
	if !ok || snap.ID != stockID {
		t.Fatalf("latest stock %+v %v", snap, ok)
	}
	rows, err := staging.DecodeStockPage(bytes.NewReader(e.readPage(snap, 1)))
	if want := onectest.StockPage(stockID, 1, 1, 9, onectest.Canonical).Rows; err != nil || !equalRows(rows, want) {
		t.Fatalf("stock rows %+v, %v; want %+v", rows, err, want)
	}

	pricesID := onectest.GUID()
	for i, message := range []string{
		"Страница 1 из 2 выгрузки цен принята.",
		"Выгрузка цен получена полностью (2 страницы, 14 строк). Цены будут выгружены в RetailCRM в течение минуты, если включена выгрузка цен.",
	} {
		page, id := i+1, onectest.GUID()
		wantAnswer(t, e.post(pageEvent(t, id, onec.TypePricesPage, e.past(time.Hour), onectest.PricesPage(pricesID, page, 2, 7, onectest.As1C))),
			id, gateway.StatusApplied, message, map[string]int{"rows": 7, "page": page})
		if page == 1 {
			continue
		}
		snap, _ := e.latestSnapshot(staging.Prices)
		for p := 1; p <= 2; p++ {
			rows, err := staging.DecodePricesPage(bytes.NewReader(e.readPage(snap, p)))
			if want := onectest.PricesPage(pricesID, p, 2, 7, onectest.Canonical).Rows; err != nil || !equalRows(rows, want) {
				t.Fatalf("prices page %d: %+v, %v; want %+v", p, rows, err, want)
			}
		}
	}
}

func equalRows[T comparable](got, want []T) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// TestOlderSnapshotCompletes completes a snapshot that occurred before the latest one: it is
// received, but not used.
func TestOlderSnapshotCompletes(t *testing.T) {
	e := newStagingEnv(t)
	newer, older := onectest.GUID(), onectest.GUID()
	e.post(pageEvent(t, onectest.GUID(), onec.TypeStockPage, e.past(time.Hour), onectest.StockPage(newer, 1, 1, 2, onectest.Canonical)))
	id := onectest.GUID()
	wantAnswer(t, e.post(pageEvent(t, id, onec.TypeStockPage, e.past(2*time.Hour), onectest.StockPage(older, 1, 1, 1, onectest.Canonical))),
		id, gateway.StatusApplied, "Выгрузка остатков получена полностью (1 страница, 1 строка). "+
			"Она не будет использована: в мосте уже есть более поздняя выгрузка остатков.", nil)
	if snap, _ := e.latestSnapshot(staging.Stock); snap.ID != newer {
		t.Fatalf("latest %s, want %s", snap.ID, newer)
	}
}

func TestPageRejected(t *testing.T) {
	catalog := func(change func(*onec.CatalogPage)) any {
		p := onectest.CatalogPage(onectest.GUID(), 1, 2, 3, onectest.As1C)
		change(&p)
		return p
	}
	tests := []struct {
		name    string
		typ     onec.EventType
		payload any
		field   string
		msg     string
	}{
		{"partial snapshot", onec.TypeCatalogPage, catalog(func(p *onec.CatalogPage) { p.Full = false }), "payload.full",
			"Принимаются только полные выгрузки (full = true): 1С должна выгружать все опубликованные данные."},
		{"bad price", onec.TypeCatalogPage, catalog(func(p *onec.CatalogPage) { p.Products[0].Characteristics[1].Prices[0].Price = "дорого" }),
			"payload.products[0].characteristics[1].prices[0].price", "Ожидается число"},
		{"page after the last", onec.TypeCatalogPage, catalog(func(p *onec.CatalogPage) { p.Page = 3 }), "payload.page", "от 1 до числа страниц"},
		{"stock without warehouse", onec.TypeStockPage, func() any {
			p := onectest.StockPage(onectest.GUID(), 1, 1, 2, onectest.As1C)
			p.Rows[1].Warehouse = ""
			return p
		}(), "payload.rows[1].warehouse", "Поле обязательно"},
		{"prices with an unknown field", onec.TypePricesPage, map[string]any{"snapshotId": onectest.GUID(), "page": 1, "pages": 1,
			"full": true, "rows": []any{}, "currency": "RUB"}, "payload", "Неизвестное поле"},
		{"prices of the wrong type", onec.TypePricesPage, map[string]any{"snapshotId": onectest.GUID(), "page": "1", "pages": 1,
			"full": true}, "payload", "неверный тип"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newStagingEnv(t)
			id := onectest.GUID()
			got := e.post(pageEvent(t, id, tc.typ, e.past(time.Hour), tc.payload)).wantError(t, http.StatusUnprocessableEntity, "validation_failed")
			if len(got.Details) == 0 || got.Details[0].Field != tc.field || !strings.Contains(got.Details[0].Message, tc.msg) ||
				!strings.Contains(got.Message, tc.msg) {
				t.Fatalf("error %+v, want a problem of %s saying %q", got, tc.field, tc.msg)
			}
			e.wantNothingStaged(id)
		})
	}
}

// TestPageOfAnotherSnapshotShape refuses a page whose page count differs from its snapshot's.
func TestPageOfAnotherSnapshotShape(t *testing.T) {
	e := newStagingEnv(t)
	snapshot := onectest.GUID()
	e.post(pageEvent(t, onectest.GUID(), onec.TypeStockPage, e.past(time.Hour), onectest.StockPage(snapshot, 1, 3, 1, onectest.Canonical)))
	id := onectest.GUID()
	got := e.post(pageEvent(t, id, onec.TypeStockPage, e.past(time.Hour), onectest.StockPage(snapshot, 2, 4, 1, onectest.Canonical))).
		wantError(t, http.StatusUnprocessableEntity, "snapshot_mismatch")
	if !strings.Contains(got.Message, "указано страниц 4") || !strings.Contains(got.Message, "— 3") {
		t.Fatalf("message %q", got.Message)
	}
	if _, err := e.store.Get(t.Context(), store.Key{PK: "onec-event#" + id, SK: "event"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("dedupe record: %v", err)
	}
	if objects, _ := e.blobs.List(t.Context(), ""); len(objects) != 1 {
		t.Fatalf("staged objects %v, want the first page only", objects)
	}
}

func TestPageUnauthenticated(t *testing.T) {
	e := newStagingEnv(t)
	id := onectest.GUID()
	body := pageEvent(t, id, onec.TypeCatalogPage, e.past(time.Hour), onectest.CatalogPage(onectest.GUID(), 1, 1, 2, onectest.As1C))
	e.do(http.MethodPost, "/onec/v1/events", body, nil).wantError(t, http.StatusUnauthorized, "unauthorized")
	e.do(http.MethodPost, "/onec/v1/events", body, bearer("wrong")).wantError(t, http.StatusForbidden, "forbidden")
	e.wantNothingStaged(id)
}

// TestPagesWithoutStaging checks that a gateway without staging answers page events as not
// supported, so that 1C keeps them.
func TestPagesWithoutStaging(t *testing.T) {
	e := newEnv(t)
	payloads := map[onec.EventType]any{
		onec.TypeCatalogPage: onectest.CatalogPage(onectest.GUID(), 1, 1, 2, onectest.Canonical),
		onec.TypeStockPage:   onectest.StockPage(onectest.GUID(), 1, 1, 2, onectest.Canonical),
		onec.TypePricesPage:  onectest.PricesPage(onectest.GUID(), 1, 1, 2, onectest.Canonical),
	}
	for typ, payload := range payloads {
		e.post(pageEvent(t, onectest.GUID(), typ, e.past(time.Hour), payload)).wantError(t, http.StatusNotImplemented, "unsupported_event")
	}
}

// TestLargestCatalogPage sends a catalog page as large as the body limit allows.
func TestLargestCatalogPage(t *testing.T) {
	e := newStagingEnv(t)
	page := onectest.CatalogPage(onectest.GUID(), 1, 1, 5500, onectest.As1C)
	body := pageEvent(t, onectest.GUID(), onec.TypeCatalogPage, e.past(time.Hour), page)
	if len(body) < 4<<20 || len(body) > 5<<20 {
		t.Fatalf("the page is %d bytes, want 4 to 5 MiB", len(body))
	}
	if r := e.post(body); r.status != http.StatusOK {
		t.Fatalf("answer %d %s", r.status, r.body)
	}
	page.Products = append(page.Products, page.Products...)
	e.post(pageEvent(t, onectest.GUID(), onec.TypeCatalogPage, e.past(time.Hour), page)).
		wantError(t, http.StatusRequestEntityTooLarge, "too_large")
}

// TestSampleEvents posts the sample page events of events/ (the bodies of their API Gateway
// events): each is a complete one-page snapshot.
func TestSampleEvents(t *testing.T) {
	e := newStagingEnv(t)
	for file, kind := range map[string]staging.Kind{
		"onec-gateway-catalog-page.json": staging.Catalog,
		"onec-gateway-stock-page.json":   staging.Stock,
		"onec-gateway-prices-page.json":  staging.Prices,
	} {
		raw, err := os.ReadFile(filepath.Join("..", "..", "events", file))
		if err != nil {
			t.Fatal(err)
		}
		var ev struct{ Body string }
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		r := e.post([]byte(ev.Body))
		if a := r.answer(t); r.status != http.StatusOK || a.Status != gateway.StatusApplied || !strings.Contains(a.Message, "получена полностью") {
			t.Fatalf("%s: answer %d %s", file, r.status, r.body)
		}
		if _, ok := e.latestSnapshot(kind); !ok {
			t.Fatalf("%s: no %s snapshot", file, kind)
		}
	}
}
