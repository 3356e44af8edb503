package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"unfbridge/shared/blob"
	"unfbridge/shared/catalog"
	"unfbridge/shared/lease"
	"unfbridge/shared/runlog"
	"unfbridge/shared/secret"
	"unfbridge/shared/settings"
	"unfbridge/shared/staging"
	"unfbridge/shared/store"
	"unfbridge/shared/storesync"
)

// Flows of the stock and price upload ("Выгрузить остатки", "Выгрузить типы цен").
const (
	FlowStock  = "stock"
	FlowPrices = "prices"
)

// Counts of a stock or price upload run.
const (
	// CountStoreOffers counts the offers RetailCRM accepted.
	CountStoreOffers = "offers"
	// CountStoreUnchanged counts the offers not sent: RetailCRM has their values already.
	CountStoreUnchanged = "unchanged"
	// CountStoreBatches counts the upload requests, accepted or not.
	CountStoreBatches = "batches"
	// CountStoreNotFound counts the offers RetailCRM does not know (notFoundOffers).
	CountStoreNotFound = "notFound"
	// CountStoreFailed counts the batches RetailCRM did not accept.
	CountStoreFailed = "failed"
)

// StoreRequest is a press of "Выгрузить остатки" (Stock), "Выгрузить типы цен" (Prices) or
// both ("Выполнить обмен").
type StoreRequest struct {
	Stock  bool `json:"stock"`
	Prices bool `json:"prices"`
	// Full sends every offer, whatever was sent before.
	Full bool `json:"full"`
}

// StoreSync uploads stock and prices from the latest 1C snapshots to RetailCRM, for the offers
// of the published catalog file, sending only what changed since RetailCRM last accepted it.
type StoreSync struct {
	Repo    *settings.Repo
	Secrets secret.Store
	Connect Connector
	Staging *staging.Repo
	Catalog *catalog.Repo
	// Staged is the private staging bucket: the catalog's offer index is read there, and what
	// RetailCRM accepted of every offer is kept there.
	Staged blob.Store
	State  *storesync.Repo
	Leases *lease.Repo
	Runs   *runlog.Repo
	Now    func() time.Time
	Log    *slog.Logger
	// Margin is the time left before the context deadline at which a run stops cleanly
	// (default 10s); the next run continues.
	Margin time.Duration
}

// NewStoreSync returns the stock and price upload on st, reading the snapshots staged in staged.
func NewStoreSync(st store.Store, secrets secret.Store, connect Connector, staged blob.Store, log *slog.Logger) *StoreSync {
	return &StoreSync{Repo: settings.NewRepo(st), Secrets: secrets, Connect: connect,
		Staging: staging.New(st, staged, staging.Options{}), Catalog: catalog.New(st), Staged: staged,
		State: storesync.New(st), Leases: lease.New(st), Runs: runlog.New(st), Now: time.Now, Log: log}
}

// storeInputs is what a run reads first: the settings, the catalog state and the latest
// snapshots of each kind (absent when there is none).
type storeInputs struct {
	state   settings.State
	catalog catalog.State
	snaps   map[staging.Kind]*staging.Snapshot
}

// load reads the inputs.
func (s *StoreSync) load(ctx context.Context) (*storeInputs, error) {
	st, err := s.Repo.Load(ctx)
	if err != nil {
		return nil, err
	}
	cat, err := s.Catalog.Load(ctx)
	if err != nil {
		return nil, err
	}
	in := &storeInputs{state: st, catalog: cat, snaps: map[staging.Kind]*staging.Snapshot{}}
	for _, kind := range []staging.Kind{staging.Stock, staging.Prices} {
		snap, err := s.Staging.Latest(ctx, kind)
		switch {
		case err == nil:
			in.snaps[kind] = &snap
		case !errors.Is(err, staging.ErrNoSnapshot):
			return nil, err
		}
	}
	return in, nil
}

// snapshotID is the id of the latest snapshot of kind, "" when there is none.
func (in *storeInputs) snapshotID(kind staging.Kind) string {
	if snap := in.snaps[kind]; snap != nil {
		return snap.ID
	}
	return ""
}

// Run does what is due, flow by flow (stock, then prices): a pending request, or, for a flow
// switched on, a snapshot, catalog file or settings unlike those of the last complete upload, or
// a last upload that did not complete (batches not accepted, offers RetailCRM did not find, a
// stop at the deadline). It returns one run per flow that ran; none when nothing is due.
func (s *StoreSync) Run(ctx context.Context, trigger string) ([]runlog.Run, error) {
	in, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	var runs []runlog.Run
	for _, f := range storeFlows {
		run, ran, ferr := s.runFlow(ctx, f, in, trigger)
		if ran {
			runs = append(runs, run)
		}
		err = errors.Join(err, ferr)
	}
	return runs, err
}

