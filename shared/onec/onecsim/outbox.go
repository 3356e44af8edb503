package onecsim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"unfbridge/shared/onec"
)

// msk is the offset of the infobase's server, which the events' times carry.
var msk = time.FixedZone("MSK", 3*60*60)

// The configuration the events name as their source.
const (
	configName    = "УНФ"
	configVersion = "3.0.5.199"
)

// SendStats count what SendOutbox did.
type SendStats struct {
	// Sent counts the sendings, repetitions included.
	Sent int
	// Delivered counts the events answered 2xx, removed from the outbox.
	Delivered int
	// Rejected counts the events answered 4xx, dropped from the outbox.
	Rejected int
	// DuplicateAnswers counts the answers the bridge marked as to a duplicate (X-Duplicate-Event).
	DuplicateAnswers int
	// Repeated counts the sendings repeated at once (Faults.DuplicateEvents).
	Repeated int
	// Reordered counts the adjacent pairs sent in swapped order (Faults.ReorderEvents).
	Reordered int
	// LostAnswers counts the sendings whose answer was lost (Faults.LoseAnswer).
	LostAnswers int
}

func (s *SendStats) add(o SendStats) {
	s.Sent += o.Sent
	s.Delivered += o.Delivered
	s.Rejected += o.Rejected
	s.DuplicateAnswers += o.DuplicateAnswers
	s.Repeated += o.Repeated
	s.Reordered += o.Reordered
	s.LostAnswers += o.LostAnswers
}

// Delivery is one sending of an event and the bridge's answer to it.
type Delivery struct {
	EventID string
	Type    onec.EventType
	// HTTPStatus is the status of the answer; 0 when there is none (lost, or the request failed).
	HTTPStatus int
	// Status is the result of a 2xx answer ("applied", "ignored").
	Status string
	// Code is the error code of an error answer.
	Code string
	// Message is the Russian message of the answer.
	Message string
	// Duplicate tells that the bridge answered as to a duplicate of an event it had.
	Duplicate bool
	// Lost tells that the answer was lost (Faults.LoseAnswer).
	Lost bool
}

// SendReport tells what one SendOutbox did.
type SendReport struct {
	// Deliveries are the sendings in the order made.
	Deliveries []Delivery
	// Left counts the events still in the outbox.
	Left int
	SendStats
}

// sending is an event of the outbox as one SendOutbox sends it.
type sending struct {
	event onec.Envelope
	// copies is how many times it is sent in a row.
	copies int
	// lose tells that the answer to its first sending is lost.
	lose bool
	// swapped tells that it is sent after the next event of the outbox.
	swapped bool
}

// queue appends an event about an object in the given state to the outbox, as the extension's
// event subscription does: a new eventId, occurredAt the clock in +03:00 to the second, later
// than the last event's. s.mu is held.
func (s *Sim) queue(t onec.EventType, ref string, st State, payload any) {
	body, _ := json.Marshal(payload) // orders and payments always encode
	at := s.opts.Now().In(msk).Truncate(time.Second)
	if !at.After(s.occurred) {
		at = s.occurred.Add(time.Second)
	}
	s.occurred = at
	s.events = append(s.events, onec.Envelope{EventID: onec.NewGUID(), Type: t, OccurredAt: at.Format(time.RFC3339),
		Source:  onec.Source{Config: configName, Version: configVersion, Infobase: s.opts.Infobase},
		Object:  &onec.Object{Ref: ref, DataVersion: st.DataVersion, Posted: st.Posted, Deleted: st.Deleted},
		Payload: body})
}

// Outbox returns a copy of the events not sent yet, in the order queued.
func (s *Sim) Outbox() []onec.Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]onec.Envelope, len(s.events))
	for i, e := range s.events {
		object := *e.Object
		e.Object, e.Payload = &object, slices.Clone(e.Payload)
		out[i] = e
	}
	return out
}

// SendOutbox sends the outbox to BaseURL+"/onec/v1/events" in order, as 1C's scheduled job
// does, with the faults drawn for this run. An event answered 2xx is removed from the outbox;
// one answered 4xx is dropped too, as the extension does after logging the answer (kept in the
// report), except 401, 403, 408 and 429, which say nothing against the event. Those, a 5xx
// answer and a transport error stop the run with an error and keep the event and the rest for
// the next call. A lost answer stops the run too, without an error.
func (s *Sim) SendOutbox(ctx context.Context) (SendReport, error) {
	s.sending.Lock()
	defer s.sending.Unlock()
	s.mu.Lock()
	plan := s.plan()
	s.mu.Unlock()
	var rep SendReport
	done := map[string]bool{}
	err := s.deliver(ctx, plan, done, &rep)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = slices.DeleteFunc(s.events, func(e onec.Envelope) bool { return done[e.EventID] })
	rep.Left = len(s.events)
	s.sent.add(rep.SendStats)
	return rep, err
}

// plan draws the faults of a run over the outbox and returns the events in the order to send.
// s.mu is held.
func (s *Sim) plan() []sending {
	f := s.opts.Faults
	plan := make([]sending, len(s.events))
	for i, e := range s.events {
		plan[i] = sending{event: e, copies: 1, lose: s.roll(f.LoseAnswer)}
		if s.roll(f.DuplicateEvents) {
			plan[i].copies += 1 + s.dice.IntN(2)
		}
	}
	for i := 0; i+1 < len(plan); i++ {
		if s.roll(f.ReorderEvents) {
			plan[i], plan[i+1] = plan[i+1], plan[i]
			plan[i+1].swapped = true
			i++
		}
	}
	return plan
}

// deliver sends the planned events until one stops the run; done gets the events answered for
// good (2xx, or a 4xx that drops them).
func (s *Sim) deliver(ctx context.Context, plan []sending, done map[string]bool, rep *SendReport) error {
	for _, p := range plan {
		if p.swapped {
			rep.Reordered++
		}
		for i := range p.copies {
			d, err := s.post(ctx, p.event)
			rep.Sent++
			if i > 0 {
				rep.Repeated++
			}
			if err == nil && i == 0 && p.lose {
				d = Delivery{EventID: d.EventID, Type: d.Type, Lost: true}
				rep.LostAnswers++
			}
			rep.Deliveries = append(rep.Deliveries, d)
			switch {
			case err != nil:
				return err
			case d.Lost:
				return nil
			case !final(d.HTTPStatus):
				return fmt.Errorf("onecsim: POST %s: event %s (%s): %d %s: %s", eventsPath, d.EventID, d.Type,
					d.HTTPStatus, d.Code, d.Message)
			case d.Duplicate:
				rep.DuplicateAnswers++
			}
			if i == 0 {
				if d.HTTPStatus/100 == 2 {
					rep.Delivered++
				} else {
					rep.Rejected++
				}
			}
			done[d.EventID] = true
		}
	}
	return nil
}

// final tells whether an answer settles an event: 2xx, or a 4xx against the event (not one that
// says the token is missing or wrong, the request timed out or the bridge asks to slow down).
func final(status int) bool {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusRequestTimeout, http.StatusTooManyRequests:
		return false
	}
	return status/100 == 2 || status/100 == 4
}

// Exchange runs 1C's scheduled job once: SendOutbox, then Sync. An error of the sending stops it
// before the sync.
func (s *Sim) Exchange(ctx context.Context) (SendReport, Report, error) {
	sent, err := s.SendOutbox(ctx)
	if err != nil {
		return sent, Report{}, err
	}
	synced, err := s.Sync(ctx)
	return sent, synced, err
}

// SendStats returns what the simulator did in all SendOutboxes.
func (s *Sim) SendStats() SendStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent
}
