package staging

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"unfbridge/shared/onec"
)

// The staged form of a catalog page:
//
//	magic "unfcatpg", uvarint version (1)
//	uvarint length, groups block: uvarint count, then per group: ref, name, parent
//	uvarint product count
//	per product: uvarint length, product record
//
// A product record is: a flags byte (service, deleted, markable, has unit, has dimensions); ref,
// code, article, name, group, vatRate, weight, vendor, url, quantity; unit code, name, sym (when
// it has a unit); dimensions length, width, height (when it has dimensions); pictures; barcodes;
// params; prices; characteristics, each: a flags byte (deleted), ref, name, article, quantity,
// barcodes, params, prices. A list is its uvarint count, then its items; a param is name, code,
// value; a price is priceKind, price; a string is its uvarint length in bytes, then the bytes.
//
// Framing every product lets the reader turn a product's bytes into one string and slice all the
// product's strings from it: one allocation per product.
const (
	catalogMagic   = "unfcatpg"
	catalogVersion = 1
	// maxRecord bounds a groups block or product record, in bytes; it is above the size of any
	// event the gateway accepts, whose staged form is smaller than its JSON.
	maxRecord = 16 << 20
)

// Flags of a product and of a characteristic.
const (
	flagService = 1 << iota
	flagDeleted
	flagMarkable
	flagUnit
	flagDimensions
)

// ErrCorrupt is wrapped by the errors of reading a staged page that is not one (truncated,
// damaged or of an unknown version).
var ErrCorrupt = errors.New("staging: corrupt staged page")

// EncodeCatalogPage writes the staged form of a catalog page. Lists longer than the contract
// allows (see onec.CatalogPage.Validate) are refused. The form does not tell a nil list from an
// empty one: both are read back as nil.
func EncodeCatalogPage(w io.Writer, p *onec.CatalogPage) error {
	if err := checkLen("groups", len(p.Groups), onec.MaxGroupsPerPage); err != nil {
		return err
	}
	if err := checkLen("products", len(p.Products), onec.MaxProductsPerPage); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	var e encoder
	e.b = append(e.b, catalogMagic...)
	e.b = binary.AppendUvarint(e.b, catalogVersion)
	if _, err := bw.Write(e.b); err != nil {
		return err
	}
	e.b = binary.AppendUvarint(e.b[:0], uint64(len(p.Groups)))
	for _, g := range p.Groups {
		e.str(g.Ref)
		e.str(g.Name)
		e.str(g.Parent)
	}
	if err := e.frame(bw); err != nil {
		return err
	}
	if err := writeUvarint(bw, uint64(len(p.Products))); err != nil {
		return err
	}
	for i := range p.Products {
		e.b = e.b[:0]
		if err := e.product(&p.Products[i]); err != nil {
			return fmt.Errorf("staging: products[%d]: %w", i, err)
		}
		if err := e.frame(bw); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func checkLen(list string, n, maxLen int) error {
	if n > maxLen {
		return fmt.Errorf("staging: %s has %d items, at most %d can be staged", list, n, maxLen)
	}
	return nil
}

// encoder builds one record.
type encoder struct{ b []byte }

func (e *encoder) str(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

// frame writes the record with its length.
func (e *encoder) frame(w *bufio.Writer) error {
	if len(e.b) > maxRecord {
		return fmt.Errorf("staging: a record of %d bytes is over the %d-byte limit", len(e.b), maxRecord)
	}
	if err := writeUvarint(w, uint64(len(e.b))); err != nil {
		return err
	}
	_, err := w.Write(e.b)
	return err
}

func writeUvarint(w *bufio.Writer, x uint64) error {
	var b [binary.MaxVarintLen64]byte
	_, err := w.Write(b[:binary.PutUvarint(b[:], x)])
	return err
}

func (e *encoder) product(p *onec.Product) error {
	flags := byte(0)
	for _, f := range []struct {
		on   bool
		flag byte
	}{{p.Service, flagService}, {p.Deleted, flagDeleted}, {p.Markable, flagMarkable}, {p.Unit != nil, flagUnit}, {p.Dimensions != nil, flagDimensions}} {
		if f.on {
			flags |= f.flag
		}
	}
	e.b = append(e.b, flags)
	for _, s := range [...]string{p.Ref, p.Code, p.Article, p.Name, p.Group, p.VATRate, p.Weight, p.Vendor, p.URL, p.Quantity} {
		e.str(s)
	}
	if u := p.Unit; u != nil {
		e.str(u.Code)
		e.str(u.Name)
		e.str(u.Sym)
	}
	if d := p.Dimensions; d != nil {
		e.str(d.Length)
		e.str(d.Width)
		e.str(d.Height)
	}
	if err := e.strs("pictures", p.Pictures); err != nil {
		return err
	}
	if err := e.lists(p.Barcodes, p.Params, p.Prices); err != nil {
		return err
	}
	if err := checkLen("characteristics", len(p.Characteristics), onec.MaxCharacteristics); err != nil {
		return err
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(p.Characteristics)))
	for i := range p.Characteristics {
		c := &p.Characteristics[i]
		flags := byte(0)
		if c.Deleted {
			flags = flagDeleted
		}
		e.b = append(e.b, flags)
		for _, s := range [...]string{c.Ref, c.Name, c.Article, c.Quantity} {
			e.str(s)
		}
		if err := e.lists(c.Barcodes, c.Params, c.Prices); err != nil {
			return fmt.Errorf("characteristics[%d]: %w", i, err)
		}
	}
	return nil
}

// lists writes the barcodes, params and prices of a product or characteristic.
func (e *encoder) lists(barcodes []string, params []onec.Param, prices []onec.Price) error {
	if err := e.strs("barcodes", barcodes); err != nil {
		return err
	}
	if err := checkLen("params", len(params), onec.MaxProductList); err != nil {
		return err
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(params)))
	for _, p := range params {
		e.str(p.Name)
		e.str(p.Code)
		e.str(p.Value)
	}
	if err := checkLen("prices", len(prices), onec.MaxProductList); err != nil {
		return err
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(prices)))
	for _, p := range prices {
		e.str(p.PriceKind)
		e.str(p.Price)
	}
	return nil
}

