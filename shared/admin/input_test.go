package admin_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"unfbridge/shared/secret"
)

func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	b := newBridge(t)
	b.connect()
	fillSettings(b)
	before := b.storeDump()
	bearer := "Bearer " + adminToken
	for _, c := range []struct {
		name, method, path, body, auth string
		status                         int
		want                           string
	}{
		{"no token", "PUT", "/admin/v1/settings/flags", `{}`, "", 401, "Требуется авторизация"},
		{"no token on read", "GET", "/admin/v1/settings", "", "", 401, "Требуется авторизация"},
		{"wrong token", "PUT", "/admin/v1/settings/flags", `{}`, "Bearer wrong", 403, "Неверный токен"},
		{"token as Basic password", "GET", "/admin/v1/settings/export", "", "Basic " + base64.StdEncoding.EncodeToString([]byte("x:wrong")), 403, "Неверный токен"},
		{"unknown scheme", "GET", "/admin/v1/settings", "", "Token " + adminToken, 401, "Требуется авторизация"},
		{"not JSON", "PUT", "/admin/v1/settings/flags", `{importOrders: true}`, bearer, 400, "не является корректным JSON"},
		{"empty body", "PUT", "/admin/v1/settings/flags", ``, bearer, 400, "пустое"},
		{"wrong type", "PUT", "/admin/v1/settings/flags", `{"importOrders": "yes"}`, bearer, 400, "неверный тип"},
		{"wrong type in a row", "PUT", "/admin/v1/settings/tables/managers", `[{"crmId": "8491"}]`, bearer, 400, "неверный тип"},
		{"unknown field", "PUT", "/admin/v1/settings/catalog", `{"productId":"code","offerKey":"xmlId","colour":"red"}`, bearer, 400, "Неизвестное поле"},
		{"trailing data", "PUT", "/admin/v1/settings/flags", `{} {}`, bearer, 400, "лишние данные"},
		{"object for a table", "PUT", "/admin/v1/settings/tables/delivery", `{"crmCode":"courier"}`, bearer, 400, "ожидается список"},
		{"oversized body", "PUT", "/admin/v1/settings/tables/delivery", `[` + strings.Repeat(`{"crmCode":"courier"},`, 60000) + `{}]`, bearer, 413, "больше допустимого размера"},
		{"oversized import", "POST", "/admin/v1/settings/import", strings.Repeat(" ", 2<<20), bearer, 413, "больше допустимого размера"},
		{"invalid value", "PUT", "/admin/v1/settings/catalog", `{"productId":"barcode","offerKey":"id"}`, bearer, 422, "ничего не изменено: исправьте ошибки"},
		{"invalid account URL", "PUT", "/admin/v1/settings/connection", `{"accountUrl":"ftp://shop"}`, bearer, 422, "ничего не изменено: исправьте ошибки"},
		{"key with spaces", "PUT", "/admin/v1/settings/connection", `{"accountUrl":"shop.retailcrm.ru","apiKey":"a b"}`, bearer, 422, "ничего не изменено: исправьте ошибки"},
		{"negative deferral", "PUT", "/admin/v1/settings/connection", `{"deferralDays":-1}`, bearer, 422, "ничего не изменено: исправьте ошибки"},
		{"duplicate rows", "PUT", "/admin/v1/settings/tables/warehouses", `[{"crmCode":"main"},{"crmCode":"main"}]`, bearer, 422, "ничего не изменено: исправьте ошибки"},
		{"terminal on cash", "PUT", "/admin/v1/settings/tables/payments-import",
			`[{"crmCode":"cash","document":"ПоступлениеВКассу","terminal":{"ref":"0b6f1c9e-5a2d-4e8f-9c3b-1a2b3c4d5e05","name":"T"}}]`, bearer, 422, "ничего не изменено: исправьте ошибки"},
		{"unknown document", "PUT", "/admin/v1/settings/tables/payments-export", `[{"crmCode":"cash","document":"Чек"}]`, bearer, 422, "ничего не изменено: исправьте ошибки"},
		{"upper-case GUID", "PUT", "/admin/v1/settings/tables/statuses-import",
			`[{"crmCode":"new","state":{"ref":"0B6F1C9E-5A2D-4E8F-9C3B-1A2B3C4D5E05","name":"S"}}]`, bearer, 422, "ничего не изменено: исправьте ошибки"},
		{"negative cursor", "PUT", "/admin/v1/settings/history", `{"sinceId":-5}`, bearer, 422, "ничего не изменено: исправьте ошибки"},
		{"unknown table", "PUT", "/admin/v1/settings/tables/colours", `[]`, bearer, 404, "Нет таблицы"},
		{"admin token not rotatable", "POST", "/admin/v1/secrets/admin-token/rotate", "", bearer, 404, "можно сменить только"},
		{"API key not rotatable", "POST", "/admin/v1/secrets/retailcrm-api-key/rotate", "", bearer, 404, "можно сменить только"},
	} {
		var body any
		if c.body != "" {
			body = c.body
		}
		a := b.doAs(c.method, c.path, body, c.auth)
		if a.status != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.name, a.status, c.status, a.body)
			continue
		}
		if e := a.errorOf(t); !strings.Contains(e.Message, c.want) {
			t.Errorf("%s: message %q lacks %q", c.name, e.Message, c.want)
		}
		if after := b.storeDump(); after != before {
			t.Fatalf("%s: the store changed", c.name)
		}
	}
}

func TestValidationDetailsNameTheFields(t *testing.T) {
	b := newBridge(t)
	b.connect()
	a := b.do("PUT", "/admin/v1/settings/tables/managers", `[{"crmId":11,"crmName":"Марина"},{"crmId":0},{"crmId":11}]`)
	e := a.errorOf(t)
	got := map[string]string{}
	for _, d := range e.Details {
		got[d.Field] = d.Message
	}
	if !strings.Contains(got["tables.managers[1].crmId"], "…/managers/8491") || !strings.Contains(got["tables.managers[2]"], "дважды") || len(got) != 2 {
		t.Fatalf("details %+v", e.Details)
	}
}

func TestTokensRotate(t *testing.T) {
	b := newBridge(t)
	for _, name := range []string{secret.OnecToken, secret.CRMTriggerSecret} {
		var first, second struct{ Name, Value string }
		b.do("POST", "/admin/v1/secrets/"+name+"/rotate", nil).decode(t, &first)
		b.do("POST", "/admin/v1/secrets/"+name+"/rotate", nil).decode(t, &second)
		if first.Name != name || len(first.Value) < 40 || first.Value == second.Value {
			t.Fatalf("%s: %+v then %+v", name, first, second)
		}
		stored, err := b.secrets.Get(t.Context(), name)
		if err != nil || stored != second.Value {
			t.Fatalf("%s: stored %v", name, err)
		}
		if v := b.do("GET", "/admin/v1/settings", nil); strings.Contains(string(v.body), second.Value) {
			t.Fatalf("the settings show the %s", name)
		}
	}
	if a := b.doAs("GET", "/admin/v1/settings", nil, "Basic "+base64.StdEncoding.EncodeToString([]byte("admin:"+adminToken))); a.status != http.StatusOK {
		t.Fatalf("Basic with the admin token: %d", a.status)
	}
}
