package staging_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"unfbridge/infra/dynamodblocal"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/staging"
)

func TestMain(m *testing.M) { dynamodblocal.Main(m) }

const snapshotID = "9b2f6c1e-3d4a-4b5c-8d7e-0f1a2b3c4d5e"

func encodeCatalog(t testing.TB, p *onec.CatalogPage) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := staging.EncodeCatalogPage(&buf, p); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readCatalog decodes a staged catalog page into copies of its groups and products.
func readCatalog(body []byte) ([]onec.CatalogGroup, []onec.Product, error) {
	r, err := staging.NewCatalogReader(bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	var products []onec.Product
	for {
		p, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r.Groups(), products, nil
		}
		if err != nil {
			return nil, nil, err
		}
		products = append(products, clone(*p))
	}
}

// clone deep-copies a product, outside the reader's reused memory.
func clone(p onec.Product) onec.Product {
	if p.Unit != nil {
		p.Unit = new(*p.Unit)
	}
	if p.Dimensions != nil {
		p.Dimensions = new(*p.Dimensions)
	}
	p.Barcodes, p.Pictures, p.Params, p.Prices = slices.Clone(p.Barcodes), slices.Clone(p.Pictures), slices.Clone(p.Params), slices.Clone(p.Prices)
	p.Characteristics = slices.Clone(p.Characteristics)
	for i := range p.Characteristics {
		c := &p.Characteristics[i]
		c.Barcodes, c.Params, c.Prices = slices.Clone(c.Barcodes), slices.Clone(c.Params), slices.Clone(c.Prices)
	}
	return p
}

// nilEmpty returns a copy of the product with its empty lists made nil, as the staged form
// reads them.
func nilEmpty(p onec.Product) onec.Product {
	p = clone(p)
	p.Barcodes, p.Pictures, p.Params, p.Prices = orNil(p.Barcodes), orNil(p.Pictures), orNil(p.Params), orNil(p.Prices)
	p.Characteristics = orNil(p.Characteristics)
	for i := range p.Characteristics {
		c := &p.Characteristics[i]
		c.Barcodes, c.Params, c.Prices = orNil(c.Barcodes), orNil(c.Params), orNil(c.Prices)
	}
	return p
}

func orNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestCatalogRoundTrip(t *testing.T) {
	page := onectest.CatalogPage(snapshotID, 2, 3, 9, onectest.Canonical)
	page.Products[1].Name = "Имя с \x00 нулём, \"кавычками\" и эмодзи 🍲"
	if page.Products[1].Barcodes == nil || len(page.Products[1].Barcodes) != 0 || page.Products[2].Barcodes != nil {
		t.Fatal("the sample lacks an empty list and a nil one")
	}
	body := encodeCatalog(t, &page)

	r, err := staging.NewCatalogReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Groups(), page.Groups) || r.Products() != len(page.Products) {
		t.Fatalf("groups %+v, %d products", r.Groups(), r.Products())
	}
	var firstName string
	for i := range page.Products {
		got, err := r.Next()
		if err != nil {
			t.Fatalf("product %d: %v", i, err)
		}
		if want := nilEmpty(page.Products[i]); !reflect.DeepEqual(*got, want) {
			t.Fatalf("product %d:\n got %+v\nwant %+v", i, *got, want)
		}
		if i == 0 {
			firstName = got.Name
		}
	}
	if firstName != page.Products[0].Name {
		t.Fatalf("a kept string changed: %q", firstName)
	}
	for range 2 {
		if p, err := r.Next(); p != nil || !errors.Is(err, io.EOF) {
			t.Fatalf("after the last product: %v, %v", p, err)
		}
	}
}

func TestCatalogEmptyPage(t *testing.T) {
	page := onec.CatalogPage{Paging: onec.Paging{SnapshotID: snapshotID, Page: 1, Pages: 1, Full: true},
		Groups: []onec.CatalogGroup{}}
	groups, products, err := readCatalog(encodeCatalog(t, &page))
	if err != nil || groups != nil || products != nil {
		t.Fatalf("groups %v, products %v, error %v", groups, products, err)
	}
}

