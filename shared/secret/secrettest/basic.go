package secrettest

import (
	"strings"
	"testing"

	"unfbridge/shared/secret"
)

// maxValueLen is the longest value every adapter must keep: the 4 KB of a standard SSM parameter.
const maxValueLen = 4096

func testNotFound(t *testing.T, s secret.Store) {
	for _, name := range secret.Names {
		wantNotFound(t, s, name)
	}
}

// testRoundTrip checks that values come back byte for byte, whatever they hold.
func testRoundTrip(t *testing.T, s secret.Store) {
	values := map[string]string{
		"token":     secret.NewToken(),
		"unicode":   "ключ API ✓ 🔑 ÿ",
		"syntax":    "{\"a\": \"b\\\\c\"}\n\t<x>&amp;'%s%%",
		"spaces":    "  padded value  ",
		"4 KiB":     strings.Repeat("0123456789abcdef", maxValueLen/16),
		"4 KiB utf": strings.Repeat("я", maxValueLen/2),
	}
	name := secret.RetailCRMAPIKey
	for what, v := range values {
		if len(v) > maxValueLen {
			t.Fatalf("test value %s is %d bytes, over %d", what, len(v), maxValueLen)
		}
		put(t, s, name, v)
		wantValue(t, s, name, v)
	}
}

func testReplace(t *testing.T, s secret.Store) {
	name := secret.AdminToken
	put(t, s, name, "first")
	wantValue(t, s, name, "first")
	put(t, s, name, "second, longer than the first")
	wantValue(t, s, name, "second, longer than the first")
	put(t, s, name, "3")
	wantValue(t, s, name, "3")
}

// testIndependent checks that each name keeps its own value.
func testIndependent(t *testing.T, s secret.Store) {
	first, rest := secret.Names[0], secret.Names[1:]
	put(t, s, first, "only "+first)
	for _, name := range rest {
		wantNotFound(t, s, name)
	}
	for _, name := range rest {
		put(t, s, name, "value of "+name)
	}
	put(t, s, first, "changed "+first)
	wantValue(t, s, first, "changed "+first)
	for _, name := range rest {
		wantValue(t, s, name, "value of "+name)
	}
}
