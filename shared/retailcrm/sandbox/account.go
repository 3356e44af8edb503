package sandbox

import (
	"time"
)

// dateTime is RetailCRM's date-time layout, written in the account's time zone.
const (
	dateTime = "2006-01-02 15:04:05"
	dateOnly = "2006-01-02"
)

// account is the state of the simulated RetailCRM account. Every access holds Sandbox.mu.
type account struct {
	loc       *time.Location
	clockFn   func() time.Time
	createdAt time.Time
	ids       map[idKind]int

	keys  map[string]*apiKey
	sites []*Site

	statusGroups    []StatusGroup
	statuses        []Status
	paymentTypes    []PaymentType
	paymentStatuses []PaymentStatus
	deliveryTypes   []DeliveryType
	orderTypes      []OrderType
	orderMethods    []OrderMethod
	stores          []Store
	priceTypes      []PriceType
	productStatuses []ProductStatus
	users           []User

	offers []*offer
	// offerByID, offerByExternalID and offerByXMLID index offers; the first offer added with a
	// key keeps it, as a scan in creation order would find.
	offerByID         map[int]*offer
	offerByExternalID map[string]*offer
	offerByXMLID      map[string]*offer
	// rejected are the offer keys whose uploads are refused (RejectOffers).
	rejected map[string]bool

	customers []*customer
	corporate []*corporate
	orders    []*order // in creation order
	history   []*record

	stockEditingOff bool
}

// idKind names an id sequence. Each starts at its own base so that an order id used as an
// item id (a classic client bug) points at nothing.
type idKind int

const (
	idSite idKind = iota
	idOrder
	idItem
	idPayment
	idCustomer
	idCompany
	idContact
	idAddress
	idHistory
	idOffer
	idProduct
	idUser
	idPriceType
)

var idBase = map[idKind]int{
	idSite: 100, idOrder: 5000, idItem: 11000, idPayment: 4000, idCustomer: 3000, idCompany: 700,
	idContact: 900, idAddress: 3500, idHistory: 7000, idOffer: 60000, idProduct: 50000, idUser: 10,
	idPriceType: 0,
}

func newAccount(loc *time.Location, clock func() time.Time) *account {
	a := &account{loc: loc, clockFn: clock, ids: map[idKind]int{}, keys: map[string]*apiKey{},
		offerByID: map[int]*offer{}, offerByExternalID: map[string]*offer{}, offerByXMLID: map[string]*offer{}}
	a.createdAt = a.clock()
	return a
}

func (a *account) newID(k idKind) int {
	if _, ok := a.ids[k]; !ok {
		a.ids[k] = idBase[k]
	}
	a.ids[k]++
	return a.ids[k]
}

// clock is the account time, to the second, in the account's time zone.
func (a *account) clock() time.Time {
	return a.clockFn().In(a.loc).Truncate(time.Second)
}

// stamp writes a time as RetailCRM does.
func (a *account) stamp(t time.Time) string { return t.In(a.loc).Format(dateTime) }

// parseStamp reads "YYYY-MM-DD HH:MM:SS" (or a bare date, as midnight) in the account's zone.
func (a *account) parseStamp(s string) (time.Time, bool) {
	if t, err := time.ParseInLocation(dateTime, s, a.loc); err == nil {
		return t, true
	}
	if t, err := time.ParseInLocation(dateOnly, s, a.loc); err == nil {
		return t, true
	}
	return time.Time{}, false
}