func (e *encoder) strs(list string, ss []string) error {
	if err := checkLen(list, len(ss), onec.MaxProductList); err != nil {
		return err
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
	return nil
}

// CatalogReader reads a staged catalog page: its groups at once, its products one by one.
type CatalogReader struct {
	r        *bufio.Reader
	groups   []onec.CatalogGroup
	products int
	read     int
	// buf holds the bytes of the product being read.
	buf []byte
	// p, unit and dims are the product returned by Next; strs, params, prices and chars hold its
	// lists, reused from one product to the next.
	p      onec.Product
	unit   onec.Unit
	dims   onec.Dimensions
	strs   []string
	params []onec.Param
	prices []onec.Price
	chars  []onec.Characteristic
}

// NewCatalogReader reads the header and the groups of a staged catalog page from r.
func NewCatalogReader(r io.Reader) (*CatalogReader, error) {
	c := &CatalogReader{r: bufio.NewReaderSize(r, 64<<10)}
	magic := make([]byte, len(catalogMagic))
	if _, err := io.ReadFull(c.r, magic); err != nil {
		return nil, corrupt("header", err)
	}
	if string(magic) != catalogMagic {
		return nil, fmt.Errorf("%w: not a staged catalog page", ErrCorrupt)
	}
	version, err := binary.ReadUvarint(c.r)
	if err != nil {
		return nil, corrupt("header", err)
	}
	if version != catalogVersion {
		return nil, fmt.Errorf("%w: version %d, this bridge reads version %d", ErrCorrupt, version, catalogVersion)
	}
	d, err := c.record("groups")
	if err != nil {
		return nil, err
	}
	n := d.count(onec.MaxGroupsPerPage)
	if n > 0 {
		c.groups = make([]onec.CatalogGroup, n)
	}
	for i := range c.groups {
		c.groups[i] = onec.CatalogGroup{Ref: d.str(), Name: d.str(), Parent: d.str()}
	}
	if err := d.done("groups"); err != nil {
		return nil, err
	}
	products, err := binary.ReadUvarint(c.r)
	if err != nil {
		return nil, corrupt("product count", err)
	}
	if products > onec.MaxProductsPerPage {
		return nil, fmt.Errorf("%w: %d products", ErrCorrupt, products)
	}
	c.products = int(products)
	return c, nil
}

// Groups returns the groups of the page; nil when it has none.
func (c *CatalogReader) Groups() []onec.CatalogGroup { return c.groups }

// Products returns the number of products of the page.
func (c *CatalogReader) Products() int { return c.products }

// Next returns the next product of the page, or io.EOF after the last. The product, its
// characteristics and its lists are reused by the next call: copy what must outlive it. Its
// strings may be kept; they share one allocation per product, kept alive as long as any of them
// is. Lists without items are nil.
func (c *CatalogReader) Next() (*onec.Product, error) {
	if c.read == c.products {
		if _, err := c.r.Peek(1); !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: data after the last product", ErrCorrupt)
		}
		return nil, io.EOF
	}
	d, err := c.record("product")
	if err != nil {
		return nil, err
	}
	c.strs, c.params, c.prices = c.strs[:0], c.params[:0], c.prices[:0]
	c.product(&d)
	if err := d.done("product"); err != nil {
		return nil, err
	}
	c.read++
	return &c.p, nil
}

