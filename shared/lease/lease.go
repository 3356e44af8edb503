// Package lease gives one run of a flow at a time across every process and Lambda instance: a
// lease is a store item that exists until it is released or expires.
package lease

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"unfbridge/shared/store"
)

// ErrHeld means another run holds the lease.
var ErrHeld = errors.New("lease: held by another run")

// Repo hands out leases kept on the storage port.
type Repo struct {
	st  store.Store
	now func() time.Time
}

// New returns the lease repository on st.
func New(st store.Store) *Repo { return &Repo{st: st, now: time.Now} }

// Lease is a held lease.
type Lease struct {
	r       *Repo
	key     store.Key
	holder  string
	version int64
}

type holding struct {
	Holder string    `json:"holder"`
	Since  time.Time `json:"since"`
}

// Acquire takes the lease name for ttl, or returns ErrHeld. A crashed holder's lease lapses after
// its ttl: choose one longer than the longest run.
func (r *Repo) Acquire(ctx context.Context, name string, ttl time.Duration) (*Lease, error) {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails.
	l := &Lease{r: r, key: store.Key{PK: "lease", SK: name}, holder: hex.EncodeToString(b), version: 1}
	data, err := json.Marshal(holding{Holder: l.holder, Since: r.now().UTC()})
	if err != nil {
		return nil, err
	}
	err = r.st.Put(ctx, store.Item{PK: l.key.PK, SK: l.key.SK, Version: l.version, Data: data,
		ExpiresAt: r.now().Add(ttl)}, store.IfNotExists())
	switch {
	case errors.Is(err, store.ErrConditionFailed):
		return nil, ErrHeld
	case err != nil:
		return nil, fmt.Errorf("lease: acquire %s: %w", name, err)
	}
	return l, nil
}

// Release gives the lease back; releasing a lease that already lapsed is not an error.
func (l *Lease) Release(ctx context.Context) error {
	err := l.r.st.Delete(ctx, l.key, store.IfVersion(l.version))
	if err != nil && !errors.Is(err, store.ErrConditionFailed) {
		return fmt.Errorf("lease: release %s: %w", l.key.SK, err)
	}
	return nil
}
