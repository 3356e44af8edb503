package blobtest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"unfbridge/shared/blob"
)

func testPutGetStat(t *testing.T, s blob.Store) {
	const key, contentType = "a/b/c.txt", "text/plain; charset=utf-8"
	body := []byte("привет, ICML")
	before := time.Now().Add(-time.Minute)
	put(t, s, key, body, contentType)
	wantBody(t, s, key, body, contentType)

	info, err := s.Stat(t.Context(), key)
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	if info.Key != key || info.Size != int64(len(body)) || info.ContentType != contentType {
		t.Fatalf("Stat = %+v, want key %q, size %d, content type %q", info, key, len(body), contentType)
	}
	if info.Modified.Before(before) || info.Modified.After(time.Now().Add(time.Minute)) {
		t.Fatalf("Stat modified %v, want about now", info.Modified)
	}

	// Overwriting replaces body and content type.
	put(t, s, key, []byte("second"), "text/csv")
	wantBody(t, s, key, []byte("second"), "text/csv")
}

func testContentType(t *testing.T, s blob.Store) {
	put(t, s, "typed.xml", []byte("<a/>"), "application/xml")
	wantBody(t, s, "typed.xml", []byte("<a/>"), "application/xml")

	// No content type means blob.DefaultContentType, whatever the previous object had.
	put(t, s, "typed.xml", []byte("<b/>"), "")
	wantBody(t, s, "typed.xml", []byte("<b/>"), blob.DefaultContentType)

	put(t, s, "untyped", []byte("x"), "")
	wantBody(t, s, "untyped", []byte("x"), blob.DefaultContentType)
}

func testEmptyBody(t *testing.T, s blob.Store) {
	put(t, s, "empty", nil, "text/plain")
	wantBody(t, s, "empty", []byte{}, "text/plain")
}

func testNotFound(t *testing.T, s blob.Store) {
	ctx := t.Context()
	put(t, s, "dir/inner", []byte("x"), "")
	for _, key := range []string{"missing", "dir", "dir/inner/deeper"} {
		if _, _, err := s.Get(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Get(%q) error = %v, want blob.ErrNotFound", key, err)
		}
		if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat(%q) error = %v, want blob.ErrNotFound", key, err)
		}
		if err := s.Move(ctx, key, "elsewhere"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Move(%q) error = %v, want blob.ErrNotFound", key, err)
		}
		if err := s.Delete(ctx, key); err != nil {
			t.Errorf("Delete(%q) = %v, want nil for a missing object", key, err)
		}
	}
	wantMissing(t, s, "elsewhere")
	wantBody(t, s, "dir/inner", []byte("x"), blob.DefaultContentType)
}

func testDelete(t *testing.T, s blob.Store) {
	put(t, s, "d/e/f", []byte("x"), "text/plain")
	put(t, s, "d/keep", []byte("y"), "")
	if err := s.Delete(t.Context(), "d/e/f"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantMissing(t, s, "d/e/f")
	wantKeys(t, s, "", "d/keep")

	// The name of a deleted object's folder is free again, and a new object there does not
	// inherit the old content type.
	put(t, s, "d/e", []byte("z"), "")
	wantBody(t, s, "d/e", []byte("z"), blob.DefaultContentType)
	put(t, s, "d/e2/f", []byte("w"), "")
	if err := s.Delete(t.Context(), "d/e2/f"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	put(t, s, "d/e2/f", []byte("v"), "")
	wantBody(t, s, "d/e2/f", []byte("v"), blob.DefaultContentType)
}

func testList(t *testing.T, s blob.Store) {
	bodies := map[string]string{
		"list/x/2":     "22",
		"list/x/1":     "1",
		"list/x-y":     "xy",
		"list/x/sub/3": "333",
		"list/y":       "",
		"other/1":      "o",
	}
	for key, body := range bodies {
		put(t, s, key, []byte(body), "text/plain")
	}
	wantKeys(t, s, "", "list/x-y", "list/x/1", "list/x/2", "list/x/sub/3", "list/y", "other/1")
	wantKeys(t, s, "list/x", "list/x-y", "list/x/1", "list/x/2", "list/x/sub/3")
	wantKeys(t, s, "list/x/", "list/x/1", "list/x/2", "list/x/sub/3")
	wantKeys(t, s, "list/x/s", "list/x/sub/3")
	wantKeys(t, s, "list/y", "list/y")
	wantKeys(t, s, "nothing/")
	wantKeys(t, s, "list/x/1/")
	wantKeys(t, s, "../")
	wantKeys(t, s, "/list")

	for _, info := range wantKeys(t, s, "list/", "list/x-y", "list/x/1", "list/x/2", "list/x/sub/3", "list/y") {
		if info.Size != int64(len(bodies[info.Key])) || info.Modified.IsZero() {
			t.Errorf("List info %+v, want size %d and a modification time", info, len(bodies[info.Key]))
		}
	}
}

func testUnusualKeys(t *testing.T, s blob.Store) {
	keys := []string{
		"odd/a b+c%20d?e#f&g=h;i,j'k(l)m~n.txt",
		"odd/юникод/ключ — ok.xml",
		"odd/.hidden/..dots../file.",
		strings.Repeat(strings.Repeat("k", 200)+"/", 5) + strings.Repeat("k", blob.MaxKeyLength-5*201),
	}
	for i, key := range keys {
		body := []byte(key)
		put(t, s, key, body, "text/plain")
		wantBody(t, s, key, body, "text/plain")
		// Both directions, since S3 encodes the source of a copy and the destination differently.
		moved := fmt.Sprintf("moved/%d", i)
		if err := s.Move(t.Context(), key, moved); err != nil {
			t.Fatalf("Move(%q, %q): %v", key, moved, err)
		}
		wantMissing(t, s, key)
		if err := s.Move(t.Context(), moved, key); err != nil {
			t.Fatalf("Move(%q, %q): %v", moved, key, err)
		}
		wantBody(t, s, key, body, "text/plain")
	}
	wantKeys(t, s, "moved/")
	wantKeys(t, s, "odd/", keys[2], keys[0], keys[1])
}

func testInvalidKeys(t *testing.T, s blob.Store) {
	ctx := t.Context()
	put(t, s, "valid", []byte("x"), "")
	invalid := []string{
		"", "/abs", "trailing/", "double//slash", ".", "..", "a/../b", "../escape", "a/./b", "./a",
		"nul\x00byte", "line\nbreak", "\xff\xfe", strings.Repeat("k", blob.MaxKeyLength+1),
	}
	for _, key := range invalid {
		errs := map[string]error{
			"Put":       s.Put(ctx, key, strings.NewReader("x"), blob.PutOptions{}),
			"Stat":      second(s.Stat(ctx, key)),
			"Delete":    s.Delete(ctx, key),
			"Move from": s.Move(ctx, key, "valid2"),
			"Move to":   s.Move(ctx, "valid", key),
			"Publish":   blob.Publish(ctx, s, key, strings.NewReader("x"), blob.PutOptions{}),
		}
		_, _, errs["Get"] = s.Get(ctx, key)
		for op, err := range errs {
			if !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("%s(%.40q) error = %v, want blob.ErrInvalidKey", op, key, err)
			}
		}
	}
	wantKeys(t, s, "", "valid")
}

func second[T any](_ T, err error) error { return err }
