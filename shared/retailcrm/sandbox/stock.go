package sandbox

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/shopspring/decimal"
)

// Store is a warehouse (reference/stores).
type Store struct {
	Code          string
	Name          string
	Description   string
	Type          string // default "store-type-warehouse"
	InventoryType string // "integer" (default) or "available"
	Active        bool
	Address       Address
	Phone         string
	Email         string
}

type storePhone struct {
	Number string `json:"number,omitempty"`
}

type storeView struct {
	Code          string              `json:"code"`
	Name          string              `json:"name"`
	Description   string              `json:"description,omitempty"`
	Type          string              `json:"type"`
	InventoryType string              `json:"inventoryType"`
	Active        bool                `json:"active"`
	Address       Address             `json:"address"`
	Phone         storePhone          `json:"phone"`
	Email         string              `json:"email,omitempty"`
	WorkTime      map[string][]string `json:"workTime"`
}

func (st Store) view() storeView {
	v := storeView{
		Code: st.Code, Name: st.Name, Description: st.Description, Type: st.Type, InventoryType: st.InventoryType,
		Active: st.Active, Address: st.Address, Phone: storePhone{st.Phone}, Email: st.Email, WorkTime: map[string][]string{},
	}
	if v.Type == "" {
		v.Type = "store-type-warehouse"
	}
	if v.InventoryType == "" {
		v.InventoryType = "integer"
	}
	for _, d := range []string{"mo", "tu", "we", "th", "fr", "sa", "su"} {
		v.WorkTime[d] = []string{}
	}
	return v
}

// PriceType is a price type (reference/price-types); the one with Default is the base price.
type PriceType struct {
	Code     string
	Name     string
	Active   bool
	Default  bool
	Ordering int
}

type priceTypeView struct {
	ID       int      `json:"id"`
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Active   bool     `json:"active"`
	Default  bool     `json:"default"`
	Geo      []string `json:"geo"`
	Groups   []string `json:"groups"`
	Ordering int      `json:"ordering"`
}

// AddStore adds a warehouse.
func (s *Sandbox) AddStore(st Store) { add(s, func(a *account) { a.stores = append(a.stores, st) }) }

// AddPriceType adds a price type.
func (s *Sandbox) AddPriceType(p PriceType) {
	add(s, func(a *account) { a.priceTypes = append(a.priceTypes, p) })
}

func handleStores(a *account, _ *call) (any, error) {
	views := []storeView{}
	for _, st := range a.stores {
		views = append(views, st.view())
	}
	return struct {
		Success bool        `json:"success"`
		Stores  []storeView `json:"stores"`
	}{true, views}, nil
}

func handlePriceTypes(a *account, _ *call) (any, error) {
	views := []priceTypeView{}
	for i, p := range a.priceTypes {
		views = append(views, priceTypeView{
			ID: i + 1, Code: p.Code, Name: p.Name, Active: p.Active, Default: p.Default,
			Geo: []string{}, Groups: []string{}, Ordering: p.Ordering,
		})
	}
	return struct {
		Success    bool            `json:"success"`
		PriceTypes []priceTypeView `json:"priceTypes"`
	}{true, views}, nil
}

// MsgStockEditingOff is the answer to a stock upload while stock editing is switched off with
// SetStockEditing (unconfirmed wording: the real message could not be captured).
const MsgStockEditingOff = "Stock editing is disabled: enable warehouses, reservation and stock editing in the settings"

// maxUpload is the largest batch of store/inventories/upload and store/prices/upload
// (unconfirmed; the official modules send 200-250).
const maxUpload = 250

// SetStockEditing switches stock uploads on (the default) or off; while off every
// store/inventories/upload answers 400 with MsgStockEditingOff, as an account without
// warehouses, reservation and stock editing does.
func (s *Sandbox) SetStockEditing(on bool) {
	add(s, func(a *account) { a.stockEditingOff = !on })
}

const msgNoOfferKey = "Offer id, externalId or xmlId must be provided."

// msgOfferRejected refuses an offer named by RejectOffers (unconfirmed wording: it stands for
// any offer RetailCRM finds invalid).
const msgOfferRejected = "The offer cannot be updated."

// RejectOffers makes every store/inventories/upload and store/prices/upload batch that names
// one of the offers (by externalId or xmlId) answer 400 with a validation error on that offer,
// storing nothing of the batch, as RetailCRM refuses a batch with one bad offer. Called with no
// keys it accepts every offer again.
func (s *Sandbox) RejectOffers(keys ...string) {
	add(s, func(a *account) {
		a.rejected = map[string]bool{}
		for _, k := range keys {
			if k != "" {
				a.rejected[k] = true
			}
		}
	})
}

