package admin_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"unfbridge/shared/onec"
	"unfbridge/shared/onecrefs"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/settings"
	bridgesync "unfbridge/shared/sync"
)

// GUIDs of the 1C references used by the tests.
const (
	guidOrg       = "0b6f1c9e-5a2d-4e8f-9c3b-1a2b3c4d5e01"
	guidWarehouse = "0b6f1c9e-5a2d-4e8f-9c3b-1a2b3c4d5e02"
	guidState     = "0b6f1c9e-5a2d-4e8f-9c3b-1a2b3c4d5e03"
	guidUser      = "0b6f1c9e-5a2d-4e8f-9c3b-1a2b3c4d5e04"
	guidTerminal  = "0b6f1c9e-5a2d-4e8f-9c3b-1a2b3c4d5e05"
	guidGroup     = "0b6f1c9e-5a2d-4e8f-9c3b-1a2b3c4d5e06"
	guidGone      = "0b6f1c9e-5a2d-4e8f-9c3b-1a2b3c4d5eff"
)

// fillSettings saves a value in every part of the settings through the API.
func fillSettings(b *bridge) {
	b.t.Helper()
	a := b.do("PUT", "/admin/v1/settings/connection", map[string]any{
		"accountUrl": b.sb.URL(), "siteCode": sandbox.DemoSite, "operation": "ЗаказНаПродажу",
		"organization":     onec.Ref{Ref: guidOrg, Name: "ООО «Уютный дом»"},
		"warehouse":        onec.Ref{Ref: guidWarehouse, Name: "Основной склад"},
		"taxation":         onec.Ref{Ref: "ПродажаОблагаетсяНДС", Name: "Продажа облагается НДС"},
		"priceIncludesVat": true, "deferralDays": 5,
	})
	if a.status != http.StatusOK {
		b.t.Fatalf("connection: %d %s", a.status, a.body)
	}
	for path, body := range map[string]any{
		"/admin/v1/settings/catalog": settings.Catalog{ProductID: "article", OfferKey: "xmlId", Characteristics: true,
			ObjectKey: "shop/catalog.xml", MaxShrinkPercent: 30, Groups: []onec.Ref{{Ref: guidGroup, Name: "Текстиль"}}},
		"/admin/v1/settings/flags":   settings.Flags{ImportOrders: true, ExportOrders: true, UploadStock: true, CorporateCustomers: true},
		"/admin/v1/settings/history": settings.History{SinceID: 7137, ActualityDate: ptr(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))},
		"/admin/v1/settings/tables/statuses-import": []settings.StatusImport{
			{CRMCode: "new", CRMName: "Новый", State: &onec.Ref{Ref: guidState, Name: "Ожидается согласование"}},
			{CRMCode: "complete", CRMName: "Выполнен"}},
		"/admin/v1/settings/tables/statuses-export": []settings.StatusExport{{State: &onec.Ref{Ref: guidState, Name: "Ожидается согласование"}, CRMCode: "new"}},
		"/admin/v1/settings/tables/managers":        []settings.Manager{{CRMID: 8491, CRMName: "Анна", User: &onec.Ref{Ref: guidUser, Name: "Федоров Б. М."}}},
		"/admin/v1/settings/tables/warehouses":      []settings.Warehouse{{Warehouse: &onec.Ref{Ref: guidWarehouse, Name: "Основной склад"}, CRMCode: "main"}},
		"/admin/v1/settings/tables/price-types":     []settings.PriceType{{CRMCode: "base", CRMName: "Базовая"}},
		"/admin/v1/settings/tables/payments-import": []settings.PaymentImport{{CRMCode: "bank-card", Document: settings.DocCardPayment,
			Terminal: &onec.Ref{Ref: guidTerminal, Name: "Эквайринг"}}, {CRMCode: "cash", Document: settings.DocCashReceipt}},
		"/admin/v1/settings/tables/payments-export": []settings.PaymentExport{{Document: settings.DocCashReceipt, CRMCode: "cash"}},
		"/admin/v1/settings/tables/delivery":        []settings.Delivery{{CRMCode: "courier", CRMName: "Курьер"}},
	} {
		if a := b.do("PUT", path, body); a.status != http.StatusOK {
			b.t.Fatalf("%s: %d %s", path, a.status, a.body)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestExportImportRoundTrip(t *testing.T) {
	b := newBridge(t)
	b.connect()
	fillSettings(b)
	want := b.view().Settings

	a := b.do("GET", "/admin/v1/settings/export", nil)
	if a.status != http.StatusOK || !strings.Contains(a.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", a.status, a.header)
	}
	file := a.body
	for _, s := range []string{sandbox.DemoAPIKey, sandbox.DemoAPIKey[:6], "apiKey", adminToken} {
		if strings.Contains(string(file), s) {
			t.Fatalf("the export holds %q", s)
		}
	}

	// Change everything, then restore from the file.
	if a := b.do("PUT", "/admin/v1/settings/tables/managers", []settings.Manager{}); a.status != http.StatusOK {
		t.Fatal(a.status)
	}
	if a := b.do("PUT", "/admin/v1/settings/flags", settings.Flags{}); a.status != http.StatusOK {
		t.Fatal(a.status)
	}
	if a := b.do("PUT", "/admin/v1/settings/history", settings.History{SinceID: 1}); a.status != http.StatusOK {
		t.Fatal(a.status)
	}
	a = b.do("POST", "/admin/v1/settings/import", file)
	var v bridgesync.View
	a.decode(t, &v)
	if a.status != http.StatusOK || !v.Verified {
		t.Fatalf("import: %d %s", a.status, a.body)
	}
	if got := b.view().Settings; !reflect.DeepEqual(got, want) {
		t.Fatalf("restored settings differ:\n got %+v\nwant %+v", got, want)
	}
}

func TestBrokenImportChangesNothing(t *testing.T) {
	b := newBridge(t)
	b.connect()
	fillSettings(b)
	file := b.do("GET", "/admin/v1/settings/export", nil).body
	before := b.storeDump()

	var doc map[string]any
	if err := json.Unmarshal(file, &doc); err != nil {
		t.Fatal(err)
	}
	edit := func(f func(s map[string]any)) string {
		var d map[string]any
		_ = json.Unmarshal(file, &d)
		f(d["settings"].(map[string]any))
		out, _ := json.Marshal(d)
		return string(out)
	}
	for name, c := range map[string]struct {
		body string
		want string
	}{
		"not JSON":      {"это не JSON", "повреждён"},
		"truncated":     {string(file[:len(file)/2]), "повреждён"},
		"other format":  {strings.Replace(string(file), "unfbridge-settings", "something-else", 1), "не файл настроек"},
		"unknown field": {edit(func(s map[string]any) { s["extra"] = 1 }), "Неизвестное поле"},
		"bad table row": {edit(func(s map[string]any) { s["tables"].(map[string]any)["managers"] = []any{map[string]any{"crmId": 0}} }), "id менеджера"},
		"duplicate status": {edit(func(s map[string]any) {
			t := s["tables"].(map[string]any)
			t["statusesImport"] = []any{map[string]any{"crmCode": "new"}, map[string]any{"crmCode": "new"}}
		}), "дважды"},
		"bad GUID": {edit(func(s map[string]any) {
			s["connection"].(map[string]any)["organization"] = map[string]any{"ref": "not-a-guid", "name": "x"}
		}), "GUID"},
		"wrong type": {edit(func(s map[string]any) { s["flags"].(map[string]any)["importOrders"] = "да" }), "неверный тип"},
	} {
		a := b.do("POST", "/admin/v1/settings/import", c.body)
		if a.status < 400 || a.status >= 500 {
			t.Errorf("%s: %d %s", name, a.status, a.body)
			continue
		}
		e := a.errorOf(t)
		all := e.Message
		for _, d := range e.Details {
			all += " " + d.Message
		}
		if !strings.Contains(all, c.want) {
			t.Errorf("%s: %q lacks %q", name, all, c.want)
		}
		if after := b.storeDump(); after != before {
			t.Fatalf("%s: the store changed", name)
		}
	}
}

func TestSettingsPointingToMissing1CReferences(t *testing.T) {
	b := newBridge(t)
	b.connect()
	fillSettings(b)
	if v := b.view(); v.References != nil || len(v.Problems) != 0 {
		t.Fatalf("no references yet: %+v %+v", v.References, v.Problems)
	}
	refs := onec.References{
		Organizations:      []onec.RefItem{{Ref: guidOrg, Name: "ООО «Уютный дом»"}},
		Warehouses:         []onec.RefItem{{Ref: guidWarehouse, Name: "Основной склад"}},
		OrderStates:        []onec.RefItem{{Ref: guidState, Name: "Ожидается согласование"}},
		Users:              []onec.RefItem{{Ref: guidGone, Name: "Кто-то другой"}},
		PaymentTerminals:   []onec.RefItem{{Ref: guidTerminal, Name: "Эквайринг"}},
		NomenclatureGroups: []onec.RefItem{{Ref: guidGroup, Name: "Текстиль"}},
		TaxationSystems:    []onec.RefItem{{Ref: "ПродажаНеОблагаетсяНДС", Name: "Продажа не облагается НДС"}},
	}
	saveReferences(t, b, refs)
	v := b.view()
	var fields []string
	for _, p := range v.Problems {
		fields = append(fields, p.Field)
		if !strings.Contains(p.Message, "отсутствует в справочниках 1С") {
			t.Errorf("message %q", p.Message)
		}
	}
	if want := []string{"connection.taxation", "tables.managers[0].user"}; !reflect.DeepEqual(fields, want) {
		t.Fatalf("problems at %v, want %v", fields, want)
	}
	if v.References == nil || v.References.Counts["organizations"] != 1 {
		t.Fatalf("references info %+v", v.References)
	}
}

// saveReferences stores refs as the latest 1C reference lists, as the gateway does.
func saveReferences(t *testing.T, b *bridge, refs onec.References) {
	t.Helper()
	if problems := refs.Validate(); len(problems) != 0 {
		t.Fatalf("test references invalid: %v", problems)
	}
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.FixedZone("MSK", 3*3600))
	ops, stale, err := onecrefs.New(b.st).SaveOps(t.Context(), onecrefs.Snapshot{EventID: "5d0c7a3e-8b1f-4c2d-9e6a-7f8b9c0d1e2f",
		OccurredAt: at, ReceivedAt: at, Infobase: guidOrg, References: refs})
	if err != nil || stale {
		t.Fatalf("save references: stale %v, %v", stale, err)
	}
	if err := b.st.Write(t.Context(), ops); err != nil {
		t.Fatal(err)
	}
}
