package icml_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"unfbridge/shared/icml"
	"unfbridge/shared/icml/icmltest"
)

var update = flag.Bool("update", false, "rewrite testdata/writer.golden.xml")

var goldenShop = icml.Shop{
	Name:    "Уютный дом & Co <shop>",
	Company: `ООО "Уют" 'Дом'` + "\x01",
	Date:    time.Date(2026, 11, 29, 12, 0, 0, 0, time.FixedZone("MSK", 3*3600)),
}

var goldenCategories = []icml.Category{
	{ID: "G1", Name: "Мебель"},
	{ID: "G2", ParentID: "G1", Name: "Кресла & стулья <офисные>"},
	{ID: `G&3"'`, ParentID: "G1", Name: "Emoji 😀, controls \x01\x0b, bad \xff UTF-8"},
	{ID: "G4\t\n", ParentID: `G&3"'`, Name: "Tab\tnewline\ncarriage return\r."},
}

const (
	guidProduct = "0b7c9d3e-5a1f-11ee-8c99-0242ac120002"
	guidChar    = "f1e2d3c4-5a1f-11ee-8c99-0242ac120002"
)

var goldenOffers = []icml.Offer{
	{
		ID: guidProduct + "#" + guidChar, ProductID: guidProduct, XMLID: guidProduct + "#" + guidChar,
		Quantity: "1\u00a0234,500", Price: "1\u00a0234,50", PurchasePrice: "00990", CategoryIDs: []string{"G2", `G&3"'`},
		Name: `Кресло "Босс" & <Co> 'новое'`, ProductName: "Кресло «Босс»", URL: "https://shop.example/p?id=1&v=2",
		Pictures: []string{"https://shop.example/1.jpg", "https://shop.example/2.jpg?a=1&b=<2>"},
		Params: []icml.Param{
			{Name: "Артикул", Code: "article", Value: "A-1"},
			{Name: `Цвет "основной"`, Code: "color'", Value: "Чёрный\tматовый & <блестящий>"},
		},
		Vendor: "Фабрика «Уют»", Unit: &icml.Unit{Code: "pcs", Name: "Штука", Sym: "шт."}, VATRate: "20",
		Weight: "2,050", Dimensions: &icml.Dimensions{Length: "10", Width: "20,5", Height: "1\u202f030"},
		Barcodes: []string{"4600000000000", "4600000000017"}, Markable: true,
	},
	{ID: "SRV-1", ProductID: "SRV-1", Service: true, Inactive: true, CategoryIDs: []string{"G1"}, Name: "Доставка", VATRate: "none"},
	{
		ID: "id\twith\nwhite\rspace", ProductID: `p<&>"'`, Quantity: "-0", Price: "+5", CategoryIDs: []string{"G4\t\n"},
		Name: "ctrl \x01\x0b\x1f gone, bad \xff\xfe UTF-8, surrogate \xed\xa0\x80, \ufffe\uffff gone, " +
			"emoji 😀, U+FFFD \ufffd kept, CR\r\nLF, DEL \x7f, C1 \u0085, ]]> ok",
		Unit: &icml.Unit{Code: "kg"}, Params: []icml.Param{{Name: "x", Code: "c&d"}},
	},
}

