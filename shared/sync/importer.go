package sync

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"unfbridge/shared/inbox"
	"unfbridge/shared/lease"
	"unfbridge/shared/onec"
	"unfbridge/shared/quarantine"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/runlog"
	"unfbridge/shared/secret"
	"unfbridge/shared/settings"
	"unfbridge/shared/store"
)

// Flows and triggers of the order import, as the run log names them.
const (
	FlowHistorySync = "history-sync"
	FlowOrderByID   = "order-by-id"

	TriggerSchedule = "schedule"
	TriggerButton   = "button"
	TriggerWebhook  = "webhook"
)

// Counts of an import run.
const (
	CountPages       = "pages"
	CountRecords     = "records"
	CountOwnRecords  = "ownRecords"
	CountOrders      = "orders"
	CountQueued      = "queued"
	CountUnchanged   = "unchanged"
	CountSkipped     = "skipped"
	CountQuarantined = "quarantined"
	CountCancelled   = "cancelled"
	CountRetried     = "retried"
	CountCursorFrom  = "cursorBefore"
	CountCursorTo    = "cursorAfter"
)

// Messages of the import runs.
const (
	msgImportOff   = "Загрузка заказов из RetailCRM выключена (вкладка «Настройки», флажок «Загружать заказы из RetailCRM»)."
	msgBusy        = "Загрузка заказов уже выполняется: дождитесь её окончания."
	msgStopped     = "Загрузка остановлена до истечения времени запуска и продолжится при следующем запуске."
	msgCursorMoved = "Позиция истории изменена вручную во время загрузки: загрузка остановлена и продолжится с новой позиции."
)

// ordersChunk is how many orders one GET /orders asks for.
const ordersChunk = 50

// historyLimit is the page size of the history.
const historyLimit = 100

// Importer is the order import: RetailCRM history → 1C inbox, one order by id, the quarantine.
type Importer struct {
	Store      store.Store
	Repo       *settings.Repo
	Secrets    secret.Store
	Connect    Connector
	Inbox      *inbox.Inbox
	Quarantine *quarantine.Repo
	Leases     *lease.Repo
	Runs       *runlog.Repo
	Now        func() time.Time
	Log        *slog.Logger
	// Margin is the time left before the context deadline at which a run stops cleanly
	// (default 10s); the next run continues where it stopped.
	Margin time.Duration
}

// run is one import run in progress.
type run struct {
	journal
	im      *Importer
	st      settings.State
	crm     CRM
	mapping OrderMapping
	print   string
	// held is the lease of a history run, released when the run is recorded.
	held *lease.Lease
	// force queues a command even when the order did not change since the last one.
	force bool
}

// errStop ends a run early without failing it (deadline, cursor moved, nothing to do).
var errStop = errors.New("sync: run stopped")

// Sync is "Загрузить (Заказы)" and the scheduled import: it takes the history from the cursor,
// queues a command for every changed order in an imported status, sets aside what cannot be
// mapped, and advances the cursor only after a page's commands are stored.
func (im *Importer) Sync(ctx context.Context, trigger string) (runlog.Run, error) {
	return im.do(ctx, FlowHistorySync, trigger, func(ctx context.Context, r *run) error {
		if err := r.retryQuarantine(ctx, false); err != nil {
			return err
		}
		return r.history(ctx)
	})
}

// ImportOrder is "Загрузить заказ по ИД" and the RetailCRM trigger: one order, now, whatever
// its history. By the button, the command is queued even when the order did not change (the
// user asks for it again); by the trigger, an unchanged order queues nothing.
func (im *Importer) ImportOrder(ctx context.Context, crmOrderID int64, trigger string) (runlog.Run, error) {
	if crmOrderID <= 0 {
		return runlog.Run{}, &settings.ValidationError{Problems: []settings.Problem{{Field: "id",
			Message: "Укажите внутренний id заказа RetailCRM: число из адреса карточки заказа, например …/orders/138/edit."}}}
	}
	return im.do(ctx, FlowOrderByID, trigger, func(ctx context.Context, r *run) error {
		r.force = trigger == TriggerButton
		found, err := r.importIDs(ctx, []int64{crmOrderID})
		if err == nil && found == 0 {
			r.note(fmt.Sprintf("Заказ с id %d не найден в RetailCRM.", crmOrderID))
		}
		return err
	})
}

// RetryQuarantine is the "retry" action: every quarantined order is tried again now.
func (im *Importer) RetryQuarantine(ctx context.Context) (runlog.Run, error) {
	return im.do(ctx, FlowOrderByID, TriggerButton, func(ctx context.Context, r *run) error {
		// An order 1C refused is sent again as it is: the fix may be in 1C.
		r.force = true
		return r.retryQuarantine(ctx, true)
	})
}

