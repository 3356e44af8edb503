package blobtest

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"strings"
	"testing"

	"unfbridge/shared/blob"
)

func testLargeBody(t *testing.T, s blob.Store) {
	const size = 20 << 20
	r, sum := randomReader(1, size)
	if err := s.Put(t.Context(), "large.bin", r, blob.PutOptions{ContentType: "application/x-test"}); err != nil {
		t.Fatalf("Put: %v", err)
	}
	rc, info, err := s.Get(t.Context(), "large.bin")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if n != size || [32]byte(h.Sum(nil)) != sum {
		t.Fatalf("read back %d bytes with another hash, want %d bytes", n, size)
	}
	if info.Size != size || info.ContentType != "application/x-test" {
		t.Fatalf("Get info = %+v, want size %d, content type application/x-test", info, size)
	}
}

func testFailingReader(t *testing.T, s blob.Store) {
	old := []byte("the previous object")
	put(t, s, "kept", old, "text/plain")
	for _, n := range []int64{0, 1000, multiPart + 1000} {
		for _, key := range []string{"kept", "fresh"} {
			r := &failingReader{r: strings.NewReader(strings.Repeat("x", int(n))), n: n}
			if err := s.Put(t.Context(), key, r, blob.PutOptions{}); !errors.Is(err, errBroken) {
				t.Fatalf("Put(%q) of a reader failing after %d bytes: error = %v, want the reader's", key, n, err)
			}
		}
		wantBody(t, s, "kept", old, "text/plain")
		wantMissing(t, s, "fresh")
		wantKeys(t, s, "", "kept")
	}
}

func testCancelledContext(t *testing.T, s blob.Store) {
	put(t, s, "there", []byte("x"), "text/plain")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, _, getErr := s.Get(ctx, "there")
	_, statErr := s.Stat(ctx, "there")
	_, listErr := s.List(ctx, "")
	errs := map[string]error{
		"Put":     s.Put(ctx, "new", strings.NewReader("x"), blob.PutOptions{}),
		"Get":     getErr,
		"Stat":    statErr,
		"List":    listErr,
		"Delete":  s.Delete(ctx, "there"),
		"Move":    s.Move(ctx, "there", "moved"),
		"Publish": blob.Publish(ctx, s, "published", strings.NewReader("x"), blob.PutOptions{}),
	}
	for op, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: error = %v, want context.Canceled", op, err)
		}
	}
	wantKeys(t, s, "", "there")
	wantBody(t, s, "there", []byte("x"), "text/plain")
}

func testCancelMidway(t *testing.T, s blob.Store) {
	for _, key := range []string{"small", "large"} {
		ctx, cancel := context.WithCancel(t.Context())
		size := int64(64 << 10)
		if key == "large" {
			size = 2 * multiPart
		}
		r, _ := randomReader(2, size)
		r = &cancellingReader{r: r, after: size / 2, cancel: cancel}
		if err := s.Put(ctx, key, r, blob.PutOptions{}); !errors.Is(err, context.Canceled) {
			t.Errorf("Put(%q) cancelled midway: error = %v, want context.Canceled", key, err)
		}
		cancel()
	}
	wantKeys(t, s, "")
}

// cancellingReader calls cancel once it has yielded after bytes, and goes on reading.
type cancellingReader struct {
	r      io.Reader
	after  int64
	cancel context.CancelFunc
}

func (c *cancellingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.after -= int64(n); c.after <= 0 {
		c.cancel()
	}
	return n, err
}
