package icml

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Shop is the header of the catalog.
type Shop struct {
	// Name is the shop name, written as <name>.
	Name string
	// Company is the organisation name, written as <company>.
	Company string
	// Date is the time the catalog was made, written as the date attribute of <yml_catalog>
	// in the layout "2006-01-02 15:04:05", in Date's own location.
	Date time.Time
}

// Category is one <category> (a 1C group of items).
type Category struct {
	// ID is the category id, required; offers refer to it through Offer.CategoryIDs.
	ID string
	// ParentID is the id of the parent category; "" writes no parentId attribute.
	ParentID string
	// Name is the category name, required.
	Name string
}

// Param is one <param name="…" code="…">value</param> of an offer.
type Param struct {
	// Name is the parameter name shown in RetailCRM, required.
	Name string
	// Code is the parameter code; "" writes no code attribute.
	Code string
	// Value is the parameter value.
	Value string
}

// Unit is the unit of measure of an offer, written as <unit code="…" name="…" sym="…"/>.
type Unit struct {
	// Code is the unit code, required.
	Code string
	// Name is the unit name; "" writes no name attribute.
	Name string
	// Sym is the unit symbol; "" writes no sym attribute.
	Sym string
}

// Dimensions are the length, width and height of an offer in centimetres, written as
// <dimensions>L/W/H</dimensions>, each normalised by Number.
type Dimensions struct {
	Length, Width, Height string
}

// Offer is one <offer>: an item, or one characteristic of an item, of 1C.
//
// Strings are written escaped, with the characters XML does not allow dropped. The fields that
// are decimal numbers are normalised by Number. A field marked optional is not written when it
// is empty.
type Offer struct {
	// ID is the offer id (the offer's externalId in RetailCRM), required.
	ID string
	// ProductID is the id of the product the offer is a variant of, required.
	ProductID string
	// XMLID is written as <xmlId>, optional.
	XMLID string
	// Service writes type="service" instead of type="product".
	Service bool
	// Quantity is the stock, a decimal number written as the quantity attribute, optional.
	Quantity string
	// Price is the sale price, a decimal number, optional.
	Price string
	// PurchasePrice is the purchase price, a decimal number, optional.
	PurchasePrice string
	// CategoryIDs are the ids of the categories the offer belongs to: at least one, each
	// declared by Writer.Category before.
	CategoryIDs []string
	// Name is the offer name, required.
	Name string
	// ProductName is the product name, optional.
	ProductName string
	// URL is the page of the offer, optional.
	URL string
	// Pictures are the URLs of the pictures, one <picture> each.
	Pictures []string
	// Params are the parameters, one <param> each.
	Params []Param
	// Vendor is the manufacturer, optional.
	Vendor string
	// Unit is the unit of measure, optional.
	Unit *Unit
	// VATRate is written as given ("20", "10", "0", "none"), optional.
	VATRate string
	// Weight is the weight in kilograms, a decimal number, optional.
	Weight string
	// Dimensions are the sizes in centimetres, optional.
	Dimensions *Dimensions
	// Barcodes are written one <barcode> each.
	Barcodes []string
	// Inactive writes <productActivity>N</productActivity>; otherwise it is Y. It is always
	// written.
	Inactive bool
	// Markable writes <markable>Y</markable> (goods under mandatory marking); otherwise
	// nothing.
	Markable bool
}

// bufSize is the size at which the Writer hands its buffer to the underlying writer.
const bufSize = 64 << 10

// element holds the opening and closing markup of an element written on a line of its own.
type element struct{ open, close string }

// offerChild returns the markup of the child element name of <offer>.
func offerChild(name string) element {
	return element{"        <" + name + ">", "</" + name + ">\n"}
}

