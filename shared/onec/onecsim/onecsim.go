// Package onecsim is a 1C:УНФ simulator for tests and local runs: an in-memory infobase that
// talks to the bridge only over HTTP, as the 1C extension does. Sync pulls the inbox from the
// stored cursor until it is empty, applies each command to the infobase and acknowledges it.
//
// The infobase keeps what the real one must: one customer order per CRM order (found by its 1C
// reference, else by the CRM id kept on it), counterparties matched by ИНН+КПП, then phone, then
// e-mail, and one payment document per CRM payment.
//
// A test also acts as the 1C user (user.go): it edits, posts, unposts and deletes the orders and
// payments. As in the real extension, whose event subscription writes an outbox record on
// posting, every such action queues an event in the outbox (outbox.go); SendOutbox sends it in
// order, as the scheduled job does, and Exchange sends it and then syncs.
//
// Faults (commands applied but not acknowledged, acks sent twice, orders refused, events sent
// twice, swapped or with their answer lost) are drawn from a seeded source, so a failing test
// replays.
package onecsim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"unfbridge/shared/onec"
)

// Options configure a Sim.
type Options struct {
	// BaseURL is the bridge's address, e.g. "http://127.0.0.1:8080".
	BaseURL string
	// Token is the 1C token of the connection; it is sent as 1C's HTTP client does (Basic) on
	// the inbox, as a Bearer header on the events.
	Token string
	// HTTPClient sends the requests; default http.DefaultClient.
	HTTPClient *http.Client
	// Now is the infobase clock (the date of a document whose order has none); default time.Now.
	Now func() time.Time
	// PageSize is the limit of each pull; default 50.
	PageSize int
	// Infobase is the infobase GUID the events name as their source; default a new one.
	Infobase string
	Faults   Faults
}

// Faults make the simulated 1C misbehave as a real one may. The zero value is none.
type Faults struct {
	// Seed seeds the dice of the shares.
	Seed uint64
	// Unacked is the share of commands applied but not acknowledged, as when 1C crashes right
	// after applying or the ack is lost; the bridge hands them out again after its timeout.
	Unacked float64
	// DoubleAck is the share of acks sent twice.
	DoubleAck float64
	// FailOrder, when not nil, returns an error text for an order 1C refuses (ack failed), or
	// "" to apply it.
	FailOrder func(onec.Order) string
	// DuplicateEvents is the share of events sent 2 or 3 times in a row, as when a proxy or a
	// second run of the job repeats a request.
	DuplicateEvents float64
	// ReorderEvents is the share of adjacent pairs of the outbox sent in swapped order; the
	// bridge must order the events by occurredAt.
	ReorderEvents float64
	// LoseAnswer is the share of sendings whose answer is lost, as after a network timeout: the
	// bridge got the event, but 1C stops sending and sends it again on the next SendOutbox.
	LoseAnswer float64
}

// Stats count what the simulated 1C did.
type Stats struct {
	// Pulled counts the commands received, redeliveries included.
	Pulled int
	// Applied, Failed and Skipped count the commands by outcome.
	Applied, Failed, Skipped int
	// Unacked counts the commands applied but not acknowledged (Faults.Unacked).
	Unacked int
	// Redeliveries counts the commands received again.
	Redeliveries int
	// DuplicateAcks counts the acks the bridge answered as duplicates.
	DuplicateAcks int
	// Created counts the customer orders created.
	Created int
}

func (s *Stats) add(o Stats) {
	s.Pulled += o.Pulled
	s.Applied += o.Applied
	s.Failed += o.Failed
	s.Skipped += o.Skipped
	s.Unacked += o.Unacked
	s.Redeliveries += o.Redeliveries
	s.DuplicateAcks += o.DuplicateAcks
	s.Created += o.Created
}

// Report tells what one Sync did.
type Report struct {
	// Pages counts the pulls that brought commands.
	Pages int
	Stats
}

// Sim is a simulated 1C infobase with its exchange job. It is safe for concurrent use; Syncs
// run one at a time, and so do SendOutboxes, as 1C's scheduled job does.
type Sim struct {
	opts    Options
	run     sync.Mutex // held by Sync
	sending sync.Mutex // held by SendOutbox

	mu     sync.Mutex // guards the fields below
	base   *infobase
	cursor string
	seen   map[string]bool
	dice   *rand.Rand
	stats  Stats
	// events is the outbox, in the order the actions queued them.
	events []onec.Envelope
	// occurred is the occurredAt of the last event queued.
	occurred time.Time
	// sent counts what all SendOutboxes did.
	sent SendStats
}

// defaultPageSize is the limit of a pull unless Options.PageSize says otherwise.
const defaultPageSize = 50

// New returns a simulator with an empty infobase and no cursor.
func New(o Options) *Sim {
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PageSize <= 0 {
		o.PageSize = defaultPageSize
	}
	if o.Infobase == "" {
		o.Infobase = onec.NewGUID()
	}
	return &Sim{opts: o, base: newInfobase(), seen: map[string]bool{},
		dice: rand.New(rand.NewPCG(o.Faults.Seed, o.Faults.Seed^0x9e3779b97f4a7c15))}
}

// Sync pulls the inbox from the stored cursor until it is empty, applies every command and
// acknowledges it (unless a fault says otherwise). The cursor is stored after each page.
func (s *Sim) Sync(ctx context.Context) (Report, error) {
	s.run.Lock()
	defer s.run.Unlock()
	var rep Report
	defer func() {
		s.mu.Lock()
		s.stats.add(rep.Stats)
		s.mu.Unlock()
	}()
	for {
		box, err := s.pull(ctx, s.Cursor())
		if err != nil {
			return rep, err
		}
		if len(box.Commands) > 0 {
			rep.Pages++
		}
		for _, c := range box.Commands {
			if err := s.handle(ctx, c, &rep.Stats); err != nil {
				return rep, err
			}
		}
		s.mu.Lock()
		s.cursor = box.Next
		s.mu.Unlock()
		if len(box.Commands) == 0 {
			return rep, nil
		}
	}
}

// handle applies one command and acknowledges it as the faults say.
func (s *Sim) handle(ctx context.Context, c onec.Command, st *Stats) error {
	s.mu.Lock()
	st.Pulled++
	if s.seen[c.CommandID] {
		st.Redeliveries++
	}
	s.seen[c.CommandID] = true
	ack, created := s.apply(c)
	unacked := s.roll(s.opts.Faults.Unacked)
	double := s.roll(s.opts.Faults.DoubleAck)
	s.mu.Unlock()
	if created {
		st.Created++
	}
	switch ack.Status {
	case onec.AckApplied:
		st.Applied++
	case onec.AckFailed:
		st.Failed++
	default:
		st.Skipped++
	}
	if unacked {
		st.Unacked++
		return nil
	}
	sends := 1
	if double {
		sends = 2
	}
	for i := range sends {
		answer, err := s.send(ctx, ack)
		if err != nil {
			return err
		}
		if answer.Duplicate {
			st.DuplicateAcks++
		} else if i > 0 {
			return fmt.Errorf("onecsim: the bridge took the repeated ack of command %s for a new one", c.CommandID)
		}
	}
	return nil
}

// roll tells whether a fault of the given share happens.
func (s *Sim) roll(share float64) bool { return share > 0 && s.dice.Float64() < share }

// Cursor returns the stored inbox cursor.
func (s *Sim) Cursor() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cursor
}

// Stats returns what the simulator did in all Syncs.
func (s *Sim) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}
