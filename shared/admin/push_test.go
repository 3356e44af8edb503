package admin_test

import (
	"net/http"
	"testing"
	"time"

	"unfbridge/shared/push"
	"unfbridge/shared/settings"
	bridgesync "unfbridge/shared/sync"
)

// TestPushSettings: the push options are saved once the connection is verified, checked, and
// refused before.
func TestPushSettings(t *testing.T) {
	b := newBridge(t)
	opts := settings.Push{CancelStatus: "cancel-other", PaymentUnposted: settings.PaymentUnpostedDelete,
		PaidStatus: "paid", NotPaidStatus: "not-paid"}
	if a := b.do("PUT", "/admin/v1/settings/push", opts); a.status != http.StatusConflict ||
		a.errorOf(t).Code != "connection_not_verified" {
		t.Fatalf("before verification: %d %s", a.status, a.body)
	}
	b.connect()
	a := b.do("PUT", "/admin/v1/settings/push", opts)
	var v bridgesync.View
	a.decode(t, &v)
	if a.status != http.StatusOK || v.Settings.Push != opts {
		t.Fatalf("saved: %d %s", a.status, a.body)
	}
	before := b.storeDump()
	opts.PaymentUnposted = "keep"
	a = b.do("PUT", "/admin/v1/settings/push", opts)
	if e := a.errorOf(t); a.status != http.StatusUnprocessableEntity || len(e.Details) != 1 || e.Details[0].Field != "push.paymentUnposted" {
		t.Fatalf("invalid: %d %s", a.status, a.body)
	}
	if b.storeDump() != before {
		t.Fatal("a refused save changed the settings")
	}
}

// TestPushFailedAndRetry: the failed pushes are listed; the retry action clears those of one
// order (or all) and pushes the orders again; a bad body is refused.
func TestPushFailedAndRetry(t *testing.T) {
	b, ib := newImportBridge(t)
	var listed []push.Failure
	if a := b.do("GET", "/admin/v1/push/failed", nil); a.status != http.StatusOK || string(a.body) != "[]\n" {
		t.Fatalf("empty list: %d %s", a.status, a.body)
	}
	repo := push.New(ib.Store)
	for _, id := range []int64{5, 9} {
		if err := repo.Fail(t.Context(), push.Failure{CRMOrderID: id, Object: "order", Key: push.ObjectOrder,
			Message: "Errors in the entity format; status: invalid", Updated: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	b.do("GET", "/admin/v1/push/failed", nil).decode(t, &listed)
	if len(listed) != 2 || listed[0].CRMOrderID != 5 || listed[0].Message != "Errors in the entity format; status: invalid" {
		t.Fatalf("listed %+v", listed)
	}

	if run := b.do("POST", "/admin/v1/push/retry", map[string]int64{"crmOrderId": 9}).run(t); run.Flow != push.Flow ||
		run.Trigger != bridgesync.TriggerButton || run.Counts[bridgesync.CountOrders] != 1 {
		t.Fatalf("retry of one order: %+v", run)
	}
	b.do("GET", "/admin/v1/push/failed", nil).decode(t, &listed)
	if len(listed) != 1 || listed[0].CRMOrderID != 5 {
		t.Fatalf("after the retry of order 9: %+v", listed)
	}
	if a := b.do("POST", "/admin/v1/push/retry", `{"crmOrderId": "5"}`); a.status != http.StatusBadRequest {
		t.Fatalf("bad body: %d %s", a.status, a.body)
	}
	if a := b.do("POST", "/admin/v1/push/retry", map[string]int64{"crmOrderId": -5}); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("negative id: %d %s", a.status, a.body)
	}
	if run := b.do("POST", "/admin/v1/push/retry", nil).run(t); !run.Complete || run.Counts[bridgesync.CountOrders] != 1 {
		t.Fatalf("retry of all: %+v", run)
	}
	b.do("GET", "/admin/v1/push/failed", nil).decode(t, &listed)
	if len(listed) != 0 {
		t.Fatalf("after the retry of all: %+v", listed)
	}
}
