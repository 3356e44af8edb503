// Package store is the persistence port of the bridge: a small, DynamoDB-shaped key-value store.
//
// Items live in partitions (PK) and are ordered by sort key (SK) inside a partition. The port offers
// get, conditional put, conditional delete, query by partition with a sort-key prefix or range and
// paging, and an all-or-nothing write of a few items with conditions. Repositories (settings, cursor,
// inbox, links, snapshots, quarantine, run log, dedupe keys, leases) are written once on top of it.
//
// Two adapters implement it: dynamostore (DynamoDB, production) and boltstore (bbolt, local runs).
// One contract suite (storetest) runs against both.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Limits shared by every adapter; they are DynamoDB's.
const (
	MaxItemSize   = 400 * 1024 // bytes, attribute names and values counted as DynamoDB counts them
	MaxPKLen      = 2048       // bytes
	MaxSKLen      = 1024       // bytes
	MaxWriteItems = 100        // operations in one all-or-nothing Write
	MaxQueryLimit = 1000       // items in one page
)

// Errors returned by every adapter. Test with errors.Is.
var (
	ErrNotFound        = errors.New("store: item not found")
	ErrConditionFailed = errors.New("store: condition failed")
	ErrItemTooLarge    = errors.New("store: item too large")
	ErrInvalid         = errors.New("store: invalid request")
)

// Item is one stored record.
type Item struct {
	PK string
	SK string
	// Version is an opaque counter for optimistic concurrency, kept as given. Callers write
	// Version n+1 with IfVersion(n).
	Version int64
	// Data is the payload, usually JSON owned by a repository.
	Data []byte
	// ExpiresAt, when not zero, makes the item invisible from that moment on (DynamoDB TTL,
	// whose deletion is lazy: every adapter hides expired items itself).
	ExpiresAt time.Time
}

// Key addresses one item.
type Key struct {
	PK string
	SK string
}

// Key returns the item's key.
func (it Item) Key() Key { return Key{PK: it.PK, SK: it.SK} }

// ConditionKind says what must hold for a write to happen.
type ConditionKind int

// Condition kinds.
const (
	Always    ConditionKind = iota // no condition
	NotExists                      // no live (unexpired) item at the key
	Exists                         // a live item at the key
	VersionIs                      // a live item at the key with Version == Condition.Version
)

// Condition guards a write. The zero value means no condition.
type Condition struct {
	Kind    ConditionKind
	Version int64
}

// IfNotExists holds when no live item is stored at the key.
func IfNotExists() Condition { return Condition{Kind: NotExists} }

// IfExists holds when a live item is stored at the key.
func IfExists() Condition { return Condition{Kind: Exists} }

// IfVersion holds when the live item at the key has version v.
func IfVersion(v int64) Condition { return Condition{Kind: VersionIs, Version: v} }

// Holds tells whether the condition holds for the current item (nil when there is no live item).
// Adapters that evaluate conditions themselves use it so that every adapter agrees.
func (c Condition) Holds(current *Item) bool {
	switch c.Kind {
	case NotExists:
		return current == nil
	case Exists:
		return current != nil
	case VersionIs:
		return current != nil && current.Version == c.Version
	default:
		return true
	}
}

// Query selects items of one partition by sort key.
type Query struct {
	PK string
	// Prefix keeps sort keys that start with it. Not combined with From/To.
	Prefix string
	// From and To bound the sort key, both inclusive; empty means unbounded.
	From, To string
	// Limit is the page size: 1..MaxQueryLimit; 0 means 100.
	Limit int
	// After is the Next of the previous page; empty starts at the beginning.
	After string
	// Desc returns items in descending sort-key order.
	Desc bool
}

// Page is one page of a query.
type Page struct {
	Items []Item
	// Next is empty when no item follows; otherwise pass it as Query.After.
	Next string
}

// OpKind is the kind of one operation of an all-or-nothing Write.
type OpKind int

// Operation kinds.
const (
	OpPut    OpKind = iota // store Item
	OpDelete               // delete the item at Item.Key()
	OpCheck                // only check Cond at Item.Key()
)

// Op is one operation of an all-or-nothing Write.
type Op struct {
	Kind OpKind
	Item Item // for OpDelete and OpCheck only PK and SK are used
	Cond Condition
}

// Put is an OpPut operation.
func Put(it Item, c Condition) Op { return Op{Kind: OpPut, Item: it, Cond: c} }

// Delete is an OpDelete operation.
func Delete(k Key, c Condition) Op {
	return Op{Kind: OpDelete, Item: Item{PK: k.PK, SK: k.SK}, Cond: c}
}

// Check is an OpCheck operation.
func Check(k Key, c Condition) Op { return Op{Kind: OpCheck, Item: Item{PK: k.PK, SK: k.SK}, Cond: c} }

// WriteConflict is returned by Write when a condition failed; nothing was written.
// errors.Is(err, ErrConditionFailed) holds for it.
type WriteConflict struct {
	// Index of an operation whose condition failed.
	Index int
}

func (e *WriteConflict) Error() string {
	return fmt.Sprintf("store: condition of operation %d failed, nothing written", e.Index)
}

// Unwrap makes errors.Is(err, ErrConditionFailed) true.
func (e *WriteConflict) Unwrap() error { return ErrConditionFailed }

// Store is the persistence port.
type Store interface {
	// Get returns the live item at the key, or ErrNotFound.
	Get(ctx context.Context, k Key) (Item, error)
	// Put stores the item when the condition holds, else ErrConditionFailed.
	Put(ctx context.Context, it Item, c Condition) error
	// Delete removes the item when the condition holds, else ErrConditionFailed.
	// Deleting a missing item with no condition is not an error.
	Delete(ctx context.Context, k Key, c Condition) error
	// Query returns one page of a partition in sort-key order, expired items left out.
	Query(ctx context.Context, q Query) (Page, error)
	// Write applies all operations or none (at most MaxWriteItems, each key at most once).
	// A failed condition gives a *WriteConflict.
	Write(ctx context.Context, ops []Op) error
	// Ping tells whether the store can be reached.
	Ping(ctx context.Context) error
}
