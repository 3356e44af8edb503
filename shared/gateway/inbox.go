package gateway

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/inbox"
	"unfbridge/shared/onec"
	"unfbridge/shared/secret"
	"unfbridge/shared/store"
)

// maxAckBodySize is the largest ack body accepted.
const maxAckBodySize = 64 << 10

// Rejections of the inbox endpoints.
var (
	errBadCursor = &Rejection{Status: http.StatusBadRequest, Err: httpapi.Error{Code: "bad_cursor",
		Message: "Параметр after должен быть значением next из предыдущего ответа моста (целое число) или пустым."}}
	errBadLimit = &Rejection{Status: http.StatusBadRequest, Err: httpapi.Error{Code: "bad_limit",
		Message: fmt.Sprintf("Параметр limit должен быть целым числом от 1 до %d.", inbox.MaxPullLimit)}}
	errUnknownCommand = &Rejection{Status: http.StatusNotFound, Err: httpapi.Error{Code: "unknown_command",
		Message: "Команда с таким commandId не найдена: мост её не выдавал или она устарела."}}
	errConflictingAck = &Rejection{Status: http.StatusConflict, Err: httpapi.Error{Code: "conflicting_ack",
		Message: "Команда уже подтверждена с другим статусом; повторное подтверждение должно совпадать с первым."}}
	errInboxBusy = &Rejection{Status: http.StatusServiceUnavailable, Err: httpapi.Error{Code: "busy",
		Message: "Подтверждение не записано из-за одновременных изменений. Повторите попытку."}}
)

// endpoint serves the requests of one method with serve (others get 405) and logs one line msg
// about each.
func (g *gateway) endpoint(method, msg string, serve func(http.ResponseWriter, *http.Request) requestLog) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		entry := requestLog{result: "method_not_allowed"}
		if allowed(sw, r, method) {
			entry = serve(sw, r)
		}
		g.logRequest(r.Context(), msg, entry, sw.status, time.Since(start))
	})
}

// failed answers an error and returns the log entry completed with it.
func failed(w http.ResponseWriter, entry requestLog, err error) requestLog {
	entry.result, entry.err = answerError(w, err)
	return entry
}

// pull serves GET /onec/v1/inbox?after=<cursor>&limit=<n>: it authenticates, hands out commands
// and answers; it returns what to log.
func (g *gateway) pull(w http.ResponseWriter, r *http.Request) requestLog {
	if !httpapi.Authenticate(w, r, g.Secrets, secret.OnecToken) {
		return requestLog{result: "unauthenticated"}
	}
	q := r.URL.Query()
	box, err := g.pullInbox(r, q.Get("after"), q.Get("limit"))
	if err != nil {
		return failed(w, requestLog{}, err)
	}
	httpapi.WriteJSON(w, http.StatusOK, box)
	ids := make([]string, len(box.Commands))
	for i, c := range box.Commands {
		ids[i] = c.CommandID
	}
	return requestLog{result: "ok", attrs: []slog.Attr{
		slog.String("after", q.Get("after")),
		slog.String("next", box.Next),
		slog.Int("commands", len(box.Commands)),
		slog.Any("commandIds", ids),
	}}
}

// pullInbox checks the parameters and pulls; problems are *Rejections.
func (g *gateway) pullInbox(r *http.Request, after, limitParam string) (onec.Inbox, error) {
	limit := inbox.DefaultPullLimit
	if limitParam != "" {
		n, err := strconv.Atoi(limitParam)
		if err != nil || n < 1 || n > inbox.MaxPullLimit {
			return onec.Inbox{}, errBadLimit
		}
		limit = n
	}
	box, err := g.inbox.Pull(r.Context(), after, limit)
	if errors.Is(err, inbox.ErrBadCursor) {
		return box, errBadCursor
	}
	return box, err
}

// ack serves POST /onec/v1/inbox/ack: it authenticates, records and answers one ack; it returns
// what to log.
func (g *gateway) ack(w http.ResponseWriter, r *http.Request) requestLog {
	if !httpapi.Authenticate(w, r, g.Secrets, secret.OnecToken) {
		return requestLog{result: "unauthenticated"}
	}
	var a onec.Ack
	if err := decode(r, maxAckBodySize, &a); err != nil {
		return failed(w, requestLog{}, err)
	}
	entry := requestLog{attrs: ackAttrs(a)}
	res, err := g.inbox.Ack(r.Context(), a)
	if err != nil {
		return failed(w, entry, ackRejection(err))
	}
	entry.attrs = append(entry.attrs, slog.Int64("crmOrderId", res.CRMOrderID))
	entry.result = res.Status
	if res.Duplicate {
		entry.result = "duplicate"
	}
	httpapi.WriteJSON(w, http.StatusOK, onec.AckAnswer{CommandID: strings.ToLower(a.CommandID), Status: res.Status,
		CRMOrderID: res.CRMOrderID, Message: res.Message, Duplicate: res.Duplicate})
	return entry
}

// ackRejection returns the rejection of an ack the inbox refused; other errors as they are.
func ackRejection(err error) error {
	if invalid, ok := errors.AsType[*inbox.InvalidAckError](err); ok {
		return invalidInput("Подтверждение", invalid.Problems)
	}
	switch {
	case errors.Is(err, inbox.ErrUnknownCommand):
		return errUnknownCommand
	case errors.Is(err, inbox.ErrConflictingAck):
		return errConflictingAck
	case errors.Is(err, store.ErrConditionFailed):
		return errInboxBusy
	}
	return err
}

// ackAttrs are the log attributes of an ack: its command id and status when they are what the
// contract allows, so that no arbitrary input reaches the logs.
func ackAttrs(a onec.Ack) []slog.Attr {
	var attrs []slog.Attr
	if id := strings.ToLower(a.CommandID); onec.ValidGUID(id) {
		attrs = append(attrs, slog.String("commandId", id))
	}
	switch a.Status {
	case onec.AckApplied, onec.AckFailed, onec.AckSkipped:
		attrs = append(attrs, slog.String("ackStatus", a.Status))
	}
	return attrs
}
