package icml_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"unfbridge/shared/icml"
	"unfbridge/shared/icml/icmltest"
)

// FuzzWriterValid writes arbitrary strings into every field of an offer: the Writer either
// refuses the offer for a reason the test predicts or writes a document that the Validator and
// encoding/xml accept and that decodes to the cleaned input.
func FuzzWriterValid(f *testing.F) {
	f.Add("O1", "P1", "G1", "Offer", "param", "1 234,50")
	f.Add("id\t\n\r", `p<&>"'`, `G&3"'`, "ctrl\x01\x0b\xff", "]]>&amp;", "-0")
	f.Add("\xed\xa0\x80x", "😀", "\ufffe", "CR\r\nLF", "\u00a0", "+-5")
	f.Add("", "P", "G", "N", "", "")
	f.Fuzz(func(t *testing.T, id, productID, catID, name, text, num string) {
		var buf bytes.Buffer
		w := icml.NewWriter(&buf, icml.Shop{Name: text, Company: name, Date: goldenShop.Date})
		err := w.Category(icml.Category{ID: catID, ParentID: text, Name: name})
		if wantErr := clean(catID) == "" || clean(name) == ""; (err != nil) != wantErr {
			t.Fatalf("Category: %v", err)
		}
		if err != nil {
			return
		}
		o := icml.Offer{
			ID: id, ProductID: productID, XMLID: text, Quantity: num, Price: num, PurchasePrice: num,
			CategoryIDs: []string{catID, catID}, Name: name, ProductName: text, URL: text, Pictures: []string{text},
			Params: []icml.Param{{Name: name, Code: text, Value: text}}, Vendor: text,
			Unit: &icml.Unit{Code: catID, Name: text, Sym: text}, VATRate: text, Weight: num,
			Dimensions: &icml.Dimensions{Length: num, Width: num, Height: num}, Barcodes: []string{text, name},
		}
		_, numErr := icml.Number(num)
		err = w.Offer(&o)
		if wantErr := clean(id) == "" || clean(productID) == "" || numErr != nil; (err != nil) != wantErr {
			t.Fatalf("Offer: %v", err)
		}
		written := 1
		if err != nil {
			written = 0
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		doc := buf.Bytes()
		mustValidate(t, doc, 1, written)
		c := icmltest.Parse(t, doc)
		if c.Shop.Name != clean(text) || c.Shop.Categories[0].Name != clean(name) || c.Shop.Categories[0].ID != clean(catID) {
			t.Fatalf("header or category: %+v", c.Shop)
		}
		if written == 1 {
			if want := expectOffer(t, &o); !reflect.DeepEqual(c.Shop.Offers[0], want) {
				t.Fatalf("offer:\n got %+v\nwant %+v", c.Shop.Offers[0], want)
			}
		}
	})
}

// FuzzValidator feeds arbitrary bytes: the verdict does not depend on how the bytes are split
// across writes, and what the Validator accepts encoding/xml parses.
func FuzzValidator(f *testing.F) {
	f.Add([]byte(validDoc))
	golden, err := os.ReadFile(filepath.Join("testdata", "writer.golden.xml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add([]byte(`<?xml version="1.0"?><yml_catalog date="2026-01-01 00:00:00"><shop><name/><company/><categories/><offers/></shop></yml_catalog>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		_, whole := validate(doc, 0)
		for _, chunk := range []int{1, 3, 7} {
			if _, err := validate(doc, chunk); errString(err) != errString(whole) {
				t.Fatalf("chunk %d: %v; in one write: %v", chunk, err, whole)
			}
		}
		if whole != nil {
			return
		}
		d := xml.NewDecoder(bytes.NewReader(doc))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("the Validator accepts what encoding/xml refuses: %v\n%q", err, doc)
			}
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
