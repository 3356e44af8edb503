package blob

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"
)

// TempPrefix starts every key returned by TempKey. It lies outside any public prefix.
const TempPrefix = "_tmp/"

// cleanupTimeout bounds the deletion of a temporary object after a failure, which runs even when
// the caller's context is already cancelled.
const cleanupTimeout = 30 * time.Second

// TempKey returns a fresh temporary key under TempPrefix for an object meant to be moved to key
// later: a caller may Put there, check the object, then Move it to key.
func TempKey(key string) string {
	return TempPrefix + rand.Text() + "/" + key
}

// Publish writes r to key so that readers of key see either the previous object or the complete
// new one: it puts r under TempKey(key), then moves it to key. On failure the temporary object is
// deleted.
func Publish(ctx context.Context, s Store, key string, r io.Reader, opts PutOptions) error {
	if err := ValidateKey(key); err != nil {
		return fmt.Errorf("blob: publish: %w", err)
	}
	tmp := TempKey(key)
	if err := s.Put(ctx, tmp, r, opts); err != nil {
		return discard(ctx, s, tmp, fmt.Errorf("blob: publish %q: put temporary object: %w", key, err))
	}
	if err := s.Move(ctx, tmp, key); err != nil {
		return discard(ctx, s, tmp, fmt.Errorf("blob: publish %q: %w", key, err))
	}
	return nil
}

// discard deletes the temporary object tmp after err and returns err, joined with any deletion error.
func discard(ctx context.Context, s Store, tmp string, err error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if derr := s.Delete(ctx, tmp); derr != nil {
		return errors.Join(err, fmt.Errorf("blob: delete temporary object %q: %w", tmp, derr))
	}
	return err
}
