package boltstore

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"unfbridge/shared/store"
)

// Query returns one page of a partition in sort-key order, expired items left out. Next is set
// only when another matching live item follows the page.
func (s *Store) Query(ctx context.Context, q store.Query) (store.Page, error) {
	p, err := store.ParseQuery(q)
	if err != nil {
		return store.Page{}, err
	}
	now := time.Now()
	var page store.Page
	err = s.db.View(func(tx *bbolt.Tx) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		part := []byte(p.PK + keySep)
		c := tx.Bucket(bucket).Cursor()
		for k, v := first(c, p); k != nil && bytes.HasPrefix(k, part); k, v = next(c, p) {
			key := store.Key{PK: p.PK, SK: string(k[len(part):])}
			if !p.InRange(key.SK) {
				return nil
			}
			it, err := decodeValue(key, v)
			if err != nil {
				return err
			}
			if it.Expired(now) {
				continue
			}
			if len(page.Items) == p.Limit {
				page.Next = store.EncodeCursor(page.Items[p.Limit-1].SK)
				return nil
			}
			page.Items = append(page.Items, it)
		}
		return nil
	})
	if err != nil {
		return store.Page{}, fmt.Errorf("boltstore: query pk=%q: %w", p.PK, err)
	}
	return page, nil
}

// first positions the cursor on the first key to visit. Ascending, that is the first key at or
// above the lower bound; descending, the last key below the exclusive upper bound. Sort keys are
// valid UTF-8 without NUL, so SK+"\x00" is the first key after SK and prefix+"\xff" comes after
// every key with that prefix. Walking on from there, the first key out of range ends the page.
func first(c *bbolt.Cursor, p store.ParsedQuery) (k, v []byte) {
	if !p.Desc {
		var lower string
		switch {
		case p.AfterSK != "":
			lower = p.AfterSK + "\x00"
		case p.Prefix != "":
			lower = p.Prefix
		default:
			lower = p.From
		}
		return c.Seek(dbKey(store.Key{PK: p.PK, SK: lower}))
	}
	var upper string
	switch {
	case p.AfterSK != "":
		upper = p.AfterSK
	case p.To != "":
		upper = p.To + "\x00"
	default:
		upper = p.Prefix + "\xff"
	}
	if k, _ := c.Seek(dbKey(store.Key{PK: p.PK, SK: upper})); k == nil {
		return c.Last()
	}
	return c.Prev()
}

func next(c *bbolt.Cursor, p store.ParsedQuery) (k, v []byte) {
	if p.Desc {
		return c.Prev()
	}
	return c.Next()
}
