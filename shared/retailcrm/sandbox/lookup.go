package sandbox

import "strconv"

// byOf reads the "by" parameter: a path id is an externalId unless by=id.
func byOf(c *call) (string, error) {
	switch by := c.param("by"); by {
	case "", "externalId":
		return "externalId", nil
	case "id":
		return by, nil
	}
	return "", errInput("by", probChoice)
}

// lookup resolves the {id} of a path the RetailCRM way: a CRM id with by=id, else an
// externalId, which is unique per site only: it is searched in the "site" given or, without one,
// in every site the key reaches, and an externalId found in several sites asks for a site
// (unconfirmed message). Entities of sites the key does not reach are not found.
func lookup[T comparable](a *account, c *call, byID func(int) T, byExternal func(ext, site string) T, siteOf func(T) string) (T, error) {
	var zero T
	by, err := byOf(c)
	if err != nil {
		return zero, err
	}
	site, err := a.site(c)
	if err != nil {
		return zero, err
	}
	ref := c.args["id"]
	if by == "id" {
		id, err := strconv.Atoi(ref)
		if err != nil {
			return zero, errNotFound()
		}
		v := byID(id)
		if v == zero || !c.key.reaches(siteOf(v)) {
			return zero, errNotFound()
		}
		return v, nil
	}
	sites := []string{site}
	if site == "" {
		sites = a.reachable(c.key)
	}
	var hits []T
	for _, st := range sites {
		if v := byExternal(ref, st); v != zero {
			hits = append(hits, v)
		}
	}
	switch len(hits) {
	case 0:
		return zero, errNotFound()
	case 1:
		return hits[0], nil
	}
	return zero, errMissing("site")
}
