// Package httpapi holds what every JSON endpoint of the bridge does the same way: answers,
// errors with a Russian message for the user, strict decoding of bodies with a size limit, and
// token authentication.
package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"unfbridge/shared/secret"
)

// Error is the body of every error answer: a stable code for programs and a Russian message
// for the user.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Details lists per-field problems of a validation error.
	Details []FieldProblem `json:"details,omitempty"`
}

// FieldProblem is one problem of an input, by the JSON path of the field.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ErrorBody wraps Error in the answer: {"error": {...}}.
type ErrorBody struct {
	Error Error `json:"error"`
}

// WriteJSON writes v as a JSON answer that is never cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError writes an error answer.
func WriteError(w http.ResponseWriter, status int, e Error) {
	WriteJSON(w, status, ErrorBody{Error: e})
}

// Common error answers.
var (
	ErrUnauthorized = Error{Code: "unauthorized", Message: "Требуется авторизация: передайте токен в заголовке Authorization."}
	ErrForbidden    = Error{Code: "forbidden", Message: "Неверный токен доступа."}
	ErrNotSet       = Error{Code: "token_not_set", Message: "Токен доступа ещё не задан. Задайте его в настройках моста."}
	ErrInternal     = Error{Code: "internal", Message: "Внутренняя ошибка моста. Повторите попытку позже."}
)

// DecodeError is a body that could not be decoded; Status is the HTTP status to answer with.
type DecodeError struct {
	Status int
	Err    Error
}

func (e *DecodeError) Error() string { return e.Err.Message }

// Decode reads a JSON body of at most limit bytes into dst: one JSON value, no unknown fields,
// the right types. The error is a *DecodeError with a Russian message.
func Decode(r *http.Request, limit int64, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return &DecodeError{http.StatusUnsupportedMediaType, Error{Code: "unsupported_media_type",
			Message: "Тело запроса должно быть в формате JSON (Content-Type: application/json)."}}
	}
	body, err := ReadBody(r, limit)
	if err != nil {
		return err
	}
	return DecodeBytes(body, dst)
}

// ReadBody reads a body of at most limit bytes; a longer one is a *DecodeError (413).
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, &DecodeError{http.StatusBadRequest, Error{Code: "bad_body", Message: "Не удалось прочитать тело запроса."}}
	}
	if int64(len(body)) > limit {
		return nil, &DecodeError{http.StatusRequestEntityTooLarge, Error{Code: "too_large",
			Message: fmt.Sprintf("Тело запроса больше допустимого размера (%s).", humanSize(limit))}}
	}
	return body, nil
}

// DecodeBytes is Decode for a body already read.
func DecodeBytes(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return &DecodeError{http.StatusBadRequest, Error{Code: "bad_json", Message: jsonProblem(err)}}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &DecodeError{http.StatusBadRequest, Error{Code: "bad_json",
			Message: "После JSON-объекта в теле запроса есть лишние данные."}}
	}
	return nil
}

// WriteDecodeError answers a failed Decode.
func WriteDecodeError(w http.ResponseWriter, err error) {
	if de, ok := errors.AsType[*DecodeError](err); ok {
		WriteError(w, de.Status, de.Err)
		return
	}
	WriteError(w, http.StatusBadRequest, Error{Code: "bad_json", Message: "Некорректное тело запроса."})
}

func jsonProblem(err error) string {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		field := te.Field
		if field == "" {
			return fmt.Sprintf("Неверный тип значения: ожидается %s.", typeName(te.Type.Kind().String()))
		}
		return fmt.Sprintf("Поле %q: неверный тип значения, ожидается %s.", field, typeName(te.Type.Kind().String()))
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		return fmt.Sprintf("Неизвестное поле %s.", strings.TrimPrefix(msg, "json: unknown field "))
	}
	if errors.Is(err, io.EOF) {
		return "Тело запроса пустое, ожидается JSON-объект."
	}
	return "Тело запроса не является корректным JSON."
}

func typeName(kind string) string {
	switch kind {
	case "string":
		return "строка"
	case "bool":
		return "true или false"
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "число"
	case "slice", "array":
		return "список"
	case "struct", "map":
		return "объект"
	}
	return kind
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d МБ", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d КБ", n>>10)
	}
	return fmt.Sprintf("%d байт", n)
}

// Token returns the token a request presents: "Authorization: Bearer <token>", or the password
// of "Authorization: Basic" (1C's HTTP client speaks Basic; the user name is ignored).
func Token(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, value, ok := strings.Cut(h, " ")
	if !ok {
		return "", false
	}
	value = strings.TrimSpace(value)
	switch strings.ToLower(scheme) {
	case "bearer":
		return value, value != ""
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(value)
		if err != nil {
			return "", false
		}
		_, password, ok := strings.Cut(string(raw), ":")
		return password, ok && password != ""
	}
	return "", false
}

// Authenticate checks the request's token against the secret of that name and answers 401/403
// (or 503 when the secret cannot be read) itself; it returns false when the request must stop.
func Authenticate(w http.ResponseWriter, r *http.Request, secrets secret.Store, name string) bool {
	presented, ok := Token(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="unfbridge"`)
		WriteError(w, http.StatusUnauthorized, ErrUnauthorized)
		return false
	}
	expected, err := secrets.Get(r.Context(), name)
	switch {
	case errors.Is(err, secret.ErrNotFound):
		WriteError(w, http.StatusForbidden, ErrNotSet)
		return false
	case err != nil:
		WriteError(w, http.StatusServiceUnavailable, Error{Code: "secrets_unavailable",
			Message: "Хранилище секретов недоступно. Повторите попытку позже."})
		return false
	case !secret.Equal(presented, expected):
		WriteError(w, http.StatusForbidden, ErrForbidden)
		return false
	}
	return true
}
