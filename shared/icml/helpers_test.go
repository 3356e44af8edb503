package icml_test

import (
	"bytes"
	"encoding/xml"
	"testing"
	"unicode/utf8"

	"unfbridge/shared/icml"
)

// The structs encoding/xml decodes an ICML document into, to check what the Writer wrote with
// a parser of its own.
type (
	xCatalog struct {
		XMLName xml.Name `xml:"yml_catalog"`
		Date    string   `xml:"date,attr"`
		Shop    xShop    `xml:"shop"`
	}
	xShop struct {
		Name       string      `xml:"name"`
		Company    string      `xml:"company"`
		Categories []xCategory `xml:"categories>category"`
		Offers     []xOffer    `xml:"offers>offer"`
	}
	xCategory struct {
		ID       string `xml:"id,attr"`
		ParentID string `xml:"parentId,attr"`
		Name     string `xml:",chardata"`
	}
	xOffer struct {
		ID              string   `xml:"id,attr"`
		ProductID       string   `xml:"productId,attr"`
		Quantity        string   `xml:"quantity,attr"`
		Type            string   `xml:"type,attr"`
		Price           string   `xml:"price"`
		PurchasePrice   string   `xml:"purchasePrice"`
		CategoryIDs     []string `xml:"categoryId"`
		Name            string   `xml:"name"`
		ProductName     string   `xml:"productName"`
		XMLID           string   `xml:"xmlId"`
		URL             string   `xml:"url"`
		Pictures        []string `xml:"picture"`
		Params          []xParam `xml:"param"`
		Vendor          string   `xml:"vendor"`
		Unit            *xUnit   `xml:"unit"`
		VATRate         string   `xml:"vatRate"`
		Weight          string   `xml:"weight"`
		Dimensions      string   `xml:"dimensions"`
		Barcodes        []string `xml:"barcode"`
		ProductActivity string   `xml:"productActivity"`
		Markable        string   `xml:"markable"`
	}
	xParam struct {
		Name  string `xml:"name,attr"`
		Code  string `xml:"code,attr"`
		Value string `xml:",chardata"`
	}
	xUnit struct {
		Code string `xml:"code,attr"`
		Name string `xml:"name,attr"`
		Sym  string `xml:"sym,attr"`
	}
)

// clean is what the Writer keeps of s: the characters XML 1.0 allows. It is written apart
// from the package's own code on purpose.
func clean(s string) string {
	var b []byte
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		ok := !(r == utf8.RuneError && n == 1) &&
			(r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF ||
				r >= 0xE000 && r <= 0xFFFD || r >= 0x10000)
		if ok {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return string(b)
}

func cleanAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		out = append(out, clean(s))
	}
	return out
}

// number is Number(s) for a value known to be a number, "" for "".
func number(t testing.TB, s string) string {
	t.Helper()
	if s == "" {
		return ""
	}
	n, err := icml.Number(s)
	if err != nil {
		t.Fatalf("Number(%q): %v", s, err)
	}
	return n
}

// expectOffer is what encoding/xml should decode from the offer o once written.
func expectOffer(t testing.TB, o *icml.Offer) xOffer {
	t.Helper()
	x := xOffer{
		ID: clean(o.ID), ProductID: clean(o.ProductID), Quantity: number(t, o.Quantity), Type: "product",
		Price: number(t, o.Price), PurchasePrice: number(t, o.PurchasePrice), CategoryIDs: cleanAll(o.CategoryIDs),
		Name: clean(o.Name), ProductName: clean(o.ProductName), XMLID: clean(o.XMLID), URL: clean(o.URL),
		Pictures: cleanAll(o.Pictures), Vendor: clean(o.Vendor), VATRate: clean(o.VATRate),
		Weight: number(t, o.Weight), Barcodes: cleanAll(o.Barcodes), ProductActivity: "Y",
	}
	if o.Service {
		x.Type = "service"
	}
	for _, p := range o.Params {
		x.Params = append(x.Params, xParam{clean(p.Name), clean(p.Code), clean(p.Value)})
	}
	if u := o.Unit; u != nil {
		x.Unit = &xUnit{clean(u.Code), clean(u.Name), clean(u.Sym)}
	}
	if d := o.Dimensions; d != nil {
		x.Dimensions = number(t, d.Length) + "/" + number(t, d.Width) + "/" + number(t, d.Height)
	}
	if o.Inactive {
		x.ProductActivity = "N"
	}
	if o.Markable {
		x.Markable = "Y"
	}
	return x
}

// decode parses doc with encoding/xml in strict mode.
func decode(t testing.TB, doc []byte) xCatalog {
	t.Helper()
	var c xCatalog
	d := xml.NewDecoder(bytes.NewReader(doc))
	if err := d.Decode(&c); err != nil {
		t.Fatalf("encoding/xml: %v\n%s", err, doc)
	}
	return c
}

// validate streams doc through a Validator in writes of chunk bytes (all at once if chunk is 0).
func validate(doc []byte, chunk int) (icml.Stats, error) {
	v := icml.NewValidator(4)
	if chunk <= 0 {
		chunk = len(doc) + 1
	}
	for p := doc; len(p) > 0; {
		n := min(chunk, len(p))
		if _, err := v.Write(p[:n]); err != nil {
			break
		}
		p = p[n:]
	}
	return v.Close()
}

// chunkSizes are the write sizes documents are validated in, to cross every token boundary.
var chunkSizes = []int{1, 7, 4096, 0}

// mustValidate checks that doc passes the Validator in every chunk size with the given counts.
func mustValidate(t testing.TB, doc []byte, categories, offers int) {
	t.Helper()
	for _, chunk := range chunkSizes {
		st, err := validate(doc, chunk)
		if err != nil {
			t.Fatalf("chunk %d: %v\n%s", chunk, err, doc)
		}
		want := icml.Stats{Categories: categories, Offers: offers, Bytes: int64(len(doc))}
		if st != want {
			t.Fatalf("chunk %d: stats %+v, want %+v", chunk, st, want)
		}
	}
}
