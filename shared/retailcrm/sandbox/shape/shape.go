// Package shape compares the structure of JSON documents: field names and JSON types,
// recursively, never values. Arrays are compared by the union shape of their elements, and
// objects whose keys are data (codes, ids) can be declared maps, compared by the union shape of
// their values.
//
// It exists to check that a simulator answers with the same shape as a recorded response:
//
//	diffs, err := shape.Compare(fixture, answer, shape.Rules{
//		Maps:     []string{"statuses"},
//		Optional: map[string]string{"order.weight": "only set when the shop sends it"},
//	})
//
// Paths are dotted field names from the root ("order.items[].offer.id"); "[]" stands for the
// elements of an array and "*" for the values of a map ("statuses.*.group"). A difference in JSON
// types is addressed as "path:type" ("history[].newValue:bool").
package shape

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Kind is a JSON type.
type Kind string

// The JSON types.
const (
	Null   Kind = "null"
	Bool   Kind = "bool"
	Number Kind = "number"
	String Kind = "string"
	Array  Kind = "array"
	Object Kind = "object"
)

// Node is the union shape of every JSON value seen at one path.
type Node struct {
	// Kinds holds the JSON types seen.
	Kinds map[Kind]bool
	// Fields holds the union of object fields (objects that are not maps).
	Fields map[string]*Node
	// Elem is the union shape of array elements; nil when every array seen was empty.
	Elem *Node
	// Values is the union shape of map values; nil when every map seen was empty.
	Values *Node
}

// Rules tune a comparison. Every key is a path as described in the package documentation and
// every value is the reason for the allowance.
type Rules struct {
	// Maps lists the paths of objects keyed by data rather than by field names. An empty array
	// at such a path counts as an empty map, as PHP's json_encode writes one.
	Maps []string
	// Optional lists fields (or "path:type") present in the reference but allowed to be missing.
	Optional map[string]string
	// Extra lists fields (or "path:type") allowed to be present only in the compared document.
	Extra map[string]string
}

// Diff is one structural difference.
type Diff struct {
	// Path is the field path, or "path:type" for a type difference.
	Path string
	// Problem says what differs.
	Problem string
}

func (d Diff) String() string { return d.Path + ": " + d.Problem }

// Problems reported in Diff.Problem.
const (
	Missing = "missing (present in the reference)"
	Extra   = "extra (absent from the reference)"
	Unused  = "allowance not needed: remove it from the rules"
)

// Parse decodes a JSON document and returns its shape; paths in maps are treated as maps.
func Parse(doc []byte, maps ...string) (*Node, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("shape: %w", err)
	}
	return Of(v, maps...), nil
}

// Of returns the shape of a value decoded by encoding/json into any.
func Of(v any, maps ...string) *Node {
	n := &Node{}
	n.add(v, "", maps)
	return n
}

func (n *Node) add(v any, path string, maps []string) {
	if n.Kinds == nil {
		n.Kinds = map[Kind]bool{}
	}
	switch x := v.(type) {
	case nil:
		n.Kinds[Null] = true
	case bool:
		n.Kinds[Bool] = true
	case json.Number, float64:
		n.Kinds[Number] = true
	case string:
		n.Kinds[String] = true
	case []any:
		if len(x) == 0 && slices.Contains(maps, path) {
			n.Kinds[Object] = true // PHP encodes an empty map as []
			return
		}
		n.Kinds[Array] = true
		for _, e := range x {
			if n.Elem == nil {
				n.Elem = &Node{}
			}
			n.Elem.add(e, path+"[]", maps)
		}
	case map[string]any:
		n.Kinds[Object] = true
		if slices.Contains(maps, path) {
			for _, e := range x {
				if n.Values == nil {
					n.Values = &Node{}
				}
				n.Values.add(e, join(path, "*"), maps)
			}
			return
		}
		if n.Fields == nil {
			n.Fields = map[string]*Node{}
		}
		for k, e := range x {
			f := n.Fields[k]
			if f == nil {
				f = &Node{}
				n.Fields[k] = f
			}
			f.add(e, join(path, k), maps)
		}
	default:
		panic(fmt.Sprintf("shape: unexpected %T", v))
	}
}

// Compare parses both documents and returns the differences of got from want that the rules
// do not allow, followed by the allowances that were not needed. Empty arrays and empty maps
// match any element shape.
func Compare(want, got []byte, rules Rules) ([]Diff, error) {
	w, err := Parse(want, rules.Maps...)
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	g, err := Parse(got, rules.Maps...)
	if err != nil {
		return nil, fmt.Errorf("compared document: %w", err)
	}
	return CompareNodes(w, g, rules), nil
}

// CompareNodes is Compare on shapes.
func CompareNodes(want, got *Node, rules Rules) []Diff {
	c := comparer{rules: rules, used: map[string]bool{}}
	c.node(want, got, "")
	for _, allow := range []map[string]string{rules.Optional, rules.Extra} {
		for p := range allow {
			if !c.used[p] {
				c.diffs = append(c.diffs, Diff{Path: p, Problem: Unused})
			}
		}
	}
	sort.SliceStable(c.diffs, func(i, j int) bool { return c.diffs[i].Path < c.diffs[j].Path })
	return c.diffs
}

type comparer struct {
	rules Rules
	used  map[string]bool
	diffs []Diff
}

func (c *comparer) report(path, problem string, allow map[string]string) {
	if _, ok := allow[path]; ok {
		c.used[path] = true
		return
	}
	c.diffs = append(c.diffs, Diff{Path: path, Problem: problem})
}

func (c *comparer) node(want, got *Node, path string) {
	for _, k := range sortedKinds(want.Kinds) {
		if !got.Kinds[k] {
			c.report(path+":"+string(k), Missing, c.rules.Optional)
		}
	}
	for _, k := range sortedKinds(got.Kinds) {
		if !want.Kinds[k] {
			c.report(path+":"+string(k), Extra, c.rules.Extra)
		}
	}
	if want.Elem != nil && got.Elem != nil {
		c.node(want.Elem, got.Elem, path+"[]")
	}
	if want.Values != nil && got.Values != nil {
		c.node(want.Values, got.Values, join(path, "*"))
	}
	if !want.Kinds[Object] || !got.Kinds[Object] {
		return
	}
	for _, k := range sortedKeys(want.Fields) {
		p := join(path, k)
		if g, ok := got.Fields[k]; ok {
			c.node(want.Fields[k], g, p)
		} else {
			c.report(p, Missing, c.rules.Optional)
		}
	}
	for _, k := range sortedKeys(got.Fields) {
		if _, ok := want.Fields[k]; !ok {
			c.report(join(path, k), Extra, c.rules.Extra)
		}
	}
}

// Format renders differences one a line, for test failure messages.
func Format(diffs []Diff) string {
	lines := make([]string, len(diffs))
	for i, d := range diffs {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// TB is the part of testing.TB that Check uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// Check compares want and got like Compare and reports every difference through t.
func Check(t TB, name string, want, got []byte, rules Rules) {
	t.Helper()
	diffs, err := Compare(want, got, rules)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	if len(diffs) > 0 {
		t.Errorf("%s: shape differs from the reference:\n%s\ncompared document: %s", name, Format(diffs), got)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKinds(m map[Kind]bool) []Kind {
	ks := make([]Kind, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func sortedKeys(m map[string]*Node) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
