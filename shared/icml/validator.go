package icml

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// Stats is what the Validator counted in a document.
type Stats struct {
	// Categories is the number of <category> elements.
	Categories int
	// Offers is the number of complete <offer> elements.
	Offers int
	// Bytes is the number of bytes written to the Validator.
	Bytes int64
}

// maxToken bounds a tag, a run of character data and the text of one element, in bytes.
const maxToken = 1 << 20

// kind is an element of ICML; kDoc stands for the document around the root element.
type kind uint8

// The kinds of elements.
const (
	kDoc kind = iota
	kCatalog
	kShop
	kShopName
	kCompany
	kCategories
	kCategory
	kOffers
	kOffer
	kPrice
	kPurchasePrice
	kCategoryID
	kName
	kProductName
	kXMLID
	kURL
	kPicture
	kParam
	kVendor
	kUnit
	kVATRate
	kWeight
	kDimensions
	kBarcode
	kProductActivity
	kMarkable
	numKinds
)

// kinds describes the elements: name, parent, whether it holds character data (a leaf),
// whether that text is checked and so kept (value), whether it may appear at most once in an
// offer, and the attributes it may have.
var kinds = [numKinds]struct {
	name   string
	parent kind
	leaf   bool
	value  bool
	single bool
	attrs  []string
}{
	kCatalog:         {name: "yml_catalog", parent: kDoc, attrs: []string{"date"}},
	kShop:            {name: "shop", parent: kCatalog},
	kShopName:        {name: "name", parent: kShop, leaf: true},
	kCompany:         {name: "company", parent: kShop, leaf: true},
	kCategories:      {name: "categories", parent: kShop},
	kCategory:        {name: "category", parent: kCategories, leaf: true, attrs: []string{"id", "parentId"}},
	kOffers:          {name: "offers", parent: kShop},
	kOffer:           {name: "offer", parent: kOffers, attrs: []string{"id", "productId", "quantity", "type"}},
	kPrice:           {name: "price", parent: kOffer, leaf: true, value: true, single: true},
	kPurchasePrice:   {name: "purchasePrice", parent: kOffer, leaf: true, value: true, single: true},
	kCategoryID:      {name: "categoryId", parent: kOffer, leaf: true, value: true},
	kName:            {name: "name", parent: kOffer, leaf: true, single: true},
	kProductName:     {name: "productName", parent: kOffer, leaf: true, single: true},
	kXMLID:           {name: "xmlId", parent: kOffer, leaf: true, single: true},
	kURL:             {name: "url", parent: kOffer, leaf: true, single: true},
	kPicture:         {name: "picture", parent: kOffer, leaf: true},
	kParam:           {name: "param", parent: kOffer, leaf: true, attrs: []string{"name", "code"}},
	kVendor:          {name: "vendor", parent: kOffer, leaf: true, single: true},
	kUnit:            {name: "unit", parent: kOffer, single: true, attrs: []string{"code", "name", "sym"}},
	kVATRate:         {name: "vatRate", parent: kOffer, leaf: true, single: true},
	kWeight:          {name: "weight", parent: kOffer, leaf: true, value: true, single: true},
	kDimensions:      {name: "dimensions", parent: kOffer, leaf: true, value: true, single: true},
	kBarcode:         {name: "barcode", parent: kOffer, leaf: true},
	kProductActivity: {name: "productActivity", parent: kOffer, leaf: true, value: true, single: true},
	kMarkable:        {name: "markable", parent: kOffer, leaf: true, value: true, single: true},
}

// children lists the kinds of the children of each element, in document order: looking a name
// up in them costs a few length comparisons, less than hashing it.
var children = func() (c [numKinds][]kind) {
	for k := kCatalog; k < numKinds; k++ {
		c[kinds[k].parent] = append(c[kinds[k].parent], k)
	}
	return c
}()

// childKind returns the kind of the child element of parent called name. The search starts
// after the child of parent found last, as children mostly come in document order.
func (v *Validator) childKind(parent kind, name []byte) (kind, bool) {
	kids := children[parent]
	start := v.nextChild[parent]
	for i := range kids {
		j := start + i
		if j >= len(kids) {
			j -= len(kids)
		}
		if k := kids[j]; kinds[k].name == string(name) {
			v.nextChild[parent] = (j + 1) % len(kids)
			return k, true
		}
	}
	return kDoc, false
}

