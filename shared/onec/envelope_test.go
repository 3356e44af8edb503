package onec_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
)

var msk = time.FixedZone("MSK", 3*3600)

func sampleEnvelope() onec.Envelope {
	return onectest.Snapshot(onectest.GUID(), time.Date(2026, 11, 29, 10, 0, 0, 0, msk), onectest.References())
}

func TestEnvelopeValid(t *testing.T) {
	e := sampleEnvelope()
	e.Object = &onec.Object{Ref: onectest.GUID(), DataVersion: "AAAAAAAbc=", Posted: true}
	if problems := e.Validate(); problems != nil {
		t.Fatalf("valid envelope: %v", problems)
	}
	if want := time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC); !e.OccurredTime().Equal(want) {
		t.Fatalf("OccurredTime = %v, want %v", e.OccurredTime(), want)
	}
}

func TestEnvelopeLowerCasesEventID(t *testing.T) {
	e := sampleEnvelope()
	e.EventID = "0F8FAD5B-D9CB-469F-A165-70867728950E"
	if problems := e.Validate(); problems != nil {
		t.Fatalf("upper-case eventId: %v", problems)
	}
	if e.EventID != "0f8fad5b-d9cb-469f-a165-70867728950e" {
		t.Fatalf("eventId not lower-cased: %q", e.EventID)
	}
}

func TestEnvelopeProblems(t *testing.T) {
	tests := []struct {
		name   string
		change func(*onec.Envelope)
		field  string
		msg    string
	}{
		{"no eventId", func(e *onec.Envelope) { e.EventID = "" }, "eventId", "Поле обязательно"},
		{"bad eventId", func(e *onec.Envelope) { e.EventID = "42" }, "eventId", "Ожидается GUID"},
		{"zero eventId", func(e *onec.Envelope) { e.EventID = "00000000-0000-0000-0000-000000000000" }, "eventId", "Нулевой GUID"},
		{"no type", func(e *onec.Envelope) { e.Type = " " }, "type", "Поле обязательно"},
		{"long type", func(e *onec.Envelope) { e.Type = onec.EventType(strings.Repeat("x", 101)) }, "type", "длиннее 100 символов"},
		{"no occurredAt", func(e *onec.Envelope) { e.OccurredAt = "" }, "occurredAt", "Поле обязательно"},
		{"occurredAt without offset", func(e *onec.Envelope) { e.OccurredAt = "2026-11-29T10:00:00" }, "occurredAt", "с часовым поясом"},
		{"occurredAt not ISO", func(e *onec.Envelope) { e.OccurredAt = "29.11.2026 10:00:00" }, "occurredAt", "ISO 8601"},
		{"occurredAt empty 1C date", func(e *onec.Envelope) { e.OccurredAt = "0001-01-01T00:00:00Z" }, "occurredAt", "не заполнена"},
		{"no config", func(e *onec.Envelope) { e.Source.Config = "" }, "source.config", "Поле обязательно"},
		{"no version", func(e *onec.Envelope) { e.Source.Version = "" }, "source.version", "Поле обязательно"},
		{"upper-case infobase", func(e *onec.Envelope) { e.Source.Infobase = strings.ToUpper(onectest.Infobase) }, "source.infobase", "в нижнем регистре"},
		{"object without ref", func(e *onec.Envelope) { e.Object = &onec.Object{} }, "object.ref", "Поле обязательно"},
		{"no payload", func(e *onec.Envelope) { e.Payload = nil }, "payload", "Поле обязательно"},
		{"null payload", func(e *onec.Envelope) { e.Payload = json.RawMessage("null") }, "payload", "Поле обязательно"},
		{"array payload", func(e *onec.Envelope) { e.Payload = json.RawMessage("[]") }, "payload", "Ожидается JSON-объект"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := sampleEnvelope()
			tc.change(&e)
			problems := e.Validate()
			if len(problems) != 1 || problems[0].Field != tc.field || !strings.Contains(problems[0].Message, tc.msg) {
				t.Fatalf("problems = %v, want one on %s saying %q", problems, tc.field, tc.msg)
			}
		})
	}
}

func TestEventTypes(t *testing.T) {
	for _, typ := range []onec.EventType{"references.snapshot", "catalog.page", "stock.page", "prices.page",
		"order.posted", "order.unposted", "order.deleted", "payment.posted", "payment.unposted", "payment.deleted"} {
		if !typ.Known() || !slices.Contains(onec.EventTypes, typ) {
			t.Errorf("%s is not known", typ)
		}
	}
	if onec.EventType("order.archived").Known() {
		t.Error("order.archived is known")
	}
}
