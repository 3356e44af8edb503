package onecsim_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onecsim"
	"unfbridge/shared/onec/onectest"
)

// postings imports the orders 1..orders and queues n order.posted events, round robin; it
// returns the outbox.
func (e *env) postings(orders int64, n int) []onec.Envelope {
	e.t.Helper()
	for id := int64(1); id <= orders; id++ {
		e.upsert(id, "v1")
	}
	e.sync()
	for i := range n {
		ok(e.t, e.sim.PostOrder(int64(i)%orders+1))
	}
	return e.sim.Outbox()
}

// positions returns the position in the outbox of each event received.
func positions(box []onec.Envelope, received []string) []int {
	at := map[string]int{}
	for i, ev := range box {
		at[ev.EventID] = i
	}
	out := make([]int, len(received))
	for i, id := range received {
		out[i] = at[id]
	}
	return out
}

// sendWithFaults queues 40 events, sends them once with the faults and returns the outbox
// positions of the events received, the report and the events received.
func sendWithFaults(t *testing.T, faults onecsim.Faults) ([]int, onecsim.SendReport, []onec.Envelope) {
	e, rec := newRecorded(t, faults)
	box := e.postings(3, 40)
	rep := e.send()
	if rep.Left != 0 || rep.Delivered != len(box) || len(e.sim.Outbox()) != 0 || e.sim.SendStats() != rep.SendStats {
		t.Fatalf("report %+v", rep)
	}
	return positions(box, rec.received()), rep, rec.events()
}

func TestEventsDuplicatedAndReordered(t *testing.T) {
	faults := onecsim.Faults{Seed: 7, DuplicateEvents: 0.3, ReorderEvents: 0.3}
	seq, rep, got := sendWithFaults(t, faults)
	// Copies come in runs of 2 or 3, each one the same event; the first sendings are the outbox
	// with some adjacent pairs swapped.
	var firsts []int
	repeated := 0
	for i := 0; i < len(seq); {
		run := 1
		for i+run < len(seq) && seq[i+run] == seq[i] {
			if marshal(t, got[i+run]) != marshal(t, got[i]) {
				t.Fatalf("copy %d differs from the first", i+run)
			}
			run++
		}
		if run > 3 {
			t.Fatalf("event %d sent %d times", seq[i], run)
		}
		firsts, repeated, i = append(firsts, seq[i]), repeated+run-1, i+run
	}
	swaps := 0
	for i := 0; i < len(firsts); i++ {
		switch {
		case firsts[i] == i:
		case i+1 < len(firsts) && firsts[i] == i+1 && firsts[i+1] == i:
			swaps, i = swaps+1, i+1
		default:
			t.Fatalf("sending order %v", firsts)
		}
	}
	if repeated == 0 || swaps == 0 || rep.Repeated != repeated || rep.DuplicateAnswers != repeated || rep.Reordered != swaps ||
		rep.Sent != len(seq) || rep.LostAnswers != 0 {
		t.Fatalf("repeated %d, swapped %d; report %+v", repeated, swaps, rep.SendStats)
	}
	if again, _, _ := sendWithFaults(t, faults); !slices.Equal(again, seq) {
		t.Fatalf("the same seed sent\n%v\nthen\n%v", seq, again)
	}
	t.Logf("stats: %+v", rep.SendStats)
}

func TestLostAnswersResent(t *testing.T) {
	e, rec := newRecorded(t, onecsim.Faults{Seed: 3, LoseAnswer: 0.3})
	box := e.postings(2, 20)
	for round := 0; len(e.sim.Outbox()) > 0; round++ {
		if round == 60 {
			t.Fatalf("%d events left after %d rounds", len(e.sim.Outbox()), round)
		}
		rep := e.send()
		if last := rep.Deliveries[len(rep.Deliveries)-1]; rep.LostAnswers > 0 && (!last.Lost || rep.Left == 0) {
			t.Fatalf("round %d: a lost answer did not stop the run: %+v", round, rep)
		}
	}
	// A lost answer's event is the next one sent again; the bridge got each event in order.
	received, lostIDs := rec.received(), map[string]bool{}
	lost := 0
	var firsts []string
	for i, id := range received {
		if i > 0 && received[i-1] == id {
			lost++
			lostIDs[id] = true
		} else {
			firsts = append(firsts, id)
		}
	}
	s := e.sim.SendStats()
	if !slices.Equal(firsts, eventIDs(box)) || lost == 0 || s.LostAnswers != lost || s.Delivered != len(box) ||
		s.DuplicateAnswers != len(lostIDs) || s.Sent != len(received) {
		t.Fatalf("lost %d of %d sendings; stats %+v", lost, len(received), s)
	}
	t.Logf("stats: %+v", s)
}

