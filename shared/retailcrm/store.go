package retailcrm

import (
	"context"
	"net/url"
)

// InventoryOffer is the stock of one offer, named by ID, ExternalID or XMLID, in each store.
type InventoryOffer struct {
	ID         int64            `json:"id,omitempty"`
	ExternalID string           `json:"externalId,omitempty"`
	XMLID      string           `json:"xmlId,omitempty"`
	Stores     []InventoryStore `json:"stores"`
}

// InventoryStore is the stock of an offer in one store. Available is always sent, 0 included.
type InventoryStore struct {
	Code          string   `json:"code"`
	Available     Decimal  `json:"available"`
	PurchasePrice *Decimal `json:"purchasePrice,omitempty"`
}

// OfferPrices are the prices of one offer, named by ID, ExternalID or XMLID (within Site).
type OfferPrices struct {
	ID         int64        `json:"id,omitempty"`
	ExternalID string       `json:"externalId,omitempty"`
	XMLID      string       `json:"xmlId,omitempty"`
	Site       string       `json:"site,omitempty"`
	Prices     []OfferPrice `json:"prices"`
}

// OfferPrice is one price of an offer by price type code. Price is always sent, 0 included;
// Remove deletes the price of that type.
type OfferPrice struct {
	Code   string  `json:"code"`
	Price  Decimal `json:"price"`
	Remove bool    `json:"remove,omitempty"`
}

// UploadResult is the answer of the stock and price uploads.
type UploadResult struct {
	ProcessedOffersCount int             `json:"processedOffersCount"`
	NotFoundOffers       []OfferNotFound `json:"notFoundOffers"`
}

// OfferNotFound names an uploaded offer the account does not know.
type OfferNotFound struct {
	ID         int64  `json:"id,omitempty"`
	ExternalID string `json:"externalId,omitempty"`
	XMLID      string `json:"xmlId,omitempty"`
}

// UploadInventories sets stock (POST /api/v5/store/inventories/upload); site names the catalog
// of offers given by externalId and may be empty. Send at most 250 offers a call. Idempotent:
// retried.
func (c *Client) UploadInventories(ctx context.Context, site string, offers []InventoryOffer) (UploadResult, error) {
	extra := url.Values{}
	setString(extra, "site", site)
	form, err := entityForm("offers", offers, extra)
	if err != nil {
		return UploadResult{}, err
	}
	return post[UploadResult](ctx, c, v5+"/store/inventories/upload", form, true)
}

// UploadPrices sets prices (POST /api/v5/store/prices/upload). Send at most 250 offers a call.
// Idempotent: retried.
func (c *Client) UploadPrices(ctx context.Context, prices []OfferPrices) (UploadResult, error) {
	form, err := entityForm("prices", prices, nil)
	if err != nil {
		return UploadResult{}, err
	}
	return post[UploadResult](ctx, c, v5+"/store/prices/upload", form, true)
}

// InventoriesFilter selects offers for Inventories, by CRM id, externalId, xmlId and site.
type InventoriesFilter struct {
	// Details adds the stock in each store to every offer.
	Details          bool
	IDs              []int64
	OfferExternalIDs []string
	OfferXMLIDs      []string
	Sites            []string
	// Limit is 20, 50 or 100; 0 means the API's default (20).
	Limit int
	Page  int
}

// InventoriesPage is one page of Inventories.
type InventoriesPage struct {
	Offers     []OfferStock `json:"offers"`
	Pagination Pagination   `json:"pagination"`
}

// OfferStock is the stock of one offer of the catalog of Site: Quantity over every store, and
// per store with InventoriesFilter.Details.
type OfferStock struct {
	ID            int64        `json:"id"`
	ExternalID    string       `json:"externalId"`
	XMLID         string       `json:"xmlId"`
	Site          string       `json:"site"`
	Quantity      Decimal      `json:"quantity"`
	PurchasePrice *Decimal     `json:"purchasePrice"`
	Stores        []StoreStock `json:"stores"`
}

// StoreStock is the stock of an offer in one store.
type StoreStock struct {
	Store         string   `json:"store"`
	Quantity      Decimal  `json:"quantity"`
	PurchasePrice *Decimal `json:"purchasePrice"`
}

// Inventories reads one page of stock (GET /api/v5/store/inventories). Idempotent: retried.
func (c *Client) Inventories(ctx context.Context, f InventoriesFilter) (InventoriesPage, error) {
	q, err := listQuery(f.IDs, nil, f.Sites, f.Limit, f.Page)
	if err != nil {
		return InventoriesPage{}, err
	}
	if f.Details {
		q.Set("filter[details]", "1")
	}
	addStrings(q, "filter[offerExternalId][]", f.OfferExternalIDs)
	addStrings(q, "filter[offerXmlId][]", f.OfferXMLIDs)
	return get[InventoriesPage](ctx, c, v5+"/store/inventories", q)
}

