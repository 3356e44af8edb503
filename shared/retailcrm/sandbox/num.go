package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"
)

// num is an exact decimal (money, quantities) that reads a JSON number or a numeric string
// digit for digit and writes a JSON number, as RetailCRM does.
type num struct {
	decimal.Decimal
}

func numOf(s string) num { return num{decimal.RequireFromString(s)} }

func (n num) MarshalJSON() ([]byte, error) { return []byte(n.String()), nil }

func (n *num) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	text := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
	}
	d, err := decimal.NewFromString(text)
	if err != nil {
		return fmt.Errorf("not a number: %s", b)
	}
	n.Decimal = d
	return nil
}

func (n num) add(m num) num { return num{n.Add(m.Decimal)} }
func (n num) sub(m num) num { return num{n.Sub(m.Decimal)} }
func (n num) mul(m num) num { return num{n.Mul(m.Decimal)} }

// round2 rounds to kopecks, half away from zero.
func (n num) round2() num { return num{n.Round(2)} }
