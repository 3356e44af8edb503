package onectest

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"unfbridge/shared/onec"
)

// Style says how a sample page writes its GUIDs and numbers.
type Style int

const (
	// Canonical is the form the bridge keeps: lower-case GUIDs, numbers with a dot and no
	// thousands separators.
	Canonical Style = iota
	// As1C is the form 1C may send: upper-case GUIDs, numbers with a decimal comma and
	// non-breaking spaces between thousands.
	As1C
)

// Sample price kinds of the pages (those of References).
const (
	RetailPrice   = "4e3f2c0a-0c5d-4c79-9e70-2d803f4b5c63"
	PurchasePrice = "5f403d1b-1d6e-4d8a-8f81-3e914a5c6d74"
)

// ref writes a GUID in the style.
func (s Style) ref(guid string) string {
	if s == As1C {
		return strings.ToUpper(guid)
	}
	return guid
}

// num writes a canonical number ("-1234.50") in the style ("-1 234,50").
func (s Style) num(n string) string {
	if s != As1C {
		return n
	}
	sign, digits := "", n
	if strings.HasPrefix(n, "-") {
		sign, digits = "-", n[1:]
	}
	whole, frac, hasFrac := strings.Cut(digits, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		return sign + b.String() + "," + frac
	}
	return sign + b.String()
}

