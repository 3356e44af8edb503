package store_test

import (
	"path/filepath"
	gosync "sync"
	"testing"

	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
)

// TestUpdateJSONLosesNoUpdate: concurrent updates of one document each apply exactly once.
func TestUpdateJSONLosesNoUpdate(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "doc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k := store.Key{PK: "doc", SK: "counter"}
	type counter struct{ N int }
	if c, version, err := store.LoadJSON[counter](t.Context(), st, k); err != nil || c.N != 0 || version != 0 {
		t.Fatalf("missing document: %+v %d %v", c, version, err)
	}
	var wg gosync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 25 {
				if _, err := store.UpdateJSON(t.Context(), st, k, func(c *counter) { c.N++ }); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	c, version, err := store.LoadJSON[counter](t.Context(), st, k)
	if err != nil || c.N != 100 || version != 100 {
		t.Fatalf("after 100 updates: %+v version %d %v", c, version, err)
	}
}
