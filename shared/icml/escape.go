package icml

import "unicode/utf8"

// Byte classes of the escaping fast path.
const (
	byteClean   uint8 = iota // copied as is
	byteSpecial              // ASCII byte that is escaped or dropped
	byteMulti                // part of a multi-byte UTF-8 sequence, copied once validated
)

// textClass and attrClass classify the bytes of character data and of attribute values.
//
// In character data & < > become &amp; &lt; &gt;, a carriage return becomes &#13; (a raw one
// would be turned into a line feed by every XML parser), tab and line feed are kept, and
// quotes (" and ') are NOT escaped. In attribute values & < > " ' become &amp; &lt; &gt; &quot;
// &apos; and tab, line feed and carriage return become &#9; &#10; &#13;, which attribute value
// normalisation leaves alone. Everywhere the other C0 controls, U+FFFE, U+FFFF and bytes that
// are not valid UTF-8 (lone surrogates included) are dropped.
var textClass, attrClass = byteClasses(false), byteClasses(true)

// byteClasses builds the byte classes of attribute values when attr is set, of character data
// otherwise.
func byteClasses(attr bool) *[256]uint8 {
	var t [256]uint8
	for c := range 256 {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = byteMulti
		case c == '&', c == '<', c == '>', c == '\r':
			t[c] = byteSpecial
		case c == '\t', c == '\n', c == '"', c == '\'':
			if attr {
				t[c] = byteSpecial
			}
		case c < ' ':
			t[c] = byteSpecial
		}
	}
	return &t
}

// appendEscaped appends s to dst escaped by the byte classes cls (textClass or attrClass).
// It scans s for the first byte that needs escaping or dropping, skipping runs of clean ASCII
// and of two-byte characters in tight loops and decoding other characters; a string that
// needs no change is then copied with a single append, otherwise the rest of s from that byte
// goes through escapeSlow.
func appendEscaped(dst []byte, s string, cls *[256]uint8) []byte {
	i := 0
	for {
		for i < len(s) && cls[s[i]] == byteClean {
			i++
		}
		if i == len(s) {
			return append(dst, s...)
		}
		c := s[i]
		if cls[c] != byteMulti {
			break
		}
		for c >= 0xC2 && c < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			if i += 2; i == len(s) {
				return append(dst, s...)
			}
			c = s[i]
		}
		if c >= utf8.RuneSelf {
			n := xmlRuneLen(s[i:])
			if n == 0 {
				break
			}
			i += n
		}
	}
	return escapeSlow(append(dst, s[:i]...), s[i:], cls)
}

// escapeSlow appends s to dst byte by byte and rune by rune, escaping or dropping what cls marks.
func escapeSlow(dst []byte, s string, cls *[256]uint8) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			n := xmlRuneLen(s[i:])
			if n == 0 {
				i++
				continue
			}
			dst = append(dst, s[i:i+n]...)
			i += n
			continue
		}
		i++
		if cls[c] == byteClean {
			dst = append(dst, c)
			continue
		}
		switch c {
		case '&':
			dst = append(dst, "&amp;"...)
		case '<':
			dst = append(dst, "&lt;"...)
		case '>':
			dst = append(dst, "&gt;"...)
		case '"':
			dst = append(dst, "&quot;"...)
		case '\'':
			dst = append(dst, "&apos;"...)
		case '\t':
			dst = append(dst, "&#9;"...)
		case '\n':
			dst = append(dst, "&#10;"...)
		case '\r':
			dst = append(dst, "&#13;"...)
		}
	}
	return dst
}

// xmlRuneLen returns the length of the UTF-8 sequence at the start of s (which starts with a
// byte ≥ 0x80) when it encodes a character XML 1.0 allows, and 0 when it is invalid UTF-8 or
// encodes U+FFFE or U+FFFF.
func xmlRuneLen(s string) int {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n == 1 || r == 0xFFFE || r == 0xFFFF {
		return 0
	}
	return n
}
