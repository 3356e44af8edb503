package gateway_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"unfbridge/shared/inbox"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/quarantine"
)

// inboxOf returns the inbox the gateway of e serves.
func (e *env) inboxOf() *inbox.Inbox { return inbox.New(e.store, inbox.Options{Now: e.clock.Now}) }

// enqueue queues an order.upsert of the sample order crmID.
func (e *env) enqueue(crmID int64) string {
	e.t.Helper()
	o := onectest.Order(crmID)
	res, err := e.inboxOf().Enqueue(e.t.Context(), inbox.Pending{Type: onec.CommandOrderUpsert, CRMOrderID: crmID,
		Number: o.CRM.Number, Order: &o, Messages: []string{"Склад не указан в заказе, выбран основной"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return res.CommandID
}

// pullInbox pulls with the test token and decodes the answer.
func (e *env) pullInbox(query string) (onec.Inbox, response) {
	e.t.Helper()
	r := e.do(http.MethodGet, "/onec/v1/inbox"+query, nil, basic(testToken))
	var box onec.Inbox
	if r.status != http.StatusOK {
		e.t.Fatalf("pull answered %d %s", r.status, r.body)
	}
	if err := json.Unmarshal(r.body, &box); err != nil {
		e.t.Fatal(err)
	}
	return box, r
}

// ack sends an ack with the test token and decodes a successful answer.
func (e *env) ack(a onec.Ack) onec.AckAnswer {
	e.t.Helper()
	r := e.do(http.MethodPost, "/onec/v1/inbox/ack", marshal(e.t, a), bearer(testToken))
	var answer onec.AckAnswer
	if r.status != http.StatusOK {
		e.t.Fatalf("ack answered %d %s", r.status, r.body)
	}
	if err := json.Unmarshal(r.body, &answer); err != nil {
		e.t.Fatal(err)
	}
	return answer
}

// state returns the inbox state of a CRM order.
func (e *env) state(crmID int64) inbox.OrderState {
	e.t.Helper()
	st, _, err := e.inboxOf().State(e.t.Context(), crmID)
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

const docGUID = "9d2b7a3e-51c4-4f0a-8e6b-2c3d4e5f6a7b"

func TestInboxPullAndAck(t *testing.T) {
	e := newEnv(t)
	if box, r := e.pullInbox(""); len(box.Commands) != 0 || box.Next != "" || !bytes.Contains(r.body, []byte(`"commands":[]`)) {
		t.Fatalf("empty inbox: %s", r.body)
	}
	first, second := e.enqueue(12), e.enqueue(13)
	box, _ := e.pullInbox("?limit=1")
	if len(box.Commands) != 1 || box.Commands[0].CommandID != first || box.Next != "1" {
		t.Fatalf("first page: %+v", box)
	}
	c := box.Commands[0]
	var o onec.Order
	if err := json.Unmarshal(c.Payload, &o); err != nil || c.Type != onec.CommandOrderUpsert || c.CRMOrderID != 12 ||
		o.CRM.ID != 12 || o.Total.String() != "490.00" || len(c.Messages) != 1 {
		t.Fatalf("command %+v, order %+v: %v", c, o, err)
	}
	box, _ = e.pullInbox("?after=1&limit=200")
	if len(box.Commands) != 1 || box.Commands[0].CommandID != second || box.Next != "2" {
		t.Fatalf("second page: %+v", box)
	}

	a := onec.Ack{CommandID: strings.ToUpper(first), Status: onec.AckApplied, Ref: docGUID, Number: "АСФР-000012",
		Date: "2026-11-29T10:00:00+03:00"}
	want := onec.AckAnswer{CommandID: first, Status: onec.AckApplied, CRMOrderID: 12,
		Message: "Проведен: Заказ покупателя АСФР-000012 от 29.11.2026 10:00:00"}
	if got := e.ack(a); got != want {
		t.Fatalf("ack answered %+v, want %+v", got, want)
	}
	want.Duplicate = true
	if got := e.ack(a); got != want {
		t.Fatalf("repeated ack answered %+v", got)
	}
	failed := e.ack(onec.Ack{CommandID: second, Status: onec.AckFailed, Error: "Не найдена номенклатура"})
	if failed.Status != onec.AckFailed || failed.CRMOrderID != 13 || !strings.Contains(failed.Message, "Не найдена номенклатура") {
		t.Fatalf("failed ack answered %+v", failed)
	}
	if st := e.state(12); st.Link == nil || st.Link.Ref != docGUID || st.LastStatus != onec.AckApplied {
		t.Fatalf("state of 12: %+v", st)
	}
	entries, err := quarantine.New(e.store).List(t.Context())
	if err != nil || len(entries) != 1 || entries[0].CRMOrderID != 13 {
		t.Fatalf("quarantine: %+v %v", entries, err)
	}
	if box, _ := e.pullInbox("?after=2"); len(box.Commands) != 0 || box.Next != "2" {
		t.Fatalf("after the acks: %+v", box)
	}
	logs := e.logs.String()
	if n := strings.Count(logs, `"msg":"onec inbox pull"`); n != 4 {
		t.Fatalf("%d pull lines, want 4: %s", n, logs)
	}
	if n := strings.Count(logs, `"msg":"onec inbox ack"`); n != 3 || !strings.Contains(logs, `"result":"duplicate"`) ||
		!strings.Contains(logs, `"commandId":"`+first+`"`) {
		t.Fatalf("ack lines: %s", logs)
	}
	if strings.Contains(logs, testToken) || strings.Contains(logs, "Не найдена номенклатура") || strings.Contains(logs, "Иванов") {
		t.Fatalf("the token or payload contents were logged: %s", logs)
	}
}

func TestInboxBadInputs(t *testing.T) {
	validAck := func(id string) []byte {
		return []byte(`{"commandId":"` + id + `","status":"applied","ref":"` + docGUID +
			`","number":"АСФР-000012","date":"2026-11-29T10:00:00+03:00"}`)
	}
	tests := []struct {
		name        string
		method      string
		path        string
		auth        func(*http.Request)
		contentType string
		// body returns the body for the id of the queued command.
		body   func(id string) []byte
		status int
		code   string
		field  string
	}{
		{"pull without token", http.MethodGet, "/onec/v1/inbox", nil, "", nil, 401, "unauthorized", ""},
		{"pull with wrong token", http.MethodGet, "/onec/v1/inbox", bearer("wrong"), "", nil, 403, "forbidden", ""},
		{"pull with bad cursor", http.MethodGet, "/onec/v1/inbox?after=abc", bearer(testToken), "", nil, 400, "bad_cursor", ""},
		{"pull with negative cursor", http.MethodGet, "/onec/v1/inbox?after=-1", bearer(testToken), "", nil, 400, "bad_cursor", ""},
		{"pull with zero limit", http.MethodGet, "/onec/v1/inbox?limit=0", bearer(testToken), "", nil, 400, "bad_limit", ""},
		{"pull with big limit", http.MethodGet, "/onec/v1/inbox?limit=201", bearer(testToken), "", nil, 400, "bad_limit", ""},
		{"pull with text limit", http.MethodGet, "/onec/v1/inbox?limit=все", bearer(testToken), "", nil, 400, "bad_limit", ""},
		{"pull by POST", http.MethodPost, "/onec/v1/inbox", bearer(testToken), "", nil, 405, "method_not_allowed", ""},
		{"ack by GET", http.MethodGet, "/onec/v1/inbox/ack", bearer(testToken), "", nil, 405, "method_not_allowed", ""},
		{"ack without token", http.MethodPost, "/onec/v1/inbox/ack", nil, "", validAck, 401, "unauthorized", ""},
		{"ack with wrong token", http.MethodPost, "/onec/v1/inbox/ack", basic("wrong"), "", validAck, 403, "forbidden", ""},
		{"ack not JSON", http.MethodPost, "/onec/v1/inbox/ack", bearer(testToken), "", func(string) []byte { return []byte(`{"commandId":`) }, 400, "bad_json", ""},
		{"ack unknown field", http.MethodPost, "/onec/v1/inbox/ack", bearer(testToken), "", func(id string) []byte {
			return append(validAck(id)[:len(validAck(id))-1], `,"posted":true}`...)
		}, 400, "bad_json", ""},
		{"ack oversized", http.MethodPost, "/onec/v1/inbox/ack", bearer(testToken), "", func(id string) []byte {
			return append(validAck(id), bytes.Repeat([]byte(" "), 64<<10)...)
		}, 413, "too_large", ""},
		{"ack as text", http.MethodPost, "/onec/v1/inbox/ack", bearer(testToken), "text/plain", validAck, 415, "unsupported_media_type", ""},
		{"ack invalid status", http.MethodPost, "/onec/v1/inbox/ack", bearer(testToken), "", func(id string) []byte {
			return []byte(`{"commandId":"` + id + `","status":"done"}`)
		}, 422, "validation_failed", "status"},
		{"ack applied without ref", http.MethodPost, "/onec/v1/inbox/ack", bearer(testToken), "", func(id string) []byte {
			return []byte(`{"commandId":"` + id + `","status":"applied","number":"1","date":"2026-11-29T10:00:00+03:00"}`)
		}, 422, "validation_failed", "ref"},
		{"ack of unknown command", http.MethodPost, "/onec/v1/inbox/ack", bearer(testToken), "", func(string) []byte {
			return validAck(onectest.GUID())
		}, 404, "unknown_command", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			id := e.enqueue(12)
			var body []byte
			if tc.body != nil {
				body = tc.body(id)
			}
			auth := tc.auth
			if tc.contentType != "" {
				auth = func(r *http.Request) { tc.auth(r); r.Header.Set("Content-Type", tc.contentType) }
			}
			got := e.do(tc.method, tc.path, body, auth).wantError(t, tc.status, tc.code)
			if tc.field != "" && (len(got.Details) == 0 || got.Details[0].Field != tc.field) {
				t.Fatalf("details %+v, want a problem of %s", got.Details, tc.field)
			}
			if st := e.state(12); st.LastStatus != inbox.StatusPending || st.LastAckMessage != "" || st.Link != nil {
				t.Fatalf("the command changed: %+v", st)
			}
			if logs := e.logs.String(); strings.Contains(logs, testToken) || strings.Count(logs, "\n") != 1 {
				t.Fatalf("want one log line without the token: %s", logs)
			}
		})
	}
}

func TestInboxConflictingAck(t *testing.T) {
	e := newEnv(t)
	id := e.enqueue(12)
	e.ack(onec.Ack{CommandID: id, Status: onec.AckSkipped})
	r := e.do(http.MethodPost, "/onec/v1/inbox/ack", marshal(t, onec.Ack{CommandID: id, Status: onec.AckFailed, Error: "Ошибка"}), bearer(testToken))
	r.wantError(t, http.StatusConflict, "conflicting_ack")
	if st := e.state(12); st.LastStatus != onec.AckSkipped || st.LastAckError != "" {
		t.Fatalf("state after the conflicting ack: %+v", st)
	}
}
