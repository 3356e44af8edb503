package inbox

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"unfbridge/shared/onec"
	"unfbridge/shared/store"
)

// AckResult is what an ack recorded.
type AckResult struct {
	CRMOrderID int64
	// Number is the CRM order number.
	Number string
	Status string
	// Message tells the user in Russian what happened, e.g.
	// "Проведен: Заказ покупателя АСФР-000012 от 29.11.2026 10:00:00".
	Message string
	// Error is 1C's error text of a failed command.
	Error string
	// Duplicate is true when the command had been acked with this status before: nothing
	// changed.
	Duplicate bool
}

// InvalidAckError is an ack that does not pass validation; nothing was recorded.
type InvalidAckError struct {
	Problems []onec.FieldProblem
}

func (e *InvalidAckError) Error() string {
	return fmt.Sprintf("inbox: invalid ack: %s: %s", e.Problems[0].Field, e.Problems[0].Message)
}

// Ack records what 1C did with a command, once:
//   - applied: the link CRM order ↔ 1C document (also found from the document: OrderOf), the
//     command's payments as applied, the order released from quarantine (when the command is
//     the order's last one);
//   - failed: the error, the order put in quarantine (when the command is its last one);
//   - skipped: only that.
//
// Each takes the command out of the pending set (a superseded command is out already, but an
// applied ack of it still links: 1C made the document). A repeated ack with the same status is
// answered as first recorded (Duplicate); another status is ErrConflictingAck. An unknown
// command is ErrUnknownCommand, an invalid ack an *InvalidAckError.
func (in *Inbox) Ack(ctx context.Context, a onec.Ack) (AckResult, error) {
	if problems := a.Validate(); problems != nil {
		return AckResult{}, &InvalidAckError{Problems: problems}
	}
	settled := false
	return retry(ctx, "ack command "+a.CommandID, func() (AckResult, error) { return in.ack(ctx, a, &settled) })
}

// ack is one attempt of Ack: it reads the command index and the order state, settles the
// quarantine (once: *settled tells whether done), and writes the index, the state and the
// removal from the pending set all or nothing.
func (in *Inbox) ack(ctx context.Context, a onec.Ack, settled *bool) (AckResult, error) {
	var idx commandIndex
	idxVersion, found, err := in.load(ctx, indexKey(a.CommandID), &idx)
	switch {
	case err != nil:
		return AckResult{}, err
	case !found:
		return AckResult{}, fmt.Errorf("%w: %s", ErrUnknownCommand, a.CommandID)
	case idx.Ack != nil:
		return repeated(idx, a)
	}
	var st orderState
	stVersion, _, err := in.load(ctx, stateKey(idx.CRMOrderID), &st)
	if err != nil {
		return AckResult{}, err
	}
	if !*settled {
		if err := in.settleQuarantine(ctx, a, idx, st.Last.ID == a.CommandID); err != nil {
			return AckResult{}, err
		}
		*settled = true
	}
	now := in.now().UTC()
	rec := ackRecord{CommandID: a.CommandID, Status: a.Status, Message: ackMessage(a, idx), Error: a.Error, At: now}
	applyAck(&st, idx, a, rec)
	idx.Ack = &rec
	ops, err := saveAll(record{k: indexKey(a.CommandID), version: idxVersion, v: idx, expires: now.Add(indexTTL)},
		record{k: stateKey(idx.CRMOrderID), version: stVersion, v: st})
	if err != nil {
		return AckResult{}, err
	}
	ops = append(ops, store.Delete(pendingKey(idx.Seq), store.Condition{}))
	if a.Status == onec.AckApplied {
		link, err := put(refKey(a.Ref), orderLink{CRMOrderID: idx.CRMOrderID})
		if err != nil {
			return AckResult{}, err
		}
		ops = append(ops, link)
	}
	if err := in.st.Write(ctx, ops); err != nil {
		return AckResult{}, fmt.Errorf("inbox: record the ack of command %s: %w", a.CommandID, err)
	}
	return result(idx, rec, false), nil
}

// applyAck applies an ack to the order state.
func applyAck(st *orderState, idx commandIndex, a onec.Ack, rec ackRecord) {
	st.CRMOrderID = idx.CRMOrderID
	st.LastAck = &rec
	if st.Last.ID == a.CommandID {
		st.Last.Status = a.Status
	}
	if a.Status != onec.AckApplied {
		return
	}
	st.Link = &Link{Ref: a.Ref, Number: a.Number, Date: a.Date}
	for _, id := range idx.Payments {
		if i, found := slices.BinarySearch(st.AppliedPayments, id); !found {
			st.AppliedPayments = slices.Insert(st.AppliedPayments, i, id)
		}
	}
}

// repeated answers an ack of a command acked before: the first result when the status is the
// same, ErrConflictingAck otherwise.
func repeated(idx commandIndex, a onec.Ack) (AckResult, error) {
	if idx.Ack.Status != a.Status {
		return AckResult{}, fmt.Errorf("%w: command %s was acked %s, now %s", ErrConflictingAck,
			a.CommandID, idx.Ack.Status, a.Status)
	}
	return result(idx, *idx.Ack, true), nil
}

func result(idx commandIndex, rec ackRecord, duplicate bool) AckResult {
	return AckResult{CRMOrderID: idx.CRMOrderID, Number: idx.Number, Status: rec.Status,
		Message: rec.Message, Error: rec.Error, Duplicate: duplicate}
}

// ackMessage is the Russian message of an ack for the user.
func ackMessage(a onec.Ack, idx commandIndex) string {
	switch a.Status {
	case onec.AckApplied:
		verb := "Проведен"
		if idx.Type == onec.CommandOrderCancel {
			verb = "Отменен"
		}
		date := a.Date
		if t, err := onec.ParseTime(a.Date); err == nil {
			date = t.Format("02.01.2006 15:04:05")
		}
		return fmt.Sprintf("%s: Заказ покупателя %s от %s", verb, a.Number, date)
	case onec.AckFailed:
		return fmt.Sprintf("1С не приняла заказ %s: %s", orderLabel(idx), strings.TrimSpace(a.Error))
	default:
		return fmt.Sprintf("1С пропустила команду по заказу %s.", orderLabel(idx))
	}
}

// orderLabel names a CRM order in a message: its number, or its id.
func orderLabel(idx commandIndex) string {
	if idx.Number != "" {
		return idx.Number
	}
	return fmt.Sprintf("с ИД %d", idx.CRMOrderID)
}