// shopOrder is the place of each child of <shop>: each comes once, in this order.
var shopOrder = [numKinds]uint8{kShopName: 1, kCompany: 2, kCategories: 3, kOffers: 4}

// errMore says that the buffer ends before the token does.
var errMore = errors.New("icml: more input needed")

// attr is an attribute of the tag being read, as slices of the buffer being parsed.
type attr struct{ name, value []byte }

// Validator is an io.Writer that checks the ICML document streamed through it; Close gives the
// verdict. It is written from scratch, independently of Writer, and reads tokens of any size
// split across Write calls at any byte.
//
// It checks that the document is well-formed XML 1.0 in UTF-8 (the XML declaration first,
// balanced tags, quoted and unique attributes, only the five predefined entities and character
// references to allowed characters, valid UTF-8 of allowed characters, comments, CDATA sections
// and processing instructions; a DOCTYPE is refused), and that it is ICML:
// yml_catalog (with a date) > shop > name, company, categories > category*, offers > offer*,
// in this order; unique, non-empty category ids; offers with a non-empty id that no other
// offer has, a non-empty productId, a type (if any) of product or service, at least one
// categoryId naming a category declared before, and a non-empty name; no unknown elements or
// attributes; decimal numbers (a dot, no exponent) in quantity, price, purchasePrice and
// weight; dimensions of the form L/W/H; Y or N in productActivity and markable. It does not
// check that a parentId names a category.
//
// Offer ids are remembered as 64-bit hashes, about 9 bytes an offer: two different ids are
// taken for duplicates with a probability of about n²/2⁶⁵ for n offers. They are checked in
// batches of 64 offers, so a duplicate id is reported up to 64 offers after it (but before
// any fault that follows it).
type Validator struct {
	carry     []byte // the unfinished token at the end of the last Write
	base      int64  // document offset of the buffer being parsed
	off       int64  // document offset of the token being checked
	stats     Stats
	err       error
	closed    bool
	declared  bool // the XML declaration was read
	rootDone  bool // </yml_catalog> was read
	hasShop   bool
	shopLast  uint8 // shopOrder of the last child of <shop> read
	shopSeen  uint8 // bit per shopOrder
	stack     []kind
	nextChild [numKinds]int // per parent, where childKind starts its search
	attrs     []attr
	text      []byte // character data of the open leaf element, decoded, if its kind has a value
	textLen   int    // bytes of character data of the open leaf element
	catID     []byte // id of the open category, decoded
	cats      map[string]struct{}
	ids       idSet
	offer     struct {
		open       bool
		id         []byte // decoded
		seen       uint32 // bit per kind of single child read
		categories int
		named      bool
	}
}

// errValidatorClosed is returned by Write after Close.
var errValidatorClosed = errors.New("icml: write to a closed validator")

// NewValidator returns a Validator; expectedOffers is the number of offers it is sized for (a
// hint: more are fine).
func NewValidator(expectedOffers int) *Validator {
	return &Validator{
		cats:  make(map[string]struct{}),
		ids:   newIDSet(expectedOffers),
		stack: make([]kind, 0, 8),
	}
}

// Write checks the next bytes of the document, which may end anywhere, even inside a tag or a
// character. It returns len(p) and nil, or the first fault found in the document; once there
// is one, or after Close, it checks nothing more and returns 0 and an error.
func (v *Validator) Write(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	if v.closed {
		return 0, errValidatorClosed
	}
	v.stats.Bytes += int64(len(p))
	var n int
	switch {
	case len(v.carry) == 0:
		n, v.err = v.parse(p, false)
		v.carry = append(v.carry, p[n:]...)
	case bytes.IndexByte(p, v.terminator()) < 0:
		// The unfinished token cannot end in p: keep it for later, without parsing it again, so
		// that small writes cost time in proportion to their size.
		v.carry = append(v.carry, p...)
	default:
		v.carry = append(v.carry, p...)
		n, v.err = v.parse(v.carry, false)
		v.carry = v.carry[:copy(v.carry, v.carry[n:])]
	}
	v.base += int64(n)
	if v.err == nil && len(v.carry) > maxToken {
		v.off = v.base
		v.err = v.syntax(0, "a tag or a run of text longer than 1 MiB")
	}
	if v.err != nil {
		v.err = v.firstError(v.err)
	}
	return len(p), v.err
}

