package onec

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"unfbridge/shared/icml"
)

// Limits of the paged snapshots.
const (
	// MaxSnapshotPages is the most pages of one snapshot.
	MaxSnapshotPages = 10000
	// MaxGroupsPerPage, MaxProductsPerPage and MaxRowsPerPage bound the lists of one page.
	MaxGroupsPerPage   = 5000
	MaxProductsPerPage = 20000
	MaxRowsPerPage     = 50000
	// MaxCharacteristics is the most characteristics of one product.
	MaxCharacteristics = 1000
	// MaxProductList is the most barcodes, pictures, params or prices of one product or
	// characteristic.
	MaxProductList = 100
)

// Limits of the texts of the paged snapshots, in characters.
const (
	maxPageName   = 1000
	maxParamValue = 4000
	maxURL        = 2048
)

// msgFullOnly refuses a partial snapshot.
const msgFullOnly = "Принимаются только полные выгрузки (full = true): 1С должна выгружать все опубликованные данные."

// Validate lower-cases the references, normalises the numbers (see icml.Number) and the VAT
// rates, and returns the problems of a catalog page, nil when it is valid. Refs must be unique in
// the page: groups, products, the characteristics of a product, the price kinds of a price list.
func (c *CatalogPage) Validate() []FieldProblem {
	var p problems
	checkPaging(&p, &c.Paging)
	root := scope{p: &p}
	if root.bounded("groups", len(c.Groups), MaxGroupsPerPage) {
		refs := refSet{}
		for i := range c.Groups {
			at := root.item("groups", i)
			checkGroup(at, &c.Groups[i])
			refs.check(at, "ref", c.Groups[i].Ref, i, "Ссылка повторяется: группа уже есть в groups[%d].")
		}
	}
	if root.bounded("products", len(c.Products), MaxProductsPerPage) {
		refs := refSet{}
		for i := range c.Products {
			at := root.item("products", i)
			checkProduct(at, &c.Products[i])
			refs.check(at, "ref", c.Products[i].Ref, i, "Ссылка повторяется: товар уже есть в products[%d].")
		}
	}
	return p.result()
}

// Validate lower-cases the references, normalises the numbers and returns the problems of a stock
// page, nil when it is valid. Quantity and reserved may be empty (zero) or negative, as 1C's
// balances may be; each product (or characteristic) and warehouse has one row in the page.
func (s *StockPage) Validate() []FieldProblem {
	return validateRows(&s.Paging, s.Rows, "Строка повторяется: остаток товара на этом складе уже есть в rows[%d].",
		func(at scope, r *StockRow) string {
			checkOffer(at, &r.Product, &r.Characteristic)
			at.guid("warehouse", &r.Warehouse, true)
			at.number("quantity", &r.Quantity, false)
			at.number("reserved", &r.Reserved, false)
			return r.Product + "#" + r.Characteristic + "#" + r.Warehouse
		})
}

// Validate lower-cases the references, normalises the numbers and returns the problems of a prices
// page, nil when it is valid. A price is required and may be negative (the consumers clamp it);
// each product (or characteristic) and price kind has one row in the page.
func (pp *PricesPage) Validate() []FieldProblem {
	return validateRows(&pp.Paging, pp.Rows, "Строка повторяется: цена товара по этому виду цен уже есть в rows[%d].",
		func(at scope, r *PriceRow) string {
			checkOffer(at, &r.Product, &r.Characteristic)
			at.guid("priceKind", &r.PriceKind, true)
			at.number("price", &r.Price, true)
			return r.Product + "#" + r.Characteristic + "#" + r.PriceKind
		})
}

// validateRows checks the paging and the rows of a stock or prices page: check checks one row and
// returns its key, which must be unique in the page (dup reports a repeat).
func validateRows[R any](paging *Paging, rows []R, dup string, check func(at scope, r *R) string) []FieldProblem {
	var p problems
	checkPaging(&p, paging)
	root := scope{p: &p}
	if root.bounded("rows", len(rows), MaxRowsPerPage) {
		keys := refSet{}
		for i := range rows {
			at := root.item("rows", i)
			keys.check(at, "", check(at, &rows[i]), i, dup)
		}
	}
	return p.result()
}

