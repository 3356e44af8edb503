package storesecret_test

import (
	"path/filepath"
	"testing"

	"unfbridge/infra/dynamodblocal"
	"unfbridge/shared/secret"
	"unfbridge/shared/secret/secrettest"
	"unfbridge/shared/secret/storesecret"
	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
	"unfbridge/shared/store/dynamostore"
)

func TestMain(m *testing.M) { dynamodblocal.Main(m) }

// openBolt opens a bbolt store on a new file, closed when the test ends.
func openBolt(t *testing.T) *boltstore.Store {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	return st
}

func TestContractBolt(t *testing.T) {
	secrettest.Run(t, func(t *testing.T) secret.Store { return storesecret.New(openBolt(t)) })
}

func TestContractDynamo(t *testing.T) {
	secrettest.Run(t, func(t *testing.T) secret.Store {
		return storesecret.New(dynamostore.New(dynamodblocal.NewTable(t)))
	})
}

// TestItemLayout checks the documented layout: PK "secret", SK the name, Data the value.
func TestItemLayout(t *testing.T) {
	st := openBolt(t)
	if err := storesecret.New(st).Put(t.Context(), secret.AdminToken, "tok"); err != nil {
		t.Fatal(err)
	}
	it, err := st.Get(t.Context(), store.Key{PK: "secret", SK: secret.AdminToken})
	if err != nil {
		t.Fatal(err)
	}
	if string(it.Data) != "tok" {
		t.Fatalf("item data %q, want %q", it.Data, "tok")
	}
}
