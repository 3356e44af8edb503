package sync

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/shopspring/decimal"

	"unfbridge/shared/catalog"
	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/settings"
	"unfbridge/shared/staging"
)

// storeColumn maps a 1C reference (a warehouse, a price kind) to a RetailCRM code (a store, a
// price type): a row of a mapping table that maps something.
type storeColumn struct {
	Ref  string `json:"ref"`
	Code string `json:"code"`
}

// mappedStores are the rows of the warehouse table with both sides set, in table order.
func mappedStores(s settings.Settings) []storeColumn {
	return columns(s.Tables.Warehouses, func(w settings.Warehouse) (*onec.Ref, string) { return w.Warehouse, w.CRMCode })
}

// mappedPriceTypes are the rows of the price type table with both sides set, in table order.
func mappedPriceTypes(s settings.Settings) []storeColumn {
	return columns(s.Tables.PriceTypes, func(p settings.PriceType) (*onec.Ref, string) { return p.PriceKind, p.CRMCode })
}

// columns are the rows of a mapping table whose sides (the 1C reference and the RetailCRM
// code) are both set.
func columns[R any](rows []R, sides func(R) (*onec.Ref, string)) []storeColumn {
	var out []storeColumn
	for _, row := range rows {
		if ref, code := sides(row); refGUID(ref) != "" && code != "" {
			out = append(out, storeColumn{Ref: ref.Ref, Code: code})
		}
	}
	return out
}

// stockValues are what RetailCRM should have of an offer's stock: the available quantity at
// each mapped store and the purchase price (nil: none).
type stockValues struct {
	available []decimal.Decimal
	purchase  *decimal.Decimal
}

// uploadStock sends the stock of every non-service offer of the catalog at every mapped store,
// 0 where 1C has none, with its purchase price.
func uploadStock(ctx context.Context, r *storeRun) error {
	cols := mappedStores(*r.settings())
	site := r.settings().Connection.SiteCode
	return uploadDelta(ctx, r, storeSpec[stockValues, retailcrm.InventoryOffer]{
		each: func(ctx context.Context, fn func(want[stockValues])) error { return r.eachStock(ctx, cols, fn) },
		item: func(w *want[stockValues], _ []string) (retailcrm.InventoryOffer, bool) {
			o := retailcrm.InventoryOffer{Stores: make([]retailcrm.InventoryStore, len(cols))}
			o.ExternalID, o.XMLID = r.offerKey(w.key)
			var purchase *retailcrm.Decimal
			if p := w.values.purchase; p != nil {
				purchase = &retailcrm.Decimal{Decimal: *p}
			}
			for i, c := range cols {
				o.Stores[i] = retailcrm.InventoryStore{Code: c.Code, Available: retailcrm.Decimal{Decimal: w.values.available[i]}, PurchasePrice: purchase}
			}
			return o, true
		},
		send: func(ctx context.Context, items []retailcrm.InventoryOffer) (retailcrm.UploadResult, error) {
			return r.crm.UploadInventories(ctx, site, items)
		},
	})
}

// eachStock calls fn with the stock of every non-service offer of the catalog.
func (r *storeRun) eachStock(ctx context.Context, cols []storeColumn, fn func(want[stockValues])) error {
	stock, err := r.readStock(ctx, cols)
	if err != nil {
		return err
	}
	purchase, err := r.readPrices(ctx, []string{refGUID(r.settings().Connection.PurchasePriceKind)})
	if err != nil {
		return err
	}
	zero := make([]decimal.Decimal, len(cols))
	for ref, e := range r.index {
		if e.Service {
			continue
		}
		v := stockValues{available: stock[ref]}
		if v.available == nil {
			v.available = zero
		}
		p := newPrint()
		if d, ok := purchase.price(ref, 0); ok {
			v.purchase = &d
			p.add(d.String())
		} else {
			p.add("")
		}
		for i, c := range cols {
			p.add(c.Code)
			p.add(v.available[i].String())
		}
		fn(want[stockValues]{key: e.Key, print: p.sum(), values: v})
	}
	return nil
}

