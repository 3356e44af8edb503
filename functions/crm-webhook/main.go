// Command crm-webhook is the URL a RetailCRM trigger calls to import one order at once.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"unfbridge/shared/config"
	"unfbridge/shared/lambdahttp"
	"unfbridge/shared/sync"
	"unfbridge/shared/webhook"
	"unfbridge/shared/wiring"
)

func main() {
	var cfg config.CRMWebhook
	env, err := wiring.Open(context.Background(), "crm-webhook", &cfg, &cfg.Common)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crm-webhook:", err)
		os.Exit(1)
	}
	connect := sync.NewConnector(env.Store, float64(cfg.RetailCRMRate), sync.InteractiveRetry, env.Log)
	h := webhook.NewHandler(webhook.Deps{Secrets: env.Secrets, Log: env.Log, Trigger: sync.TriggerWebhook,
		Importer: sync.NewImporter(env.Store, env.Secrets, connect, env.Log)})
	lambda.Start(lambdahttp.Handler(h))
}