func TestSendOutboxAnswers(t *testing.T) {
	e, rec := newRecorded(t, onecsim.Faults{})
	box := e.postings(2, 6)
	rec.answer(func(ev onec.Envelope) int {
		switch ev.EventID {
		case box[2].EventID:
			return http.StatusUnprocessableEntity
		case box[4].EventID:
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	// 422 drops the event and goes on; 503 stops and keeps the rest.
	rep, err := e.sim.SendOutbox(t.Context())
	if err == nil || !strings.Contains(err.Error(), "503") || rep.Delivered != 3 || rep.Rejected != 1 || rep.Left != 2 ||
		!slices.Equal(eventIDs(e.sim.Outbox()), eventIDs(box[4:])) {
		t.Fatalf("first run: %v; %+v", err, rep)
	}
	if d := rep.Deliveries[2]; d.HTTPStatus != http.StatusUnprocessableEntity || d.Code != "test_refusal" ||
		!cyrillic.MatchString(d.Message) || d.EventID != box[2].EventID {
		t.Fatalf("rejection: %+v", d)
	}
	// A refused token says nothing against the event: kept.
	rec.answer(func(onec.Envelope) int { return http.StatusForbidden })
	if rep, err := e.sim.SendOutbox(t.Context()); err == nil || rep.Left != 2 || len(rep.Deliveries) != 1 {
		t.Fatalf("forbidden: %v; %+v", err, rep)
	}
	rec.answer(nil)
	if rep := e.send(); rep.Delivered != 2 || rep.Left != 0 {
		t.Fatalf("resumed: %+v", rep)
	}
	if got := positions(box, rec.received()); !slices.Equal(got, []int{0, 1, 2, 3, 4, 4, 4, 5}) {
		t.Fatalf("received the events %v", got)
	}

	// A transport error stops too and keeps the event.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	sim := onecsim.New(onecsim.Options{BaseURL: dead.URL, Token: token})
	_, err = sim.CreateLocalOrder(onectest.Order(1))
	ok(t, err)
	if rep, err := sim.SendOutbox(t.Context()); err == nil || rep.Left != 1 || rep.Deliveries[0].HTTPStatus != 0 {
		t.Fatalf("transport error: %v; %+v", err, rep)
	}
}

func TestExchange(t *testing.T) {
	e, rec := newRecorded(t, onecsim.Faults{})
	e.upsert(1, "v1")
	if sent, synced, err := e.sim.Exchange(t.Context()); err != nil || sent.Sent != 0 || synced.Applied != 1 {
		t.Fatalf("first exchange: %v; %+v; %+v", err, sent, synced)
	}
	ok(t, e.sim.PostOrder(1))
	e.upsert(2, "v1")
	if sent, synced, err := e.sim.Exchange(t.Context()); err != nil || sent.Delivered != 1 || synced.Applied != 1 || len(rec.received()) != 1 {
		t.Fatalf("second exchange: %v; %+v; %+v", err, sent, synced)
	}
	ok(t, e.sim.PostOrder(2))
	e.upsert(3, "v1")
	rec.answer(func(onec.Envelope) int { return http.StatusBadGateway })
	if _, synced, err := e.sim.Exchange(t.Context()); err == nil || synced.Pulled != 0 || e.pending() != 1 {
		t.Fatalf("failed exchange: %v; %+v", err, synced)
	}
}

// TestGatewayAnswersEvents sends every kind of order and payment event to the real gateway: each
// answer is the gateway's JSON, and the outbox keeps only the events not settled by it.
func TestGatewayAnswersEvents(t *testing.T) {
	e := newEnv(t, onecsim.Faults{})
	e.imported(1, onectest.Payment(21, "100.00"))
	ok(t, e.sim.EditOrder(1, func(o *onec.Order) { o.Items[0].Quantity = qty("5") }))
	ok(t, e.sim.PostOrder(1))
	cash := "cash"
	ref, err := e.sim.PostPayment(1, onec.DocCashReceipt, dec("150.00"), &cash)
	ok(t, err)
	ok(t, e.sim.RepostPayment(e.sim.Payments(1)[0].Ref, dec("90.00")))
	ok(t, e.sim.UnpostPayment(ref))
	ok(t, e.sim.DeletePayment(ref))
	ok(t, e.sim.UnpostOrder(1))
	ok(t, e.sim.DeleteOrder(1))
	_, err = e.sim.CreateLocalOrder(onectest.Order(0))
	ok(t, err)
	n := len(e.sim.Outbox())

	rep, err := e.sim.SendOutbox(t.Context())
	settled := 0
	for _, d := range rep.Deliveries {
		t.Logf("%s: %d %s %s %s", d.Type, d.HTTPStatus, d.Status, d.Code, d.Message)
		switch d.HTTPStatus / 100 {
		case 2:
			settled++
			if d.Status == "" || !cyrillic.MatchString(d.Message) {
				t.Errorf("%s: answer %+v", d.Type, d)
			}
		case 4, 5:
			if d.Code == "" || !cyrillic.MatchString(d.Message) {
				t.Errorf("%s: error answer %+v", d.Type, d)
			}
			if d.HTTPStatus/100 == 4 {
				settled++
			}
		default:
			t.Errorf("%s: no answer %+v", d.Type, d)
		}
	}
	if rep.Delivered+rep.Rejected != settled || rep.Left != n-settled || len(e.sim.Outbox()) != rep.Left ||
		(err == nil) != (rep.Left == 0) {
		t.Fatalf("%d events: %v; %+v", n, err, rep.SendStats)
	}
}