// terminator is the byte without which the unfinished token in v.carry cannot end: "<" after
// character data, ">" for markup.
func (v *Validator) terminator() byte {
	if v.declared && v.carry[0] != '<' {
		return '<'
	}
	return '>'
}

// Close ends the document and returns the verdict: nil when it is a complete, valid ICML
// document, otherwise the first fault found, in English, with its byte offset.
func (v *Validator) Close() (Stats, error) {
	if !v.closed {
		v.closed = true
		if v.err == nil {
			v.err = v.firstError(v.finish())
		}
		v.carry = nil
	}
	return v.stats, v.err
}

// finish checks the end of the document: the unfinished token left, the open elements.
func (v *Validator) finish() error {
	if v.stats.Bytes == 0 {
		return errors.New("icml: the document is empty")
	}
	if _, err := v.parse(v.carry, true); err != nil {
		return err
	}
	v.off = v.stats.Bytes
	if len(v.stack) > 0 {
		return v.invalid("document ends inside <%s>", kinds[v.top()].name)
	}
	if !v.rootDone {
		return v.invalid("document has no <yml_catalog> element")
	}
	return nil
}

// parse checks the tokens of buf that are complete and returns the length they take. When
// final is set buf ends the document.
func (v *Validator) parse(buf []byte, final bool) (int, error) {
	i := 0
	for i < len(buf) {
		v.off = v.base + int64(i)
		var n int
		var err error
		switch {
		case !v.declared:
			n, err = v.declaration(buf[i:])
		case buf[i] == '<':
			n, err = v.markup(buf[i:])
		default:
			n = bytes.IndexByte(buf[i:], '<')
			if n < 0 {
				if !final {
					return i, nil
				}
				n = len(buf) - i
			}
			err = v.charData(buf[i:i+n], false)
		}
		if err == errMore {
			if !final {
				return i, nil
			}
			err = v.syntax(0, "document ends inside markup")
		}
		if err != nil {
			return i, err
		}
		i += n
	}
	return i, nil
}

// syntax is a well-formedness error at offset at of the current token.
func (v *Validator) syntax(at int, msg string) error {
	return fmt.Errorf("icml: not well-formed at byte %d: %s", v.off+int64(at), msg)
}

// invalid is an error against ICML at the current token, naming the offer it is in.
func (v *Validator) invalid(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if v.offer.open {
		msg = fmt.Sprintf("offer %q: %s", v.offer.id, msg)
	}
	return fmt.Errorf("icml: invalid at byte %d: %s", v.off, msg)
}

// top returns the kind of the innermost open element.
func (v *Validator) top() kind {
	if len(v.stack) == 0 {
		return kDoc
	}
	return v.stack[len(v.stack)-1]
}

// declaration checks the XML declaration at the start of b.
func (v *Validator) declaration(b []byte) (int, error) {
	const start = "<?xml"
	if len(b) <= len(start) {
		if bytes.HasPrefix([]byte(start), b) {
			return 0, errMore
		}
		return 0, v.syntax(0, "missing XML declaration")
	}
	if !bytes.HasPrefix(b, []byte(start)) || !isSpace(b[len(start)]) {
		return 0, v.syntax(0, "missing XML declaration")
	}
	p, err := v.scanAttrs(b, len(start))
	if err != nil {
		return 0, err
	}
	if p+1 == len(b) {
		return 0, errMore
	}
	if b[p] != '?' || b[p+1] != '>' {
		return 0, v.syntax(p, `expected "?>" to end the XML declaration`)
	}
	i := 0
	next := func(name string) ([]byte, bool) {
		if i < len(v.attrs) && string(v.attrs[i].name) == name {
			i++
			return v.attrs[i-1].value, true
		}
		return nil, false
	}
	if val, ok := next("version"); !ok || string(val) != "1.0" {
		return 0, v.syntax(0, `the XML declaration must start with version="1.0"`)
	}
	if val, ok := next("encoding"); ok && !bytes.EqualFold(val, []byte("UTF-8")) {
		return 0, v.syntax(0, fmt.Sprintf("encoding %q is not UTF-8", val))
	}
	if val, ok := next("standalone"); ok && string(val) != "yes" && string(val) != "no" {
		return 0, v.syntax(0, fmt.Sprintf("standalone %q is neither yes nor no", val))
	}
	if i < len(v.attrs) {
		return 0, v.syntax(0, fmt.Sprintf("unexpected %s in the XML declaration", v.attrs[i].name))
	}
	v.declared = true
	return p + 2, nil
}

