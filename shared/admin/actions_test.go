package admin_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"unfbridge/shared/admin"
	"unfbridge/shared/inbox"
	"unfbridge/shared/quarantine"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/runlog"
	"unfbridge/shared/secret"
	bridgesync "unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
	"unfbridge/shared/webhook"
)

// newImportBridge is the admin API with the order import and push, and the crm-webhook API beside it on
// the same host (as the local runner and API Gateway route them), over a bridge configured for
// the import like a user would (importtest). Its logs, the import's included, must hold no
// secret.
func newImportBridge(t *testing.T) (*bridge, *importtest.Bridge) {
	t.Helper()
	ib := importtest.New(t, importtest.Options{})
	if err := ib.Secrets.Put(t.Context(), secret.AdminToken, adminToken); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	mux := http.NewServeMux()
	mux.Handle("/crm/", webhook.NewHandler(webhook.Deps{Secrets: ib.Secrets, Importer: ib.Importer, Log: log,
		Trigger: bridgesync.TriggerWebhook}))
	mux.Handle("/", admin.NewHandler(admin.Deps{Store: ib.Store, Secrets: ib.Secrets, Setup: ib.Setup, Importer: ib.Importer,
		Pusher: ib.Pusher(time.Now), Catalog: ib.Catalog, StoreSync: ib.StoreSync(), Version: "test", Log: log}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	b := &bridge{t: t, srv: srv, sb: ib.Sandbox, st: ib.Store, secrets: ib.Secrets, logs: logs}
	t.Cleanup(b.checkLogsHoldNoSecret)
	// Runs before the check: the import's own logs are checked too.
	t.Cleanup(func() { _, _ = logs.Write([]byte(ib.Logs.String())) })
	return b, ib
}

// run decodes a run answer.
func (a answer) run(t *testing.T) runlog.Run {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	var r runlog.Run
	a.decode(t, &r)
	return r
}

func TestActionImportOrders(t *testing.T) {
	b, _ := newImportBridge(t)
	if a := b.doAs("POST", "/admin/v1/actions/import-orders", nil, ""); a.status != http.StatusUnauthorized {
		t.Fatalf("without the token: %d", a.status)
	}
	run := b.do("POST", "/admin/v1/actions/import-orders", nil).run(t)
	if !run.Complete || run.Flow != bridgesync.FlowHistorySync || run.Trigger != bridgesync.TriggerButton ||
		run.Counts[bridgesync.CountQueued] != 3 || run.Counts[bridgesync.CountCursorTo] == 0 {
		t.Fatalf("run %+v", run)
	}
	again := b.do("POST", "/admin/v1/actions/import-orders", nil).run(t)
	if again.Counts[bridgesync.CountQueued] != 0 || again.Counts[bridgesync.CountCursorFrom] != run.Counts[bridgesync.CountCursorTo] {
		t.Errorf("second run %+v", again)
	}

	var runs []runlog.Run
	b.do("GET", "/admin/v1/runs?flow=history-sync&limit=1", nil).decode(t, &runs)
	if len(runs) != 1 || runs[0].ID != again.ID {
		t.Errorf("latest run %+v", runs)
	}
	b.do("GET", "/admin/v1/runs", nil).decode(t, &runs)
	if len(runs) != 2 || runs[1].ID != run.ID {
		t.Errorf("runs %+v", runs)
	}
	if a := b.do("GET", "/admin/v1/runs?flow=order-by-id&limit=abc", nil); a.status != http.StatusOK || strings.TrimSpace(string(a.body)) != "[]" {
		t.Errorf("no runs: %d %s", a.status, a.body)
	}
}

func TestActionOrderState(t *testing.T) {
	b, ib := newImportBridge(t)
	id := newOrder(t, ib)
	path := "/admin/v1/orders/" + strconv.FormatInt(id, 10)
	if a := b.do("GET", path, nil); a.status != http.StatusNotFound || !strings.Contains(a.errorOf(t).Message, "ещё не передавался в 1С") {
		t.Fatalf("before the import: %d %s", a.status, a.body)
	}
	for _, bad := range []string{"abc", "0", "-1"} {
		if a := b.do("GET", "/admin/v1/orders/"+bad, nil); a.status != http.StatusBadRequest {
			t.Errorf("id %q: %d", bad, a.status)
		}
	}
	b.do("POST", "/admin/v1/actions/import-orders", nil).run(t)
	var st inbox.OrderState
	a := b.do("GET", path, nil)
	a.decode(t, &st)
	if a.status != http.StatusOK || st.CRMOrderID != id || st.LastStatus != inbox.StatusPending || st.PendingCommandID == "" ||
		!strings.Contains(string(a.body), `"lastCommandId"`) {
		t.Fatalf("queued: %d %s", a.status, a.body)
	}
	ib.Pull(t)
	d, _ := ib.Sim.Document(id)
	st = inbox.OrderState{}
	b.do("GET", path, nil).decode(t, &st)
	want := "Проведен: Заказ покупателя " + d.Number + " от " + d.Date.Format("02.01.2006 15:04:05")
	if st.LastAckMessage != want || st.Link == nil || st.Link.Number != d.Number || st.PendingCommandID != "" {
		t.Errorf("applied: %+v, want %q", st, want)
	}
}

// newOrder is the CRM id of the demo order in status "new" (the import takes it).
func newOrder(t *testing.T, ib *importtest.Bridge) int64 {
	t.Helper()
	c, err := retailcrm.New(retailcrm.Options{BaseURL: ib.Sandbox.URL(), APIKey: sandbox.DemoAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.Orders(t.Context(), retailcrm.OrdersFilter{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range page.Orders {
		if o.Site == sandbox.DemoSite && o.Status == "new" {
			return o.ID
		}
	}
	t.Fatal("no demo order in status new")
	return 0
}

func TestActionImportOrder(t *testing.T) {
	b, ib := newImportBridge(t)
	id := newOrder(t, ib)
	run := b.do("POST", "/admin/v1/actions/import-order", map[string]int64{"id": id}).run(t)
	if !run.Complete || run.Flow != bridgesync.FlowOrderByID || run.Counts[bridgesync.CountQueued] != 1 {
		t.Fatalf("run %+v", run)
	}
	// By the button the order is sent again even unchanged.
	if run := b.do("POST", "/admin/v1/actions/import-order", map[string]int64{"id": id}).run(t); run.Counts[bridgesync.CountQueued] != 1 {
		t.Errorf("again %+v", run)
	}
	if run := b.do("POST", "/admin/v1/actions/import-order", `{"id": 999999}`).run(t); len(run.Messages) != 1 ||
		!strings.Contains(run.Messages[0], "не найден") {
		t.Errorf("unknown order %+v", run)
	}
	for body, status := range map[string]int{`{"id": 0}`: 422, `{}`: 422, `{"id": -3}`: 422, `{"id": "5001"}`: 400, `[]`: 400, ``: 400} {
		a := b.do("POST", "/admin/v1/actions/import-order", body)
		if a.status != status {
			t.Errorf("%s: %d %s", body, a.status, a.body)
			continue
		}
		if e := a.errorOf(t); status == 422 && (len(e.Details) != 1 || e.Details[0].Field != "id") {
			t.Errorf("%s: %+v", body, e)
		}
	}
}

func TestActionImportFromDate(t *testing.T) {
	b, ib := newImportBridge(t)
	b.do("POST", "/admin/v1/actions/import-orders", nil).run(t)
	before := b.storeDump()
	future := time.Now().Add(48 * time.Hour).Format(time.RFC3339)
	a := b.do("POST", "/admin/v1/actions/import-from-date", `{"date": "`+future+`"}`)
	if a.status != http.StatusUnprocessableEntity {
		t.Fatalf("future date: %d %s", a.status, a.body)
	}
	if e := a.errorOf(t); len(e.Details) != 1 || e.Details[0].Field != "date" || !strings.Contains(e.Details[0].Message, "в прошлом") {
		t.Errorf("future date: %+v", e)
	}
	for _, body := range []string{`{"date": "вчера"}`, `{"date": "2026-11-01"}`, `{}`} {
		if a := b.do("POST", "/admin/v1/actions/import-from-date", body); a.status/100 != 4 {
			t.Errorf("%s: %d %s", body, a.status, a.body)
		}
	}
	if b.storeDump() != before {
		t.Error("a refused date changed the settings")
	}
	past := time.Now().Add(-2 * time.Hour).Format(time.RFC3339)
	run := b.do("POST", "/admin/v1/actions/import-from-date", `{"date": "`+past+`"}`).run(t)
	if !run.Complete || run.Counts[bridgesync.CountCursorFrom] != 0 || run.Counts[bridgesync.CountUnchanged] != 3 ||
		run.Counts[bridgesync.CountQueued] != 0 {
		t.Errorf("run %+v", run)
	}
	st, err := ib.Importer.Repo.Load(t.Context())
	if err != nil || st.Settings.History.ActualityDate == nil || st.Settings.History.ActualityDate.Format(time.RFC3339) != past {
		t.Errorf("history position %v %+v", err, st.Settings.History)
	}
}

func TestActionQuarantine(t *testing.T) {
	b, ib := newImportBridge(t)
	if a := b.do("GET", "/admin/v1/quarantine", nil); a.status != http.StatusOK || strings.TrimSpace(string(a.body)) != "[]" {
		t.Fatalf("empty quarantine: %d %s", a.status, a.body)
	}
	// A manager is taken out of the table on the settings page.
	var view bridgesync.View
	b.do("GET", "/admin/v1/settings", nil).decode(t, &view)
	managers := view.Settings.Tables.Managers
	missing := managers[0]
	if a := b.do("PUT", "/admin/v1/settings/tables/managers", managers[1:]); a.status != http.StatusOK {
		t.Fatalf("save managers: %d %s", a.status, a.body)
	}
	run := b.do("POST", "/admin/v1/actions/import-orders", nil).run(t)
	if run.Counts[bridgesync.CountQuarantined] == 0 {
		t.Fatalf("nothing quarantined: %+v", run)
	}
	var entries []quarantine.Entry
	b.do("GET", "/admin/v1/quarantine", nil).decode(t, &entries)
	reason := "Менеджер RetailCRM с id " + strconv.FormatInt(missing.CRMID, 10) + " не сопоставлен пользователю 1С на вкладке «Менеджеры»."
	if int64(len(entries)) != run.Counts[bridgesync.CountQuarantined] || entries[0].Reason != reason || entries[0].Number == "" {
		t.Fatalf("quarantine %+v", entries)
	}
	// Retried unfixed: still there.
	retry := b.do("POST", "/admin/v1/quarantine/retry", nil).run(t)
	b.do("GET", "/admin/v1/quarantine", nil).decode(t, &entries)
	if retry.Counts[bridgesync.CountRetried] != int64(len(entries)) || entries[0].Attempts != 2 {
		t.Errorf("retry %+v, quarantine %+v", retry, entries)
	}
	// Fixed and retried: imported.
	if a := b.do("PUT", "/admin/v1/settings/tables/managers", managers); a.status != http.StatusOK {
		t.Fatalf("save managers: %d %s", a.status, a.body)
	}
	retry = b.do("POST", "/admin/v1/quarantine/retry", nil).run(t)
	if retry.Counts[bridgesync.CountQueued] != int64(len(entries)) {
		t.Errorf("retry %+v", retry)
	}
	if a := b.do("GET", "/admin/v1/quarantine", nil); strings.TrimSpace(string(a.body)) != "[]" {
		t.Errorf("quarantine after the fix: %s", a.body)
	}
	if n, err := ib.Importer.Inbox.PendingCount(t.Context()); err != nil || n != 3 {
		t.Errorf("%d pending (%v)", n, err)
	}
}

func TestActionTriggerURL(t *testing.T) {
	b, ib := newImportBridge(t)
	id := newOrder(t, ib)
	var first, rotated admin.Rotated
	b.do("POST", "/admin/v1/secrets/"+secret.CRMTriggerSecret+"/rotate", nil).decode(t, &first)
	b.do("POST", "/admin/v1/secrets/"+secret.CRMTriggerSecret+"/rotate", nil).decode(t, &rotated)
	want := b.srv.URL + "/crm/v1/trigger/" + rotated.Value + "?id={{ order.id }}"
	if rotated.TriggerURL != want {
		t.Fatalf("trigger URL %q, want %q", rotated.TriggerURL, want)
	}
	// The URL as RetailCRM calls it once the template is filled in.
	call := func(u string) answer {
		resp, err := http.Get(strings.Replace(u, "{{ order.id }}", strconv.FormatInt(id, 10), 1))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return answer{status: resp.StatusCode, body: data}
	}
	var got webhook.Answer
	a := call(rotated.TriggerURL)
	a.decode(t, &got)
	if a.status != http.StatusOK || got.CRMOrderID != id || got.Counts[bridgesync.CountQueued] != 1 {
		t.Errorf("trigger: %d %s", a.status, a.body)
	}
	if a := call(first.TriggerURL); a.status != http.StatusForbidden {
		t.Errorf("the replaced secret still works: %d", a.status)
	}
	if n, err := ib.Importer.Inbox.PendingCount(t.Context()); err != nil || n != 1 {
		t.Errorf("%d pending (%v)", n, err)
	}
	// Behind a proxy the scheme comes from X-Forwarded-Proto.
	req, err := http.NewRequestWithContext(t.Context(), "POST", b.srv.URL+"/admin/v1/secrets/"+secret.CRMTriggerSecret+"/rotate", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var proxied admin.Rotated
	answer{status: resp.StatusCode, body: data}.decode(t, &proxied)
	if !strings.HasPrefix(proxied.TriggerURL, "https://"+strings.TrimPrefix(b.srv.URL, "http://")+"/crm/v1/trigger/"+proxied.Value+"?id=") {
		t.Errorf("behind a proxy: %q", proxied.TriggerURL)
	}
	// The 1C token has no trigger URL.
	var onec admin.Rotated
	b.do("POST", "/admin/v1/secrets/"+secret.OnecToken+"/rotate", nil).decode(t, &onec)
	if onec.TriggerURL != "" || onec.Value == "" {
		t.Errorf("1C token rotation %+v", onec)
	}
}
