package sandbox

import "encoding/json"

// opt is a field of an edit: it tells "absent" (set false), "null" (set, null true) and a
// value apart, because RetailCRM edits change only the fields that are sent.
type opt[T any] struct {
	set  bool
	null bool
	v    T
}

func (o *opt[T]) UnmarshalJSON(b []byte) error {
	o.set = true
	if string(b) == "null" {
		o.null = true
		return nil
	}
	return json.Unmarshal(b, &o.v)
}

// value returns the sent value, or zero when null was sent.
func (o opt[T]) value() T {
	if o.null {
		var zero T
		return zero
	}
	return o.v
}

// setTo stores the sent value (zero for null) into dst when the field was sent.
func (o opt[T]) setTo(dst *T) {
	if o.set {
		*dst = o.value()
	}
}
