package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/onec"
	"unfbridge/shared/store"
)

// EventHandler applies one event of a valid envelope: it checks the payload and returns the
// answer for 1C and the store operations of the event's effects, read-and-conditioned (versions,
// IfNotExists) so that a concurrent change makes them fail. The gateway writes them in one Write
// with the event's dedupe record and, when a condition fails, calls the handler again. A handler
// never writes to the store itself. An error that is a *Rejection is answered as it says; any
// other error is internal.
type EventHandler func(ctx context.Context, ev onec.Envelope) (Result, []store.Op, error)

// registry maps every event type the gateway handles to its handler. Contract types missing here
// are answered as not supported yet.
func (g *gateway) registry() map[onec.EventType]EventHandler {
	handlers := map[onec.EventType]EventHandler{
		onec.TypeReferencesSnapshot: g.referencesSnapshot,
		onec.TypeOrderPosted:        g.orderEvent,
		onec.TypeOrderUnposted:      g.orderEvent,
		onec.TypeOrderDeleted:       g.orderEvent,
		onec.TypePaymentPosted:      g.paymentEvent,
		onec.TypePaymentUnposted:    g.paymentEvent,
		onec.TypePaymentDeleted:     g.paymentEvent,
	}
	maps.Copy(handlers, g.pageHandlers())
	return handlers
}

// Statuses of a Result.
const (
	// StatusApplied: the event's effects are stored.
	StatusApplied = "applied"
	// StatusIgnored: the event changes nothing (e.g. an older snapshot than the stored one).
	StatusIgnored = "ignored"
)

// Result is what a handler answers 1C about an applied event.
type Result struct {
	Status string `json:"status"`
	// Message is a Russian message for the 1C user.
	Message string `json:"message"`
	// Counts are the numbers of items the event carried, by list.
	Counts map[string]int `json:"counts,omitempty"`
}

// Answer is the body of a successful answer to an event.
type Answer struct {
	EventID string `json:"eventId"`
	Result
}

// Rejection is an event refused with an error answer; nothing is stored for it.
type Rejection struct {
	Status int
	Err    httpapi.Error
}

func (r *Rejection) Error() string { return "request rejected: " + r.Err.Code }

// invalid is the rejection of an event with problems (at least one).
func invalid(problems []onec.FieldProblem) *Rejection {
	return invalidInput("Событие", problems)
}

// invalidInput is the rejection of an input with problems (at least one); subject names the
// input in the message ("Событие", "Подтверждение"). The message tells the first problem, for a
// 1C user who sees only the message; details list them all.
func invalidInput(subject string, problems []onec.FieldProblem) *Rejection {
	details := make([]httpapi.FieldProblem, len(problems))
	for i, p := range problems {
		details[i] = httpapi.FieldProblem(p)
	}
	msg := fmt.Sprintf("%s не принято: данные не прошли проверку. %s: %s", subject, problems[0].Field, problems[0].Message)
	if len(problems) > 1 {
		msg += " Остальные ошибки перечислены в details."
	}
	return &Rejection{Status: http.StatusUnprocessableEntity, Err: httpapi.Error{Code: "validation_failed",
		Message: msg, Details: details}}
}

// decodePayload decodes the payload strictly into dst and validates it; the problems of the
// payload are reported under "payload" (a problem of the whole payload has no field of its own).
func decodePayload(payload json.RawMessage, dst interface{ Validate() []onec.FieldProblem }) error {
	if err := httpapi.DecodeBytes(payload, dst); err != nil {
		return invalid([]onec.FieldProblem{{Field: "payload", Message: err.Error()}})
	}
	problems := dst.Validate()
	if problems == nil {
		return nil
	}
	for i := range problems {
		problems[i].Field = strings.TrimSuffix("payload."+problems[i].Field, ".")
	}
	return invalid(problems)
}
