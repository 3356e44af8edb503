// Command onec-gateway is the Lambda where 1C pushes its events (posting callbacks and
// snapshots).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"unfbridge/shared/config"
	"unfbridge/shared/gateway"
	"unfbridge/shared/lambdahttp"
	"unfbridge/shared/staging"
	"unfbridge/shared/wiring"
)

func main() {
	var cfg config.OnecGateway
	env, err := wiring.Open(context.Background(), "onec-gateway", &cfg, &cfg.Common)
	var staged *staging.Repo
	if err == nil {
		staged, err = wiring.Staging(context.Background(), env.Store, cfg.Objects)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "onec-gateway:", err)
		os.Exit(1)
	}
	lambda.Start(lambdahttp.Handler(gateway.NewHandler(gateway.Deps{Store: env.Store, Secrets: env.Secrets, Log: env.Log, Staging: staged})))
}
