package admin_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/settings"
	bridgesync "unfbridge/shared/sync"
)

// Extra API keys of the demo account: one reaching only the other site, one reaching every site.
const (
	otherSiteKey = "other-site-key-5b8d0c2e4f6a8b0c2d4e"
	fullKey      = "full-access-key-9c1e3a5b7d9f1a3c5e7b"
)

func checkGate(t *testing.T, a answer) {
	t.Helper()
	if a.status != http.StatusConflict {
		t.Fatalf("want 409 before verification, got %d %s", a.status, a.body)
	}
	if e := a.errorOf(t); e.Message != bridgesync.GateMessage {
		t.Fatalf("gate message %q", e.Message)
	}
}

func TestGateOpensOnlyWithVerifiedCredentials(t *testing.T) {
	b := newBridge(t)
	b.sb.AddAPIKey(otherSiteKey, sandbox.DemoOtherSite)
	b.sb.AddAPIKey(fullKey)
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusMethodNotAllowed)
		_, _ = w.Write([]byte("<html><head><title>405 Not Allowed</title></head><body><center><h1>405 Not Allowed</h1></center><hr><center>nginx</center></body></html>"))
	}))
	defer html.Close()

	if v := b.view(); v.Verified || v.APIKey != "" {
		t.Fatalf("fresh connection: %+v", v)
	}
	checkGate(t, b.do("PUT", "/admin/v1/settings/flags", settings.Flags{ImportOrders: true}))
	checkGate(t, b.do("PUT", "/admin/v1/settings/tables/managers", []settings.Manager{{CRMID: 5}}))
	checkGate(t, b.do("POST", "/admin/v1/settings/tables/statuses-import/load", nil))
	checkGate(t, b.do("PUT", "/admin/v1/settings/history", settings.History{SinceID: 10}))
	if a := b.do("PUT", "/admin/v1/settings/catalog", settings.Catalog{ProductID: "code", OfferKey: "xmlId"}); a.status != http.StatusOK {
		t.Fatalf("the catalog options are open before verification: %d %s", a.status, a.body)
	}

	for _, c := range []struct {
		name, url, site, key, want string
	}{
		{"wrong key", b.sb.URL(), sandbox.DemoSite, "wrong-key-0000000000", "не принимает API-ключ"},
		{"HTML page", html.URL, sandbox.DemoSite, sandbox.DemoAPIKey, "не найдена система RetailCRM"},
		{"key without the site", b.sb.URL(), sandbox.DemoSite, otherSiteKey, "не имеет доступа к магазину"},
		{"unknown site", b.sb.URL(), "no-such-shop", sandbox.DemoAPIKey, "не имеет доступа к магазину"},
		{"unknown site, full key", b.sb.URL(), "no-such-shop", fullKey, "магазин с кодом \"no-such-shop\" не найден"},
		{"nobody listening", "http://127.0.0.1:1", sandbox.DemoSite, sandbox.DemoAPIKey, "не удалось связаться"},
	} {
		a := b.do("PUT", "/admin/v1/settings/connection", map[string]any{"accountUrl": c.url, "siteCode": c.site, "apiKey": c.key})
		var v bridgesync.View
		a.decode(t, &v)
		if a.status != http.StatusOK || v.Verified || v.Verification.OK {
			t.Fatalf("%s: %d %s", c.name, a.status, a.body)
		}
		if msg := v.Verification.Message; !strings.HasPrefix(msg, bridgesync.GateMessage) || !strings.Contains(msg, c.want) {
			t.Errorf("%s: message %q, want %q", c.name, msg, c.want)
		}
		checkGate(t, b.do("PUT", "/admin/v1/settings/flags", settings.Flags{ImportOrders: true}))
	}

	v := b.connect()
	if v.APIKey != sandbox.DemoAPIKey[:6]+"…" || v.Verification.Message != "" || len(v.Verification.Warnings) != 0 {
		t.Fatalf("verified view: %+v", v)
	}
	if a := b.do("PUT", "/admin/v1/settings/flags", settings.Flags{ImportOrders: true, CreatePayments: true}); a.status != http.StatusOK {
		t.Fatalf("flags after verification: %d %s", a.status, a.body)
	}
	if f := b.view().Settings.Flags; !f.ImportOrders || !f.CreatePayments || f.ExportOrders {
		t.Fatalf("flags %+v", f)
	}

	// Saving the constants again without a key keeps the key; moving to another URL closes the gate.
	a := b.do("PUT", "/admin/v1/settings/connection", map[string]any{"accountUrl": html.URL, "siteCode": sandbox.DemoSite})
	var after bridgesync.View
	a.decode(t, &after)
	if after.Verified || after.APIKey != v.APIKey {
		t.Fatalf("after moving the URL: %s", a.body)
	}
	checkGate(t, b.do("PUT", "/admin/v1/settings/flags", settings.Flags{}))
}

func TestMissingScopesAreWarned(t *testing.T) {
	b := newBridge(t)
	if err := b.sb.SetKeyScopes(sandbox.DemoAPIKey, "order_read", "reference_read"); err != nil {
		t.Fatal(err)
	}
	v := b.connect()
	if len(v.Verification.Warnings) != 1 || !strings.Contains(v.Verification.Warnings[0], "order_write") ||
		strings.Contains(v.Verification.Warnings[0], "order_read,") {
		t.Fatalf("warnings %q", v.Verification.Warnings)
	}
}

