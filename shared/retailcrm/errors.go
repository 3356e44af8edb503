package retailcrm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error classes. An error answer or a transport failure matches one of them with errors.Is;
// *APIError, *PartialError and *TransportError carry the details (errors.As). A retry cut short
// by the context also matches the context's error.
var (
	// ErrValidation: the request was refused as invalid (HTTP 400, "Errors in the entity
	// format", "Parameter '…' is missing").
	ErrValidation = errors.New("retailcrm: validation failed")
	// ErrAuth: the API key is missing, wrong or lacks access (HTTP 401/403).
	ErrAuth = errors.New("retailcrm: API key rejected")
	// ErrNotFound: the entity or the method does not exist (HTTP 404).
	ErrNotFound = errors.New("retailcrm: not found")
	// ErrPartial: a batch was processed only in part (HTTP 460); see *PartialError.
	ErrPartial = errors.New("retailcrm: batch partially failed")
	// ErrRateLimited: too many requests or overload (HTTP 429/503); retried by idempotent calls.
	ErrRateLimited = errors.New("retailcrm: rate limited")
	// ErrServer: a server failure (HTTP 5xx); retried by idempotent calls.
	ErrServer = errors.New("retailcrm: server error")
	// ErrWrongAccountURL: the account URL does not lead to a RetailCRM API (an HTML page, a
	// redirect, "Account does not exist.").
	ErrWrongAccountURL = errors.New("retailcrm: wrong account URL")
	// ErrRejected: any other refusal (success:false) by the API.
	ErrRejected = errors.New("retailcrm: request rejected")
	// ErrTransport: no answer (connection error, timeout); see *TransportError.
	ErrTransport = errors.New("retailcrm: transport error")
	// ErrInvalidArgument: the client refused the call before sending it.
	ErrInvalidArgument = errors.New("retailcrm: invalid argument")
)

// StatusPartial is RetailCRM's status code for a partially processed batch.
const StatusPartial = 460

// FieldError is one entry of an error answer's "errors": keyed by a field path when "errors"
// is an object, with an empty Field when it is a plain list.
type FieldError struct {
	Field   string
	Message string
}

// APIError is an answer of the API that is not a success.
type APIError struct {
	// Kind is the error class (ErrValidation, ErrAuth, …); errors.Is matches it.
	Kind       error
	StatusCode int
	Method     string
	// Path is the request path, ids escaped; it never holds the query or the key.
	Path string
	// Message is RetailCRM's errorMsg as given, or the client's explanation of a non-API answer.
	Message string
	// Errors are the per-field or listed messages, in the order received.
	Errors []FieldError
	// RetryAfter is the server's Retry-After, 0 when absent.
	RetryAfter time.Duration
}

// Error reports the call, the status, errorMsg and the listed errors.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "retailcrm: %s %s: HTTP %d: %s", e.Method, e.Path, e.StatusCode, e.Message)
	for i, fe := range e.Errors {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		b.WriteString(sep)
		if fe.Field != "" {
			b.WriteString(fe.Field + ": ")
		}
		b.WriteString(fe.Message)
	}
	return b.String()
}

// Unwrap returns Kind.
func (e *APIError) Unwrap() error { return e.Kind }

// PartialError is a batch upload processed in part (HTTP 460): which entities were taken and
// which failed, from the answer's uploaded…/failed… lists.
type PartialError struct {
	APIError
	Uploaded []EntityRef
	Failed   []EntityRef
}

// Unwrap returns the embedded *APIError, so errors.As finds both types.
func (e *PartialError) Unwrap() error { return &e.APIError }

// TransportError is a call that got no HTTP answer.
type TransportError struct {
	Method string
	Path   string
	// Err is the cause, e.g. a *net.OpError or context.DeadlineExceeded.
	Err error
	msg string
}

// Error reports the call and the cause, with the API key redacted.
func (e *TransportError) Error() string {
	return fmt.Sprintf("retailcrm: %s %s: %s", e.Method, e.Path, e.msg)
}

// Unwrap returns ErrTransport and the cause.
func (e *TransportError) Unwrap() []error { return []error{ErrTransport, e.Err} }

