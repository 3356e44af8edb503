// Package admin is the HTTP API of the admin function: settings, actions and the health check.
package admin

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/secret"
	"unfbridge/shared/store"
	"unfbridge/shared/sync"
)

// Deps are what the admin API works with.
type Deps struct {
	Store store.Store
	// Secrets holds the admin token that every /admin/v1 request must present.
	Secrets secret.Store
	Setup   *sync.Setup
	// Importer runs the order import actions.
	Importer *sync.Importer
	// Pusher lists the failed pushes to RetailCRM and retries them.
	Pusher *sync.Pusher
	// Catalog queues catalog builds and tells the catalog file's state.
	Catalog *sync.CatalogBuilder
	// StoreSync queues the stock and price uploads and tells their progress.
	StoreSync *sync.StoreSync
	Version   string
	Log       *slog.Logger
}

// NewHandler returns the admin API.
func NewHandler(d Deps) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", d.healthz)
	d.settingsRoutes(mux)
	d.actionRoutes(mux)
	d.pushRoutes(mux)
	d.catalogRoutes(mux)
	d.storeRoutes(mux)
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
	httpapi.WriteJSON(w, status, h)
}