// guid returns a GUID determined by its parts, so that two pages built alike are equal.
func guid(parts ...any) string {
	b := sha256.Sum256([]byte(fmt.Sprint(parts...)))
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// CatalogPage returns a valid page of a catalog snapshot with n products and two groups, using
// every field of the contract: products with and without characteristics, units, dimensions,
// empty (non-nil) and missing lists, negative quantities. Pages built with the same arguments
// are equal but for the style.
func CatalogPage(snapshotID string, page, pages, n int, s Style) onec.CatalogPage {
	top, child := guid(snapshotID, page, "group", 0), guid(snapshotID, page, "group", 1)
	p := onec.CatalogPage{
		Paging: onec.Paging{SnapshotID: s.ref(snapshotID), Page: page, Pages: pages, Full: true},
		Groups: []onec.CatalogGroup{
			{Ref: s.ref(top), Name: fmt.Sprintf("Товары, страница %d", page)},
			{Ref: s.ref(child), Name: "Посуда & <кухня>", Parent: s.ref(top)},
		},
	}
	for i := range n {
		p.Products = append(p.Products, product(s, guid(snapshotID, page, "product", i), []string{top, child, ""}[i%3], i))
	}
	return p
}

// product returns the i-th sample product, varied by i.
func product(s Style, ref, group string, i int) onec.Product {
	pr := onec.Product{
		Ref:      s.ref(ref),
		Code:     fmt.Sprintf("%09d", i),
		Article:  fmt.Sprintf("АРТ-%d", i),
		Name:     fmt.Sprintf("Кастрюля «Мечта» %d л", i+1),
		Group:    s.ref(group),
		Service:  i%5 == 4,
		Deleted:  i%7 == 6,
		VATRate:  []string{"20", "10", "0", "", "22"}[i%5],
		Weight:   s.num(fmt.Sprintf("%d.250", 1000+i)),
		Vendor:   "Мечта",
		Markable: i%2 == 1,
		URL:      fmt.Sprintf("https://shop.example.ru/p/%d", i),
		Pictures: []string{fmt.Sprintf("https://shop.example.ru/img/%d.jpg", i)},
		Params:   []onec.Param{{Name: "Цвет", Code: "color", Value: "Красный"}, {Name: "Объём", Value: fmt.Sprintf("%d л", i+1)}},
		Prices: []onec.Price{
			{PriceKind: s.ref(RetailPrice), Price: s.num(fmt.Sprintf("%d.50", 1200+i))},
			{PriceKind: s.ref(PurchasePrice), Price: s.num("-5")},
		},
		Quantity: s.num([]string{"1500", "-3", "0.125", ""}[i%4]),
	}
	switch i % 3 {
	case 0:
		pr.Unit = &onec.Unit{Code: "796", Name: "Штука", Sym: "шт"}
		pr.Dimensions = &onec.Dimensions{Length: s.num("1234.5"), Width: s.num("20"), Height: ""}
		pr.Barcodes = []string{fmt.Sprintf("46%011d", i), fmt.Sprintf("47%011d", i)}
		for c := range 3 {
			pr.Characteristics = append(pr.Characteristics, characteristic(s, guid(ref, "characteristic", c), c))
		}
	case 1:
		pr.Barcodes, pr.Pictures, pr.Params, pr.Prices, pr.Characteristics = []string{}, []string{}, []onec.Param{}, []onec.Price{}, []onec.Characteristic{}
	}
	return pr
}

// characteristic returns the c-th sample characteristic of a product.
func characteristic(s Style, ref string, c int) onec.Characteristic {
	ch := onec.Characteristic{
		Ref:      s.ref(ref),
		Name:     []string{"Красная", "Синяя, 2 л", "Зелёная"}[c],
		Article:  fmt.Sprintf("АРТ-Х%d", c),
		Deleted:  c == 2,
		Quantity: s.num([]string{"12", "1000000.5", ""}[c]),
	}
	if c == 1 {
		ch.Barcodes = []string{fmt.Sprintf("48%011d", c)}
		ch.Params = []onec.Param{{Name: "Цвет", Code: "color", Value: "Синий"}}
		ch.Prices = []onec.Price{{PriceKind: s.ref(RetailPrice), Price: s.num("99999.99")}}
	}
	return ch
}

// StockPage returns a valid page of a stock snapshot with n rows, with and without
// characteristics, empty and negative quantities.
func StockPage(snapshotID string, page, pages, n int, s Style) onec.StockPage {
	p := onec.StockPage{Paging: onec.Paging{SnapshotID: s.ref(snapshotID), Page: page, Pages: pages, Full: true}}
	for i := range n {
		p.Rows = append(p.Rows, onec.StockRow{
			Product:        s.ref(guid(snapshotID, page, "product", i/2)),
			Characteristic: s.ref([]string{"", guid(snapshotID, page, "characteristic", i)}[i%2]),
			Warehouse:      s.ref(Warehouse),
			Quantity:       s.num([]string{"1234.5", "-2", "", "0"}[i%4]),
			Reserved:       s.num([]string{"", "1", "-1", "1000"}[i%4]),
		})
	}
	return p
}

// PricesPage returns a valid page of a prices snapshot with n rows, with and without
// characteristics, one of them negative.
func PricesPage(snapshotID string, page, pages, n int, s Style) onec.PricesPage {
	p := onec.PricesPage{Paging: onec.Paging{SnapshotID: s.ref(snapshotID), Page: page, Pages: pages, Full: true}}
	for i := range n {
		p.Rows = append(p.Rows, onec.PriceRow{
			Product:        s.ref(guid(snapshotID, page, "product", i)),
			Characteristic: s.ref([]string{"", guid(snapshotID, page, "characteristic", i)}[i%2]),
			PriceKind:      s.ref([]string{RetailPrice, PurchasePrice}[i%2]),
			Price:          s.num([]string{"1234.50", "-1", "0.99"}[i%3]),
		})
	}
	return p
}

// Event returns a valid event of the given type carrying payload.
func Event(eventID string, t onec.EventType, occurredAt time.Time, payload any) onec.Envelope {
	body, err := json.Marshal(payload)
	if err != nil {
		panic(err) // The samples always marshal.
	}
	return onec.Envelope{
		EventID:    eventID,
		Type:       t,
		OccurredAt: occurredAt.Format(time.RFC3339),
		Source:     onec.Source{Config: "УНФ", Version: "3.0.5.199", Infobase: Infobase},
		Payload:    body,
	}
}
