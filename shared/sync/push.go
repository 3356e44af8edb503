package sync

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"unfbridge/shared/inbox"
	"unfbridge/shared/lease"
	"unfbridge/shared/push"
	"unfbridge/shared/runlog"
	"unfbridge/shared/secret"
	"unfbridge/shared/settings"
	"unfbridge/shared/store"
)

// TriggerStream is the trigger of a push run started by the events of some orders.
const TriggerStream = "stream"

// Counts of a push run.
const (
	CountOrdersEdited    = "ordersEdited"
	CountPaymentsCreated = "paymentsCreated"
	CountPaymentsEdited  = "paymentsEdited"
	CountPaymentsDeleted = "paymentsDeleted"
	CountPostponed       = "postponed"
	CountFailed          = "failed"
	CountBusy            = "busy"
)

// Messages of the push runs.
const (
	msgExportOrdersOff   = "Выгрузка изменений по заказам в RetailCRM выключена (вкладка «Настройки», флажок «Выгружать изменения по заказам в RetailCRM»): изменения заказов не выгружаются."
	msgExportPaymentsOff = "Выгрузка оплат в RetailCRM выключена (вкладка «Настройки», флажок «Выгрузка оплат в CRM»): оплаты не выгружаются."
	msgPushStopped       = "Выгрузка в RetailCRM остановлена до истечения времени запуска и продолжится при следующем запуске."
)

// DefaultRetryWindow is how long an order whose push keeps failing with retryable errors is
// tried again before it goes to the failed pushes.
const DefaultRetryWindow = 24 * time.Hour

// Pusher is the 1C → RetailCRM push: the orders and payments 1C posted, unposted or deleted
// (recorded by the gateway in package push) go to RetailCRM, each order by one pusher at a
// time, retried with backoff, and set aside in the failed pushes when RetailCRM refuses them.
type Pusher struct {
	Store   store.Store
	Repo    *settings.Repo
	Secrets secret.Store
	Connect Connector
	Inbox   *inbox.Inbox
	Push    *push.Repo
	Leases  *lease.Repo
	Runs    *runlog.Repo
	Now     func() time.Time
	Log     *slog.Logger
	// Margin is the time left before the context deadline at which a run stops cleanly
	// (default 10s); the orders left stay dirty for the next run.
	Margin time.Duration
	// RetryWindow is DefaultRetryWindow when 0.
	RetryWindow time.Duration
}

// NewPusher returns the push on st with its repositories.
func NewPusher(st store.Store, secrets secret.Store, connect Connector, log *slog.Logger) *Pusher {
	return &Pusher{Store: st, Repo: settings.NewRepo(st), Secrets: secrets, Connect: connect,
		Inbox: inbox.New(st, inbox.Options{}), Push: push.New(st), Leases: lease.New(st), Runs: runlog.New(st),
		Now: time.Now, Log: log}
}

// Drain pushes the given orders (those whose events just arrived) that have work due, and
// records the run.
func (p *Pusher) Drain(ctx context.Context, crmOrderIDs []int64) (runlog.Run, error) {
	return p.do(ctx, TriggerStream, func(context.Context) ([]int64, error) { return crmOrderIDs, nil })
}

// DrainDue is the scheduled push: every order with work due.
func (p *Pusher) DrainDue(ctx context.Context) (runlog.Run, error) {
	return p.do(ctx, TriggerSchedule, p.Due)
}

// Due returns the CRM orders whose push work is due now.
func (p *Pusher) Due(ctx context.Context) ([]int64, error) {
	pending, err := p.Push.Pending(ctx)
	var due []int64
	for _, w := range pending {
		if w.Due(p.Now()) {
			due = append(due, w.CRMOrderID)
		}
	}
	return due, err
}

// Retry is the retry action of the failed pushes: those of one CRM order (all when crmOrderID
// is 0) are cleared, and their orders pushed again now.
func (p *Pusher) Retry(ctx context.Context, crmOrderID int64) (runlog.Run, error) {
	if crmOrderID < 0 {
		return runlog.Run{}, &settings.ValidationError{Problems: []settings.Problem{{Field: "crmOrderId",
			Message: "Укажите внутренний id заказа RetailCRM (положительное число) или не указывайте его, чтобы повторить все."}}}
	}
	return p.do(ctx, TriggerButton, func(ctx context.Context) ([]int64, error) {
		return p.Push.Retry(ctx, crmOrderID, p.Now())
	})
}

// Failed lists the failed pushes, by CRM order.
func (p *Pusher) Failed(ctx context.Context) ([]push.Failure, error) { return p.Push.Failures(ctx, 0) }

// pushRun is one push run in progress.
type pushRun struct {
	journal
	p       *Pusher
	st      settings.Settings
	crm     CRM
	mapping OrderMapping
}

// do runs one recorded push run over the orders that orders returns.
func (p *Pusher) do(ctx context.Context, trigger string, orders func(context.Context) ([]int64, error)) (runlog.Run, error) {
	r := &pushRun{p: p, journal: newJournal(push.Flow, trigger, p.Now())}
	ids, err := orders(ctx)
	if err == nil && len(ids) > 0 {
		err = r.prepare(ctx)
		if err == nil {
			err = r.drain(ctx, ids)
		}
	}
	err = r.outcome(err)
	return r.finish(ctx), err
}

// prepare loads the settings and opens RetailCRM.
func (r *pushRun) prepare(ctx context.Context) error {
	st, err := r.p.Repo.Load(ctx)
	if err != nil {
		return err
	}
	if !st.Verified() {
		return ErrNotVerified
	}
	r.st = st.Settings
	key, err := r.p.Secrets.Get(ctx, secret.RetailCRMAPIKey)
	if err != nil {
		return fmt.Errorf("sync: read the API key: %w", err)
	}
	if r.crm, err = r.p.Connect(r.st.Connection.AccountURL, key); err != nil {
		return err
	}
	f, loc, err := facts(ctx, r.p.Store, r.crm, r.st.Connection.AccountURL, r.p.Now())
	if err != nil {
		return r.crmError(err)
	}
	r.mapping = OrderMapping{Settings: r.st, PaidStatuses: f.PaidStatuses, Location: loc}
	return nil
}

// drain pushes the orders one after the other, stopping cleanly before the deadline.
func (r *pushRun) drain(ctx context.Context, ids []int64) error {
	for _, id := range ids {
		if timeUp(ctx, r.p.Margin) {
			r.note(msgPushStopped)
			return errStop
		}
		if err := r.drainOrder(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// finish records the run and logs it.
func (r *pushRun) finish(ctx context.Context) runlog.Run {
	ctx = context.WithoutCancel(ctx)
	r.close(r.p.Now())
	if err := r.p.Runs.Record(ctx, r.log); err != nil {
		r.p.Log.ErrorContext(ctx, "run not recorded", "flow", r.log.Flow, "error", err)
	}
	r.p.Log.InfoContext(ctx, "push run", "trigger", r.log.Trigger, "run", r.log.ID, "complete", r.log.Complete,
		"counts", r.log.Counts, "error", r.log.Error)
	return r.log
}

// crmError explains a RetailCRM failure of the whole run in Russian.
func (r *pushRun) crmError(err error) error { return runCRMError(err, r.st.Connection.AccountURL) }
