package icml_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"

	"unfbridge/shared/icml"
)

// benchSizes are the numbers of offers of the benchmark catalogs.
var benchSizes = []struct {
	name   string
	offers int
}{{"offers=10k", 10_000}, {"offers=100k", 100_000}, {"offers=1M", 1_000_000}}

// benchPoolSize is the number of distinct offers the benchmarks cycle through; it divides every
// benchmark size.
const benchPoolSize = 1000

// benchCatalog is a realistic catalog: 50 categories and benchPoolSize offers with Cyrillic
// names of about 40 characters, "product GUID#characteristic GUID" ids, two params, a price,
// a quantity, a unit and a barcode. The last group of each characteristic GUID starts with
// four zeros, which the validator benchmark overwrites to make ids unique across rounds.
func benchCatalog() ([]icml.Category, []icml.Offer) {
	r := rand.New(rand.NewPCG(7, 11))
	guid := func() string {
		return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", r.Uint32(), r.Uint32N(1<<16), r.Uint32N(1<<16), r.Uint32N(1<<16), r.Uint64N(1<<48))
	}
	cats := make([]icml.Category, 50)
	for i := range cats {
		cats[i] = icml.Category{ID: fmt.Sprintf("G%d", i), Name: fmt.Sprintf("Группа товаров %d", i)}
		if i > 0 {
			cats[i].ParentID = "G0"
		}
	}
	words := []string{"Кресло", "офисное", "Стол", "письменный", "чёрный", "дуб", "с подлокотниками", "Шкаф", "купе", "белый", "Диван", "угловой", "серый", "велюр", "Комод", "орех"}
	units := []icml.Unit{{Code: "pcs", Name: "Штука", Sym: "шт."}, {Code: "kg", Name: "Килограмм", Sym: "кг"}}
	offers := make([]icml.Offer, benchPoolSize)
	for i := range offers {
		var name strings.Builder
		for name.Len() < 70 {
			if name.Len() > 0 {
				name.WriteByte(' ')
			}
			name.WriteString(words[r.IntN(len(words))])
		}
		product, char := guid(), guid()
		id := product + "#" + char[:24] + fmt.Sprintf("0000%08x", i)
		offers[i] = icml.Offer{
			ID: id, ProductID: product, XMLID: id,
			Quantity: fmt.Sprint(r.IntN(500)), Price: fmt.Sprintf("%d.%02d", 100+r.IntN(100000), r.IntN(100)),
			CategoryIDs: []string{cats[1+r.IntN(len(cats)-1)].ID},
			Name:        name.String(), ProductName: name.String(),
			Params: []icml.Param{
				{Name: "Артикул", Code: "article", Value: fmt.Sprintf("A-%05d", i)},
				{Name: "Цвет", Code: "color", Value: words[r.IntN(len(words))]},
			},
			Unit: &units[i%len(units)], VATRate: "20", Barcodes: []string{fmt.Sprintf("46%011d", r.Int64N(1e11))},
		}
	}
	return cats, offers
}

// heapPeak samples the bytes of heap objects, live or not yet swept.
type heapPeak struct {
	sample []metrics.Sample
	peak   uint64
}

func newHeapPeak() *heapPeak {
	runtime.GC()
	return &heapPeak{sample: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
}

func (h *heapPeak) read() {
	metrics.Read(h.sample)
	h.peak = max(h.peak, h.sample[0].Value.Uint64())
}

func (h *heapPeak) report(b *testing.B) {
	b.ReportMetric(float64(h.peak)/(1<<20), "peak-heap-MiB")
}

// counter is io.Discard that counts bytes.
type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// reportRates reports offers/s and MB/s for the whole benchmark, in which offers were written
// b.N times, bytes in all.
func reportRates(b *testing.B, offers int, bytes int64) {
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(offers)*float64(b.N)/s, "offers/s")
	b.ReportMetric(float64(bytes)/1e6/s, "MB/s")
	b.ReportMetric(float64(bytes)/float64(offers)/float64(b.N), "B/offer")
}

func BenchmarkWriter(b *testing.B) {
	cats, pool := benchCatalog()
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			out := &counter{}
			heap := newHeapPeak()
			b.ReportAllocs()
			for b.Loop() {
				w := icml.NewWriter(out, goldenShop)
				for _, c := range cats {
					if err := w.Category(c); err != nil {
						b.Fatal(err)
					}
				}
				for i := range size.offers {
					if err := w.Offer(&pool[i%len(pool)]); err != nil {
						b.Fatal(err)
					}
					if i%(64<<10) == 0 {
						heap.read()
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
				heap.read()
			}
			reportRates(b, size.offers, out.n)
			heap.report(b)
		})
	}
}

// benchDocument is a catalog written by the Writer, cut into the part before the offers, the
// offers of the pool and the part after them, with the offsets of the four zeros in every
// offer id (in the id attribute and in xmlId).
type benchDocument struct {
	head, offers, tail []byte
	idMarks            []int
}

func newBenchDocument(b *testing.B) benchDocument {
	cats, pool := benchCatalog()
	var buf bytes.Buffer
	w := icml.NewWriter(&buf, goldenShop)
	for _, c := range cats {
		if err := w.Category(c); err != nil {
			b.Fatal(err)
		}
	}
	for i := range pool {
		if err := w.Offer(&pool[i]); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	doc := buf.Bytes()
	start := bytes.Index(doc, []byte("    <offers>\n")) + len("    <offers>\n")
	end := bytes.Index(doc, []byte("    </offers>\n"))
	d := benchDocument{head: doc[:start], offers: doc[start:end], tail: doc[end:]}
	from := 0
	for i := range pool {
		for range 2 {
			at := bytes.Index(d.offers[from:], []byte(pool[i].ID))
			if at < 0 {
				b.Fatalf("id of offer %d not found", i)
			}
			from += at + len(pool[i].ID)
			d.idMarks = append(d.idMarks, from-12)
		}
	}
	return d
}

// writeTo streams a document of n offers to w in writes of 64 KiB, the offers of the pool
// repeated with the id marks set to the round number.
func (d benchDocument) writeTo(w io.Writer, n int) error {
	const chunk = 64 << 10
	write := func(p []byte) error {
		for len(p) > 0 {
			k := min(chunk, len(p))
			if _, err := w.Write(p[:k]); err != nil {
				return err
			}
			p = p[k:]
		}
		return nil
	}
	if err := write(d.head); err != nil {
		return err
	}
	const hex = "0123456789abcdef"
	for round := range n / benchPoolSize {
		for _, at := range d.idMarks {
			for j := range 4 {
				d.offers[at+j] = hex[round>>(12-4*j)&15]
			}
		}
		if err := write(d.offers); err != nil {
			return err
		}
	}
	return write(d.tail)
}

func BenchmarkValidator(b *testing.B) {
	doc := newBenchDocument(b)
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			var bytes int64
			heap := newHeapPeak()
			b.ReportAllocs()
			for b.Loop() {
				v := icml.NewValidator(size.offers)
				if err := doc.writeTo(v, size.offers); err != nil {
					b.Fatal(err)
				}
				heap.read()
				st, err := v.Close()
				if err != nil || st.Offers != size.offers {
					b.Fatalf("%+v, %v", st, err)
				}
				bytes += st.Bytes
			}
			reportRates(b, size.offers, bytes)
			heap.report(b)
		})
	}
}
