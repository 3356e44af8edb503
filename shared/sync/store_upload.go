package sync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"unfbridge/shared/retailcrm"
	"unfbridge/shared/storesync"
)

// storeBatch is how many offers one upload request carries, RetailCRM's limit.
const storeBatch = 250

// maxFailedInRow is how many batches in a row RetailCRM may refuse before the run stops: past
// that, the next batches would most likely be refused for the same reason.
const maxFailedInRow = 3

// maxListed bounds the offers a message names.
const maxListed = 10

// want is what RetailCRM should have of one offer: its values V, their fingerprint (never 0)
// and the codes that have a value (price types, for the prices).
type want[V any] struct {
	key    string
	print  uint64
	codes  []string
	values V
}

// storeSpec is how one flow's values are read and sent; P is the upload entry of an offer.
type storeSpec[V, P any] struct {
	// each calls fn with what RetailCRM should have of every offer of the catalog.
	each func(ctx context.Context, fn func(want[V])) error
	// item is the upload entry of an offer whose values changed; old are the codes that had a
	// value when RetailCRM last accepted it. It returns false when there is nothing to send.
	item func(w *want[V], old []string) (P, bool)
	// send uploads one batch.
	send func(ctx context.Context, items []P) (retailcrm.UploadResult, error)
}

// pendingOffer is an offer to send, with what is recorded once RetailCRM accepts it.
type pendingOffer[P any] struct {
	key   string
	item  P
	entry storesync.Entry
}

// storeTally is what an upload did, for its counts and messages.
type storeTally struct {
	offers, unchanged, changed, accepted, failed, inRow int
	notFound                                            []string
	// problems counts the batches not accepted by the problem.
	problems map[string]int
}

// uploadDelta sends, in batches, the offers whose values differ from what RetailCRM last
// accepted (every offer for a full upload), and records what it accepts. A batch RetailCRM does
// not accept, and an offer it does not find, stay as they were: the next run sends them again.
func uploadDelta[V, P any](ctx context.Context, r *storeRun, spec storeSpec[V, P]) error {
	prev, stale, err := r.loadOffers(ctx)
	if err != nil {
		return err
	}
	next := storesync.Offers{Scope: prev.Scope, Entries: make(map[string]storesync.Entry, len(prev.Entries))}
	dirty := stale || r.full()
	var todo []pendingOffer[P]
	t := storeTally{problems: map[string]int{}}
	err = spec.each(ctx, func(w want[V]) {
		t.offers++
		old, had := prev.Entries[w.key]
		if r.full() {
			old.Print = 0
		}
		if had {
			next.Entries[w.key] = old
		}
		if old.Print == w.print {
			t.unchanged++
			return
		}
		accepted := storesync.Entry{Print: w.print, Codes: w.codes}
		item, send := spec.item(&w, old.Codes)
		if !send {
			next.Entries[w.key], dirty = accepted, true
			return
		}
		todo = append(todo, pendingOffer[P]{key: w.key, item: item, entry: accepted})
	})
	if err != nil {
		return err
	}
	dirty = dirty || len(next.Entries) != len(prev.Entries)
	slices.SortFunc(todo, func(a, b pendingOffer[P]) int { return cmp.Compare(a.key, b.key) })
	t.changed = len(todo)
	stop := sendBatches(ctx, r, spec.send, todo, next, &t)
	if dirty || t.accepted > 0 {
		if err := r.saveOffers(ctx, next); err != nil {
			return errors.Join(stop, err)
		}
	}
	r.report(&t)
	if stop == nil && (t.failed > 0 || len(t.notFound) > 0) {
		stop = errStop
	}
	return stop
}

// sendBatches sends todo in batches, recording in next what RetailCRM accepts. It returns
// errStop when the run stops early, a *CRMError when RetailCRM refuses the upload as a whole.
func sendBatches[P any](ctx context.Context, r *storeRun, send func(context.Context, []P) (retailcrm.UploadResult, error),
	todo []pendingOffer[P], next storesync.Offers, t *storeTally) error {
	r.startProgress(ctx, (len(todo)+storeBatch-1)/storeBatch)
	items := make([]P, 0, storeBatch)
	for batch := range slices.Chunk(todo, storeBatch) {
		if timeUp(ctx, r.s.Margin) {
			return r.stopped()
		}
		items = items[:0]
		for _, p := range batch {
			items = append(items, p.item)
		}
		answer, err := send(ctx, items)
		r.count(CountStoreBatches, 1)
		r.progress.BatchesDone++
		whole := err != nil && refusedWhole(err)
		switch {
		case err == nil:
			t.inRow = 0
			missing := notFoundKeys(answer)
			for _, p := range batch {
				if missing[p.key] {
					t.notFound = append(t.notFound, p.key)
					continue
				}
				next.Entries[p.key] = p.entry
				t.accepted++
			}
		case ctx.Err() != nil:
			return r.stopped()
		case whole:
			t.failed++
		default:
			t.failed++
			t.inRow++
			t.problems[batchProblem(err, r.settings().Connection.AccountURL)]++
		}
		r.progress.Offers, r.progress.NotFound, r.progress.FailedBatches = t.accepted, len(t.notFound), t.failed
		r.saveProgress(ctx)
		switch {
		case whole:
			return &CRMError{Message: r.flow.refused(err, r.settings().Connection.AccountURL), Err: err}
		case t.inRow == maxFailedInRow:
			r.note(fmt.Sprintf("%s прервана: RetailCRM не приняла %d пакета подряд; выгрузка продолжится при следующем запуске.",
				r.flow.texts.upload, maxFailedInRow))
			return errStop
		}
	}
	return nil
}

