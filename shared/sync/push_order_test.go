package sync_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/settings"
	"unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
)

// TestPushUnchangedOrderSendsNothing: posting the order 1C got from RetailCRM, unchanged, sends
// no request, and the order is clean.
func TestPushUnchangedOrderSendsNothing(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	e.postOrder(onec.TypeOrderPosted, e.order1C())
	run := e.drain()
	if edits := e.orderEdits(); len(edits) != 0 || run.Counts[sync.CountUnchanged] != 1 || !run.Complete {
		t.Fatalf("edits %v, run %+v", edits, run)
	}
	if w, dirty := e.work(); dirty {
		t.Fatalf("the order is still dirty: %+v", w)
	}
}

// TestPushSendsOnlyChangedFields: a new state and a new quantity send the status and the lines
// (by their ids, the unchanged one with its id only), nothing else; posting it again sends
// nothing.
func TestPushSendsOnlyChangedFields(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	before := e.crmOrder()
	o := e.order1C()
	o.State = e.stateOf("assembling")
	mugLine := lineOf(t, &o, mug)
	mugLine.Quantity, mugLine.Discount, mugLine.Total = qty("6"), money("60.00"), money("2280.00")
	e.postOrder(onec.TypeOrderPosted, o)
	run := e.drain()

	edits := e.orderEdits()
	if len(edits) != 1 || run.Counts[sync.CountOrdersEdited] != 1 {
		t.Fatalf("edits %v, run %+v", edits, run)
	}
	edit := edits[0]
	if keys := keysOf(edit); !slices.Equal(keys, []string{"items", "status"}) || edit["status"] != "assembling" {
		t.Fatalf("edit %v, want status and items only", edit)
	}
	kettleID, mugID := itemOf(t, before, kettle).ID, itemOf(t, before, mug).ID
	want := fmt.Sprintf("[map[id:%d] map[id:%d quantity:6]]", kettleID, mugID)
	if got := fmt.Sprint(edit["items"]); got != want {
		t.Fatalf("items %s, want %s", got, want)
	}
	after := e.crmOrder()
	if after.Status != "assembling" || itemOf(t, after, mug).ID != mugID || itemOf(t, after, kettle).ID != kettleID ||
		!itemOf(t, after, mug).Quantity.Equal(dec("6")) || len(after.Items) != 2 {
		t.Fatalf("CRM order after the push: %+v", after)
	}

	e.postOrder(onec.TypeOrderPosted, o)
	e.drain()
	if edits := e.orderEdits(); len(edits) != 1 {
		t.Fatalf("posting the same order again sent %v", edits[1:])
	}
}

// TestPushLinesAddedAndRemoved: a line removed in 1C disappears, a new one is created by its
// offer, the kept one stays by its id; the new line's id is kept for the next push.
func TestPushLinesAddedAndRemoved(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	mugID := itemOf(t, e.crmOrder(), mug).ID
	o := e.order1C()
	o.Items = slices.DeleteFunc(o.Items, func(it onec.OrderItem) bool { return it.OfferKey == kettle })
	product := pillow
	o.Items = append(o.Items, onec.OrderItem{OfferKey: pillow, ProductBy: onec.ProductByGUID, Product: &product,
		Name: "Подушка 50×70", Quantity: qty("3"), Price: money("800.00"), Discount: money("30.00"), Total: money("2370.00")})
	e.postOrder(onec.TypeOrderPosted, o)
	e.drain()

	edits := e.orderEdits()
	if len(edits) != 1 || !slices.Equal(keysOf(edits[0]), []string{"items"}) {
		t.Fatalf("edits %v", edits)
	}
	want := fmt.Sprintf("[map[id:%d] map[discountManualAmount:10 discountManualPercent:0 initialPrice:800 offer:map[externalId:%s] quantity:3]]",
		mugID, pillow)
	if got := fmt.Sprint(edits[0]["items"]); got != want {
		t.Fatalf("items %s, want %s", got, want)
	}
	after := e.crmOrder()
	if len(after.Items) != 2 || itemOf(t, after, mug).ID != mugID || !itemOf(t, after, pillow).InitialPrice.Equal(dec("800")) ||
		!itemOf(t, after, pillow).DiscountTotal.Equal(dec("10")) {
		t.Fatalf("CRM order after the push: %+v", after.Items)
	}

	lineOf(t, &o, pillow).Quantity = qty("4")
	lineOf(t, &o, pillow).Discount = money("40.00")
	e.postOrder(onec.TypeOrderPosted, o)
	e.drain()
	edits = e.orderEdits()
	want = fmt.Sprintf("[map[id:%d] map[id:%d quantity:4]]", mugID, itemOf(t, after, pillow).ID)
	if len(edits) != 2 || fmt.Sprint(edits[1]["items"]) != want {
		t.Fatalf("second edit %v, want items %s", edits[1:], want)
	}
}

