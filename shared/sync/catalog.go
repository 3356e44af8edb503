package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"unfbridge/shared/blob"
	"unfbridge/shared/catalog"
	"unfbridge/shared/lease"
	"unfbridge/shared/runlog"
	"unfbridge/shared/settings"
	"unfbridge/shared/staging"
	"unfbridge/shared/store"
)

// FlowCatalog is the flow of the catalog file ("Сформировать файл каталога").
const FlowCatalog = "catalog"

// catalogLease is the lease of a catalog build: one build at a time.
const catalogLease = "catalog-build"

// CatalogBuilder turns the latest complete catalog snapshot from 1C into the ICML file that
// RetailCRM downloads, and publishes it at a public key atomically and behind a guard.
type CatalogBuilder struct {
	Repo    *settings.Repo
	Catalog *catalog.Repo
	Staging *staging.Repo
	// Staged is the private staging bucket: the offer index of each file is kept there.
	Staged blob.Store
	// Public is the catalog bucket; only keys under Prefix are publicly readable.
	Public blob.Store
	// Prefix starts the key of the published file, e.g. "catalog/".
	Prefix string
	// BaseURL is the public URL of Prefix, e.g. "https://bucket.s3.eu-central-1.amazonaws.com/catalog/".
	BaseURL string
	Leases  *lease.Repo
	Runs    *runlog.Repo
	Now     func() time.Time
	Log     *slog.Logger
}

// NewCatalogBuilder returns the catalog builder on st, reading staged pages from staged and
// publishing into public under prefix, which baseURL serves.
func NewCatalogBuilder(st store.Store, staged, public blob.Store, prefix, baseURL string, log *slog.Logger) *CatalogBuilder {
	return &CatalogBuilder{Repo: settings.NewRepo(st), Catalog: catalog.New(st),
		Staging: staging.New(st, staged, staging.Options{}), Staged: staged, Public: public,
		Prefix: prefix, BaseURL: baseURL, Leases: lease.New(st), Runs: runlog.New(st), Now: time.Now, Log: log}
}

// URL is the public URL of the catalog file under the settings' object key.
func (b *CatalogBuilder) URL(objectKey string) string {
	return strings.TrimSuffix(b.BaseURL, "/") + "/" + objectKey
}

// Request is the "Сформировать файл каталога" action: the file is built from the latest
// catalog snapshot by the next run of the builder, even when nothing changed; publishAnyway
// overrides the guard once.
func (b *CatalogBuilder) Request(ctx context.Context, publishAnyway bool) (catalog.State, error) {
	return b.Catalog.Ask(ctx, b.Now(), publishAnyway)
}

// Run builds and publishes the catalog file when it is due: the user asked for it, or the latest
// complete snapshot or the catalog settings differ from those of the last build. A run with
// nothing to do records nothing and returns a zero Run.
func (b *CatalogBuilder) Run(ctx context.Context, trigger string) (runlog.Run, error) {
	st, err := b.Repo.Load(ctx)
	if err != nil {
		return runlog.Run{}, err
	}
	state, err := b.Catalog.Load(ctx)
	if err != nil {
		return runlog.Run{}, err
	}
	snap, err := b.Staging.Latest(ctx, staging.Catalog)
	if err != nil && !errors.Is(err, staging.ErrNoSnapshot) {
		return runlog.Run{}, err
	}
	options := catalogOptions(st.Settings)
	noSnapshot := errors.Is(err, staging.ErrNoSnapshot)
	if !b.due(state, snap, options, noSnapshot) {
		return runlog.Run{}, nil
	}
	l, err := b.Leases.Acquire(ctx, catalogLease, leaseTTL(ctx))
	if errors.Is(err, lease.ErrHeld) {
		return runlog.Run{}, nil
	}
	if err != nil {
		return runlog.Run{}, err
	}
	defer l.Release(context.WithoutCancel(ctx))
	if trigger == TriggerSchedule && state.Request != nil {
		trigger = TriggerButton
	}
	j := newJournal(FlowCatalog, trigger, b.Now())
	build := &catalogBuild{b: b, settings: st.Settings, state: state, snap: snap, options: options,
		force: state.Request != nil && state.Request.PublishAnyway, journal: &j}
	var outcome *catalog.Build
	if noSnapshot {
		outcome = build.finish(catalog.OutcomeFailed, msgNoCatalogSnapshot)
	} else {
		outcome, err = build.run(ctx)
	}
	if err != nil {
		outcome = build.finish(catalog.OutcomeFailed, "Файл каталога не сформирован: внутренняя ошибка моста; предыдущий файл остаётся опубликованным. "+
			"Сборка будет повторена в течение минуты.")
		outcome.Retry = true
		j.log.Error = err.Error()
		b.Log.Error("catalog build failed", "snapshot", snap.ID, "error", err)
	}
	if _, serr := b.Catalog.Update(context.WithoutCancel(ctx), build.record(outcome)); serr != nil {
		err = errors.Join(err, serr)
	}
	run := j.close(b.Now())
	run.Complete = outcome.Outcome == catalog.OutcomePublished
	if rerr := b.Runs.Record(context.WithoutCancel(ctx), run); rerr != nil {
		err = errors.Join(err, rerr)
	}
	return run, err
}

