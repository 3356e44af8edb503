package sync

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/settings"
)

// items maps every line of the order, whatever its status; a line whose offer key names no 1C
// product is a reason, and all such lines are listed.
func (x *orderMapper) items() []onec.OrderItem {
	out := make([]onec.OrderItem, 0, len(x.o.Items))
	for i, it := range x.o.Items {
		out = append(out, x.item(i+1, it))
	}
	return out
}

// item maps the line at position n (from 1). Quantity and price are rounded as 1C keeps them
// first, so that Price×Quantity − Discount is exactly Total.
func (x *orderMapper) item(n int, it retailcrm.OrderItem) onec.OrderItem {
	name := itemName(it)
	catalog := x.m.Settings.Catalog
	tag := offerKeyTag(catalog)
	key := offerKey(it.Offer, tag)
	id, problem := identifyOffer(key, tag, catalog.ProductID)
	if problem != "" {
		x.fail("Товар «%s» (позиция %d) не найден: %s.", name, n, problem)
	}
	qty := onec.NewQuantity(decOf(it.Quantity))
	price := onec.NewMoney(decOf(it.InitialPrice))
	discount := onec.NewMoney(decOf(it.DiscountTotal).Mul(qty.Decimal))
	return onec.OrderItem{
		CRMItemID:      it.ID,
		OfferKey:       key,
		ProductBy:      id.by,
		Product:        id.product,
		Characteristic: id.characteristic,
		Name:           name,
		Quantity:       qty,
		Price:          price,
		Discount:       discount,
		VATRate:        x.vatRate(n, name, it.VATRate),
		Total:          onec.NewMoney(price.Mul(qty.Decimal).Round(2).Sub(discount.Decimal)),
	}
}

// itemName is the line's name, else the offer's full name, else its name.
func itemName(it retailcrm.OrderItem) string {
	if it.ProductName != "" || it.Offer == nil {
		return it.ProductName
	}
	if it.Offer.DisplayName != "" {
		return it.Offer.DisplayName
	}
	return it.Offer.Name
}

// offerKeyTag is the offer key tag of the catalog options (externalId by default).
func offerKeyTag(c settings.Catalog) string {
	if c.OfferKey == settings.OfferKeyXMLID {
		return settings.OfferKeyXMLID
	}
	return settings.OfferKeyExternal
}

// offerKey is the offer's externalId or xmlId.
func offerKey(o *retailcrm.Offer, tag string) string {
	switch {
	case o == nil:
		return ""
	case tag == settings.OfferKeyXMLID:
		return strings.TrimSpace(o.XMLID)
	}
	return strings.TrimSpace(o.ExternalID)
}

// offerIdentity is how the 1C product of a line is named.
type offerIdentity struct {
	by                      string
	product, characteristic *string
}

// characteristicSep separates the product and the characteristic GUIDs of a variant's key.
const characteristicSep = "#"

// identifyOffer reads the offer key found under tag: "<product GUID>#<characteristic GUID>"
// always names a variant by GUID; otherwise the key is the product identifier the catalog
// options choose (GUID, code or article). GUIDs are accepted in any case and given in lower
// case. A key that names nothing returns the problem, in Russian.
func identifyOffer(key, tag, productID string) (offerIdentity, string) {
	if key == "" {
		return offerIdentity{}, fmt.Sprintf("у торгового предложения нет %s (товар создан в RetailCRM вручную или каталог не выгружен из 1С)", tag)
	}
	if product, characteristic, variant := strings.Cut(key, characteristicSep); variant {
		p, c := strings.ToLower(product), strings.ToLower(characteristic)
		if !onec.ValidGUID(p) || !onec.ValidGUID(c) {
			return offerIdentity{}, fmt.Sprintf("%s «%s» не имеет вида «GUID товара#GUID характеристики» 1С", tag, key)
		}
		return offerIdentity{by: onec.ProductByGUID, product: &p, characteristic: &c}, ""
	}
	switch productID {
	case settings.ProductIDCode:
		return offerIdentity{by: onec.ProductByCode}, ""
	case settings.ProductIDArticle:
		return offerIdentity{by: onec.ProductByArticle}, ""
	}
	p := strings.ToLower(key)
	if !onec.ValidGUID(p) {
		return offerIdentity{}, fmt.Sprintf("%s «%s» не является GUID товара 1С (на вкладке «Каталог» идентификатор товара — GUID)", tag, key)
	}
	return offerIdentity{by: onec.ProductByGUID, product: &p}, ""
}

// vatRate is the VAT percent of a line ("20", "10", "0"); nil is "Без НДС": for "none", an
// empty rate, and every line when the taxation system is not subject to VAT. A rate that is
// not a number is a reason.
func (x *orderMapper) vatRate(n int, name, rate string) *string {
	if rate == "" || rate == "none" || vatExempt(x.m.Settings.Connection) {
		return nil
	}
	d, err := decimal.NewFromString(rate)
	if err != nil || d.IsNegative() {
		x.fail("Ставка НДС «%s» товара «%s» (позиция %d) не распознана.", rate, name, n)
		return nil
	}
	s := d.String()
	return &s
}

// vatExempt tells whether the taxation system of the connection is not subject to VAT (the
// systems for which ЦенаВключаетНДС is forced off).
func vatExempt(c settings.Connection) bool {
	c.PriceIncludesVAT = true
	return !c.EffectivePriceIncludesVAT()
}
