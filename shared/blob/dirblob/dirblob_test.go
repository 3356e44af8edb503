package dirblob_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"unfbridge/shared/blob"
	"unfbridge/shared/blob/blobtest"
	"unfbridge/shared/blob/dirblob"
)

func newStore(tb testing.TB, dir string) *dirblob.Store {
	tb.Helper()
	s, err := dirblob.New(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
	return s
}

func TestContract(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store { return newStore(t, t.TempDir()) })
}

// TestLayout checks what a local run relies on: objects are plain files at their key, ready to
// be served over HTTP, and the adapter leaves no temporary file or empty folder behind.
func TestLayout(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s := newStore(t, dir)
	if err := s.Put(ctx, "feed/catalog.xml", strings.NewReader("<yml/>"), blob.PutOptions{ContentType: "application/xml"}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "feed", "catalog.xml")); err != nil || string(got) != "<yml/>" {
		t.Fatalf("file at the key = %q, %v; want the body", got, err)
	}

	broken := iotest.TimeoutReader(strings.NewReader("some bytes"))
	if err := s.Put(ctx, "feed/broken", broken, blob.PutOptions{ContentType: "text/plain"}); err == nil {
		t.Fatal("Put of a failing reader succeeded")
	}
	wantEmptyDir(t, filepath.Join(dir, ".blob", "tmp"))

	if err := s.Delete(ctx, "feed/catalog.xml"); err != nil {
		t.Fatal(err)
	}
	wantEmptyDir(t, filepath.Join(dir, ".blob", "meta"))
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 || entries[0].Name() != ".blob" {
		t.Fatalf("root holds %v, %v; want only .blob", entries, err)
	}

	for _, key := range []string{".blob", ".blob/tmp/x", ".blob/meta"} {
		if err := s.Put(ctx, key, strings.NewReader("x"), blob.PutOptions{}); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Put(%q) error = %v, want blob.ErrInvalidKey", key, err)
		}
	}
}

// TestStaysInRoot checks that a symbolic link inside the folder cannot lead a key outside it.
func TestStaysInRoot(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	s := newStore(t, dir)
	if err := s.Put(t.Context(), "link/escaped", strings.NewReader("x"), blob.PutOptions{}); err == nil {
		t.Fatal("Put through a link out of the folder succeeded")
	}
	wantEmptyDir(t, outside)
}

func wantEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 0 {
		t.Fatalf("%s holds %v, %v; want nothing", dir, entries, err)
	}
}

// BenchmarkPutStream streams 1 GiB (-blob.size) to a folder and reports peak-heap-MiB.
func BenchmarkPutStream(b *testing.B) {
	blobtest.BenchmarkPut(b, newStore(b, b.TempDir()))
}
