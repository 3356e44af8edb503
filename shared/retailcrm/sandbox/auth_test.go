package sandbox

import (
	"net/http"
	"slices"
	"testing"
)

func TestAuthErrors(t *testing.T) {
	sb, _ := newTestSandbox(t)

	newAPI(t, sb, "").get("/api/v5/reference/statuses", nil).fails(t, http.StatusForbidden, `"apiKey" is missing.`)
	newAPI(t, sb, "nope").get("/api/v5/reference/statuses", nil).fails(t, http.StatusForbidden, `Wrong "apiKey" value.`)

	c := newAPI(t, sb, keyBridge)
	c.get("/api/v5/orders", query("site", DemoOtherSite)).fails(t, http.StatusForbidden, "Access denied.")
	c.get("/api/v5/orders", query("site", "no-such-site")).fails(t, http.StatusForbidden, "Access denied.")
	c.get("/api/v5/fake-method", nil).fails(t, http.StatusNotFound, "Method not found")
	c.get("/api/v4/orders", nil).fails(t, http.StatusNotFound, "Method not found")
	c.post("/api/v5/orders/history", nil).fails(t, http.StatusMethodNotAllowed, "Method Not Allowed")

	if err := sb.SetKeyScopes(keyOther, ScopeOrderRead); err != nil {
		t.Fatal(err)
	}
	other := newAPI(t, sb, keyOther)
	other.get("/api/v5/orders", nil).ok(t)
	other.post("/api/v5/orders/create", form("order", `{}`)).fails(t, http.StatusForbidden, "Access denied.")
	if err := sb.SetKeyScopes("unknown"); err == nil {
		t.Error("SetKeyScopes of an unknown key: want an error")
	}
}

func TestKeyInQueryIsAcceptedAndRedacted(t *testing.T) {
	sb, _ := newTestSandbox(t)
	newAPI(t, sb, "").get("/api/v5/reference/sites", query("apiKey", keyBridge)).ok(t)
	newAPI(t, sb, keyBridge).get("/api/v5/reference/sites", nil).ok(t)

	reqs := sb.Requests()
	if len(reqs) != 2 {
		t.Fatalf("recorded %d requests, want 2", len(reqs))
	}
	if reqs[0].KeyFrom != KeyInQuery || reqs[0].Query.Get("apiKey") != Redacted {
		t.Errorf("query key: KeyFrom %q, apiKey %q", reqs[0].KeyFrom, reqs[0].Query.Get("apiKey"))
	}
	if reqs[1].KeyFrom != KeyInHeader || reqs[1].Header.Get("X-API-KEY") != Redacted {
		t.Errorf("header key: KeyFrom %q, header %q", reqs[1].KeyFrom, reqs[1].Header.Get("X-API-KEY"))
	}
	if reqs[1].Method != http.MethodGet || reqs[1].Path != "/api/v5/reference/sites" || reqs[1].Status != http.StatusOK {
		t.Errorf("recorded %+v", reqs[1])
	}
	sb.ResetRequests()
	if n := len(sb.Requests()); n != 0 {
		t.Errorf("after reset: %d requests", n)
	}
}

func TestCredentials(t *testing.T) {
	sb, _ := newTestSandbox(t)
	a := newAPI(t, sb, keyBridge).get("/api/credentials", nil).ok(t)
	if a.json["siteAccess"] != "access_selective" || str(a.json["sitesAvailable"]) != `["unf-shop"]` {
		t.Errorf("selective key: %s", a.body)
	}
	scopes, _ := a.json["scopes"].([]any)
	if len(scopes) != len(AllScopes) {
		t.Errorf("scopes %v", scopes)
	}
	creds, _ := a.json["credentials"].([]any)
	if !slices.Contains(creds, any("/api/v5/orders/{id}/edit")) {
		t.Errorf("credentials %v", creds)
	}
	a = newAPI(t, sb, keyAll).get("/api/credentials", nil).ok(t)
	if a.json["siteAccess"] != "access_full" || str(a.json["sitesAvailable"]) != `["unf-shop","opt-shop"]` {
		t.Errorf("full key: %s", a.body)
	}
}
