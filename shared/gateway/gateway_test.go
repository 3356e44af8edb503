package gateway_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"unfbridge/shared/gateway"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/secret"
)

func TestSnapshotApplied(t *testing.T) {
	e := newEnv(t)
	id := onectest.GUID()
	occurred := e.past(time.Hour)
	wantApplied(t, e.post(snapshotEvent(t, id, occurred)), id)

	snap, ok := e.latest()
	if !ok || snap.EventID != id || snap.Infobase != onectest.Infobase || !snap.OccurredAt.Equal(occurred) ||
		snap.ReceivedAt.Before(e.start) {
		t.Fatalf("stored snapshot: %v %+v", ok, snap)
	}
	if org, ok := snap.References.Lookup(onec.KindOrganizations, onectest.Organization); !ok || org.KPP != "770101001" {
		t.Fatalf("stored organization: %v %+v", ok, org)
	}
	if !strings.Contains(e.logs.String(), `"result":"applied"`) || !strings.Contains(e.logs.String(), id) {
		t.Fatalf("no log line of the event: %s", e.logs.String())
	}
}

func TestAuthentication(t *testing.T) {
	tests := []struct {
		name   string
		token  bool
		auth   func(*http.Request)
		status int
		code   string
	}{
		{"bearer", true, bearer(testToken), http.StatusOK, ""},
		{"basic", true, basic(testToken), http.StatusOK, ""},
		{"missing", true, nil, http.StatusUnauthorized, "unauthorized"},
		{"unknown scheme", true, func(r *http.Request) { r.Header.Set("Authorization", "Token "+testToken) }, http.StatusUnauthorized, "unauthorized"},
		{"wrong bearer", true, bearer("wrong-" + testToken), http.StatusForbidden, "forbidden"},
		{"wrong basic", true, basic(testToken + "x"), http.StatusForbidden, "forbidden"},
		{"token not set", false, bearer(testToken), http.StatusForbidden, "token_not_set"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			values := map[string]string{}
			if tc.token {
				values[secret.OnecToken] = testToken
			}
			e := newEnvWith(t, values, nil)
			id := onectest.GUID()
			r := e.do(http.MethodPost, "/onec/v1/events", snapshotEvent(t, id, e.past(time.Hour)), tc.auth)
			if tc.status == http.StatusOK {
				wantApplied(t, r, id)
				return
			}
			r.wantError(t, tc.status, tc.code)
			e.wantNothingStored(id)
		})
	}
}

func TestBadInputs(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		// change edits the body of a valid event, decoded as generic JSON, or replaces it.
		change func(t *testing.T, body []byte) []byte
		status int
		code   string
		field  string
	}{
		{"not JSON", "", replace(`{"eventId": `), 400, "bad_json", ""},
		{"empty body", "", replace(``), 400, "bad_json", ""},
		{"array", "", replace(`[]`), 400, "bad_json", ""},
		{"wrong type", "", set("occurredAt", 1732870800), 400, "bad_json", ""},
		{"wrong nested type", "", set("source", "УНФ"), 400, "bad_json", ""},
		{"unknown field", "", set("colour", "red"), 400, "bad_json", ""},
		{"trailing data", "", func(_ *testing.T, b []byte) []byte { return append(b, " {}"...) }, 400, "bad_json", ""},
		{"oversized body", "", func(_ *testing.T, b []byte) []byte { return append(b, bytes.Repeat([]byte(" "), 5<<20)...) }, 413, "too_large", ""},
		{"wrong content type", "text/plain", nil, 415, "unsupported_media_type", ""},
		{"bad eventId", "", set("eventId", "order-138"), 422, "validation_failed", "eventId"},
		{"zero eventId", "", set("eventId", "00000000-0000-0000-0000-000000000000"), 422, "validation_failed", "eventId"},
		{"occurredAt without offset", "", set("occurredAt", "2026-11-29T10:00:00"), 422, "validation_failed", "occurredAt"},
		{"occurredAt missing", "", set("occurredAt", nil), 422, "validation_failed", "occurredAt"},
		{"occurredAt in the future", "", set("occurredAt", time.Now().Add(48*time.Hour).Format(time.RFC3339)), 422, "validation_failed", "occurredAt"},
		{"no source", "", set("source", nil), 422, "validation_failed", "source.config"},
		{"payload not an object", "", set("payload", []int{1}), 422, "validation_failed", "payload"},
		{"payload missing", "", set("payload", nil), 422, "validation_failed", "payload"},
		{"payload wrong type", "", set("payload.organizations", "Ромашка"), 422, "validation_failed", "payload"},
		{"payload unknown field", "", set("payload.shops", []string{}), 422, "validation_failed", "payload"},
		{"payload bad GUID", "", set("payload.warehouses", []map[string]string{{"ref": "склад", "name": "Склад"}}), 422, "validation_failed", "payload.warehouses[0].ref"},
		{"payload without name", "", set("payload.users", []map[string]string{{"ref": onectest.GUID()}}), 422, "validation_failed", "payload.users[0].name"},
		{"unsupported type", "", set("type", "catalog.page"), 501, "unsupported_event", ""},
		{"unknown type", "", set("type", "order.archived"), 422, "unknown_event_type", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			id := onectest.GUID()
			body := snapshotEvent(t, id, e.past(time.Hour))
			if tc.change != nil {
				body = tc.change(t, body)
			}
			auth := bearer(testToken)
			if tc.contentType != "" {
				auth = func(r *http.Request) { bearer(testToken)(r); r.Header.Set("Content-Type", tc.contentType) }
			}
			r := e.do(http.MethodPost, "/onec/v1/events", body, auth)
			got := r.wantError(t, tc.status, tc.code)
			if tc.field != "" && (len(got.Details) == 0 || got.Details[0].Field != tc.field || !cyrillic.MatchString(got.Details[0].Message)) {
				t.Fatalf("details %+v, want a Russian problem of %s", got.Details, tc.field)
			}
			e.wantNothingStored(id)
		})
	}
}

