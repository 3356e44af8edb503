package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is a failure answered in RetailCRM's envelope:
// {"success": false, "errorMsg": "...", "errors": {...}}.
type apiError struct {
	status int
	msg    string
	errors map[string]string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s %v", e.status, e.msg, e.errors) }

// Messages RetailCRM answers with (see the error fixtures).
const (
	msgKeyMissing     = `"apiKey" is missing.`
	msgKeyWrong       = `Wrong "apiKey" value.`
	msgAccessDenied   = "Access denied."
	msgMethodNotFound = "Method not found"
	msgNotAllowed     = "Method Not Allowed"
	msgNotFound       = "Not found"
	msgRateLimit      = "Rate limit exceeded"
	msgEntity         = "Errors in the entity format"
	msgInput          = "Errors in the input parameters"
)

func errNotFound() *apiError { return &apiError{status: http.StatusNotFound, msg: msgNotFound} }

func errAccessDenied() *apiError {
	return &apiError{status: http.StatusForbidden, msg: msgAccessDenied}
}

// errMissing is RetailCRM's "Parameter 'order' is missing".
func errMissing(param string) *apiError {
	return &apiError{status: http.StatusBadRequest, msg: fmt.Sprintf("Parameter '%s' is missing", param)}
}

// errEntity is a validation failure of a sent entity, keyed by field path.
func errEntity(errs map[string]string) *apiError {
	return &apiError{status: http.StatusBadRequest, msg: msgEntity, errors: errs}
}

// errInput is a validation failure of the query (filters, limit, by), keyed by parameter.
func errInput(param, problem string) *apiError {
	return &apiError{status: http.StatusBadRequest, msg: msgInput, errors: map[string]string{param: problem}}
}

type envelope struct {
	Success  bool              `json:"success"`
	ErrorMsg string            `json:"errorMsg"`
	Errors   map[string]string `json:"errors,omitempty"`
}

// encode renders v as JSON the way the sandbox answers (no HTML escaping, no trailing newline).
func encode(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("sandbox: encode %T: %v", v, err))
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// errorBody renders an error envelope.
func errorBody(e *apiError) []byte {
	return encode(envelope{ErrorMsg: e.msg, Errors: e.errors})
}

// ok is the {"success": true} answer.
type ok struct {
	Success bool `json:"success"`
}

func success() ok { return ok{Success: true} }

// idAnswer is the {"success": true, "id": N} answer of creates and edits.
type idAnswer struct {
	Success bool `json:"success"`
	ID      int  `json:"id"`
}

func created(id int) idAnswer { return idAnswer{Success: true, ID: id} }

// pagination is the paging block of list answers.
type pagination struct {
	Limit          int `json:"limit"`
	TotalCount     int `json:"totalCount"`
	CurrentPage    int `json:"currentPage"`
	TotalPageCount int `json:"totalPageCount"`
}

// paginate returns the bounds of page p (1-based) of n items and the paging block.
func paginate(n int, pg page) (lo, hi int, p pagination) {
	p = pagination{Limit: pg.limit, TotalCount: n, CurrentPage: pg.page, TotalPageCount: (n + pg.limit - 1) / pg.limit}
	lo = min((pg.page-1)*pg.limit, n)
	hi = min(lo+pg.limit, n)
	return lo, hi, p
}