// checkPaging lower-cases the snapshot id and reports the problems of the paging fields.
func checkPaging(p *problems, pg *Paging) {
	pg.SnapshotID = strings.ToLower(pg.SnapshotID)
	checkGUID(p, "snapshotId", pg.SnapshotID)
	pagesOK := pg.Pages >= 1 && pg.Pages <= MaxSnapshotPages
	if !pagesOK {
		p.add("pages", "Ожидается число страниц выгрузки от 1 до %d.", MaxSnapshotPages)
	}
	if pg.Page < 1 || pagesOK && pg.Page > pg.Pages {
		p.add("page", "Ожидается номер страницы от 1 до числа страниц выгрузки (pages).")
	}
	if !pg.Full {
		p.add("full", msgFullOnly)
	}
}

func checkGroup(at scope, g *CatalogGroup) {
	at.guid("ref", &g.Ref, true)
	at.text("name", g.Name, maxPageName, true)
	at.guid("parent", &g.Parent, false)
}

func checkProduct(at scope, pr *Product) {
	at.guid("ref", &pr.Ref, true)
	at.text("code", pr.Code, maxShortText, false)
	at.text("article", pr.Article, maxShortText, false)
	at.text("name", pr.Name, maxPageName, true)
	at.guid("group", &pr.Group, false)
	if pr.Unit != nil {
		at.text("unit.code", pr.Unit.Code, maxShortText, true)
		at.text("unit.name", pr.Unit.Name, maxShortText, true)
		at.text("unit.sym", pr.Unit.Sym, maxShortText, false)
	}
	at.vatRate("vatRate", &pr.VATRate)
	at.size("weight", &pr.Weight)
	if d := pr.Dimensions; d != nil {
		at.size("dimensions.length", &d.Length)
		at.size("dimensions.width", &d.Width)
		at.size("dimensions.height", &d.Height)
	}
	at.texts("barcodes", pr.Barcodes, maxShortText)
	at.text("vendor", pr.Vendor, maxPageName, false)
	at.url("url", pr.URL, false)
	if at.bounded("pictures", len(pr.Pictures), MaxProductList) {
		for i, pic := range pr.Pictures {
			at.url(index("pictures", i), pic, true)
		}
	}
	at.params(pr.Params)
	at.prices(pr.Prices)
	at.number("quantity", &pr.Quantity, false)
	if at.bounded("characteristics", len(pr.Characteristics), MaxCharacteristics) {
		refs := refSet{}
		for i := range pr.Characteristics {
			ch := at.item("characteristics", i)
			checkCharacteristic(ch, &pr.Characteristics[i])
			refs.check(ch, "ref", pr.Characteristics[i].Ref, i, "Ссылка повторяется: характеристика уже есть в characteristics[%d].")
		}
	}
}

func checkCharacteristic(at scope, ch *Characteristic) {
	at.guid("ref", &ch.Ref, true)
	at.text("name", ch.Name, maxPageName, true)
	at.text("article", ch.Article, maxShortText, false)
	at.texts("barcodes", ch.Barcodes, maxShortText)
	at.params(ch.Params)
	at.prices(ch.Prices)
	at.number("quantity", &ch.Quantity, false)
}

// checkOffer lower-cases and checks the offer of a row: a product and an optional characteristic.
func checkOffer(at scope, product, characteristic *string) {
	at.guid("product", product, true)
	at.guid("characteristic", characteristic, false)
}

// scope reports problems under a JSON path: the fields it names are relative to it.
type scope struct {
	p    *problems
	path string
}

// field returns the path of a field of the scope; "" is the scope itself.
func (s scope) field(name string) string {
	switch {
	case name == "":
		return s.path
	case s.path == "":
		return name
	}
	return s.path + "." + name
}

// item returns the scope of the i-th element of a list.
func (s scope) item(list string, i int) scope {
	return scope{p: s.p, path: s.field(index(list, i))}
}

// index is the path of the i-th element of a list: "barcodes[2]".
func index(list string, i int) string { return list + "[" + strconv.Itoa(i) + "]" }

// bounded reports a list longer than maxLen and tells whether its items are to be checked.
func (s scope) bounded(list string, n, maxLen int) bool {
	if n > maxLen {
		s.p.add(s.field(list), "В списке %d элементов, допускается не больше %d.", n, maxLen)
		return false
	}
	return true
}