// do runs body as one recorded run of flow, under the connection's checks; history runs also
// hold the lease.
func (im *Importer) do(ctx context.Context, flow, trigger string, body func(context.Context, *run) error) (runlog.Run, error) {
	r := &run{im: im, journal: newJournal(flow, trigger, im.Now())}
	err := r.prepare(ctx, flow)
	if err == nil {
		err = body(ctx, r)
	}
	err = r.outcome(err)
	return r.finish(ctx), err
}

// prepare checks the settings, takes the lease of history runs and opens RetailCRM.
func (r *run) prepare(ctx context.Context, flow string) error {
	st, err := r.im.Repo.Load(ctx)
	if err != nil {
		return err
	}
	r.st = st
	if !st.Settings.Flags.ImportOrders {
		r.note(msgImportOff)
		return errStop
	}
	if !st.Verified() {
		return ErrNotVerified
	}
	if len(st.Settings.Tables.StatusesImport) == 0 {
		_, _, msg := ImportDecision(st.Settings, "")
		r.note(msg)
		return errStop
	}
	if flow == FlowHistorySync {
		l, err := r.im.Leases.Acquire(ctx, FlowHistorySync, leaseTTL(ctx))
		if errors.Is(err, lease.ErrHeld) {
			r.note(msgBusy)
			return errStop
		}
		if err != nil {
			return err
		}
		r.held = l
	}
	key, err := r.im.Secrets.Get(ctx, secret.RetailCRMAPIKey)
	if err != nil {
		return fmt.Errorf("sync: read the API key: %w", err)
	}
	conn := st.Settings.Connection
	if r.crm, err = r.im.Connect(conn.AccountURL, key); err != nil {
		return err
	}
	f, loc, err := facts(ctx, r.im.Store, r.crm, conn.AccountURL, r.im.Now())
	if err != nil {
		return r.crmError(err)
	}
	r.mapping = OrderMapping{Settings: st.Settings, PaidStatuses: f.PaidStatuses, Location: loc}
	r.print = fingerprint(st.Settings)
	return nil
}

// finish releases the lease, records the run and logs it.
func (r *run) finish(ctx context.Context) runlog.Run {
	ctx = context.WithoutCancel(ctx)
	if r.held != nil {
		if err := r.held.Release(ctx); err != nil {
			r.im.Log.WarnContext(ctx, "lease not released", "error", err)
		}
	}
	r.close(r.im.Now())
	if err := r.im.Runs.Record(ctx, r.log); err != nil {
		r.im.Log.ErrorContext(ctx, "run not recorded", "flow", r.log.Flow, "error", err)
	}
	r.im.Log.InfoContext(ctx, "import run", "flow", r.log.Flow, "trigger", r.log.Trigger, "run", r.log.ID,
		"complete", r.log.Complete, "counts", r.log.Counts, "error", r.log.Error)
	return r.log
}

// crmError explains a RetailCRM failure in Russian.
func (r *run) crmError(err error) error { return runCRMError(err, r.st.Settings.Connection.AccountURL) }

// history walks the history pages from the cursor.
func (r *run) history(ctx context.Context) error {
	h := r.st.Settings.History
	cursor := h.SinceID
	r.count(CountCursorFrom, int(cursor))
	defer func() { r.log.Counts[CountCursorTo] = cursor }()
	filter := retailcrm.HistoryFilter{SinceID: cursor, Limit: historyLimit}
	if cursor == 0 {
		start, err := r.startDate(ctx)
		if err != nil {
			return err
		}
		filter.StartDate = start.In(r.mapping.Location)
	}
	for {
		if timeUp(ctx, r.im.Margin) {
			r.note(msgStopped)
			return errStop
		}
		page, err := r.crm.OrdersHistory(ctx, filter)
		if err != nil {
			return r.crmError(err)
		}
		if len(page.History) == 0 {
			return nil
		}
		r.count(CountPages, 1)
		r.count(CountRecords, len(page.History))
		changed, cancels := r.changes(page.History)
		if _, err := r.importIDs(ctx, changed); err != nil {
			return err
		}
		if err := r.cancel(ctx, cancels); err != nil {
			return err
		}
		last := page.History[len(page.History)-1].ID
		if err := r.advance(ctx, cursor, last); err != nil {
			return err
		}
		cursor = last
		filter = retailcrm.HistoryFilter{SinceID: cursor, Limit: historyLimit}
		if len(page.History) < historyLimit {
			return nil
		}
	}
}

