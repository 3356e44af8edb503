package icml

import (
	"errors"
	"unicode/utf8"
)

// ErrNumber is returned by Number for a value that is not a decimal number. Writer errors about
// a bad number wrap it.
var ErrNumber = errors.New("icml: not a decimal number")

// maxNumberLen bounds the length of a number, in bytes, after normalisation; the input may be
// four times as long, to leave room for the multi-byte spaces between digit groups.
const maxNumberLen = 64

// Number normalises a decimal number as 1C may format it into the form ICML and RetailCRM read:
// an optional minus sign, digits, and a dot before the fraction. Spaces between digit groups
// (ordinary, non-breaking U+00A0, narrow non-breaking U+202F and thin U+2009) are dropped, a
// decimal comma becomes a dot, one leading plus is dropped, and surrounding spaces are trimmed.
// Leading zeros of the integer part are dropped, keeping one before the dot ("007" → "7",
// "00,5" → "0.5"), and a negative zero loses its sign ("-0,00" → "0.00"). The fraction is kept
// as written, trailing zeros included ("990.00"), since RetailCRM shows prices as they are sent.
// Anything else (letters, two signs, two separators, a separator without digits on both sides,
// an exponent, an empty value) is ErrNumber.
func Number(s string) (string, error) {
	var b [maxNumberLen + 1]byte
	out, err := appendNumber(b[:0], s)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// appendNumber appends the normalised form of s (see Number) to dst. On error dst is returned
// unchanged. It does not allocate unless dst has to grow.
func appendNumber(dst []byte, s string) ([]byte, error) {
	if len(s) > maxNumberLen*4 {
		return dst, ErrNumber
	}
	var b [maxNumberLen]byte
	n := 0
	neg, signed, sep := false, false, false
	digits := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= '0' && c <= '9':
				if n == len(b) {
					return dst, ErrNumber
				}
				b[n] = c
				n++
				digits++
			case c == '.' || c == ',':
				if sep || digits == 0 || n == len(b) {
					return dst, ErrNumber
				}
				sep = true
				b[n] = '.'
				n++
				digits = 0
			case c == '-' || c == '+':
				if signed || n != 0 {
					return dst, ErrNumber
				}
				signed = true
				neg = c == '-'
			case c == ' ':
			default:
				return dst, ErrNumber
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != '\u00a0' && r != '\u202f' && r != '\u2009' {
			return dst, ErrNumber
		}
		i += size
	}
	if digits == 0 {
		return dst, ErrNumber
	}
	return appendTrimmed(dst, b[:n], neg), nil
}

// appendTrimmed appends the digits and dot of num, preceded by a minus when neg and the value is
// not zero, dropping the zeros before the first significant digit of the integer part but
// keeping one before the dot: "007" → "7", "-00.5" → "-0.5", "-0.0" → "0.0".
func appendTrimmed(dst, num []byte, neg bool) []byte {
	for len(num) > 1 && num[0] == '0' && num[1] != '.' {
		num = num[1:]
	}
	if neg && !zero(num) {
		dst = append(dst, '-')
	}
	return append(dst, num...)
}

// zero reports whether num, made of digits and at most one dot, has no digit other than 0.
func zero(num []byte) bool {
	for _, c := range num {
		if c != '0' && c != '.' {
			return false
		}
	}
	return true
}
