package ssmsecret_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"

	"unfbridge/shared/secret"
	"unfbridge/shared/secret/ssmsecret"
)

// mentions tells whether the text of err, or of any error it wraps, contains s.
func mentions(err error, s string) bool {
	if err == nil {
		return false
	}
	if strings.Contains(err.Error(), s) {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return mentions(u.Unwrap(), s)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if mentions(e, s) {
				return true
			}
		}
	}
	return false
}

// TestPutErrorHidesValue puts a value over the 4 KB limit: the service error is passed on, and no
// error of the chain contains the value.
func TestPutErrorHidesValue(t *testing.T) {
	s := newStore(t, startFake(t).Client(), prefix)
	value := "s3cr3t-marker-" + strings.Repeat("x", 4096)
	err := s.Put(t.Context(), secret.RetailCRMAPIKey, value)
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "ValidationException" {
		t.Fatalf("put of a value over 4 KB: got error %v, want ValidationException", err)
	}
	if mentions(err, "s3cr3t-marker") {
		t.Fatalf("the error contains the value: %v", err)
	}
}

// TestPutErrorRedactsQuotedValue puts a value to a service that quotes the request in its errors:
// the value is replaced in the error, and the error that quoted it is not wrapped.
func TestPutErrorRedactsQuotedValue(t *testing.T) {
	quoting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Amzn-ErrorType", "ValidationException")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": "ValidationException", "message": "bad request " + string(body)})
	}))
	defer quoting.Close()
	client := ssm.New(ssm.Options{
		Region:       "eu-central-1",
		BaseEndpoint: aws.String(quoting.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	s, err := ssmsecret.New(client, prefix)
	if err != nil {
		t.Fatal(err)
	}
	const value = "s3cr3t-quoted-value"
	err = s.Put(t.Context(), secret.AdminToken, value)
	if err == nil || !strings.Contains(err.Error(), "[redacted]") || !strings.Contains(err.Error(), secret.AdminToken) {
		t.Fatalf("put: got error %v, want one naming the parameter with the value redacted", err)
	}
	if mentions(err, value) {
		t.Fatalf("the error contains the value: %v", err)
	}
}
