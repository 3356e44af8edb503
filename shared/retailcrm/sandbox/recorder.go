package sandbox

import (
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// Where a request carried its API key (Request.KeyFrom).
const (
	KeyInHeader = "header" // X-API-KEY, the only place the bridge may use
	KeyInQuery  = "query"  // ?apiKey=..., accepted by RetailCRM but ends up in logs
	KeyInForm   = "form"   // apiKey=... in a POST body
)

// Redacted replaces the API key wherever a recorded request carried it.
const Redacted = "[redacted]"

// Request is one request as the sandbox received it, with the API key redacted.
type Request struct {
	// Time is the account time of arrival.
	Time time.Time
	// Method, Path (unescaped) and RawPath (as sent, escaped) of the request line.
	Method, Path, RawPath string
	// Query and Form (POST body fields) as received.
	Query, Form url.Values
	// Header holds the request headers.
	Header http.Header
	// KeyFrom tells where the API key was: KeyInHeader, KeyInQuery, KeyInForm or "" (none).
	KeyFrom string
	// Status is the HTTP status answered; 0 for a dropped connection.
	Status int
}

// maxRecorded bounds the requests kept, so that a long local run does not grow without end.
const maxRecorded = 10_000

type recorder struct {
	mu   sync.Mutex
	reqs []Request
}

// recorded is a request being answered.
type recorded struct {
	req Request
}

func (rc *recorder) start(now time.Time, r *http.Request) *recorded {
	q := redact(r.URL.Query())
	form := redact(r.PostForm)
	h := r.Header.Clone()
	if h.Get("X-API-KEY") != "" {
		h.Set("X-API-KEY", Redacted)
	}
	_, from := keyOf(r)
	return &recorded{req: Request{
		Time: now, Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(),
		Query: q, Form: form, Header: h, KeyFrom: from,
	}}
}

func redact(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	if out.Has("apiKey") {
		out.Set("apiKey", Redacted)
	}
	return out
}

func (rr *recorded) finish(rc *recorder, status int) {
	rr.req.Status = status
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.reqs) == maxRecorded {
		rc.reqs = rc.reqs[1:]
	}
	rc.reqs = append(rc.reqs, rr.req)
}

// Requests returns the requests received so far (the latest 10 000), oldest first.
func (s *Sandbox) Requests() []Request {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return slices.Clone(s.rec.reqs)
}

// ResetRequests forgets the recorded requests.
func (s *Sandbox) ResetRequests() {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	s.rec.reqs = nil
}
