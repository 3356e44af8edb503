// Command store-sync uploads stock and prices to RetailCRM: on its schedule, when 1C sent a new
// complete stock or price snapshot, the catalog or the settings changed, the user pressed
// "Выгрузить остатки" / "Выгрузить типы цен", or a previous upload did not complete; only what
// changed since RetailCRM last accepted it.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"unfbridge/shared/config"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/runlog"
	"unfbridge/shared/sync"
	"unfbridge/shared/wiring"
)

// margin is the time left before the Lambda deadline at which a run stops cleanly.
const margin = 30 * time.Second

func main() {
	var cfg config.StoreSync
	env, err := wiring.Open(context.Background(), "store-sync", &cfg, &cfg.Common)
	if err == nil {
		err = serve(env, cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "store-sync:", err)
		os.Exit(1)
	}
}

func serve(env wiring.Env, cfg config.StoreSync) error {
	buckets, err := wiring.Buckets(context.Background(), cfg.Objects, nil, cfg.StagingBucket)
	if err != nil {
		return err
	}
	connect := sync.NewConnector(env.Store, float64(cfg.RetailCRMRate), retailcrm.RetryPolicy{}, env.Log)
	s := sync.NewStoreSync(env.Store, env.Secrets, connect, buckets[0], env.Log)
	s.Margin = margin
	lambda.Start(func(ctx context.Context, _ events.EventBridgeEvent) ([]runlog.Run, error) {
		return s.Run(ctx, sync.TriggerSchedule)
	})
	return nil
}
