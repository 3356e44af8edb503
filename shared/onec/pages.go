package onec

// Paged snapshots: the catalog, the stock and the prices travel from 1C as a snapshot cut into
// pages, one event per page. Every page of a snapshot carries the same snapshotId and pages; a
// snapshot is complete when pages 1…pages have all arrived. Only full snapshots are accepted:
// 1C sends everything it publishes, and what a full snapshot lacks is gone in 1C.

// Paging is the part of a page event that places it in its snapshot.
type Paging struct {
	// SnapshotID is the GUID of the snapshot, chosen by 1C.
	SnapshotID string `json:"snapshotId"`
	// Page is the number of this page, from 1 to Pages.
	Page int `json:"page"`
	// Pages is the number of pages of the snapshot.
	Pages int `json:"pages"`
	// Full must be true: the snapshot holds everything 1C publishes.
	Full bool `json:"full"`
}

// CatalogPage is the payload of a catalog.page event: nomenclature groups and products.
type CatalogPage struct {
	Paging
	// Groups are nomenclature groups (folders of Справочник.Номенклатура). A group may arrive on
	// any page of the snapshot, before or after its products.
	Groups []CatalogGroup `json:"groups"`
	// Products are the products of this page, each with its characteristics.
	Products []Product `json:"products"`
}

// CatalogGroup is a nomenclature group.
type CatalogGroup struct {
	Ref  string `json:"ref"`
	Name string `json:"name"`
	// Parent is the parent group; empty (null) for a top-level group.
	Parent string `json:"parent"`
}

// Product is an item of Справочник.Номенклатура: a good or a service.
//
// Numbers (prices, quantities, weight, dimensions) are decimal strings. 1C's own formatting is
// accepted, with a comma and non-breaking or thin spaces between thousands ("1 234,50"); the
// bridge normalises them.
type Product struct {
	Ref     string `json:"ref"`
	Code    string `json:"code"`
	Article string `json:"article"`
	Name    string `json:"name"`
	// Group is the nomenclature group of the product; empty (null) outside any group.
	Group string `json:"group"`
	// Service marks a service (Тип номенклатуры: Услуга).
	Service bool `json:"service"`
	// Deleted marks a product marked for deletion: it is published as inactive.
	Deleted bool  `json:"deleted"`
	Unit    *Unit `json:"unit"`
	// VATRate is the VAT percent ("20", "10", "0"); empty (null) means without VAT.
	VATRate string `json:"vatRate"`
	// Weight is in kilograms.
	Weight string `json:"weight"`
	// Dimensions are in centimetres.
	Dimensions *Dimensions `json:"dimensions"`
	Barcodes   []string    `json:"barcodes"`
	Vendor     string      `json:"vendor"`
	// Markable marks goods under mandatory marking.
	Markable bool     `json:"markable"`
	URL      string   `json:"url"`
	Pictures []string `json:"pictures"`
	Params   []Param  `json:"params"`
	// Prices of the product by price kind; a characteristic without its own price has these.
	Prices []Price `json:"prices"`
	// Quantity is the stock of the product over all warehouses, as the catalog's quantity.
	Quantity string `json:"quantity"`
	// Characteristics are the variants (Справочник.ХарактеристикиНоменклатуры) of the product.
	Characteristics []Characteristic `json:"characteristics"`
}

// Characteristic is a variant of a product.
type Characteristic struct {
	Ref      string   `json:"ref"`
	Name     string   `json:"name"`
	Article  string   `json:"article"`
	Deleted  bool     `json:"deleted"`
	Barcodes []string `json:"barcodes"`
	Params   []Param  `json:"params"`
	// Prices of the variant; empty means the product's prices.
	Prices []Price `json:"prices"`
	// Quantity is the stock of the variant over all warehouses.
	Quantity string `json:"quantity"`
}

// Unit is a unit of measure as RetailCRM shows it: code (e.g. "pcs" or the OKEI code), name and
// symbol.
type Unit struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Sym  string `json:"sym"`
}

// Dimensions are length, width and height in centimetres.
type Dimensions struct {
	Length string `json:"length"`
	Width  string `json:"width"`
	Height string `json:"height"`
}

// Param is a property of a product shown in RetailCRM.
type Param struct {
	Name  string `json:"name"`
	Code  string `json:"code"`
	Value string `json:"value"`
}

// Price is the price of a product or variant by one price kind (Справочник.ВидыЦен).
type Price struct {
	PriceKind string `json:"priceKind"`
	Price     string `json:"price"`
}

// StockPage is the payload of a stock.page event.
type StockPage struct {
	Paging
	Rows []StockRow `json:"rows"`
}

// StockRow is the stock of one product (or variant) on one warehouse.
type StockRow struct {
	Product string `json:"product"`
	// Characteristic is empty (null) for a product without variants.
	Characteristic string `json:"characteristic"`
	Warehouse      string `json:"warehouse"`
	Quantity       string `json:"quantity"`
	Reserved       string `json:"reserved"`
}

// PricesPage is the payload of a prices.page event.
type PricesPage struct {
	Paging
	Rows []PriceRow `json:"rows"`
}

// PriceRow is the price of one product (or variant) by one price kind.
type PriceRow struct {
	Product string `json:"product"`
	// Characteristic is empty (null) for a product without variants.
	Characteristic string `json:"characteristic"`
	PriceKind      string `json:"priceKind"`
	Price          string `json:"price"`
}
