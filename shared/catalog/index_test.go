package catalog_test

import (
	"bytes"
	"maps"
	"testing"

	"unfbridge/shared/catalog"
)

// TestIndexRoundTrip: what the builder writes is what the upload reads; a damaged index is an
// error, never a partial map.
func TestIndexRoundTrip(t *testing.T) {
	want := map[catalog.OfferRef]catalog.IndexEntry{
		{Product: "p1"}:                       {Key: "00-0001"},
		{Product: "p2", Characteristic: "c1"}: {Key: "p2#c1"},
		{Product: "p3"}:                       {Key: "Доставка\t\"курьером\"\n", Service: true},
	}
	var buf bytes.Buffer
	w := catalog.NewIndexWriter(&buf)
	for ref, e := range want {
		if err := w.Add(ref, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := catalog.ReadIndex(bytes.NewReader(buf.Bytes()))
	if err != nil || !maps.Equal(got, want) {
		t.Fatalf("read %v, %v; want %v", got, err, want)
	}
	for _, n := range []int{0, 3, buf.Len() - 1} {
		if got, err := catalog.ReadIndex(bytes.NewReader(buf.Bytes()[:n])); err == nil {
			t.Errorf("an index cut at %d bytes read as %v", n, got)
		}
	}
	empty := bytes.Buffer{}
	if err := catalog.NewIndexWriter(&empty).Close(); err != nil {
		t.Fatal(err)
	}
	if got, err := catalog.ReadIndex(&empty); err != nil || len(got) != 0 {
		t.Errorf("empty index: %v %v", got, err)
	}
}