func TestLoadTablesFromRetailCRM(t *testing.T) {
	b := newBridge(t)
	b.connect()
	guid := "3c0a8f2e-1b4d-4e6f-9a8b-7c6d5e4f3a2b"
	if a := b.do("PUT", "/admin/v1/settings/tables/statuses-import", []settings.StatusImport{
		{CRMCode: "old-status", CRMName: "Старый", State: &onec.Ref{Ref: guid, Name: "Закрыт"}},
	}); a.status != http.StatusOK {
		t.Fatalf("put: %d %s", a.status, a.body)
	}
	load := func(table string) settings.Tables {
		t.Helper()
		a := b.do("POST", "/admin/v1/settings/tables/"+table+"/load", nil)
		var v bridgesync.View
		a.decode(t, &v)
		if a.status != http.StatusOK {
			t.Fatalf("load %s: %d %s", table, a.status, a.body)
		}
		return v.Settings.Tables
	}
	codes := func(rows int, code func(int) string) []string {
		out := make([]string, rows)
		for i := range rows {
			out[i] = code(i)
		}
		return out
	}
	want := []string{"new", "availability-confirmed", "client-confirmed", "prepayed", "assembling", "assembling-complete",
		"send-to-delivery", "delivering", "complete", "no-call", "cancel-other"}

	tb := load(settings.TableStatusesImport)
	if got := codes(len(tb.StatusesImport), func(i int) string { return tb.StatusesImport[i].CRMCode }); !slices.Equal(got, want) {
		t.Errorf("statuses import %v", got)
	}
	for _, r := range tb.StatusesImport {
		if r.State != nil || r.CRMName == "" {
			t.Errorf("row %+v: the 1C side must be empty and the name filled", r)
		}
	}
	tb = load(settings.TableStatusesExport)
	if got := codes(len(tb.StatusesExport), func(i int) string { return tb.StatusesExport[i].CRMCode }); !slices.Equal(got, want) {
		t.Errorf("statuses export %v", got)
	}
	if len(tb.StatusesImport) != len(want) {
		t.Errorf("loading the export table changed the import table: %d rows", len(tb.StatusesImport))
	}

	tb = load(settings.TableManagers)
	if len(tb.Managers) != 2 || tb.Managers[0].CRMName != "Анна Смирнова" || tb.Managers[1].CRMName != "Игорь Петров" ||
		tb.Managers[0].CRMID <= 0 || tb.Managers[1].CRMID <= 0 || tb.Managers[0].User != nil {
		t.Errorf("managers %+v", tb.Managers)
	}
	tb = load(settings.TableWarehouses)
	if got := codes(len(tb.Warehouses), func(i int) string { return tb.Warehouses[i].CRMCode }); !slices.Equal(got, []string{"main", "second"}) {
		t.Errorf("warehouses %v", got)
	}
	tb = load(settings.TablePriceTypes)
	if got := codes(len(tb.PriceTypes), func(i int) string { return tb.PriceTypes[i].CRMCode }); !slices.Equal(got, []string{"base", "wholesale"}) {
		t.Errorf("price types %v", got)
	}
	tb = load(settings.TablePaymentsImport)
	if got := codes(len(tb.PaymentsImport), func(i int) string { return tb.PaymentsImport[i].CRMCode }); !slices.Equal(got, []string{"bank-card", "bank-transfer", "cash"}) {
		t.Errorf("payments import %v", got)
	}
	tb = load(settings.TablePaymentsExport)
	if got := codes(len(tb.PaymentsExport), func(i int) string { return tb.PaymentsExport[i].CRMCode }); !slices.Equal(got, []string{"bank-card", "bank-transfer", "cash"}) {
		t.Errorf("payments export %v", got)
	}
	tb = load(settings.TableDelivery)
	if got := codes(len(tb.Delivery), func(i int) string { return tb.Delivery[i].CRMCode }); !slices.Equal(got, []string{"courier", "russian-post", "self-delivery"}) {
		t.Errorf("delivery %v", got)
	}

	if a := b.do("POST", "/admin/v1/settings/tables/no-such-table/load", nil); a.status != http.StatusNotFound {
		t.Errorf("unknown table: %d %s", a.status, a.body)
	}
}

func TestLoadTableReportsRetailCRMFailure(t *testing.T) {
	b := newBridge(t)
	before := b.connect()
	b.sb.SetFaults(sandbox.Faults{AccountMissing: true})
	a := b.do("POST", "/admin/v1/settings/tables/delivery/load", nil)
	if a.status != http.StatusBadGateway || !strings.Contains(a.errorOf(t).Message, "не найдена система RetailCRM") {
		t.Fatalf("%d %s", a.status, a.body)
	}
	b.sb.SetFaults(sandbox.Faults{})
	if after := b.view(); len(after.Settings.Tables.Delivery) != len(before.Settings.Tables.Delivery) {
		t.Fatalf("a failed load changed the table")
	}
}
