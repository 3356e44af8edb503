// Command catalog-builder publishes the catalog file: every minute, when 1C sent a new complete
// catalog snapshot, the catalog settings changed or the user asked for it, the ICML file is built
// from the staged snapshot and published at its public key.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"unfbridge/shared/blob/s3blob"
	"unfbridge/shared/config"
	"unfbridge/shared/runlog"
	"unfbridge/shared/sync"
	"unfbridge/shared/wiring"
)

func main() {
	var cfg config.CatalogBuilder
	env, err := wiring.Open(context.Background(), "catalog-builder", &cfg, &cfg.Common)
	if err == nil {
		err = serve(env, cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "catalog-builder:", err)
		os.Exit(1)
	}
}

func serve(env wiring.Env, cfg config.CatalogBuilder) error {
	buckets, err := wiring.Buckets(context.Background(), cfg.Objects, []s3blob.StoreOption{s3blob.Frugal()}, cfg.StagingBucket, cfg.CatalogBucket)
	if err != nil {
		return err
	}
	b := sync.NewCatalogBuilder(env.Store, buckets[0], buckets[1], cfg.CatalogPrefix, cfg.CatalogBaseURL, env.Log)
	lambda.Start(func(ctx context.Context, _ events.EventBridgeEvent) (runlog.Run, error) {
		return b.Run(ctx, sync.TriggerSchedule)
	})
	return nil
}