// The markup of the children of <offer> that hold only text.
var (
	elPrice         = offerChild("price")
	elPurchasePrice = offerChild("purchasePrice")
	elCategoryID    = offerChild("categoryId")
	elName          = offerChild("name")
	elProductName   = offerChild("productName")
	elXMLID         = offerChild("xmlId")
	elURL           = offerChild("url")
	elPicture       = offerChild("picture")
	elVendor        = offerChild("vendor")
	elVATRate       = offerChild("vatRate")
	elWeight        = offerChild("weight")
	elDimensions    = offerChild("dimensions")
	elBarcode       = offerChild("barcode")
)

// Writer streams an ICML document: the header, then the categories, then the offers, then
// Close. It is buffered internally; nothing but the current offer and the set of category ids
// is held in memory. An offer that is rejected leaves no trace in the output. An error of the
// underlying writer is returned by every later call. A Writer is not safe for concurrent use.
//
// The output is indented by two spaces per level, one element per line, lines ending in "\n":
// the same calls give the same bytes.
type Writer struct {
	out        io.Writer
	buf        []byte
	cats       map[string]struct{} // category ids, escaped as character data
	started    bool                // <categories> or <offers> is open
	offering   bool                // <offers> is open
	closed     bool
	categories int
	offers     int
	err        error
}

// Errors of calls out of order.
var (
	errClosed       = errors.New("icml: writer is closed")
	errCategoryLate = errors.New("icml: category after the first offer")
)

// NewWriter returns a Writer of the catalog of shop to w. It writes nothing to w before the
// buffer fills or Close is called.
func NewWriter(w io.Writer, shop Shop) *Writer {
	b := make([]byte, 0, bufSize+bufSize/4)
	b = append(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<yml_catalog date=\""...)
	b = shop.Date.AppendFormat(b, time.DateTime)
	b = append(b, "\">\n  <shop>\n    <name>"...)
	b = appendEscaped(b, shop.Name, textClass)
	b = append(b, "</name>\n    <company>"...)
	b = appendEscaped(b, shop.Company, textClass)
	b = append(b, "</company>\n"...)
	return &Writer{out: w, buf: b, cats: make(map[string]struct{})}
}

// Categories returns the number of categories written.
func (w *Writer) Categories() int { return w.categories }

// Offers returns the number of offers written.
func (w *Writer) Offers() int { return w.offers }

// Category writes a category. All categories come before the first offer. It is an error if
// the id or the name is empty (after dropping the characters XML does not allow) or the id
// was written before.
func (w *Writer) Category(c Category) error {
	if err := w.usable(); err != nil {
		return err
	}
	if w.offering {
		return errCategoryLate
	}
	key := appendEscaped(nil, c.ID, textClass)
	if len(key) == 0 {
		return fmt.Errorf("icml: category %q: id is empty", c.ID)
	}
	if _, dup := w.cats[string(key)]; dup {
		return fmt.Errorf("icml: category %q: duplicate category id", c.ID)
	}
	start := len(w.buf)
	b := w.buf
	if !w.started {
		b = append(b, "    <categories>\n"...)
	}
	b = append(b, "      <category id=\""...)
	b = appendEscaped(b, c.ID, attrClass)
	if c.ParentID != "" {
		b = append(b, "\" parentId=\""...)
		b = appendEscaped(b, c.ParentID, attrClass)
	}
	b = append(b, "\">"...)
	n := len(b)
	if b = appendEscaped(b, c.Name, textClass); len(b) == n {
		w.buf = b[:start]
		return fmt.Errorf("icml: category %q: name is empty", c.ID)
	}
	w.buf = append(b, "</category>\n"...)
	w.cats[string(key)] = struct{}{}
	w.started = true
	w.categories++
	return w.flush(bufSize)
}

// ErrInvalidOffer is wrapped by the error of an offer the Writer refuses for its content; such
// an offer leaves nothing in the output and the Writer remains usable.
var ErrInvalidOffer = errors.New("icml: invalid offer")

