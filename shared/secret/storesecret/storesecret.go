// Package storesecret implements secret.Store on the storage port, for local runs: each secret is
// the item PK "secret", SK its name, Data its value.
//
// Values are stored unencrypted: with boltstore they sit in clear in the local data file, readable
// by whoever can read that file. Use it for local runs only; deployments use ssmsecret.
package storesecret

import (
	"context"
	"errors"
	"fmt"

	"unfbridge/shared/secret"
	"unfbridge/shared/store"
)

// partition is the PK of every secret.
const partition = "secret"

// Store is a secret.Store on a store.Store. It is safe for concurrent use.
type Store struct {
	st store.Store
}

var _ secret.Store = (*Store)(nil)

// New returns a secret store on st.
func New(st store.Store) *Store {
	return &Store{st: st}
}

// Get returns the value of a secret, or an error wrapping secret.ErrNotFound.
func (s *Store) Get(ctx context.Context, name string) (string, error) {
	it, err := s.st.Get(ctx, store.Key{PK: partition, SK: name})
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("storesecret: get %q: %w", name, secret.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("storesecret: get %q: %w", name, err)
	}
	return string(it.Data), nil
}

// Put sets the value of a secret, replacing any previous one.
func (s *Store) Put(ctx context.Context, name, value string) error {
	it := store.Item{PK: partition, SK: name, Data: []byte(value)}
	if err := s.st.Put(ctx, it, store.Condition{}); err != nil {
		return fmt.Errorf("storesecret: put %q: %w", name, err)
	}
	return nil
}