// runFlow runs one flow when it is due and no other run of it holds its lease.
func (s *StoreSync) runFlow(ctx context.Context, f *storeFlow, in *storeInputs, trigger string) (runlog.Run, bool, error) {
	inputs := f.fingerprint(in)
	st, err := s.State.Load(ctx, f.name)
	if err != nil || !s.due(f, st, in, inputs) || timeUp(ctx, s.Margin) {
		return runlog.Run{}, false, err
	}
	l, err := s.Leases.Acquire(ctx, "store-sync-"+f.name, leaseTTL(ctx))
	if errors.Is(err, lease.ErrHeld) {
		return runlog.Run{}, false, nil
	}
	if err != nil {
		return runlog.Run{}, false, err
	}
	defer func() {
		if err := l.Release(context.WithoutCancel(ctx)); err != nil {
			s.Log.WarnContext(ctx, "lease not released", "flow", f.name, "error", err)
		}
	}()
	// A run that held the lease meanwhile may have done the work.
	if st, err = s.State.Load(ctx, f.name); err != nil || !s.due(f, st, in, inputs) {
		return runlog.Run{}, false, err
	}
	if st.Request != nil {
		trigger = TriggerButton
	}
	r := &storeRun{journal: newJournal(f.name, trigger, s.Now()), s: s, flow: f, in: in, request: st.Request, inputs: inputs}
	err = r.outcome(r.run(ctx))
	run, ferr := r.finish(ctx, err)
	return run, true, errors.Join(err, ferr)
}

// due tells whether a flow has something to do: see Run.
func (s *StoreSync) due(f *storeFlow, st storesync.State, in *storeInputs, inputs string) bool {
	switch {
	case st.Request != nil:
		return true
	case !f.enabled(in.state.Settings.Flags) || f.blocked(in) != "":
		return false
	case st.Last == nil:
		return true
	}
	return !st.Last.Complete || st.Last.Inputs != inputs
}

// Request queues a press of the buttons; the next Run does it.
func (s *StoreSync) Request(ctx context.Context, r StoreRequest) error {
	if !r.Stock && !r.Prices {
		return &settings.ValidationError{Problems: []settings.Problem{{Field: "stock",
			Message: "Укажите, что выгрузить: остатки, цены или и то и другое."}}}
	}
	for f, asked := range map[*storeFlow]bool{stockFlow: r.Stock, pricesFlow: r.Prices} {
		if !asked {
			continue
		}
		if err := s.State.Ask(ctx, f.name, s.Now(), r.Full); err != nil {
			return err
		}
	}
	return nil
}

// StoreStatus is what the admin API shows of the stock and price uploads.
type StoreStatus struct {
	Stock  StoreFlowStatus `json:"stock"`
	Prices StoreFlowStatus `json:"prices"`
}

// StoreFlowStatus is the state of one upload.
type StoreFlowStatus struct {
	// Enabled tells whether the flags of the "Настройки" tab switch the flow on.
	Enabled bool `json:"enabled"`
	// Blocked says, in Russian, why the flow cannot upload now; "" when it can.
	Blocked string `json:"blocked,omitempty"`
	// Snapshot is the latest complete snapshot from 1C the flow uploads; nil when there is none.
	Snapshot *staging.Snapshot `json:"snapshot"`
	// Progress is that of the running upload (Running), or of the last one.
	Progress *storesync.Progress `json:"progress"`
	// Last is the outcome of the last run.
	Last *storesync.Outcome `json:"last"`
	// Request is a pending press of the button.
	Request *storesync.Request `json:"request"`
}

// Status returns the state of both uploads.
func (s *StoreSync) Status(ctx context.Context) (StoreStatus, error) {
	in, err := s.load(ctx)
	if err != nil {
		return StoreStatus{}, err
	}
	var out StoreStatus
	for f, fs := range map[*storeFlow]*StoreFlowStatus{stockFlow: &out.Stock, pricesFlow: &out.Prices} {
		st, err := s.State.Load(ctx, f.name)
		if err != nil {
			return StoreStatus{}, err
		}
		*fs = StoreFlowStatus{Enabled: f.enabled(in.state.Settings.Flags), Blocked: f.blocked(in),
			Snapshot: in.snaps[f.kind], Last: st.Last, Request: st.Request}
		if !fs.Enabled {
			fs.Blocked = f.texts.off
		}
		if p := st.Progress; p != nil {
			active := *p
			active.Running = p.Active(s.Now())
			fs.Progress = &active
		}
	}
	return out, nil
}