// readStock reads the stock snapshot: per offer of the catalog, the available quantity at each
// store column. A row gives quantity − reserved (a negative reserve counts as none), negative as
// 0, to every store its warehouse is mapped to; the rows of one offer add up (those of a
// product's characteristics, when the catalog has none). Rows of unmapped warehouses and of
// offers outside the catalog are left out.
func (r *storeRun) readStock(ctx context.Context, cols []storeColumn) (map[catalog.OfferRef][]decimal.Decimal, error) {
	byWarehouse := map[string][]int{}
	for i, c := range cols {
		byWarehouse[c.Ref] = append(byWarehouse[c.Ref], i)
	}
	stock := map[catalog.OfferRef][]decimal.Decimal{}
	err := eachRow(ctx, r, staging.Stock, staging.DecodeStockPage, func(row *onec.StockRow) error {
		at := byWarehouse[row.Warehouse]
		ref := r.offerRef(row.Product, row.Characteristic)
		if _, ok := r.index[ref]; !ok || len(at) == 0 {
			return nil
		}
		quantity, err := decimalOf(row.Quantity)
		if err != nil {
			return err
		}
		reserved, err := decimalOf(row.Reserved)
		if err != nil {
			return err
		}
		available := quantity.Sub(decimal.Max(reserved, decimal.Zero))
		if available.IsNegative() {
			available = decimal.Zero
		}
		values := stock[ref]
		if values == nil {
			values = make([]decimal.Decimal, len(cols))
			stock[ref] = values
		}
		for _, i := range at {
			values[i] = values[i].Add(available)
		}
		return nil
	})
	return stock, err
}

// priceValue is one price of an offer.
type priceValue struct {
	code  string
	price decimal.Decimal
}

// uploadPrices sends the prices of every offer of the catalog for the mapped price types; a
// price RetailCRM accepted before that 1C no longer has is removed.
func uploadPrices(ctx context.Context, r *storeRun) error {
	types := mappedPriceTypes(*r.settings())
	site := r.settings().Connection.SiteCode
	return uploadDelta(ctx, r, storeSpec[[]priceValue, retailcrm.OfferPrices]{
		each: func(ctx context.Context, fn func(want[[]priceValue])) error { return r.eachPrices(ctx, types, fn) },
		item: func(w *want[[]priceValue], old []string) (retailcrm.OfferPrices, bool) {
			o := retailcrm.OfferPrices{Site: site}
			o.ExternalID, o.XMLID = r.offerKey(w.key)
			for _, v := range w.values {
				o.Prices = append(o.Prices, retailcrm.OfferPrice{Code: v.code, Price: retailcrm.Decimal{Decimal: v.price}})
			}
			for _, code := range old {
				mapped := slices.ContainsFunc(types, func(t storeColumn) bool { return t.Code == code })
				if mapped && !slices.Contains(w.codes, code) {
					o.Prices = append(o.Prices, retailcrm.OfferPrice{Code: code, Remove: true})
				}
			}
			return o, len(o.Prices) > 0
		},
		send: func(ctx context.Context, items []retailcrm.OfferPrices) (retailcrm.UploadResult, error) {
			return r.crm.UploadPrices(ctx, items)
		},
	})
}

// eachPrices calls fn with the prices of every offer of the catalog.
func (r *storeRun) eachPrices(ctx context.Context, types []storeColumn, fn func(want[[]priceValue])) error {
	var kinds []string
	for _, t := range types {
		if !slices.Contains(kinds, t.Ref) {
			kinds = append(kinds, t.Ref)
		}
	}
	prices, err := r.readPrices(ctx, kinds)
	if err != nil {
		return err
	}
	for ref, e := range r.index {
		w := want[[]priceValue]{key: e.Key}
		p := newPrint()
		for _, t := range types {
			d, ok := prices.price(ref, slices.Index(kinds, t.Ref))
			if !ok {
				continue
			}
			w.values = append(w.values, priceValue{code: t.Code, price: d})
			w.codes = append(w.codes, t.Code)
			p.add(t.Code)
			p.add(d.String())
		}
		w.print = p.sum()
		fn(w)
	}
	return nil
}

// priceCell is a price of one kind; set is false when 1C has none.
type priceCell struct {
	price decimal.Decimal
	set   bool
}

