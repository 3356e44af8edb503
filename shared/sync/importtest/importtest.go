// Package importtest assembles the whole order import for end-to-end tests: the RetailCRM
// sandbox with demo data, the bridge (store, secrets, settings, importer, gateway) configured as
// a user would through the settings use case, and the 1C simulator pulling the inbox over HTTP.
package importtest

import (
	"bytes"
	"cmp"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	gosync "sync"
	"testing"
	"time"

	"unfbridge/shared/blob"
	"unfbridge/shared/blob/dirblob"
	"unfbridge/shared/gateway"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onecsim"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/runlog"
	"unfbridge/shared/secret"
	"unfbridge/shared/secret/storesecret"
	"unfbridge/shared/settings"
	"unfbridge/shared/staging"
	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
	"unfbridge/shared/sync"
)

// OnecToken is the 1C token of every test bridge.
const OnecToken = "onec-token-for-import-tests-0123456789"

// Options change the test bridge.
type Options struct {
	// Sandbox are the sandbox options; RateLimit 0 turns the sandbox's limit off.
	Sandbox sandbox.Options
	// Faults are the 1C simulator's faults.
	Faults onecsim.Faults
	// Rate is the client-side budget in requests/s; 0 means no pacing.
	Rate float64
	// Retry is the retry policy of the RetailCRM client; zero is the default.
	Retry retailcrm.RetryPolicy
	// Store, when set, is used instead of a fresh embedded store.
	Store store.Store
	// RedeliverAfter is how long a command handed out to 1C waits for its ack before the
	// gateway hands it out again; 0 is the inbox's default.
	RedeliverAfter time.Duration
	// Staged and Public, when set, are the staging and catalog buckets instead of fresh folders.
	Staged, Public blob.Store
}

// Bridge is the assembled import.
type Bridge struct {
	Sandbox  *sandbox.Sandbox
	Store    store.Store
	Secrets  secret.Store
	Setup    *sync.Setup
	Importer *sync.Importer
	Gateway  *httptest.Server
	Sim      *onecsim.Sim
	Logs     *Buffer
	// Staged is the staging bucket of 1C snapshot pages, Public the catalog bucket.
	Staged, Public blob.Store
	Staging        *staging.Repo
	Catalog        *sync.CatalogBuilder

	rate  float64
	retry retailcrm.RetryPolicy
	log   *slog.Logger
}

