// Package gateway is the HTTP API of the onec-gateway function: the endpoint where 1C pushes its
// events (posting callbacks and snapshots).
//
// Every event is applied once: its effects and a dedupe record holding the first answer are
// written in one all-or-nothing store Write, and a repeated eventId gets that first answer again.
// Event types are dispatched through a registry (registry.go), so that a new type is a new
// EventHandler, not a change of the core.
package gateway

import (
	"log/slog"
	"net/http"
	"time"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/onec"
	"unfbridge/shared/onecrefs"
	"unfbridge/shared/secret"
	"unfbridge/shared/store"
)

// Deps are what the gateway works with.
type Deps struct {
	Store   store.Store
	Secrets secret.Store
	Log     *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// gateway serves the endpoints.
type gateway struct {
	Deps
	refs     *onecrefs.Repo
	handlers map[onec.EventType]EventHandler
}

// NewHandler returns the gateway's HTTP API.
func NewHandler(d Deps) http.Handler {
	if d.Now == nil {
		d.Now = time.Now
	}
	g := &gateway{Deps: d, refs: onecrefs.New(d.Store)}
	g.handlers = g.registry()
	mux := http.NewServeMux()
	mux.Handle("/onec/v1/events", only(http.MethodPost, g.postEvent))
	mux.HandleFunc("/", notFound)
	return mux
}

// only answers 405 to any method but method.
func only(method string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			httpapi.WriteError(w, http.StatusMethodNotAllowed, httpapi.Error{Code: "method_not_allowed",
				Message: "Метод " + r.Method + " не поддерживается по этому адресу, используйте " + method + "."})
			return
		}
		h(w, r)
	})
}

func notFound(w http.ResponseWriter, _ *http.Request) {
	httpapi.WriteError(w, http.StatusNotFound, httpapi.Error{Code: "not_found",
		Message: "Адрес не найден. Проверьте адрес моста в настройках обмена 1С."})
}
