// Command admin is the admin Lambda: the settings API and the health check.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"unfbridge/shared/admin"
	"unfbridge/shared/buildinfo"
	"unfbridge/shared/config"
	"unfbridge/shared/lambdahttp"
	"unfbridge/shared/onecrefs"
	"unfbridge/shared/settings"
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
	setup := &sync.Setup{
		Repo: settings.NewRepo(env.Store), Secrets: env.Secrets, Refs: onecrefs.New(env.Store), Now: time.Now, Log: env.Log,
		Connect: sync.NewConnector(env.Store, float64(cfg.RetailCRMRate), sync.InteractiveRetry, env.Log),
	}
	h := admin.NewHandler(admin.Deps{Store: env.Store, Secrets: env.Secrets, Setup: setup, Version: buildinfo.Version(), Log: env.Log})
	lambda.Start(lambdahttp.Handler(h))
}
