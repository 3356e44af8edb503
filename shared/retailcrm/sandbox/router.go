package sandbox

import (
	"net/http"
	"net/url"
	"strings"
)

// Scopes an API key may hold (RetailCRM's access rights of a key).
const (
	ScopeOrderRead      = "order_read"
	ScopeOrderWrite     = "order_write"
	ScopeCustomerRead   = "customer_read"
	ScopeCustomerWrite  = "customer_write"
	ScopeReferenceRead  = "reference_read"
	ScopeStoreRead      = "store_read"
	ScopeStoreWrite     = "store_write"
	ScopeUserRead       = "user_read"
	scopeNone           = ""
	apiPrefix           = "/api/v5/"
	credentialsEndpoint = "/api/credentials"
)

// AllScopes are the scopes a key gets from AddAPIKey.
var AllScopes = []string{
	ScopeOrderRead, ScopeOrderWrite, ScopeCustomerRead, ScopeCustomerWrite,
	ScopeReferenceRead, ScopeStoreRead, ScopeStoreWrite, ScopeUserRead,
}

// call is one authenticated API request being answered.
type call struct {
	r     *http.Request
	key   *apiKey
	query url.Values
	form  url.Values // POST body fields and query, as RetailCRM reads both
	args  map[string]string
}

// param reads a plain parameter (by, site) from the body or the query.
func (c *call) param(name string) string { return c.form.Get(name) }

type handler func(a *account, c *call) (any, error)

type route struct {
	method string
	parts  []string // path segments after /api/; "{x}" is a wildcard
	scope  string
	h      handler
}

// routes lists every endpoint. Literal segments are listed before wildcards that could
// match them (orders/history before orders/{id}).
func routes() []route {
	return []route{
		{http.MethodGet, split("credentials"), scopeNone, handleCredentials},
		{http.MethodGet, split("api-versions"), scopeNone, handleAPIVersions},
		{http.MethodGet, split("system-info"), scopeNone, handleSystemInfo},
		{http.MethodGet, split("v5/settings"), ScopeReferenceRead, handleSettings}, // unconfirmed scope

		{http.MethodGet, split("v5/orders"), ScopeOrderRead, handleOrdersList},
		{http.MethodGet, split("v5/orders/history"), ScopeOrderRead, handleHistory},
		{http.MethodGet, split("v5/orders/statuses"), ScopeOrderRead, handleOrderStatuses},
		{http.MethodPost, split("v5/orders/fix-external-ids"), ScopeOrderWrite, handleFixExternalIDs},
		{http.MethodPost, split("v5/orders/create"), ScopeOrderWrite, handleOrderCreate},
		{http.MethodPost, split("v5/orders/payments/create"), ScopeOrderWrite, handlePaymentCreate},
		{http.MethodPost, split("v5/orders/payments/{id}/edit"), ScopeOrderWrite, handlePaymentEdit},
		{http.MethodPost, split("v5/orders/payments/{id}/delete"), ScopeOrderWrite, handlePaymentDelete},
		{http.MethodGet, split("v5/orders/{id}"), ScopeOrderRead, handleOrderGet},
		{http.MethodPost, split("v5/orders/{id}/edit"), ScopeOrderWrite, handleOrderEdit},

		{http.MethodPost, split("v5/customers-corporate/create"), ScopeCustomerWrite, handleCorporateCreate},
		{http.MethodGet, split("v5/customers-corporate/{id}"), ScopeCustomerRead, handleCorporateGet},
		{http.MethodPost, split("v5/customers-corporate/{id}/edit"), ScopeCustomerWrite, handleCorporateEdit},
		{http.MethodGet, split("v5/customers-corporate/{id}/companies"), ScopeCustomerRead, handleCorporateCompanies},
		{http.MethodGet, split("v5/customers-corporate/{id}/contacts"), ScopeCustomerRead, handleCorporateContacts},

		{http.MethodGet, split("v5/reference/sites"), ScopeReferenceRead, handleSites},
		{http.MethodGet, split("v5/reference/statuses"), ScopeReferenceRead, handleStatuses},
		{http.MethodGet, split("v5/reference/status-groups"), ScopeReferenceRead, handleStatusGroups},
		{http.MethodGet, split("v5/reference/payment-types"), ScopeReferenceRead, handlePaymentTypes},
		{http.MethodGet, split("v5/reference/payment-statuses"), ScopeReferenceRead, handlePaymentStatuses},
		{http.MethodGet, split("v5/reference/delivery-types"), ScopeReferenceRead, handleDeliveryTypes},
		{http.MethodGet, split("v5/reference/order-types"), ScopeReferenceRead, handleOrderTypes},
		{http.MethodGet, split("v5/reference/order-methods"), ScopeReferenceRead, handleOrderMethods},
		{http.MethodGet, split("v5/reference/stores"), ScopeReferenceRead, handleStores},
		{http.MethodGet, split("v5/reference/price-types"), ScopeReferenceRead, handlePriceTypes},
		{http.MethodGet, split("v5/reference/units"), ScopeReferenceRead, handleUnits},
		{http.MethodGet, split("v5/reference/product-statuses"), ScopeReferenceRead, handleProductStatuses},

		{http.MethodGet, split("v5/store/inventories"), ScopeStoreRead, handleInventories},
		{http.MethodPost, split("v5/store/inventories/upload"), ScopeStoreWrite, handleInventoriesUpload},
		{http.MethodPost, split("v5/store/prices/upload"), ScopeStoreWrite, handlePricesUpload},

		{http.MethodGet, split("v5/users"), ScopeUserRead, handleUsers},
		{http.MethodGet, split("v5/users/{id}"), ScopeUserRead, handleUser},
	}
}

func split(p string) []string { return strings.Split(p, "/") }

// match finds the route for a request path. It reports found=false when no route has the
// path, and a nil route with found=true when routes have the path but not the method.
func match(table []route, method, escapedPath string) (rt *route, args map[string]string, found bool) {
	rest, ok := strings.CutPrefix(escapedPath, "/api/")
	if !ok {
		return nil, nil, false
	}
	segs := strings.Split(rest, "/")
	for i := range table {
		a, ok := table[i].bind(segs)
		if !ok {
			continue
		}
		found = true
		if table[i].method == method {
			return &table[i], a, true
		}
	}
	return nil, nil, found
}

// bind matches escaped path segments against the route and returns the unescaped wildcards.
func (rt *route) bind(segs []string) (map[string]string, bool) {
	if len(segs) != len(rt.parts) {
		return nil, false
	}
	args := map[string]string{}
	for i, p := range rt.parts {
		if strings.HasPrefix(p, "{") {
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				return nil, false
			}
			args[strings.Trim(p, "{}")] = v
			continue
		}
		if segs[i] != p {
			return nil, false
		}
	}
	return args, true
}

// credential is how /api/credentials names an endpoint: "/api/v5/orders/{id}/edit".
func (rt *route) credential() string { return "/api/" + strings.Join(rt.parts, "/") }
