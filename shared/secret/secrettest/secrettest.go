// Package secrettest is the contract suite of secret.Store: every adapter runs it, so that all
// adapters behave alike.
package secrettest

import (
	"errors"
	"testing"

	"unfbridge/shared/secret"
)

// Run runs the contract suite. newStore is called once per subtest, from parallel subtests, and
// must return a store in which no secret is set: the subtests use the real secret names.
func Run(t *testing.T, newStore func(t *testing.T) secret.Store) {
	tests := []struct {
		name string
		run  func(*testing.T, secret.Store)
	}{
		{"NotFound", testNotFound},
		{"RoundTrip", testRoundTrip},
		{"Replace", testReplace},
		{"Independent", testIndependent},
		{"Concurrent", testConcurrent},
		{"Cached", testCached},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newStore(t))
		})
	}
}

// put sets the secret or fails the test.
func put(t *testing.T, s secret.Store, name, value string) {
	t.Helper()
	if err := s.Put(t.Context(), name, value); err != nil {
		t.Fatalf("Put(%q): %v", name, err)
	}
}

// wantValue checks that the secret holds value.
func wantValue(t *testing.T, s secret.Store, name, value string) {
	t.Helper()
	got, err := s.Get(t.Context(), name)
	if err != nil {
		t.Fatalf("Get(%q): %v", name, err)
	}
	if got != value {
		t.Fatalf("Get(%q) = %d bytes %.40q, want %d bytes %.40q", name, len(got), got, len(value), value)
	}
}

// wantNotFound checks that the secret is not set.
func wantNotFound(t *testing.T, s secret.Store, name string) {
	t.Helper()
	if got, err := s.Get(t.Context(), name); !errors.Is(err, secret.ErrNotFound) {
		t.Fatalf("Get(%q) = %.40q, %v; want secret.ErrNotFound", name, got, err)
	}
}
