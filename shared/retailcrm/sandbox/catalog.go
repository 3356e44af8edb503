package sandbox

import (
	"github.com/shopspring/decimal"
)

// offer is a sellable variant of the catalog. The sandbox keeps one catalog shared by every
// site (RetailCRM's "main catalog site" setup), so externalId and xmlId are unique account-wide.
type offer struct {
	id, productID     int
	externalID, xmlID string
	name, article     string
	stock             map[string]stockEntry // by store code
	prices            map[string]num        // by price type code
	purchasePrice     num                   // the last one uploaded, for new order lines
}

type stockEntry struct {
	available, purchasePrice num
}

// AddOffer adds an offer to the catalog, as if the shop's ICML had been loaded, and returns
// its CRM id. Either externalId or xmlId may be empty.
func (s *Sandbox) AddOffer(externalID, xmlID, name string) int {
	var id int
	_ = s.do(func(a *account) error {
		id = a.addOffer(externalID, xmlID, name, "")
		return nil
	})
	return id
}

func (a *account) addOffer(externalID, xmlID, name, article string) int {
	of := &offer{
		id: a.newID(idOffer), productID: a.newID(idProduct), externalID: externalID, xmlID: xmlID,
		name: name, article: article, stock: map[string]stockEntry{}, prices: map[string]num{},
	}
	a.offers = append(a.offers, of)
	a.offerByID[of.id] = of
	indexOffer(a.offerByExternalID, externalID, of)
	indexOffer(a.offerByXMLID, xmlID, of)
	return of.id
}

// indexOffer files of under a non-empty key not taken yet.
func indexOffer(index map[string]*offer, key string, of *offer) {
	if _, taken := index[key]; key != "" && !taken {
		index[key] = of
	}
}

// SetOfferPrice sets the price of an offer (by externalId) for a price type, as the catalog
// would; it reports whether the offer exists.
func (s *Sandbox) SetOfferPrice(offerExternalID, priceType string, price decimal.Decimal) bool {
	found := false
	_ = s.do(func(a *account) error {
		if of := a.findOffer(offerKey{ExternalID: offerExternalID}); of != nil {
			of.prices[priceType], found = num{price}, true
		}
		return nil
	})
	return found
}

// findOffer resolves an offer key: by id first, then externalId, then xmlId.
func (a *account) findOffer(k offerKey) *offer {
	switch {
	case k.ID != 0:
		return a.offerByID[k.ID]
	case k.ExternalID != "":
		return a.offerByExternalID[k.ExternalID]
	case k.XMLID != "":
		return a.offerByXMLID[k.XMLID]
	}
	return nil
}

// offerRef is how an order item or a history record shows its offer.
type offerRef struct {
	ID         int    `json:"id"`
	ExternalID string `json:"externalId,omitempty"`
	XMLID      string `json:"xmlId,omitempty"`
}

func (of *offer) ref() offerRef {
	return offerRef{ID: of.id, ExternalID: of.externalID, XMLID: of.xmlID}
}

type unitView struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Sym  string `json:"sym"`
}

// piece is the unit of every offer, the only entry of reference/units.
var piece = unitView{Code: "pc", Name: "Штука", Sym: "шт."}

// handleUnits answers GET reference/units.
func handleUnits(*account, *call) (any, error) {
	type unitBookView struct {
		unitView
		Default bool `json:"default"`
		Active  bool `json:"active"`
	}
	return struct {
		Success bool                    `json:"success"`
		Units   map[string]unitBookView `json:"units"`
	}{true, map[string]unitBookView{piece.Code: {piece, true, true}}}, nil
}

// offerView is the offer inside an order item.
type offerView struct {
	DisplayName string   `json:"displayName"`
	ID          int      `json:"id"`
	ExternalID  string   `json:"externalId,omitempty"`
	XMLID       string   `json:"xmlId,omitempty"`
	Name        string   `json:"name"`
	Article     string   `json:"article,omitempty"`
	VatRate     string   `json:"vatRate"`
	Unit        unitView `json:"unit"`
}

func (of *offer) view() offerView {
	return offerView{
		DisplayName: of.name, ID: of.id, ExternalID: of.externalID, XMLID: of.xmlID, Name: of.name,
		Article: of.article, VatRate: "none", Unit: piece,
	}
}

// catalogSite is the site the shared catalog belongs to: the main catalog site, else the first
// site.
func (a *account) catalogSite() string {
	for _, st := range a.sites {
		if st.IsCatalogMainSite {
			return st.Code
		}
	}
	if len(a.sites) > 0 {
		return a.sites[0].Code
	}
	return ""
}
