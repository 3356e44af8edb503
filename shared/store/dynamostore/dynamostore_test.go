package dynamostore_test

import (
	"errors"
	"testing"

	"unfbridge/infra/dynamodblocal"
	"unfbridge/shared/store"
	"unfbridge/shared/store/dynamostore"
	"unfbridge/shared/store/storetest"
)

func TestMain(m *testing.M) { dynamodblocal.Main(m) }

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		client, table := dynamodblocal.NewTable(t)
		return dynamostore.New(client, table)
	})
}

// TestNewClientWithEndpoint reaches DynamoDB Local through NewClient, configured as a deployment
// is: credentials and region from the environment, the endpoint from the options.
func TestNewClientWithEndpoint(t *testing.T) {
	endpoint := dynamodblocal.Start(t)
	_, table := dynamodblocal.NewTable(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")

	client, err := dynamostore.NewClient(t.Context(), dynamostore.Options{Endpoint: endpoint, Region: "ru-central1"})
	if err != nil {
		t.Fatal(err)
	}
	s := dynamostore.New(client, table)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	it := store.Item{PK: "p", SK: "s", Version: 1, Data: []byte("via endpoint")}
	if err := s.Put(t.Context(), it, store.IfNotExists()); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(t.Context(), it.Key())
	if err != nil || string(got.Data) != string(it.Data) {
		t.Fatalf("get: %+v, %v", got, err)
	}
}

func TestPingMissingTable(t *testing.T) {
	client, _ := dynamodblocal.NewTable(t)
	if err := dynamostore.New(client, "no-such-table").Ping(t.Context()); err == nil {
		t.Fatal("ping of a missing table succeeded")
	}
}

func TestMissingTableIsNotAStoreError(t *testing.T) {
	client, _ := dynamodblocal.NewTable(t)
	_, err := dynamostore.New(client, "no-such-table").Get(t.Context(), store.Key{PK: "p", SK: "s"})
	if err == nil || errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		t.Fatalf("get from a missing table: got error %v, want a service error", err)
	}
}
