package secret_test

import (
	"encoding/base64"
	"testing"

	"unfbridge/shared/secret"
)

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"":             "",
		"abc":          "…",
		"abcdef":       "…",
		"abcdefg":      "abcdef…",
		"ключ-секрета": "ключ-с…",
	} {
		if got := secret.Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewToken(t *testing.T) {
	a, b := secret.NewToken(), secret.NewToken()
	if a == b {
		t.Fatal("two tokens are equal")
	}
	raw, err := base64.RawURLEncoding.DecodeString(a)
	if err != nil || len(a) != 43 || len(raw) != 32 {
		t.Fatalf("token %q: %d characters, %d bytes, %v; want 43 characters of 32 bytes", a, len(a), len(raw), err)
	}
}

func TestEqual(t *testing.T) {
	cases := []struct {
		presented, expected string
		want                bool
	}{
		{"tok", "tok", true},
		{"tok", "tok2", false},
		{"", "tok", false},
		{"", "", false},
		{"tok", "", false},
	}
	for _, c := range cases {
		if got := secret.Equal(c.presented, c.expected); got != c.want {
			t.Errorf("Equal(%q, %q) = %v, want %v", c.presented, c.expected, got, c.want)
		}
	}
}
