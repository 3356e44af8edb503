package retailcrm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"time"
)

// DateTimeLayout is the layout of RetailCRM date-times: wall time in the account's time zone,
// without an offset.
const DateTimeLayout = "2006-01-02 15:04:05"

// By tells how a path id is read: as the CRM id or as the externalId.
type By string

// The two ways of addressing an entity in a path.
const (
	RefID         By = "id"
	RefExternalID By = "externalId"
)

// Ref addresses one entity in a request path. The client always sends `by`, and `site` when
// set; an externalId is unique only within a site, so addressing by externalId needs Site.
type Ref struct {
	By   By
	ID   string
	Site string
}

// ByID addresses an entity by its CRM id; site may be empty.
func ByID(id int64, site string) Ref {
	return Ref{By: RefID, ID: strconv.FormatInt(id, 10), Site: site}
}

// ByExternalID addresses an entity by its externalId within site.
func ByExternalID(externalID, site string) Ref {
	return Ref{By: RefExternalID, ID: externalID, Site: site}
}

func (r Ref) validate() error {
	switch {
	case r.By != RefID && r.By != RefExternalID:
		return fmt.Errorf("%w: by must be %q or %q, got %q", ErrInvalidArgument, RefID, RefExternalID, r.By)
	case r.ID == "" || r.ID == "." || r.ID == "..":
		return fmt.Errorf("%w: path id %q", ErrInvalidArgument, r.ID)
	case r.By == RefID && !positive(r.ID):
		return fmt.Errorf("%w: CRM id %q is not a positive number", ErrInvalidArgument, r.ID)
	case r.By == RefExternalID && r.Site == "":
		return fmt.Errorf("%w: addressing by externalId %q needs a site", ErrInvalidArgument, r.ID)
	}
	return nil
}

func positive(id string) bool {
	n, err := strconv.ParseInt(id, 10, 64)
	return err == nil && n > 0
}

// path returns prefix + the escaped id + suffix.
func (r Ref) path(prefix, suffix string) string {
	return prefix + url.PathEscape(r.ID) + suffix
}

// values returns the by and site parameters.
func (r Ref) values() url.Values {
	v := url.Values{"by": {string(r.By)}}
	setString(v, "site", r.Site)
	return v
}

// encodeJSON encodes v compactly without HTML escaping: the value of one form field.
func encodeJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("%w: encode: %w", ErrInvalidArgument, err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// entityForm returns a form with the entity encoded as JSON in the field name, plus extra.
func entityForm(name string, entity any, extra url.Values) (url.Values, error) {
	s, err := encodeJSON(entity)
	if err != nil {
		return nil, err
	}
	form := url.Values{name: {s}}
	maps.Copy(form, extra)
	return form, nil
}

func setString(v url.Values, key, s string) {
	if s != "" {
		v.Set(key, s)
	}
}

func setInt(v url.Values, key string, n int64) {
	if n != 0 {
		v.Set(key, strconv.FormatInt(n, 10))
	}
}

func setTime(v url.Values, key string, t time.Time) {
	if !t.IsZero() {
		v.Set(key, t.Format(DateTimeLayout))
	}
}

// addInts adds one key=value pair per id, e.g. filter[ids][]=1&filter[ids][]=2.
func addInts(v url.Values, key string, ids []int64) {
	for _, id := range ids {
		v.Add(key, strconv.FormatInt(id, 10))
	}
}

// addStrings adds one key=value pair per string, e.g. filter[sites][]=a&filter[sites][]=b.
func addStrings(v url.Values, key string, ss []string) {
	for _, s := range ss {
		v.Add(key, s)
	}
}

func setBool(v url.Values, key string, b *bool) {
	switch {
	case b == nil:
	case *b:
		v.Set(key, "1")
	default:
		v.Set(key, "0")
	}
}

// setPage sets limit and page; limit must be 0 (the API's default, 20), 20, 50 or 100.
func setPage(v url.Values, limit, page int) error {
	switch limit {
	case 0, 20, 50, 100:
	default:
		return fmt.Errorf("%w: limit must be 20, 50 or 100, got %d", ErrInvalidArgument, limit)
	}
	if page < 0 {
		return fmt.Errorf("%w: page %d", ErrInvalidArgument, page)
	}
	setInt(v, "limit", int64(limit))
	setInt(v, "page", int64(page))
	return nil
}

// listQuery returns the filters lists share: CRM ids, externalIds, sites and paging.
func listQuery(ids []int64, externalIDs, sites []string, limit, page int) (url.Values, error) {
	q := url.Values{}
	addInts(q, "filter[ids][]", ids)
	addStrings(q, "filter[externalIds][]", externalIDs)
	addStrings(q, "filter[sites][]", sites)
	return q, setPage(q, limit, page)
}

// Pagination is the paging block of list answers.
type Pagination struct {
	Limit          int `json:"limit"`
	TotalCount     int `json:"totalCount"`
	CurrentPage    int `json:"currentPage"`
	TotalPageCount int `json:"totalPageCount"`
}

// EntityRef names an entity by CRM id and/or externalId, e.g. {"id": 1} or {"externalId": "x"}.
type EntityRef struct {
	ID         int64  `json:"id,omitempty"`
	ExternalID string `json:"externalId,omitempty"`
}

// CodeRef is a reference by symbolic code, e.g. {"code": "base"}.
type CodeRef struct {
	Code string `json:"code"`
}
