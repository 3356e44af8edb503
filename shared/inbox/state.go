package inbox

import (
	"context"
	"fmt"
	"time"

	"unfbridge/shared/store"
)

// OrderState is what the inbox knows of one CRM order.
type OrderState struct {
	CRMOrderID int64 `json:"crmOrderId"`
	// Number is the CRM order number of the last command.
	Number string `json:"number,omitempty"`
	// Link is the 1C document of the order; nil until 1C applied a command of it.
	Link *Link `json:"link"`
	// LastCommandID, LastCommandType and LastStatus describe the last command queued; the status
	// is StatusPending, StatusDelivered or the ack status.
	LastCommandID   string    `json:"lastCommandId"`
	LastCommandType string    `json:"lastCommandType"`
	LastStatus      string    `json:"lastStatus"`
	LastEnqueuedAt  time.Time `json:"lastEnqueuedAt"`
	// Deliveries counts the deliveries of the pending command.
	Deliveries int `json:"deliveries"`
	// LastAckMessage and LastAckError are those of the last ack received (of any command).
	LastAckMessage string    `json:"lastAckMessage,omitempty"`
	LastAckError   string    `json:"lastAckError,omitempty"`
	LastAckAt      time.Time `json:"lastAckAt,omitzero"`
	// AppliedPayments are the CRM payment ids 1C made documents of, ascending.
	AppliedPayments []int64 `json:"appliedPayments,omitempty"`
	// PendingCommandID is the command waiting for 1C; empty when none.
	PendingCommandID string `json:"pendingCommandId,omitempty"`
}

// State returns what the inbox knows of a CRM order; false when no command was ever queued for
// it.
func (in *Inbox) State(ctx context.Context, crmOrderID int64) (OrderState, bool, error) {
	var st orderState
	_, found, err := in.load(ctx, stateKey(crmOrderID), &st)
	if err != nil || !found {
		return OrderState{}, false, err
	}
	out := OrderState{CRMOrderID: crmOrderID, Number: st.Number, Link: st.Link, LastCommandID: st.Last.ID,
		LastCommandType: st.Last.Type, LastStatus: st.Last.Status, LastEnqueuedAt: st.Last.EnqueuedAt,
		AppliedPayments: st.AppliedPayments}
	if st.LastAck != nil {
		out.LastAckMessage, out.LastAckError, out.LastAckAt = st.LastAck.Message, st.LastAck.Error, st.LastAck.At
	}
	if st.Last.Status != StatusPending {
		return out, true, nil
	}
	out.PendingCommandID = st.Last.ID
	var pc pendingCommand
	if _, _, err := in.load(ctx, pendingKey(st.Last.Seq), &pc); err != nil {
		return OrderState{}, false, err
	}
	if pc.Attempts > 0 {
		out.LastStatus, out.Deliveries = StatusDelivered, pc.Attempts
	}
	return out, true, nil
}

// PendingCount returns the number of commands waiting for 1C (undelivered, or delivered and not
// acked).
func (in *Inbox) PendingCount(ctx context.Context) (int, error) {
	n := 0
	q := store.Query{PK: pendingPK, Limit: store.MaxQueryLimit}
	for {
		page, err := in.st.Query(ctx, q)
		if err != nil {
			return 0, fmt.Errorf("inbox: count the pending commands: %w", err)
		}
		n += len(page.Items)
		if page.Next == "" {
			return n, nil
		}
		q.After = page.Next
	}
}
