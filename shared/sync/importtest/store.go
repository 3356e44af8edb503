package importtest

import (
	"net/http"
	"testing"
	"time"

	"unfbridge/shared/onec"
	"unfbridge/shared/sync"
)

// StoreSync returns the stock and price upload of the bridge, on its store and staging bucket.
func (b *Bridge) StoreSync() *sync.StoreSync {
	return sync.NewStoreSync(b.Store, b.Secrets, sync.NewConnector(b.Store, b.rate, b.retry, b.log), b.Staged, b.log)
}

// SendPage sends one page of a paged snapshot (typ catalog.page, stock.page or prices.page) as
// 1C does, occurred at at, and fails unless the gateway applies it.
func (b *Bridge) SendPage(t testing.TB, typ onec.EventType, at time.Time, page any) {
	t.Helper()
	ev := Event(typ, at, "", page)
	ev.Object = nil // a snapshot is about no one 1C object
	a := b.PostEvent(t, ev)
	if a.HTTPStatus != http.StatusOK || a.Answer.Status != "applied" {
		t.Fatalf("%s answered %d %+v %+v", typ, a.HTTPStatus, a.Answer, a.Error)
	}
}

// LoadCatalog lets the sandbox download the published catalog file, as RetailCRM does by the
// file's URL, and returns the number of offers in it.
func (b *Bridge) LoadCatalog(t testing.TB) int {
	t.Helper()
	st, err := b.Catalog.Catalog.Load(t.Context())
	if err != nil || st.Published == nil {
		t.Fatalf("no published catalog file: %+v %v", st, err)
	}
	rc, _, err := b.Public.Get(t.Context(), st.Published.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	n, err := b.Sandbox.LoadICML(rc)
	if err != nil {
		t.Fatalf("the sandbox cannot load the catalog file: %v", err)
	}
	return n
}