// startDate is where a first run starts: the date of actuality, or now — kept as the date of
// actuality, so that a run stopped before its first page starts again from the same moment.
func (r *run) startDate(ctx context.Context) (time.Time, error) {
	if d := r.st.Settings.History.ActualityDate; d != nil {
		return *d, nil
	}
	now := r.im.Now().UTC().Truncate(time.Second)
	_, err := r.im.Repo.Update(ctx, func(st *settings.State) error {
		if st.Settings.History.SinceID != 0 || st.Settings.History.ActualityDate != nil {
			return errCursorMoved
		}
		st.Settings.History.ActualityDate = &now
		return nil
	})
	if errors.Is(err, errCursorMoved) {
		r.note(msgCursorMoved)
		return now, errStop
	}
	return now, err
}

var errCursorMoved = errors.New("sync: the history position changed during the run")

// advance moves the cursor from → to, unless someone moved it meanwhile.
func (r *run) advance(ctx context.Context, from, to int64) error {
	_, err := r.im.Repo.Update(ctx, func(st *settings.State) error {
		if st.Settings.History.SinceID != from {
			return errCursorMoved
		}
		st.Settings.History.SinceID = to
		return nil
	})
	if errors.Is(err, errCursorMoved) {
		r.note(msgCursorMoved)
		return errStop
	}
	return err
}

// changes returns the orders changed by others than the bridge, in first-seen order, and the
// deleted ones (with the order they were merged into, or 0).
func (r *run) changes(records []retailcrm.HistoryRecord) ([]int64, map[int64]int64) {
	var changed []int64
	seen := map[int64]bool{}
	cancels := map[int64]int64{}
	for _, rec := range records {
		if rec.ByThisKey() {
			r.count(CountOwnRecords, 1)
			continue
		}
		if rec.Order == nil || rec.Order.ID == 0 {
			continue
		}
		id := rec.Order.ID
		if rec.Deleted {
			into := int64(0)
			if rec.CombinedTo != nil {
				into = rec.CombinedTo.ID
			}
			cancels[id] = into
			continue
		}
		if !seen[id] {
			seen[id] = true
			changed = append(changed, id)
		}
	}
	return slices.DeleteFunc(changed, func(id int64) bool { _, gone := cancels[id]; return gone }), cancels
}

// importIDs reads the orders in chunks and imports each; it returns how many RetailCRM had.
func (r *run) importIDs(ctx context.Context, ids []int64) (int, error) {
	found := 0
	for chunk := range slices.Chunk(ids, ordersChunk) {
		page, err := r.crm.Orders(ctx, retailcrm.OrdersFilter{IDs: chunk, Limit: ordersChunk})
		if err != nil {
			return found, r.crmError(err)
		}
		// The key may reach other shops of the account: their orders are not this connection's.
		orders := slices.DeleteFunc(page.Orders, func(o retailcrm.Order) bool { return o.Site != r.st.Settings.Connection.SiteCode })
		r.count(CountOrders, len(orders))
		found += len(orders)
		for _, o := range orders {
			if err := r.importOne(ctx, o); err != nil {
				return found, err
			}
		}
	}
	return found, nil
}

// importOne applies the status table and the mapping to one order and queues its command, or
// sets it aside.
func (r *run) importOne(ctx context.Context, o retailcrm.Order) error {
	ok, _, msg := ImportDecision(r.st.Settings, o.Status)
	if !ok {
		r.count(CountSkipped, 1)
		r.note(msg)
		// An order that is not to be imported has nothing to wait for in quarantine (were it
		// left there, every run would read it again).
		return r.im.Quarantine.Release(ctx, o.ID)
	}
	mapped, err := MapOrder(o, r.mapping)
	if me, isMapping := errors.AsType[*MappingError](err); isMapping {
		r.count(CountQuarantined, 1)
		return r.im.Quarantine.Put(ctx, quarantine.Entry{CRMOrderID: o.ID, Number: o.Number, Source: quarantine.SourceMapping,
			Reason: me.Error(), Settings: r.print, Updated: r.im.Now().UTC()})
	}
	if err != nil {
		return err
	}
	if msg != "" {
		r.note(msg)
	}
	p := upsertPending(o, mapped, msg)
	p.Force = r.force
	q, err := r.im.Inbox.Enqueue(ctx, p)
	if err != nil {
		return err
	}
	if q.Queued {
		r.count(CountQueued, 1)
	} else {
		r.count(CountUnchanged, 1)
		// 1C refused this very content: the order stays set aside until it is sent again.
		if st, _, err := r.im.Inbox.State(ctx, o.ID); err != nil || st.LastStatus == onec.AckFailed {
			return err
		}
	}
	return r.im.Quarantine.Release(ctx, o.ID)
}

