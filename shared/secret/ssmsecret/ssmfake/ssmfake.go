// Package ssmfake is an in-process stand-in for AWS SSM Parameter Store, for tests, in the manner
// of net/http/httptest: an HTTP server on 127.0.0.1 that speaks the awsJson1_1 protocol the AWS
// SDK uses, so that a real ssm.Client whose BaseEndpoint is URL() talks to it.
//
// It implements GetParameter, PutParameter and DeleteParameter with the service's rules on names
// (at most 2048 characters of letters, digits, "_", ".", "-" and "/"; hierarchical names start
// with "/" and have at most 15 levels; "aws" and "ssm" prefixes reserved), values (not empty; at
// most 4 KB for the Standard tier, 8 KB for Advanced, counted in UTF-8 bytes, the stricter
// reading) and types (String, StringList, SecureString). A SecureString read without decryption
// gives an opaque stand-in for its ciphertext. Version selectors, labels, ARNs as names, tags,
// policies and KMS keys are not supported. Requests must carry a SigV4 Authorization header scoped
// to the ssm service; the signature itself is not verified.
package ssmfake

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// Region is the region of the clients made by Client.
const Region = "eu-central-1"

// Server is a running fake. It is safe for concurrent use.
type Server struct {
	srv *httptest.Server

	mu     sync.Mutex
	params map[string]*parameter
}

// New starts a fake on a free port of 127.0.0.1. Close it when done. Like httptest.NewServer, it
// panics when it cannot listen.
func New() *Server {
	s := &Server{params: map[string]*parameter{}}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Listener.Close() // httptest may have fallen back to [::1]
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("ssmfake: listen on 127.0.0.1: %v", err))
	}
	s.srv.Listener = ln
	s.srv.Start()
	return s
}

// URL is the base URL of the fake, for ssm.Options.BaseEndpoint.
func (s *Server) URL() string { return s.srv.URL }

// Client returns an SSM client for the fake: static credentials "test"/"test", region Region.
func (s *Server) Client() *ssm.Client {
	return ssm.New(ssm.Options{
		Region:       Region,
		BaseEndpoint: aws.String(s.URL()),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

// Close stops the fake and waits for the requests in flight.
func (s *Server) Close() { s.srv.Close() }

// Value returns the clear value of a parameter, whatever its type, and whether it exists.
func (s *Server) Value(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.params[name]
	if !ok {
		return "", false
	}
	return p.value, true
}
