package admin

import (
	"fmt"
	"net/http"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/runlog"
	"unfbridge/shared/settings"
	"unfbridge/shared/sync"
)

// UploadInput is the body of "Выгрузить остатки" and "Выгрузить типы цен".
type UploadInput struct {
	// Full sends every offer, not only those changed since RetailCRM last accepted them.
	Full bool `json:"full"`
}

// QueuedAnswer answers an action that a scheduled function carries out.
type QueuedAnswer struct {
	Message string `json:"message"`
}

// ExchangeAnswer answers "Выполнить обмен": the order import and push ran now, the uploads are
// queued.
type ExchangeAnswer struct {
	Runs     []runlog.Run `json:"runs"`
	Messages []string     `json:"messages"`
}

func (d Deps) storeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/v1/store-sync", d.auth(d.storeStatus))
	mux.HandleFunc("POST /admin/v1/actions/upload-stock", d.auth(d.uploadAction(func(full bool) sync.StoreRequest {
		return sync.StoreRequest{Stock: true, Full: full}
	})))
	mux.HandleFunc("POST /admin/v1/actions/upload-prices", d.auth(d.uploadAction(func(full bool) sync.StoreRequest {
		return sync.StoreRequest{Prices: true, Full: full}
	})))
	mux.HandleFunc("POST /admin/v1/actions/exchange", d.auth(d.exchange))
}

func (d Deps) storeStatus(w http.ResponseWriter, r *http.Request) {
	st, err := d.StoreSync.Status(r.Context())
	d.answer(w, r, st, err)
}

// The uploads as the user knows them.
const (
	nameStock  = "Выгрузка остатков"
	namePrices = "Выгрузка типов цен"
)

// msgQueued is the answer to a queued upload.
const msgQueued = "%s в RetailCRM начнётся в течение минуты. Ход и результат — в GET /admin/v1/store-sync."

// uploadAction is "Выгрузить остатки" or "Выгрузить типы цен": a switched-off or blocked flow
// answers why at once; otherwise the upload is queued.
func (d Deps) uploadAction(request func(full bool) sync.StoreRequest) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in UploadInput
		if r.ContentLength != 0 {
			if err := httpapi.Decode(r, maxSettingsBody, &in); err != nil {
				httpapi.WriteDecodeError(w, err)
				return
			}
		}
		req := request(in.Full)
		st, err := d.StoreSync.Status(r.Context())
		if err != nil {
			d.answer(w, r, nil, err)
			return
		}
		flow, what := st.Stock, nameStock
		if req.Prices {
			flow, what = st.Prices, namePrices
		}
		if flow.Blocked != "" {
			httpapi.WriteError(w, http.StatusConflict, httpapi.Error{Code: "blocked", Message: flow.Blocked})
			return
		}
		if err := d.StoreSync.Request(r.Context(), req); err != nil {
			d.answer(w, r, nil, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusAccepted, QueuedAnswer{Message: fmt.Sprintf(msgQueued, what)})
	}
}

// exchange is "Выполнить обмен": every enabled flow in the manual's order. The order import and
// the push of 1C's changes run now; the stock and price uploads are queued for store-sync.
func (d Deps) exchange(w http.ResponseWriter, r *http.Request) {
	state, err := settings.NewRepo(d.Store).Load(r.Context())
	if err != nil {
		d.answer(w, r, nil, err)
		return
	}
	if !state.Verified() {
		d.answer(w, r, nil, sync.ErrNotVerified)
		return
	}
	flags := state.Settings.Flags
	out := ExchangeAnswer{Runs: []runlog.Run{}, Messages: []string{}}
	if flags.ImportOrders {
		run, err := d.Importer.Sync(r.Context(), sync.TriggerButton)
		if err != nil {
			d.answer(w, r, nil, err)
			return
		}
		out.Runs = append(out.Runs, run)
	}
	if flags.ExportOrders {
		run, err := d.Pusher.DrainDue(r.Context())
		if err != nil {
			d.answer(w, r, nil, err)
			return
		}
		out.Runs = append(out.Runs, run)
	}
	st, err := d.StoreSync.Status(r.Context())
	if err != nil {
		d.answer(w, r, nil, err)
		return
	}
	req := sync.StoreRequest{Stock: st.Stock.Enabled && st.Stock.Blocked == "", Prices: st.Prices.Enabled && st.Prices.Blocked == ""}
	for _, f := range []struct {
		flow sync.StoreFlowStatus
		what string
	}{{st.Stock, nameStock}, {st.Prices, namePrices}} {
		switch {
		case !f.flow.Enabled:
		case f.flow.Blocked != "":
			out.Messages = append(out.Messages, f.flow.Blocked)
		default:
			out.Messages = append(out.Messages, fmt.Sprintf(msgQueued, f.what))
		}
	}
	if req.Stock || req.Prices {
		if err := d.StoreSync.Request(r.Context(), req); err != nil {
			d.answer(w, r, nil, err)
			return
		}
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}
