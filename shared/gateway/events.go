package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/onec"
	"unfbridge/shared/secret"
	"unfbridge/shared/store"
)

const (
	// maxBodySize is the largest event body accepted.
	maxBodySize = 5 << 20
	// maxAttempts bounds how often an event is handled again after its effects met a concurrent
	// change.
	maxAttempts = 5
	// maxClockSkew is how far in the future an event may have occurred: 1C's clock may be off,
	// but a snapshot dated far ahead would make every later one look stale.
	maxClockSkew = 24 * time.Hour
)

// errBusy answers an event whose effects kept meeting concurrent changes.
var errBusy = &Rejection{Status: http.StatusServiceUnavailable, Err: httpapi.Error{Code: "busy",
	Message: "Событие не записано из-за одновременных изменений. Оно будет отправлено повторно."}}

// answer is an HTTP answer to an event: the first one, or a repetition of it for a duplicate.
type answer struct {
	status int
	body   []byte
	// result is the Result status, for the log.
	result    string
	duplicate bool
}

// postEvent serves POST /onec/v1/events and logs one line about it.
func (g *gateway) postEvent(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	entry := g.receive(sw, r)
	g.logEvent(r.Context(), entry, sw.status, time.Since(start))
}

// receive authenticates, reads, applies and answers one event; it returns what to log.
func (g *gateway) receive(w http.ResponseWriter, r *http.Request) eventLog {
	if !httpapi.Authenticate(w, r, g.Secrets, secret.OnecToken) {
		return eventLog{result: "unauthenticated"}
	}
	ev, bodyHash, err := g.readEnvelope(r)
	if err != nil {
		return failure(w, eventLog{}, err)
	}
	entry := eventLog{eventID: ev.EventID, eventType: ev.Type}
	a, err := g.process(r.Context(), ev, bodyHash)
	if err != nil {
		return failure(w, entry, err)
	}
	entry.result = a.result
	if a.duplicate {
		w.Header().Set("X-Duplicate-Event", "true")
		entry.result = "duplicate"
	}
	httpapi.WriteJSON(w, a.status, json.RawMessage(a.body))
	return entry
}

// readEnvelope decodes and validates the body, and returns the envelope with the SHA-256 of the
// body (hex). Problems are *Rejections.
func (g *gateway) readEnvelope(r *http.Request) (onec.Envelope, string, error) {
	hash := sha256.New()
	r.Body = io.NopCloser(io.TeeReader(r.Body, hash))
	var ev onec.Envelope
	if err := decode(r, maxBodySize, &ev); err != nil {
		return ev, "", err
	}
	if problems := ev.Validate(); problems != nil {
		return ev, "", invalid(problems)
	}
	if ev.OccurredTime().After(g.Now().Add(maxClockSkew)) {
		return ev, "", invalid([]onec.FieldProblem{{Field: "occurredAt",
			Message: "Время события в будущем: проверьте дату, время и часовой пояс на сервере 1С."}})
	}
	return ev, hex.EncodeToString(hash.Sum(nil)), nil
}

// process applies a valid event once: a duplicate gets the first answer. When the write of the
// effects meets a concurrent change, either the dedupe record appeared (the same event delivered
// twice at once: its answer is returned) or the effects' versions moved (handled again, at most
// maxAttempts times in all).
func (g *gateway) process(ctx context.Context, ev onec.Envelope, bodyHash string) (answer, error) {
	for attempt := 0; ; attempt++ {
		first, found, err := g.firstAnswer(ctx, ev.EventID)
		if err != nil {
			return answer{}, err
		}
		if found {
			if first.BodySHA256 != bodyHash {
				g.Log.WarnContext(ctx, "duplicate event with a different body, answered with the first result",
					"eventId", ev.EventID, "type", loggable(ev.Type), "firstType", loggable(first.Type))
			}
			return first.answer(true), nil
		}
		if attempt == maxAttempts {
			return answer{}, errBusy
		}
		a, err := g.apply(ctx, ev, bodyHash)
		if !errors.Is(err, store.ErrConditionFailed) {
			return a, err
		}
	}
}

// apply runs the event's handler and writes its effects with the dedupe record, all or nothing.
// A concurrent change gives an error wrapping store.ErrConditionFailed.
func (g *gateway) apply(ctx context.Context, ev onec.Envelope, bodyHash string) (answer, error) {
	handle, err := g.handlerFor(ev.Type)
	if err != nil {
		return answer{}, err
	}
	res, ops, err := handle(ctx, ev)
	if err != nil {
		return answer{}, err
	}
	rec, err := newRecord(ev, bodyHash, Answer{EventID: ev.EventID, Result: res}, g.Now())
	if err != nil {
		return answer{}, err
	}
	put, err := rec.put(ev.EventID)
	if err != nil {
		return answer{}, err
	}
	if err := g.Store.Write(ctx, append([]store.Op{put}, ops...)); err != nil {
		return answer{}, fmt.Errorf("write event %s: %w", ev.EventID, err)
	}
	return rec.answer(false), nil
}

// handlerFor returns the handler of an event type, or the rejection of a type the contract does
// not have or this version does not handle yet (then 1C keeps the event and resends it later).
func (g *gateway) handlerFor(t onec.EventType) (EventHandler, error) {
	if h, ok := g.handlers[t]; ok {
		return h, nil
	}
	if !t.Known() {
		return nil, &Rejection{Status: http.StatusUnprocessableEntity, Err: httpapi.Error{Code: "unknown_event_type",
			Message: fmt.Sprintf("Неизвестный тип события %q: такого события нет в протоколе обмена 1С и моста. "+
				"Проверьте версию расширения 1С.", t)}}
	}
	// 501, not 4xx: the event is fine, this bridge is behind; a 1C outbox keeps and resends
	// events answered 5xx, and drops those answered 4xx.
	return nil, &Rejection{Status: http.StatusNotImplemented, Err: httpapi.Error{Code: "unsupported_event",
		Message: fmt.Sprintf("Эта версия моста ещё не обрабатывает события типа %q. Событие не сохранено; "+
			"1С отправит его повторно после обновления моста.", t)}}
}

// failure answers an error and returns the log entry completed with it: a rejection's code, or
// an internal error.
func failure(w http.ResponseWriter, entry eventLog, err error) eventLog {
	entry.result, entry.err = answerError(w, err)
	return entry
}

// answerError answers an error: a *Rejection as it says, any other error as an internal one. It
// returns the code answered and the internal error, for the log.
func answerError(w http.ResponseWriter, err error) (string, error) {
	if rej, ok := errors.AsType[*Rejection](err); ok {
		httpapi.WriteError(w, rej.Status, rej.Err)
		return rej.Err.Code, nil
	}
	httpapi.WriteError(w, http.StatusInternalServerError, httpapi.ErrInternal)
	return httpapi.ErrInternal.Code, err
}

// decode reads a JSON body of at most limit bytes strictly into dst; a bad body is a *Rejection.
func decode(r *http.Request, limit int64, dst any) error {
	err := httpapi.Decode(r, limit, dst)
	if de, ok := errors.AsType[*httpapi.DecodeError](err); ok {
		return &Rejection{Status: de.Status, Err: de.Err}
	}
	return err
}