// envelope is the common part of every answer.
type envelope struct {
	Success  *bool           `json:"success"`
	ErrorMsg Value           `json:"errorMsg"`
	Errors   json.RawMessage `json:"errors"`
}

// answerError turns an HTTP answer that is not a success into an error. body is JSON when
// env is not nil.
func answerError(method, path string, resp *http.Response, body []byte, env *envelope, redact func(string) string) error {
	e := APIError{
		StatusCode: resp.StatusCode,
		Method:     method,
		Path:       path,
		RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
	if env == nil {
		msg, kind := nonAPIAnswer(resp, body)
		e.Message, e.Kind = redact(msg), kind
		return &e
	}
	e.Message = redact(env.ErrorMsg.Text())
	if e.Message == "" {
		e.Message = "the answer has no errorMsg and no \"success\": true"
	}
	e.Errors = fieldErrors(env.Errors, redact)
	e.Kind = classify(resp.StatusCode, e.Message)
	if e.Kind != ErrPartial {
		return &e
	}
	p := &PartialError{APIError: e}
	var lists map[string]json.RawMessage
	if json.Unmarshal(body, &lists) == nil {
		for k, raw := range lists {
			var refs []EntityRef
			if json.Unmarshal(raw, &refs) != nil {
				continue
			}
			for i := range refs {
				refs[i].ExternalID = redact(refs[i].ExternalID)
			}
			switch {
			case strings.HasPrefix(k, "uploaded"):
				p.Uploaded = append(p.Uploaded, refs...)
			case strings.HasPrefix(k, "failed"):
				p.Failed = append(p.Failed, refs...)
			}
		}
	}
	return p
}

// nonAPIAnswer explains an answer that is not RetailCRM JSON: a redirect, an HTML page.
func nonAPIAnswer(resp *http.Response, body []byte) (string, error) {
	ct := resp.Header.Get("Content-Type")
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		return http.StatusText(code), ErrRateLimited
	case code >= 500:
		return fmt.Sprintf("%s (%q answer)", http.StatusText(code), ct), ErrServer
	case code >= 300 && code < 400:
		return fmt.Sprintf("the account URL is wrong: it redirects to %q; use the exact https address of the account",
			resp.Header.Get("Location")), ErrWrongAccountURL
	case bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")):
		return fmt.Sprintf("the account URL is wrong: it answers with an HTML page (HTTP %d %s), not the RetailCRM API",
			code, http.StatusText(code)), ErrWrongAccountURL
	}
	return fmt.Sprintf("the account URL is wrong: the answer (HTTP %d, %q) is not RetailCRM API JSON",
		resp.StatusCode, ct), ErrWrongAccountURL
}

// classify picks the error class of a JSON error answer from its status and errorMsg.
func classify(status int, msg string) error {
	lower := strings.ToLower(msg)
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(lower, x) {
				return true
			}
		}
		return false
	}
	switch {
	case status == StatusPartial:
		return ErrPartial
	case has("account does not exist"):
		return ErrWrongAccountURL
	case has("apikey", "access denied"):
		return ErrAuth
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		return ErrRateLimited
	case status >= 500:
		return ErrServer
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return ErrAuth
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusBadRequest:
		return ErrValidation
	case has("errors in the entity format", "validation error", "is missing"):
		return ErrValidation
	case has("not found"):
		return ErrNotFound
	case has("rate limit"):
		return ErrRateLimited
	}
	return ErrRejected
}

// fieldErrors reads "errors": an object keyed by field path or a list of strings.
func fieldErrors(raw json.RawMessage, redact func(string) string) []FieldError {
	var out []FieldError
	add := func(field string, v json.RawMessage) {
		msg := Value(v).Text()
		if msg == "" && !Value(v).IsNull() {
			var b bytes.Buffer
			if json.Compact(&b, v) == nil {
				msg = b.String()
			}
		}
		out = append(out, FieldError{Field: field, Message: redact(msg)})
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		for _, v := range list {
			add("", v)
		}
		return out
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	// A malformed tail keeps the entries read before it.
	_ = eachMember(dec, func(k string, v json.RawMessage) error {
		add(k, v)
		return nil
	})
	return out
}

// retryAfter reads a Retry-After header: seconds or an HTTP date; 0 when absent or past.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil {
		return max(time.Duration(s)*time.Second, 0)
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
