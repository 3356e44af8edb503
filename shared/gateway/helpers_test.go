package gateway_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// replace returns a body change that replaces the body with s.
func replace(s string) func(*testing.T, []byte) []byte {
	return func(*testing.T, []byte) []byte { return []byte(s) }
}

// set returns a body change that sets the field at a dotted path of objects to v; nil removes it.
func set(path string, v any) func(*testing.T, []byte) []byte {
	return func(t *testing.T, body []byte) []byte {
		t.Helper()
		var root map[string]any
		if err := json.Unmarshal(body, &root); err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(path, ".")
		obj := root
		for _, p := range parts[:len(parts)-1] {
			obj = obj[p].(map[string]any)
		}
		last := parts[len(parts)-1]
		if v == nil {
			delete(obj, last)
		} else {
			obj[last] = v
		}
		return marshal(t, root)
	}
}
