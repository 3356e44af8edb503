package retailcrm

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestDecimalDecodesExactly(t *testing.T) {
	for in, want := range map[string]string{
		`12345678901234567890.123456789`: "12345678901234567890.123456789",
		`0.1`:                            "0.1",
		`"1500.50"`:                      "1500.5",
		`-3`:                             "-3",
		`1e3`:                            "1000",
		`"0.000001"`:                     "0.000001",
	} {
		var d Decimal
		if err := json.Unmarshal([]byte(in), &d); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if d.String() != want {
			t.Errorf("%s → %s, want %s", in, d, want)
		}
		out, err := json.Marshal(d)
		if err != nil || string(out) != want {
			t.Errorf("%s encodes as %s %v, want the number %s", in, out, err, want)
		}
	}
	for _, in := range []string{`true`, `""`, `"abc"`, `{}`, `[1]`} {
		var d Decimal
		if err := json.Unmarshal([]byte(in), &d); err == nil {
			t.Errorf("%s decoded as %s", in, d)
		}
	}
	d := MustDecimal("7")
	if err := json.Unmarshal([]byte(`null`), &d); err != nil || d.String() != "7" {
		t.Errorf("null changed the value to %s (%v)", d, err)
	}
}

func TestZerosAreSent(t *testing.T) {
	out, err := json.Marshal(struct {
		Stock    Decimal  `json:"stock"`
		Price    *Decimal `json:"price,omitempty"`
		Absent   *Decimal `json:"absent,omitempty"`
		Quantity Decimal  `json:"quantity,omitempty"`
	}{Price: Ptr(Decimal{})})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"stock":0,"price":0,"quantity":0}` {
		t.Errorf("got %s", out)
	}
}

func TestListAcceptsArraysAndObjects(t *testing.T) {
	for in, want := range map[string]List[EntityRef]{
		`[{"id":1},{"id":2}]`:                {{ID: 1}, {ID: 2}},
		`{"20":{"id":20},"3":{"id":3}}`:      {{ID: 20}, {ID: 3}},
		`[]`:                                 {},
		`{}`:                                 {},
		`null`:                               nil,
		` { "a" : { "externalId" : "x" } } `: {{ExternalID: "x"}},
	} {
		var got List[EntityRef]
		if err := json.Unmarshal([]byte(in), &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s → %#v %v, want %#v", in, got, err, want)
		}
	}
	var got List[EntityRef]
	if err := json.Unmarshal([]byte(`"x"`), &got); err == nil {
		t.Error("a string decoded as a list")
	}
	if out, _ := json.Marshal(List[EntityRef]{{ID: 1}}); string(out) != `[{"id":1}]` {
		t.Errorf("encodes as %s", out)
	}
}

func TestMapAcceptsEmptyArray(t *testing.T) {
	for in, want := range map[string]Map[Value]{
		`{"a":1,"b":"x"}`: {"a": Value("1"), "b": Value(`"x"`)},
		`[]`:              {},
		`["x","y"]`:       {"0": Value(`"x"`), "1": Value(`"y"`)},
	} {
		var got Map[Value]
		if err := json.Unmarshal([]byte(in), &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s → %v %v, want %v", in, got, err, want)
		}
	}
}

func TestValueHelpers(t *testing.T) {
	for in, want := range map[string]struct {
		null     bool
		text     string
		code     string
		id       int64
		decimal  string
		decimalE bool
	}{
		`null`:             {null: true, decimal: "0"},
		`"new"`:            {text: "new", code: "new", decimalE: true},
		`{"code":"paid"}`:  {code: "paid", decimalE: true},
		`{"id":23}`:        {id: 23, decimalE: true},
		`30470.4`:          {text: "30470.4", code: "30470.4", decimal: "30470.4"},
		`"12"`:             {text: "12", code: "12", id: 12, decimal: "12"},
		`true`:             {text: "true", code: "true", decimalE: true},
		`{"from":"09:00"}`: {decimalE: true},
		`["a"]`:            {decimalE: true},
	} {
		v := Value(in)
		d, err := v.Decimal()
		if v.IsNull() != want.null || v.Text() != want.text || v.Code() != want.code || v.ID() != want.id ||
			(err != nil) != want.decimalE || (err == nil && d.String() != want.decimal) {
			t.Errorf("%s: null %v text %q code %q id %d decimal %s %v", in, v.IsNull(), v.Text(), v.Code(), v.ID(), d, err)
		}
	}
	var absent Value
	if !absent.IsNull() {
		t.Error("an absent value is not null")
	}
	if v, err := NewValue(map[string]int{"id": 5}); err != nil || v.ID() != 5 {
		t.Errorf("NewValue: %s %v", v, err)
	}
	var r HistoryRecord
	if err := json.Unmarshal([]byte(`{"source":"api","apiKey":{"current":true}}`), &r); err != nil || !r.ByThisKey() {
		t.Errorf("own change not recognised: %+v %v", r, err)
	}
}