// storeFlow is what differs between the stock and the price upload, besides the values.
type storeFlow struct {
	name  string
	texts storeTexts
	// kind is the kind of the snapshot uploaded.
	kind staging.Kind
	// enabled tells whether the flags switch the flow on.
	enabled func(settings.Flags) bool
	// mapped tells whether the flow's mapping table maps anything.
	mapped func(settings.Settings) bool
	// options are what the values depend on besides the snapshot, the catalog, the site and the
	// offer key.
	options func(in *storeInputs) any
	// upload sends what changed.
	upload func(ctx context.Context, r *storeRun) error
	// refused explains RetailCRM's refusal of the whole upload.
	refused func(err error, accountURL string) string
}

// storeTexts are a flow's messages for the user.
type storeTexts struct {
	// what names the values: "Остатки", "Цены".
	what string
	// upload names the flow: "Выгрузка остатков".
	upload                                string
	off, noCatalog, noSnapshot, noMapping string
}

// blocked says why the flow cannot upload, or "" when it can (switched on or not).
func (f *storeFlow) blocked(in *storeInputs) string {
	switch {
	case !in.state.Verified():
		return GateMessage
	case in.catalog.Published == nil:
		return f.texts.noCatalog
	case in.snaps[f.kind] == nil:
		return f.texts.noSnapshot
	case !f.mapped(in.state.Settings):
		return f.texts.noMapping
	}
	return ""
}

// fingerprint identifies what the upload is computed from.
func (f *storeFlow) fingerprint(in *storeInputs) string {
	s := in.state.Settings
	index := ""
	if p := in.catalog.Published; p != nil {
		index = p.Index
	}
	data, _ := json.Marshal(struct {
		Snapshot, Index, Site, Key string
		Characteristics            bool
		Options                    any
	}{in.snapshotID(f.kind), index, s.Connection.SiteCode, s.Catalog.OfferKey, s.Catalog.Characteristics, f.options(in)})
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// The two flows, in the order a run takes them.
var (
	stockFlow = &storeFlow{
		name: FlowStock,
		kind: staging.Stock,
		texts: storeTexts{
			what:   "Остатки",
			upload: "Выгрузка остатков",
			off:    "Выгрузка остатков выключена: включите «Выгружать остатки в RetailCRM» на вкладке «Настройки».",
			noCatalog: "Остатки выгружаются только после того, как опубликован файл каталога: сформируйте его на вкладке «Каталог» " +
				"и дождитесь, пока RetailCRM загрузит его по ссылке.",
			noSnapshot: "Остатки не выгружены: в мосте нет полной выгрузки остатков из 1С. " +
				"Выполните выгрузку остатков в 1С и дождитесь, пока будут получены все её страницы.",
			noMapping: "Остатки не выгружены: ни один склад 1С не сопоставлен складу RetailCRM. " +
				"Заполните таблицу на вкладке «Склады».",
		},
		enabled: func(f settings.Flags) bool { return f.UploadStock },
		mapped:  func(s settings.Settings) bool { return len(mappedStores(s)) > 0 },
		options: func(in *storeInputs) any {
			purchase, prices := refGUID(in.state.Settings.Connection.PurchasePriceKind), ""
			if purchase != "" {
				prices = in.snapshotID(staging.Prices)
			}
			return struct {
				Stores           []storeColumn
				Purchase, Prices string
			}{mappedStores(in.state.Settings), purchase, prices}
		},
		upload:  uploadStock,
		refused: stockRefused,
	}
	pricesFlow = &storeFlow{
		name: FlowPrices,
		kind: staging.Prices,
		texts: storeTexts{
			what:   "Цены",
			upload: "Выгрузка типов цен",
			off: "Выгрузка типов цен выключена: включите «Использование типов цен» и «Выгружать типы цен в RetailCRM» " +
				"на вкладке «Настройки».",
			noCatalog: "Типы цен выгружаются только после того, как опубликован файл каталога: сформируйте его на вкладке «Каталог» " +
				"и дождитесь, пока RetailCRM загрузит его по ссылке.",
			noSnapshot: "Цены не выгружены: в мосте нет полной выгрузки цен из 1С. " +
				"Выполните выгрузку цен в 1С и дождитесь, пока будут получены все её страницы.",
			noMapping: "Цены не выгружены: ни один тип цены RetailCRM не сопоставлен виду цены 1С. " +
				"Заполните таблицу на вкладке «Типы цен».",
		},
		enabled: func(f settings.Flags) bool { return f.UsePriceTypes && f.UploadPrices },
		mapped:  func(s settings.Settings) bool { return len(mappedPriceTypes(s)) > 0 },
		options: func(in *storeInputs) any { return mappedPriceTypes(in.state.Settings) },
		upload:  uploadPrices,
		refused: func(err error, accountURL string) string {
			return "Цены не выгружены: " + crmProblem(err, accountURL)
		},
	}
	storeFlows = []*storeFlow{stockFlow, pricesFlow}
)
