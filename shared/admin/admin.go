// Package admin is the HTTP API of the admin function: settings, actions and the health check.
package admin

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"unfbridge/shared/store"
)

// Deps are what the admin API works with.
type Deps struct {
	Store   store.Store
	Version string
	Log     *slog.Logger
}

// NewHandler returns the admin API.
func NewHandler(d Deps) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", d.healthz)
	return mux
}

// Health is the body of GET /healthz.
type Health struct {
	Status  string `json:"status"`
	Version string `json:"version"`
	Store   string `json:"store"`
	Message string `json:"message,omitempty"`
}

// healthz reports whether the store can be reached, and the running version. It is the one
// endpoint without authentication (uptime monitors call it) and it tells nothing secret.
func (d Deps) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	h := Health{Status: "ok", Version: d.Version, Store: "ok"}
	status := http.StatusOK
	if err := d.Store.Ping(ctx); err != nil {
		d.Log.ErrorContext(ctx, "health check: store unreachable", "error", err)
		h = Health{Status: "unavailable", Version: d.Version, Store: "unreachable",
			Message: "Хранилище настроек недоступно. Повторите попытку позже."}
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, h)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
