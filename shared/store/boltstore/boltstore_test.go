package boltstore_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
	"unfbridge/shared/store/storetest"
)

func open(t *testing.T, path string) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s := open(t, filepath.Join(t.TempDir(), "store.db"))
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Error(err)
			}
		})
		return s
	})
}

func TestOpenCreatesPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "store.db")
	if err := open(t, path).Close(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Fatalf("file mode %v, want 0600", mode)
	}
}

func TestSecondOpenFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s := open(t, path)
	defer s.Close()
	_, err := boltstore.Open(path)
	if !errors.Is(err, boltstore.ErrLocked) {
		t.Fatalf("second open: got error %v, want ErrLocked", err)
	}
	t.Log(err)
}

func TestDataSurvivesReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "store.db")
	it := store.Item{PK: "p", SK: "s", Version: 3, Data: []byte("kept")}
	s := open(t, path)
	if err := s.Put(ctx, it, store.IfNotExists()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err == nil {
		t.Fatal("ping of a closed store succeeded")
	}

	s = open(t, path)
	defer s.Close()
	got, err := s.Get(ctx, it.Key())
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != it.Version || string(got.Data) != string(it.Data) {
		t.Fatalf("after reopen got %+v, want %+v", got, it)
	}
}
