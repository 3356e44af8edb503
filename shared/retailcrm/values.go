package retailcrm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// List is a JSON array that RetailCRM sometimes sends as an object keyed by id or code (a PHP
// associative array, e.g. order payments and item properties). Both decode, in document
// order; it encodes as an array.
type List[T any] []T

// UnmarshalJSON accepts an array, an object (its values) or null.
func (l *List[T]) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case nil:
		*l = nil
		return nil
	case json.Delim('['):
		var items []T
		if err := json.Unmarshal(b, &items); err != nil {
			return err
		}
		*l = items
		return nil
	case json.Delim('{'):
		items := List[T]{}
		err := eachMember(dec, func(_ string, raw json.RawMessage) error {
			var item T
			if err := json.Unmarshal(raw, &item); err != nil {
				return err
			}
			items = append(items, item)
			return nil
		})
		*l = items
		return err
	}
	return fmt.Errorf("retailcrm: want an array or an object, got %s", b)
}

// Map is a JSON object keyed by code that RetailCRM sends as an array when it is empty (PHP's
// []). An array decodes to keys "0", "1", …; it encodes as an object.
type Map[V any] map[string]V

// UnmarshalJSON accepts an object, an array or null.
func (m *Map[V]) UnmarshalJSON(b []byte) error {
	var list List[V]
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("[")) {
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		out := make(Map[V], len(list))
		for i, v := range list {
			out[strconv.Itoa(i)] = v
		}
		*m = out
		return nil
	}
	var out map[string]V
	if err := json.Unmarshal(b, &out); err != nil {
		return err
	}
	*m = out
	return nil
}

// eachMember walks the members of an object whose opening brace dec has just read.
func eachMember(dec *json.Decoder, f func(key string, raw json.RawMessage) error) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if err := f(key, raw); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// Value is a JSON value kept as received: a history record's oldValue/newValue (a scalar,
// {"code": …}, {"id": …} or an object) or a custom field. Absent and null are both IsNull.
type Value json.RawMessage

// NewValue encodes v as a Value, e.g. for a custom field.
func NewValue(v any) (Value, error) {
	s, err := encodeJSON(v)
	return Value(s), err
}

// MarshalJSON writes the value as received; an empty Value is null.
func (v Value) MarshalJSON() ([]byte, error) {
	if len(v) == 0 {
		return []byte("null"), nil
	}
	return v, nil
}

// UnmarshalJSON keeps a copy of the raw value.
func (v *Value) UnmarshalJSON(b []byte) error {
	*v = append((*v)[:0], b...)
	return nil
}

// IsNull tells whether the value is absent or null.
func (v Value) IsNull() bool {
	s := bytes.TrimSpace(v)
	return len(s) == 0 || string(s) == "null"
}

// Decode unmarshals the value into dst.
func (v Value) Decode(dst any) error {
	if v.IsNull() {
		return nil
	}
	return json.Unmarshal(v, dst)
}

// Text returns a string value as is, a number or a boolean as its JSON text, and "" for null,
// objects and arrays.
func (v Value) Text() string {
	s := bytes.TrimSpace(v)
	switch {
	case v.IsNull() || s[0] == '{' || s[0] == '[':
		return ""
	case s[0] == '"':
		var out string
		if json.Unmarshal(s, &out) != nil {
			return ""
		}
		return out
	}
	return string(s)
}

// Code returns the code of a {"code": …} object, or the value itself when it is a string.
func (v Value) Code() string {
	var obj struct {
		Code string `json:"code"`
	}
	if v.Decode(&obj) == nil {
		return obj.Code
	}
	return v.Text()
}

// ID returns the id of an {"id": …} object, or the value itself when it is a whole number;
// 0 otherwise.
func (v Value) ID() int64 {
	var obj struct {
		ID int64 `json:"id"`
	}
	if v.Decode(&obj) == nil {
		return obj.ID
	}
	n, _ := strconv.ParseInt(v.Text(), 10, 64)
	return n
}

// Decimal returns a number or numeric string exactly; null gives 0.
func (v Value) Decimal() (Decimal, error) {
	var d Decimal
	err := v.Decode(&d)
	return d, err
}

// Ptr returns a pointer to v, for the optional fields of requests: Ptr(MustDecimal("0")).
func Ptr[T any](v T) *T { return &v }
