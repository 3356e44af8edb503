package sync

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"unfbridge/shared/lease"
	"unfbridge/shared/push"
	"unfbridge/shared/retailcrm"
)

// maxRounds bounds how often one drain pushes an order again because events kept arriving
// while it pushed; the order stays dirty for the next run after that.
const maxRounds = 3

// Backoff of an order whose push failed with a retryable error: exponential from firstBackoff,
// capped at maxBackoff, the wait drawn between its half and its whole.
const (
	firstBackoff = 30 * time.Second
	maxBackoff   = 30 * time.Minute
)

// drainOrder pushes one order under its lease, so that two pushers never push the same order at
// once and a push never overtakes an earlier one. Each round pushes the latest state recorded;
// the order is clean only if no event arrived meanwhile.
func (r *pushRun) drainOrder(ctx context.Context, id int64) error {
	l, err := r.p.Leases.Acquire(ctx, "push#"+strconv.FormatInt(id, 10), leaseTTL(ctx))
	if errors.Is(err, lease.ErrHeld) {
		r.count(CountBusy, 1)
		return nil
	}
	if err != nil {
		return err
	}
	defer func() {
		if err := l.Release(context.WithoutCancel(ctx)); err != nil {
			r.p.Log.WarnContext(ctx, "lease not released", "order", id, "error", err)
		}
	}()
	for round := range maxRounds {
		w, found, err := r.p.Push.Work(ctx, id)
		if err != nil || !found || !w.Due(r.p.Now()) {
			return err
		}
		if round == 0 {
			r.count(CountOrders, 1)
		}
		err = r.pushOrder(ctx, id)
		if later, ok := errors.AsType[*retryLater](err); ok {
			return r.postpone(ctx, w, later)
		}
		if err != nil {
			return err
		}
		if cleaned, err := r.p.Push.Clean(ctx, w); err != nil || cleaned {
			return err
		}
	}
	return nil
}

// retryLater is a push that failed with a retryable error: the order is tried again later.
type retryLater struct {
	failure push.Failure
	err     error
}

func (e *retryLater) Error() string { return e.err.Error() }
func (e *retryLater) Unwrap() error { return e.err }

// postpone schedules the next attempt of an order after a retryable failure, or, past the retry
// window, lists the failure and leaves the order clean.
func (r *pushRun) postpone(ctx context.Context, w push.Work, later *retryLater) error {
	now := r.p.Now()
	r.note("Ошибка RetailCRM: " + crmProblem(later.err, r.st.Connection.AccountURL))
	window := r.p.RetryWindow
	if window == 0 {
		window = DefaultRetryWindow
	}
	if !w.FailingSince.IsZero() && now.Sub(w.FailingSince) >= window {
		r.count(CountFailed, 1)
		if err := r.p.Push.Fail(ctx, later.failure); err != nil {
			return err
		}
		_, err := r.p.Push.Clean(ctx, w)
		return err
	}
	r.count(CountPostponed, 1)
	_, err := r.p.Push.Postpone(ctx, w, now.Add(backoff(w.Attempts+1)), now, later.failure.Message)
	return err
}

// backoff is the wait before the attempt after attempts failed ones.
func backoff(attempts int) time.Duration {
	d := maxBackoff
	if attempts < 16 {
		d = min(firstBackoff<<(attempts-1), maxBackoff)
	}
	return d/2 + rand.N(d/2+1)
}

// pushProblem is a problem found before sending: the object cannot be pushed as 1C has it.
type pushProblem struct {
	message string
}

func (p *pushProblem) Error() string { return p.message }

// settle runs the push of one object of an order and handles its outcome: a success takes the
// object off the failed pushes, a refusal lists it, a retryable failure is a *retryLater.
// Errors of the bridge itself and of the whole connection (key, account URL) are returned as
// they are.
func (o *orderPush) settle(ctx context.Context, key, object string, listed []push.Failure, run func() error) error {
	err := run()
	f := push.Failure{CRMOrderID: o.id, Object: object, Key: key, Updated: o.r.p.Now().UTC()}
	switch {
	case err == nil:
		if slices.ContainsFunc(listed, func(l push.Failure) bool { return l.Key == key }) {
			return o.r.p.Push.Resolve(ctx, o.id, key)
		}
		return nil
	case retryable(ctx, err):
		f.Message = failureMessage(err)
		return &retryLater{failure: f, err: err}
	case refused(err):
		o.r.count(CountFailed, 1)
		f.Message = failureMessage(err)
		o.r.note(fmt.Sprintf("Заказ RetailCRM %d (%s) не выгружен: %s", o.id, object, f.Message))
		return o.r.p.Push.Fail(ctx, f)
	case errors.Is(err, retailcrm.ErrAuth), errors.Is(err, retailcrm.ErrWrongAccountURL):
		return o.r.crmError(err)
	}
	return err
}

// retryable tells whether a failed push may succeed later as it is: RetailCRM overloaded or
// unreachable, and the run's own context still alive.
func retryable(ctx context.Context, err error) bool {
	return ctx.Err() == nil && (errors.Is(err, retailcrm.ErrServer) || errors.Is(err, retailcrm.ErrRateLimited) ||
		errors.Is(err, retailcrm.ErrTransport) || errors.Is(err, context.DeadlineExceeded))
}

// refused tells whether RetailCRM refused the push (or the bridge found it cannot be pushed):
// trying again unchanged would fail again.
func refused(err error) bool {
	_, problem := errors.AsType[*pushProblem](err)
	return problem || errors.Is(err, retailcrm.ErrValidation) || errors.Is(err, retailcrm.ErrNotFound) ||
		errors.Is(err, retailcrm.ErrRejected) || errors.Is(err, retailcrm.ErrPartial)
}

// failureMessage is RetailCRM's message as given (errorMsg, then the field errors), the
// bridge's own for a problem found before sending, else the error.
func failureMessage(err error) string {
	if p, ok := errors.AsType[*pushProblem](err); ok {
		return p.message
	}
	ae, ok := errors.AsType[*retailcrm.APIError](err)
	if !ok {
		return err.Error()
	}
	parts := []string{ae.Message}
	for _, fe := range ae.Errors {
		if fe.Field != "" {
			parts = append(parts, fe.Field+": "+fe.Message)
		} else {
			parts = append(parts, fe.Message)
		}
	}
	return strings.Join(parts, "; ")
}
