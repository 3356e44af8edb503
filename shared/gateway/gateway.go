// Package gateway is the HTTP API of the onec-gateway function: the endpoint where 1C pushes its
// events (posting callbacks and snapshots), and the 1C inbox, where 1C pulls its commands and
// acknowledges each (inbox.go, on package inbox).
//
// Every event is applied once: its effects and a dedupe record holding the first answer are
// written in one all-or-nothing store Write, and a repeated eventId gets that first answer again.
// Event types are dispatched through a registry (registry.go), so that a new type is a new
// EventHandler, not a change of the core. The order and payment events (push_events.go) only
// record what RetailCRM should show, for the asynchronous push of package sync; the pages of the
// paged snapshots (pages.go) are staged for their consumers by package staging.
package gateway

import (
	"log/slog"
	"net/http"
	"time"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/inbox"
	"unfbridge/shared/onec"
	"unfbridge/shared/onecrefs"
	"unfbridge/shared/push"
	"unfbridge/shared/secret"
	"unfbridge/shared/settings"
	"unfbridge/shared/staging"
	"unfbridge/shared/store"
)

// Deps are what the gateway works with.
type Deps struct {
	Store   store.Store
	Secrets secret.Store
	Log     *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// RedeliverAfter is how long a command handed out to 1C waits for its ack before it is
	// handed out again; 0 means inbox.DefaultRedeliverAfter.
	RedeliverAfter time.Duration
	// Staging stages the pages of the paged snapshots (catalog.page, stock.page, prices.page);
	// nil leaves those events answered as not supported (501).
	Staging *staging.Repo
}

// gateway serves the endpoints.
type gateway struct {
	Deps
	refs     *onecrefs.Repo
	inbox    *inbox.Inbox
	settings *settings.Repo
	push     *push.Repo
	handlers map[onec.EventType]EventHandler
}

// NewHandler returns the gateway's HTTP API.
func NewHandler(d Deps) http.Handler {
	if d.Now == nil {
		d.Now = time.Now
	}
	g := &gateway{Deps: d, refs: onecrefs.New(d.Store), settings: settings.NewRepo(d.Store), push: push.New(d.Store),
		inbox: inbox.New(d.Store, inbox.Options{RedeliverAfter: d.RedeliverAfter, Now: d.Now})}
	g.handlers = g.registry()
	mux := http.NewServeMux()
	mux.Handle("/onec/v1/events", only(http.MethodPost, g.postEvent))
	mux.Handle("/onec/v1/inbox", g.endpoint(http.MethodGet, "onec inbox pull", g.pull))
	mux.Handle("/onec/v1/inbox/ack", g.endpoint(http.MethodPost, "onec inbox ack", g.ack))
	mux.HandleFunc("/", notFound)
	return mux
}

// only answers 405 to any method but method.
func only(method string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if allowed(w, r, method) {
			h(w, r)
		}
	})
}

// allowed tells whether the request has the method; when not, it answers 405.
func allowed(w http.ResponseWriter, r *http.Request, method string) bool {
	if r.Method == method {
		return true
	}
	w.Header().Set("Allow", method)
	httpapi.WriteError(w, http.StatusMethodNotAllowed, httpapi.Error{Code: "method_not_allowed",
		Message: "Метод " + r.Method + " не поддерживается по этому адресу, используйте " + method + "."})
	return false
}

func notFound(w http.ResponseWriter, _ *http.Request) {
	httpapi.WriteError(w, http.StatusNotFound, httpapi.Error{Code: "not_found",
		Message: "Адрес не найден. Проверьте адрес моста в настройках обмена 1С."})
}
