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