// markup checks the tag, comment, CDATA section or processing instruction at the start of b.
func (v *Validator) markup(b []byte) (int, error) {
	if len(b) < 2 {
		return 0, errMore
	}
	switch b[1] {
	case '/':
		return v.endTag(b)
	case '?':
		return v.instruction(b)
	case '!':
		return v.bang(b)
	}
	return v.startTag(b)
}

// startTag checks the start tag (or empty-element tag) at the start of b.
func (v *Validator) startTag(b []byte) (int, error) {
	e := scanName(b, 1)
	if e == len(b) {
		return 0, errMore
	}
	if e == 1 {
		return 0, v.syntax(1, fmt.Sprintf("%q cannot start an element name", b[1]))
	}
	p, err := v.scanAttrs(b, e)
	if err != nil {
		return 0, err
	}
	empty := false
	switch b[p] {
	case '>':
		p++
	case '/':
		if p+1 == len(b) {
			return 0, errMore
		}
		if b[p+1] != '>' {
			return 0, v.syntax(p+1, `expected ">" after "/"`)
		}
		empty = true
		p += 2
	default:
		return 0, v.syntax(p, fmt.Sprintf("unexpected %q in a tag", b[p]))
	}
	if err := v.open(b[1:e]); err != nil {
		return 0, err
	}
	if empty {
		return p, v.close()
	}
	return p, nil
}

// endTag checks the end tag at the start of b.
func (v *Validator) endTag(b []byte) (int, error) {
	e := endName(b, kinds[v.top()].name)
	if e == len(b) {
		return 0, errMore
	}
	if e == 2 {
		return 0, v.syntax(2, fmt.Sprintf("%q cannot start an element name", b[2]))
	}
	p := skipSpace(b, e)
	if p == len(b) {
		return 0, errMore
	}
	if b[p] != '>' {
		return 0, v.syntax(p, `expected ">" to end the end tag`)
	}
	name := b[2:e]
	if len(v.stack) == 0 {
		return 0, v.syntax(0, fmt.Sprintf("end tag </%s> without a start tag", name))
	}
	if open := kinds[v.top()].name; string(name) != open {
		return 0, v.syntax(0, fmt.Sprintf("end tag </%s> does not match <%s>", name, open))
	}
	return p + 1, v.close()
}

// instruction checks the processing instruction at the start of b.
func (v *Validator) instruction(b []byte) (int, error) {
	end := bytes.Index(b[2:], []byte("?>"))
	if end < 0 {
		return 0, errMore
	}
	body := b[2 : 2+end]
	if at, msg := scanChars(body, rawMask); msg != "" {
		return 0, v.syntax(2+at, msg)
	}
	e := scanName(body, 0)
	if e == 0 || e < len(body) && !isSpace(body[e]) {
		return 0, v.syntax(2, "invalid processing instruction target")
	}
	if bytes.EqualFold(body[:e], []byte("xml")) {
		return 0, v.syntax(0, "the XML declaration is allowed only at the start of the document")
	}
	return end + 4, nil
}

