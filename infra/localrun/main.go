// Command localrun is `make run`: every function of the bridge in one process behind one HTTP server
// on 127.0.0.1 that routes like API Gateway, with the embedded store and a local objects folder
// served read-only. Ctrl-C stops it cleanly.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"unfbridge/shared/admin"
	"unfbridge/shared/blob/dirblob"
	"unfbridge/shared/buildinfo"
	"unfbridge/shared/gateway"
	"unfbridge/shared/logging"
	"unfbridge/shared/onec/onecsim"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/secret"
	"unfbridge/shared/secret/storesecret"
	"unfbridge/shared/settings"
	"unfbridge/shared/staging"
	"unfbridge/shared/store/boltstore"
	"unfbridge/shared/sync"
	"unfbridge/shared/webhook"
)

func main() {
	addr := flag.String("addr", envOr("LISTEN_ADDR", "127.0.0.1:8080"), "address to listen on (127.0.0.1 only by default)")
	data := flag.String("data", envOr("DATA_DIR", ".data"), "folder of the embedded store and the objects")
	level := flag.String("log-level", envOr("LOG_LEVEL", "info"), "log level: debug, info, warn, error")
	tick := flag.Duration("schedule", envDuration("SCHEDULE", time.Minute), "period of the scheduled order import (history-sync), push to RetailCRM (crm-push), catalog build (catalog-builder) and stock and price upload (store-sync)")
	crm := flag.String("retailcrm-url", os.Getenv("RETAILCRM_URL"), "RetailCRM account URL; empty starts the RetailCRM sandbox with demo data")
	sandboxRate := flag.Int("sandbox-rate", envInt("SANDBOX_RATE", 0), "requests/s per API key the RetailCRM sandbox allows and the bridge paces itself to (sandbox only); 0 is RetailCRM's own limit, 10")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o := options{tick: *tick, addr: *addr, dataDir: *data, logLevel: *level, retailcrmURL: *crm, sandboxRate: *sandboxRate}
	if err := run(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "localrun:", err)
		os.Exit(1)
	}
}

// sandboxPrefix is where the RetailCRM sandbox is served when no RetailCRM URL is configured.
const sandboxPrefix = "/sandbox/retailcrm"

type options struct {
	// tick is the period of the scheduled order import and push (history-sync, crm-push).
	tick         time.Duration
	addr         string
	dataDir      string
	logLevel     string
	retailcrmURL string
	// sandboxRate is, when the sandbox serves as RetailCRM, the requests/s per API key it allows
	// and the bridge's client budget; 0 is RetailCRM's own limit. A load test lifts it to measure
	// the bridge rather than the budget.
	sandboxRate int
}

