package admin

import (
	"context"
	"errors"
	"net/http"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/secret"
	"unfbridge/shared/settings"
	"unfbridge/shared/store"
	"unfbridge/shared/sync"
)

// maxSettingsBody bounds the body of a settings request or an imported settings file.
const maxSettingsBody = 1 << 20

// ConnectionInput is the body of PUT /admin/v1/settings/connection: the constants and, when
// not empty, a new RetailCRM API key.
type ConnectionInput struct {
	settings.Connection
	APIKey string `json:"apiKey"`
}

// Rotated is the answer of a token rotation: the only time the new value is shown. For the
// trigger secret, TriggerURL is the URL to paste into the RetailCRM trigger.
type Rotated struct {
	Name       string `json:"name"`
	Value      string `json:"value"`
	TriggerURL string `json:"triggerUrl,omitempty"`
}

func (d Deps) settingsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/v1/settings", d.auth(d.getSettings))
	mux.HandleFunc("PUT /admin/v1/settings/connection", d.auth(d.putConnection))
	mux.HandleFunc("PUT /admin/v1/settings/catalog", d.auth(putPart(d, (*sync.Setup).SaveCatalog)))
	mux.HandleFunc("PUT /admin/v1/settings/flags", d.auth(putPart(d, (*sync.Setup).SaveFlags)))
	mux.HandleFunc("PUT /admin/v1/settings/history", d.auth(putPart(d, (*sync.Setup).SaveHistory)))
	mux.HandleFunc("PUT /admin/v1/settings/tables/{table}", d.auth(d.putTable))
	mux.HandleFunc("POST /admin/v1/settings/tables/{table}/load", d.auth(d.loadTable))
	mux.HandleFunc("GET /admin/v1/settings/export", d.auth(d.exportSettings))
	mux.HandleFunc("POST /admin/v1/settings/import", d.auth(d.importSettings))
	mux.HandleFunc("GET /admin/v1/references", d.auth(d.getReferences))
	mux.HandleFunc("POST /admin/v1/secrets/{name}/rotate", d.auth(d.rotate))
}

// auth lets only requests with the admin token through.
func (d Deps) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if httpapi.Authenticate(w, r, d.Secrets, secret.AdminToken) {
			h(w, r)
		}
	}
}

func (d Deps) getSettings(w http.ResponseWriter, r *http.Request) {
	v, err := d.Setup.View(r.Context())
	d.answer(w, r, v, err)
}

func (d Deps) putConnection(w http.ResponseWriter, r *http.Request) {
	var in ConnectionInput
	if err := httpapi.Decode(r, maxSettingsBody, &in); err != nil {
		httpapi.WriteDecodeError(w, err)
		return
	}
	v, err := d.Setup.SaveConnection(r.Context(), in.Connection, in.APIKey)
	d.answer(w, r, v, err)
}

// putPart handles a PUT of one settings part decoded from the body.
func putPart[T any](d Deps, save func(*sync.Setup, context.Context, T) (sync.View, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in T
		if err := httpapi.Decode(r, maxSettingsBody, &in); err != nil {
			httpapi.WriteDecodeError(w, err)
			return
		}
		v, err := save(d.Setup, r.Context(), in)
		d.answer(w, r, v, err)
	}
}

func (d Deps) putTable(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("table")
	var in settings.Tables
	rows, ok := in.Rows(name)
	if !ok {
		httpapi.WriteError(w, http.StatusNotFound, unknownTable(name))
		return
	}
	if err := httpapi.Decode(r, maxSettingsBody, rows); err != nil {
		httpapi.WriteDecodeError(w, err)
		return
	}
	v, err := d.Setup.SaveTable(r.Context(), name, &in)
	d.answer(w, r, v, err)
}

func (d Deps) loadTable(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("table")
	if _, ok := (&settings.Tables{}).Rows(name); !ok {
		httpapi.WriteError(w, http.StatusNotFound, unknownTable(name))
		return
	}
	v, err := d.Setup.LoadTable(r.Context(), name)
	d.answer(w, r, v, err)
}

func unknownTable(name string) httpapi.Error {
	return httpapi.Error{Code: "unknown_table", Message: "Нет таблицы соответствия «" + name + "»."}
}

func (d Deps) exportSettings(w http.ResponseWriter, r *http.Request) {
	data, err := d.Setup.Export(r.Context())
	if err != nil {
		d.answer(w, r, nil, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="unfbridge-settings.json"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
}

func (d Deps) importSettings(w http.ResponseWriter, r *http.Request) {
	data, err := httpapi.ReadBody(r, maxSettingsBody)
	if err != nil {
		httpapi.WriteDecodeError(w, err)
		return
	}
	v, err := d.Setup.Import(r.Context(), data)
	d.answer(w, r, v, err)
}

func (d Deps) getReferences(w http.ResponseWriter, r *http.Request) {
	snap, ok, err := d.Setup.Refs.Latest(r.Context())
	if err == nil && !ok {
		httpapi.WriteError(w, http.StatusNotFound, httpapi.Error{Code: "no_references",
			Message: "1С ещё не передала справочники. Запустите обмен в 1С."})
		return
	}
	d.answer(w, r, snap, err)
}

func (d Deps) rotate(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	value, err := d.Setup.Rotate(r.Context(), name)
	if errors.Is(err, sync.ErrNotRotatable) {
		httpapi.WriteError(w, http.StatusNotFound, httpapi.Error{Code: "not_rotatable",
			Message: "Через API можно сменить только токен 1С (onec-token) и секрет триггера RetailCRM (crm-trigger-secret)."})
		return
	}
	out := Rotated{Name: name, Value: value}
	if name == secret.CRMTriggerSecret {
		out.TriggerURL = triggerURL(r, value)
	}
	d.answer(w, r, out, err)
}

// answer writes v, or the error as the user should see it.
func (d Deps) answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err == nil {
		httpapi.WriteJSON(w, http.StatusOK, v)
		return
	}
	if ve, ok := errors.AsType[*settings.ValidationError](err); ok {
		details := make([]httpapi.FieldProblem, len(ve.Problems))
		for i, p := range ve.Problems {
			details[i] = httpapi.FieldProblem{Field: p.Field, Message: p.Message}
		}
		httpapi.WriteError(w, http.StatusUnprocessableEntity, httpapi.Error{Code: "invalid",
			Message: "Данные не приняты, ничего не изменено: исправьте ошибки.", Details: details})
		return
	}
	if ce, ok := errors.AsType[*sync.CRMError](err); ok {
		httpapi.WriteError(w, http.StatusBadGateway, httpapi.Error{Code: "retailcrm", Message: ce.Message})
		return
	}
	switch {
	case errors.Is(err, sync.ErrNotVerified):
		httpapi.WriteError(w, http.StatusConflict, httpapi.Error{Code: "connection_not_verified", Message: sync.GateMessage})
		return
	case errors.Is(err, store.ErrItemTooLarge):
		httpapi.WriteError(w, http.StatusRequestEntityTooLarge, httpapi.Error{Code: "too_large",
			Message: "Настройки слишком велики для сохранения: сократите таблицы соответствия."})
		return
	}
	d.Log.ErrorContext(r.Context(), "admin request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	httpapi.WriteError(w, http.StatusInternalServerError, httpapi.ErrInternal)
}