// TestCatalogReaderReusesMemory checks that reading a product after a larger one allocates
// little: the strings of the product in one allocation, its lists in the reused ones.
func TestCatalogReaderReusesMemory(t *testing.T) {
	page := onectest.CatalogPage(snapshotID, 1, 1, 3, onectest.Canonical)
	page.Products[1], page.Products[2] = page.Products[0], page.Products[0]
	r, err := staging.NewCatalogReader(bytes.NewReader(encodeCatalog(t, &page)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(1, func() {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 {
		t.Fatalf("%v allocations per product, want 1", allocs)
	}
}

func TestCatalogReaderRefusesTruncated(t *testing.T) {
	body := encodeCatalog(t, new(onectest.CatalogPage(snapshotID, 1, 1, 4, onectest.Canonical)))
	for n := range len(body) {
		_, _, err := readCatalog(body[:n])
		if !errors.Is(err, staging.ErrCorrupt) {
			t.Fatalf("truncated to %d of %d bytes: %v", n, len(body), err)
		}
		if n > 0 && !errors.Is(err, io.ErrUnexpectedEOF) && !strings.Contains(err.Error(), "not a staged catalog page") {
			t.Fatalf("truncated to %d bytes: %v, want an unexpected end", n, err)
		}
	}
}

func TestCatalogReaderRefusesCorrupt(t *testing.T) {
	valid := encodeCatalog(t, new(onectest.CatalogPage(snapshotID, 1, 1, 2, onectest.Canonical)))
	header := len("unfcatpg")
	tests := map[string][]byte{
		"other magic":       append([]byte("unfcatpx"), valid[header:]...),
		"newer version":     append(append([]byte("unfcatpg"), 2), valid[header+1:]...),
		"trailing data":     append(bytes.Clone(valid), 0),
		"huge record":       append([]byte("unfcatpg\x01"), binary.AppendUvarint(nil, 1<<40)...),
		"too many groups":   append([]byte("unfcatpg\x01\x03"), binary.AppendUvarint(nil, 1<<20)...),
		"too many products": append([]byte("unfcatpg\x01\x01\x00"), binary.AppendUvarint(nil, onec.MaxProductsPerPage+1)...),
		"record too short":  []byte("unfcatpg\x01\x01\x00\x01\x02\x00\x05"),
		"record too long":   []byte("unfcatpg\x01\x02\x00\x00\x00"),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			if _, _, err := readCatalog(body); !errors.Is(err, staging.ErrCorrupt) {
				t.Fatalf("error %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestEncodeCatalogRefusesOversizedLists(t *testing.T) {
	tests := map[string]func(*onec.CatalogPage){
		"products": func(p *onec.CatalogPage) { p.Products = make([]onec.Product, onec.MaxProductsPerPage+1) },
		"groups":   func(p *onec.CatalogPage) { p.Groups = make([]onec.CatalogGroup, onec.MaxGroupsPerPage+1) },
		"characteristics": func(p *onec.CatalogPage) {
			p.Products[0].Characteristics = make([]onec.Characteristic, onec.MaxCharacteristics+1)
		},
		"pictures": func(p *onec.CatalogPage) { p.Products[0].Pictures = make([]string, onec.MaxProductList+1) },
		"prices": func(p *onec.CatalogPage) {
			p.Products[0].Characteristics[0].Prices = make([]onec.Price, onec.MaxProductList+1)
		},
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			page := onectest.CatalogPage(snapshotID, 1, 1, 1, onectest.Canonical)
			change(&page)
			if err := staging.EncodeCatalogPage(io.Discard, &page); err == nil || !strings.Contains(err.Error(), name) {
				t.Fatalf("error %v, want one about %s", err, name)
			}
		})
	}
}

// FuzzCatalogReader checks that any input is read without panicking, and that what is read is
// encoded and read back the same.
func FuzzCatalogReader(f *testing.F) {
	valid := encodeCatalog(f, new(onectest.CatalogPage(snapshotID, 1, 1, 3, onectest.Canonical)))
	for _, seed := range [][]byte{valid, valid[:len(valid)/2], valid[:9], nil, []byte("unfcatpg\x01\x00\x00")} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		groups, products, err := readCatalog(body)
		if err != nil {
			if !errors.Is(err, staging.ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		again := onec.CatalogPage{Groups: groups, Products: products}
		groups2, products2, err := readCatalog(encodeCatalog(t, &again))
		if err != nil || !reflect.DeepEqual(groups2, groups) || !reflect.DeepEqual(products2, products) {
			t.Fatalf("read back differently: %v", err)
		}
	})
}

func TestRowsRoundTrip(t *testing.T) {
	stock := onectest.StockPage(snapshotID, 1, 1, 7, onectest.Canonical)
	var buf bytes.Buffer
	if err := staging.EncodeStockPage(&buf, &stock); err != nil {
		t.Fatal(err)
	}
	if rows, err := staging.DecodeStockPage(&buf); err != nil || !reflect.DeepEqual(rows, stock.Rows) {
		t.Fatalf("stock rows %+v, %v", rows, err)
	}
	prices := onectest.PricesPage(snapshotID, 1, 1, 7, onectest.Canonical)
	if err := staging.EncodePricesPage(&buf, &prices); err != nil {
		t.Fatal(err)
	}
	if rows, err := staging.DecodePricesPage(&buf); err != nil || !reflect.DeepEqual(rows, prices.Rows) {
		t.Fatalf("price rows %+v, %v", rows, err)
	}
	for _, empty := range [][]onec.StockRow{nil, {}} {
		if err := staging.EncodeStockPage(&buf, &onec.StockPage{Rows: empty}); err != nil {
			t.Fatal(err)
		}
		if buf.String() != "[]\n" {
			t.Fatalf("empty page staged as %q", buf.String())
		}
		if rows, err := staging.DecodeStockPage(&buf); err != nil || rows != nil {
			t.Fatalf("empty page read as %v, %v", rows, err)
		}
	}
}

func TestRowsRefuseCorrupt(t *testing.T) {
	for _, body := range []string{``, `[{"product":"a"`, `[] []`, `[{"colour":"red"}]`, `{"rows":[]}`, `[{"quantity":1}]`} {
		if _, err := staging.DecodeStockPage(strings.NewReader(body)); !errors.Is(err, staging.ErrCorrupt) {
			t.Errorf("stock %q: %v, want ErrCorrupt", body, err)
		}
		if _, err := staging.DecodePricesPage(strings.NewReader(body)); !errors.Is(err, staging.ErrCorrupt) {
			t.Errorf("prices %q: %v, want ErrCorrupt", body, err)
		}
	}
	if err := staging.EncodeStockPage(io.Discard, &onec.StockPage{Rows: make([]onec.StockRow, onec.MaxRowsPerPage+1)}); err == nil {
		t.Error("an oversized page was encoded")
	}
}

// BenchmarkCatalogReader decodes 100,000 products of 10 characteristics each (five pages of
// 20,000 products) and reports the offers (products + characteristics) decoded per second. The
// catalog builder needs at least 1,000,000 per second on one core: go test -bench CatalogReader
// -cpu 1.
func BenchmarkCatalogReader(b *testing.B) {
	const products, characteristics, pages = onec.MaxProductsPerPage, 10, 5
	page := onec.CatalogPage{Paging: onec.Paging{SnapshotID: snapshotID, Page: 1, Pages: 1, Full: true}}
	for i := range products {
		p := onec.Product{Ref: onectest.GUID(), Code: fmt.Sprintf("%09d", i), Article: fmt.Sprintf("АРТ-%d", i),
			Name: fmt.Sprintf("Кастрюля эмалированная «Мечта» %d л", i), Group: onectest.GUID(), VATRate: "20",
			Weight: "1.250", Unit: &onec.Unit{Code: "796", Name: "Штука", Sym: "шт"}, Barcodes: []string{fmt.Sprintf("46%011d", i)},
			Vendor: "Мечта", URL: fmt.Sprintf("https://shop.example.ru/p/%d", i), Pictures: []string{fmt.Sprintf("https://shop.example.ru/img/%d.jpg", i)},
			Params:   []onec.Param{{Name: "Материал", Code: "material", Value: "Сталь"}},
			Prices:   []onec.Price{{PriceKind: onectest.RetailPrice, Price: "1290.00"}, {PriceKind: onectest.PurchasePrice, Price: "700.00"}},
			Quantity: "15"}
		for c := range characteristics {
			p.Characteristics = append(p.Characteristics, onec.Characteristic{Ref: onectest.GUID(), Name: fmt.Sprintf("Цвет %d", c),
				Article: fmt.Sprintf("АРТ-%d-%d", i, c), Barcodes: []string{fmt.Sprintf("47%011d", i*10+c)},
				Params: []onec.Param{{Name: "Цвет", Code: "color", Value: fmt.Sprintf("Цвет %d", c)}},
				Prices: []onec.Price{{PriceKind: onectest.RetailPrice, Price: "1390.00"}}, Quantity: "3"})
		}
		page.Products = append(page.Products, p)
	}
	body := encodeCatalog(b, &page)
	b.SetBytes(int64(len(body) * pages))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for range pages {
			r, err := staging.NewCatalogReader(bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			for {
				_, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	offers := float64(b.N * pages * products * (1 + characteristics))
	b.ReportMetric(offers/b.Elapsed().Seconds(), "offers/s")
}
