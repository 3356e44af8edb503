package inbox_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"unfbridge/infra/dynamodblocal"
	"unfbridge/shared/inbox"
	"unfbridge/shared/onec"
	"unfbridge/shared/quarantine"
	"unfbridge/shared/store"
)

func TestAckApplied(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		cmd := f.enqueue(upsert(12, "v1"))
		f.pull("", 0)
		a := applied(strings.ToUpper(cmd.CommandID), 12)
		a.Ref = strings.ToUpper(a.Ref)
		a.Date = "2026-11-29T07:00:00Z"
		res := f.ack(a)
		want := inbox.AckResult{CRMOrderID: 12, Number: "12A", Status: onec.AckApplied,
			Message: "Проведен: Заказ покупателя АСФР-000012 от 29.11.2026 07:00:00"}
		if res != want {
			t.Fatalf("result %+v, want %+v", res, want)
		}
		s := f.state(12)
		if s.Link == nil || *s.Link != (inbox.Link{Ref: docRef(12), Number: "АСФР-000012", Date: a.Date}) ||
			s.LastStatus != onec.AckApplied || s.PendingCommandID != "" || s.LastAckMessage != want.Message ||
			!s.LastAckAt.Equal(f.clock.Now()) || f.pendingCount() != 0 {
			t.Fatalf("state %+v, %d pending", s, f.pendingCount())
		}
		// A repeated ack changes nothing, even with other details.
		a.Number = "АСФР-999999"
		f.clock.Advance(time.Minute)
		want.Duplicate = true
		if res := f.ack(a); res != want {
			t.Fatalf("duplicate: %+v", res)
		}
		if s := f.state(12); s.Link.Number != "АСФР-000012" || !s.LastAckAt.Equal(f.clock.Now().Add(-time.Minute)) {
			t.Fatalf("state after the duplicate: %+v", s)
		}
		for _, status := range []string{onec.AckFailed, onec.AckSkipped} {
			_, err := f.in.Ack(t.Context(), onec.Ack{CommandID: cmd.CommandID, Status: status, Error: "Ошибка"})
			if !errors.Is(err, inbox.ErrConflictingAck) {
				t.Fatalf("conflicting %s ack: %v", status, err)
			}
		}
	})
}

func TestAckMessageKeepsOffset(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		cmd := f.enqueue(upsert(12, "v1"))
		a := applied(cmd.CommandID, 12)
		a.Date = "2026-11-29T10:00:00+03:00"
		if res := f.ack(a); res.Message != "Проведен: Заказ покупателя АСФР-000012 от 29.11.2026 10:00:00" {
			t.Fatalf("message %q", res.Message)
		}
	})
}

func TestAckFailedAndSkipped(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		q := quarantine.New(st)
		failed := f.enqueue(upsert(1, "v1"))
		skipped := f.enqueue(upsert(2, "v1"))
		f.pull("", 0)
		res := f.ack(onec.Ack{CommandID: failed.CommandID, Status: onec.AckFailed, Error: " Не заполнен склад "})
		if res.Status != onec.AckFailed || res.Error != " Не заполнен склад " || res.Message != "1С не приняла заказ 1A: Не заполнен склад" {
			t.Fatalf("failed: %+v", res)
		}
		entries := list(t, q)
		if len(entries) != 1 || entries[0].CRMOrderID != 1 || entries[0].Source != quarantine.Source1C ||
			entries[0].Reason != "1С не приняла заказ: Не заполнен склад" || entries[0].Number != "1A" {
			t.Fatalf("quarantine: %+v", entries)
		}
		if res := f.ack(onec.Ack{CommandID: skipped.CommandID, Status: onec.AckSkipped}); res.Message != "1С пропустила команду по заказу 2A." {
			t.Fatalf("skipped: %+v", res)
		}
		if f.pendingCount() != 0 || f.state(1).LastStatus != onec.AckFailed || f.state(1).LastAckError == "" ||
			f.state(2).LastStatus != onec.AckSkipped {
			t.Fatalf("states %+v %+v", f.state(1), f.state(2))
		}
		// The same content is not queued again; the retry forces it, and its success releases the order.
		if res := f.enqueue(upsert(1, "v1")); res.Queued {
			t.Fatalf("refused content queued again: %+v", res)
		}
		retry := upsert(1, "v1")
		retry.Force = true
		again := f.enqueue(retry)
		f.ack(applied(again.CommandID, 1))
		if entries := list(t, q); len(entries) != 0 {
			t.Fatalf("quarantine after the applied retry: %+v", entries)
		}
	})
}