// writeDoc writes a catalog and fails the test on any error.
func writeDoc(t testing.TB, shop icml.Shop, cats []icml.Category, offers []icml.Offer) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := icml.NewWriter(&buf, shop)
	for _, c := range cats {
		if err := w.Category(c); err != nil {
			t.Fatalf("Category(%q): %v", c.ID, err)
		}
	}
	for i := range offers {
		if err := w.Offer(&offers[i]); err != nil {
			t.Fatalf("Offer(%q): %v", offers[i].ID, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Categories() != len(cats) || w.Offers() != len(offers) {
		t.Fatalf("counts %d/%d, want %d/%d", w.Categories(), w.Offers(), len(cats), len(offers))
	}
	return buf.Bytes()
}

func TestWriterGolden(t *testing.T) {
	got := writeDoc(t, goldenShop, goldenCategories, goldenOffers)
	path := filepath.Join("testdata", "writer.golden.xml")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("output differs from %s (run go test -update if the change is meant):\n%s", path, got)
	}
	if again := writeDoc(t, goldenShop, goldenCategories, goldenOffers); !bytes.Equal(again, got) {
		t.Fatal("writing the same input twice gave different bytes")
	}
	mustValidate(t, got, len(goldenCategories), len(goldenOffers))
}

func TestWriterRoundTrip(t *testing.T) {
	doc := writeDoc(t, goldenShop, goldenCategories, goldenOffers)
	c := icmltest.Parse(t, doc)
	if c.Date != "2026-11-29 12:00:00" || c.Shop.Name != goldenShop.Name || c.Shop.Company != `ООО "Уют" 'Дом'` {
		t.Errorf("header: %q %q %q", c.Date, c.Shop.Name, c.Shop.Company)
	}
	var cats []icmltest.Category
	for _, gc := range goldenCategories {
		cats = append(cats, icmltest.Category{ID: clean(gc.ID), ParentID: clean(gc.ParentID), Name: clean(gc.Name)})
	}
	if !reflect.DeepEqual(c.Shop.Categories, cats) {
		t.Errorf("categories:\n got %q\nwant %q", c.Shop.Categories, cats)
	}
	if len(c.Shop.Offers) != len(goldenOffers) {
		t.Fatalf("%d offers decoded, want %d", len(c.Shop.Offers), len(goldenOffers))
	}
	for i := range goldenOffers {
		if want := expectOffer(t, &goldenOffers[i]); !reflect.DeepEqual(c.Shop.Offers[i], want) {
			t.Errorf("offer %d:\n got %+v\nwant %+v", i, c.Shop.Offers[i], want)
		}
	}
	// A few values spelled out, so that the expectations above do not share a mistake with clean.
	o := c.Shop.Offers
	checks := []struct{ got, want string }{
		{o[0].Name, `Кресло "Босс" & <Co> 'новое'`},
		{o[0].Quantity, "1234.500"},
		{o[0].Price, "1234.50"},
		{o[0].PurchasePrice, "990"},
		{o[0].Dimensions, "10/20.5/1030"},
		{o[0].Params[1].Value, "Чёрный\tматовый & <блестящий>"},
		{o[2].ID, "id\twith\nwhite\rspace"},
		{o[2].Quantity, "0"},
		{o[2].Name, "ctrl  gone, bad  UTF-8, surrogate ,  gone, emoji 😀, U+FFFD \ufffd kept, CR\r\nLF, DEL \x7f, C1 \u0085, ]]> ok"},
		{c.Shop.Categories[2].Name, "Emoji 😀, controls , bad  UTF-8"},
		{c.Shop.Categories[3].Name, "Tab\tnewline\ncarriage return\r."},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("got %q, want %q", ch.got, ch.want)
		}
	}
}

func TestWriterEmpty(t *testing.T) {
	doc := writeDoc(t, icml.Shop{Name: "S", Company: "C", Date: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}, nil, nil)
	want := `<?xml version="1.0" encoding="UTF-8"?>
<yml_catalog date="2026-01-02 03:04:05">
  <shop>
    <name>S</name>
    <company>C</company>
    <categories/>
    <offers/>
  </shop>
</yml_catalog>
`
	if string(doc) != want {
		t.Fatalf("got\n%s\nwant\n%s", doc, want)
	}
	mustValidate(t, doc, 0, 0)
	icmltest.Parse(t, doc)

	cats := writeDoc(t, goldenShop, goldenCategories[:1], nil)
	if !bytes.Contains(cats, []byte("    </categories>\n    <offers/>\n")) {
		t.Fatalf("categories without offers:\n%s", cats)
	}
	mustValidate(t, cats, 1, 0)
}

