package onec

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ref is a 1C reference where the bridge must display it: the GUID and the presentation.
// An empty reference travels as null, never as the zero GUID.
type Ref struct {
	Ref  string `json:"ref"`
	Name string `json:"name"`
}

// zeroGUID is the empty reference of 1C, which the contract writes as null instead.
const zeroGUID = "00000000-0000-0000-0000-000000000000"

// ValidGUID tells whether s is a GUID as the contract writes it: 36 characters, lower-case
// hexadecimal digits in groups 8-4-4-4-12, not the zero GUID.
func ValidGUID(s string) bool {
	if len(s) != len(zeroGUID) || s == zeroGUID {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return false
			}
		}
	}
	return true
}

// checkGUID reports a missing, zero or malformed GUID.
func checkGUID(p *problems, field, s string) {
	switch {
	case s == "":
		p.add(field, msgRequired)
	case s == zeroGUID:
		p.add(field, "Нулевой GUID недопустим: пустая ссылка передаётся как null.")
	case !ValidGUID(s):
		p.add(field, "Ожидается GUID в нижнем регистре вида 0f8fad5b-d9cb-469f-a165-70867728950e.")
	}
}

// checkRef reports a problem of a displayed reference; nil is a problem only when required.
func checkRef(p *problems, field string, r *Ref, required bool) {
	if r == nil {
		if required {
			p.add(field, msgRequired)
		}
		return
	}
	checkGUID(p, field+".ref", r.Ref)
	checkText(p, field+".name", r.Name, MaxNameLen, false)
}

// checkText reports a missing (empty or blank) required value and a value longer than maxLen
// characters.
func checkText(p *problems, field, s string, maxLen int, required bool) {
	switch {
	case required && strings.TrimSpace(s) == "":
		p.add(field, msgRequired)
	case utf8.RuneCountInString(s) > maxLen:
		p.add(field, msgTooLong, maxLen)
	}
}

// checkEnumValue reports a value that is not the name of a 1C enumeration value: a letter or
// underscore, then letters, digits and underscores.
func checkEnumValue(p *problems, field, s string) {
	if s == "" {
		p.add(field, msgRequired)
		return
	}
	valid := utf8.RuneCountInString(s) <= maxEnumLen
	for i, c := range s {
		if !(unicode.IsLetter(c) || c == '_' || i > 0 && unicode.IsDigit(c)) {
			valid = false
		}
	}
	if !valid {
		p.add(field, "Ожидается имя значения перечисления 1С, например ПродажаОблагаетсяНДС.")
	}
}