// bang checks a comment or a CDATA section; a DOCTYPE is refused.
func (v *Validator) bang(b []byte) (int, error) {
	if ok, err := startsWith(b, "<!--"); err != nil || ok {
		end := bytes.Index(b[min(4, len(b)):], []byte("--"))
		if err != nil || end < 0 || 4+end+2 == len(b) {
			return 0, errMore
		}
		if b[4+end+2] != '>' {
			return 0, v.syntax(4+end, `"--" inside a comment`)
		}
		if at, msg := scanChars(b[4:4+end], rawMask); msg != "" {
			return 0, v.syntax(4+at, msg)
		}
		return 4 + end + 3, nil
	}
	if ok, err := startsWith(b, "<![CDATA["); err != nil || ok {
		end := bytes.Index(b[min(9, len(b)):], []byte("]]>"))
		if err != nil || end < 0 {
			return 0, errMore
		}
		text := b[9 : 9+end]
		if at, msg := scanChars(text, rawMask); msg != "" {
			return 0, v.syntax(9+at, msg)
		}
		if len(v.stack) == 0 {
			return 0, v.syntax(0, "CDATA section outside the root element")
		}
		return 9 + end + 3, v.charData(text, true)
	}
	if ok, err := startsWith(b, "<!DOCTYPE"); err != nil || ok {
		if err != nil {
			return 0, err
		}
		return 0, v.syntax(0, "a DOCTYPE is not allowed in ICML")
	}
	return 0, v.syntax(0, `"<!" that starts no comment or CDATA section`)
}

// startsWith reports whether b starts with s; when b is shorter than s and could still start
// with it, the error is errMore.
func startsWith(b []byte, s string) (bool, error) {
	if len(b) < len(s) {
		if string(b) == s[:len(b)] {
			return false, errMore
		}
		return false, nil
	}
	return string(b[:len(s)]) == s, nil
}

// scanAttrs reads the attributes of a tag from b[p:] into v.attrs and returns the offset of the
// ">", "/" or "?" after them.
func (v *Validator) scanAttrs(b []byte, p int) (int, error) {
	v.attrs = v.attrs[:0]
	for {
		q := skipSpace(b, p)
		if q == len(b) {
			return 0, errMore
		}
		switch b[q] {
		case '>', '/', '?':
			return q, nil
		}
		e := scanName(b, q)
		if e == len(b) {
			return 0, errMore
		}
		if e == q {
			return 0, v.syntax(q, fmt.Sprintf("unexpected %q in a tag", b[q]))
		}
		if q == p {
			return 0, v.syntax(q, "missing white space before an attribute")
		}
		name := b[q:e]
		e = skipSpace(b, e)
		if e == len(b) {
			return 0, errMore
		}
		if b[e] != '=' {
			return 0, v.syntax(e, fmt.Sprintf("attribute %s has no value", name))
		}
		e = skipSpace(b, e+1)
		if e == len(b) {
			return 0, errMore
		}
		quote := b[e]
		if quote != '"' && quote != '\'' {
			return 0, v.syntax(e, fmt.Sprintf("value of attribute %s is not quoted", name))
		}
		end := bytes.IndexByte(b[e+1:], quote)
		if end < 0 {
			return 0, errMore
		}
		value := b[e+1 : e+1+end]
		if at, msg := scanChars(value, attrMask); msg != "" {
			return 0, v.syntax(e+1+at, msg)
		}
		for _, a := range v.attrs {
			if bytes.Equal(a.name, name) {
				return 0, v.syntax(q, fmt.Sprintf("attribute %s is repeated", name))
			}
		}
		v.attrs = append(v.attrs, attr{name, value})
		p = e + 2 + end
	}
}

// attr returns the raw value of the attribute name of the current tag.
func (v *Validator) attr(name string) ([]byte, bool) {
	for _, a := range v.attrs {
		if string(a.name) == name {
			return a.value, true
		}
	}
	return nil, false
}

// charData checks character data (text, or the content of a CDATA section when cdata is set).
func (v *Validator) charData(t []byte, cdata bool) error {
	k := v.top()
	if !kinds[k].leaf {
		if isAllSpace(t) {
			return nil
		}
		if k == kDoc {
			return v.syntax(0, "text outside the root element")
		}
		return v.invalid("text in <%s>", kinds[k].name)
	}
	if !cdata {
		if at, msg := scanChars(t, textMask); msg != "" {
			return v.syntax(at, msg)
		}
	}
	v.textLen += len(t)
	if !kinds[k].value {
		return nil
	}
	if len(v.text)+len(t) > maxToken {
		return v.invalid("text of <%s> is longer than 1 MiB", kinds[k].name)
	}
	v.text = appendDecoded(v.text, t, !cdata, false)
	return nil
}