// Buffer collects logs safely across goroutines.
type Buffer struct {
	mu  gosync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// GUID is the n-th 1C reference of the test settings.
func GUID(n int) string { return fmt.Sprintf("5b1f0000-0000-4000-8000-%012d", n) }

func ref(n int, name string) *onec.Ref { return &onec.Ref{Ref: GUID(n), Name: name} }

// New assembles a bridge on a seeded sandbox and configures it like a user: constants, every
// table loaded from RetailCRM with its 1C side filled, order import with payments and corporate
// customers on.
func New(t testing.TB, o Options) *Bridge {
	t.Helper()
	st := o.Store
	if st == nil {
		bolt, err := boltstore.Open(filepath.Join(t.TempDir(), "bridge.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { bolt.Close() })
		st = bolt
	}
	if o.Sandbox.RateLimit == 0 {
		o.Sandbox.RateLimit = -1
	}
	sb := sandbox.NewServer(o.Sandbox)
	t.Cleanup(sb.Close)
	sb.SeedDemo()

	logs := &Buffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	secrets := storesecret.New(st)
	if err := secrets.Put(t.Context(), secret.OnecToken, OnecToken); err != nil {
		t.Fatal(err)
	}
	b := &Bridge{Sandbox: sb, Store: st, Secrets: secrets, Logs: logs, rate: 1000, retry: o.Retry, log: log}
	if o.Rate > 0 {
		b.rate = o.Rate
	}
	connect := sync.NewConnector(st, b.rate, b.retry, log)
	b.Setup, b.Importer = sync.NewSetup(st, secrets, connect, log), b.ImporterOn(st)
	b.configure(t)
	b.Staged, b.Public = cmp.Or(o.Staged, folder(t)), cmp.Or(o.Public, folder(t))
	b.Staging = staging.New(st, b.Staged, staging.Options{})
	b.Catalog = sync.NewCatalogBuilder(st, b.Staged, b.Public, CatalogPrefix, CatalogBaseURL, log)
	b.Gateway = httptest.NewServer(gateway.NewHandler(gateway.Deps{Store: st, Secrets: secrets, Log: log,
		RedeliverAfter: o.RedeliverAfter, Staging: b.Staging}))
	t.Cleanup(b.Gateway.Close)
	b.Sim = onecsim.New(onecsim.Options{BaseURL: b.Gateway.URL, Token: OnecToken, Faults: o.Faults})
	return b
}

// Where the test bridge publishes the catalog file.
const (
	CatalogPrefix  = "catalog/"
	CatalogBaseURL = "https://catalog.example/catalog/"
)

// folder is a blob store in a new temporary folder.
func folder(t testing.TB) blob.Store {
	t.Helper()
	s, err := dirblob.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// ImporterOn returns an importer of the bridge that keeps everything (settings, secrets, rate
// budget, inbox, cursor, lease, run log) on st: the bridge's store, or a wrapper of it such as
// a CrashStore, as another process of the same deployment would.
func (b *Bridge) ImporterOn(st store.Store) *sync.Importer {
	secrets := storesecret.New(st)
	return sync.NewImporter(st, secrets, sync.NewConnector(st, b.rate, b.retry, b.log), b.log)
}

// CRM returns a RetailCRM client with the bridge's own API key (sandbox.DemoAPIKey), unpaced:
// what the test reads with, and what it writes with to play the bridge's own changes.
func (b *Bridge) CRM(t testing.TB) *retailcrm.Client {
	t.Helper()
	c, err := retailcrm.New(retailcrm.Options{BaseURL: b.Sandbox.URL(), APIKey: sandbox.DemoAPIKey, Retry: b.retry})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Constants are the constants of the test connection (without account URL, site and key).
func Constants() settings.Connection {
	return settings.Connection{
		OrderKind: ref(1, "Основной"), Operation: "ЗаказНаПродажу", DeliveryItem: ref(2, "Доставка"),
		Department: ref(3, "Интернет-магазин"), Warehouse: ref(4, "Основной склад"),
		PurchasePriceKind: ref(5, "Закупочная"), SalePriceKind: ref(6, "Розничная"),
		Organization: ref(7, "ООО «Уютный дом»"), BankAccount: ref(8, "40702810900000000001"),
		CashDesk: ref(9, "Основная касса"), Currency: ref(10, "руб."),
		Taxation:         &onec.Ref{Ref: "ПродажаОблагаетсяНДС", Name: "Продажа облагается НДС"},
		PriceIncludesVAT: true, DeferralDays: 3, ExchangeUser: ref(11, "Обмен с RetailCRM"),
	}
}

func (b *Bridge) configure(t testing.TB) {
	t.Helper()
	ctx := t.Context()
	conn := Constants()
	conn.AccountURL, conn.SiteCode = b.Sandbox.URL(), sandbox.DemoSite
	v, err := b.Setup.SaveConnection(ctx, conn, sandbox.DemoAPIKey)
	if err != nil || !v.Verified {
		t.Fatalf("connect: %v %+v", err, v.Verification)
	}
	for _, name := range settings.TableNames {
		if _, err := b.Setup.LoadTable(ctx, name); err != nil {
			t.Fatalf("load %s: %v", name, err)
		}
	}
	_, err = b.Setup.Repo.Update(ctx, func(st *settings.State) error {
		tb := &st.Settings.Tables
		for i := range tb.StatusesImport {
			tb.StatusesImport[i].State = ref(100+i, tb.StatusesImport[i].CRMName)
		}
		for i := range tb.StatusesExport {
			tb.StatusesExport[i].State = ref(100+i, tb.StatusesExport[i].CRMName)
		}
		for i := range tb.Managers {
			tb.Managers[i].User = ref(200+i, tb.Managers[i].CRMName)
		}
		for i := range tb.Warehouses {
			tb.Warehouses[i].Warehouse = ref(300+i, tb.Warehouses[i].CRMName)
		}
		for i := range tb.PaymentsImport {
			switch tb.PaymentsImport[i].CRMCode {
			case "cash":
				tb.PaymentsImport[i].Document = settings.DocCashReceipt
			case "bank-card":
				tb.PaymentsImport[i].Document = settings.DocCardPayment
				tb.PaymentsImport[i].Terminal = ref(400, "Эквайринг")
			default:
				tb.PaymentsImport[i].Document = settings.DocBankReceipt
			}
		}
		for i := range tb.Delivery {
			tb.Delivery[i].Method = ref(500+i, tb.Delivery[i].CRMName)
		}
		st.Settings.Flags = settings.Flags{ImportOrders: true, CreatePayments: true, CorporateCustomers: true}
		since := time.Now().Add(-24 * time.Hour).UTC().Truncate(time.Second)
		st.Settings.History = settings.History{ActualityDate: &since}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// SyncAll runs the history sync until a run completes (at most 50 runs) and returns the runs.
func (b *Bridge) SyncAll(t testing.TB) []runlog.Run {
	t.Helper()
	var runs []runlog.Run
	for range 50 {
		run, err := b.Importer.Sync(t.Context(), sync.TriggerSchedule)
		if err != nil {
			t.Fatalf("sync: %v (%+v)", err, run)
		}
		runs = append(runs, run)
		if run.Complete {
			return runs
		}
	}
	t.Fatalf("the history sync did not complete in 50 runs: %+v", runs[len(runs)-1])
	return nil
}

// Pull lets 1C take and apply everything in its inbox.
func (b *Bridge) Pull(t testing.TB) onecsim.Report {
	t.Helper()
	rep, err := b.Sim.Sync(t.Context())
	if err != nil {
		t.Fatalf("1C sync: %v", err)
	}
	return rep
}
