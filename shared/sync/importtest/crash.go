package importtest

import (
	"context"
	"errors"
	"sync/atomic"

	"unfbridge/shared/store"
	"unfbridge/shared/sync"
)

// ErrKilled is what every operation of a CrashStore returns once its process is "killed".
var ErrKilled = errors.New("importtest: the process was killed")

// CrashStore is a store that works like its base for its first N operations and fails every
// later one with ErrKilled: what a process killed between two steps leaves behind is exactly
// what its first N operations wrote (a Write is all or nothing, as on DynamoDB).
type CrashStore struct {
	base store.Store
	left atomic.Int64
}

var _ store.Store = (*CrashStore)(nil)

// NewCrashStore returns a store on base that dies after n operations.
func NewCrashStore(base store.Store, n int) *CrashStore {
	s := &CrashStore{base: base}
	s.left.Store(int64(n))
	return s
}

// Killed tells whether the process died (an operation was refused).
func (s *CrashStore) Killed() bool { return s.left.Load() < 0 }

// alive spends one operation; false once the operations are spent.
func (s *CrashStore) alive() bool { return s.left.Add(-1) >= 0 }

func (s *CrashStore) Get(ctx context.Context, k store.Key) (store.Item, error) {
	if !s.alive() {
		return store.Item{}, ErrKilled
	}
	return s.base.Get(ctx, k)
}

func (s *CrashStore) Put(ctx context.Context, it store.Item, c store.Condition) error {
	if !s.alive() {
		return ErrKilled
	}
	return s.base.Put(ctx, it, c)
}

func (s *CrashStore) Delete(ctx context.Context, k store.Key, c store.Condition) error {
	if !s.alive() {
		return ErrKilled
	}
	return s.base.Delete(ctx, k, c)
}

func (s *CrashStore) Query(ctx context.Context, q store.Query) (store.Page, error) {
	if !s.alive() {
		return store.Page{}, ErrKilled
	}
	return s.base.Query(ctx, q)
}

func (s *CrashStore) Write(ctx context.Context, ops []store.Op) error {
	if !s.alive() {
		return ErrKilled
	}
	return s.base.Write(ctx, ops)
}

func (s *CrashStore) Ping(ctx context.Context) error {
	if !s.alive() {
		return ErrKilled
	}
	return s.base.Ping(ctx)
}

// LapseLease ends the history-sync lease as its expiry would: a killed run never releases it,
// and the next run may start once the lease's TTL (at least a minute) is over. The key is the
// lease package's layout.
func (b *Bridge) LapseLease(ctx context.Context) error {
	return b.Store.Delete(ctx, store.Key{PK: "lease", SK: sync.FlowHistorySync}, store.Condition{})
}
