package importtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"unfbridge/shared/gateway"
	"unfbridge/shared/httpapi"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onecsim"
)

// Infobase is the infobase GUID of the events of PostEvent.
const Infobase = "5b1f0000-0000-4000-8000-00000000abcd"

// EventAnswer is the gateway's answer to an event.
type EventAnswer struct {
	HTTPStatus int
	// Answer is the answer of a 200, Error that of any other status.
	Answer    gateway.Answer
	Error     httpapi.Error
	Duplicate bool
}

// Event returns an event of 1C about the document ref, with a new event id.
func Event(typ onec.EventType, occurredAt time.Time, ref string, payload any) onec.Envelope {
	data, err := json.Marshal(payload)
	if err != nil {
		panic(err) // the payloads of the tests always encode
	}
	return onec.Envelope{EventID: onec.NewGUID(), Type: typ, OccurredAt: occurredAt.Format(time.RFC3339Nano),
		Source: onec.Source{Config: "УНФ", Version: "3.0.5.199", Infobase: Infobase},
		Object: &onec.Object{Ref: ref, Posted: typ == onec.TypeOrderPosted || typ == onec.TypePaymentPosted,
			Deleted: typ == onec.TypeOrderDeleted || typ == onec.TypePaymentDeleted},
		Payload: data}
}

// PostEvent sends an event to the gateway as 1C does and returns the answer.
func (b *Bridge) PostEvent(t testing.TB, ev onec.Envelope) EventAnswer {
	t.Helper()
	return b.PostEventAs(t, ev, OnecToken)
}

// PostEventAs sends an event to the gateway with the 1C token given (none when empty) and
// returns the answer.
func (b *Bridge) PostEventAs(t testing.TB, ev onec.Envelope, token string) EventAnswer {
	t.Helper()
	body, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, b.Gateway.URL+"/onec/v1/events", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.SetBasicAuth("1c", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := EventAnswer{HTTPStatus: resp.StatusCode, Duplicate: resp.Header.Get("X-Duplicate-Event") == "true"}
	if resp.StatusCode == http.StatusOK {
		err = json.Unmarshal(data, &out.Answer)
	} else {
		var eb httpapi.ErrorBody
		err = json.Unmarshal(data, &eb)
		out.Error = eb.Error
	}
	if err != nil {
		t.Fatalf("answer %d %s: %v", resp.StatusCode, data, err)
	}
	return out
}

// OrderPayload returns the customer order 1C has for a CRM order as an order event carries it:
// the payload last applied, with the document's reference, number and date.
func (b *Bridge) OrderPayload(t testing.TB, crmOrderID int64) onec.Order {
	t.Helper()
	o, ok := OrderPayload(b.Sim, crmOrderID)
	if !ok {
		t.Fatalf("1C has no order of CRM order %d", crmOrderID)
	}
	return o
}

// OrderPayload returns the customer order a simulated 1C has for a CRM order as an order event
// carries it; false when it has none.
func OrderPayload(sim *onecsim.Sim, crmOrderID int64) (onec.Order, bool) {
	d, ok := sim.Document(crmOrderID)
	o := d.Order
	o.Number, o.Date = d.Number, d.Date.Format(time.RFC3339)
	return o, ok
}
