// Package sandbox is an in-process simulator of the RetailCRM API v5, in the spirit of
// net/http/httptest: tests and local runs get a real HTTP server on 127.0.0.1 that answers like
// a RetailCRM account (envelopes, status codes, by/site rules, order history, order statuses and
// externalId fixes, payments, stock reads and uploads, price uploads, reference books, managers,
// corporate customers, account settings, loading the shop's ICML catalog file), plus switches to
// inject faults and Go methods to seed data, act as a CRM user and read the resulting state.
//
// It is written from the API documentation and the recorded responses in
// shared/fixtures/retailcrm, independently of the bridge's client, so that an encoding mistake
// in the client cannot be mirrored here. Behaviours that could not be confirmed against a live
// account are marked "unconfirmed" where they are implemented.
//
// Typical use:
//
//	sb := sandbox.NewServer(sandbox.Options{})
//	defer sb.Close()
//	sb.SeedDemo() // site "unf-shop", reference books, catalog, orders, key sandbox.DemoAPIKey
//	// point the code under test at sb.URL() with sandbox.DemoAPIKey, then assert on
//	// sb.Requests(), sb.Stock(...), sb.OrderJSON(...) or GET orders/history
//
// Every method is safe for concurrent use. Money and quantities are exact decimals.
package sandbox