// TestPushMergesLinesOfOneOffer: two 1C lines of one offer at one price become one CRM line;
// at two prices, the order is not pushed and the failed pushes say why.
func TestPushMergesLinesOfOneOffer(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	before := e.crmOrder()
	o := e.order1C()
	extra := *lineOf(t, &o, mug)
	extra.CRMItemID, extra.Quantity, extra.Discount, extra.Total = 0, qty("1"), money("10.00"), money("380.00")
	o.Items = append(o.Items, extra)
	e.postOrder(onec.TypeOrderPosted, o)
	e.drain()
	want := fmt.Sprintf("[map[id:%d] map[id:%d quantity:5]]", itemOf(t, before, kettle).ID, itemOf(t, before, mug).ID)
	if edits := e.orderEdits(); len(edits) != 1 || fmt.Sprint(edits[0]["items"]) != want {
		t.Fatalf("edits %v, want items %s", edits, want)
	}
	if got := itemOf(t, e.crmOrder(), mug); !got.Quantity.Equal(dec("5")) || len(e.crmOrder().Items) != 2 {
		t.Fatalf("CRM mug line %+v", got)
	}

	o.Items[len(o.Items)-1].Price = money("350.00")
	e.postOrder(onec.TypeOrderPosted, o)
	run := e.drain()
	failures := e.failures()
	if len(e.orderEdits()) != 1 || len(failures) != 1 || failures[0].Object != "order" ||
		!strings.Contains(failures[0].Message, "несколько раз с разными ценами") || run.Counts[sync.CountFailed] != 1 {
		t.Fatalf("failures %+v, run %+v", failures, run)
	}
	if w, dirty := e.work(); dirty {
		t.Fatalf("a refused order stays dirty: %+v", w)
	}
}

// TestPushStatusStoreAndDelivery: the state through the export table (an unmapped one leaves
// the status and says so), the warehouse through the warehouses table, the delivery cost.
func TestPushStatusStoreAndDelivery(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	o := e.order1C()
	unmapped := onectest.GUID()
	o.State = &unmapped
	var second string
	e.change(func(s *settings.Settings) {
		for _, w := range s.Tables.Warehouses {
			if w.CRMCode == "second" {
				second = w.Warehouse.Ref
			}
		}
	})
	o.Warehouse = &second
	o.Delivery.Cost = money("350.00")
	e.postOrder(onec.TypeOrderPosted, o)
	run := e.drain()
	edits := e.orderEdits()
	if len(edits) != 1 || !slices.Equal(keysOf(edits[0]), []string{"delivery", "shipmentStore"}) ||
		edits[0]["shipmentStore"] != "second" || fmt.Sprint(edits[0]["delivery"]) != "map[cost:350]" {
		t.Fatalf("edits %v", edits)
	}
	if !slices.ContainsFunc(run.Messages, func(m string) bool {
		return strings.Contains(m, unmapped) && strings.Contains(m, "не сопоставлено")
	}) {
		t.Fatalf("run messages %q", run.Messages)
	}
	if after := e.crmOrder(); after.Status != "new" || after.ShipmentStore != "second" || !after.Delivery.Cost.Equal(dec("350")) {
		t.Fatalf("CRM order after the push: %s %s %+v", after.Status, after.ShipmentStore, after.Delivery)
	}
}

// TestPushCancelStatus: an unposted or deleted 1C order gets the cancel status; posted again, its
// status comes back; without a cancel status nothing is sent and the run says so.
func TestPushCancelStatus(t *testing.T) {
	e := newPushEnv(t, importtest.Options{})
	o := e.order1C()
	e.postOrder(onec.TypeOrderUnposted, o)
	e.drain()
	if edits := e.orderEdits(); len(edits) != 1 || fmt.Sprint(edits[0]) != "map[status:cancel-other]" {
		t.Fatalf("edits %v", edits)
	}
	e.postOrder(onec.TypeOrderPosted, o)
	e.drain()
	if edits := e.orderEdits(); len(edits) != 2 || fmt.Sprint(edits[1]) != "map[status:new]" || e.crmOrder().Status != "new" {
		t.Fatalf("edits %v", edits)
	}
	e.postOrder(onec.TypeOrderDeleted, o)
	e.drain()
	if e.crmOrder().Status != "cancel-other" {
		t.Fatalf("status after deletion %s", e.crmOrder().Status)
	}

	e.change(func(s *settings.Settings) { s.Push.CancelStatus = "" })
	e.postOrder(onec.TypeOrderPosted, o)
	e.postOrder(onec.TypeOrderUnposted, o)
	run := e.drain()
	if len(e.orderEdits()) != 3 || !slices.ContainsFunc(run.Messages, func(m string) bool { return strings.Contains(m, "статус отмены") }) {
		t.Fatalf("edits %v, run %+v", e.orderEdits(), run)
	}
}
