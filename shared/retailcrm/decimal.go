package retailcrm

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"
)

// Decimal is an exact decimal number for money and quantities. It decodes JSON numbers and
// numeric strings digit for digit (never through float64) and encodes as a JSON number.
//
// Its zero value is 0 and is sent as 0: never tag a Decimal field `omitzero` (the promoted
// IsZero would drop it); use *Decimal with `omitempty` where "absent" differs from 0.
type Decimal struct {
	decimal.Decimal
}

// ParseDecimal parses a decimal number such as "1500.50" or "-3".
func ParseDecimal(s string) (Decimal, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Decimal{}, fmt.Errorf("retailcrm: decimal %q: %w", s, err)
	}
	return Decimal{d}, nil
}

// MustDecimal is ParseDecimal for constants; it panics on a malformed number.
func MustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// MarshalJSON encodes the number as a JSON number, e.g. 1500.5.
func (d Decimal) MarshalJSON() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalJSON accepts a JSON number or a string holding one; null leaves the value unchanged.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	text := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &text); err != nil {
			return fmt.Errorf("retailcrm: decimal %s: %w", b, err)
		}
	} else if len(b) == 0 || !(b[0] == '-' || b[0] >= '0' && b[0] <= '9') {
		return fmt.Errorf("retailcrm: decimal: want a number, got %s", b)
	}
	v, err := ParseDecimal(text)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