// reject adds the validation error of an uploaded offer named by RejectOffers.
func (a *account) reject(e errs, field string, k offerKey) {
	if a.rejected[k.ExternalID] || a.rejected[k.XMLID] {
		e.add(field, msgOfferRejected)
	}
}

// offerKey addresses an offer in uploads, by CRM id, externalId or xmlId (in that priority).
type offerKey struct {
	ID         int    `json:"id,omitempty"`
	ExternalID string `json:"externalId,omitempty"`
	XMLID      string `json:"xmlId,omitempty"`
}

type inventoryInput struct {
	offerKey
	Stores []struct {
		Code          string `json:"code"`
		Available     *num   `json:"available"`
		PurchasePrice *num   `json:"purchasePrice"`
	} `json:"stores"`
}

type uploadAnswer struct {
	Success              bool       `json:"success"`
	ProcessedOffersCount int        `json:"processedOffersCount"`
	NotFoundOffers       []offerKey `json:"notFoundOffers"`
}

// handleInventoriesUpload answers POST store/inventories/upload. The whole batch is
// validated before anything is stored.
func handleInventoriesUpload(a *account, c *call) (any, error) {
	if a.stockEditingOff {
		return nil, &apiError{status: http.StatusBadRequest, msg: MsgStockEditingOff}
	}
	var in []inventoryInput
	if err := decodeBatch(c, "offers", &in); err != nil {
		return nil, err
	}
	e := errs{}
	for i, o := range in {
		if o.offerKey == (offerKey{}) {
			e.add(indexed("offers", i), msgNoOfferKey)
		}
		a.reject(e, indexed("offers", i), o.offerKey)
		for j, st := range o.Stores {
			field := indexed(indexed("offers", i)+".stores", j)
			if _, ok := a.store(st.Code); !ok {
				e.add(field+".code", fmt.Sprintf("Store with code %q does not exist.", st.Code))
			}
			for name, n := range map[string]*num{"available": st.Available, "purchasePrice": st.PurchasePrice} {
				if n != nil {
					e.nonNegative(field+"."+name, *n)
				}
			}
		}
	}
	if len(e) > 0 {
		return nil, errEntity(e)
	}
	ans := uploadAnswer{Success: true, NotFoundOffers: []offerKey{}}
	for _, o := range in {
		of := a.findOffer(o.offerKey)
		if of == nil {
			ans.NotFoundOffers = append(ans.NotFoundOffers, o.offerKey)
			continue
		}
		ans.ProcessedOffersCount++
		for _, st := range o.Stores {
			e := of.stock[st.Code]
			if st.Available != nil {
				e.available = *st.Available
			}
			if st.PurchasePrice != nil {
				e.purchasePrice, of.purchasePrice = *st.PurchasePrice, *st.PurchasePrice
			}
			of.stock[st.Code] = e
		}
	}
	return ans, nil
}

type priceInput struct {
	offerKey
	Site   string `json:"site"`
	Prices []struct {
		Code   string `json:"code"`
		Price  *num   `json:"price"`
		Remove bool   `json:"remove"`
	} `json:"prices"`
}

// handlePricesUpload answers POST store/prices/upload; a price sent with "remove": true is
// deleted. The whole batch is validated before anything is stored.
func handlePricesUpload(a *account, c *call) (any, error) {
	var in []priceInput
	if err := decodeBatch(c, "prices", &in); err != nil {
		return nil, err
	}
	e := errs{}
	for i, p := range in {
		field := indexed("prices", i)
		if p.offerKey == (offerKey{}) {
			e.add(field, msgNoOfferKey)
		}
		a.reject(e, field, p.offerKey)
		if p.Site != "" && (a.findSite(p.Site) == nil || !c.key.reaches(p.Site)) {
			return nil, errAccessDenied()
		}
		if p.Site == "" && len(a.reachable(c.key)) > 1 {
			e.add(field+".site", probRequired)
		}
		for j, pr := range p.Prices {
			f := indexed(field+".prices", j)
			if _, ok := a.priceType(pr.Code); !ok {
				e.add(f+".code", fmt.Sprintf("Price type with code %q does not exist.", pr.Code))
			}
			switch {
			case pr.Remove:
			case pr.Price == nil:
				e.add(f+".price", probRequired)
			default:
				e.nonNegative(f+".price", *pr.Price)
			}
		}
	}
	if len(e) > 0 {
		return nil, errEntity(e)
	}
	ans := uploadAnswer{Success: true, NotFoundOffers: []offerKey{}}
	for _, p := range in {
		of := a.findOffer(p.offerKey)
		if of == nil {
			ans.NotFoundOffers = append(ans.NotFoundOffers, p.offerKey)
			continue
		}
		ans.ProcessedOffersCount++
		for _, pr := range p.Prices {
			if pr.Remove {
				delete(of.prices, pr.Code)
			} else {
				of.prices[pr.Code] = *pr.Price
			}
		}
	}
	return ans, nil
}

