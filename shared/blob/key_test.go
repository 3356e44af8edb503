package blob_test

import (
	"errors"
	"strings"
	"testing"

	"unfbridge/shared/blob"
)

func TestValidateKey(t *testing.T) {
	valid := []string{
		"a", "a/b/c.xml", ".hidden", "a/..b/c..", "a b+c%d?e#f", "ключ/файл.xml",
		strings.Repeat("k", blob.MaxKeyLength),
	}
	for _, key := range valid {
		if err := blob.ValidateKey(key); err != nil {
			t.Errorf("ValidateKey(%.40q) = %v, want nil", key, err)
		}
	}
	invalid := map[string]string{
		"":                                       "empty",
		"/a":                                     "starts with a slash",
		"a/":                                     "empty segment",
		"a//b":                                   "empty segment",
		"a/./b":                                  `"." segment`,
		"a/../b":                                 `".." segment`,
		"..":                                     `".." segment`,
		"a\x00b":                                 "control character",
		"a\tb":                                   "control character",
		"\xc3\x28":                               "UTF-8",
		strings.Repeat("k", blob.MaxKeyLength+1): "longer than 1024 bytes",
	}
	for key, reason := range invalid {
		switch err := blob.ValidateKey(key); {
		case !errors.Is(err, blob.ErrInvalidKey) || !strings.Contains(err.Error(), reason):
			t.Errorf("ValidateKey(%.40q) = %v, want blob.ErrInvalidKey saying %q", key, err, reason)
		case len(err.Error()) > 200:
			t.Errorf("ValidateKey(%.40q) error is %d bytes long, want the key left out", key, len(err.Error()))
		}
	}
}

func TestTempKey(t *testing.T) {
	const key = "public/catalog.xml"
	a, b := blob.TempKey(key), blob.TempKey(key)
	if a == b {
		t.Fatalf("TempKey returned %q twice", a)
	}
	for _, tmp := range []string{a, b} {
		if !strings.HasPrefix(tmp, blob.TempPrefix) || !strings.HasSuffix(tmp, "/"+key) {
			t.Errorf("TempKey(%q) = %q, want %s…/%s", key, tmp, blob.TempPrefix, key)
		}
		if err := blob.ValidateKey(tmp); err != nil {
			t.Errorf("TempKey(%q) = %q, invalid: %v", key, tmp, err)
		}
	}
}
