// Package blob is the object storage port of the bridge: staging of 1C snapshot pages and the public
// catalog file.
//
// Two adapters implement it: s3blob (Amazon S3 or any S3-compatible service) and dirblob (a local
// folder, for local runs). One contract suite (blobtest) runs against both.
package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotFound is returned for a missing object. Test with errors.Is.
var ErrNotFound = errors.New("blob: object not found")

// Info describes a stored object.
type Info struct {
	Key         string
	Size        int64
	ContentType string
	Modified    time.Time
}

// PutOptions are optional attributes of a written object.
type PutOptions struct {
	ContentType string
}

// Store is the object storage port. Keys are slash-separated paths without a leading slash.
type Store interface {
	// Put streams r into the object at key. Memory stays flat whatever the size of r. A reader of the
	// key sees the previous object or the complete new one, never a part; on error nothing is left
	// under the key that was not there before.
	Put(ctx context.Context, key string, r io.Reader, opts PutOptions) error
	// Get opens the object at key for reading, or returns ErrNotFound.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Stat describes the object at key, or returns ErrNotFound.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes the object at key; a missing object is not an error.
	Delete(ctx context.Context, key string) error
	// List returns the objects whose keys start with prefix, in key order.
	List(ctx context.Context, prefix string) ([]Info, error)
	// Move replaces the object at dst with the object at src, atomically for readers of dst, and
	// removes src.
	Move(ctx context.Context, src, dst string) error
}
