package sync_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/runlog"
	"unfbridge/shared/settings"
	"unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
)

// Paths of the uploads and the form field that carries their offers.
const (
	pathInventories = "/api/v5/store/inventories/upload"
	pathPrices      = "/api/v5/store/prices/upload"
)

var uploadField = map[string]string{pathInventories: "offers", pathPrices: "prices"}

// References of the store tests: the 1C warehouses of the stores "main" and "second" (as the
// test bridge maps them), one unmapped warehouse, and the price kinds of the price types "base"
// and "wholesale" and of purchase prices.
var (
	warehouseMain   = importtest.GUID(300)
	warehouseSecond = importtest.GUID(301)
	warehouseOther  = importtest.GUID(399)
	kindBase        = importtest.Constants().SalePriceKind.Ref
	kindWholesale   = importtest.GUID(12)
	kindPurchase    = importtest.Constants().PurchasePriceKind.Ref
)

// storeGUID is the n-th GUID of a series: 1 products, 2 characteristics, 3 groups.
func storeGUID(series, n int) string { return fmt.Sprintf("d%07d-0000-4000-8000-%012d", series, n) }

// storeEnv is a test bridge with the stock and price upload, stock editing on in RetailCRM, and
// a store "outlet" no 1C warehouse is mapped to.
type storeEnv struct {
	*importtest.Bridge
	t     *testing.T
	store *sync.StoreSync
	at    time.Time
}

