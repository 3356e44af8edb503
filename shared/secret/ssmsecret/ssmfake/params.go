package ssmfake

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// parameter is one stored parameter.
type parameter struct {
	typ     string
	tier    string
	value   string
	version int64
	// ciphertext is what a SecureString shows without decryption: random bytes, unrelated to
	// the value, new on every write.
	ciphertext string
	modified   time.Time
}

// account is the account ID in the ARNs the fake returns.
const account = "123456789012"

// parameterOut is types.Parameter on the wire.
type parameterOut struct {
	ARN              string
	DataType         string
	LastModifiedDate float64 // seconds since the epoch, as awsJson1_1 sends timestamps
	Name             string
	Type             string
	Value            string
	Version          int64
}

func (s *Server) getParameter(region string, body *json.Decoder) (any, *apiError) {
	var in struct {
		Name           string
		WithDecryption bool
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if e := checkName(in.Name); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.params[in.Name]
	if !ok {
		return nil, &apiError{codeNotFound, ""}
	}
	value := p.value
	if p.typ == typeSecure && !in.WithDecryption {
		value = p.ciphertext
	}
	return map[string]parameterOut{"Parameter": {
		ARN:              "arn:aws:ssm:" + region + ":" + account + ":parameter/" + strings.TrimPrefix(in.Name, "/"),
		DataType:         "text",
		LastModifiedDate: float64(p.modified.UnixMilli()) / 1000,
		Name:             in.Name,
		Type:             p.typ,
		Value:            value,
		Version:          p.version,
	}}, nil
}

func (s *Server) putParameter(_ string, body *json.Decoder) (any, *apiError) {
	var in struct {
		Name, Value, Type, Tier string
		Overwrite               bool
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if e := checkNewName(in.Name); e != nil {
		return nil, e
	}
	if e := checkPut(in.Type, in.Tier, in.Value); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, exists := s.params[in.Name]
	switch {
	case exists && !in.Overwrite:
		return nil, &apiError{codeAlreadyExists, "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."}
	case !exists && in.Type == "":
		return nil, &apiError{codeValidation, "A parameter type is required when you create a parameter."}
	case !exists:
		p = &parameter{}
	}
	tier, e := resolveTier(in.Tier, p.tier, len(in.Value))
	if e != nil {
		return nil, e
	}
	if in.Type != "" {
		p.typ = in.Type
	}
	p.tier, p.value, p.modified = tier, in.Value, time.Now()
	p.version++
	p.ciphertext = opaque(len(in.Value))
	s.params[in.Name] = p
	return map[string]any{"Version": p.version, "Tier": p.tier}, nil
}

func (s *Server) deleteParameter(_ string, body *json.Decoder) (any, *apiError) {
	var in struct{ Name string }
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if e := checkName(in.Name); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.params[in.Name]; !ok {
		return nil, &apiError{codeNotFound, ""}
	}
	delete(s.params, in.Name)
	return struct{}{}, nil
}

// opaque returns a stand-in for the ciphertext of a value of n bytes: random bytes, base64.
func opaque(n int) string {
	b := make([]byte, n+64)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.StdEncoding.EncodeToString(b)
}
