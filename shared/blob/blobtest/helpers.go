package blobtest

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"testing"

	"unfbridge/shared/blob"
)

// put stores body at key or fails the test.
func put(t *testing.T, s blob.Store, key string, body []byte, contentType string) {
	t.Helper()
	if err := s.Put(t.Context(), key, bytes.NewReader(body), blob.PutOptions{ContentType: contentType}); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

// get reads the whole object at key or fails the test.
func get(t *testing.T, s blob.Store, key string) ([]byte, blob.Info) {
	t.Helper()
	rc, info, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	body, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): read: %v", key, err)
	}
	return body, info
}

// wantBody checks that key holds body with contentType.
func wantBody(t *testing.T, s blob.Store, key string, body []byte, contentType string) {
	t.Helper()
	got, info := get(t, s, key)
	if !bytes.Equal(got, body) {
		t.Fatalf("Get(%q) = %d bytes %.40q, want %d bytes %.40q", key, len(got), got, len(body), body)
	}
	if info.Key != key || info.Size != int64(len(body)) || info.ContentType != contentType {
		t.Fatalf("Get(%q) info = %+v, want key %q, size %d, content type %q", key, info, key, len(body), contentType)
	}
}

// wantMissing checks that key holds no object.
func wantMissing(t *testing.T, s blob.Store, key string) {
	t.Helper()
	if _, err := s.Stat(t.Context(), key); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat(%q) error = %v, want blob.ErrNotFound", key, err)
	}
}

// wantKeys checks that List(prefix) returns exactly keys, in that order.
func wantKeys(t *testing.T, s blob.Store, prefix string, keys ...string) []blob.Info {
	t.Helper()
	infos, err := s.List(t.Context(), prefix)
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	got := make([]string, len(infos))
	for i, info := range infos {
		got[i] = info.Key
	}
	if !slices.Equal(got, keys) {
		t.Fatalf("List(%q) = %q, want %q", prefix, got, keys)
	}
	return infos
}

// randomBody returns n pseudo-random bytes from seed.
func randomBody(seed uint64, n int) []byte {
	body := make([]byte, n)
	rand.NewChaCha8(seedBytes(seed)).Read(body)
	return body
}

// randomReader streams n pseudo-random bytes from seed without holding them, and returns the
// SHA-256 they hash to.
func randomReader(seed uint64, n int64) (io.Reader, [32]byte) {
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(rand.NewChaCha8(seedBytes(seed)), n)); err != nil {
		panic(err) // a ChaCha8 never fails
	}
	return io.LimitReader(rand.NewChaCha8(seedBytes(seed)), n), [32]byte(h.Sum(nil))
}

func seedBytes(seed uint64) [32]byte {
	var b [32]byte
	for i := range 8 {
		b[i] = byte(seed >> (8 * i))
	}
	return b
}

// failingReader yields n bytes from r, then fails with errBroken.
type failingReader struct {
	r io.Reader
	n int64
}

var errBroken = errors.New("blobtest: reader broke on purpose")

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errBroken
	}
	p = p[:min(int64(len(p)), f.n)]
	n, err := f.r.Read(p)
	f.n -= int64(n)
	return n, err
}

// multiPart is larger than one part of the S3 adapter (8 MiB by default), so that bodies of this
// size exercise multipart uploads.
const multiPart = 9 << 20
