package dynamodblocal

import (
	"path/filepath"
	"testing"

	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
	"unfbridge/shared/store/dynamostore"
)

// EachStore runs a repository test against every store adapter, in parallel subtests: the
// embedded one (bbolt, in a temporary file) and DynamoDB Local (a fresh table of the template).
// The test binary's TestMain must call Main.
func EachStore(t *testing.T, run func(t *testing.T, st store.Store)) {
	t.Run("bolt", func(t *testing.T) {
		t.Parallel()
		st, err := boltstore.Open(filepath.Join(t.TempDir(), "bridge.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		run(t, st)
	})
	t.Run("dynamo", func(t *testing.T) {
		t.Parallel()
		client, table := NewTable(t)
		run(t, dynamostore.New(client, table))
	})
}