// run serves until ctx is done. It prints the URLs it serves to out and logs JSON to logw.
func run(ctx context.Context, o options, out, logw io.Writer) error {
	if o.sandboxRate < 0 {
		return fmt.Errorf("sandbox rate %d requests/s: want 0 (RetailCRM's limit) or more", o.sandboxRate)
	}
	log, err := logging.New(logw, o.logLevel, "localrun")
	if err != nil {
		return err
	}
	st, err := boltstore.Open(filepath.Join(o.dataDir, "bridge.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	objects := filepath.Join(o.dataDir, "objects")
	if err := os.MkdirAll(objects, 0o755); err != nil {
		return err
	}

	secrets := storesecret.New(st)
	adminToken, err := localAdminToken(ctx, secrets)
	if err != nil {
		return err
	}
	rate := 0.0 // RetailCRM's limit
	if o.retailcrmURL == "" {
		rate = float64(o.sandboxRate)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	staged, public, err := localBuckets(o.dataDir, objects)
	if err != nil {
		return err
	}
	defer staged.Close()
	defer public.Close()
	catalogBuilder := sync.NewCatalogBuilder(st, staged, public, catalogPrefix, base+"/objects/"+catalogPrefix, log.With("function", "catalog-builder"))
	connect := sync.NewConnector(st, rate, sync.InteractiveRetry, log.With("function", "retailcrm"))
	importer := sync.NewImporter(st, secrets, connect, log.With("function", "history-sync"))
	pusher := sync.NewPusher(st, secrets, connect, log.With("function", "crm-push"))
	storeSync := sync.NewStoreSync(st, secrets, connect, staged, log.With("function", "store-sync"))
	handlers := map[string]http.Handler{
		"admin": admin.NewHandler(admin.Deps{Store: st, Secrets: secrets, Version: buildinfo.Version(),
			Log: log.With("function", "admin"), Setup: sync.NewSetup(st, secrets, connect, log.With("function", "admin")),
			Importer: importer, Pusher: pusher, Catalog: catalogBuilder, StoreSync: storeSync}),
		"onec-gateway": gateway.NewHandler(gateway.Deps{Store: st, Secrets: secrets, Log: log.With("function", "onec-gateway"),
			Staging: staging.New(st, staged, staging.Options{})}),
		"crm-webhook": webhook.NewHandler(webhook.Deps{Secrets: secrets, Importer: importer, Trigger: sync.TriggerWebhook,
			Log: log.With("function", "crm-webhook")}),
	}
	mux := http.NewServeMux()
	for _, rt := range routes {
		h, ok := handlers[rt.Function]
		if !ok {
			return fmt.Errorf("route %s %s: no handler for function %q", rt.Method, rt.Path, rt.Function)
		}
		mux.Handle(rt.Method+" "+rt.Path, h)
	}
	// Only the catalog prefix is served, as only it is public in the bucket.
	mux.Handle("GET /objects/"+catalogPrefix, http.StripPrefix("/objects/", http.FileServer(http.Dir(objects))))
	if o.retailcrmURL == "" {
		sb := sandbox.New(sandbox.Options{RateLimit: o.sandboxRate})
		sb.SeedDemo()
		mux.Handle(sandboxPrefix+"/", http.StripPrefix(sandboxPrefix, sb.Handler()))
	}

	srv := &http.Server{Handler: logRequests(log, mux), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out, "unfbridge %s is running (Ctrl-C stops it)\n", buildinfo.Version())
	fmt.Fprintf(out, "  health:  %s/healthz\n", base)
	fmt.Fprintf(out, "  admin:   %s/admin/v1/settings (header \"Authorization: Bearer %s\")\n", base, adminToken)
	fmt.Fprintf(out, "  1C:      %s/onec/v1/events (token: POST /admin/v1/secrets/onec-token/rotate)\n", base)
	fmt.Fprintf(out, "  objects: %s/objects/%s (read-only, folder %s)\n", base, catalogPrefix, objects)
	fmt.Fprintf(out, "  store:   %s\n", filepath.Join(o.dataDir, "bridge.db"))
	fmt.Fprintf(out, "  catalog: %s (the URL for RetailCRM, once 1C sent its catalog)\n", catalogBuilder.URL(settings.DefaultObjectKey))
	jobs := []func(context.Context){
		func(ctx context.Context) { _, _ = importer.Sync(ctx, sync.TriggerSchedule) },
		func(ctx context.Context) { _, _ = pusher.DrainDue(ctx) },
		func(ctx context.Context) { _, _ = catalogBuilder.Run(ctx, sync.TriggerSchedule) },
		func(ctx context.Context) { _, _ = storeSync.Run(ctx, sync.TriggerSchedule) },
	}
	if o.retailcrmURL == "" {
		fmt.Fprintf(out, "  RetailCRM: no RETAILCRM_URL set, so a RetailCRM sandbox with demo data serves %s%s\n", base, sandboxPrefix)
		fmt.Fprintf(out, "             (site %s, demo API key %s)\n", sandbox.DemoSite, sandbox.DemoAPIKey)
		jobs = append(jobs, demo1C(secrets, base, log))
		fmt.Fprintf(out, "  1C:      demo mode: a simulated 1C pulls the inbox every %s\n", o.tick)
	} else {
		fmt.Fprintf(out, "  RetailCRM: %s\n", o.retailcrmURL)
	}
	go schedule(ctx, o.tick, jobs)
	go pushStream(ctx, pusher, pushPoll)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("stopping")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(out, "stopped")
	return nil
}

// catalogPrefix is where the catalog file is published in the objects folder, as in the bucket.
const catalogPrefix = "catalog/"

// localBuckets stands in for the staging bucket (a private folder) and the catalog bucket (the
// objects folder, served read-only).
func localBuckets(dataDir, objects string) (staged, public *dirblob.Store, err error) {
	if staged, err = dirblob.New(filepath.Join(dataDir, "staging")); err != nil {
		return nil, nil, err
	}
	if public, err = dirblob.New(objects); err != nil {
		staged.Close()
		return nil, nil, err
	}
	return staged, public, nil
}

// schedule runs the jobs one after another every tick, as EventBridge runs history-sync, each
// bounded like the Lambda's run.
func schedule(ctx context.Context, tick time.Duration, jobs []func(context.Context)) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for _, job := range jobs {
				runCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
				job(runCtx)
				cancel()
			}
		}
	}
}

// pushPoll is how often the local stand-in of the push stream looks for work.
const pushPoll = 250 * time.Millisecond

// pushStream stands in for the DynamoDB stream that starts crm-push in AWS: the orders with push
// work due are pushed within pushPoll of their 1C event.
func pushStream(ctx context.Context, p *sync.Pusher, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		due, err := p.Due(ctx)
		if err == nil && len(due) > 0 {
			runCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			_, _ = p.Drain(runCtx, due)
			cancel()
		}
	}
}

// demo1C is the job of the simulated 1C of demo mode: it pulls the inbox with the current 1C
// token of the local data (made when there is none). A rotated token gives a fresh simulated
// infobase, as if 1C were set up again.
func demo1C(secrets secret.Store, base string, log *slog.Logger) func(context.Context) {
	var sim *onecsim.Sim
	var simToken string
	return func(ctx context.Context) {
		token, err := secrets.Get(ctx, secret.OnecToken)
		if errors.Is(err, secret.ErrNotFound) {
			token = secret.NewToken()
			err = secrets.Put(ctx, secret.OnecToken, token)
		}
		if err != nil {
			log.Warn("simulated 1C: no token", "error", err)
			return
		}
		if sim == nil || token != simToken {
			sim, simToken = onecsim.New(onecsim.Options{BaseURL: base, Token: token}), token
		}
		if _, err := sim.Sync(ctx); err != nil {
			log.Warn("simulated 1C: sync failed", "error", err)
		}
	}
}

// localAdminToken returns the admin token of the local data folder, made on the first run. Only
// a local run prints it (to the terminal, never to the logs); a deployment's token is created
// by the deployer in SSM.
func localAdminToken(ctx context.Context, secrets secret.Store) (string, error) {
	token, err := secrets.Get(ctx, secret.AdminToken)
	if errors.Is(err, secret.ErrNotFound) {
		token = secret.NewToken()
		err = secrets.Put(ctx, secret.AdminToken, token)
	}
	return token, err
}

// logRequests logs one JSON line per request: method, path, status, duration.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"duration_ms", time.Since(start).Milliseconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil && d > 0 {
		return d
	}
	return def
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