// OffersFilter selects offers for Offers; a nil Active does not filter.
type OffersFilter struct {
	IDs         []int64
	ExternalIDs []string
	Sites       []string
	Active      *bool
	// Limit is 20, 50 or 100; 0 means the API's default (20).
	Limit int
	Page  int
}

// OffersPage is one page of Offers.
type OffersPage struct {
	Offers     []Offer    `json:"offers"`
	Pagination Pagination `json:"pagination"`
}

// Offers reads one page of catalog offers with their products (GET /api/v5/store/offers).
// Idempotent: retried.
func (c *Client) Offers(ctx context.Context, f OffersFilter) (OffersPage, error) {
	q, err := listQuery(f.IDs, f.ExternalIDs, f.Sites, f.Limit, f.Page)
	if err != nil {
		return OffersPage{}, err
	}
	setBool(q, "filter[active]", f.Active)
	return get[OffersPage](ctx, c, v5+"/store/offers", q)
}

// Product is a catalog product with its offers.
type Product struct {
	ID           int64  `json:"id"`
	ExternalID   string `json:"externalId"`
	Article      string `json:"article"`
	Name         string `json:"name"`
	Manufacturer string `json:"manufacturer"`
	// Type is "product" or "service".
	Type     string  `json:"type"`
	Active   bool    `json:"active"`
	Markable bool    `json:"markable"`
	MinPrice Decimal `json:"minPrice"`
	MaxPrice Decimal `json:"maxPrice"`
	Quantity Decimal `json:"quantity"`
	URL      string  `json:"url"`
	ImageURL string  `json:"imageUrl"`
	// Groups are the product groups it belongs to.
	Groups []EntityRef `json:"groups"`
	Offers []Offer     `json:"offers"`
}

// ProductsFilter selects products for Products; a nil Active does not filter.
type ProductsFilter struct {
	IDs             []int64
	ExternalID      string
	OfferExternalID string
	Sites           []string
	Active          *bool
	// Limit is 20, 50 or 100; 0 means the API's default (20).
	Limit int
	Page  int
}

// ProductsPage is one page of Products.
type ProductsPage struct {
	Products   []Product  `json:"products"`
	Pagination Pagination `json:"pagination"`
}

// Products reads one page of catalog products with their offers (GET /api/v5/store/products).
// Idempotent: retried.
func (c *Client) Products(ctx context.Context, f ProductsFilter) (ProductsPage, error) {
	q, err := listQuery(f.IDs, nil, f.Sites, f.Limit, f.Page)
	if err != nil {
		return ProductsPage{}, err
	}
	setBool(q, "filter[active]", f.Active)
	setString(q, "filter[externalId]", f.ExternalID)
	setString(q, "filter[offerExternalId]", f.OfferExternalID)
	return get[ProductsPage](ctx, c, v5+"/store/products", q)
}

// ProductGroup is a group (category) of the catalog of a site; ParentID is 0 at the top.
type ProductGroup struct {
	ID         int64  `json:"id"`
	ParentID   int64  `json:"parentId"`
	ExternalID string `json:"externalId"`
	Site       string `json:"site"`
	Name       string `json:"name"`
	Active     bool   `json:"active"`
}

// ProductGroupsFilter selects product groups for ProductGroups; a nil Active does not filter.
type ProductGroupsFilter struct {
	IDs    []int64
	Sites  []string
	Active *bool
	// Limit is 20, 50 or 100; 0 means the API's default (20).
	Limit int
	Page  int
}

// ProductGroupsPage is one page of ProductGroups.
type ProductGroupsPage struct {
	ProductGroups []ProductGroup `json:"productGroup"`
	Pagination    Pagination     `json:"pagination"`
}

// ProductGroups reads one page of product groups (GET /api/v5/store/product-groups).
// Idempotent: retried.
func (c *Client) ProductGroups(ctx context.Context, f ProductGroupsFilter) (ProductGroupsPage, error) {
	q, err := listQuery(f.IDs, nil, f.Sites, f.Limit, f.Page)
	if err != nil {
		return ProductGroupsPage{}, err
	}
	setBool(q, "filter[active]", f.Active)
	return get[ProductGroupsPage](ctx, c, v5+"/store/product-groups", q)
}
