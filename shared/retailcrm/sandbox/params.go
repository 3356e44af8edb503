package sandbox

import (
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Problems reported in the "errors" object of validation failures.
const (
	probChoice   = "The value you selected is not a valid choice."
	probInvalid  = "This value is not valid."
	probExtra    = "This form should not contain extra fields."
	probRequired = "This value should not be blank."
)

// page is the requested page of a list.
type page struct {
	limit, page int
}

// pageOf reads "limit" (one of RetailCRM's 20, 50, 100; default 20) and "page" (from 1).
func pageOf(q url.Values) (page, error) {
	p := page{limit: 20, page: 1}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || !slices.Contains([]int{20, 50, 100}, n) {
			return p, errInput("limit", probChoice)
		}
		p.limit = n
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, errInput("page", probInvalid)
		}
		p.page = n
	}
	return p, nil
}

// filters reads the bracketed filters of a list request: "filter[sinceId]=5",
// "filter[ids][]=1&filter[ids][]=2" and the PHP form "filter[ids][0]=1". Names outside allowed
// are refused as RetailCRM's forms refuse extra fields.
func filters(q url.Values, allowed ...string) (map[string][]string, error) {
	out := map[string][]string{}
	for key, vals := range q {
		if key == "filter" {
			return nil, errInput("filter", probExtra)
		}
		rest, found := strings.CutPrefix(key, "filter[")
		if !found {
			continue
		}
		name, tail, found := strings.Cut(rest, "]")
		if !found || !slices.Contains(allowed, name) || !validIndex(tail) {
			return nil, errInput("filter", probExtra)
		}
		out[name] = append(out[name], vals...)
	}
	return out, nil
}

// validIndex accepts the tail after a filter name: nothing, "[]" or "[N]".
func validIndex(tail string) bool {
	if tail == "" || tail == "[]" {
		return true
	}
	inner, found := strings.CutPrefix(tail, "[")
	if !found || !strings.HasSuffix(inner, "]") {
		return false
	}
	_, err := strconv.Atoi(strings.TrimSuffix(inner, "]"))
	return err == nil
}

// flagValue reads a boolean filter value as RetailCRM does: "1"/"true" or "0"/"false".
func flagValue(vals []string) (value, given bool, err error) {
	if len(vals) == 0 {
		return false, false, nil
	}
	switch vals[0] {
	case "1", "true":
		return true, true, nil
	case "0", "false":
		return false, true, nil
	}
	return false, false, errInput("filter", probInvalid)
}

// listParam collects the values of a list parameter outside the filters: "ids[]=1&ids[]=2" or
// the PHP form "ids[0]=1".
func listParam(q url.Values, name string) []string {
	var out []string
	for key, vals := range q {
		if tail, found := strings.CutPrefix(key, name); found && validIndex(tail) {
			out = append(out, vals...)
		}
	}
	return out
}

// matches tells whether v is one of the filter values; no values match everything.
func matches(vals []string, v string) bool { return len(vals) == 0 || slices.Contains(vals, v) }

// ints parses the integer values of the parameter param ("filter[ids]", "ids").
func ints(param string, vals []string) ([]int, error) {
	out := make([]int, 0, len(vals))
	for _, v := range vals {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, errInput(param, probInvalid)
		}
		out = append(out, n)
	}
	return out, nil
}

// decodeEntity decodes the JSON held by one form field (order=, payment=, ...).
func decodeEntity(form url.Values, name string, v any) error {
	raw := form.Get(name)
	if strings.TrimSpace(raw) == "" {
		return errMissing(name)
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		field := name
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			field = te.Field
		}
		return errEntity(map[string]string{field: probInvalid})
	}
	return nil
}
