// Package boltstore implements store.Store on an embedded bbolt database file, for local runs.
//
// Items live in one bucket under the key PK + NUL + SK, so that a partition is a contiguous,
// sort-key-ordered range. Conditions are evaluated inside the write transaction with
// store.Condition.Holds; expired items count as absent and are overwritten or deleted when written.
package boltstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.etcd.io/bbolt"

	"unfbridge/shared/store"
)

// ErrLocked is returned by Open when another process holds the database file.
var ErrLocked = errors.New("boltstore: database is locked by another process")

// lockTimeout is how long Open waits for the file lock.
const lockTimeout = time.Second

var bucket = []byte("items")

// Store is a store.Store on a bbolt file. It is safe for concurrent use.
type Store struct {
	db *bbolt.DB
}

var _ store.Store = (*Store)(nil)

// Open opens or creates the database file at path (mode 0600), creating its parent folders.
// It fails with an error wrapping ErrLocked when another process has the file open.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s", ErrLocked, path)
	}
	if err != nil {
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucket)
		return err
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("boltstore: open %s: %w", path, err), db.Close())
	}
	return &Store{db: db}, nil
}

// Close closes the database file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("boltstore: close: %w", err)
	}
	return nil
}

// Ping fails when the database is closed.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.View(func(*bbolt.Tx) error { return ctx.Err() }); err != nil {
		return fmt.Errorf("boltstore: ping: %w", err)
	}
	return nil
}

// Get returns the live item at the key, or an error wrapping store.ErrNotFound.
func (s *Store) Get(ctx context.Context, k store.Key) (store.Item, error) {
	if err := store.ValidateKey(k); err != nil {
		return store.Item{}, err
	}
	var it *store.Item
	err := s.db.View(func(tx *bbolt.Tx) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		it, err = live(tx.Bucket(bucket), k, time.Now())
		return err
	})
	switch {
	case err != nil:
		return store.Item{}, fmt.Errorf("boltstore: get %s: %w", k, err)
	case it == nil:
		return store.Item{}, fmt.Errorf("boltstore: get %s: %w", k, store.ErrNotFound)
	}
	return *it, nil
}

// Put stores the item when the condition holds, else returns an error wrapping
// store.ErrConditionFailed.
func (s *Store) Put(ctx context.Context, it store.Item, c store.Condition) error {
	return s.single(ctx, "put", store.Put(it, c))
}

// Delete removes the item when the condition holds, else returns an error wrapping
// store.ErrConditionFailed.
func (s *Store) Delete(ctx context.Context, k store.Key, c store.Condition) error {
	return s.single(ctx, "delete", store.Delete(k, c))
}

func (s *Store) single(ctx context.Context, name string, op store.Op) error {
	if err := store.ValidateOp(op); err != nil {
		return err
	}
	conflict, err := s.apply(ctx, []store.Op{op})
	switch {
	case err != nil:
		return fmt.Errorf("boltstore: %s %s: %w", name, op.Item.Key(), err)
	case conflict != nil:
		return fmt.Errorf("boltstore: %s %s: %w", name, op.Item.Key(), store.ErrConditionFailed)
	}
	return nil
}

// Write applies all operations in one transaction, or none; a failed condition gives a
// *store.WriteConflict.
func (s *Store) Write(ctx context.Context, ops []store.Op) error {
	if err := store.ValidateWrite(ops); err != nil {
		return err
	}
	conflict, err := s.apply(ctx, ops)
	switch {
	case err != nil:
		return fmt.Errorf("boltstore: write: %w", err)
	case conflict != nil:
		return conflict
	}
	return nil
}

// apply runs validated operations in one transaction. The first failed condition rolls it back
// and is returned as a conflict. Keys are distinct, so evaluating conditions one after the other
// sees the state before the transaction, as DynamoDB does.
func (s *Store) apply(ctx context.Context, ops []store.Op) (*store.WriteConflict, error) {
	var conflict *store.WriteConflict
	err := s.db.Update(func(tx *bbolt.Tx) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		now := time.Now()
		b := tx.Bucket(bucket)
		for i, op := range ops {
			cur, err := live(b, op.Item.Key(), now)
			if err != nil {
				return err
			}
			if !op.Cond.Holds(cur) {
				conflict = &store.WriteConflict{Index: i}
				return conflict
			}
			switch op.Kind {
			case store.OpPut:
				err = b.Put(dbKey(op.Item.Key()), encodeValue(op.Item))
			case store.OpDelete:
				err = b.Delete(dbKey(op.Item.Key()))
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if conflict != nil {
		return conflict, nil
	}
	return nil, err
}

// live returns the unexpired item at the key, or nil.
func live(b *bbolt.Bucket, k store.Key, now time.Time) (*store.Item, error) {
	v := b.Get(dbKey(k))
	if v == nil {
		return nil, nil
	}
	it, err := decodeValue(k, v)
	if err != nil || it.Expired(now) {
		return nil, err
	}
	return &it, nil
}
