package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"unfbridge/shared/store"
)

// items returns one item per sort key in partition pk; Data holds the sort key.
func items(pk string, sks ...string) []store.Item {
	out := make([]store.Item, len(sks))
	for i, sk := range sks {
		out[i] = store.Item{PK: pk, SK: sk, Version: 1, Data: []byte(sk)}
	}
	return out
}

// numbered returns n sort keys prefix000, prefix001, …
func numbered(prefix string, n int) []string {
	sks := make([]string, n)
	for i := range sks {
		sks[i] = fmt.Sprintf("%s%03d", prefix, i)
	}
	return sks
}

func reversed(sks []string) []string {
	out := slices.Clone(sks)
	slices.Reverse(out)
	return out
}

// wantQuery checks that one page of q holds exactly the sort keys want, checks the items' data
// and returns the page's Next.
func wantQuery(t *testing.T, s store.Store, q store.Query, want []string) string {
	t.Helper()
	page, err := s.Query(t.Context(), q)
	if err != nil {
		t.Fatalf("query %+v: %v", q, err)
	}
	got := make([]string, len(page.Items))
	for i, it := range page.Items {
		got[i] = it.SK
		if it.PK != q.PK || string(it.Data) != it.SK {
			t.Fatalf("query %+v: item %s has data %q", q, it.Key(), it.Data)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("query %+v:\n got %q\nwant %q", q, got, want)
	}
	return page.Next
}

// wantPages reads q page by page and checks the page sizes, that only the last page has no Next
// and that the pages together hold the sort keys want in order.
func wantPages(t *testing.T, s store.Store, q store.Query, sizes []int, want []string) {
	t.Helper()
	var all []string
	for i, size := range sizes {
		q.After = wantQuery(t, s, q, want[len(all):len(all)+size])
		all = append(all, want[len(all):len(all)+size]...)
		if last := i == len(sizes)-1; last != (q.After == "") {
			t.Fatalf("query %+v: page %d of %d has Next %q", q, i+1, len(sizes), q.After)
		}
	}
	if len(all) != len(want) {
		t.Fatalf("pages hold %d items, want %d", len(all), len(want))
	}
}

func testQueryPrefix(t *testing.T, s store.Store) {
	pk := partition(t, "")
	seed(t, s, items(pk, "a", "a#1", "a#2", "a#3", "ab", "aé", "b#1")...)
	// Neighbouring partitions, one of whose keys starts with pk, never leak into pk's results.
	seed(t, s, items(pk+"x", "a#0", "a#4")...)
	seed(t, s, items("0"+pk, "a#0")...)

	wantQuery(t, s, store.Query{PK: pk, Prefix: "a#"}, []string{"a#1", "a#2", "a#3"})
	wantQuery(t, s, store.Query{PK: pk, Prefix: "a#", Desc: true}, []string{"a#3", "a#2", "a#1"})
	wantQuery(t, s, store.Query{PK: pk, Prefix: "a"}, []string{"a", "a#1", "a#2", "a#3", "ab", "aé"})
	wantQuery(t, s, store.Query{PK: pk, Prefix: "aé"}, []string{"aé"})
	wantQuery(t, s, store.Query{PK: pk, Prefix: "c"}, nil)
	wantQuery(t, s, store.Query{PK: pk}, []string{"a", "a#1", "a#2", "a#3", "ab", "aé", "b#1"})
	wantQuery(t, s, store.Query{PK: pk, Desc: true}, []string{"b#1", "aé", "ab", "a#3", "a#2", "a#1", "a"})
	wantQuery(t, s, store.Query{PK: pk + "y"}, nil)
}

func testQueryRange(t *testing.T, s store.Store) {
	pk := partition(t, "")
	seed(t, s, items(pk, numbered("k", 10)...)...)

	wantQuery(t, s, store.Query{PK: pk, From: "k003", To: "k005"}, []string{"k003", "k004", "k005"})
	wantQuery(t, s, store.Query{PK: pk, From: "k003", To: "k005", Desc: true}, []string{"k005", "k004", "k003"})
	wantQuery(t, s, store.Query{PK: pk, From: "k004", To: "k004"}, []string{"k004"})
	wantQuery(t, s, store.Query{PK: pk, From: "k0035", To: "k0065"}, []string{"k004", "k005", "k006"})
	wantQuery(t, s, store.Query{PK: pk, From: "k007"}, []string{"k007", "k008", "k009"})
	wantQuery(t, s, store.Query{PK: pk, From: "k007", Desc: true}, []string{"k009", "k008", "k007"})
	wantQuery(t, s, store.Query{PK: pk, To: "k002"}, []string{"k000", "k001", "k002"})
	wantQuery(t, s, store.Query{PK: pk, To: "k002", Desc: true}, []string{"k002", "k001", "k000"})
	wantQuery(t, s, store.Query{PK: pk, From: "z"}, nil)
}

func testQueryPaging(t *testing.T, s store.Store) {
	pk := partition(t, "")
	asc := numbered("i", 25)
	desc := reversed(asc)
	seed(t, s, items(pk, asc...)...)
	seed(t, s, items(pk+"x", asc...)...)

	wantPages(t, s, store.Query{PK: pk, Limit: 10}, []int{10, 10, 5}, asc)
	wantPages(t, s, store.Query{PK: pk, Limit: 10, Desc: true}, []int{10, 10, 5}, desc)
	// The last full page has no Next: nothing follows it.
	wantPages(t, s, store.Query{PK: pk, Limit: 5}, []int{5, 5, 5, 5, 5}, asc)
	wantPages(t, s, store.Query{PK: pk, Limit: 25}, []int{25}, asc)
	wantPages(t, s, store.Query{PK: pk, From: "i005", To: "i014", Limit: 4}, []int{4, 4, 2}, asc[5:15])
	wantPages(t, s, store.Query{PK: pk, From: "i005", To: "i014", Limit: 4, Desc: true}, []int{4, 4, 2}, desc[10:20])
	wantPages(t, s, store.Query{PK: pk, Prefix: "i01", Limit: 3, Desc: true}, []int{3, 3, 3, 1}, desc[5:15])
}

func testQuerySkipsExpired(t *testing.T, s store.Store) {
	pk := partition(t, "")
	var live []string
	all := items(pk, numbered("e", 40)...)
	for i := range all {
		// Every other item and all after the 20th are expired.
		if i%2 == 1 || i >= 20 {
			all[i].ExpiresAt = time.Now().Add(-time.Minute)
		} else {
			live = append(live, all[i].SK)
		}
	}
	seed(t, s, all...)

	wantPages(t, s, store.Query{PK: pk, Limit: 5}, []int{5, 5}, live)
	wantPages(t, s, store.Query{PK: pk, Limit: 10}, []int{10}, live)
	wantPages(t, s, store.Query{PK: pk, Limit: 3, Desc: true}, []int{3, 3, 3, 1}, reversed(live))
}

func testQueryDefaultLimit(t *testing.T, s store.Store) {
	pk := partition(t, "")
	sks := numbered("d", store.DefaultQueryLimit+5)
	seed(t, s, items(pk, sks...)...)
	wantPages(t, s, store.Query{PK: pk}, []int{store.DefaultQueryLimit, 5}, sks)
	wantPages(t, s, store.Query{PK: pk, Limit: store.MaxQueryLimit}, []int{len(sks)}, sks)
}

func testQueryInvalid(t *testing.T, s store.Store) {
	pk := partition(t, "")
	for _, q := range []store.Query{
		{},
		{PK: "a\x00b"},
		{PK: strings.Repeat("p", store.MaxPKLen+1)},
		{PK: pk, Prefix: "a", From: "a"},
		{PK: pk, Prefix: "a", To: "b"},
		{PK: pk, From: "b", To: "a"},
		{PK: pk, Prefix: "\xff"},
		{PK: pk, Limit: -1},
		{PK: pk, Limit: store.MaxQueryLimit + 1},
		{PK: pk, After: "not a cursor!"},
		{PK: pk, After: store.EncodeCursor("a\x00")},
		{PK: pk, Prefix: "a", After: store.EncodeCursor("b")},
		{PK: pk, From: "b", After: store.EncodeCursor("a")},
	} {
		_, err := s.Query(t.Context(), q)
		wantErr(t, err, store.ErrInvalid, fmt.Sprintf("query %#v", q))
	}
}