// open handles the start of an element whose attributes are in v.attrs.
func (v *Validator) open(name []byte) error {
	parent := v.top()
	if parent == kDoc && v.rootDone {
		return v.syntax(0, fmt.Sprintf("element <%s> after the root element", name))
	}
	k, ok := v.childKind(parent, name)
	if !ok {
		if parent == kDoc {
			return v.invalid("the root element is <%s>, not <yml_catalog>", name)
		}
		return v.invalid("element <%s> is not allowed in <%s>", name, kinds[parent].name)
	}
	for _, a := range v.attrs {
		if !allowed(kinds[k].attrs, a.name) {
			return v.invalid("attribute %s is not allowed in <%s>", a.name, kinds[k].name)
		}
	}
	if err := v.enter(k); err != nil {
		return err
	}
	v.stack = append(v.stack, k)
	v.text, v.textLen = v.text[:0], 0
	return nil
}

// allowed reports whether name is one of names.
func allowed(names []string, name []byte) bool {
	for _, n := range names {
		if string(name) == n {
			return true
		}
	}
	return false
}

// enter checks the start of an element of kind k against what came before and its attributes.
func (v *Validator) enter(k kind) error {
	switch k {
	case kCatalog:
		date, _ := v.attr("date")
		if _, err := time.Parse(time.DateTime, string(date)); err != nil {
			return v.invalid(`<yml_catalog> needs a date like "2006-01-02 15:04:05", not %q`, date)
		}
	case kShop:
		if v.hasShop {
			return v.invalid("a second <shop>")
		}
		v.hasShop = true
	case kShopName, kCompany, kCategories, kOffers:
		order := shopOrder[k]
		if order <= v.shopLast {
			if k == kCategories && v.shopLast == shopOrder[kOffers] {
				return v.invalid("<categories> after <offers>")
			}
			return v.invalid("<%s> repeated or out of order in <shop>", kinds[k].name)
		}
		v.shopLast = order
		v.shopSeen |= 1 << order
	case kCategory:
		v.catID = v.decodedAttr(v.catID, "id")
		if len(v.catID) == 0 {
			return v.invalid("category without an id")
		}
		if _, dup := v.cats[string(v.catID)]; dup {
			return v.invalid("duplicate category id %q", v.catID)
		}
		v.cats[string(v.catID)] = struct{}{}
		v.stats.Categories++
	case kOffer:
		return v.enterOffer()
	case kParam:
		if name, _ := v.attr("name"); len(name) == 0 {
			return v.invalid("<param> without a name")
		}
	case kUnit:
		if code, _ := v.attr("code"); len(code) == 0 {
			return v.invalid("<unit> without a code")
		}
	}
	if kinds[k].single {
		bit := uint32(1) << k
		if v.offer.seen&bit != 0 {
			return v.invalid("<%s> repeated", kinds[k].name)
		}
		v.offer.seen |= bit
	}
	return nil
}

// enterOffer checks the start tag of an offer and queues its id.
func (v *Validator) enterOffer() error {
	v.offer.id = v.decodedAttr(v.offer.id, "id")
	if len(v.offer.id) == 0 {
		return v.invalid("offer without an id")
	}
	v.offer.open = true
	v.offer.seen, v.offer.categories, v.offer.named = 0, 0, false
	if v.ids.add(v.offer.id, v.off) {
		if err := v.flushIDs(); err != nil {
			return err
		}
	}
	if id, _ := v.attr("productId"); len(id) == 0 {
		return v.invalid("no productId")
	}
	if q, ok := v.attr("quantity"); ok && !isDecimal(q) {
		return v.invalid("quantity %q is not a decimal number", q)
	}
	if t, ok := v.attr("type"); ok && string(t) != "product" && string(t) != "service" {
		return v.invalid("type %q is neither product nor service", t)
	}
	return nil
}

// flushIDs checks the offer ids waiting in v.ids.
func (v *Validator) flushIDs() error {
	if id, off, dup := v.ids.flush(); dup {
		return fmt.Errorf("icml: invalid at byte %d: duplicate offer id %q", off, id)
	}
	return nil
}

