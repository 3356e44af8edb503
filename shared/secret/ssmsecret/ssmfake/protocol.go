package ssmfake

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
)

// contentType is the media type of awsJson1_1 bodies.
const contentType = "application/x-amz-json-1.1"

// apiError is an error of the service, sent as awsJson1_1 does: HTTP 400, the code in the
// X-Amzn-ErrorType header and in the body's __type.
type apiError struct {
	code    string
	message string
}

// Codes of the errors the fake returns.
const (
	codeNotFound         = "ParameterNotFound"
	codeAlreadyExists    = "ParameterAlreadyExists"
	codeValidation       = "ValidationException"
	codeHierarchyLimit   = "HierarchyLevelLimitExceededException"
	codeSerialization    = "SerializationException"
	codeUnknownOp        = "UnknownOperationException"
	codeMissingAuth      = "MissingAuthenticationTokenException"
	codeInvalidSignature = "InvalidSignatureException"
)

// operation handles the JSON body of one target, in the region the request was signed for.
type operation func(s *Server, region string, body *json.Decoder) (any, *apiError)

// operations maps the X-Amz-Target header to the operation.
var operations = map[string]operation{
	"AmazonSSM.GetParameter":    (*Server).getParameter,
	"AmazonSSM.PutParameter":    (*Server).putParameter,
	"AmazonSSM.DeleteParameter": (*Server).deleteParameter,
}

// serve answers one request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	region, aerr := signedRegion(r.Header.Get("Authorization"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	target := r.Header.Get("X-Amz-Target")
	op, ok := operations[target]
	if r.Method != http.MethodPost || r.URL.Path != "/" || !ok {
		writeError(w, &apiError{codeUnknownOp, "ssmfake does not implement " + r.Method + " " + r.URL.Path + " " + target})
		return
	}
	out, aerr := op(s, region, json.NewDecoder(r.Body))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// signedRegion checks that the Authorization header is a SigV4 one scoped to the ssm service and
// returns the region of its scope. The signature is not verified.
func signedRegion(auth string) (string, *apiError) {
	const scheme = "AWS4-HMAC-SHA256 "
	if !strings.HasPrefix(auth, scheme) {
		return "", &apiError{codeMissingAuth, "Missing Authentication Token"}
	}
	_, cred, _ := strings.Cut(auth, "Credential=")
	cred, _, _ = strings.Cut(cred, ",")
	// access key / date / region / service / aws4_request
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[2] == "" || scope[3] != "ssm" || scope[4] != "aws4_request" {
		return "", &apiError{codeInvalidSignature, "Credential should be scoped to correct service: 'ssm'."}
	}
	return scope[2], nil
}

// decode reads the request body into in.
func decode(body *json.Decoder, in any) *apiError {
	if err := body.Decode(in); err != nil {
		return &apiError{codeSerialization, "cannot read the request body: " + err.Error()}
	}
	return nil
}

func writeError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("X-Amzn-ErrorType", e.code)
	writeJSON(w, http.StatusBadRequest, map[string]string{"__type": e.code, "message": e.message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-RequestId", rand.Text())
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client has gone if this fails
}
