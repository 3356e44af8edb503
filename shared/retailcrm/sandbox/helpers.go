package sandbox

import (
	"encoding/json"
	"fmt"
	"maps"
)

// or returns s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// indexed names an element of a sent list in validation errors: "items[2]".
func indexed(list string, i int) string { return fmt.Sprintf("%s[%d]", list, i) }

func cloneMap(m map[string]json.RawMessage) map[string]json.RawMessage {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]json.RawMessage{}
	}
	return out
}

func (a *account) isManager(id int) bool {
	u, ok := a.user(id)
	return ok && u.IsManager
}
