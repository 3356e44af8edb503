package sync

import (
	"context"
	"errors"
	"fmt"

	"unfbridge/shared/blob"
	"unfbridge/shared/catalog"
	"unfbridge/shared/runlog"
	"unfbridge/shared/secret"
	"unfbridge/shared/settings"
	"unfbridge/shared/storesync"
)

// storeRun is one run of a stock or price upload.
type storeRun struct {
	journal
	s      *StoreSync
	flow   *storeFlow
	in     *storeInputs
	inputs string
	// request is the pending request the run answers; nil for a run of its own.
	request *storesync.Request
	crm     CRM
	// index is the offer index of the published catalog file.
	index map[catalog.OfferRef]catalog.IndexEntry
	// progress is the progress of the upload once it started.
	progress *storesync.Progress
}

// settings are the connection's settings.
func (r *storeRun) settings() *settings.Settings { return &r.in.state.Settings }

// full tells whether every offer is to be sent.
func (r *storeRun) full() bool { return r.request != nil && r.request.Full }

// run checks that the flow may upload, opens RetailCRM, reads the offer index and uploads.
func (r *storeRun) run(ctx context.Context) error {
	f := r.flow
	if !f.enabled(r.settings().Flags) {
		r.note(f.texts.off)
		return errStop
	}
	switch msg := f.blocked(r.in); msg {
	case "":
	case GateMessage:
		return ErrNotVerified
	default:
		r.note(msg)
		return errStop
	}
	key, err := r.s.Secrets.Get(ctx, secret.RetailCRMAPIKey)
	if err != nil {
		return fmt.Errorf("sync: read the API key: %w", err)
	}
	if r.crm, err = r.s.Connect(r.settings().Connection.AccountURL, key); err != nil {
		return err
	}
	if err := r.readIndex(ctx); err != nil {
		return err
	}
	return f.upload(ctx, r)
}

// readIndex reads the offer index of the published file; without it (gone from the staging
// bucket) the file must be built again.
func (r *storeRun) readIndex(ctx context.Context) error {
	key := r.in.catalog.Published.Index
	rc, _, err := r.s.Staged.Get(ctx, key)
	if errors.Is(err, blob.ErrNotFound) {
		r.note(r.flow.texts.what + " не выгружены: в мосте нет списка предложений опубликованного файла каталога. " +
			"Сформируйте файл каталога заново на вкладке «Каталог».")
		return errStop
	}
	if err != nil {
		return fmt.Errorf("sync: open the offer index %s: %w", key, err)
	}
	defer rc.Close()
	if r.index, err = catalog.ReadIndex(rc); err != nil {
		return fmt.Errorf("sync: offer index %s: %w", key, err)
	}
	return nil
}

// finish records the outcome (err is the run's) in the flow's state, consuming the request it
// answered unless the bridge failed, and in the run log.
func (r *storeRun) finish(ctx context.Context, err error) (runlog.Run, error) {
	ctx = context.WithoutCancel(ctx)
	now := r.s.Now()
	run := r.close(now)
	c := run.Counts
	outcome := &storesync.Outcome{RunID: run.ID, Start: run.Start, End: run.End, Complete: run.Complete, Inputs: r.inputs,
		Offers: int(c[CountStoreOffers]), Batches: int(c[CountStoreBatches]), NotFound: int(c[CountStoreNotFound]),
		FailedBatches: int(c[CountStoreFailed]), Messages: run.Messages}
	_, isCRM := errors.AsType[*CRMError](err)
	answered := err == nil || isCRM || errors.Is(err, ErrNotVerified)
	_, serr := r.s.State.Update(ctx, r.flow.name, func(st *storesync.State) {
		st.Last = outcome
		if r.progress != nil {
			p := *r.progress
			p.Running, p.Updated = false, now.UTC()
			st.Progress = &p
		}
		if answered && st.Request != nil && r.request != nil && st.Request.At.Equal(r.request.At) {
			st.Request = nil
		}
	})
	rerr := r.s.Runs.Record(ctx, run)
	r.s.Log.InfoContext(ctx, "store upload run", "flow", run.Flow, "trigger", run.Trigger, "run", run.ID,
		"complete", run.Complete, "counts", run.Counts, "error", run.Error)
	return run, errors.Join(serr, rerr)
}

// startProgress records that the upload of batches batches starts.
func (r *storeRun) startProgress(ctx context.Context, batches int) {
	now := r.s.Now().UTC()
	r.progress = &storesync.Progress{RunID: r.log.ID, Running: true, Started: now, Until: now.Add(leaseTTL(ctx)),
		BatchesTotal: batches}
	r.saveProgress(ctx)
}

// saveProgress stores the progress; a failure is only logged, the upload goes on.
func (r *storeRun) saveProgress(ctx context.Context) {
	r.progress.Updated = r.s.Now().UTC()
	p := *r.progress
	if _, err := r.s.State.Update(ctx, r.flow.name, func(st *storesync.State) { st.Progress = &p }); err != nil {
		r.s.Log.WarnContext(ctx, "store upload progress not saved", "flow", r.flow.name, "error", err)
	}
}

// offersKey is the object, in the staging bucket, of what RetailCRM accepted of every offer.
func (r *storeRun) offersKey() string { return "store-sync/" + r.flow.name + ".state" }

// scope is what the accepted values hold for: the site and the offer key tag.
func (r *storeRun) scope() string {
	s := r.settings()
	return "site=" + s.Connection.SiteCode + ";key=" + s.Catalog.OfferKey
}

// loadOffers reads what RetailCRM accepted of every offer. stale tells that the stored object
// must be replaced: there is none, it holds for another scope, or it cannot be read (then every
// offer is sent again).
func (r *storeRun) loadOffers(ctx context.Context) (o storesync.Offers, stale bool, err error) {
	empty := storesync.Offers{Scope: r.scope(), Entries: map[string]storesync.Entry{}}
	rc, _, err := r.s.Staged.Get(ctx, r.offersKey())
	if errors.Is(err, blob.ErrNotFound) {
		return empty, true, nil
	}
	if err != nil {
		return storesync.Offers{}, false, err
	}
	defer rc.Close()
	o, err = storesync.ReadOffers(rc)
	if err != nil {
		r.s.Log.WarnContext(ctx, "store upload state unreadable: every offer is sent again", "key", r.offersKey(), "error", err)
		return empty, true, nil
	}
	if o.Scope != empty.Scope {
		return empty, true, nil
	}
	return o, false, nil
}

// saveOffers stores what RetailCRM accepted of every offer.
func (r *storeRun) saveOffers(ctx context.Context, o storesync.Offers) error {
	u := startUpload(ctx, r.s.Staged, r.offersKey(), blob.DefaultContentType)
	if err := u.finish(storesync.WriteOffers(u, o)); err != nil {
		return fmt.Errorf("sync: save %s: %w", r.offersKey(), err)
	}
	return nil
}