type storeStockView struct {
	Store         string `json:"store"`
	PurchasePrice *num   `json:"purchasePrice,omitempty"`
	Quantity      num    `json:"quantity"`
}

type inventoryView struct {
	ID            int              `json:"id"`
	ExternalID    string           `json:"externalId,omitempty"`
	XMLID         string           `json:"xmlId,omitempty"`
	Site          string           `json:"site"`
	PurchasePrice *num             `json:"purchasePrice,omitempty"`
	Quantity      num              `json:"quantity"`
	Stores        []storeStockView `json:"stores,omitzero"`
}

// nonZero is n, or nil for zero: a purchase price never set is left out.
func nonZero(n num) *num {
	if n.IsZero() {
		return nil
	}
	return &n
}

// handleInventories answers GET store/inventories with filter[ids][], filter[offerExternalId][],
// filter[offerXmlId][], filter[sites][] and paging: the stock of every offer summed over the
// stores and, with filter[details]=1, per store.
func handleInventories(a *account, c *call) (any, error) {
	f, err := filters(c.query, "ids", "offerExternalId", "offerXmlId", "sites", "details")
	if err != nil {
		return nil, err
	}
	pg, err := pageOf(c.query)
	if err != nil {
		return nil, err
	}
	ids, err := ints("filter[ids]", f["ids"])
	if err != nil {
		return nil, err
	}
	details, _, err := flagValue(f["details"])
	if err != nil {
		return nil, err
	}
	site := a.catalogSite()
	var hits []*offer
	for _, of := range a.offers {
		if (len(ids) == 0 || slices.Contains(ids, of.id)) && matches(f["offerExternalId"], of.externalID) &&
			matches(f["offerXmlId"], of.xmlID) && matches(f["sites"], site) {
			hits = append(hits, of)
		}
	}
	lo, hi, p := paginate(len(hits), pg)
	views := make([]inventoryView, 0, hi-lo)
	for _, of := range hits[lo:hi] {
		v := inventoryView{ID: of.id, ExternalID: of.externalID, XMLID: of.xmlID, Site: site, PurchasePrice: nonZero(of.purchasePrice)}
		var stores []storeStockView
		for _, st := range a.stores {
			if e, ok := of.stock[st.Code]; ok {
				v.Quantity = v.Quantity.add(e.available)
				stores = append(stores, storeStockView{Store: st.Code, PurchasePrice: nonZero(e.purchasePrice), Quantity: e.available})
			}
		}
		if details {
			v.Stores = nonNil(stores)
		}
		views = append(views, v)
	}
	return struct {
		Success    bool            `json:"success"`
		Pagination pagination      `json:"pagination"`
		Offers     []inventoryView `json:"offers"`
	}{true, p, views}, nil
}

// decodeBatch decodes a JSON array form field of an upload and enforces the batch limit.
func decodeBatch[T any](c *call, name string, in *[]T) error {
	if err := decodeEntity(c.form, name, in); err != nil {
		return err
	}
	if len(*in) > maxUpload {
		return errInput(name, fmt.Sprintf("This collection should contain %d elements or less.", maxUpload))
	}
	return nil
}

// Stock returns what the uploads left for an offer (by externalId) at a store: the available
// quantity and the purchase price (zero when none was sent); ok is false when nothing was
// uploaded for that pair.
func (s *Sandbox) Stock(offerExternalID, store string) (available, purchasePrice decimal.Decimal, ok bool) {
	_ = s.do(func(a *account) error {
		of := a.findOffer(offerKey{ExternalID: offerExternalID})
		if of == nil {
			return nil
		}
		var e stockEntry
		if e, ok = of.stock[store]; ok {
			available, purchasePrice = e.available.Decimal, e.purchasePrice.Decimal
		}
		return nil
	})
	return available, purchasePrice, ok
}

// Price returns the price of an offer (by externalId) for a price type; ok is false when the
// offer has no such price.
func (s *Sandbox) Price(offerExternalID, priceType string) (price decimal.Decimal, ok bool) {
	_ = s.do(func(a *account) error {
		if of := a.findOffer(offerKey{ExternalID: offerExternalID}); of != nil {
			var p num
			p, ok = of.prices[priceType]
			price = p.Decimal
		}
		return nil
	})
	return price, ok
}
