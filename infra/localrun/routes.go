package main

// route is one HTTP API route of template.yaml: method, path and the function that serves it.
type route struct {
	Method   string
	Path     string
	Function string
}

// routes are the HTTP API routes of template.yaml; a test keeps the two equal.
var routes = []route{
	{Method: "GET", Path: "/healthz", Function: "admin"},
	{Method: "GET", Path: "/admin/v1/settings", Function: "admin"},
	{Method: "PUT", Path: "/admin/v1/settings/connection", Function: "admin"},
	{Method: "PUT", Path: "/admin/v1/settings/catalog", Function: "admin"},
	{Method: "PUT", Path: "/admin/v1/settings/flags", Function: "admin"},
	{Method: "PUT", Path: "/admin/v1/settings/history", Function: "admin"},
	{Method: "PUT", Path: "/admin/v1/settings/tables/{table}", Function: "admin"},
	{Method: "POST", Path: "/admin/v1/settings/tables/{table}/load", Function: "admin"},
	{Method: "GET", Path: "/admin/v1/settings/export", Function: "admin"},
	{Method: "POST", Path: "/admin/v1/settings/import", Function: "admin"},
	{Method: "GET", Path: "/admin/v1/references", Function: "admin"},
	{Method: "POST", Path: "/admin/v1/secrets/{name}/rotate", Function: "admin"},
	{Method: "POST", Path: "/onec/v1/events", Function: "onec-gateway"},
	{Method: "POST", Path: "/admin/v1/actions/import-orders", Function: "admin"},
	{Method: "POST", Path: "/admin/v1/actions/import-order", Function: "admin"},
	{Method: "POST", Path: "/admin/v1/actions/import-from-date", Function: "admin"},
	{Method: "GET", Path: "/admin/v1/quarantine", Function: "admin"},
	{Method: "POST", Path: "/admin/v1/quarantine/retry", Function: "admin"},
	{Method: "GET", Path: "/admin/v1/runs", Function: "admin"},
	{Method: "GET", Path: "/admin/v1/orders/{id}", Function: "admin"},
	{Method: "PUT", Path: "/admin/v1/settings/push", Function: "admin"},
	{Method: "GET", Path: "/admin/v1/push/failed", Function: "admin"},
	{Method: "POST", Path: "/admin/v1/push/retry", Function: "admin"},
	{Method: "GET", Path: "/admin/v1/catalog", Function: "admin"},
	{Method: "POST", Path: "/admin/v1/actions/build-catalog", Function: "admin"},
	{Method: "GET", Path: "/admin/v1/store-sync", Function: "admin"},
	{Method: "POST", Path: "/admin/v1/actions/upload-stock", Function: "admin"},
	{Method: "POST", Path: "/admin/v1/actions/upload-prices", Function: "admin"},
	{Method: "POST", Path: "/admin/v1/actions/exchange", Function: "admin"},
	{Method: "GET", Path: "/onec/v1/inbox", Function: "onec-gateway"},
	{Method: "POST", Path: "/onec/v1/inbox/ack", Function: "onec-gateway"},
	{Method: "GET", Path: "/crm/v1/trigger/{secret}", Function: "crm-webhook"},
	{Method: "POST", Path: "/crm/v1/trigger/{secret}", Function: "crm-webhook"},
}
