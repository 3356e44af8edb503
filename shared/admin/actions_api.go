package admin

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/sync"
	"unfbridge/shared/webhook"
)

// OrderInput is the body of "Загрузить заказ по ИД".
type OrderInput struct {
	ID int64 `json:"id"`
}

// DateInput is the body of "Загрузить по дате актуальности".
type DateInput struct {
	Date time.Time `json:"date"`
}

func (d Deps) actionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /admin/v1/actions/import-orders", d.auth(d.importOrders))
	mux.HandleFunc("POST /admin/v1/actions/import-order", d.auth(d.importOrder))
	mux.HandleFunc("POST /admin/v1/actions/import-from-date", d.auth(d.importFromDate))
	mux.HandleFunc("GET /admin/v1/quarantine", d.auth(d.listQuarantine))
	mux.HandleFunc("POST /admin/v1/quarantine/retry", d.auth(d.retryQuarantine))
	mux.HandleFunc("GET /admin/v1/runs", d.auth(d.listRuns))
	mux.HandleFunc("GET /admin/v1/orders/{id}", d.auth(d.orderState))
}

func (d Deps) importOrders(w http.ResponseWriter, r *http.Request) {
	run, err := d.Importer.Sync(r.Context(), sync.TriggerButton)
	d.answer(w, r, run, err)
}

func (d Deps) importOrder(w http.ResponseWriter, r *http.Request) {
	var in OrderInput
	if err := httpapi.Decode(r, maxSettingsBody, &in); err != nil {
		httpapi.WriteDecodeError(w, err)
		return
	}
	run, err := d.Importer.ImportOrder(r.Context(), in.ID, sync.TriggerButton)
	d.answer(w, r, run, err)
}

func (d Deps) importFromDate(w http.ResponseWriter, r *http.Request) {
	var in DateInput
	if err := httpapi.Decode(r, maxSettingsBody, &in); err != nil {
		httpapi.WriteDecodeError(w, err)
		return
	}
	run, err := d.Importer.SyncFromDate(r.Context(), in.Date)
	d.answer(w, r, run, err)
}

func (d Deps) listQuarantine(w http.ResponseWriter, r *http.Request) {
	entries, err := d.Importer.Quarantine.List(r.Context())
	d.answer(w, r, nonNilList(entries), err)
}

func (d Deps) retryQuarantine(w http.ResponseWriter, r *http.Request) {
	run, err := d.Importer.RetryQuarantine(r.Context())
	d.answer(w, r, run, err)
}

func (d Deps) listRuns(w http.ResponseWriter, r *http.Request) {
	flow := r.URL.Query().Get("flow")
	if flow == "" {
		flow = sync.FlowHistorySync
	}
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 || limit > 200 {
		limit = 20
	}
	runs, err := d.Importer.Runs.Latest(r.Context(), flow, limit)
	d.answer(w, r, nonNilList(runs), err)
}

func (d Deps) orderState(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		httpapi.WriteError(w, http.StatusBadRequest, httpapi.Error{Code: "bad_id", Message: "Id заказа RetailCRM должен быть положительным числом."})
		return
	}
	st, ok, err := d.Importer.Inbox.State(r.Context(), id)
	if err == nil && !ok {
		httpapi.WriteError(w, http.StatusNotFound, httpapi.Error{Code: "unknown_order",
			Message: "Заказ " + strconv.FormatInt(id, 10) + " ещё не передавался в 1С."})
		return
	}
	d.answer(w, r, st, err)
}

// triggerURL is the URL to paste into the RetailCRM trigger, on the host the admin API was
// called on.
func triggerURL(r *http.Request, secretValue string) string {
	scheme := "https"
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = p
	} else if r.TLS == nil && isLoopback(r.Host) {
		scheme = "http"
	}
	return scheme + "://" + r.Host + strings.Replace(webhook.Path, "{secret}", secretValue, 1) + "?id={{ order.id }}"
}

func isLoopback(host string) bool {
	h, _, err := net.SplitHostPort(host)
	if err != nil {
		h = host
	}
	return h == "localhost" || net.ParseIP(h).IsLoopback()
}

func nonNilList[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