// guid lower-cases *ref and reports it when it is not a GUID; an empty optional one is fine.
func (s scope) guid(name string, ref *string, required bool) {
	*ref = strings.ToLower(*ref)
	if required || *ref != "" {
		checkGUID(s.p, s.field(name), *ref)
	}
}

func (s scope) text(name, v string, maxLen int, required bool) {
	checkText(s.p, s.field(name), v, maxLen, required)
}

// texts checks a bounded list of required texts.
func (s scope) texts(list string, vs []string, maxLen int) {
	if s.bounded(list, len(vs), MaxProductList) {
		for i, v := range vs {
			s.text(index(list, i), v, maxLen, true)
		}
	}
}

// url reports a value that is not an absolute http(s) address.
func (s scope) url(name, v string, required bool) {
	if v == "" {
		if required {
			s.p.add(s.field(name), msgRequired)
		}
		return
	}
	if utf8.RuneCountInString(v) > maxURL {
		s.p.add(s.field(name), msgTooLong, maxURL)
		return
	}
	if u, err := url.Parse(v); err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		s.p.add(s.field(name), "Ожидается адрес вида https://example.ru/….")
	}
}

// number normalises *v with icml.Number and reports it when it is not a number; an empty
// (or blank) optional value becomes "". It tells whether *v is a number.
func (s scope) number(name string, v *string, required bool) bool {
	if strings.TrimSpace(*v) == "" {
		*v = ""
		if required {
			s.p.add(s.field(name), msgRequired)
		}
		return false
	}
	n, err := icml.Number(*v)
	if err != nil {
		s.p.add(s.field(name), "Ожидается число, например 1234.50 или 1 234,50.")
		return false
	}
	*v = n
	return true
}

// size checks an optional weight or dimension: a number, not negative.
func (s scope) size(name string, v *string) {
	if s.number(name, v, false) && strings.HasPrefix(*v, "-") {
		s.p.add(s.field(name), "Значение не может быть отрицательным.")
	}
}

// vatRate normalises an optional VAT rate to a whole percent from 0 to 100 ("20,00" → "20"); a
// blank one becomes "".
func (s scope) vatRate(name string, v *string) {
	if strings.TrimSpace(*v) == "" {
		*v = ""
		return
	}
	n, err := icml.Number(*v)
	if err == nil {
		if dot := strings.IndexByte(n, '.'); dot >= 0 && strings.Trim(n[dot+1:], "0") == "" {
			n = n[:dot]
		}
		if rate, convErr := strconv.Atoi(n); convErr == nil && rate >= 0 && rate <= 100 {
			*v = strconv.Itoa(rate)
			return
		}
	}
	s.p.add(s.field(name), "Ставка НДС указывается целым числом процентов от 0 до 100, например 20; без НДС — null.")
}

// params checks the params of a product or characteristic: a name is required, a value is not.
func (s scope) params(params []Param) {
	if !s.bounded("params", len(params), MaxProductList) {
		return
	}
	for i, prm := range params {
		at := s.item("params", i)
		at.text("name", prm.Name, maxPageName, true)
		at.text("code", prm.Code, maxShortText, false)
		at.text("value", prm.Value, maxParamValue, false)
	}
}

// prices checks the prices of a product or characteristic: one per price kind.
func (s scope) prices(prices []Price) {
	if !s.bounded("prices", len(prices), MaxProductList) {
		return
	}
	kinds := refSet{}
	for i := range prices {
		at := s.item("prices", i)
		at.guid("priceKind", &prices[i].PriceKind, true)
		at.number("price", &prices[i].Price, true)
		kinds.check(at, "priceKind", prices[i].PriceKind, i, "Вид цен повторяется: цена этого вида уже есть в prices[%d].")
	}
}

// refSet finds the repeated keys of a list: it maps each key to the index of its first item.
type refSet map[string]int

// check records the key of item i, whose scope is at, and reports the field name of at when an
// earlier item had the same key; msg takes the index of that item. An empty key (a missing ref,
// reported already) is not recorded.
func (r refSet) check(at scope, name, key string, i int, msg string) {
	if key == "" {
		return
	}
	if first, dup := r[key]; dup {
		at.p.add(at.field(name), msg, first)
		return
	}
	r[key] = i
}
