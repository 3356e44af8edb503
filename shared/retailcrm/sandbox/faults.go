package sandbox

import (
	"math/rand/v2"
	"sync"
	"time"
)

// Faults are failures injected into answers. Shares are probabilities in [0, 1], rolled per
// request with the dice seeded by Options.Seed.
type Faults struct {
	// Unavailable is the share of requests answered 503 with the rate-limit envelope.
	Unavailable float64
	// Drop is the share of requests whose connection is closed without an answer.
	Drop float64
	// ApplyThenDrop is the share of requests carried out whose connection is then closed
	// without an answer: the client cannot tell that the change was made.
	ApplyThenDrop float64
	// Malformed is the share of JSON answers cut in the middle of the body.
	Malformed float64
	// Latency is added before every answer.
	Latency time.Duration
	// AccountMissing answers every request with nginx's HTML 405 page, as RetailCRM does
	// for an account URL that does not exist.
	AccountMissing bool
}

// Fault is one kind of injected failure, for FailNext.
type Fault int

// Kinds of injected failures.
const (
	// FaultUnavailable answers 503 with the rate-limit envelope.
	FaultUnavailable Fault = iota + 1
	// FaultDrop closes the connection without an answer.
	FaultDrop
	// FaultMalformed cuts the JSON body in the middle.
	FaultMalformed
	// FaultApplyThenDrop carries the request out, then closes the connection without an answer.
	FaultApplyThenDrop
)

type faultBox struct {
	mu   sync.Mutex
	f    Faults
	next []Fault
	dice *rand.Rand
}

// faultPlan is what happens to one request.
type faultPlan struct {
	latency                                                     time.Duration
	unavailable, drop, applyThenDrop, malformed, accountMissing bool
}

func newFaultBox(seed uint64) *faultBox {
	return &faultBox{dice: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// SetFaults replaces the fault settings; Faults{} switches every fault off (FailNext queues
// are kept).
func (s *Sandbox) SetFaults(f Faults) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.f = f
}

// FailNext makes the next n requests fail with the given fault, before any share is rolled.
func (s *Sandbox) FailNext(f Fault, n int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	for range n {
		s.faults.next = append(s.faults.next, f)
	}
}

func (b *faultBox) roll() faultPlan {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := faultPlan{latency: b.f.Latency, accountMissing: b.f.AccountMissing}
	if len(b.next) > 0 {
		f := b.next[0]
		b.next = b.next[1:]
		p.unavailable, p.drop, p.malformed = f == FaultUnavailable, f == FaultDrop, f == FaultMalformed
		p.applyThenDrop = f == FaultApplyThenDrop
		return p
	}
	p.drop = b.hit(b.f.Drop)
	p.applyThenDrop = !p.drop && b.hit(b.f.ApplyThenDrop)
	p.unavailable = !p.drop && !p.applyThenDrop && b.hit(b.f.Unavailable)
	p.malformed = !p.drop && !p.applyThenDrop && !p.unavailable && b.hit(b.f.Malformed)
	return p
}

func (b *faultBox) hit(share float64) bool { return share > 0 && b.dice.Float64() < share }