// upsertPending is the order.upsert command of a mapped order, the status table's message
// (ImportDecision) first. The push builds its echo with it too (inbox.Pushed), so that both
// hash the same content.
func upsertPending(o retailcrm.Order, mapped MappedOrder, statusMessage string) inbox.Pending {
	messages := mapped.Messages
	if statusMessage != "" {
		messages = append([]string{statusMessage}, messages...)
	}
	return inbox.Pending{Type: onec.CommandOrderUpsert, CRMOrderID: o.ID, Number: o.Number, Order: &mapped.Order,
		Messages: messages}
}

// cancel takes deleted orders out of quarantine and queues order.cancel for those 1C knows (was
// sent a command for).
func (r *run) cancel(ctx context.Context, cancels map[int64]int64) error {
	for _, id := range slices.Sorted(maps.Keys(cancels)) {
		if err := r.im.Quarantine.Release(ctx, id); err != nil {
			return err
		}
		if _, known, err := r.im.Inbox.State(ctx, id); err != nil || !known {
			if err != nil {
				return err
			}
			continue
		}
		into := cancels[id]
		reason := "Заказ удалён в RetailCRM."
		if into != 0 {
			reason = fmt.Sprintf("Заказ объединён в RetailCRM с заказом %d.", into)
		}
		q, err := r.im.Inbox.Enqueue(ctx, inbox.Pending{Type: onec.CommandOrderCancel, CRMOrderID: id,
			Cancel: &onec.Cancel{CRMOrderID: id, CombinedInto: into, Reason: reason}})
		if err != nil {
			return err
		}
		if q.Queued {
			r.count(CountCancelled, 1)
		}
	}
	return nil
}

// retryQuarantine tries the quarantined orders again: all of them, or (automatic) those the
// bridge could not map under other settings than the current ones. An order 1C refused is not
// retried automatically: sent again unchanged, 1C would refuse it again on every run.
func (r *run) retryQuarantine(ctx context.Context, all bool) error {
	entries, err := r.im.Quarantine.List(ctx)
	if err != nil {
		return err
	}
	var ids []int64
	for _, e := range entries {
		if all || e.Source == quarantine.SourceMapping && e.Settings != r.print {
			ids = append(ids, e.CRMOrderID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	r.count(CountRetried, len(ids))
	found, err := r.importIDs(ctx, ids)
	if err != nil || found == len(ids) {
		return err
	}
	return r.releaseMissing(ctx, ids)
}

// releaseMissing releases the quarantined orders that RetailCRM no longer has.
func (r *run) releaseMissing(ctx context.Context, ids []int64) error {
	still, err := r.im.Quarantine.List(ctx)
	if err != nil {
		return err
	}
	for _, e := range still {
		if slices.Contains(ids, e.CRMOrderID) && e.Updated.Before(r.log.Start) {
			if err := r.im.Quarantine.Release(ctx, e.CRMOrderID); err != nil {
				return err
			}
		}
	}
	return nil
}

// fingerprint identifies the settings an order was mapped with (the history position aside).
func fingerprint(s settings.Settings) string {
	s.History = settings.History{}
	data, _ := json.Marshal(s)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails.
	return hex.EncodeToString(b)
}

// SyncFromDate is "Загрузить по дате актуальности": the history position goes back to the date
// (the cursor is cleared) and the import runs from there. Orders already in 1C are not sent
// again unless they changed.
func (im *Importer) SyncFromDate(ctx context.Context, date time.Time) (runlog.Run, error) {
	if date.IsZero() || date.After(im.Now()) {
		return runlog.Run{}, &settings.ValidationError{Problems: []settings.Problem{{Field: "date",
			Message: "Укажите дату актуальности в прошлом, например 2026-11-01T00:00:00+03:00."}}}
	}
	if _, err := im.Repo.Update(ctx, func(st *settings.State) error {
		if !st.Verified() {
			return ErrNotVerified
		}
		st.Settings.History = settings.History{ActualityDate: &date}
		return nil
	}); err != nil {
		return runlog.Run{}, err
	}
	return im.Sync(ctx, TriggerButton)
}

// NewImporter returns the order import on st with its repositories.
func NewImporter(st store.Store, secrets secret.Store, connect Connector, log *slog.Logger) *Importer {
	return &Importer{Store: st, Repo: settings.NewRepo(st), Secrets: secrets, Connect: connect,
		Inbox: inbox.New(st, inbox.Options{}), Quarantine: quarantine.New(st), Leases: lease.New(st),
		Runs: runlog.New(st), Now: time.Now, Log: log}
}
