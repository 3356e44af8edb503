package store

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxWriteSize is DynamoDB's limit on the aggregate size of the items of one all-or-nothing Write.
const MaxWriteSize = 4 * 1024 * 1024

// numberSize is the most bytes DynamoDB counts for a number value (38 significant digits).
const numberSize = 21

// String formats the key for messages: pk="…" sk="…".
func (k Key) String() string { return fmt.Sprintf("pk=%q sk=%q", k.PK, k.SK) }

// ValidateKey checks a key against DynamoDB's rules: both parts non-empty, valid UTF-8 without NUL
// bytes, at most MaxPKLen and MaxSKLen bytes. The error wraps ErrInvalid.
func ValidateKey(k Key) error {
	if err := validatePart("pk", k.PK, MaxPKLen); err != nil {
		return err
	}
	return validatePart("sk", k.SK, MaxSKLen)
}

func validatePart(name, s string, maxLen int) error {
	if s == "" {
		return fmt.Errorf("%w: %s is empty", ErrInvalid, name)
	}
	return validateText(name, s, maxLen)
}

// validateText checks a key part or a sort-key bound; empty is allowed.
func validateText(name, s string, maxLen int) error {
	switch {
	case len(s) > maxLen:
		return fmt.Errorf("%w: %s is %d bytes, over the %d-byte limit", ErrInvalid, name, len(s), maxLen)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalid, name)
	case strings.IndexByte(s, 0) >= 0:
		return fmt.Errorf("%w: %s contains a NUL byte", ErrInvalid, name)
	}
	return nil
}

// ItemSize returns the size of the item as DynamoDB counts it, erring on the large side: attribute
// names plus values of pk, sk, ver, data (left out when empty) and ttl (left out without expiry).
func ItemSize(it Item) int {
	size := len("pk") + len(it.PK) + len("sk") + len(it.SK) + len("ver") + numberSize
	if len(it.Data) > 0 {
		size += len("data") + len(it.Data)
	}
	if !it.ExpiresAt.IsZero() {
		size += len("ttl") + numberSize
	}
	return size
}

// ValidateOp checks one operation: its kind, its condition, its key and, for OpPut, the item size
// (an error wrapping ErrItemTooLarge). Other errors wrap ErrInvalid.
func ValidateOp(op Op) error {
	if op.Kind < OpPut || op.Kind > OpCheck {
		return fmt.Errorf("%w: unknown operation kind %d", ErrInvalid, op.Kind)
	}
	if op.Cond.Kind < Always || op.Cond.Kind > VersionIs {
		return fmt.Errorf("%w: unknown condition kind %d", ErrInvalid, op.Cond.Kind)
	}
	if err := ValidateKey(op.Item.Key()); err != nil {
		return err
	}
	if op.Kind == OpPut {
		if size := ItemSize(op.Item); size > MaxItemSize {
			return fmt.Errorf("%w: %s is %d bytes, over the %d-byte limit",
				ErrItemTooLarge, op.Item.Key(), size, MaxItemSize)
		}
	}
	return nil
}

// ValidateWrite checks the operations of an all-or-nothing Write: 1..MaxWriteItems of them, each
// valid, each key at most once, items of at most MaxWriteSize bytes in all.
func ValidateWrite(ops []Op) error {
	if len(ops) == 0 || len(ops) > MaxWriteItems {
		return fmt.Errorf("%w: a write takes 1 to %d operations, got %d", ErrInvalid, MaxWriteItems, len(ops))
	}
	seen := make(map[Key]int, len(ops))
	total := 0
	for i, op := range ops {
		if err := ValidateOp(op); err != nil {
			return fmt.Errorf("operation %d: %w", i, err)
		}
		k := op.Item.Key()
		if j, dup := seen[k]; dup {
			return fmt.Errorf("%w: operations %d and %d both address %s", ErrInvalid, j, i, k)
		}
		seen[k] = i
		total += ItemSize(op.Item)
	}
	if total > MaxWriteSize {
		return fmt.Errorf("%w: write of %d bytes, over the %d-byte limit", ErrInvalid, total, MaxWriteSize)
	}
	return nil
}