func TestAckOfSupersededCommand(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		q := quarantine.New(st)
		v1 := f.enqueue(upsert(1, "v1"))
		f.pull("", 0)
		v2 := f.enqueue(upsert(1, "v2"))
		// A refusal of a superseded command leaves the order out of quarantine: v2 decides.
		f.ack(onec.Ack{CommandID: v1.CommandID, Status: onec.AckFailed, Error: "Документ заблокирован"})
		if entries := list(t, q); len(entries) != 0 {
			t.Fatalf("quarantine: %+v", entries)
		}
		v3 := f.enqueue(upsert(1, "v3"))
		res := f.ack(applied(v2.CommandID, 1))
		if res.Status != onec.AckApplied || res.Duplicate {
			t.Fatalf("ack of superseded v2: %+v", res)
		}
		s := f.state(1)
		if s.Link == nil || s.Link.Ref != docRef(1) || s.PendingCommandID != v3.CommandID || s.LastStatus != inbox.StatusPending ||
			s.LastAckMessage != res.Message || f.pendingCount() != 1 {
			t.Fatalf("state after the ack of a superseded command: %+v", s)
		}
	})
}

func TestAckKeepsNewerMappingQuarantine(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		q := quarantine.New(st)
		older := f.enqueue(upsert(1, "v1"))
		newer := f.enqueue(upsert(2, "v1"))
		put := func(id int64, at time.Time) {
			err := q.Put(t.Context(), quarantine.Entry{CRMOrderID: id, Source: quarantine.SourceMapping, Reason: "Нет товара", Updated: at})
			if err != nil {
				t.Fatal(err)
			}
		}
		put(1, f.clock.Now().Add(-time.Minute)) // failed before the command was queued: fixed since
		put(2, f.clock.Now().Add(time.Minute))  // failed after: the CRM order changed and cannot be mapped
		f.ack(applied(older.CommandID, 1))
		f.ack(applied(newer.CommandID, 2))
		if entries := list(t, q); len(entries) != 1 || entries[0].CRMOrderID != 2 {
			t.Fatalf("quarantine: %+v", entries)
		}
	})
}

func TestAckErrors(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		cmd := f.enqueue(upsert(1, "v1"))
		if _, err := f.in.Ack(t.Context(), applied("0f8fad5b-d9cb-469f-a165-70867728950e", 1)); !errors.Is(err, inbox.ErrUnknownCommand) {
			t.Fatalf("unknown command: %v", err)
		}
		tests := []struct {
			name   string
			change func(*onec.Ack)
			fields []string
		}{
			{"no status", func(a *onec.Ack) { a.Status = "" }, []string{"status"}},
			{"unknown status", func(a *onec.Ack) { a.Status = "done" }, []string{"status"}},
			{"bad command id", func(a *onec.Ack) { a.CommandID = "42" }, []string{"commandId"}},
			{"applied without document", func(a *onec.Ack) { a.Ref, a.Number, a.Date = "", "", "" }, []string{"ref", "number", "date"}},
			{"zero ref", func(a *onec.Ack) { a.Ref = "00000000-0000-0000-0000-000000000000" }, []string{"ref"}},
			{"date without offset", func(a *onec.Ack) { a.Date = "2026-11-29T10:00:00" }, []string{"date"}},
			{"empty 1C date", func(a *onec.Ack) { a.Date = "0001-01-01T00:00:00Z" }, []string{"date"}},
			{"failed without error", func(a *onec.Ack) { a.Status, a.Error = onec.AckFailed, " " }, []string{"error"}},
			{"error too long", func(a *onec.Ack) { a.Status, a.Error = onec.AckFailed, strings.Repeat("я", 2001) }, []string{"error"}},
			{"skipped with bad ref", func(a *onec.Ack) { a.Status, a.Ref = onec.AckSkipped, "ref" }, []string{"ref"}},
		}
		for _, tc := range tests {
			a := applied(cmd.CommandID, 1)
			tc.change(&a)
			_, err := f.in.Ack(t.Context(), a)
			invalid, ok := errors.AsType[*inbox.InvalidAckError](err)
			if !ok {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var fields []string
			for _, p := range invalid.Problems {
				fields = append(fields, p.Field)
				if !cyrillic(p.Message) {
					t.Errorf("%s: message %q", tc.name, p.Message)
				}
			}
			if strings.Join(fields, ",") != strings.Join(tc.fields, ",") {
				t.Errorf("%s: problems %+v, want fields %v", tc.name, invalid.Problems, tc.fields)
			}
		}
		if s := f.state(1); s.LastStatus != inbox.StatusPending || s.LastAckMessage != "" || f.pendingCount() != 1 {
			t.Fatalf("state after rejected acks: %+v", s)
		}
	})
}

func list(t *testing.T, q *quarantine.Repo) []quarantine.Entry {
	t.Helper()
	entries, err := q.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func cyrillic(s string) bool {
	return strings.ContainsAny(s, "абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
}
