package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestInventoriesUpload(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	offers := fmt.Sprintf(`[
		{"externalId": %q, "stores": [{"code": "main", "available": 0, "purchasePrice": "1234.56"}, {"code": "second", "available": 7}]},
		{"xmlId": %q, "stores": [{"code": "main", "available": "2.5"}]},
		{"externalId": "not-in-catalog", "stores": [{"code": "main", "available": 1}]},
		{"id": 1, "stores": []}]`, offerExt(0), offerExt(1))
	a := c.post("/api/v5/store/inventories/upload", form("site", DemoSite, "offers", offers)).ok(t)
	if str(a.json["processedOffersCount"]) != "2" || str(a.json["notFoundOffers"]) != `[{"externalId":"not-in-catalog"},{"id":1}]` {
		t.Errorf("answer %s", a.body)
	}
	for _, want := range []struct {
		offer, store, available, purchase string
	}{{offerExt(0), "main", "0", "1234.56"}, {offerExt(0), "second", "7", "0"}, {offerExt(1), "main", "2.5", "203"}} {
		av, pp, ok := sb.Stock(want.offer, want.store)
		if !ok || !av.Equal(decimal.RequireFromString(want.available)) || !pp.Equal(decimal.RequireFromString(want.purchase)) {
			t.Errorf("%s at %s: %v %v %v, want %s %s", want.offer, want.store, av, pp, ok, want.available, want.purchase)
		}
	}
	if _, _, ok := sb.Stock("not-in-catalog", "main"); ok {
		t.Error("stock of an unknown offer")
	}
	added := sb.AddOffer("new-ext", "new-xml", "Новый товар")
	c.post("/api/v5/store/inventories/upload", form("offers", fmt.Sprintf(`[{"id": %d, "stores": [{"code": "second", "available": 3}]}]`, added))).ok(t)
	if av, _, ok := sb.Stock("new-ext", "second"); !ok || av.String() != "3" {
		t.Errorf("offer added by AddOffer, uploaded by id: %v %v", av, ok)
	}
	// A new line takes the offer's last purchase price.
	o := createOrder(t, c, "", fmt.Sprintf(`{"items": [{"offer": {"externalId": %q}}]}`, offerExt(0)))
	if str(at(o, "items", 0, "purchasePrice")) != "1234.56" {
		t.Errorf("purchasePrice of a new line: %v", at(o, "items", 0, "purchasePrice"))
	}
}

func TestInventoriesUploadRejects(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	upload := func(offers string) answer { return c.post("/api/v5/store/inventories/upload", form("offers", offers)) }
	upload(fmt.Sprintf(`[{"externalId": %q, "stores": [{"code": "nowhere", "available": 1}]}]`, offerExt(0))).
		fails(t, http.StatusBadRequest, "Errors in the entity format", "offers[0].stores[0].code")
	upload(fmt.Sprintf(`[{"externalId": %q, "stores": [{"code": "main", "available": -1}]}]`, offerExt(0))).
		fails(t, http.StatusBadRequest, "Errors in the entity format", "offers[0].stores[0].available")
	batch := func(n int) string {
		return "[" + strings.TrimSuffix(strings.Repeat(`{"externalId": "x", "stores": []},`, n), ",") + "]"
	}
	upload(batch(251)).fails(t, http.StatusBadRequest, "Errors in the input parameters", "offers")
	upload(batch(250)).ok(t)
	c.post("/api/v5/store/inventories/upload", nil).fails(t, http.StatusBadRequest, "Parameter 'offers' is missing")

	sb.SetStockEditing(false)
	upload(`[]`).fails(t, http.StatusBadRequest, MsgStockEditingOff)
	sb.SetStockEditing(true)
	upload(`[]`).ok(t)
	if av, _, _ := sb.Stock(offerExt(0), "main"); !av.Equal(decimal.NewFromInt(12)) {
		t.Errorf("a rejected upload changed the stock: %v", av)
	}
}

func TestPricesUpload(t *testing.T) {
	sb, _ := newTestSandbox(t)
	c := newAPI(t, sb, keyBridge)
	prices := fmt.Sprintf(`[
		{"externalId": %q, "site": %q, "prices": [{"code": "base", "price": "2599.99"}, {"code": "wholesale", "remove": true}]},
		{"xmlId": "unknown", "site": %q, "prices": [{"code": "base", "price": 1}]}]`, offerExt(0), DemoSite, DemoSite)
	a := c.post("/api/v5/store/prices/upload", form("prices", prices)).ok(t)
	if str(a.json["processedOffersCount"]) != "1" || str(a.json["notFoundOffers"]) != `[{"xmlId":"unknown"}]` {
		t.Errorf("answer %s", a.body)
	}
	if p, ok := sb.Price(offerExt(0), "base"); !ok || p.String() != "2599.99" {
		t.Errorf("base price %v %v", p, ok)
	}
	if _, ok := sb.Price(offerExt(0), "wholesale"); ok {
		t.Error("the removed wholesale price is still there")
	}
	if !sb.SetOfferPrice(offerExt(1), "promo", decimal.RequireFromString("100")) || sb.SetOfferPrice("unknown", "base", decimal.Zero) {
		t.Error("SetOfferPrice reports the wrong offer presence")
	}
	bad := fmt.Sprintf(`[{"externalId": %q, "site": %q, "prices": [{"code": "vip", "price": 1}, {"code": "base"}]}]`, offerExt(0), DemoSite)
	c.post("/api/v5/store/prices/upload", form("prices", bad)).
		fails(t, http.StatusBadRequest, "Errors in the entity format", "prices[0].prices[0].code", "prices[0].prices[1].price")
	c.post("/api/v5/store/prices/upload", form("prices", fmt.Sprintf(`[{"externalId": %q, "site": %q, "prices": []}]`, offerExt(0), DemoOtherSite))).
		fails(t, http.StatusForbidden, "Access denied.")
	newAPI(t, sb, keyAll).post("/api/v5/store/prices/upload", form("prices", fmt.Sprintf(`[{"externalId": %q, "prices": []}]`, offerExt(0)))).
		fails(t, http.StatusBadRequest, "Errors in the entity format", "prices[0].site")
}
