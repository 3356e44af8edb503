// Command crm-push pushes what 1C posted to RetailCRM: at once for the orders a DynamoDB stream
// reports, and every minute for every order whose work is due (retries with backoff).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

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
	var cfg config.CRMPush
	env, err := wiring.Open(context.Background(), "crm-push", &cfg, &cfg.Common)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crm-push:", err)
		os.Exit(1)
	}
	connect := sync.NewConnector(env.Store, float64(cfg.RetailCRMRate), retailcrm.RetryPolicy{}, env.Log)
	p := sync.NewPusher(env.Store, env.Secrets, connect, env.Log)
	p.Margin = margin
	lambda.Start(func(ctx context.Context, raw json.RawMessage) (runlog.Run, error) {
		if ids := wiring.PushWork(raw); len(ids) > 0 {
			return p.Drain(ctx, ids)
		}
		return p.DrainDue(ctx)
	})
}
