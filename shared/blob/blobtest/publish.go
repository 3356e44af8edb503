package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"unfbridge/shared/blob"
)

func testMove(t *testing.T, s blob.Store) {
	ctx := t.Context()
	put(t, s, "src/a.xml", []byte("A"), "application/xml")
	if err := s.Move(ctx, "src/a.xml", "dst/a.xml"); err != nil {
		t.Fatalf("Move: %v", err)
	}
	wantMissing(t, s, "src/a.xml")
	wantBody(t, s, "dst/a.xml", []byte("A"), "application/xml")

	// Onto an existing object, with and without a content type on either side.
	put(t, s, "src/b", []byte("B"), "")
	if err := s.Move(ctx, "src/b", "dst/a.xml"); err != nil {
		t.Fatalf("Move onto an object: %v", err)
	}
	wantBody(t, s, "dst/a.xml", []byte("B"), blob.DefaultContentType)

	// Onto itself: nothing changes.
	if err := s.Move(ctx, "dst/a.xml", "dst/a.xml"); err != nil {
		t.Fatalf("Move onto itself: %v", err)
	}
	wantBody(t, s, "dst/a.xml", []byte("B"), blob.DefaultContentType)
	wantKeys(t, s, "", "dst/a.xml")

	// The caller's way: Put under a temporary key, check it, Move it in.
	tmp := blob.TempKey("dst/a.xml")
	put(t, s, tmp, []byte("C"), "text/plain")
	if _, err := s.Stat(ctx, tmp); err != nil {
		t.Fatalf("Stat(%q): %v", tmp, err)
	}
	if err := s.Move(ctx, tmp, "dst/a.xml"); err != nil {
		t.Fatalf("Move(%q): %v", tmp, err)
	}
	wantBody(t, s, "dst/a.xml", []byte("C"), "text/plain")
	wantKeys(t, s, "", "dst/a.xml")
}

func testPublish(t *testing.T, s blob.Store) {
	ctx := t.Context()
	const key = "public/catalog.xml"
	for i, size := range []int{100, multiPart, 0} {
		body := randomBody(uint64(i), size)
		ct := fmt.Sprintf("application/x-test-%d", i)
		if err := blob.Publish(ctx, s, key, bytes.NewReader(body), blob.PutOptions{ContentType: ct}); err != nil {
			t.Fatalf("Publish #%d: %v", i, err)
		}
		wantBody(t, s, key, body, ct)
		wantKeys(t, s, "", key)
	}

	// A failed Publish leaves the published object and no temporary one.
	r := &failingReader{r: strings.NewReader("partial"), n: 3}
	if err := blob.Publish(ctx, s, key, r, blob.PutOptions{}); !errors.Is(err, errBroken) {
		t.Fatalf("Publish of a failing reader: error = %v, want the reader's", err)
	}
	wantBody(t, s, key, []byte{}, "application/x-test-2")
	wantKeys(t, s, "", key)
}

// failingMove is a store whose Move copies the object but then fails, as an S3 Move whose
// DeleteObject fails would.
type failingMove struct{ blob.Store }

var errMove = errors.New("blobtest: move failed on purpose")

func (f failingMove) Move(context.Context, string, string) error { return errMove }

func testPublishCleansUp(t *testing.T, s blob.Store) {
	err := blob.Publish(t.Context(), failingMove{s}, "public/x", strings.NewReader("x"), blob.PutOptions{})
	if !errors.Is(err, errMove) {
		t.Fatalf("Publish with a failing Move: error = %v, want the Move's", err)
	}
	wantKeys(t, s, "")
}

// testAtomicPublish publishes bodies of several sizes and content types over and over while
// readers poll the key: each read must be one complete body with its own content type.
func testAtomicPublish(t *testing.T, s blob.Store) {
	const key = "public/atomic.xml"
	sizes := []int{1 << 10, 300 << 10, 1 << 20, 77 << 10, multiPart}
	bodies := make([][]byte, len(sizes))
	types := make(map[[32]byte]string, len(sizes))
	for i, size := range sizes {
		bodies[i] = randomBody(uint64(100+i), size)
		types[sha256.Sum256(bodies[i])] = fmt.Sprintf("application/x-body-%d", i)
	}
	publish := func(i int) {
		t.Helper()
		ct := types[sha256.Sum256(bodies[i])]
		if err := blob.Publish(t.Context(), s, key, bytes.NewReader(bodies[i]), blob.PutOptions{ContentType: ct}); err != nil {
			t.Fatalf("Publish #%d: %v", i, err)
		}
	}
	publish(0)

	ctx, stop := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	reads := make([]int, 2)
	for g := range reads {
		wg.Go(func() {
			for ctx.Err() == nil {
				if err := readOne(ctx, s, key, types); err != nil {
					t.Error(err)
					return
				}
				reads[g]++
			}
		})
	}
	for round := range 3 {
		for i := range bodies {
			publish((i + round) % len(bodies))
		}
	}
	stop()
	wg.Wait()
	for g, n := range reads {
		if n == 0 {
			t.Errorf("reader %d completed no read while bodies were published", g)
		}
	}
}

// readOne reads key once and checks that it is one of the bodies hashed in types, with its
// content type. A read cut short by the end of ctx is not checked.
func readOne(ctx context.Context, s blob.Store, key string, types map[[32]byte]string) error {
	rc, info, err := s.Get(ctx, key)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("Get while publishing: %w", err)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read while publishing: %w", err)
	}
	ct, ok := types[[32]byte(h.Sum(nil))]
	switch {
	case !ok:
		return fmt.Errorf("read %d bytes that are none of the published bodies", n)
	case ct != info.ContentType || n != info.Size:
		return fmt.Errorf("read a body of %d bytes with type %q, stated as %d bytes of %q", n, ct, info.Size, info.ContentType)
	}
	return nil
}
