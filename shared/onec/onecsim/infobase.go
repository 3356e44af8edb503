package onecsim

import (
	"encoding/json"
	"slices"
	"time"

	"unfbridge/shared/onec"
)

// Document is a customer order (Документ.ЗаказПокупателя) of the simulated infobase.
type Document struct {
	Ref        string
	Number     string
	Date       time.Time
	CRMOrderID int64
	// Order is the last payload applied, every field as received, Ref set to the document.
	Order onec.Order
	// Counterparty is the reference of the buyer matched or created.
	Counterparty string
	Cancelled    bool
	CancelReason string
	// Applied counts the commands applied to the document, the one that created it included.
	Applied int
}

// Payment is a payment document of the simulated infobase, one per CRM payment.
type Payment struct {
	Ref          string
	Number       string
	Kind         string // onec.DocCashReceipt, onec.DocBankReceipt or onec.DocCardPayment
	CRMPaymentID int64
	CRMOrderID   int64
	// Order is the reference of the customer order.
	Order    string
	Terminal string
	CRMType  string
	Amount   onec.Money
	PaidAt   string
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
	_ = json.Unmarshal(d.payload, &out.Order) // payload was encoded from an onec.Order
	return out
}

// infobase is the data of the simulated 1C.
type infobase struct {
	docs           []*document
	byRef          map[string]*document
	byCRM          map[int64]*document
	payments       []Payment
	paymentByCRM   map[int64]bool
	counterparties []Counterparty
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
