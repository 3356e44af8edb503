// Command admin is the admin Lambda: the settings API, the actions and the health check.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"unfbridge/shared/admin"
	"unfbridge/shared/buildinfo"
	"unfbridge/shared/config"
	"unfbridge/shared/lambdahttp"
	"unfbridge/shared/sync"
	"unfbridge/shared/wiring"
)

func main() {
	var cfg config.Admin
	env, err := wiring.Open(context.Background(), "admin", &cfg, &cfg.Common)
	if err != nil {
		fmt.Fprintln(os.Stderr, "admin:", err)
		os.Exit(1)
	}
	connect := sync.NewConnector(env.Store, float64(cfg.RetailCRMRate), sync.InteractiveRetry, env.Log)
	h := admin.NewHandler(admin.Deps{Store: env.Store, Secrets: env.Secrets, Version: buildinfo.Version(), Log: env.Log,
		Setup:    sync.NewSetup(env.Store, env.Secrets, connect, env.Log),
		Importer: sync.NewImporter(env.Store, env.Secrets, connect, env.Log),
		Pusher:   sync.NewPusher(env.Store, env.Secrets, connect, env.Log),
		// The admin function only queues builds and uploads and reads their state: it touches no bucket.
		Catalog:   sync.NewCatalogBuilder(env.Store, nil, nil, cfg.CatalogPrefix, cfg.CatalogBaseURL, env.Log),
		StoreSync: sync.NewStoreSync(env.Store, env.Secrets, connect, nil, env.Log)})
	lambda.Start(lambdahttp.Handler(h))
}
