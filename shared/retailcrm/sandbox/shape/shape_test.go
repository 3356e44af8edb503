package shape

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	for _, tc := range []struct {
		name      string
		want, got string
		rules     Rules
		diffs     []string
	}{
		{name: "same shape, other values", want: `{"a": 1, "b": "x", "c": [true]}`, got: `{"c": [false], "b": "y", "a": 2.5}`},
		{name: "missing field", want: `{"a": 1, "b": {"c": 1}}`, got: `{"a": 1}`, diffs: []string{"b: " + Missing}},
		{name: "extra nested field", want: `{"a": {"b": 1}}`, got: `{"a": {"b": 1, "c": null}}`, diffs: []string{"a.c: " + Extra}},
		{
			name: "type differs", want: `{"a": 1}`, got: `{"a": "1"}`,
			diffs: []string{"a:number: " + Missing, "a:string: " + Extra},
		},
		{name: "arrays by element union", want: `{"l": [{"a": 1}, {"b": null}]}`, got: `{"l": [{"a": 2, "b": null}]}`},
		{name: "union of kinds", want: `{"l": [{"v": 1}, {"v": null}]}`, got: `{"l": [{"v": 2}]}`, diffs: []string{"l[].v:null: " + Missing}},
		{name: "empty array matches any elements", want: `{"l": [{"a": 1}]}`, got: `{"l": []}`},
		{
			name: "maps compare values", want: `{"m": {"new": {"code": "new"}, "x": {"code": "x"}}}`,
			got: `{"m": {"other": {"code": "other", "group": "g"}}}`, rules: Rules{Maps: []string{"m"}},
			diffs: []string{"m.*.group: " + Extra},
		},
		{
			name: "PHP empty map", want: `{"o": {"m": {"k": 1}}}`, got: `{"o": {"m": []}}`,
			rules: Rules{Maps: []string{"o.m"}},
		},
		{
			name: "allowances", want: `{"a": 1, "b": 2, "l": [{"c": 1}]}`, got: `{"a": 1, "l": [{"c": 1, "d": 2}], "e": true}`,
			rules: Rules{
				Optional: map[string]string{"b": "reason"},
				Extra:    map[string]string{"l[].d": "reason", "e": "reason", "never": "reason"},
			},
			diffs: []string{"never: " + Unused},
		},
		{
			name: "allowed type difference", want: `{"a": 1}`, got: `{"a": null}`,
			rules: Rules{Optional: map[string]string{"a:number": "r"}, Extra: map[string]string{"a:null": "r"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diffs, err := Compare([]byte(tc.want), []byte(tc.got), tc.rules)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range diffs {
				got = append(got, d.String())
			}
			if !slices.Equal(got, tc.diffs) {
				t.Errorf("diffs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.diffs, "\n"))
			}
		})
	}
}

func TestCompareRejectsInvalidJSON(t *testing.T) {
	if _, err := Compare([]byte(`{`), []byte(`{}`), Rules{}); err == nil {
		t.Error("invalid reference accepted")
	}
	if _, err := Compare([]byte(`{}`), []byte(`{"a":`), Rules{}); err == nil {
		t.Error("invalid document accepted")
	}
}

type recorder struct{ errs []string }

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestCheck(t *testing.T) {
	var r recorder
	Check(&r, "same", []byte(`{"a": 1}`), []byte(`{"a": 2}`), Rules{})
	if len(r.errs) != 0 {
		t.Errorf("same shape reported: %v", r.errs)
	}
	Check(&r, "differs", []byte(`{"a": 1}`), []byte(`{"b": 2}`), Rules{})
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "a: "+Missing) || !strings.Contains(r.errs[0], "b: "+Extra) {
		t.Errorf("reported %v", r.errs)
	}
}
