package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"unfbridge/shared/onec"
	"unfbridge/shared/store"
)

// maxCursorLen bounds a cursor: a sequence number has at most 19 digits.
const maxCursorLen = 19

// Pull hands out pending commands, in sequence order, at most limit (≤ 0: DefaultPullLimit;
// capped at MaxPullLimit): those after the cursor, those delivered more than RedeliverAfter ago
// and not acked, and those never delivered whatever the cursor. It marks them delivered. after
// is the Next of the previous Pull ("" from the start); a malformed one is ErrBadCursor, one
// beyond the last command queued (the store was replaced) starts over. Next is the highest
// sequence number handed out, or after when none is new.
//
// An order.upsert goes out without the payments 1C already made documents of, and with the
// 1C reference of the order's link when it has none.
func (in *Inbox) Pull(ctx context.Context, after string, limit int) (onec.Inbox, error) {
	from, err := parseCursor(after)
	if err != nil {
		return onec.Inbox{}, err
	}
	if limit <= 0 {
		limit = DefaultPullLimit
	}
	limit = min(limit, MaxPullLimit)
	var last counter
	if _, _, err := in.load(ctx, counterKey, &last); err != nil {
		return onec.Inbox{}, err
	}
	if from > last.Seq {
		from, after = 0, ""
	}
	due, err := in.due(ctx, from, limit)
	if err != nil {
		return onec.Inbox{}, err
	}
	out := onec.Inbox{Commands: []onec.Command{}, Next: after}
	next := from
	for _, it := range due {
		pc, ok, err := in.deliver(ctx, it)
		if err != nil {
			return onec.Inbox{}, err
		}
		if !ok {
			continue
		}
		cmd, err := in.command(ctx, pc)
		if err != nil {
			return onec.Inbox{}, err
		}
		out.Commands = append(out.Commands, cmd)
		next = max(next, seqOf(it))
	}
	if next > from {
		out.Next = formatCursor(next)
	}
	return out, nil
}

// parseCursor returns the sequence number of a cursor; "" is 0.
func parseCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	if len(s) > maxCursorLen {
		return 0, ErrBadCursor
	}
	n, err := strconv.ParseUint(s, 10, 63)
	if err != nil {
		return 0, ErrBadCursor
	}
	return int64(n), nil
}

// formatCursor returns the cursor of a sequence number; 0 is "".
func formatCursor(seq int64) string {
	if seq == 0 {
		return ""
	}
	return strconv.FormatInt(seq, 10)
}

// due returns the pending items to hand out, in sequence order, at most limit.
func (in *Inbox) due(ctx context.Context, from int64, limit int) ([]store.Item, error) {
	now := in.now()
	var out []store.Item
	q := store.Query{PK: pendingPK, Limit: store.MaxQueryLimit}
	for {
		page, err := in.st.Query(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("inbox: read the pending commands: %w", err)
		}
		for _, it := range page.Items {
			var pc pendingCommand
			if err := json.Unmarshal(it.Data, &pc); err != nil {
				return nil, fmt.Errorf("inbox: decode %s: %w", it.Key(), err)
			}
			if seqOf(it) > from || pc.DeliveredAt.IsZero() || now.Sub(pc.DeliveredAt) >= in.redeliver {
				out = append(out, it)
			}
			if len(out) == limit {
				return out, nil
			}
		}
		if page.Next == "" {
			return out, nil
		}
		q.After = page.Next
	}
}

// seqOf returns the sequence number of a pending item, from its sort key.
func seqOf(it store.Item) int64 {
	n, _ := strconv.ParseInt(it.SK, 10, 64) // pendingKey writes only digits.
	return n
}

// deliver marks a pending item delivered now; false when it changed since it was read (acked,
// superseded, or handed out by a concurrent Pull).
func (in *Inbox) deliver(ctx context.Context, it store.Item) (pendingCommand, bool, error) {
	var pc pendingCommand
	if err := json.Unmarshal(it.Data, &pc); err != nil {
		return pc, false, fmt.Errorf("inbox: decode %s: %w", it.Key(), err)
	}
	pc.DeliveredAt = in.now().UTC()
	pc.Attempts++
	op, err := save(it.Key(), it.Version, pc, time.Time{})
	if err != nil {
		return pc, false, err
	}
	err = in.st.Put(ctx, op.Item, op.Cond)
	if errors.Is(err, store.ErrConditionFailed) {
		return pc, false, nil
	}
	if err != nil {
		return pc, false, fmt.Errorf("inbox: mark %s delivered: %w", it.Key(), err)
	}
	return pc, true, nil
}

// command returns the command 1C receives for a pending one: the payload brought up to date
// with the order's link and applied payments.
func (in *Inbox) command(ctx context.Context, pc pendingCommand) (onec.Command, error) {
	cmd := onec.Command{CommandID: pc.ID, Type: pc.Type, CRMOrderID: pc.CRMOrderID, Payload: pc.Payload,
		Messages: messages(pc.Messages)}
	var st orderState
	if _, _, err := in.load(ctx, stateKey(pc.CRMOrderID), &st); err != nil {
		return cmd, err
	}
	fill := linkedRef(st.Link)
	var v any
	switch pc.Type {
	case onec.CommandOrderUpsert:
		var o onec.Order
		if err := json.Unmarshal(pc.Payload, &o); err != nil {
			return cmd, fmt.Errorf("inbox: decode the payload of command %s: %w", pc.ID, err)
		}
		o.Ref = fill(o.Ref)
		o.Payments = slices.DeleteFunc(o.Payments, func(p onec.OrderPayment) bool {
			_, applied := slices.BinarySearch(st.AppliedPayments, p.CRMPaymentID)
			return applied
		})
		v = o
	case onec.CommandOrderCancel:
		var c onec.Cancel
		if err := json.Unmarshal(pc.Payload, &c); err != nil {
			return cmd, fmt.Errorf("inbox: decode the payload of command %s: %w", pc.ID, err)
		}
		c.Ref = fill(c.Ref)
		v = c
	default:
		return cmd, fmt.Errorf("inbox: command %s has unknown type %q", pc.ID, pc.Type)
	}
	payload, err := json.Marshal(v)
	if err != nil {
		return cmd, fmt.Errorf("inbox: encode the payload of command %s: %w", pc.ID, err)
	}
	cmd.Payload = payload
	return cmd, nil
}
