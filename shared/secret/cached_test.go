package secret_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"unfbridge/shared/secret"
	"unfbridge/shared/secret/storesecret"
	"unfbridge/shared/store/boltstore"
)

// boltSecrets returns a secret store on a new bbolt file.
func boltSecrets(t *testing.T) secret.Store {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return storesecret.New(st)
}

// pausing holds its first Get after the read, until release is closed.
type pausing struct {
	secret.Store
	once    sync.Once
	read    chan struct{} // closed when the first Get has read
	release chan struct{}
}

func (p *pausing) Get(ctx context.Context, name string) (string, error) {
	v, err := p.Store.Get(ctx, name)
	p.once.Do(func() {
		close(p.read)
		<-p.release
	})
	return v, err
}

// TestCachedReadOverlappingPut checks that a read that overlapped a Put does not cache the older
// value over the one put: after the Put, the cache serves the new value.
func TestCachedReadOverlappingPut(t *testing.T) {
	ctx := t.Context()
	name := secret.AdminToken
	inner := &pausing{Store: boltSecrets(t), read: make(chan struct{}), release: make(chan struct{})}
	if err := inner.Store.Put(ctx, name, "old"); err != nil {
		t.Fatal(err)
	}
	c := secret.NewCached(inner, time.Hour)

	got := make(chan string)
	go func() {
		v, err := c.Get(ctx, name)
		if err != nil {
			t.Error(err)
		}
		got <- v
	}()
	<-inner.read
	if err := c.Put(ctx, name, "new"); err != nil {
		t.Fatal(err)
	}
	close(inner.release)
	if v := <-got; v != "old" {
		t.Fatalf("overlapping Get = %q, want the value it read, %q", v, "old")
	}
	if v, err := c.Get(ctx, name); err != nil || v != "new" {
		t.Fatalf("Get after the Put = %q, %v; want %q", v, err, "new")
	}
}