// record reads one framed record and returns a decoder of its bytes, as one string.
func (c *CatalogReader) record(what string) (decoder, error) {
	n, err := binary.ReadUvarint(c.r)
	if err != nil {
		return decoder{}, corrupt(what, err)
	}
	if n > maxRecord {
		return decoder{}, fmt.Errorf("%w: %s of %d bytes", ErrCorrupt, what, n)
	}
	if cap(c.buf) < int(n) {
		c.buf = make([]byte, n)
	}
	if _, err := io.ReadFull(c.r, c.buf[:n]); err != nil {
		return decoder{}, corrupt(what, err)
	}
	return decoder{s: string(c.buf[:n])}, nil
}

func (c *CatalogReader) product(d *decoder) {
	flags := d.byte()
	p := &c.p
	*p = onec.Product{Ref: d.str(), Code: d.str(), Article: d.str(), Name: d.str(), Group: d.str(),
		VATRate: d.str(), Weight: d.str(), Vendor: d.str(), URL: d.str(), Quantity: d.str(),
		Service: flags&flagService != 0, Deleted: flags&flagDeleted != 0, Markable: flags&flagMarkable != 0}
	if flags&flagUnit != 0 {
		c.unit = onec.Unit{Code: d.str(), Name: d.str(), Sym: d.str()}
		p.Unit = &c.unit
	}
	if flags&flagDimensions != 0 {
		c.dims = onec.Dimensions{Length: d.str(), Width: d.str(), Height: d.str()}
		p.Dimensions = &c.dims
	}
	p.Pictures = c.readStrs(d)
	p.Barcodes, p.Params, p.Prices = c.lists(d)
	n := d.count(onec.MaxCharacteristics)
	if n == 0 {
		return
	}
	if cap(c.chars) < n {
		c.chars = make([]onec.Characteristic, n)
	}
	p.Characteristics = c.chars[:n:n]
	for i := range p.Characteristics {
		deleted := d.byte()&flagDeleted != 0
		ch := onec.Characteristic{Ref: d.str(), Name: d.str(), Article: d.str(), Quantity: d.str(), Deleted: deleted}
		ch.Barcodes, ch.Params, ch.Prices = c.lists(d)
		p.Characteristics[i] = ch
	}
}

// lists reads the barcodes, params and prices of a product or characteristic.
func (c *CatalogReader) lists(d *decoder) ([]string, []onec.Param, []onec.Price) {
	barcodes := c.readStrs(d)
	n := d.count(onec.MaxProductList)
	start := len(c.params)
	for range n {
		c.params = append(c.params, onec.Param{Name: d.str(), Code: d.str(), Value: d.str()})
	}
	params := tail(c.params, start)
	n = d.count(onec.MaxProductList)
	start = len(c.prices)
	for range n {
		c.prices = append(c.prices, onec.Price{PriceKind: d.str(), Price: d.str()})
	}
	return barcodes, params, tail(c.prices, start)
}

func (c *CatalogReader) readStrs(d *decoder) []string {
	n := d.count(onec.MaxProductList)
	start := len(c.strs)
	for range n {
		c.strs = append(c.strs, d.str())
	}
	return tail(c.strs, start)
}

// tail returns the items of an arena appended from start on, capped so that appending to them
// never overwrites the arena; nil when there are none.
func tail[T any](arena []T, start int) []T {
	if len(arena) == start {
		return nil
	}
	return arena[start:len(arena):len(arena)]
}

// corrupt wraps an error of reading a staged page: an early end is a truncated page.
func corrupt(what string, err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: %s: %w", ErrCorrupt, what, err)
}

// decoder reads the items of one record. After its first error every read returns a zero value,
// and done reports the error.
type decoder struct {
	s   string
	i   int
	bad bool
}

func (d *decoder) fail() {
	d.bad = true
	d.i = len(d.s)
}

func (d *decoder) byte() byte {
	if d.i >= len(d.s) {
		d.fail()
		return 0
	}
	b := d.s[d.i]
	d.i++
	return b
}

func (d *decoder) uvarint() uint64 {
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if d.i >= len(d.s) {
			break
		}
		b := d.s[d.i]
		d.i++
		if b < 0x80 {
			return x | uint64(b)<<shift
		}
		x |= uint64(b&0x7f) << shift
	}
	d.fail()
	return 0
}

func (d *decoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.s)-d.i) {
		d.fail()
		return ""
	}
	s := d.s[d.i : d.i+int(n)]
	d.i += int(n)
	return s
}

// count reads the count of a list of at most maxLen items, each of at least one byte.
func (d *decoder) count(maxLen int) int {
	n := d.uvarint()
	if n > uint64(maxLen) || n > uint64(len(d.s)-d.i) {
		d.fail()
		return 0
	}
	return int(n)
}

// done reports a record that was malformed or not read to its end.
func (d *decoder) done(what string) error {
	if d.bad || d.i != len(d.s) {
		return fmt.Errorf("%w: malformed %s", ErrCorrupt, what)
	}
	return nil
}