// firstError returns the error about a duplicate offer id still waiting in v.ids, which comes
// earlier in the document than err, if there is one; otherwise err.
func (v *Validator) firstError(err error) error {
	if dup := v.flushIDs(); dup != nil {
		return dup
	}
	return err
}

// decodedAttr returns dst[:0] with the value of the attribute name appended, decoded.
func (v *Validator) decodedAttr(dst []byte, name string) []byte {
	raw, _ := v.attr(name)
	return appendDecoded(dst[:0], raw, true, true)
}

// close handles the end of the innermost element.
func (v *Validator) close() error {
	k := v.top()
	v.stack = v.stack[:len(v.stack)-1]
	text := v.text
	switch k {
	case kCatalog:
		v.rootDone = true
		if !v.hasShop {
			return v.invalid("<yml_catalog> without <shop>")
		}
	case kShop:
		for _, c := range [...]kind{kShopName, kCompany, kCategories, kOffers} {
			if v.shopSeen&(1<<shopOrder[c]) == 0 {
				return v.invalid("<shop> without <%s>", kinds[c].name)
			}
		}
	case kCategory:
		if v.textLen == 0 {
			return v.invalid("category %q has no name", v.catID)
		}
	case kOffer:
		if v.offer.categories == 0 {
			return v.invalid("no categoryId")
		}
		if !v.offer.named {
			return v.invalid("no name")
		}
		v.offer.open = false
		v.stats.Offers++
	case kCategoryID:
		if _, ok := v.cats[string(text)]; !ok {
			return v.invalid("categoryId %q is not declared", text)
		}
		v.offer.categories++
	case kName:
		if v.textLen == 0 {
			return v.invalid("empty <name>")
		}
		v.offer.named = true
	case kPrice, kPurchasePrice, kWeight:
		if !isDecimal(text) {
			return v.invalid("<%s> %q is not a decimal number", kinds[k].name, text)
		}
	case kDimensions:
		l, rest, _ := bytes.Cut(text, []byte("/"))
		w, h, _ := bytes.Cut(rest, []byte("/"))
		if !isDecimal(l) || !isDecimal(w) || !isDecimal(h) {
			return v.invalid("<dimensions> %q is not L/W/H", text)
		}
	case kProductActivity, kMarkable:
		if string(text) != "Y" && string(text) != "N" {
			return v.invalid("<%s> %q is neither Y nor N", kinds[k].name, text)
		}
	}
	return nil
}

// isDecimal reports whether s is an optional minus, digits, and optionally a dot and digits.
func isDecimal(s []byte) bool {
	s = bytes.TrimPrefix(s, []byte("-"))
	whole, frac, dot := bytes.Cut(s, []byte("."))
	return allDigits(whole) && (!dot || allDigits(frac))
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s []byte) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(s) > 0
}

// nameByte marks the bytes of XML names: 1 for bytes that may start one, 2 for those that may
// only follow. Bytes ≥ 0x80 are taken as name characters; their UTF-8 is checked where a name
// matters, as names are compared with the known ones.
var nameByte = func() *[256]uint8 {
	var t [256]uint8
	for c := range 256 {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':', c >= 0x80:
			t[c] = 1
		case c >= '0' && c <= '9', c == '-', c == '.':
			t[c] = 2
		}
	}
	return &t
}()

// endName returns the end of the name in the end tag b, trying first the name of the element
// it should close.
func endName(b []byte, open string) int {
	if e := 2 + len(open); e < len(b) && string(b[2:e]) == open && nameByte[b[e]] == 0 {
		return e
	}
	return scanName(b, 2)
}

// scanName returns the end of the name that starts at b[p], or p if none does.
func scanName(b []byte, p int) int {
	if p == len(b) || nameByte[b[p]] != 1 {
		return p
	}
	for p++; p < len(b) && nameByte[b[p]] != 0; p++ {
	}
	return p
}

// isSpace reports whether c is XML white space.
func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// skipSpace returns the offset of the first byte from b[p] that is not white space.
func skipSpace(b []byte, p int) int {
	for p < len(b) && isSpace(b[p]) {
		p++
	}
	return p
}

// isAllSpace reports whether b is all white space.
func isAllSpace(b []byte) bool {
	return skipSpace(b, 0) == len(b)
}
