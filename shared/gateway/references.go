package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/onec"
	"unfbridge/shared/onecrefs"
	"unfbridge/shared/store"
)

// referencesSnapshot stores the 1C reference lists as the latest snapshot, unless a later one is
// stored already.
func (g *gateway) referencesSnapshot(ctx context.Context, ev onec.Envelope) (Result, []store.Op, error) {
	var refs onec.References
	if err := decodePayload(ev.Payload, &refs); err != nil {
		return Result{}, nil, err
	}
	ops, stale, err := g.refs.SaveOps(ctx, onecrefs.Snapshot{
		EventID:    ev.EventID,
		OccurredAt: ev.OccurredTime(),
		ReceivedAt: g.Now().UTC(),
		Infobase:   ev.Source.Infobase,
		References: refs,
	})
	if tooLarge, ok := errors.AsType[*onecrefs.TooLargeError](err); ok {
		return Result{}, nil, &Rejection{Status: http.StatusRequestEntityTooLarge, Err: httpapi.Error{Code: "snapshot_too_large",
			Message: fmt.Sprintf("Выгрузка справочников слишком велика: %s в сжатом виде, допускается не больше %s. "+
				"Уменьшите состав выгружаемых справочников.", kilobytes(tooLarge.Size), kilobytes(tooLarge.Limit))}}
	}
	if err != nil {
		return Result{}, nil, err
	}
	counts := make(map[string]int, len(onec.Kinds))
	for kind, n := range refs.Counts() {
		counts[string(kind)] = n
	}
	if stale {
		return Result{Status: StatusIgnored, Counts: counts,
			Message: "Выгрузка справочников не применена: в мосте уже есть более новая выгрузка."}, nil, nil
	}
	return Result{Status: StatusApplied, Counts: counts, Message: "Справочники 1С сохранены в мосте."}, ops, nil
}

// kilobytes formats a size in bytes as whole kilobytes, rounded up.
func kilobytes(n int) string { return fmt.Sprintf("%d КБ", (n+1023)/1024) }
