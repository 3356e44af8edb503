package icml

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"unicode/utf8"
)

// Byte classes of the Validator's character scanner; each byte has at most one.
const (
	cControl uint8 = 1 << iota // C0 control other than tab, line feed and carriage return
	cAmp                       // &
	cLess                      // <
	cBracket                   // ]
	cHigh                      // byte of a multi-byte UTF-8 sequence
)

// Masks of the classes that need a closer look in each kind of character data.
const (
	textMask = cControl | cAmp | cBracket | cHigh // character data between tags
	attrMask = cControl | cAmp | cLess | cHigh    // attribute values
	rawMask  = cControl | cHigh                   // comments, CDATA sections, processing instructions
)

// charClass gives the class of each byte.
var charClass = func() *[256]uint8 {
	var t [256]uint8
	for c := range 256 {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = cHigh
		case c == '&':
			t[c] = cAmp
		case c == '<':
			t[c] = cLess
		case c == ']':
			t[c] = cBracket
		case c < ' ' && c != '\t' && c != '\n' && c != '\r':
			t[c] = cControl
		}
	}
	return &t
}()

// scanChars checks s, character data of the kind mask describes: valid UTF-8 of characters
// XML 1.0 allows and, unless mask is rawMask, well-formed references, no "<" in an attribute
// value and no "]]>" between tags. It returns the offset of the first fault and a message, or
// len(s) and "". Plain ASCII is skipped eight bytes at a time, runs of multi-byte characters
// in one go.
func scanChars(s []byte, mask uint8) (int, string) {
	for i := 0; i < len(s); {
		if i += plainPrefix(s[i:]); i == len(s) {
			break
		}
		c := s[i]
		switch charClass[c] & mask {
		case 0:
			i++
		case cHigh:
			for {
				if c >= 0xC2 && c < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
					i += 2
				} else {
					r, n := utf8.DecodeRune(s[i:])
					if r == utf8.RuneError && n == 1 {
						return i, "invalid UTF-8"
					}
					if !isXMLChar(r) {
						return i, fmt.Sprintf("character U+%04X is not allowed in XML", r)
					}
					i += n
				}
				if i == len(s) || s[i] < utf8.RuneSelf {
					break
				}
				c = s[i]
			}
		case cAmp:
			_, n, msg := parseRef(s[i:])
			if msg != "" {
				return i, msg
			}
			i += n
		case cBracket:
			if bytes.HasPrefix(s[i:], []byte("]]>")) {
				return i, `"]]>" in character data`
			}
			i++
		case cLess:
			return i, `"<" in an attribute value`
		default:
			return i, fmt.Sprintf("character U+%04X is not allowed in XML", c)
		}
	}
	return len(s), ""
}

// plainPrefix returns the length of the longest prefix of s of printable ASCII other than
// "&", "<" and "]", eight bytes at a time.
func plainPrefix(s []byte) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if m := notPlain(binary.LittleEndian.Uint64(s[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for i < len(s) && s[i] >= ' ' && charClass[s[i]] == 0 {
		i++
	}
	return i
}

// notPlain marks, in the high bit of each byte, the bytes of the little-endian word x that
// scanChars has to look at: below 0x20, from 0x80, "&", "<" and "]". The lowest mark is
// exact; marks above it may be spurious.
func notPlain(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(y uint64) uint64 { return (y - ones) &^ y }
	amp, less, bracket := x^(ones*'&'), x^(ones*'<'), x^(ones*']')
	return (x | (x-ones*' ')&^x | zero(amp) | zero(less) | zero(bracket)) & highs
}

// parseRef reads the reference at the start of s, which starts with "&": one of the five
// predefined entities or a character reference to a character XML allows. It returns the
// character and the length of the reference, or a message saying what is wrong.
func parseRef(s []byte) (rune, int, string) {
	j := 1
	for j < len(s) && isRefByte(s[j]) {
		j++
	}
	if j == len(s) || s[j] != ';' || j == 1 {
		return 0, 0, `"&" that does not start a reference`
	}
	name := s[1:j]
	if name[0] == '#' {
		r, ok := charRef(name[1:])
		if !ok {
			return 0, 0, fmt.Sprintf("character reference &%s; is not an XML character", name)
		}
		return r, j + 1, ""
	}
	switch string(name) {
	case "amp":
		return '&', j + 1, ""
	case "lt":
		return '<', j + 1, ""
	case "gt":
		return '>', j + 1, ""
	case "quot":
		return '"', j + 1, ""
	case "apos":
		return '\'', j + 1, ""
	}
	return 0, 0, fmt.Sprintf("unknown entity &%s;", name)
}

// isRefByte reports whether c may appear between "&" and ";" of a reference.
func isRefByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '#'
}

// charRef returns the character whose decimal digits, or hexadecimal digits after "x", are s,
// and whether it is a character XML allows.
func charRef(s []byte) (rune, bool) {
	base := rune(10)
	if len(s) > 0 && s[0] == 'x' {
		base, s = 16, s[1:]
	}
	if len(s) == 0 {
		return 0, false
	}
	var r rune
	for _, c := range s {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		if r = r*base + d; r > utf8.MaxRune {
			return 0, false
		}
	}
	return r, isXMLChar(r)
}

// isXMLChar reports whether XML 1.0 allows the character r.
func isXMLChar(r rune) bool {
	switch {
	case r < ' ':
		return r == '\t' || r == '\n' || r == '\r'
	case r <= 0xD7FF:
		return true
	case r < 0xE000:
		return false
	case r <= 0xFFFD:
		return true
	}
	return r >= 0x10000 && r <= utf8.MaxRune
}

// appendDecoded appends to dst the value of raw, character data that scanChars accepted:
// references resolved when refs is set, line ends normalised to "\n" and, when attr is set,
// tab and line ends turned into spaces as attribute value normalisation does.
func appendDecoded(dst, raw []byte, refs, attr bool) []byte {
	i := plainPrefix(raw)
	if i == len(raw) {
		return append(dst, raw...)
	}
	dst = append(dst, raw[:i]...)
	for i < len(raw) {
		c := raw[i]
		i++
		switch {
		case c == '&' && refs:
			r, n, _ := parseRef(raw[i-1:])
			dst = utf8.AppendRune(dst, r)
			i += n - 1
		case c == '\r':
			if i < len(raw) && raw[i] == '\n' {
				continue
			}
			dst = append(dst, lineEnd(attr))
		case c == '\n':
			dst = append(dst, lineEnd(attr))
		case c == '\t' && attr:
			dst = append(dst, ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// lineEnd is what a line end becomes in character data, or in an attribute value when attr
// is set.
func lineEnd(attr bool) byte {
	if attr {
		return ' '
	}
	return '\n'
}
