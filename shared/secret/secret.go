// Package secret is the port of the secret store: the RetailCRM API key and the bridge's tokens.
// Production keeps them in SSM Parameter Store as SecureString (ssmsecret); a local run keeps them
// in the embedded store (storesecret). Values never leave through logs or APIs: show them with
// Mask.
package secret

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"unicode/utf8"
)

// Names of the secrets of a connection.
const (
	// RetailCRMAPIKey is the RetailCRM API key (КлючCRM).
	RetailCRMAPIKey = "retailcrm-api-key"
	// AdminToken authenticates the admin API. The deployer creates it; make run generates one.
	AdminToken = "admin-token"
	// OnecToken authenticates the 1C client on the onec-gateway.
	OnecToken = "onec-token"
	// CRMTriggerSecret authenticates RetailCRM triggers on the crm-webhook.
	CRMTriggerSecret = "crm-trigger-secret"
)

// Names lists every secret name, for adapters that check them.
var Names = []string{RetailCRMAPIKey, AdminToken, OnecToken, CRMTriggerSecret}

// ErrNotFound means the secret was never set.
var ErrNotFound = errors.New("secret: not set")

// Store keeps secrets by name.
type Store interface {
	// Get returns the value of a secret, or ErrNotFound.
	Get(ctx context.Context, name string) (string, error)
	// Put sets (or replaces) the value of a secret.
	Put(ctx context.Context, name, value string) error
}

// Mask shows a secret as its first 6 characters and "…"; an empty secret stays empty. Secrets of
// 6 characters or fewer show only "…".
func Mask(s string) string {
	if s == "" {
		return ""
	}
	if utf8.RuneCountInString(s) <= 6 {
		return "…"
	}
	return string([]rune(s)[:6]) + "…"
}

// NewToken returns a fresh random token: 32 random bytes, URL-safe base64 (43 characters).
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it panics on a broken system source).
	return base64.RawURLEncoding.EncodeToString(b)
}

// Equal compares a presented token with the expected one in constant time; an empty expected
// token never matches.
func Equal(presented, expected string) bool {
	return expected != "" && subtle.ConstantTimeCompare([]byte(presented), []byte(expected)) == 1
}