func newStoreEnv(t *testing.T, o importtest.Options, change func(*settings.Settings)) *storeEnv {
	e := &storeEnv{Bridge: importtest.New(t, o), t: t, at: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	e.store = e.StoreSync()
	e.Sandbox.AddStore(sandbox.Store{Code: "outlet", Name: "Витрина", Active: true})
	e.settings(func(s *settings.Settings) {
		s.Flags.UploadStock, s.Flags.UsePriceTypes, s.Flags.UploadPrices = true, true, true
		s.Catalog.Characteristics = true
		for i, p := range s.Tables.PriceTypes {
			kind := map[string]string{"base": kindBase, "wholesale": kindWholesale}[p.CRMCode]
			s.Tables.PriceTypes[i].PriceKind = &onec.Ref{Ref: kind, Name: p.CRMName}
		}
		change(s)
	})
	return e
}

// settings changes the settings.
func (e *storeEnv) settings(change func(*settings.Settings)) {
	e.t.Helper()
	if _, err := e.Setup.Repo.Update(e.t.Context(), func(st *settings.State) error {
		change(&st.Settings)
		return nil
	}); err != nil {
		e.t.Fatal(err)
	}
}

// next is the time of the next snapshot, after every earlier one.
func (e *storeEnv) next() time.Time {
	e.at = e.at.Add(time.Minute)
	return e.at
}

// sendCatalog publishes the catalog file of the products and lets the sandbox load it.
func (e *storeEnv) sendCatalog(products []onec.Product) {
	e.t.Helper()
	e.publishCatalog(products)
	e.LoadCatalog(e.t)
}

// publishCatalog sends the products as a one-page catalog snapshot, and builds and publishes
// the file.
func (e *storeEnv) publishCatalog(products []onec.Product) {
	e.t.Helper()
	group := storeGUID(3, 1)
	for i := range products {
		products[i].Group = group
	}
	e.SendPage(e.t, onec.TypeCatalogPage, e.next(), onec.CatalogPage{Paging: e.paging(),
		Groups: []onec.CatalogGroup{{Ref: group, Name: "Товары"}}, Products: products})
	if run, err := e.Catalog.Run(e.t.Context(), sync.TriggerSchedule); err != nil || !run.Complete {
		e.t.Fatalf("catalog build: %+v %v", run, err)
	}
}

func (e *storeEnv) paging() onec.Paging {
	return onec.Paging{SnapshotID: onec.NewGUID(), Page: 1, Pages: 1, Full: true}
}

func (e *storeEnv) sendStock(rows []onec.StockRow) {
	e.t.Helper()
	e.SendPage(e.t, onec.TypeStockPage, e.next(), onec.StockPage{Paging: e.paging(), Rows: rows})
}

func (e *storeEnv) sendPrices(rows []onec.PriceRow) {
	e.t.Helper()
	e.SendPage(e.t, onec.TypePricesPage, e.next(), onec.PricesPage{Paging: e.paging(), Rows: rows})
}

// run runs the upload as its schedule does and returns the runs, failing on an error.
func (e *storeEnv) run() []runlog.Run {
	e.t.Helper()
	runs, err := e.store.Run(e.t.Context(), sync.TriggerSchedule)
	if err != nil {
		e.t.Fatalf("store sync: %v (%+v)", err, runs)
	}
	return runs
}

// request presses the buttons and runs.
func (e *storeEnv) request(r sync.StoreRequest) ([]runlog.Run, error) {
	e.t.Helper()
	if err := e.store.Request(e.t.Context(), r); err != nil {
		e.t.Fatal(err)
	}
	return e.store.Run(e.t.Context(), sync.TriggerButton)
}

// upload is one upload request the sandbox received.
type upload struct {
	status int
	// keys are the offer keys it carried; offers are its entries as sent.
	keys   []string
	offers []map[string]any
}

// uploads returns the requests to path since the last reset, and resets the recorder.
func (e *storeEnv) uploads() map[string][]upload {
	e.t.Helper()
	out := map[string][]upload{}
	for _, r := range e.Sandbox.Requests() {
		field, ok := uploadField[r.Path]
		if !ok {
			continue
		}
		u := upload{status: r.Status}
		if err := json.Unmarshal([]byte(r.Form.Get(field)), &u.offers); err != nil {
			e.t.Fatalf("%s: %v", r.Path, err)
		}
		for _, o := range u.offers {
			key, _ := o["externalId"].(string)
			if xml, ok := o["xmlId"].(string); ok {
				key = xml
			}
			u.keys = append(u.keys, key)
		}
		out[r.Path] = append(out[r.Path], u)
	}
	e.Sandbox.ResetRequests()
	return out
}

// offerWant is what RetailCRM must have of one offer: available stock by store (none for a
// service), its purchase price ("0" when none was sent) and its prices by type.
type offerWant struct {
	stock    map[string]string
	purchase string
	prices   map[string]string
}

// check compares the sandbox with want for every offer.
func (e *storeEnv) check(want map[string]offerWant) {
	e.t.Helper()
	for _, key := range slices.Sorted(maps.Keys(want)) {
		w := want[key]
		for _, store := range []string{"main", "second"} {
			av, pp, ok := e.Sandbox.Stock(key, store)
			switch {
			case w.stock == nil && ok:
				e.t.Errorf("%s: a service has stock at %s: %v", key, store, av)
			case w.stock != nil && (!ok || !av.Equal(decimal.RequireFromString(w.stock[store])) || !pp.Equal(decimal.RequireFromString(w.purchase))):
				e.t.Errorf("%s at %s: available %v, purchase %v, uploaded %v; want %s, %s", key, store, av, pp, ok, w.stock[store], w.purchase)
			}
		}
		for _, code := range []string{"base", "wholesale"} {
			p, ok := e.Sandbox.Price(key, code)
			want, has := w.prices[code]
			if ok != has || has && !p.Equal(decimal.RequireFromString(want)) {
				e.t.Errorf("%s: %s price %v (%v), want %q (%v)", key, code, p, ok, want, has)
			}
		}
	}
}

// The store test catalog: a product without characteristics, a product with two, a service, a
// product with fractional stock and one without stock or prices; and the 1C stock and prices
// of every kind of row.
var (
	refKettle, refShirt, refService, refGroats, refEmpty = storeGUID(1, 1), storeGUID(1, 2), storeGUID(1, 3), storeGUID(1, 4), storeGUID(1, 5)
	refRed, refBlue                                      = storeGUID(2, 1), storeGUID(2, 2)
)

func storeProducts() []onec.Product {
	return []onec.Product{
		{Ref: refKettle, Name: "Чайник"},
		{Ref: refShirt, Name: "Футболка", Characteristics: []onec.Characteristic{{Ref: refRed, Name: "Красная"}, {Ref: refBlue, Name: "Синяя"}}},
		{Ref: refService, Name: "Доставка", Service: true},
		{Ref: refGroats, Name: "Крупа"},
		{Ref: refEmpty, Name: "Без остатков"},
	}
}

func storeStock() []onec.StockRow {
	return []onec.StockRow{
		{Product: refKettle, Warehouse: warehouseMain, Quantity: "10", Reserved: "3"},
		{Product: refKettle, Warehouse: warehouseSecond, Quantity: "-2"},
		{Product: refKettle, Warehouse: warehouseOther, Quantity: "100"},
		{Product: refShirt, Characteristic: refRed, Warehouse: warehouseMain, Quantity: "5", Reserved: "0"},
		{Product: refShirt, Characteristic: refRed, Warehouse: warehouseSecond, Quantity: "2", Reserved: "1"},
		{Product: refShirt, Characteristic: refBlue, Warehouse: warehouseSecond, Quantity: "4", Reserved: "-1"},
		{Product: refService, Warehouse: warehouseMain, Quantity: "9"},
		{Product: refGroats, Warehouse: warehouseMain, Quantity: "1.5", Reserved: "0.25"},
		{Product: refGroats, Warehouse: warehouseSecond, Reserved: "2"},
		{Product: storeGUID(1, 99), Warehouse: warehouseMain, Quantity: "1"},
	}
}

func storePrices() []onec.PriceRow {
	return []onec.PriceRow{
		{Product: refKettle, PriceKind: kindBase, Price: "2490.50"},
		{Product: refKettle, PriceKind: kindWholesale, Price: "1990"},
		{Product: refKettle, PriceKind: kindPurchase, Price: "1500"},
		{Product: refShirt, PriceKind: kindBase, Price: "990"},
		{Product: refShirt, PriceKind: kindPurchase, Price: "500"},
		{Product: refShirt, Characteristic: refRed, PriceKind: kindBase, Price: "1090"},
		{Product: refShirt, Characteristic: refRed, PriceKind: kindWholesale, Price: "800"},
		{Product: refShirt, Characteristic: refBlue, PriceKind: kindPurchase, Price: "450"},
		{Product: refService, PriceKind: kindBase, Price: "300"},
		{Product: refGroats, PriceKind: kindWholesale, Price: "-5"},
		{Product: refGroats, PriceKind: kindPurchase, Price: "10.10"},
		{Product: refGroats, PriceKind: importtest.GUID(77), Price: "1"},
	}
}

// storeWant is what RetailCRM must have of the store test catalog, with or without
// characteristics.
func storeWant(characteristics bool) map[string]offerWant {
	want := map[string]offerWant{
		refKettle:  {stock: map[string]string{"main": "7", "second": "0"}, purchase: "1500", prices: map[string]string{"base": "2490.5", "wholesale": "1990"}},
		refService: {prices: map[string]string{"base": "300"}},
		refGroats:  {stock: map[string]string{"main": "1.25", "second": "0"}, purchase: "10.1"},
		refEmpty:   {stock: map[string]string{"main": "0", "second": "0"}, purchase: "0"},
	}
	if characteristics {
		want[refShirt+"#"+refRed] = offerWant{stock: map[string]string{"main": "5", "second": "1"}, purchase: "500",
			prices: map[string]string{"base": "1090", "wholesale": "800"}}
		want[refShirt+"#"+refBlue] = offerWant{stock: map[string]string{"main": "0", "second": "4"}, purchase: "450",
			prices: map[string]string{"base": "990"}}
	} else {
		want[refShirt] = offerWant{stock: map[string]string{"main": "5", "second": "5"}, purchase: "500", prices: map[string]string{"base": "990"}}
	}
	return want
}

// saysAll tells whether one of the run's messages contains every part.
func saysAll(run runlog.Run, parts ...string) bool {
	return slices.ContainsFunc(run.Messages, func(m string) bool {
		for _, p := range parts {
			if !strings.Contains(m, p) {
				return false
			}
		}
		return true
	})
}

// TestStoreSync: stock and prices reach RetailCRM as the 1C snapshots say, for every mapped
// warehouse and price type, zeros included, negatives as 0, purchase prices, characteristics as
// offers or summed into their product; unmapped stores stay untouched; then only what changes
// travels, and a price gone in 1C is removed.
func TestStoreSync(t *testing.T) {
	for _, characteristics := range []bool{true, false} {
		t.Run(fmt.Sprintf("characteristics=%v", characteristics), func(t *testing.T) {
			e := newStoreEnv(t, importtest.Options{}, func(s *settings.Settings) {
				s.Catalog.Characteristics = characteristics
				if !characteristics {
					s.Catalog.OfferKey = settings.OfferKeyXMLID
				}
			})
			e.sendStock(storeStock())
			e.sendPrices(storePrices())
			e.sendCatalog(storeProducts())
			if _, err := e.CRM(t).UploadInventories(t.Context(), sandbox.DemoSite, []retailcrm.InventoryOffer{{ExternalID: refKettle,
				Stores: []retailcrm.InventoryStore{{Code: "outlet", Available: retailcrm.MustDecimal("42")}}}}); err != nil {
				t.Fatal(err)
			}
			e.Sandbox.ResetRequests()

			runs := e.run()
			if len(runs) != 2 || runs[0].Flow != sync.FlowStock || runs[1].Flow != sync.FlowPrices || !runs[0].Complete || !runs[1].Complete {
				t.Fatalf("first runs %+v", runs)
			}
			want := storeWant(characteristics)
			e.check(want)
			if av, _, _ := e.Sandbox.Stock(refKettle, "outlet"); !av.Equal(decimal.NewFromInt(42)) {
				t.Errorf("the unmapped store outlet has %v, want 42 untouched", av)
			}
			up := e.uploads()
			if len(up[pathInventories]) != 1 || len(up[pathInventories][0].keys) != len(want)-1 || len(up[pathPrices]) != 1 {
				t.Errorf("first uploads %+v", up)
			}
			key := map[bool]string{true: "externalId", false: "xmlId"}[characteristics]
			if first := up[pathInventories][0].offers[0]; first[key] == nil || len(first["stores"].([]any)) != 2 {
				t.Errorf("offer addressed by %s to every mapped store: %v", key, first)
			}
			for _, o := range up[pathInventories][0].offers {
				_, hasPurchase := o["stores"].([]any)[0].(map[string]any)["purchasePrice"]
				if o[key] == refEmpty && hasPurchase || o[key] == refKettle && !hasPurchase {
					t.Errorf("purchase price sent only when 1C has one: %v", o)
				}
			}
			if c := runs[0].Counts; c[sync.CountStoreOffers] != int64(len(want)-1) || c[sync.CountStoreBatches] != 1 || c[sync.CountStoreNotFound] != 0 {
				t.Errorf("stock counts %v", c)
			}
			if !saysAll(runs[1], "Цены меньше нуля", "1") {
				t.Errorf("the negative price is not reported: %v", runs[1].Messages)
			}

			if again := e.run(); len(again) != 0 || len(e.uploads()) != 0 {
				t.Errorf("an unchanged second run: %+v", again)
			}
			runs, err := e.request(sync.StoreRequest{Stock: true, Prices: true})
			if err != nil || len(runs) != 2 || !saysAll(runs[0], "Остатки в RetailCRM актуальны") || runs[0].Trigger != sync.TriggerButton {
				t.Errorf("an unchanged upload by button: %+v %v", runs, err)
			}
			if up := e.uploads(); len(up) != 0 {
				t.Errorf("an unchanged upload by button sent %+v", up)
			}

			changed := storeStock()
			changed[0].Quantity = "11"
			e.sendStock(changed)
			runs = e.run()
			up = e.uploads()
			if len(runs) != 1 || len(up[pathInventories]) != 1 || !slices.Equal(up[pathInventories][0].keys, []string{refKettle}) || len(up[pathPrices]) != 0 {
				t.Errorf("one offer changed: runs %+v, uploads %+v", runs, up)
			}
			want[refKettle].stock["main"] = "8"
			e.check(want)

			prices := slices.DeleteFunc(storePrices(), func(p onec.PriceRow) bool { return p.Product == refKettle && p.PriceKind == kindWholesale })
			e.sendPrices(prices)
			runs = e.run()
			up = e.uploads()
			if len(runs) != 2 || !saysAll(runs[0], "актуальны") || len(up[pathInventories]) != 0 || len(up[pathPrices]) != 1 {
				t.Fatalf("a price gone: runs %+v, uploads %+v", runs, up)
			}
			if sent := up[pathPrices][0].offers; len(sent) != 1 || fmt.Sprint(sent[0]["prices"]) != "[map[code:base price:2490.5] map[code:wholesale price:0 remove:true]]" {
				t.Errorf("a price gone is sent as %v", sent)
			}
			delete(want[refKettle].prices, "wholesale")
			e.check(want)

			runs, err = e.request(sync.StoreRequest{Stock: true, Full: true})
			up = e.uploads()
			if err != nil || len(runs) != 1 || len(up[pathInventories]) != 1 || len(up[pathInventories][0].keys) != len(want)-1 {
				t.Errorf("a full upload: %+v %v, uploads %+v", runs, err, up)
			}
		})
	}
}

// TestStoreSyncRefusedAndOff: before the catalog is published nothing is sent and a press says
// why; with stock editing off in RetailCRM the run says what the manual says, nothing counts as
// sent, and the next run completes once it is on; a flow switched off does nothing, and says so
// when pressed.
func TestStoreSyncRefusedAndOff(t *testing.T) {
	e := newStoreEnv(t, importtest.Options{}, func(*settings.Settings) {})
	e.sendStock(storeStock())
	e.sendPrices(storePrices())
	if runs := e.run(); len(runs) != 0 {
		t.Errorf("runs before the catalog file: %+v", runs)
	}
	runs, err := e.request(sync.StoreRequest{Stock: true, Prices: true})
	if err != nil || len(runs) != 2 || !saysAll(runs[0], "Остатки выгружаются только после того, как опубликован файл каталога") ||
		!saysAll(runs[1], "Типы цен выгружаются только после того, как опубликован файл каталога") || runs[0].Complete {
		t.Errorf("a press before the catalog file: %+v %v", runs, err)
	}
	if up := e.uploads(); len(up) != 0 {
		t.Errorf("uploads before the catalog file: %+v", up)
	}

	e.sendCatalog(storeProducts())
	e.Sandbox.SetStockEditing(false)
	runs, err = e.store.Run(t.Context(), sync.TriggerSchedule)
	if ce, ok := errors.AsType[*sync.CRMError](err); !ok || len(runs) != 2 || runs[0].Complete || !runs[1].Complete ||
		!saysAll(runs[0], "RetailCRM отклонила выгрузку («"+sandbox.MsgStockEditingOff+"»)", "Настройки > Системные > Склад",
			"работа со складами, бронирование и редактирование остатков", "доступно после включения бронирования") ||
		!slices.Contains(runs[0].Messages, ce.Message) {
		t.Fatalf("stock editing off: %+v %v", runs, err)
	}
	st, err := e.store.Status(t.Context())
	if err != nil || st.Stock.Last == nil || st.Stock.Last.Complete || st.Stock.Progress == nil || st.Stock.Progress.Offers != 0 {
		t.Errorf("status after the refusal %+v %v", st.Stock, err)
	}
	data, _ := json.Marshal(st)
	var shape map[string]map[string]any
	if err := json.Unmarshal(data, &shape); err != nil {
		t.Fatal(err)
	}
	progress, _ := shape["stock"]["progress"].(map[string]any)
	last, _ := shape["prices"]["last"].(map[string]any)
	if shape["stock"]["enabled"] != true || progress["batchesDone"] != 1.0 || progress["batchesTotal"] != 1.0 || progress["running"] != false ||
		last["complete"] != true || last["offers"] != 4.0 {
		t.Errorf("status JSON %s", data)
	}
	e.Sandbox.SetStockEditing(true)
	e.uploads()
	runs = e.run()
	up := e.uploads()
	if len(runs) != 1 || !runs[0].Complete || len(up[pathInventories]) != 1 || len(up[pathInventories][0].keys) != len(storeWant(true))-1 {
		t.Errorf("after stock editing is on: %+v, uploads %+v", runs, up)
	}
	e.check(storeWant(true))

	e.settings(func(s *settings.Settings) { s.Flags.UploadStock, s.Flags.UploadPrices = false, false })
	e.sendStock([]onec.StockRow{})
	e.sendPrices([]onec.PriceRow{})
	if runs := e.run(); len(runs) != 0 {
		t.Errorf("runs with both flows off: %+v", runs)
	}
	runs, err = e.request(sync.StoreRequest{Stock: true, Prices: true})
	if err != nil || len(runs) != 2 ||
		!saysAll(runs[0], "Выгрузка остатков выключена: включите «Выгружать остатки в RetailCRM» на вкладке «Настройки».") ||
		!saysAll(runs[1], "Выгрузка типов цен выключена", "«Использование типов цен»", "«Выгружать типы цен в RetailCRM»") {
		t.Errorf("a press with both flows off: %+v %v", runs, err)
	}
	if up := e.uploads(); len(up) != 0 {
		t.Errorf("uploads with both flows off: %+v", up)
	}
	e.check(storeWant(true))
}

// TestStoreSyncNotFound: offers RetailCRM has not loaded from the catalog file yet are reported
// by key and sent again by every run until RetailCRM knows them.
func TestStoreSyncNotFound(t *testing.T) {
	e := newStoreEnv(t, importtest.Options{}, func(*settings.Settings) {})
	products, stock, prices, want := bigShop(15)
	e.sendStock(stock)
	e.sendPrices(prices)
	e.publishCatalog(products)
	var keys []string
	for key, w := range want {
		if w.stock != nil {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	for range 2 {
		runs := e.run()
		if len(runs) != 2 || runs[0].Complete || runs[0].Counts[sync.CountStoreNotFound] != 12 || runs[1].Counts[sync.CountStoreNotFound] != 15 ||
			!saysAll(runs[0], "RetailCRM не нашла предложений: 12 ("+strings.Join(keys[:10], ", ")+" и ещё 2)", "Каталог") {
			t.Fatalf("runs before RetailCRM loads the file: %+v", runs)
		}
		if up := e.uploads(); len(up[pathInventories]) != 1 || len(up[pathPrices]) != 1 {
			t.Errorf("uploads before RetailCRM loads the file: %+v", up)
		}
	}
	e.LoadCatalog(t)
	if runs := e.run(); len(runs) != 2 || !runs[0].Complete || !runs[1].Complete {
		t.Errorf("runs once RetailCRM loaded the file: %+v", runs)
	}
	e.check(want)
}
