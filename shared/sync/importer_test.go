package sync_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"unfbridge/shared/inbox"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onecsim"
	"unfbridge/shared/quarantine"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/runlog"
	"unfbridge/shared/settings"
	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
	bridgesync "unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
)

// The manual's messages of the import status table, word for word.
const (
	manualStatusesEmpty = `Таблица соответствия статусов пустая, заказы не будут загружены в 1С. Чтобы это исправить, перейдите на вкладку "Статусы" и добавьте статусы в таблицу.`
	manualStatusSkipped = `Заказы в статусе %s не загружаются в 1С. Чтобы это исправить, перейдите на вкладку "Статусы" и добавьте этот статус в список.`
)

// importEnv is the assembled import with the demo orders and managers looked up.
type importEnv struct {
	*importtest.Bridge
	t *testing.T
	// anna and igor are the CRM ids of the demo managers.
	anna, igor int
	// demo are the CRM ids of the demo orders the connection's site holds, by status.
	demo map[string]int64
}

func newImportEnv(t *testing.T, o importtest.Options) *importEnv {
	t.Helper()
	e := &importEnv{Bridge: importtest.New(t, o), t: t, demo: map[string]int64{}}
	for _, m := range e.settings().Tables.Managers {
		switch m.CRMName {
		case "Анна Смирнова":
			e.anna = int(m.CRMID)
		case "Игорь Петров":
			e.igor = int(m.CRMID)
		}
	}
	page, err := e.ownClient().Orders(t.Context(), retailcrm.OrdersFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range page.Orders {
		if o.Site == sandbox.DemoSite {
			e.demo[o.Status] = o.ID
		}
	}
	if e.anna == 0 || e.igor == 0 || len(e.demo) != 3 {
		t.Fatalf("demo data: managers %d %d, orders %v", e.anna, e.igor, e.demo)
	}
	return e
}

// ownClient is a RetailCRM client with the bridge's own API key.
func (e *importEnv) ownClient() *retailcrm.Client {
	e.t.Helper()
	c, err := retailcrm.New(retailcrm.Options{BaseURL: e.Sandbox.URL(), APIKey: sandbox.DemoAPIKey})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *importEnv) settings() settings.Settings {
	e.t.Helper()
	st, err := e.Importer.Repo.Load(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return st.Settings
}

// change changes the stored settings as the settings page would.
func (e *importEnv) change(fn func(*settings.Settings)) {
	e.t.Helper()
	if _, err := e.Importer.Repo.Update(e.t.Context(), func(st *settings.State) error {
		fn(&st.Settings)
		return nil
	}); err != nil {
		e.t.Fatal(err)
	}
}

// sync runs "Загрузить (Заказы)" once and fails the test on an error.
func (e *importEnv) sync() runlog.Run {
	e.t.Helper()
	run, err := e.Importer.Sync(e.t.Context(), bridgesync.TriggerButton)
	if err != nil {
		e.t.Fatalf("sync: %v (%+v)", err, run)
	}
	return run
}

// create creates an order on the connection's site as the manager; status "" is the default.
func (e *importEnv) create(manager int, status string) int64 {
	e.t.Helper()
	extra := ""
	if status != "" {
		extra = fmt.Sprintf(`"status": %q,`, status)
	}
	id, err := e.Sandbox.CreateAsUser(sandbox.DemoSite, manager, fmt.Sprintf(`{%s "firstName": "Ольга", "lastName": "Белова",
		"phone": "+79160000001", "managerId": %d,
		"items": [{"offer": {"externalId": "5f0d6e3e-7a3c-11ee-8c90-0242ac120002"}, "quantity": 2}]}`, extra, manager))
	if err != nil {
		e.t.Fatal(err)
	}
	return int64(id)
}

func (e *importEnv) state(id int64) (inbox.OrderState, bool) {
	e.t.Helper()
	st, ok, err := e.Importer.Inbox.State(e.t.Context(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return st, ok
}

func (e *importEnv) pending() int {
	e.t.Helper()
	n, err := e.Importer.Inbox.PendingCount(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// commands takes every pending command as 1C would, without acknowledging any.
func (e *importEnv) commands() map[int64]onec.Command {
	e.t.Helper()
	box, err := e.Importer.Inbox.Pull(e.t.Context(), "", inbox.MaxPullLimit)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[int64]onec.Command{}
	for _, c := range box.Commands {
		if _, dup := out[c.CRMOrderID]; dup {
			e.t.Errorf("two pending commands for order %d", c.CRMOrderID)
		}
		out[c.CRMOrderID] = c
	}
	return out
}

func (e *importEnv) quarantined() []quarantine.Entry {
	e.t.Helper()
	entries, err := e.Importer.Quarantine.List(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return entries
}

// historyIDs are the ids of every history record the bridge's key sees, oldest first.
func (e *importEnv) historyIDs() []int64 {
	e.t.Helper()
	var ids []int64
	c := e.ownClient()
	for {
		page, err := c.OrdersHistory(e.t.Context(), retailcrm.HistoryFilter{SinceID: lastOf(ids), Limit: 100})
		if err != nil {
			e.t.Fatal(err)
		}
		for _, r := range page.History {
			ids = append(ids, r.ID)
		}
		if len(page.History) < 100 {
			return ids
		}
	}
}

func lastOf(ids []int64) int64 {
	if len(ids) == 0 {
		return 0
	}
	return ids[len(ids)-1]
}

// hookHistory calls after(n) once the n-th history page of a run was read (n from 1).
func (e *importEnv) hookHistory(after func(ctx context.Context, n int)) {
	connect := e.Importer.Connect
	e.Importer.Connect = func(accountURL, apiKey string) (bridgesync.CRM, error) {
		crm, err := connect(accountURL, apiKey)
		if err != nil {
			return nil, err
		}
		return &hookedCRM{CRM: crm, after: after}, nil
	}
}

// hookedCRM is RetailCRM with a hook after each history page.
type hookedCRM struct {
	bridgesync.CRM
	after func(ctx context.Context, n int)
	pages int
}

func (h *hookedCRM) OrdersHistory(ctx context.Context, f retailcrm.HistoryFilter) (retailcrm.HistoryPage[retailcrm.HistoryRecord], error) {
	page, err := h.CRM.OrdersHistory(ctx, f)
	h.pages++
	h.after(ctx, h.pages)
	return page, err
}

// inboxFaultStore is a store whose n-th write to the 1C inbox (counted from failInboxWrite)
// fails.
type inboxFaultStore struct {
	store.Store
	mu             gosync.Mutex
	failAt, writes int
}

var errInjected = errors.New("injected store failure")

func (s *inboxFaultStore) failInboxWrite(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAt, s.writes = n, 0
}

func (s *inboxFaultStore) Write(ctx context.Context, ops []store.Op) error {
	if slices.ContainsFunc(ops, func(op store.Op) bool { return op.Item.PK == "inbox" }) {
		s.mu.Lock()
		s.writes++
		fail := s.writes == s.failAt
		s.mu.Unlock()
		if fail {
			return errInjected
		}
	}
	return s.Store.Write(ctx, ops)
}

// hasMessage tells whether one of the run's messages is msg.
func hasMessage(run runlog.Run, msg string) bool { return slices.Contains(run.Messages, msg) }

func TestImportStatusTableEmpty(t *testing.T) {
	e := newImportEnv(t, importtest.Options{})
	e.change(func(s *settings.Settings) { s.Tables.StatusesImport = nil })
	e.Sandbox.ResetRequests()
	run := e.sync()
	if run.Complete || !slices.Equal(run.Messages, []string{manualStatusesEmpty}) {
		t.Errorf("run %+v", run)
	}
	if h := e.settings().History; h.SinceID != 0 {
		t.Errorf("the cursor moved to %d", h.SinceID)
	}
	if n := e.pending(); n != 0 {
		t.Errorf("%d commands queued", n)
	}
	if reqs := e.Sandbox.Requests(); len(reqs) != 0 {
		t.Errorf("%d requests to RetailCRM, first %s", len(reqs), reqs[0].Path)
	}
	// The same for one order by id.
	run, err := e.Importer.ImportOrder(t.Context(), e.demo["new"], bridgesync.TriggerButton)
	if err != nil || !slices.Equal(run.Messages, []string{manualStatusesEmpty}) || e.pending() != 0 {
		t.Errorf("order by id: %v %+v", err, run)
	}
}

func TestImportStatusNotInTable(t *testing.T) {
	e := newImportEnv(t, importtest.Options{})
	second := e.create(e.anna, "new")
	e.change(func(s *settings.Settings) {
		s.Tables.StatusesImport = slices.DeleteFunc(s.Tables.StatusesImport, func(r settings.StatusImport) bool {
			return r.CRMCode == "new" || r.CRMCode == "client-confirmed"
		})
	})
	run := e.sync()
	want := []string{
		fmt.Sprintf(manualStatusSkipped, "client-confirmed"),
		fmt.Sprintf(manualStatusSkipped, "new") + " (заказов: 2)",
	}
	if !run.Complete || !slices.Equal(run.Messages, want) {
		t.Errorf("messages %q, want %q", run.Messages, want)
	}
	if c := run.Counts; c[bridgesync.CountSkipped] != 3 || c[bridgesync.CountQueued] != 1 || c[bridgesync.CountOrders] != 4 {
		t.Errorf("counts %v", c)
	}
	for _, id := range []int64{e.demo["new"], e.demo["client-confirmed"], second} {
		if _, known := e.state(id); known {
			t.Errorf("order %d was queued", id)
		}
	}
	if _, known := e.state(e.demo["complete"]); !known {
		t.Error("the order in an imported status was not queued")
	}
	if h := e.settings().History; h.SinceID != lastOf(e.historyIDs()) {
		t.Errorf("cursor %d, history ends at %d", h.SinceID, lastOf(e.historyIDs()))
	}
}

func TestImportStatusWithoutState(t *testing.T) {
	e := newImportEnv(t, importtest.Options{})
	e.change(func(s *settings.Settings) {
		for i := range s.Tables.StatusesImport {
			if s.Tables.StatusesImport[i].CRMCode == "new" {
				s.Tables.StatusesImport[i].State = nil
			}
		}
	})
	run := e.sync()
	warning := `Статусу RetailCRM new не сопоставлено состояние заказа 1С на вкладке "Статусы": заказ загружен без состояния, и сохранить его в 1С вручную не получится, пока состояние не будет указано.`
	if run.Counts[bridgesync.CountQueued] != 3 || !hasMessage(run, warning) {
		t.Errorf("run %+v", run)
	}
	cmds := e.commands()
	cmd, ok := cmds[e.demo["new"]]
	if !ok || len(cmd.Messages) == 0 || cmd.Messages[0] != warning {
		t.Fatalf("command %+v", cmd)
	}
	var o onec.Order
	if err := json.Unmarshal(cmd.Payload, &o); err != nil || o.State != nil {
		t.Errorf("order state %v (%v)", o.State, err)
	}
	if other := cmds[e.demo["complete"]]; slices.Contains(other.Messages, warning) {
		t.Errorf("the warning went to an order in another status: %q", other.Messages)
	}
}

// removeManager takes a manager out of the managers table.
func removeManager(id int) func(*settings.Settings) {
	return func(s *settings.Settings) {
		s.Tables.Managers = slices.DeleteFunc(s.Tables.Managers, func(m settings.Manager) bool { return m.CRMID == int64(id) })
	}
}

func TestImportQuarantineUnmappedManager(t *testing.T) {
	e := newImportEnv(t, importtest.Options{})
	rows := e.settings().Tables.Managers
	e.change(removeManager(e.anna))
	run := e.sync()
	if c := run.Counts; !run.Complete || c[bridgesync.CountQuarantined] != 1 || c[bridgesync.CountQueued] != 2 {
		t.Errorf("run %+v", run)
	}
	if h := e.settings().History; h.SinceID != lastOf(e.historyIDs()) || run.Counts[bridgesync.CountCursorTo] != h.SinceID {
		t.Errorf("cursor %d, run %v, history ends at %d", h.SinceID, run.Counts, lastOf(e.historyIDs()))
	}
	q := e.quarantined()
	reason := fmt.Sprintf("Менеджер RetailCRM с id %d не сопоставлен пользователю 1С на вкладке «Менеджеры».", e.anna)
	if len(q) != 1 || q[0].CRMOrderID != e.demo["new"] || q[0].Reason != reason || q[0].Source != quarantine.SourceMapping ||
		q[0].Number == "" || q[0].Attempts != 1 {
		t.Fatalf("quarantine %+v", q)
	}
	if _, known := e.state(e.demo["new"]); known {
		t.Error("the quarantined order was queued")
	}

	// Unchanged settings: the order is not tried again by the schedule.
	run = e.sync()
	if run.Counts[bridgesync.CountRetried] != 0 || len(e.quarantined()) != 1 {
		t.Errorf("retried without a settings change: %+v", run)
	}

	// The table is fixed on the settings page: the next run takes the order.
	if _, err := e.Setup.SaveTable(t.Context(), settings.TableManagers, &settings.Tables{Managers: rows}); err != nil {
		t.Fatal(err)
	}
	run = e.sync()
	if c := run.Counts; c[bridgesync.CountRetried] != 1 || c[bridgesync.CountQueued] != 1 || c[bridgesync.CountQuarantined] != 0 {
		t.Errorf("run after the fix %+v", run)
	}
	if q := e.quarantined(); len(q) != 0 {
		t.Errorf("still quarantined: %+v", q)
	}
	if _, known := e.state(e.demo["new"]); !known {
		t.Error("the order was not queued after the fix")
	}
}

func TestImportRetryQuarantineAction(t *testing.T) {
	e := newImportEnv(t, importtest.Options{})
	rows := e.settings().Tables.Managers
	e.change(removeManager(e.anna))
	e.sync()

	// Retry without a fix: still set aside, one more attempt counted.
	run, err := e.Importer.RetryQuarantine(t.Context())
	if err != nil || run.Counts[bridgesync.CountRetried] != 1 || run.Counts[bridgesync.CountQuarantined] != 1 {
		t.Fatalf("retry: %v %+v", err, run)
	}
	if q := e.quarantined(); len(q) != 1 || q[0].Attempts != 2 {
		t.Fatalf("quarantine %+v", q)
	}

	// Fixed, then retried by hand: imported and released.
	e.change(func(s *settings.Settings) { s.Tables.Managers = rows })
	run, err = e.Importer.RetryQuarantine(t.Context())
	if err != nil || !run.Complete || run.Counts[bridgesync.CountQueued] != 1 || run.Trigger != bridgesync.TriggerButton {
		t.Fatalf("retry: %v %+v", err, run)
	}
	if q := e.quarantined(); len(q) != 0 {
		t.Errorf("still quarantined: %+v", q)
	}
	// Nothing quarantined: the action has nothing to do.
	run, err = e.Importer.RetryQuarantine(t.Context())
	if err != nil || !run.Complete || run.Counts[bridgesync.CountRetried] != 0 {
		t.Errorf("empty retry: %v %+v", err, run)
	}
}

func TestImportQuarantinedOrderDeleted(t *testing.T) {
	t.Run("never sent to 1C", func(t *testing.T) {
		e := newImportEnv(t, importtest.Options{})
		e.change(removeManager(e.anna))
		e.sync()
		if len(e.quarantined()) != 1 {
			t.Fatal("not quarantined")
		}
		if err := e.Sandbox.DeleteOrder(int(e.demo["new"]), e.igor); err != nil {
			t.Fatal(err)
		}
		run := e.sync()
		if q := e.quarantined(); len(q) != 0 {
			t.Errorf("still quarantined: %+v", q)
		}
		if _, known := e.state(e.demo["new"]); known || run.Counts[bridgesync.CountCancelled] != 0 {
			t.Errorf("a command for an order 1C never had: %+v", run)
		}
	})
	t.Run("known to 1C", func(t *testing.T) {
		e := newImportEnv(t, importtest.Options{})
		e.sync()
		e.change(removeManager(e.anna))
		id := e.demo["new"]
		if err := e.Sandbox.EditAsUser(int(id), e.anna, `{"managerComment": "Уточнить адрес"}`); err != nil {
			t.Fatal(err)
		}
		e.sync()
		if len(e.quarantined()) != 1 {
			t.Fatal("not quarantined")
		}
		if err := e.Sandbox.DeleteOrder(int(id), e.igor); err != nil {
			t.Fatal(err)
		}
		run := e.sync()
		if st, _ := e.state(id); st.LastCommandType != onec.CommandOrderCancel || run.Counts[bridgesync.CountCancelled] != 1 {
			t.Errorf("no cancel: %+v %+v", st, run)
		}
		if q := e.quarantined(); len(q) != 0 {
			t.Errorf("still quarantined: %+v", q)
		}
	})
	t.Run("gone before the retry", func(t *testing.T) {
		e := newImportEnv(t, importtest.Options{})
		e.change(removeManager(e.anna))
		e.sync()
		// Deleted, and the history of the deletion not read yet: the retry finds no order.
		if err := e.Sandbox.DeleteOrder(int(e.demo["new"]), e.igor); err != nil {
			t.Fatal(err)
		}
		run, err := e.Importer.RetryQuarantine(t.Context())
		if err != nil || run.Counts[bridgesync.CountRetried] != 1 {
			t.Fatalf("%v %+v", err, run)
		}
		if q := e.quarantined(); len(q) != 0 {
			t.Errorf("still quarantined: %+v", q)
		}
	})
}

func TestImportOrderRefusedBy1C(t *testing.T) {
	var refused atomic.Int64 // the CRM order 1C refuses
	e := newImportEnv(t, importtest.Options{Faults: onecsim.Faults{FailOrder: func(o onec.Order) string {
		if o.CRM.ID == refused.Load() {
			return "Не заполнен склад."
		}
		return ""
	}}})
	id := e.demo["new"]
	refused.Store(id)
	e.sync()
	e.Pull(t)
	q := e.quarantined()
	if len(q) != 1 || q[0].CRMOrderID != id || q[0].Source != quarantine.Source1C || !strings.Contains(q[0].Reason, "Не заполнен склад.") {
		t.Fatalf("quarantine %+v", q)
	}
	// The schedule runs on: nothing changed, the refusal stays listed.
	run := e.sync()
	if q := e.quarantined(); len(q) != 1 {
		t.Fatalf("a refused order left quarantine without being sent again: %+v, run %+v", q, run)
	}
	// Nor does an edit that changes nothing 1C receives hide it.
	if err := e.Sandbox.EditAsUser(int(id), e.anna, `{"call": true}`); err != nil {
		t.Fatal(err)
	}
	run = e.sync()
	if q := e.quarantined(); len(q) != 1 || run.Counts[bridgesync.CountUnchanged] != 1 {
		t.Fatalf("quarantine %+v after an unchanged import, run %+v", q, run)
	}
	// The retry action sends the order again; 1C accepts it now.
	refused.Store(0)
	run, err := e.Importer.RetryQuarantine(t.Context())
	if err != nil || run.Counts[bridgesync.CountQueued] != 1 {
		t.Fatalf("retry: %v %+v", err, run)
	}
	e.Pull(t)
	if q := e.quarantined(); len(q) != 0 {
		t.Errorf("still quarantined: %+v", q)
	}
	if d, ok := e.Sim.Document(id); !ok || d.Cancelled {
		t.Errorf("1C document %+v %v", d, ok)
	}
}

// twoPages makes two pages of history: 95 edits of a demo order fill the first page with the
// demo records, 30 new orders are on the second. It returns the ids of every order of the
// connection's site and the history record ids.
func (e *importEnv) twoPages() (orders, history []int64) {
	e.t.Helper()
	orders = slices.Collect(maps.Values(e.demo))
	for i := range 95 {
		if err := e.Sandbox.EditAsUser(int(e.demo["new"]), e.anna, fmt.Sprintf(`{"managerComment": "Звонок %d"}`, i)); err != nil {
			e.t.Fatal(err)
		}
	}
	for range 30 {
		orders = append(orders, e.create(e.igor, ""))
	}
	history = e.historyIDs()
	if len(history) != 130 {
		e.t.Fatalf("%d history records", len(history))
	}
	return orders, history
}

// assertEachOnce checks that 1C receives exactly one command for each order and nothing else.
func (e *importEnv) assertEachOnce(ids []int64) {
	e.t.Helper()
	if n := e.pending(); n != len(ids) {
		e.t.Errorf("%d commands pending for %d orders", n, len(ids))
	}
	rep := e.Pull(e.t)
	if rep.Pulled != len(ids) || rep.Applied != len(ids) {
		e.t.Errorf("1C received %+v for %d orders", rep, len(ids))
	}
	for _, id := range ids {
		if d, ok := e.Sim.Document(id); !ok || d.Applied != 1 {
			e.t.Errorf("order %d: document %v, applied %d times", id, ok, d.Applied)
		}
	}
	if docs := e.Sim.Documents(); len(docs) != len(ids) {
		e.t.Errorf("%d documents for %d orders", len(docs), len(ids))
	}
}

func TestImportCursorAfterStoredPage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		failAt int // the inbox write that fails
		page   int // the history page it belongs to (from 1)
	}{
		{"first page", 2, 1},
		{"second page", 13, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bolt, err := boltstore.Open(filepath.Join(t.TempDir(), "bridge.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { bolt.Close() })
			st := &inboxFaultStore{Store: bolt}
			e := newImportEnv(t, importtest.Options{Store: st})
			ids, history := e.twoPages()
			cursorAt := []int64{0, history[99]}[tc.page-1]

			st.failInboxWrite(tc.failAt)
			run, err := e.Importer.Sync(t.Context(), bridgesync.TriggerSchedule)
			if !errors.Is(err, errInjected) || run.Complete || run.Error == "" {
				t.Fatalf("failing run: %v %+v", err, run)
			}
			if h := e.settings().History; h.SinceID != cursorAt || run.Counts[bridgesync.CountCursorTo] != cursorAt {
				t.Errorf("cursor %d (run %d), want %d", h.SinceID, run.Counts[bridgesync.CountCursorTo], cursorAt)
			}
			if n := e.pending(); n != tc.failAt-1 {
				t.Errorf("%d commands stored before the failure, want %d", n, tc.failAt-1)
			}
			runs, err := e.Importer.Runs.Latest(t.Context(), bridgesync.FlowHistorySync, 5)
			if err != nil || len(runs) != 1 || runs[0].Error == "" {
				t.Errorf("run log %v %+v", err, runs)
			}

			st.failInboxWrite(0)
			run = e.sync()
			if !run.Complete || run.Counts[bridgesync.CountCursorFrom] != cursorAt || run.Counts[bridgesync.CountCursorTo] != lastOf(history) {
				t.Errorf("second run %+v", run)
			}
			if c := run.Counts; c[bridgesync.CountQueued] != int64(len(ids)-(tc.failAt-1)) {
				t.Errorf("second run queued %d, want %d", c[bridgesync.CountQueued], len(ids)-(tc.failAt-1))
			}
			e.assertEachOnce(ids)
		})
	}
}

func TestImportStopsBeforeDeadline(t *testing.T) {
	t.Run("before the first page", func(t *testing.T) {
		e := newImportEnv(t, importtest.Options{})
		e.Importer.Margin = 2 * time.Hour
		ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
		defer cancel()
		run, err := e.Importer.Sync(ctx, bridgesync.TriggerSchedule)
		if err != nil || run.Complete || !slices.Equal(run.Messages, []string{
			"Загрузка остановлена до истечения времени запуска и продолжится при следующем запуске."}) {
			t.Fatalf("%v %+v", err, run)
		}
		if e.settings().History.SinceID != 0 || e.pending() != 0 {
			t.Error("a stopped run changed something")
		}
		e.Importer.Margin = 0
		run = e.sync()
		if !run.Complete || run.Counts[bridgesync.CountQueued] != 3 {
			t.Errorf("next run %+v", run)
		}
	})
	t.Run("after a page", func(t *testing.T) {
		e := newImportEnv(t, importtest.Options{})
		ids, history := e.twoPages()
		// The deadline comes near while the first page is imported.
		e.hookHistory(func(_ context.Context, n int) {
			if n == 1 {
				e.Importer.Margin = 2 * time.Hour
			}
		})
		ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
		defer cancel()
		run, err := e.Importer.Sync(ctx, bridgesync.TriggerSchedule)
		if err != nil || run.Complete || !hasMessage(run, "Загрузка остановлена до истечения времени запуска и продолжится при следующем запуске.") ||
			run.Counts[bridgesync.CountPages] != 1 || run.Counts[bridgesync.CountCursorTo] != history[99] {
			t.Fatalf("%v %+v", err, run)
		}
		if h := e.settings().History; h.SinceID != history[99] {
			t.Errorf("cursor %d, want %d", h.SinceID, history[99])
		}
		e.Importer.Margin = 0
		run, err = e.Importer.Sync(ctx, bridgesync.TriggerSchedule)
		if err != nil || !run.Complete || run.Counts[bridgesync.CountCursorFrom] != history[99] ||
			run.Counts[bridgesync.CountCursorTo] != lastOf(history) || run.Counts[bridgesync.CountQueued] != 30 {
			t.Fatalf("next run: %v %+v", err, run)
		}
		e.assertEachOnce(ids)
	})
}

func TestImportLease(t *testing.T) {
	e := newImportEnv(t, importtest.Options{})
	entered, release := make(chan struct{}), make(chan struct{})
	var once gosync.Once
	e.hookHistory(func(context.Context, int) {
		once.Do(func() {
			close(entered)
			<-release
		})
	})
	runs := make(chan runlog.Run, 2)
	var wg gosync.WaitGroup
	for range 2 {
		wg.Go(func() {
			run, err := e.Importer.Sync(t.Context(), bridgesync.TriggerSchedule)
			if err != nil {
				t.Errorf("sync: %v", err)
			}
			runs <- run
		})
	}
	<-entered
	// The run that did not get the lease returns while the other one holds it.
	busy := <-runs
	if e.pending() != 0 || e.settings().History.SinceID != 0 {
		t.Error("the busy run changed something")
	}
	close(release)
	wg.Wait()
	worked := <-runs
	if busy.Complete || !slices.Equal(busy.Messages, []string{"Загрузка заказов уже выполняется: дождитесь её окончания."}) ||
		len(busy.Counts) != 0 {
		t.Errorf("busy run %+v", busy)
	}
	if !worked.Complete || worked.Counts[bridgesync.CountQueued] != 3 || len(worked.Messages) != 0 {
		t.Errorf("working run %+v", worked)
	}
	logged, err := e.Importer.Runs.Latest(t.Context(), bridgesync.FlowHistorySync, 10)
	if err != nil || len(logged) != 2 {
		t.Errorf("run log %v %+v", err, logged)
	}
	// The lease is given back: the next run works.
	if run := e.sync(); !run.Complete || slices.Contains(run.Messages, busy.Messages[0]) {
		t.Errorf("run after the lease %+v", run)
	}
}

// testClock is a settable clock.
type testClock struct {
	mu gosync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func TestImportFirstRunWithoutActualityDate(t *testing.T) {
	// The account's clock is ten minutes behind: the demo history is older than the first run.
	crmClock := &testClock{t: time.Now().Add(-10 * time.Minute)}
	e := newImportEnv(t, importtest.Options{Sandbox: sandbox.Options{Clock: crmClock.Now}})
	e.change(func(s *settings.Settings) { s.History = settings.History{} })
	before := time.Now().Truncate(time.Second)
	run := e.sync()
	after := time.Now()
	h := e.settings().History
	if h.ActualityDate == nil || h.ActualityDate.Before(before) || h.ActualityDate.After(after) {
		t.Fatalf("date of actuality %v, want between %v and %v", h.ActualityDate, before, after)
	}
	if !run.Complete || run.Counts[bridgesync.CountQueued] != 0 || h.SinceID != 0 {
		t.Errorf("first run %+v, cursor %d", run, h.SinceID)
	}
	start := *h.ActualityDate

	// An order created after the start is imported; the start stays.
	crmClock.Set(time.Now().Add(time.Minute))
	id := e.create(e.anna, "")
	run = e.sync()
	if run.Counts[bridgesync.CountQueued] != 1 {
		t.Errorf("second run %+v", run)
	}
	if _, known := e.state(id); !known {
		t.Error("the new order was not queued")
	}
	if h := e.settings().History; h.ActualityDate == nil || !h.ActualityDate.Equal(start) || h.SinceID == 0 {
		t.Errorf("history position %+v, start %v", h, start)
	}
}

// cancelOf decodes the payload of an order.cancel command.
func cancelOf(t *testing.T, c onec.Command) onec.Cancel {
	t.Helper()
	var x onec.Cancel
	if c.Type != onec.CommandOrderCancel {
		t.Fatalf("command %s of order %d, want %s", c.Type, c.CRMOrderID, onec.CommandOrderCancel)
	}
	if err := json.Unmarshal(c.Payload, &x); err != nil {
		t.Fatal(err)
	}
	return x
}

func TestImportDeletedAndCombinedOrders(t *testing.T) {
	e := newImportEnv(t, importtest.Options{})
	e.sync()
	e.Pull(t)
	deleted, from, into := e.demo["new"], e.demo["complete"], e.demo["client-confirmed"]
	if err := e.Sandbox.DeleteOrder(int(deleted), e.anna); err != nil {
		t.Fatal(err)
	}
	if err := e.Sandbox.CombineOrders(int(from), int(into), e.igor); err != nil {
		t.Fatal(err)
	}
	// An order created and deleted between two runs never reaches 1C.
	brief := e.create(e.anna, "")
	if err := e.Sandbox.DeleteOrder(int(brief), e.anna); err != nil {
		t.Fatal(err)
	}
	run := e.sync()
	if c := run.Counts; !run.Complete || c[bridgesync.CountCancelled] != 2 || c[bridgesync.CountQueued] != 0 {
		t.Errorf("run %+v", run)
	}
	cmds := e.commands()
	if len(cmds) != 2 {
		t.Fatalf("commands %+v", cmds)
	}
	if x := cancelOf(t, cmds[deleted]); x.CRMOrderID != deleted || x.CombinedInto != 0 || x.Reason != "Заказ удалён в RetailCRM." || x.Ref == nil {
		t.Errorf("cancel of the deleted order %+v", x)
	}
	if x := cancelOf(t, cmds[from]); x.CRMOrderID != from || x.CombinedInto != into ||
		x.Reason != fmt.Sprintf("Заказ объединён в RetailCRM с заказом %d.", into) {
		t.Errorf("cancel of the combined order %+v", x)
	}
	if _, known := e.state(brief); known {
		t.Error("a command for an order 1C never had")
	}
	// The same history read again queues no second cancel.
	run, err := e.Importer.SyncFromDate(t.Context(), *e.settings().History.ActualityDate)
	if err != nil || run.Counts[bridgesync.CountCancelled] != 0 || e.pending() != 2 {
		t.Errorf("history read again: %v %+v, %d pending", err, run, e.pending())
	}
}

func TestImportCancelReaches1C(t *testing.T) {
	e := newImportEnv(t, importtest.Options{})
	id := e.demo["new"]
	e.sync()
	e.Pull(t)
	if err := e.Sandbox.DeleteOrder(int(id), e.anna); err != nil {
		t.Fatal(err)
	}
	e.sync()
	e.Pull(t)
	d, ok := e.Sim.Document(id)
	if !ok || !d.Cancelled || d.CancelReason != "Заказ удалён в RetailCRM." {
		t.Errorf("1C document %+v", d)
	}
	if st, _ := e.state(id); !strings.HasPrefix(st.LastAckMessage, "Отменен: Заказ покупателя "+d.Number) {
		t.Errorf("state %+v", st)
	}
}

func TestImportIgnoresOwnEdits(t *testing.T) {
	e := newImportEnv(t, importtest.Options{})
	e.sync()
	id := e.demo["new"]
	before, _ := e.state(id)
	if _, err := e.ownClient().EditOrder(t.Context(), retailcrm.ByID(id, sandbox.DemoSite),
		retailcrm.Order{ManagerComment: "Записано мостом", Status: "assembling"}); err != nil {
		t.Fatal(err)
	}
	run := e.sync()
	if c := run.Counts; c[bridgesync.CountOwnRecords] == 0 || c[bridgesync.CountOrders] != 0 || c[bridgesync.CountQueued] != 0 {
		t.Errorf("run %+v", run)
	}
	if after, _ := e.state(id); after.LastCommandID != before.LastCommandID {
		t.Error("the bridge's own edit was queued")
	}
	if h := e.settings().History; h.SinceID != lastOf(e.historyIDs()) {
		t.Errorf("cursor %d behind the bridge's own records", h.SinceID)
	}
}

func TestImportTriggerEditWithSameContent(t *testing.T) {
	e := newImportEnv(t, importtest.Options{})
	e.sync()
	id := e.demo["new"]
	before, _ := e.state(id)
	// A trigger changes the comment and puts it back; another sets a field 1C does not get.
	if err := e.Sandbox.EditAsTrigger(int(id), `{"customerComment": "Перезвонить"}`); err != nil {
		t.Fatal(err)
	}
	if err := e.Sandbox.EditAsTrigger(int(id), `{"customerComment": "Позвоните за час до доставки"}`); err != nil {
		t.Fatal(err)
	}
	if err := e.Sandbox.EditAsTrigger(int(id), `{"call": true}`); err != nil {
		t.Fatal(err)
	}
	run := e.sync()
	if c := run.Counts; c[bridgesync.CountRecords] != 3 || c[bridgesync.CountOrders] != 1 || c[bridgesync.CountUnchanged] != 1 ||
		c[bridgesync.CountQueued] != 0 {
		t.Errorf("run %+v", run)
	}
	if after, _ := e.state(id); after.LastCommandID != before.LastCommandID {
		t.Error("an unchanged order was queued again")
	}
	// A real change by a trigger is imported.
	if err := e.Sandbox.EditAsTrigger(int(id), `{"customerComment": "Домофон не работает"}`); err != nil {
		t.Fatal(err)
	}
	if run := e.sync(); run.Counts[bridgesync.CountQueued] != 1 {
		t.Errorf("run %+v", run)
	}
}

func TestImportOrderByID(t *testing.T) {
	e := newImportEnv(t, importtest.Options{Retry: retailcrm.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond}})
	id := e.demo["new"]

	// By the trigger: queued once, then unchanged.
	run, err := e.Importer.ImportOrder(t.Context(), id, bridgesync.TriggerWebhook)
	if err != nil || !run.Complete || run.Flow != bridgesync.FlowOrderByID || run.Trigger != bridgesync.TriggerWebhook ||
		run.Counts[bridgesync.CountQueued] != 1 {
		t.Fatalf("%v %+v", err, run)
	}
	first, _ := e.state(id)
	run, err = e.Importer.ImportOrder(t.Context(), id, bridgesync.TriggerWebhook)
	if err != nil || run.Counts[bridgesync.CountQueued] != 0 || run.Counts[bridgesync.CountUnchanged] != 1 {
		t.Errorf("unchanged by trigger: %v %+v", err, run)
	}
	if st, _ := e.state(id); st.LastCommandID != first.LastCommandID {
		t.Error("an unchanged order was queued by the trigger")
	}

	// By the button: queued again, the pending command replaced.
	run, err = e.Importer.ImportOrder(t.Context(), id, bridgesync.TriggerButton)
	if err != nil || run.Counts[bridgesync.CountQueued] != 1 {
		t.Errorf("by button: %v %+v", err, run)
	}
	if st, _ := e.state(id); st.LastCommandID == first.LastCommandID || e.pending() != 1 {
		t.Errorf("state %+v, %d pending", st, e.pending())
	}

	// Unknown ids, and an order of a shop the key does not reach.
	other, err := e.Sandbox.CreateAsUser(sandbox.DemoOtherSite, e.anna, `{"firstName": "Павел", "phone": "+79267778800"}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, missing := range []int64{999999, int64(other)} {
		run, err = e.Importer.ImportOrder(t.Context(), missing, bridgesync.TriggerButton)
		if err != nil || !slices.Equal(run.Messages, []string{fmt.Sprintf("Заказ с id %d не найден в RetailCRM.", missing)}) ||
			run.Counts[bridgesync.CountQueued] != 0 {
			t.Errorf("order %d: %v %+v", missing, err, run)
		}
	}
	// An order in a status that is not imported says so.
	e.change(func(s *settings.Settings) {
		s.Tables.StatusesImport = slices.DeleteFunc(s.Tables.StatusesImport, func(r settings.StatusImport) bool { return r.CRMCode == "complete" })
	})
	run, err = e.Importer.ImportOrder(t.Context(), e.demo["complete"], bridgesync.TriggerButton)
	if err != nil || !slices.Equal(run.Messages, []string{fmt.Sprintf(manualStatusSkipped, "complete")}) {
		t.Errorf("skipped status: %v %+v", err, run)
	}
	// A bad id is refused before anything runs.
	var ve *settings.ValidationError
	if _, err := e.Importer.ImportOrder(t.Context(), 0, bridgesync.TriggerButton); !errors.As(err, &ve) {
		t.Errorf("id 0: %v", err)
	}
	// RetailCRM down: the run fails and says so in Russian.
	e.Sandbox.SetFaults(sandbox.Faults{Unavailable: 1})
	run, err = e.Importer.ImportOrder(t.Context(), id, bridgesync.TriggerWebhook)
	if err == nil || run.Error == "" || !slices.ContainsFunc(run.Messages, func(m string) bool { return strings.HasPrefix(m, "Ошибка RetailCRM") }) {
		t.Errorf("RetailCRM down: %v %+v", err, run)
	}
}

func TestImportSyncFromDate(t *testing.T) {
	e := newImportEnv(t, importtest.Options{})
	e.sync()
	e.Pull(t)
	end := e.settings().History.SinceID
	date := time.Now().Add(-time.Hour).Truncate(time.Second)

	run, err := e.Importer.SyncFromDate(t.Context(), date)
	if err != nil || !run.Complete || run.Counts[bridgesync.CountCursorFrom] != 0 || run.Counts[bridgesync.CountCursorTo] != end ||
		run.Counts[bridgesync.CountUnchanged] != 3 || run.Counts[bridgesync.CountQueued] != 0 {
		t.Fatalf("%v %+v", err, run)
	}
	if h := e.settings().History; h.SinceID != end || h.ActualityDate == nil || !h.ActualityDate.Equal(date) {
		t.Errorf("history position %+v", h)
	}
	if n := e.pending(); n != 0 {
		t.Errorf("%d commands queued again", n)
	}
	// One order changed meanwhile: only it is sent.
	if err := e.Sandbox.EditAsUser(int(e.demo["new"]), e.anna, `{"managerComment": "Подарочная упаковка"}`); err != nil {
		t.Fatal(err)
	}
	run, err = e.Importer.SyncFromDate(t.Context(), date)
	if err != nil || run.Counts[bridgesync.CountQueued] != 1 || run.Counts[bridgesync.CountUnchanged] != 2 {
		t.Errorf("%v %+v", err, run)
	}
	// A date in the future changes nothing.
	before := e.settings().History
	var ve *settings.ValidationError
	if _, err := e.Importer.SyncFromDate(t.Context(), time.Now().Add(time.Hour)); !errors.As(err, &ve) {
		t.Errorf("future date: %v", err)
	}
	if h := e.settings().History; h.SinceID != before.SinceID || !h.ActualityDate.Equal(*before.ActualityDate) {
		t.Errorf("a refused date changed the position: %+v", h)
	}
}

func TestImportAppliedState(t *testing.T) {
	e := newImportEnv(t, importtest.Options{})
	e.sync()
	id := e.demo["new"]
	if st, _ := e.state(id); st.LastStatus != inbox.StatusPending || st.Link != nil || st.PendingCommandID == "" {
		t.Errorf("before 1C: %+v", st)
	}
	e.Pull(t)
	d, ok := e.Sim.Document(id)
	if !ok {
		t.Fatal("no document in 1C")
	}
	st, _ := e.state(id)
	want := fmt.Sprintf("Проведен: Заказ покупателя %s от %s", d.Number, d.Date.Format("02.01.2006 15:04:05"))
	if st.LastAckMessage != want || st.LastStatus != onec.AckApplied || st.Link == nil || st.Link.Ref != d.Ref || st.PendingCommandID != "" {
		t.Errorf("state %+v, want %q", st, want)
	}
}

func TestImportSwitchedOff(t *testing.T) {
	e := newImportEnv(t, importtest.Options{})
	e.change(func(s *settings.Settings) { s.Flags.ImportOrders = false })
	e.Sandbox.ResetRequests()
	off := "Загрузка заказов из RetailCRM выключена (вкладка «Настройки», флажок «Загружать заказы из RetailCRM»)."
	run := e.sync()
	if run.Complete || !slices.Equal(run.Messages, []string{off}) {
		t.Errorf("sync %+v", run)
	}
	for _, do := range []func() (runlog.Run, error){
		func() (runlog.Run, error) {
			return e.Importer.ImportOrder(t.Context(), e.demo["new"], bridgesync.TriggerButton)
		},
		func() (runlog.Run, error) { return e.Importer.RetryQuarantine(t.Context()) },
		func() (runlog.Run, error) { return e.Importer.SyncFromDate(t.Context(), time.Now().Add(-time.Hour)) },
	} {
		if run, err := do(); err != nil || !slices.Equal(run.Messages, []string{off}) {
			t.Errorf("%v %+v", err, run)
		}
	}
	if e.pending() != 0 || e.settings().History.SinceID != 0 || len(e.Sandbox.Requests()) != 0 {
		t.Errorf("a switched-off import did something: %d pending, %d requests", e.pending(), len(e.Sandbox.Requests()))
	}
}

func TestImportOnlyTheConnectionsSite(t *testing.T) {
	e := newImportEnv(t, importtest.Options{})
	// The key now reaches every shop of the account, the other shop's order included.
	e.Sandbox.AddAPIKey(sandbox.DemoAPIKey)
	var other int64
	page, err := e.ownClient().Orders(t.Context(), retailcrm.OrdersFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range page.Orders {
		if o.Site == sandbox.DemoOtherSite {
			other = o.ID
		}
	}
	if other == 0 {
		t.Fatal("the other shop's order is not visible")
	}
	run := e.sync()
	if run.Counts[bridgesync.CountQueued] != 3 {
		t.Errorf("run %+v", run)
	}
	if _, known := e.state(other); known {
		t.Error("an order of another shop was queued")
	}
	if _, err := e.Importer.ImportOrder(t.Context(), other, bridgesync.TriggerButton); err != nil {
		t.Fatal(err)
	}
	if _, known := e.state(other); known {
		t.Error("an order of another shop was queued by id")
	}
}
