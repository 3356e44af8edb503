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

// logEvent writes the one line of a request: info when answered 2xx, warn for 4xx, error for 5xx.
func (g *gateway) logEvent(ctx context.Context, e eventLog, status int, d time.Duration) {
	level := slog.LevelInfo
	switch {
	case status >= 500:
		level = slog.LevelError
	case status >= 400:
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("eventId", e.eventID),
		slog.String("type", loggable(e.eventType)),
		slog.Int("status", status),
		slog.String("result", e.result),
		slog.Float64("durationMs", float64(d.Microseconds())/1000),
	}
	if e.err != nil {
		attrs = append(attrs, slog.String("error", e.err.Error()))
	}
	g.Log.LogAttrs(ctx, level, "onec event", attrs...)
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
