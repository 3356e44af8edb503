package admin_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"unfbridge/shared/catalog"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/settings"
	bridgesync "unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
)

// TestActionBuildCatalog: "Сформировать файл каталога" is queued, the builder does it, and the
// catalog state shows the URL for RetailCRM, the published file and the last build.
func TestActionBuildCatalog(t *testing.T) {
	b, ib := newImportBridge(t)
	st := b.catalogStatus()
	if st.URL != importtest.CatalogBaseURL+settings.DefaultObjectKey || st.Published != nil || st.Snapshot != nil {
		t.Fatalf("catalog before any snapshot: %+v", st)
	}
	a := b.do("POST", "/admin/v1/actions/build-catalog", map[string]bool{"publishAnyway": true})
	var queued struct{ Message, URL string }
	a.decode(t, &queued)
	if a.status != http.StatusAccepted || queued.URL != st.URL || !strings.Contains(queued.Message, "без проверки размера") {
		t.Fatalf("build answered %d %s", a.status, a.body)
	}
	if st = b.catalogStatus(); st.Request == nil || !st.Request.PublishAnyway {
		t.Fatalf("request not pending: %+v", st)
	}

	snap := onec.NewGUID()
	ib.SendPage(t, onec.TypeCatalogPage, time.Now(), onectest.CatalogPage(snap, 1, 1, 30, onectest.Canonical))
	if _, err := ib.Catalog.Run(t.Context(), bridgesync.TriggerSchedule); err != nil {
		t.Fatal(err)
	}
	if st = b.catalogStatus(); st.Request != nil || st.Last == nil || st.Last.Outcome != catalog.OutcomePublished || !st.Last.Forced ||
		st.Published == nil || st.Published.Offers == 0 || st.Snapshot == nil || st.Snapshot.ID != snap {
		t.Fatalf("catalog after the build: %+v", st)
	}
	if a := b.doAs("POST", "/admin/v1/actions/build-catalog", nil, ""); a.status != http.StatusUnauthorized {
		t.Errorf("build without the token answered %d", a.status)
	}
}

// TestActionUploads: the upload buttons say at once why a flow cannot run (switched off, no
// catalog yet); once they can, the upload is queued, store-sync does it and its progress shows.
// "Выполнить обмен" runs the order import and queues the enabled uploads.
func TestActionUploads(t *testing.T) {
	b, ib := newImportBridge(t)
	wantBlocked := func(path, text string) {
		t.Helper()
		a := b.do("POST", path, nil)
		if e := a.errorOf(t); a.status != http.StatusConflict || e.Code != "blocked" || !strings.Contains(e.Message, text) {
			t.Fatalf("%s answered %d %+v, want 409 with %q", path, a.status, e, text)
		}
	}
	wantBlocked("/admin/v1/actions/upload-stock", "Выгрузка остатков выключена")
	wantBlocked("/admin/v1/actions/upload-prices", "Выгрузка типов цен выключена")
	if _, err := ib.Setup.Repo.Update(t.Context(), func(s *settings.State) error {
		s.Settings.Flags.UploadStock = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	wantBlocked("/admin/v1/actions/upload-stock", "опубликован файл каталога")

	snap := onec.NewGUID()
	ib.SendPage(t, onec.TypeCatalogPage, time.Now(), onectest.CatalogPage(snap, 1, 1, 30, onectest.Canonical))
	if _, err := ib.Catalog.Run(t.Context(), bridgesync.TriggerSchedule); err != nil {
		t.Fatal(err)
	}
	ib.LoadCatalog(t)
	ib.SendPage(t, onec.TypeStockPage, time.Now(), onectest.StockPage(snap, 1, 1, 20, onectest.Canonical))

	a := b.do("POST", "/admin/v1/actions/upload-stock", map[string]bool{"full": true})
	if a.status != http.StatusAccepted || !strings.Contains(string(a.body), "в течение минуты") {
		t.Fatalf("upload-stock answered %d %s", a.status, a.body)
	}
	st := b.storeStatus()
	if st.Stock.Request == nil || !st.Stock.Request.Full || st.Stock.Snapshot == nil || !st.Stock.Enabled || st.Prices.Enabled {
		t.Fatalf("status with a queued upload: %+v", st)
	}
	if _, err := ib.StoreSync().Run(t.Context(), bridgesync.TriggerSchedule); err != nil {
		t.Fatal(err)
	}
	st = b.storeStatus()
	p := st.Stock.Progress
	if st.Stock.Request != nil || st.Stock.Last == nil || p == nil || p.Running || p.BatchesTotal == 0 || p.BatchesDone != p.BatchesTotal {
		t.Fatalf("status after the upload: %+v (progress %+v)", st, p)
	}

	var ex struct {
		Runs     []struct{ Flow string }
		Messages []string
	}
	a = b.do("POST", "/admin/v1/actions/exchange", nil)
	a.decode(t, &ex)
	if a.status != http.StatusOK || len(ex.Runs) != 1 || ex.Runs[0].Flow != bridgesync.FlowHistorySync ||
		len(ex.Messages) != 1 || !strings.Contains(ex.Messages[0], "Выгрузка остатков") {
		t.Fatalf("exchange answered %d %s", a.status, a.body)
	}
	if st = b.storeStatus(); st.Stock.Request == nil || st.Prices.Request != nil {
		t.Fatalf("exchange queued %+v / %+v", st.Stock.Request, st.Prices.Request)
	}
}

// catalogStatus reads GET /admin/v1/catalog.
func (b *bridge) catalogStatus() (st bridgesync.CatalogStatus) {
	b.t.Helper()
	b.do("GET", "/admin/v1/catalog", nil).decode(b.t, &st)
	return st
}

// storeStatus reads GET /admin/v1/store-sync.
func (b *bridge) storeStatus() (st bridgesync.StoreStatus) {
	b.t.Helper()
	b.do("GET", "/admin/v1/store-sync", nil).decode(b.t, &st)
	return st
}
