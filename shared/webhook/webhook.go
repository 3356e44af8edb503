// Package webhook is the HTTP API of the crm-webhook function: the URL a RetailCRM trigger calls
// ("HTTP request" action) with an order id, to import that order at once. The URL carries the
// connection's trigger secret; duplicate and bursting calls are harmless (the import is
// idempotent and paced by the shared rate budget).
package webhook

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/runlog"
	"unfbridge/shared/secret"
)

// Path is the route of the trigger; {secret} is the connection's trigger secret.
const Path = "/crm/v1/trigger/{secret}"

// Importer imports one CRM order now (sync.Importer).
type Importer interface {
	ImportOrder(ctx context.Context, crmOrderID int64, trigger string) (runlog.Run, error)
}

// Deps are what the webhook works with.
type Deps struct {
	Secrets  secret.Store
	Importer Importer
	Log      *slog.Logger
	// Trigger is the run log's name of this trigger.
	Trigger string
}

// maxForm bounds the body of a trigger call.
const maxForm = 16 << 10

// NewHandler returns the webhook's HTTP API. RetailCRM may call it with GET or POST; the order
// id comes as the parameter "id" (query or form).
func NewHandler(d Deps) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Path, d.trigger)
	mux.HandleFunc("POST "+Path, d.trigger)
	return mux
}

// Answer is the body of a successful call.
type Answer struct {
	CRMOrderID int64            `json:"crmOrderId"`
	Counts     map[string]int64 `json:"counts"`
	Messages   []string         `json:"messages"`
}

func (d Deps) trigger(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status := d.serve(w, r)
	// The path holds the secret: log the route, never the path.
	d.Log.InfoContext(r.Context(), "trigger", "route", Path, "method", r.Method, "status", status,
		"durationMs", time.Since(start).Milliseconds())
}

func (d Deps) serve(w http.ResponseWriter, r *http.Request) int {
	expected, err := d.Secrets.Get(r.Context(), secret.CRMTriggerSecret)
	switch {
	case errors.Is(err, secret.ErrNotFound):
		return fail(w, http.StatusForbidden, httpapi.ErrNotSet)
	case err != nil:
		return fail(w, http.StatusServiceUnavailable, httpapi.Error{Code: "secrets_unavailable",
			Message: "Хранилище секретов недоступно. Повторите попытку позже."})
	case !secret.Equal(r.PathValue("secret"), expected):
		return fail(w, http.StatusForbidden, httpapi.ErrForbidden)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return fail(w, http.StatusBadRequest, httpapi.Error{Code: "bad_request", Message: "Не удалось прочитать параметры запроса."})
	}
	id, err := strconv.ParseInt(strings.TrimSpace(r.Form.Get("id")), 10, 64)
	if err != nil || id <= 0 {
		return fail(w, http.StatusBadRequest, httpapi.Error{Code: "bad_id",
			Message: "Передайте id заказа параметром id, например id={{ order.id }} в настройке триггера RetailCRM."})
	}
	run, err := d.Importer.ImportOrder(r.Context(), id, d.Trigger)
	if err != nil {
		d.Log.ErrorContext(r.Context(), "trigger import failed", "crmOrderId", id, "error", err)
		return fail(w, http.StatusServiceUnavailable, httpapi.Error{Code: "import_failed",
			Message: "Заказ не загружен сейчас; он будет загружен при следующей синхронизации истории."})
	}
	httpapi.WriteJSON(w, http.StatusOK, Answer{CRMOrderID: id, Counts: run.Counts, Messages: run.Messages})
	return http.StatusOK
}

func fail(w http.ResponseWriter, status int, e httpapi.Error) int {
	httpapi.WriteError(w, status, e)
	return status
}
