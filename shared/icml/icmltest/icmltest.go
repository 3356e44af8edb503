// Package icmltest reads an ICML document with encoding/xml, a parser independent of the bridge's
// own validator, so that tests check what a file says as a standard XML reader sees it.
package icmltest

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// The structs encoding/xml decodes an ICML document into.
type (
	Catalog struct {
		XMLName xml.Name `xml:"yml_catalog"`
		Date    string   `xml:"date,attr"`
		Shop    Shop     `xml:"shop"`
	}
	Shop struct {
		Name       string     `xml:"name"`
		Company    string     `xml:"company"`
		Categories []Category `xml:"categories>category"`
		Offers     []Offer    `xml:"offers>offer"`
	}
	Category struct {
		ID       string `xml:"id,attr"`
		ParentID string `xml:"parentId,attr"`
		Name     string `xml:",chardata"`
	}
	Offer struct {
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
		Params          []Param  `xml:"param"`
		Vendor          string   `xml:"vendor"`
		Unit            *Unit    `xml:"unit"`
		VATRate         string   `xml:"vatRate"`
		Weight          string   `xml:"weight"`
		Dimensions      string   `xml:"dimensions"`
		Barcodes        []string `xml:"barcode"`
		ProductActivity string   `xml:"productActivity"`
		Markable        string   `xml:"markable"`
	}
	Param struct {
		Name  string `xml:"name,attr"`
		Code  string `xml:"code,attr"`
		Value string `xml:",chardata"`
	}
	Unit struct {
		Code string `xml:"code,attr"`
		Name string `xml:"name,attr"`
		Sym  string `xml:"sym,attr"`
	}
)

// Parse decodes doc with encoding/xml in strict mode and fails tb when it cannot.
func Parse(tb testing.TB, doc []byte) Catalog {
	tb.Helper()
	var c Catalog
	if err := xml.NewDecoder(bytes.NewReader(doc)).Decode(&c); err != nil {
		tb.Fatalf("encoding/xml: %v\n%s", err, doc)
	}
	return c
}
