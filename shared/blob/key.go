package blob

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxKeyLength is the longest key in bytes that the adapters accept (the S3 limit).
const MaxKeyLength = 1024

// ErrInvalidKey is returned for a key the port does not accept. Test with errors.Is.
var ErrInvalidKey = errors.New("blob: invalid key")

// ValidateKey reports whether key is acceptable to every adapter: non-empty valid UTF-8 of at most
// MaxKeyLength bytes, without control characters (NUL included), made of non-empty slash-separated
// segments (so no leading, trailing or doubled slash) none of which is "." or "..". The error
// wraps ErrInvalidKey.
func ValidateKey(key string) error {
	if reason := keyProblem(key); reason != "" {
		if len(key) > MaxKeyLength {
			return fmt.Errorf("%w (%d bytes): %s", ErrInvalidKey, len(key), reason)
		}
		return fmt.Errorf("%w %q: %s", ErrInvalidKey, key, reason)
	}
	return nil
}

func keyProblem(key string) string {
	switch {
	case key == "":
		return "empty"
	case len(key) > MaxKeyLength:
		return fmt.Sprintf("longer than %d bytes", MaxKeyLength)
	case !utf8.ValidString(key):
		return "not valid UTF-8"
	case strings.ContainsFunc(key, isControl):
		return "contains a control character"
	case strings.HasPrefix(key, "/"):
		return "starts with a slash"
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch seg {
		case "":
			return "has an empty segment (trailing or doubled slash)"
		case ".", "..":
			return fmt.Sprintf("has a %q segment", seg)
		}
	}
	return ""
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
