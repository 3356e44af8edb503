package onec

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// EventType says what an event tells.
type EventType string

// Event types of the contract.
const (
	TypeReferencesSnapshot EventType = "references.snapshot"
	TypeCatalogPage        EventType = "catalog.page"
	TypeStockPage          EventType = "stock.page"
	TypePricesPage         EventType = "prices.page"
	TypeOrderPosted        EventType = "order.posted"
	TypeOrderUnposted      EventType = "order.unposted"
	TypeOrderDeleted       EventType = "order.deleted"
	TypePaymentPosted      EventType = "payment.posted"
	TypePaymentUnposted    EventType = "payment.unposted"
	TypePaymentDeleted     EventType = "payment.deleted"
)

// EventTypes lists every event type of the contract.
var EventTypes = []EventType{
	TypeReferencesSnapshot, TypeCatalogPage, TypeStockPage, TypePricesPage,
	TypeOrderPosted, TypeOrderUnposted, TypeOrderDeleted,
	TypePaymentPosted, TypePaymentUnposted, TypePaymentDeleted,
}

// Known tells whether t is an event type of the contract.
func (t EventType) Known() bool { return slices.Contains(EventTypes, t) }

// Limits of the envelope's short text fields, in characters.
const (
	maxShortText = 100
	maxEnumLen   = 256
)

// Source tells which 1C infobase sent an event.
type Source struct {
	// Config is the configuration name, e.g. "УНФ".
	Config string `json:"config"`
	// Version is the configuration version, e.g. "3.0.5.199".
	Version string `json:"version"`
	// Infobase is the GUID of the infobase.
	Infobase string `json:"infobase"`
}

// Object is the 1C object an event is about (a document or catalog item), when there is one.
type Object struct {
	Ref         string `json:"ref"`
	DataVersion string `json:"dataVersion,omitempty"`
	Posted      bool   `json:"posted"`
	Deleted     bool   `json:"deleted"`
}

// Envelope is one event 1C pushes to the bridge. EventID is the idempotency key: an event
// delivered again is processed once.
type Envelope struct {
	EventID string    `json:"eventId"`
	Type    EventType `json:"type"`
	// OccurredAt is an RFC 3339 time with an offset, e.g. "2026-11-29T10:00:00+03:00"; see
	// OccurredTime.
	OccurredAt string  `json:"occurredAt"`
	Source     Source  `json:"source"`
	Object     *Object `json:"object,omitempty"`
	// Payload is the JSON object the event type defines.
	Payload json.RawMessage `json:"payload"`
}

// Validate lower-cases EventID (1C may print a UUID in upper case) and returns the envelope's
// problems, nil when it is valid. It does not check that Type is known (see EventType.Known) nor
// the payload beyond its being a JSON object.
func (e *Envelope) Validate() []FieldProblem {
	var p problems
	e.EventID = strings.ToLower(e.EventID)
	checkGUID(&p, "eventId", e.EventID)
	checkText(&p, "type", string(e.Type), maxShortText, true)
	checkOccurredAt(&p, "occurredAt", e.OccurredAt)
	checkText(&p, "source.config", e.Source.Config, maxShortText, true)
	checkText(&p, "source.version", e.Source.Version, maxShortText, true)
	checkGUID(&p, "source.infobase", e.Source.Infobase)
	if e.Object != nil {
		checkGUID(&p, "object.ref", e.Object.Ref)
		checkText(&p, "object.dataVersion", e.Object.DataVersion, maxShortText, false)
	}
	switch payload := bytes.TrimSpace(e.Payload); {
	case len(payload) == 0 || string(payload) == "null":
		p.add("payload", "Поле обязательно: ожидается JSON-объект.")
	case payload[0] != '{':
		p.add("payload", "Ожидается JSON-объект.")
	}
	return p.result()
}

// OccurredTime returns OccurredAt parsed; the zero time when it is not valid.
func (e *Envelope) OccurredTime() time.Time {
	t, err := ParseTime(e.OccurredAt)
	if err != nil {
		return time.Time{}
	}
	return t
}

// ParseTime parses a time of the contract: RFC 3339 with an offset ("Z" or ±hh:mm), fractions of
// a second allowed.
func ParseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339, s) }

// minYear rules out 1C's empty date (0001-01-01) and other dates no event can have.
const minYear = 2000

func checkOccurredAt(p *problems, field, s string) {
	if s == "" {
		p.add(field, msgRequired)
		return
	}
	t, err := ParseTime(s)
	switch {
	case err != nil:
		p.add(field, "Ожидается дата и время с часовым поясом в формате ISO 8601, например 2026-11-29T10:00:00+03:00.")
	case t.Year() < minYear:
		p.add(field, "Дата события не заполнена или раньше %d года.", minYear)
	}
}