// Offer writes an offer. The first offer ends the categories. It is an error if a number does
// not parse (the error wraps ErrNumber and names the field), if the id, productId or name is
// empty (after dropping the characters XML does not allow), if there is no categoryId or one
// names a category not written before, or if a param has no name or the unit no code. Offer
// ids are not checked for uniqueness: the Validator does that.
func (w *Writer) Offer(o *Offer) error {
	if err := w.usable(); err != nil {
		return err
	}
	if o == nil {
		return errors.New("icml: nil offer")
	}
	start := len(w.buf)
	b := w.buf
	if !w.offering {
		b = appendEndCategories(b, w.started)
		b = append(b, "    <offers>\n"...)
	}
	b, err := w.appendOffer(b, o)
	if err != nil {
		w.buf = b[:start]
		return fmt.Errorf("%w %q: %w", ErrInvalidOffer, o.ID, err)
	}
	w.buf = b
	w.started, w.offering = true, true
	w.offers++
	return w.flush(bufSize)
}

// Close ends the document and writes what is buffered. It does not close the underlying
// writer. A document without categories or offers has <categories/> or <offers/>.
func (w *Writer) Close() error {
	if err := w.usable(); err != nil {
		return err
	}
	w.closed = true
	if w.offering {
		w.buf = append(w.buf, "    </offers>\n"...)
	} else {
		w.buf = appendEndCategories(w.buf, w.started)
		w.buf = append(w.buf, "    <offers/>\n"...)
	}
	w.buf = append(w.buf, "  </shop>\n</yml_catalog>\n"...)
	return w.flush(1)
}

// usable returns the error that stops the Writer, if any.
func (w *Writer) usable() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errClosed
	}
	return nil
}

// flush writes the buffer out once it holds at least min bytes.
func (w *Writer) flush(min int) error {
	if len(w.buf) < min {
		return nil
	}
	n, err := w.out.Write(w.buf)
	if err == nil && n < len(w.buf) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = err
		return err
	}
	w.buf = w.buf[:0]
	return nil
}

// appendEndCategories closes <categories>, or writes an empty one when none was opened.
func appendEndCategories(b []byte, opened bool) []byte {
	if opened {
		return append(b, "    </categories>\n"...)
	}
	return append(b, "    <categories/>\n"...)
}

// appendOffer appends the markup of o. On error the returned slice is to be truncated by the
// caller.
func (w *Writer) appendOffer(b []byte, o *Offer) ([]byte, error) {
	var ok bool
	var err error
	b = append(b, "      <offer id=\""...)
	if b, ok = appendNonEmpty(b, o.ID, attrClass); !ok {
		return b, errors.New("id is empty")
	}
	b = append(b, "\" productId=\""...)
	if b, ok = appendNonEmpty(b, o.ProductID, attrClass); !ok {
		return b, errors.New("productId is empty")
	}
	if o.Quantity != "" {
		b = append(b, "\" quantity=\""...)
		if b, err = appendNumber(b, o.Quantity); err != nil {
			return b, numberError("quantity", o.Quantity)
		}
	}
	if o.Service {
		b = append(b, "\" type=\"service\">\n"...)
	} else {
		b = append(b, "\" type=\"product\">\n"...)
	}
	if b, err = appendNumberElement(b, elPrice, "price", o.Price); err != nil {
		return b, err
	}
	if b, err = appendNumberElement(b, elPurchasePrice, "purchasePrice", o.PurchasePrice); err != nil {
		return b, err
	}
	if len(o.CategoryIDs) == 0 {
		return b, errors.New("no categoryId")
	}
	for _, id := range o.CategoryIDs {
		b = append(b, elCategoryID.open...)
		n := len(b)
		b = appendEscaped(b, id, textClass)
		if _, ok := w.cats[string(b[n:])]; !ok {
			return b, fmt.Errorf("categoryId %q is not declared", id)
		}
		b = append(b, elCategoryID.close...)
	}
	b = append(b, elName.open...)
	if b, ok = appendNonEmpty(b, o.Name, textClass); !ok {
		return b, errors.New("name is empty")
	}
	b = append(b, elName.close...)
	b = appendOptional(b, elProductName, o.ProductName)
	b = appendOptional(b, elXMLID, o.XMLID)
	b = appendOptional(b, elURL, o.URL)
	for _, p := range o.Pictures {
		b = appendElement(b, elPicture, p)
	}
	for i := range o.Params {
		if b, err = appendParam(b, &o.Params[i]); err != nil {
			return b, err
		}
	}
	b = appendOptional(b, elVendor, o.Vendor)
	if o.Unit != nil {
		if b, err = appendUnit(b, o.Unit); err != nil {
			return b, err
		}
	}
	b = appendOptional(b, elVATRate, o.VATRate)
	if b, err = appendNumberElement(b, elWeight, "weight", o.Weight); err != nil {
		return b, err
	}
	if d := o.Dimensions; d != nil {
		b = append(b, elDimensions.open...)
		for i, v := range [3]string{d.Length, d.Width, d.Height} {
			if i > 0 {
				b = append(b, '/')
			}
			if b, err = appendNumber(b, v); err != nil {
				return b, numberError("dimensions", v)
			}
		}
		b = append(b, elDimensions.close...)
	}
	for _, code := range o.Barcodes {
		b = appendElement(b, elBarcode, code)
	}
	if o.Inactive {
		b = append(b, "        <productActivity>N</productActivity>\n"...)
	} else {
		b = append(b, "        <productActivity>Y</productActivity>\n"...)
	}
	if o.Markable {
		b = append(b, "        <markable>Y</markable>\n"...)
	}
	return append(b, "      </offer>\n"...), nil
}

