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
}
