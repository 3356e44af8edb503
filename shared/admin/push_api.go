package admin

import (
	"bytes"
	"net/http"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/sync"
)

// RetryInput is the body of POST /admin/v1/push/retry: the CRM order whose failed pushes are
// tried again; none (or an empty body) tries them all.
type RetryInput struct {
	CRMOrderID int64 `json:"crmOrderId"`
}

func (d Deps) pushRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/v1/push/failed", d.auth(d.listPushFailed))
	mux.HandleFunc("POST /admin/v1/push/retry", d.auth(d.retryPush))
	mux.HandleFunc("PUT /admin/v1/settings/push", d.auth(putPart(d, (*sync.Setup).SavePush)))
}

func (d Deps) listPushFailed(w http.ResponseWriter, r *http.Request) {
	failures, err := d.Pusher.Failed(r.Context())
	d.answer(w, r, nonNilList(failures), err)
}

func (d Deps) retryPush(w http.ResponseWriter, r *http.Request) {
	body, err := httpapi.ReadBody(r, maxSettingsBody)
	var in RetryInput
	if err == nil && len(bytes.TrimSpace(body)) > 0 {
		err = httpapi.DecodeBytes(body, &in)
	}
	if err != nil {
		httpapi.WriteDecodeError(w, err)
		return
	}
	run, err := d.Pusher.Retry(r.Context(), in.CRMOrderID)
	d.answer(w, r, run, err)
}
