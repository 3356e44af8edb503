// Package retailcrm is a thin client of the RetailCRM API v5: typed requests and answers for the
// calls the bridge makes, a context on every call, a shared rate budget, retries of idempotent
// calls with backoff, and typed errors.
//
// Wire rules: the API key travels only in the X-API-KEY header; reads are GETs with bracketed
// filters (filter[ids][]=1); writes are form posts with each entity as one JSON field
// (order=<json>) and explicit by/site fields; path ids are URL-escaped. Money and quantities are
// Decimal.
package retailcrm

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Budget paces the requests of one API key. Wait returns when one request may be sent, or an
// error when ctx ends first. ratelimit.Budget implements it across processes.
type Budget interface {
	Wait(ctx context.Context) error
}

// RetryPolicy says how idempotent calls are retried after 429/503, 5xx, timeouts and
// connection errors: exponential backoff from BaseDelay, capped at MaxDelay, with full jitter
// (a uniform wait between 0 and the backoff), never shorter than the server's Retry-After.
// The context deadline bounds the whole. Zero fields take the defaults.
type RetryPolicy struct {
	// MaxAttempts counts the first attempt; 1 disables retries. Default 4.
	MaxAttempts int
	// BaseDelay is the backoff before the second attempt. Default 500ms.
	BaseDelay time.Duration
	// MaxDelay caps the backoff. Default 10s.
	MaxDelay time.Duration
	// NoJitter waits the full backoff instead of a random part of it.
	NoJitter bool
}

// DefaultRetryPolicy is the policy used for zero fields of Options.Retry.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 8, BaseDelay: 250 * time.Millisecond, MaxDelay: 5 * time.Second}

// Options configure a Client.
type Options struct {
	// BaseURL is the account URL, e.g. "https://myshop.retailcrm.ru" or just "myshop.retailcrm.ru".
	// It is always https, except for 127.0.0.1 and localhost (test servers). A pasted "/api/v5"
	// suffix is dropped.
	BaseURL string
	// APIKey is sent in the X-API-KEY header only.
	APIKey string
	// HTTPClient makes the requests; default: 60s timeout per attempt. The client never follows
	// redirects (the key would follow them).
	HTTPClient *http.Client
	// Budget paces every attempt; nil means no client-side pacing.
	Budget Budget
	// Retry is the retry policy of idempotent calls.
	Retry RetryPolicy
	// Logger gets one debug line per attempt and a warning per retry; nil discards.
	Logger *slog.Logger
}

// Client calls one RetailCRM account with one API key. It is safe for concurrent use.
type Client struct {
	base   string // scheme://host[:port][/prefix], no trailing slash
	apiKey string
	http   *http.Client
	budget Budget
	retry  RetryPolicy
	log    *slog.Logger
}

// maxBody bounds the size of an answer.
const maxBody = 64 << 20

// New checks the options and returns a client.
func New(opts Options) (*Client, error) {
	base, err := normaliseBaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	key := strings.TrimSpace(opts.APIKey)
	if key == "" || strings.ContainsFunc(key, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return nil, fmt.Errorf("%w: the API key is empty or holds spaces or control characters", ErrInvalidArgument)
	}
	retry, err := opts.Retry.withDefaults()
	if err != nil {
		return nil, err
	}
	hc := defaultHTTPClient()
	if opts.HTTPClient != nil {
		copied := *opts.HTTPClient
		hc = &copied
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{base: base, apiKey: key, http: hc, budget: opts.Budget, retry: retry, log: log}, nil
}

// BaseURL returns the normalised account URL.
func (c *Client) BaseURL() string { return c.base }

func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 50 * time.Second
	return &http.Client{Transport: t, Timeout: 60 * time.Second}
}

func (p RetryPolicy) withDefaults() (RetryPolicy, error) {
	if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 {
		return p, fmt.Errorf("%w: negative retry policy %+v", ErrInvalidArgument, p)
	}
	if p.MaxAttempts == 0 {
		p.MaxAttempts = DefaultRetryPolicy.MaxAttempts
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = DefaultRetryPolicy.BaseDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = max(DefaultRetryPolicy.MaxDelay, p.BaseDelay)
	}
	return p, nil
}

// normaliseBaseURL turns an account URL as a user pastes it into scheme://host[/prefix].
func normaliseBaseURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", fmt.Errorf("%w: the account URL is empty", ErrInvalidArgument)
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%w: account URL %q: %w", ErrInvalidArgument, raw, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("%w: account URL %q: want https", ErrInvalidArgument, raw)
	case u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("%w: account URL %q: want https://<account host>", ErrInvalidArgument, raw)
	}
	if host := u.Hostname(); host != "127.0.0.1" && host != "localhost" && host != "::1" {
		u.Scheme = "https"
	}
	u.Host = strings.ToLower(u.Host)
	p := strings.TrimRight(u.EscapedPath(), "/")
	for _, suffix := range []string{"/api/v5", "/api"} {
		p = strings.TrimSuffix(p, suffix)
	}
	return u.Scheme + "://" + u.Host + p, nil
}

// redact removes the API key from a text meant for errors and logs.
func (c *Client) redact(s string) string {
	return strings.ReplaceAll(s, c.apiKey, "[redacted]")
}

// String names the client by its account URL; it never shows the key.
func (c *Client) String() string { return "retailcrm.Client(" + c.base + ")" }

// GoString is String, so that %#v does not show the key either.
func (c *Client) GoString() string { return c.String() }
