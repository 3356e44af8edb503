package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// icmlDoc is a catalog file of offers written as "<offer id>|<xmlId>|<name>|<article>".
func icmlDoc(offers ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<yml_catalog date="2026-11-29 12:00:00"><shop><name>shop</name><company>ООО</company>
<categories><category id="G1">Всё</category></categories><offers>`)
	for _, o := range offers {
		f := strings.Split(o, "|")
		fmt.Fprintf(&b, `<offer id=%q productId="P" quantity="3" type="product"><price>10</price><categoryId>G1</categoryId>
<name>%s</name><productName>P</productName><xmlId>%s</xmlId><param name="Артикул" code="article">%s</param></offer>`, f[0], f[2], f[1], f[3])
	}
	b.WriteString(`</offers></shop></yml_catalog>`)
	return b.String()
}

// inventoryCount is how many offers GET store/inventories finds by externalId.
func inventoryCount(t *testing.T, c *api, externalID string) string {
	t.Helper()
	a := c.get("/api/v5/store/inventories", query("filter[offerExternalId][]", externalID)).ok(t)
	return str(at(a.json, "pagination", "totalCount"))
}

func TestLoadICML(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	doc := icmlDoc("A-1|A-1|Кружка &amp; блюдце|ART-1", "B-2|xml-B-2|Тарелка|", offerExt(0)+"|"+offerExt(0)+"|Переименованный|")
	n, err := sb.LoadICML(strings.NewReader(doc))
	if err != nil || n != 3 {
		t.Fatalf("LoadICML: %d %v", n, err)
	}
	offers := `[{"externalId": "A-1", "stores": [{"code": "main", "available": 4}]}, {"xmlId": "xml-B-2", "stores": [{"code": "main", "available": 5}]}]`
	if a := c.post("/api/v5/store/inventories/upload", form("offers", offers)).ok(t); str(a.json["processedOffersCount"]) != "2" {
		t.Fatalf("uploads to the loaded offers: %s", a.body)
	}
	for ext, want := range map[string]int64{"A-1": 4, "B-2": 5} {
		if av, _, ok := sb.Stock(ext, "main"); !ok || !av.Equal(decimal.NewFromInt(want)) {
			t.Errorf("stock of %s: %v %v", ext, av, ok)
		}
	}
	// An order line shows the name and article read from the file.
	o := createOrder(t, c, "", `{"items": [{"offer": {"externalId": "A-1"}}]}`)
	if at(o, "items", 0, "offer", "name") != "Кружка & блюдце" || at(o, "items", 0, "offer", "article") != "ART-1" {
		t.Errorf("loaded offer in an order line: %v", at(o, "items", 0, "offer"))
	}

	again, err := sb.LoadICML(strings.NewReader(doc))
	if err != nil || again != 3 || inventoryCount(t, c, "A-1") != "1" || inventoryCount(t, c, offerExt(0)) != "1" {
		t.Errorf("loading the file again: %d %v; offers A-1: %s, demo offer: %s", again, err,
			inventoryCount(t, c, "A-1"), inventoryCount(t, c, offerExt(0)))
	}
	if av, _, _ := sb.Stock("A-1", "main"); !av.Equal(decimal.NewFromInt(4)) {
		t.Errorf("loading the file again reset a known offer: %v", av)
	}

	for name, bad := range map[string]string{
		"truncated":      strings.Replace(doc, `</offers></shop></yml_catalog>`, `</offers>`, 1) + `<offer id="C-3"><name>`,
		"no offer key":   icmlDoc("C-3|C-3|Чашка|", "||Без ключа|"),
		"not an element": strings.Replace(icmlDoc("C-3|C-3|Чашка|"), "<xmlId>C-3</xmlId>", "<xmlId>C-3</xmlid>", 1),
	} {
		if _, err := sb.LoadICML(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: a malformed file was loaded", name)
		}
	}
	if inventoryCount(t, c, "C-3") != "0" {
		t.Error("an offer of a malformed file was added")
	}
}

func TestOfferIndexKeepsTheFirstOffer(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	first := sb.AddOffer("dup", "dup-xml", "Первый")
	second := sb.AddOffer("dup", "other-xml", "Второй")
	c.post("/api/v5/store/inventories/upload", form("offers", fmt.Sprintf(`[
		{"externalId": "dup", "stores": [{"code": "main", "available": 1}]},
		{"xmlId": "other-xml", "stores": [{"code": "second", "available": 2}]},
		{"id": %d, "stores": [{"code": "second", "available": 3}]}]`, first))).ok(t)
	a := c.get("/api/v5/store/inventories", query("filter[offerExternalId][]", "dup", "filter[details]", "1")).ok(t)
	got := map[string]string{}
	for i := range 2 {
		got[str(at(a.json, "offers", i, "id"))] = str(at(a.json, "offers", i, "stores"))
	}
	want := map[string]string{
		fmt.Sprint(first):  `[{"quantity":1,"store":"main"},{"quantity":3,"store":"second"}]`,
		fmt.Sprint(second): `[{"quantity":2,"store":"second"}]`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stock by offer id %v, want %v", got, want)
	}
}

func TestRejectOffers(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	sb.RejectOffers(offerExt(1), "")
	stock := fmt.Sprintf(`[{"externalId": %q, "stores": [{"code": "main", "available": 99}]}, {"xmlId": %q, "stores": [{"code": "main", "available": 98}]}]`,
		offerExt(0), offerExt(1))
	c.post("/api/v5/store/inventories/upload", form("offers", stock)).
		fails(t, http.StatusBadRequest, "Errors in the entity format", "offers[1]")
	prices := fmt.Sprintf(`[{"externalId": %q, "site": %q, "prices": [{"code": "base", "price": 1}]}]`, offerExt(1), DemoSite)
	c.post("/api/v5/store/prices/upload", form("prices", prices)).fails(t, http.StatusBadRequest, "Errors in the entity format", "prices[0]")
	if av, _, _ := sb.Stock(offerExt(0), "main"); !av.Equal(decimal.NewFromInt(12)) {
		t.Errorf("a refused batch changed another offer's stock: %v", av)
	}
	other := fmt.Sprintf(`[{"externalId": %q, "stores": [{"code": "main", "available": 97}]}]`, offerExt(2))
	c.post("/api/v5/store/inventories/upload", form("offers", other)).ok(t)

	sb.RejectOffers()
	c.post("/api/v5/store/inventories/upload", form("offers", stock)).ok(t)
	c.post("/api/v5/store/prices/upload", form("prices", prices)).ok(t)
	if av, _, _ := sb.Stock(offerExt(1), "main"); !av.Equal(decimal.NewFromInt(98)) {
		t.Errorf("stock after RejectOffers(): %v", av)
	}
	if p, _ := sb.Price(offerExt(1), "base"); !p.Equal(decimal.NewFromInt(1)) {
		t.Errorf("price after RejectOffers(): %v", p)
	}
}