// appendParam appends <param name="…" code="…">value</param>.
func appendParam(b []byte, p *Param) ([]byte, error) {
	var ok bool
	b = append(b, "        <param name=\""...)
	if b, ok = appendNonEmpty(b, p.Name, attrClass); !ok {
		return b, errors.New("param name is empty")
	}
	if p.Code != "" {
		b = append(b, "\" code=\""...)
		b = appendEscaped(b, p.Code, attrClass)
	}
	b = append(b, "\">"...)
	b = appendEscaped(b, p.Value, textClass)
	return append(b, "</param>\n"...), nil
}

// appendUnit appends <unit code="…" name="…" sym="…"/>.
func appendUnit(b []byte, u *Unit) ([]byte, error) {
	var ok bool
	b = append(b, "        <unit code=\""...)
	if b, ok = appendNonEmpty(b, u.Code, attrClass); !ok {
		return b, errors.New("unit code is empty")
	}
	if u.Name != "" {
		b = append(b, "\" name=\""...)
		b = appendEscaped(b, u.Name, attrClass)
	}
	if u.Sym != "" {
		b = append(b, "\" sym=\""...)
		b = appendEscaped(b, u.Sym, attrClass)
	}
	return append(b, "\"/>\n"...), nil
}

// appendNonEmpty appends s escaped by cls and reports whether anything was left of it.
func appendNonEmpty(b []byte, s string, cls *[256]uint8) ([]byte, bool) {
	n := len(b)
	b = appendEscaped(b, s, cls)
	return b, len(b) > n
}

// appendElement appends the element e with the character data s.
func appendElement(b []byte, e element, s string) []byte {
	b = append(b, e.open...)
	b = appendEscaped(b, s, textClass)
	return append(b, e.close...)
}

// appendOptional appends the element e with the character data s unless s is empty.
func appendOptional(b []byte, e element, s string) []byte {
	if s == "" {
		return b
	}
	return appendElement(b, e, s)
}

// appendNumberElement appends the element e with the number s normalised, unless s is empty.
// field names the element in the error.
func appendNumberElement(b []byte, e element, field, s string) ([]byte, error) {
	if s == "" {
		return b, nil
	}
	b = append(b, e.open...)
	b, err := appendNumber(b, s)
	if err != nil {
		return b, numberError(field, s)
	}
	return append(b, e.close...), nil
}

// numberError is the error about the field whose value s is not a number; it wraps ErrNumber.
func numberError(field, s string) error {
	return fmt.Errorf("%s %q: %w", field, s, ErrNumber)
}
