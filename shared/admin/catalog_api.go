package admin

import (
	"net/http"

	"unfbridge/shared/httpapi"
)

// BuildCatalogInput is the body of "Сформировать файл каталога".
type BuildCatalogInput struct {
	// PublishAnyway publishes the file even when the guard refuses it (an empty catalog or one
	// much smaller than the published file).
	PublishAnyway bool `json:"publishAnyway"`
}

// BuildCatalogAnswer answers "Сформировать файл каталога": the build is queued.
type BuildCatalogAnswer struct {
	Message string `json:"message"`
	URL     string `json:"url"`
}

func (d Deps) catalogRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/v1/catalog", d.auth(d.catalogStatus))
	mux.HandleFunc("POST /admin/v1/actions/build-catalog", d.auth(d.buildCatalog))
}

func (d Deps) catalogStatus(w http.ResponseWriter, r *http.Request) {
	st, err := d.Catalog.Status(r.Context())
	d.answer(w, r, st, err)
}

func (d Deps) buildCatalog(w http.ResponseWriter, r *http.Request) {
	var in BuildCatalogInput
	if r.ContentLength != 0 {
		if err := httpapi.Decode(r, maxSettingsBody, &in); err != nil {
			httpapi.WriteDecodeError(w, err)
			return
		}
	}
	if _, err := d.Catalog.Request(r.Context(), in.PublishAnyway); err != nil {
		d.answer(w, r, nil, err)
		return
	}
	st, err := d.Catalog.Status(r.Context())
	if err != nil {
		d.answer(w, r, nil, err)
		return
	}
	msg := "Файл каталога будет сформирован из последней выгрузки каталога из 1С в течение минуты. Результат — в GET /admin/v1/catalog."
	if in.PublishAnyway {
		msg = "Файл каталога будет сформирован и опубликован без проверки размера в течение минуты. Результат — в GET /admin/v1/catalog."
	}
	httpapi.WriteJSON(w, http.StatusAccepted, BuildCatalogAnswer{Message: msg, URL: st.URL})
}
