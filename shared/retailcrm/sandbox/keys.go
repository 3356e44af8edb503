package sandbox

import (
	"fmt"
	"slices"
)

// apiKey is one API key of the account.
type apiKey struct {
	key    string
	sites  []string // empty: every site ("access_full")
	scopes map[string]bool
}

// AddAPIKey registers an API key holding every scope (AllScopes). With no sites the key reaches
// every site of the account; otherwise only the sites given. Adding a key again replaces it.
func (s *Sandbox) AddAPIKey(key string, sites ...string) {
	_ = s.do(func(a *account) error {
		k := &apiKey{key: key, sites: slices.Clone(sites), scopes: map[string]bool{}}
		for _, sc := range AllScopes {
			k.scopes[sc] = true
		}
		a.keys[key] = k
		return nil
	})
}

// SetKeyScopes replaces the scopes of a registered key (see the Scope constants).
func (s *Sandbox) SetKeyScopes(key string, scopes ...string) error {
	return s.do(func(a *account) error {
		k := a.keys[key]
		if k == nil {
			return fmt.Errorf("sandbox: no API key %q", key)
		}
		k.scopes = map[string]bool{}
		for _, sc := range scopes {
			k.scopes[sc] = true
		}
		return nil
	})
}

// reaches tells whether the key may work with the site.
func (k *apiKey) reaches(site string) bool {
	return len(k.sites) == 0 || slices.Contains(k.sites, site)
}

// reachable returns the codes of the existing sites the key may work with, in account order.
func (a *account) reachable(k *apiKey) []string {
	var out []string
	for _, st := range a.sites {
		if k.reaches(st.Code) {
			out = append(out, st.Code)
		}
	}
	return out
}

// site resolves the "site" parameter of a call: a given code must exist and be reachable by
// the key (else "Access denied."); without one, a key reaching a single site uses it, and
// otherwise "" is returned for the caller to decide.
func (a *account) site(c *call) (string, error) {
	code := c.param("site")
	if code != "" {
		if a.findSite(code) == nil || !c.key.reaches(code) {
			return "", errAccessDenied()
		}
		return code, nil
	}
	if r := a.reachable(c.key); len(r) == 1 {
		return r[0], nil
	}
	return "", nil
}

// requiredSite is site for calls that need one (creates, externalId look-ups): a key reaching
// several sites must name one (unconfirmed message: "Parameter 'site' is missing").
func (a *account) requiredSite(c *call) (string, error) {
	code, err := a.site(c)
	if err == nil && code == "" {
		err = errMissing("site")
	}
	return code, err
}

type credentialsAnswer struct {
	Success        bool     `json:"success"`
	Scopes         []string `json:"scopes"`
	Credentials    []string `json:"credentials"`
	SiteAccess     string   `json:"siteAccess"`
	SitesAvailable []string `json:"sitesAvailable"`
}

// handleCredentials answers GET /api/credentials: the key's scopes, the endpoints they open
// and the sites it reaches.
func handleCredentials(a *account, c *call) (any, error) {
	ans := credentialsAnswer{Success: true, SiteAccess: "access_full", SitesAvailable: a.reachable(c.key)}
	if len(c.key.sites) > 0 {
		ans.SiteAccess = "access_selective"
	}
	for sc := range c.key.scopes {
		ans.Scopes = append(ans.Scopes, sc)
	}
	slices.Sort(ans.Scopes)
	for _, rt := range routes() {
		if rt.scope != scopeNone && c.key.scopes[rt.scope] {
			ans.Credentials = append(ans.Credentials, rt.credential())
		}
	}
	ans.Credentials = nonNil(ans.Credentials)
	ans.Scopes = nonNil(ans.Scopes)
	ans.SitesAvailable = nonNil(ans.SitesAvailable)
	return ans, nil
}

// nonNil makes a nil slice encode as [] like RetailCRM's empty lists.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
