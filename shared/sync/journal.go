package sync

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"unfbridge/shared/runlog"
)

// journal is what a run records as it goes: its run log entry, with counts and Russian messages
// for the user (a repeated message is counted, not listed again).
type journal struct {
	log      runlog.Run
	messages map[string]int
}

func newJournal(flow, trigger string, start time.Time) journal {
	return journal{messages: map[string]int{}, log: runlog.Run{ID: newID(), Flow: flow, Trigger: trigger,
		Start: start.UTC(), Counts: map[string]int64{}}}
}

// note adds a message for the user; repeats are counted, not listed.
func (j *journal) note(msg string) { j.messages[msg]++ }

func (j *journal) count(name string, n int) { j.log.Counts[name] += int64(n) }

// close ends the run at end and lists its messages, each repeated one with its count of orders.
func (j *journal) close(end time.Time) runlog.Run {
	j.log.End = end.UTC()
	j.log.Messages = nil
	for _, msg := range slices.Sorted(maps.Keys(j.messages)) {
		if n := j.messages[msg]; n > 1 {
			msg = fmt.Sprintf("%s (заказов: %d)", msg, n)
		}
		j.log.Messages = append(j.log.Messages, msg)
	}
	return j.log
}

// outcome records how the run ended and returns the error to report: complete; stopped early
// (errStop, not an error); refused for an unverified connection; or failed, a RetailCRM failure
// explained in Russian (a *CRMError).
func (j *journal) outcome(err error) error {
	switch {
	case err == nil:
		j.log.Complete = true
	case errors.Is(err, errStop):
		return nil
	case errors.Is(err, ErrNotVerified):
		j.note(GateMessage)
	default:
		j.log.Error = err.Error()
		if ce, ok := errors.AsType[*CRMError](err); ok {
			j.note(ce.Message)
		}
	}
	return err
}

// runCRMError explains a RetailCRM failure that ends a run in Russian.
func runCRMError(err error, accountURL string) error {
	return &CRMError{Message: "Ошибка RetailCRM: " + crmProblem(err, accountURL), Err: err}
}

// defaultMargin is the time left before the context deadline at which a run stops cleanly.
const defaultMargin = 10 * time.Second

// timeUp tells whether a run must stop to end margin (0: defaultMargin) before the context
// deadline.
func timeUp(ctx context.Context, margin time.Duration) bool {
	d, ok := ctx.Deadline()
	if margin == 0 {
		margin = defaultMargin
	}
	return ok && time.Until(d) < margin
}

// leaseTTL outlives a run: the time left before the context deadline plus a minute, or 15
// minutes without a deadline.
func leaseTTL(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return time.Until(d) + time.Minute
	}
	return 15 * time.Minute
}
