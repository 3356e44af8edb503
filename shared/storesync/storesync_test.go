package storesync_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"unfbridge/shared/store/boltstore"
	"unfbridge/shared/storesync"
)

func TestOffersRoundTrip(t *testing.T) {
	o := storesync.Offers{Scope: "site=shop;key=externalId", Entries: map[string]storesync.Entry{
		"a":                      {Print: 1},
		"b#c":                    {Print: 1<<64 - 1, Codes: []string{"base", "wholesale"}},
		"д":                      {Print: 42, Codes: []string{"wholesale"}},
		strings.Repeat("x", 300): {Print: 7, Codes: []string{"base"}},
	}}
	for i := range 1000 {
		o.Entries[fmt.Sprint("offer-", i)] = storesync.Entry{Print: uint64(i) * 977}
	}
	var buf bytes.Buffer
	if err := storesync.WriteOffers(&buf, o); err != nil {
		t.Fatal(err)
	}
	got, err := storesync.ReadOffers(bytes.NewReader(buf.Bytes()))
	if err != nil || !reflect.DeepEqual(got, o) {
		t.Fatalf("read back %d entries (scope %q), %v", len(got.Entries), got.Scope, err)
	}
	var empty bytes.Buffer
	if err := storesync.WriteOffers(&empty, storesync.Offers{}); err != nil {
		t.Fatal(err)
	}
	if got, err := storesync.ReadOffers(&empty); err != nil || got.Scope != "" || len(got.Entries) != 0 {
		t.Errorf("empty state: %+v %v", got, err)
	}
	for name, data := range map[string][]byte{
		"not a state": []byte("hello"),
		"truncated":   buf.Bytes()[:buf.Len()-3],
		"bad code":    append(bytes.Clone(buf.Bytes()), 1, 'k', 1, 2, 3, 4, 5, 6, 7, 8, 1, 9),
	} {
		if _, err := storesync.ReadOffers(bytes.NewReader(data)); err == nil {
			t.Errorf("%s: read without an error", name)
		}
	}
}

func TestRepo(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := storesync.New(st)
	if s, err := r.Load(t.Context(), "stock"); err != nil || s.Request != nil || s.Last != nil {
		t.Fatalf("nothing stored: %+v %v", s, err)
	}
	at := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	if err := r.Ask(t.Context(), "stock", at, true); err != nil {
		t.Fatal(err)
	}
	if err := r.Ask(t.Context(), "stock", at.Add(time.Minute), false); err != nil {
		t.Fatal(err)
	}
	s, err := r.Load(t.Context(), "stock")
	if err != nil || s.Request == nil || !s.Request.Full || !s.Request.At.Equal(at.Add(time.Minute)) {
		t.Errorf("a second press keeps the full upload: %+v %v", s.Request, err)
	}
	if other, _ := r.Load(t.Context(), "prices"); other.Request != nil {
		t.Error("a request of one flow shows in the other")
	}
	p := &storesync.Progress{Running: true, Until: at.Add(time.Minute)}
	if _, err := r.Update(t.Context(), "stock", func(s *storesync.State) { s.Progress = p }); err != nil {
		t.Fatal(err)
	}
	s, _ = r.Load(t.Context(), "stock")
	if !s.Progress.Active(at) || s.Progress.Active(at.Add(time.Minute)) || (*storesync.Progress)(nil).Active(at) || s.Request == nil {
		t.Errorf("progress %+v, request %+v", s.Progress, s.Request)
	}
}