func TestWriterErrors(t *testing.T) {
	valid := func() icml.Offer {
		return icml.Offer{ID: "O1", ProductID: "P1", CategoryIDs: []string{"G1"}, Name: "Offer"}
	}
	tests := []struct {
		name   string
		modify func(o *icml.Offer)
		want   string
		number bool
	}{
		{"bad quantity", func(o *icml.Offer) { o.Quantity = "много" }, "quantity", true},
		{"bad price", func(o *icml.Offer) { o.Price = "1,2,3" }, "price", true},
		{"bad purchase price", func(o *icml.Offer) { o.PurchasePrice = "1e3" }, "purchasePrice", true},
		{"bad weight", func(o *icml.Offer) { o.Weight = "+-5" }, "weight", true},
		{"bad dimensions", func(o *icml.Offer) { o.Dimensions = &icml.Dimensions{Length: "1", Width: "x", Height: "3"} }, "dimensions", true},
		{"empty dimension", func(o *icml.Offer) { o.Dimensions = &icml.Dimensions{Length: "1", Width: "2"} }, "dimensions", true},
		{"empty id", func(o *icml.Offer) { o.ID = "" }, "id is empty", false},
		{"id of control characters", func(o *icml.Offer) { o.ID = "\x01\xff" }, "id is empty", false},
		{"empty productId", func(o *icml.Offer) { o.ProductID = "" }, "productId is empty", false},
		{"empty name", func(o *icml.Offer) { o.Name = "" }, "name is empty", false},
		{"name of invalid characters", func(o *icml.Offer) { o.Name = "\x0b\uffff" }, "name is empty", false},
		{"no categoryId", func(o *icml.Offer) { o.CategoryIDs = nil }, "no categoryId", false},
		{"undeclared categoryId", func(o *icml.Offer) { o.CategoryIDs = []string{"G1", "G9"} }, `categoryId "G9" is not declared`, false},
		{"param without name", func(o *icml.Offer) { o.Params = []icml.Param{{Value: "v"}} }, "param name is empty", false},
		{"unit without code", func(o *icml.Offer) { o.Unit = &icml.Unit{Name: "Штука"} }, "unit code is empty", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := icml.NewWriter(&buf, goldenShop)
			if err := w.Category(icml.Category{ID: "G1", Name: "Root"}); err != nil {
				t.Fatal(err)
			}
			bad := valid()
			tt.modify(&bad)
			err := w.Offer(&bad)
			if err == nil || !strings.Contains(err.Error(), tt.want) || errors.Is(err, icml.ErrNumber) != tt.number {
				t.Fatalf("Offer: %v; want an error about %q (wrapping ErrNumber: %v)", err, tt.want, tt.number)
			}
			// The rejected offer leaves no trace, not even the end of the categories.
			if err := w.Category(icml.Category{ID: "G2", Name: "Second"}); err != nil {
				t.Fatalf("Category after a rejected first offer: %v", err)
			}
			good := valid()
			if err := w.Offer(&good); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if w.Offers() != 1 || w.Categories() != 2 {
				t.Fatalf("counts %d/%d", w.Categories(), w.Offers())
			}
			want := writeDoc(t, goldenShop, []icml.Category{{ID: "G1", Name: "Root"}, {ID: "G2", Name: "Second"}}, []icml.Offer{valid()})
			if !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("output after a rejected offer:\n%s", buf.Bytes())
			}
		})
	}
}

