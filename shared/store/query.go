package store

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// DefaultQueryLimit is the page size of a Query whose Limit is 0.
const DefaultQueryLimit = 100

// ParsedQuery is a Query checked by ParseQuery: Limit is set and After is decoded.
type ParsedQuery struct {
	Query
	// AfterSK is the sort key of the last item of the previous page; empty on the first page.
	AfterSK string
}

// ParseQuery checks a query (errors wrap ErrInvalid), sets the default Limit and decodes After,
// which must lie in the query's range.
func ParseQuery(q Query) (ParsedQuery, error) {
	if err := validatePart("pk", q.PK, MaxPKLen); err != nil {
		return ParsedQuery{}, err
	}
	for _, b := range []struct{ name, value string }{{"prefix", q.Prefix}, {"from", q.From}, {"to", q.To}} {
		if err := validateText(b.name, b.value, MaxSKLen); err != nil {
			return ParsedQuery{}, err
		}
	}
	switch {
	case q.Prefix != "" && (q.From != "" || q.To != ""):
		return ParsedQuery{}, fmt.Errorf("%w: prefix is not combined with from/to", ErrInvalid)
	case q.From != "" && q.To != "" && q.From > q.To:
		return ParsedQuery{}, fmt.Errorf("%w: from %q is after to %q", ErrInvalid, q.From, q.To)
	case q.Limit < 0 || q.Limit > MaxQueryLimit:
		return ParsedQuery{}, fmt.Errorf("%w: limit %d is not in 0..%d", ErrInvalid, q.Limit, MaxQueryLimit)
	case q.Limit == 0:
		q.Limit = DefaultQueryLimit
	}
	p := ParsedQuery{Query: q}
	if q.After == "" {
		return p, nil
	}
	sk, err := DecodeCursor(q.After)
	if err != nil {
		return ParsedQuery{}, err
	}
	if !p.InRange(sk) {
		return ParsedQuery{}, fmt.Errorf("%w: cursor is outside the query's sort-key range", ErrInvalid)
	}
	p.AfterSK = sk
	return p, nil
}

// InRange tells whether a sort key matches the query's prefix or From/To bounds.
func (p ParsedQuery) InRange(sk string) bool {
	return strings.HasPrefix(sk, p.Prefix) && (p.From == "" || sk >= p.From) && (p.To == "" || sk <= p.To)
}

// EncodeCursor turns the sort key of the last item of a page into an opaque Page.Next.
func EncodeCursor(sk string) string { return base64.RawURLEncoding.EncodeToString([]byte(sk)) }

// DecodeCursor returns the sort key encoded by EncodeCursor; other input gives an error wrapping
// ErrInvalid.
func DecodeCursor(cursor string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return "", fmt.Errorf("%w: malformed cursor: %v", ErrInvalid, err)
	}
	if err := validatePart("cursor", string(b), MaxSKLen); err != nil {
		return "", err
	}
	return string(b), nil
}
