package retailcrm

import "context"

// Credentials tell what the API key may do (GET /api/credentials).
type Credentials struct {
	// Scopes are the key's permissions, e.g. "order_read".
	Scopes []string `json:"scopes"`
	// Credentials are the API methods the key may call (older accounts).
	Credentials []string `json:"credentials"`
	// SiteAccess is "access_full" or "access_selective".
	SiteAccess string `json:"siteAccess"`
	// SitesAvailable are the sites of a selective key.
	SitesAvailable []string `json:"sitesAvailable"`
}

// Credentials checks the key and tells its scopes and sites (GET /api/credentials, unversioned):
// use it to verify a connection. Idempotent: retried.
func (c *Client) Credentials(ctx context.Context) (Credentials, error) {
	return get[Credentials](ctx, c, "/api/credentials", nil)
}