func TestWriterSequenceErrors(t *testing.T) {
	var buf bytes.Buffer
	w := icml.NewWriter(&buf, goldenShop)
	catErrs := []struct {
		c    icml.Category
		want string
	}{
		{icml.Category{Name: "No id"}, "id is empty"},
		{icml.Category{ID: "\x01", Name: "Control id"}, "id is empty"},
		{icml.Category{ID: "G1"}, "name is empty"},
		{icml.Category{ID: "G1", Name: "\x02"}, "name is empty"},
	}
	for _, tt := range catErrs {
		if err := w.Category(tt.c); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Category(%+v): %v, want %q", tt.c, err, tt.want)
		}
	}
	if err := w.Category(icml.Category{ID: "G1", Name: "Root"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Category(icml.Category{ID: "G1", Name: "Again"}); err == nil || !strings.Contains(err.Error(), "duplicate category id") {
		t.Errorf("duplicate category: %v", err)
	}
	if err := w.Offer(nil); err == nil {
		t.Error("nil offer accepted")
	}
	if err := w.Offer(&icml.Offer{ID: "O1", ProductID: "P1", CategoryIDs: []string{"G1"}, Name: "Offer"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Category(icml.Category{ID: "G2", Name: "Late"}); err == nil || !strings.Contains(err.Error(), "after the first offer") {
		t.Errorf("category after an offer: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err == nil {
		t.Error("second Close gave no error")
	}
	if err := w.Offer(&icml.Offer{ID: "O2", ProductID: "P1", CategoryIDs: []string{"G1"}, Name: "Offer"}); err == nil {
		t.Error("Offer after Close gave no error")
	}
	mustValidate(t, buf.Bytes(), 1, 1)
}

// failingWriter accepts limit bytes, then fails.
type failingWriter struct{ limit int }

var errDisk = errors.New("disk full")

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		return 0, errDisk
	}
	f.limit -= len(p)
	return len(p), nil
}

func TestWriterSinkError(t *testing.T) {
	w := icml.NewWriter(&failingWriter{limit: 100 << 10}, goldenShop)
	if err := w.Category(icml.Category{ID: "G1", Name: "Root"}); err != nil {
		t.Fatal(err)
	}
	var err error
	o := icml.Offer{ProductID: "P", CategoryIDs: []string{"G1"}, Name: strings.Repeat("Кресло ", 20)}
	for i := 0; err == nil && i < 10000; i++ {
		o.ID = fmt.Sprint(i)
		err = w.Offer(&o)
	}
	if !errors.Is(err, errDisk) {
		t.Fatalf("Offer: %v, want %v", err, errDisk)
	}
	if err := w.Offer(&o); !errors.Is(err, errDisk) {
		t.Errorf("Offer after the error: %v", err)
	}
	if err := w.Close(); !errors.Is(err, errDisk) {
		t.Errorf("Close after the error: %v", err)
	}
}

// randomString draws a string from pieces that need every kind of treatment.
func randomString(r *rand.Rand) string {
	pieces := []string{
		"a", "Z", "0", " ", "Я", "ё", "€", "😀", "&", "<", ">", `"`, "'", ";", "&amp;", "]]>", "\t", "\n", "\r",
		"\x00", "\x01", "\x0b", "\x1f", "\x7f", "\u0085", "\xff", "\xc3", "\xed\xa0\x80", "\ufffe", "\uffff", "\ufffd",
		"\u00a0", "\U0010FFFF",
	}
	var b strings.Builder
	for range r.IntN(12) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// randomNumber draws a number as 1C may write it.
func randomNumber(r *rand.Rand) string {
	forms := []string{"", "0", "1\u00a0234,50", "-7", "+3.25", "00,5", " 12 ", "990.00", "1\u202f000"}
	return forms[r.IntN(len(forms))]
}

func TestWriterRandomDocuments(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for doc := range 30 {
		var cats []icml.Category
		for i := range r.IntN(5) + 1 {
			cats = append(cats, icml.Category{ID: fmt.Sprintf("G%d%s", i, randomString(r)), ParentID: randomString(r), Name: "N" + randomString(r)})
		}
		var offers []icml.Offer
		for i := range r.IntN(20) {
			o := icml.Offer{
				ID: fmt.Sprintf("O%d#%s", i, randomString(r)), ProductID: "P" + randomString(r), XMLID: randomString(r),
				Service: r.IntN(2) == 0, Quantity: randomNumber(r), Price: randomNumber(r), PurchasePrice: randomNumber(r),
				Name: "N" + randomString(r), ProductName: randomString(r), URL: randomString(r), Vendor: randomString(r),
				VATRate: randomString(r), Weight: randomNumber(r), Inactive: r.IntN(2) == 0, Markable: r.IntN(2) == 0,
			}
			for range r.IntN(3) + 1 {
				o.CategoryIDs = append(o.CategoryIDs, cats[r.IntN(len(cats))].ID)
			}
			for range r.IntN(3) {
				o.Pictures = append(o.Pictures, randomString(r))
				o.Barcodes = append(o.Barcodes, randomString(r))
				o.Params = append(o.Params, icml.Param{Name: "p" + randomString(r), Code: randomString(r), Value: randomString(r)})
			}
			if r.IntN(2) == 0 {
				o.Unit = &icml.Unit{Code: "u" + randomString(r), Name: randomString(r), Sym: randomString(r)}
				o.Dimensions = &icml.Dimensions{Length: "1", Width: "2,5", Height: "3\u00a0000"}
			}
			offers = append(offers, o)
		}
		got := writeDoc(t, goldenShop, cats, offers)
		mustValidate(t, got, len(cats), len(offers))
		c := icmltest.Parse(t, got)
		for i := range offers {
			if want := expectOffer(t, &offers[i]); !reflect.DeepEqual(c.Shop.Offers[i], want) {
				t.Fatalf("document %d, offer %d:\n got %+v\nwant %+v", doc, i, c.Shop.Offers[i], want)
			}
		}
	}
}
