// Package push is the state of the 1C → RetailCRM push on the storage port: what 1C wants
// RetailCRM to show for each order and payment (the latest event by occurredAt), what the bridge
// last sent there, which orders have work pending, and the pushes that failed for good.
//
// Layout (one item each, JSON data):
//
//	push#<crmOrderId:020> / order                          desired order, pushed snapshot
//	push#<crmOrderId:020> / payment#<1C ref>               desired payment, CRM id, pushed snapshot
//	push-work             / <crmOrderId:020>               an order with work pending
//	push-failed           / <crmOrderId:020>#<object key>  a push that failed for good
//
// The gateway records an event with the operations of OrderEventOps or PaymentEventOps, written
// in the same all-or-nothing Write as the event's dedupe record: the object's desired state and
// the order's work item. The pusher (package sync) loads an order, pushes, saves what it sent
// (UpdateOrder, UpdatePayment) and cleans the work item on the version it read, so that an event
// arriving meanwhile keeps the order dirty.
package push

import (
	"time"

	"unfbridge/shared/onec"
	"unfbridge/shared/store"
)

// Flow is the name of the push in the run log.
const Flow = "crm-push"

// Kinds of an event: what 1C did with the document.
const (
	KindPosted   = "posted"
	KindUnposted = "unposted"
	KindDeleted  = "deleted"
)

// Event is what every recorded event tells.
type Event struct {
	// Kind is KindPosted, KindUnposted or KindDeleted.
	Kind       string    `json:"kind"`
	EventID    string    `json:"eventId"`
	OccurredAt time.Time `json:"occurredAt"`
}

// OrderEvent is an order event: the 1C order as posted, unposted or deleted.
type OrderEvent struct {
	Event
	Order onec.Order `json:"order"`
}

// PaymentEvent is a payment event: the 1C payment document as posted, unposted or deleted.
type PaymentEvent struct {
	Event
	Payment onec.Payment `json:"payment"`
}

// OrderRecord is the push state of a CRM order's fields.
type OrderRecord struct {
	CRMOrderID int64 `json:"crmOrderId"`
	// Desired is the latest order event: what RetailCRM should show.
	Desired OrderEvent `json:"desired"`
	// Pushed is what RetailCRM holds as far as the bridge knows since it last pushed the order;
	// nil before the first push.
	Pushed *OrderSnapshot `json:"pushed,omitempty"`
}

// OrderSnapshot is an order in the fields the push sends, as RetailCRM has them: the status, the
// shipment store, the delivery cost and the lines. An empty Status or ShipmentStore and a nil
// DeliveryCost are unknown.
type OrderSnapshot struct {
	Status        string      `json:"status,omitempty"`
	ShipmentStore string      `json:"shipmentStore,omitempty"`
	DeliveryCost  *onec.Money `json:"deliveryCost,omitempty"`
	Lines         []Line      `json:"lines"`
	// CommandID is the last order.upsert command of the 1C inbox when the snapshot was taken: a
	// later command is newer than the snapshot.
	CommandID string    `json:"commandId,omitempty"`
	PushedAt  time.Time `json:"pushedAt,omitzero"`
}

// Line is an order line as RetailCRM has it: its CRM item id (0 for a line not created yet), the
// offer key, the quantity, the price and the manual discount per unit.
type Line struct {
	CRMItemID    int64         `json:"crmItemId,omitempty"`
	OfferKey     string        `json:"offerKey"`
	Name         string        `json:"name,omitempty"`
	Quantity     onec.Quantity `json:"quantity"`
	Price        onec.Money    `json:"price"`
	UnitDiscount onec.Money    `json:"unitDiscount"`
}

// Same tells whether two lines have the same item, quantity, price and discount.
func (l Line) Same(m Line) bool {
	return l.CRMItemID == m.CRMItemID && l.OfferKey == m.OfferKey && l.Quantity.Equal(m.Quantity.Decimal) &&
		l.Price.Equal(m.Price.Decimal) && l.UnitDiscount.Equal(m.UnitDiscount.Decimal)
}

// PaymentRecord is the push state of one 1C payment document.
type PaymentRecord struct {
	CRMOrderID int64 `json:"crmOrderId"`
	// Desired is the latest payment event.
	Desired PaymentEvent `json:"desired"`
	// CRMPaymentID is the RetailCRM payment the document was pushed to; 0 when none (never
	// pushed, or deleted since).
	CRMPaymentID int64 `json:"crmPaymentId,omitempty"`
	// Pushed is what RetailCRM holds of the payment since the bridge last pushed it; nil before.
	Pushed *PaymentSnapshot `json:"pushed,omitempty"`
}

// PaymentSnapshot is a RetailCRM payment in the fields the push sends, or a deleted one.
type PaymentSnapshot struct {
	Type    string     `json:"type,omitempty"`
	Status  string     `json:"status,omitempty"`
	Amount  onec.Money `json:"amount"`
	PaidAt  string     `json:"paidAt,omitempty"`
	Deleted bool       `json:"deleted,omitempty"`
}

// Repo keeps the push state on the storage port. It is safe for concurrent use, also by several
// processes sharing the store.
type Repo struct {
	st store.Store
}

// New returns the repository on st.
func New(st store.Store) *Repo { return &Repo{st: st} }
