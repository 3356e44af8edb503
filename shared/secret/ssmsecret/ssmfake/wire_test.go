package ssmfake_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestWireErrors checks error responses on the wire: HTTP 400, the code in the X-Amzn-ErrorType
// header and in the body's __type, and a message.
func TestWireErrors(t *testing.T) {
	s, _ := start(t)
	signed := func(service string) string {
		return "AWS4-HMAC-SHA256 Credential=test/20260101/eu-central-1/" + service + "/aws4_request, SignedHeaders=host, Signature=00"
	}
	cases := []struct {
		what, auth, target, body, code string
	}{
		{"unsigned", "", "AmazonSSM.GetParameter", `{"Name":"/x"}`, "MissingAuthenticationTokenException"},
		{"other service", signed("s3"), "AmazonSSM.GetParameter", `{"Name":"/x"}`, "InvalidSignatureException"},
		{"missing", signed("ssm"), "AmazonSSM.GetParameter", `{"Name":"/x"}`, "ParameterNotFound"},
		{"bad JSON", signed("ssm"), "AmazonSSM.GetParameter", `{"Name":`, "SerializationException"},
		{"unknown target", signed("ssm"), "AmazonSSM.GetParameters", `{}`, "UnknownOperationException"},
	}
	for _, tc := range cases {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL()+"/", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", tc.target)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Type    string `json:"__type"`
			Message *string
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Amzn-ErrorType") != tc.code ||
			body.Type != tc.code || body.Message == nil {
			t.Errorf("%s: status %d, X-Amzn-ErrorType %q, body %+v, %v; want 400 and %s",
				tc.what, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), body, err, tc.code)
		}
	}
}
