package gateway

import "testing"

func TestQuantity(t *testing.T) {
	cases := map[int]string{
		0: "0 строк", 1: "1 строка", 2: "2 строки", 4: "4 строки", 5: "5 строк", 11: "11 строк", 12: "12 строк",
		14: "14 строк", 21: "21 строка", 22: "22 строки", 111: "111 строк", 1000: "1 000 строк",
		123456: "123 456 строк", 1000000: "1 000 000 строк", 1000001: "1 000 001 строка",
	}
	for n, want := range cases {
		if got := quantity(n, "строка", "строки", "строк"); got != want {
			t.Errorf("quantity(%d) = %q, want %q", n, got, want)
		}
	}
}
