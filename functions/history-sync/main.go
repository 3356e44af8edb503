// Command history-sync is the scheduled order import: every minute, the RetailCRM order history
// since the cursor becomes commands in the 1C inbox.
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
const margin = 15 * time.Second

func main() {
	var cfg config.HistorySync
	env, err := wiring.Open(context.Background(), "history-sync", &cfg, &cfg.Common)
	if err != nil {
		fmt.Fprintln(os.Stderr, "history-sync:", err)
		os.Exit(1)
	}
	connect := sync.NewConnector(env.Store, float64(cfg.RetailCRMRate), retailcrm.RetryPolicy{}, env.Log)
	im := sync.NewImporter(env.Store, env.Secrets, connect, env.Log)
	im.Margin = margin
	lambda.Start(func(ctx context.Context, _ events.EventBridgeEvent) (runlog.Run, error) {
		return im.Sync(ctx, sync.TriggerSchedule)
	})
}
