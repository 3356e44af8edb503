package gateway_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"unfbridge/shared/gateway"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/onecrefs"
	"unfbridge/shared/secret"
	"unfbridge/shared/store"
)

// interfering is a store on which another writer saves a newer snapshot just before each of the
// first `times` Writes.
type interfering struct {
	store.Store
	t     *testing.T
	times int32
	calls atomic.Int32
}

func (s *interfering) Write(ctx context.Context, ops []store.Op) error {
	if s.calls.Add(1) <= s.times {
		snap := onecrefs.Snapshot{EventID: onectest.GUID(), OccurredAt: time.Now(), Infobase: onectest.Infobase}
		ops, _, err := onecrefs.New(s.Store).SaveOps(ctx, snap)
		if err == nil {
			err = s.Store.Write(ctx, ops)
		}
		if err != nil {
			s.t.Error(err)
		}
	}
	return s.Store.Write(ctx, ops)
}

// TestConcurrentNewerSnapshot has a newer snapshot saved while an event is handled: the event's
// write fails, it is handled again and found stale.
func TestConcurrentNewerSnapshot(t *testing.T) {
	e := newEnvWith(t, map[string]string{secret.OnecToken: testToken}, func(s store.Store) store.Store {
		return &interfering{Store: s, t: t, times: 1}
	})
	id := onectest.GUID()
	r := e.post(snapshotEvent(t, id, e.past(time.Hour)))
	if a := r.answer(t); r.status != http.StatusOK || a.Status != gateway.StatusIgnored {
		t.Fatalf("answer %d %s, want ignored", r.status, r.body)
	}
	if snap, _ := e.latest(); snap.EventID == id {
		t.Fatal("the older snapshot overwrote the newer one")
	}
}

// TestBusy has every write meet a concurrent change: the event is refused with 503, not stored,
// and 1C sends it again later.
func TestBusy(t *testing.T) {
	e := newEnvWith(t, map[string]string{secret.OnecToken: testToken}, func(s store.Store) store.Store {
		return &interfering{Store: s, t: t, times: 1000}
	})
	id := onectest.GUID()
	e.post(snapshotEvent(t, id, time.Now().Add(time.Hour))).wantError(t, http.StatusServiceUnavailable, "busy")
	if _, err := e.store.Get(t.Context(), store.Key{PK: "onec-event#" + id, SK: "event"}); err == nil {
		t.Fatal("a dedupe record was stored")
	}
}

func TestStoreUnavailable(t *testing.T) {
	e := newEnvWith(t, map[string]string{secret.OnecToken: testToken}, func(s store.Store) store.Store {
		return failing{s}
	})
	e.post(snapshotEvent(t, onectest.GUID(), e.past(time.Hour))).wantError(t, http.StatusInternalServerError, "internal")
	if !strings.Contains(e.logs.String(), `"level":"ERROR"`) || !strings.Contains(e.logs.String(), "store is down") {
		t.Fatalf("the failure was not logged: %s", e.logs.String())
	}
}

// failing is a store that cannot be read.
type failing struct{ store.Store }

func (failing) Get(context.Context, store.Key) (store.Item, error) {
	return store.Item{}, fmt.Errorf("store is down")
}

func TestSnapshotTooLarge(t *testing.T) {
	e := newEnv(t)
	id := onectest.GUID()
	ev := onectest.Snapshot(id, e.past(time.Hour), onectest.References())
	refs := onectest.References()
	for i := range 6000 {
		refs.Users = append(refs.Users, onec.RefItem{Ref: onectest.GUID(), Name: fmt.Sprintf("Сотрудник %d %s %s %s", i, onectest.GUID(), onectest.GUID(), onectest.GUID())})
	}
	ev.Payload = marshal(t, refs)
	got := e.post(marshal(t, ev)).wantError(t, http.StatusRequestEntityTooLarge, "snapshot_too_large")
	if !strings.Contains(got.Message, "350 КБ") {
		t.Fatalf("the message does not tell the limit: %s", got.Message)
	}
	e.wantNothingStored(id)
}

// TestTokenNeverLogged runs accepted, refused, duplicate and invalid requests carrying the token
// and checks that the logs never show it, nor the Authorization header.
func TestTokenNeverLogged(t *testing.T) {
	e := newEnv(t)
	id := onectest.GUID()
	body := snapshotEvent(t, id, e.past(time.Hour))
	e.post(body)
	e.do(http.MethodPost, "/onec/v1/events", body, basic(testToken))
	e.do(http.MethodPost, "/onec/v1/events", body, bearer(testToken+"-wrong"))
	e.do(http.MethodPost, "/onec/v1/events", body, nil)
	e.post(set("eventId", testToken)(t, body))
	e.post(set("type", testToken)(t, body))
	e.post(set("payload.users", []map[string]string{{"ref": testToken, "name": testToken}})(t, body))
	e.do(http.MethodGet, "/onec/v1/events", nil, bearer(testToken))
	e.srv.Close() // waits for the handlers, so that every line is written.

	logs := e.logs.String()
	if strings.Count(logs, "\n") < 7 {
		t.Fatalf("too few log lines: %s", logs)
	}
	basicCredentials := base64.StdEncoding.EncodeToString([]byte("1c:" + testToken))
	for _, leak := range []string{testToken, basicCredentials, "Authorization", "Bearer"} {
		if strings.Contains(logs, leak) {
			t.Fatalf("the logs show %q:\n%s", leak, logs)
		}
	}
}