// stopped notes that the run stops before the deadline and returns errStop.
func (r *storeRun) stopped() error {
	r.note(r.flow.texts.upload + " остановлена до истечения времени запуска и продолжится при следующем запуске.")
	return errStop
}

// report counts what the upload did and says it in Russian.
func (r *storeRun) report(t *storeTally) {
	r.count(CountStoreOffers, t.accepted)
	r.count(CountStoreUnchanged, t.unchanged)
	r.count(CountStoreNotFound, len(t.notFound))
	r.count(CountStoreFailed, t.failed)
	if t.changed == 0 {
		r.note(fmt.Sprintf("%s в RetailCRM актуальны: изменений нет (предложений в каталоге: %d).", r.flow.texts.what, t.offers))
	} else {
		r.note(fmt.Sprintf("%s: RetailCRM приняла предложений %d из %d изменённых (пакетов: %d), без изменений: %d.",
			r.flow.texts.upload, t.accepted, t.changed, r.log.Counts[CountStoreBatches], t.unchanged))
	}
	if n := len(t.notFound); n > 0 {
		r.note(fmt.Sprintf("RetailCRM не нашла предложений: %d (%s). Они будут отправлены снова при следующем запуске; "+
			"проверьте, что RetailCRM загрузила файл каталога (Настройки > Магазины > магазин > Каталог).", n, listSome(t.notFound)))
	}
	for _, problem := range slices.Sorted(maps.Keys(t.problems)) {
		r.note(fmt.Sprintf("RetailCRM не приняла пакетов: %d (%s). Их предложения будут отправлены снова при следующем запуске.",
			t.problems[problem], problem))
	}
}

// listSome names the first maxListed items, and how many more there are.
func listSome(items []string) string {
	if len(items) <= maxListed {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s и ещё %d", strings.Join(items[:maxListed], ", "), len(items)-maxListed)
}

// notFoundKeys are the keys of the offers RetailCRM did not find.
func notFoundKeys(answer retailcrm.UploadResult) map[string]bool {
	missing := map[string]bool{}
	for _, o := range answer.NotFoundOffers {
		for _, k := range []string{o.ExternalID, o.XMLID} {
			if k != "" {
				missing[k] = true
			}
		}
	}
	return missing
}

// refusedWhole tells whether RetailCRM refused the upload itself rather than a batch of it: the
// key or the account is wrong, or the refusal names no offer (stock editing switched off, an
// unknown method).
func refusedWhole(err error) bool {
	if errors.Is(err, retailcrm.ErrAuth) || errors.Is(err, retailcrm.ErrWrongAccountURL) || errors.Is(err, retailcrm.ErrInvalidArgument) {
		return true
	}
	ae, ok := errors.AsType[*retailcrm.APIError](err)
	return ok && len(ae.Errors) == 0 &&
		(errors.Is(err, retailcrm.ErrValidation) || errors.Is(err, retailcrm.ErrRejected) || errors.Is(err, retailcrm.ErrNotFound))
}

// batchProblem explains why RetailCRM did not accept a batch, with the first offers' errors.
func batchProblem(err error, accountURL string) string {
	problem := strings.TrimSuffix(crmProblem(err, accountURL), ".")
	if ae, ok := errors.AsType[*retailcrm.APIError](err); ok && len(ae.Errors) > 0 {
		var list []string
		for _, fe := range ae.Errors[:min(len(ae.Errors), 3)] {
			list = append(list, strings.TrimSuffix(strings.TrimPrefix(fe.Field+": "+fe.Message, ": "), "."))
		}
		problem += ": " + strings.Join(list, "; ")
	}
	return problem
}

// stockRefused explains RetailCRM's refusal of the whole stock upload; an answer that names no
// offer gets the manual's warning about the account's warehouse settings.
func stockRefused(err error, accountURL string) string {
	if ae, ok := errors.AsType[*retailcrm.APIError](err); ok && !errors.Is(err, retailcrm.ErrAuth) && !errors.Is(err, retailcrm.ErrWrongAccountURL) {
		return fmt.Sprintf("Остатки не выгружены: RetailCRM отклонила выгрузку («%s»). Для выгрузки остатков в настройках RetailCRM "+
			"должна быть включена работа со складами, бронирование и редактирование остатков (Настройки > Системные > Склад); "+
			"редактирование остатков доступно после включения бронирования остатков.", ae.Message)
	}
	return "Остатки не выгружены: " + crmProblem(err, accountURL)
}
