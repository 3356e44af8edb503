package gateway

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"unfbridge/shared/onec"
)

// eventLog is what the log line of one request to the events endpoint tells. It never holds a
// token, a header or the payload.
type eventLog struct {
	// eventID and eventType are set once the envelope is valid.
	eventID   string
	eventType onec.EventType
	// result is the Result status, "duplicate", or the code of the error answered.
	result string
	// err is an internal error.
	err error
}

// logEvent writes the one line of a request to the events endpoint.
func (g *gateway) logEvent(ctx context.Context, e eventLog, status int, d time.Duration) {
	g.logRequest(ctx, "onec event", requestLog{result: e.result, err: e.err, attrs: []slog.Attr{
		slog.String("eventId", e.eventID),
		slog.String("type", loggable(e.eventType)),
	}}, status, d)
}

// requestLog is what the log line of one request tells: the endpoint's attributes (ids, never a
// token, a header or a payload), the result (a status, "duplicate", or the code of the error
// answered) and an internal error.
type requestLog struct {
	attrs  []slog.Attr
	result string
	err    error
}

// logRequest writes the one line of a request: info when answered 2xx, warn for 4xx, error for
// 5xx.
func (g *gateway) logRequest(ctx context.Context, msg string, e requestLog, status int, d time.Duration) {
	level := slog.LevelInfo
	switch {
	case status >= 500:
		level = slog.LevelError
	case status >= 400:
		level = slog.LevelWarn
	}
	attrs := append(e.attrs,
		slog.Int("status", status),
		slog.String("result", e.result),
		slog.Float64("durationMs", float64(d.Microseconds())/1000),
	)
	if e.err != nil {
		attrs = append(attrs, slog.String("error", e.err.Error()))
	}
	g.Log.LogAttrs(ctx, level, msg, attrs...)
}

// statusWriter remembers the status of the answer.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// loggable returns an event type for the log: a type of the contract (or none) as is, another
// one as "unknown", so that no arbitrary input reaches the logs.
func loggable(t onec.EventType) string {
	if t == "" || t.Known() {
		return string(t)
	}
	return "unknown"
}
