package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
)

// These methods change the account the way a CRM user or a trigger would, so tests can
// produce history that did not come through the API. The JSON arguments take the same
// entities as the API (an order as in orders/{id}/edit, a payment as in
// orders/payments/{id}/edit).

// CreateAsUser creates an order on a site as the CRM user userID and returns its id.
func (s *Sandbox) CreateAsUser(site string, userID int, orderJSON string) (int, error) {
	var id int
	err := s.do(func(a *account) error {
		var in orderInput
		if err := decodeJSON(orderJSON, &in); err != nil {
			return err
		}
		o, err := a.createOrder(site, &in, actor{source: SourceUser, userID: userID})
		if err == nil {
			id = o.id
		}
		return err
	})
	return id, err
}

// EditAsUser edits an order (by CRM id) as the CRM user userID.
func (s *Sandbox) EditAsUser(orderID, userID int, orderJSON string) error {
	return s.editAs(orderID, orderJSON, actor{source: SourceUser, userID: userID})
}

// EditAsTrigger edits an order (by CRM id) as a trigger would: records come with source "code".
func (s *Sandbox) EditAsTrigger(orderID int, orderJSON string) error {
	return s.editAs(orderID, orderJSON, actor{source: SourceCode})
}

func (s *Sandbox) editAs(orderID int, orderJSON string, act actor) error {
	return s.do(func(a *account) error {
		o := a.orderByID(orderID)
		if o == nil {
			return errNotFound()
		}
		var in orderInput
		if err := decodeJSON(orderJSON, &in); err != nil {
			return err
		}
		return a.editOrder(o, &in, act)
	})
}

// AddPaymentAsUser adds a payment to an order (by CRM id) as the CRM user userID and returns
// the payment id.
func (s *Sandbox) AddPaymentAsUser(orderID, userID int, paymentJSON string) (int, error) {
	var id int
	err := s.do(func(a *account) error {
		o := a.orderByID(orderID)
		if o == nil {
			return errNotFound()
		}
		var in paymentInput
		if err := decodeJSON(paymentJSON, &in); err != nil {
			return err
		}
		p, err := a.addPayment(o, in, actor{source: SourceUser, userID: userID})
		if err == nil {
			id = p.id
		}
		return err
	})
	return id, err
}

// EditPaymentAsUser edits a payment (by CRM id) as the CRM user userID.
func (s *Sandbox) EditPaymentAsUser(paymentID, userID int, paymentJSON string) error {
	return s.do(func(a *account) error {
		p := a.paymentByID(paymentID)
		if p == nil {
			return errNotFound()
		}
		var in paymentInput
		if err := decodeJSON(paymentJSON, &in); err != nil {
			return err
		}
		return a.editPayment(a.paymentOrder(p), p, in, actor{source: SourceUser, userID: userID})
	})
}

// DeleteOrder deletes an order as the CRM user userID; history gets a "deleted" record.
func (s *Sandbox) DeleteOrder(orderID, userID int) error {
	return s.remove(orderID, 0, userID)
}

// CombineOrders merges order fromID into order intoID as the CRM user userID, keeping the
// target as it is (RetailCRM's "ours" technique): fromID disappears and history gets a
// "deleted" record with combinedTo.
func (s *Sandbox) CombineOrders(fromID, intoID, userID int) error {
	return s.remove(fromID, intoID, userID)
}

func (s *Sandbox) remove(orderID, intoID, userID int) error {
	return s.do(func(a *account) error {
		o := a.orderByID(orderID)
		if o == nil {
			return errNotFound()
		}
		var into *order
		if intoID != 0 {
			if into = a.orderByID(intoID); into == nil || into == o {
				return fmt.Errorf("sandbox: cannot combine order %d into %d", orderID, intoID)
			}
		}
		a.recordDeleted(o, actor{source: SourceUser, userID: userID}, into)
		for i, x := range a.orders {
			if x == o {
				a.orders = append(a.orders[:i], a.orders[i+1:]...)
				break
			}
		}
		return nil
	})
}

// OrderJSON returns an order (by CRM id) as GET orders/{id} shows it.
func (s *Sandbox) OrderJSON(orderID int) (json.RawMessage, bool) {
	var out json.RawMessage
	_ = s.do(func(a *account) error {
		if o := a.orderByID(orderID); o != nil {
			out = encode(a.orderView(o, paymentsMap))
		}
		return nil
	})
	return out, out != nil
}

// LastHistoryID returns the id of the newest order history record (0 when there is none):
// a history cursor that skips everything so far.
func (s *Sandbox) LastHistoryID() int {
	var id int
	_ = s.do(func(a *account) error {
		if n := len(a.history); n > 0 {
			id = a.history[n-1].id
		}
		return nil
	})
	return id
}

// decodeJSON decodes an entity given as JSON text, with exact numbers.
func decodeJSON(text string, v any) error {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	return nil
}