// msgNoCatalogSnapshot answers a requested build when 1C has sent no complete catalog yet.
const msgNoCatalogSnapshot = "Файл каталога не сформирован: в мосте нет полной выгрузки каталога из 1С. " +
	"Выполните выгрузку каталога в 1С и дождитесь, пока будут получены все её страницы."

// due tells whether a build is due: asked for, a snapshot or settings unlike those of the last
// build, or a last build that failed for a passing reason.
func (b *CatalogBuilder) due(state catalog.State, snap staging.Snapshot, options string, noSnapshot bool) bool {
	switch {
	case state.Request != nil:
		return true
	case noSnapshot:
		return false
	case state.Last == nil:
		return true
	}
	return state.Last.Retry || state.Last.SnapshotID != snap.ID || state.Last.Options != options
}

// catalogOptions fingerprints what the file depends on besides the snapshot: the catalog
// settings and the two price kinds.
func catalogOptions(s settings.Settings) string {
	data, _ := json.Marshal(struct {
		Catalog  settings.Catalog
		Sale     string
		Purchase string
		Company  string
		Site     string
	}{s.Catalog, refGUID(s.Connection.SalePriceKind), refGUID(s.Connection.PurchasePriceKind),
		refName(s.Connection.Organization), s.Connection.SiteCode})
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// shrinkRefusal explains a file refused by the guard for having too few offers, or "" when the
// file may be published.
func shrinkRefusal(prev *catalog.Published, offers, maxShrink int) string {
	if offers == 0 {
		return "Файл каталога не опубликован: в выбранных группах нет ни одного товара. " +
			"Проверьте выбор групп на вкладке «Каталог» и выгрузку каталога из 1С или опубликуйте файл принудительно («Опубликовать всё равно»)."
	}
	if prev == nil || prev.Offers == 0 || offers >= prev.Offers {
		return ""
	}
	drop := (prev.Offers - offers) * 100 / prev.Offers
	if (prev.Offers-offers)*100 <= maxShrink*prev.Offers {
		return ""
	}
	return fmt.Sprintf("Файл каталога не опубликован: торговых предложений стало %d вместо %d (меньше на %d %%, допускается не больше %d %%). "+
		"Проверьте выбор групп на вкладке «Каталог» и выгрузку каталога из 1С или опубликуйте файл принудительно («Опубликовать всё равно»).",
		offers, prev.Offers, drop, maxShrink)
}

// CatalogStatus is what the "Каталог" tab shows of the catalog file.
type CatalogStatus struct {
	// URL is the public URL of the file, to paste into RetailCRM (Settings → Shops → shop →
	// Catalog).
	URL string `json:"url"`
	catalog.State
	// Snapshot is the latest complete catalog snapshot from 1C; nil when there is none.
	Snapshot *staging.Snapshot `json:"snapshot"`
}

// Status returns the catalog file's URL, state and latest snapshot.
func (b *CatalogBuilder) Status(ctx context.Context) (CatalogStatus, error) {
	st, err := b.Repo.Load(ctx)
	if err != nil {
		return CatalogStatus{}, err
	}
	state, err := b.Catalog.Load(ctx)
	if err != nil {
		return CatalogStatus{}, err
	}
	out := CatalogStatus{URL: b.URL(st.Settings.Catalog.ObjectKey), State: state}
	snap, err := b.Staging.Latest(ctx, staging.Catalog)
	switch {
	case err == nil:
		out.Snapshot = &snap
	case !errors.Is(err, staging.ErrNoSnapshot):
		return CatalogStatus{}, err
	}
	return out, nil
}
