package boltstore

import (
	"encoding/binary"
	"fmt"
	"time"

	"unfbridge/shared/store"
)

// Stored value layout: format (1 byte) | version (8, big endian) | has expiry (1) |
// expiry in Unix seconds (8, big endian) | data.
const (
	formatV1   = 1
	headerSize = 18
)

// keySep separates PK and SK in a database key; keys never contain NUL, so partitions never mix.
const keySep = "\x00"

func dbKey(k store.Key) []byte { return []byte(k.PK + keySep + k.SK) }

func encodeValue(it store.Item) []byte {
	b := make([]byte, headerSize, headerSize+len(it.Data))
	b[0] = formatV1
	binary.BigEndian.PutUint64(b[1:9], uint64(it.Version))
	if exp := store.RoundExpiry(it.ExpiresAt); !exp.IsZero() {
		b[9] = 1
		binary.BigEndian.PutUint64(b[10:18], uint64(exp.Unix()))
	}
	return append(b, it.Data...)
}

// decodeValue copies what it needs: bbolt's slices are only valid inside their transaction.
func decodeValue(k store.Key, v []byte) (store.Item, error) {
	if len(v) < headerSize || v[0] != formatV1 {
		return store.Item{}, fmt.Errorf("boltstore: %s: unknown value format", k)
	}
	it := store.Item{PK: k.PK, SK: k.SK, Version: int64(binary.BigEndian.Uint64(v[1:9]))}
	if v[9] == 1 {
		it.ExpiresAt = time.Unix(int64(binary.BigEndian.Uint64(v[10:18])), 0).UTC()
	}
	if len(v) > headerSize {
		it.Data = append([]byte(nil), v[headerSize:]...)
	}
	return it, nil
}
