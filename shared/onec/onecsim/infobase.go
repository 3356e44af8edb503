package onecsim

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"slices"
	"time"

	"unfbridge/shared/onec"
)

// State is the posting state of a document of the simulated infobase.
type State struct {
	Posted bool
	// Deleted tells that the document is marked for deletion (пометка удаления).
	Deleted bool
	// DataVersion is 1C's ВерсияДанных: an opaque value, new at every write of the document.
	DataVersion string
}

// Document is a customer order (Документ.ЗаказПокупателя) of the simulated infobase.
type Document struct {
	Ref    string
	Number string
	Date   time.Time
	// CRMOrderID is the CRM order the document came from; 0 for an order born in 1C.
	CRMOrderID int64
	// Order is the last payload applied, every field as received, Ref set to the document, then
	// changed by EditOrder (the events carry it with the document's number, date and posting).
	Order onec.Order
	// Counterparty is the reference of the buyer matched or created.
	Counterparty string
	Cancelled    bool
	CancelReason string
	// Applied counts the commands applied to the document, the one that created it included.
	Applied int
	State
}

// Payment is a payment document of the simulated infobase: one per CRM payment imported, and
// those posted by PostPayment.
type Payment struct {
	Ref    string
	Number string
	// Date is the document date: the time paid of an imported payment, else when it was created.
	Date         time.Time
	Kind         string // onec.DocCashReceipt, onec.DocBankReceipt or onec.DocCardPayment
	CRMPaymentID int64  // 0 for a payment born in 1C
	CRMOrderID   int64
	// Order is the reference of the customer order.
	Order    string
	Terminal string
	// CRMType is the RetailCRM payment type remembered on the document; "" when none.
	CRMType string
	Amount  onec.Money
	PaidAt  string
	State
}

// Counterparty is a buyer (Справочник.Контрагенты) of the simulated infobase.
type Counterparty struct {
	Ref           string
	Kind          string
	Name          string
	INN, KPP      string
	Phone, Email  string
	CRMCustomerID int64
}

// document is a stored customer order; its Order is kept encoded, so that copies share nothing.
type document struct {
	Document
	payload []byte
}

func (d *document) export() Document {
	out := d.Document
	out.Order = d.order()
	return out
}

// order returns a copy of the stored order.
func (d *document) order() onec.Order {
	var o onec.Order
	_ = json.Unmarshal(d.payload, &o) // payload was encoded from an onec.Order
	return o
}

// setOrder stores o as the document's order.
func (d *document) setOrder(o onec.Order) {
	d.payload, _ = json.Marshal(o) // an onec.Order always encodes
}

// infobase is the data of the simulated 1C.
type infobase struct {
	docs           []*document
	byRef          map[string]*document
	byCRM          map[int64]*document
	payments       []Payment
	paymentByCRM   map[int64]bool
	counterparties []Counterparty
	// writes counts the writes of objects, for their data versions.
	writes uint64
}

// nextVersion returns a new data version, as 1C does at every write of an object: the base64 of
// 8 bytes, like "AAAAAAAAAAE=".
func (b *infobase) nextVersion() string {
	b.writes++
	return base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint64(nil, b.writes))
}

func newInfobase() *infobase {
	return &infobase{byRef: map[string]*document{}, byCRM: map[int64]*document{}, paymentByCRM: map[int64]bool{}}
}

// Documents returns a copy of every customer order, in creation order.
func (s *Sim) Documents() []Document {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Document, len(s.base.docs))
	for i, d := range s.base.docs {
		out[i] = d.export()
	}
	return out
}

// Document returns a copy of the customer order of a CRM order; false when there is none.
func (s *Sim) Document(crmOrderID int64) (Document, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.base.byCRM[crmOrderID]
	if !ok {
		return Document{}, false
	}
	return d.export(), true
}

// Payments returns the payment documents of a CRM order, in creation order.
func (s *Sim) Payments(crmOrderID int64) []Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.DeleteFunc(slices.Clone(s.base.payments), func(p Payment) bool { return p.CRMOrderID != crmOrderID })
}

// Counterparties returns every counterparty, in creation order.
func (s *Sim) Counterparties() []Counterparty {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.base.counterparties)
}
