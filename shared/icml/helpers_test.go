package icml_test

import (
	"testing"
	"unicode/utf8"

	"unfbridge/shared/icml"
	"unfbridge/shared/icml/icmltest"
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
func expectOffer(t testing.TB, o *icml.Offer) icmltest.Offer {
	t.Helper()
	x := icmltest.Offer{
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
		x.Params = append(x.Params, icmltest.Param{Name: clean(p.Name), Code: clean(p.Code), Value: clean(p.Value)})
	}
	if u := o.Unit; u != nil {
		x.Unit = &icmltest.Unit{Code: clean(u.Code), Name: clean(u.Name), Sym: clean(u.Sym)}
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