func TestMethodAndPath(t *testing.T) {
	e := newEnv(t)
	r := e.do(http.MethodGet, "/onec/v1/events", nil, bearer(testToken))
	r.wantError(t, http.StatusMethodNotAllowed, "method_not_allowed")
	if r.header.Get("Allow") != http.MethodPost {
		t.Fatalf("Allow = %q", r.header.Get("Allow"))
	}
	e.do(http.MethodPost, "/onec/v1/event", snapshotEvent(t, onectest.GUID(), e.past(time.Hour)), bearer(testToken)).
		wantError(t, http.StatusNotFound, "not_found")
}

func TestDuplicateAnsweredWithFirstResult(t *testing.T) {
	e := newEnv(t)
	id := onectest.GUID()
	body := snapshotEvent(t, id, e.past(time.Hour))
	first := e.post(body)
	wantApplied(t, first, id)
	stored, _ := e.latest()
	for range 2 {
		again := e.post(body)
		if again.status != first.status || !bytes.Equal(again.body, first.body) || again.header.Get("X-Duplicate-Event") != "true" {
			t.Fatalf("duplicate answered %d %s %v, first %d %s", again.status, again.body, again.header, first.status, first.body)
		}
	}
	if snap, _ := e.latest(); !snap.ReceivedAt.Equal(stored.ReceivedAt) {
		t.Fatalf("a duplicate was applied again: received %v, first %v", snap.ReceivedAt, stored.ReceivedAt)
	}
	if n := strings.Count(e.logs.String(), `"result":"duplicate"`); n != 2 {
		t.Fatalf("%d duplicates logged, want 2", n)
	}
}

func TestDuplicateWithDifferentBody(t *testing.T) {
	e := newEnv(t)
	id := onectest.GUID()
	first := e.post(snapshotEvent(t, id, e.past(time.Hour)))
	wantApplied(t, first, id)
	stored, _ := e.latest()

	again := e.post(snapshotEvent(t, id, e.past(time.Minute)))
	if again.status != first.status || !bytes.Equal(again.body, first.body) || again.header.Get("X-Duplicate-Event") != "true" {
		t.Fatalf("duplicate answered %d %s", again.status, again.body)
	}
	if snap, _ := e.latest(); !snap.OccurredAt.Equal(stored.OccurredAt) {
		t.Fatalf("the different body was applied: %v", snap.OccurredAt)
	}
	if !strings.Contains(e.logs.String(), "duplicate event with a different body") {
		t.Fatalf("no warning: %s", e.logs.String())
	}
}

func TestUpperCaseEventID(t *testing.T) {
	e := newEnv(t)
	id := onectest.GUID()
	wantApplied(t, e.post(snapshotEvent(t, strings.ToUpper(id), e.past(time.Hour))), id)
	if r := e.post(snapshotEvent(t, id, e.past(time.Hour))); r.header.Get("X-Duplicate-Event") != "true" {
		t.Fatalf("the lower-case eventId is not a duplicate: %d %s", r.status, r.body)
	}
}

func TestConcurrentDeliveries(t *testing.T) {
	e := newEnv(t)
	id := onectest.GUID()
	body := snapshotEvent(t, id, e.past(time.Hour))
	const deliveries = 10
	answers := make([]response, deliveries)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() { answers[i] = e.post(body) })
	}
	wg.Wait()
	applied := 0
	for _, r := range answers {
		if r.status != answers[0].status || !bytes.Equal(r.body, answers[0].body) {
			t.Fatalf("answers differ: %d %s and %d %s", r.status, r.body, answers[0].status, answers[0].body)
		}
		if r.header.Get("X-Duplicate-Event") == "" {
			applied++
			wantApplied(t, r, id)
		}
	}
	if applied != 1 {
		t.Fatalf("%d deliveries applied, want 1", applied)
	}
}

func TestStaleSnapshotIgnored(t *testing.T) {
	e := newEnv(t)
	newer := onectest.GUID()
	wantApplied(t, e.post(snapshotEvent(t, newer, e.past(time.Minute))), newer)

	older := onectest.GUID()
	r := e.post(snapshotEvent(t, older, e.past(time.Hour)))
	a := r.answer(t)
	if r.status != http.StatusOK || a.EventID != older || a.Status != gateway.StatusIgnored || !strings.Contains(a.Message, "более новая") {
		t.Fatalf("stale snapshot answered %d %s", r.status, r.body)
	}
	if snap, _ := e.latest(); snap.EventID != newer {
		t.Fatalf("the stale snapshot replaced the newer one: %s", snap.EventID)
	}
	again := e.post(snapshotEvent(t, older, e.past(time.Hour)))
	if !bytes.Equal(again.body, r.body) || again.header.Get("X-Duplicate-Event") != "true" {
		t.Fatalf("the stale snapshot again: %d %s", again.status, again.body)
	}
}