// priceTable holds the prices of some price kinds (the columns), by product and by product and
// characteristic.
type priceTable map[catalog.OfferRef][]priceCell

// price is the price of an offer in a column: the characteristic's, else the product's.
func (t priceTable) price(ref catalog.OfferRef, col int) (decimal.Decimal, bool) {
	if cells := t[ref]; cells != nil && cells[col].set {
		return cells[col].price, true
	}
	if ref.Characteristic == "" {
		return decimal.Decimal{}, false
	}
	return t.price(catalog.OfferRef{Product: ref.Product}, col)
}

// readPrices reads the prices of the kinds ("" for none) from the prices snapshot (an empty
// table when there is none). Prices below zero, which RetailCRM refuses, are left out and noted.
func (r *storeRun) readPrices(ctx context.Context, kinds []string) (priceTable, error) {
	table := priceTable{}
	if r.in.snaps[staging.Prices] == nil || !slices.ContainsFunc(kinds, func(k string) bool { return k != "" }) {
		return table, nil
	}
	negative := 0
	err := eachRow(ctx, r, staging.Prices, staging.DecodePricesPage, func(row *onec.PriceRow) error {
		col := slices.Index(kinds, row.PriceKind)
		if col < 0 || row.Price == "" || row.Characteristic != "" && !r.settings().Catalog.Characteristics {
			return nil
		}
		price, err := decimalOf(row.Price)
		if err != nil {
			return err
		}
		if price.IsNegative() {
			negative++
			return nil
		}
		ref := catalog.OfferRef{Product: row.Product, Characteristic: row.Characteristic}
		cells := table[ref]
		if cells == nil {
			cells = make([]priceCell, len(kinds))
			table[ref] = cells
		}
		cells[col] = priceCell{price: price, set: true}
		return nil
	})
	if negative > 0 && err == nil {
		r.note(fmt.Sprintf("Цены меньше нуля не выгружаются в RetailCRM: таких цен в выгрузке из 1С %d.", negative))
	}
	return table, err
}

// eachRow calls fn with every row of the latest snapshot of kind, page by page.
func eachRow[T any](ctx context.Context, r *storeRun, kind staging.Kind, decode func(io.Reader) ([]T, error), fn func(*T) error) error {
	snap := r.in.snaps[kind]
	for page := 1; page <= snap.Pages; page++ {
		rc, err := r.s.Staging.Open(ctx, *snap, page)
		if err != nil {
			return err
		}
		rows, err := decode(rc)
		rc.Close()
		for i := 0; err == nil && i < len(rows); i++ {
			err = fn(&rows[i])
		}
		if err != nil {
			return fmt.Errorf("sync: %s page %d of snapshot %s: %w", kind, page, snap.ID, err)
		}
	}
	return nil
}

// offerRef is the catalog offer a 1C row belongs to: the product's own offer when the catalog
// has no characteristics.
func (r *storeRun) offerRef(product, characteristic string) catalog.OfferRef {
	if !r.settings().Catalog.Characteristics {
		characteristic = ""
	}
	return catalog.OfferRef{Product: product, Characteristic: characteristic}
}

// offerKey addresses an offer in an upload by its key, as externalId or xmlId per the settings.
func (r *storeRun) offerKey(key string) (externalID, xmlID string) {
	if r.settings().Catalog.OfferKey == settings.OfferKeyXMLID {
		return "", key
	}
	return key, ""
}

// decimalOf reads a normalised 1C number; "" is 0.
func decimalOf(s string) (decimal.Decimal, error) {
	if s == "" {
		return decimal.Zero, nil
	}
	return decimal.NewFromString(s)
}

// valuePrint fingerprints an offer's values: 64-bit FNV-1a over strings, each ended by 0xff, a byte
// UTF-8 never has. A sum is never 0, the fingerprint of "unknown".
type valuePrint uint64

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func newPrint() valuePrint { return fnvOffset }

func (p *valuePrint) add(s string) {
	h := uint64(*p)
	for i := range len(s) {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	*p = valuePrint((h ^ 0xff) * fnvPrime)
}

func (p valuePrint) sum() uint64 { return max(uint64(p), 1) }
