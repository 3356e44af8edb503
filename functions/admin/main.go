// Command admin is the admin Lambda: the settings API and the health check.
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
	"unfbridge/shared/logging"
	"unfbridge/shared/store/dynamostore"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "admin:", err)
		os.Exit(1)
	}
}

func run() error {
	var cfg config.Admin
	if err := config.Load(&cfg, os.LookupEnv); err != nil {
		return err
	}
	log, err := logging.New(os.Stdout, cfg.LogLevel, "admin")
	if err != nil {
		return err
	}
	client, err := dynamostore.NewClient(context.Background(), dynamostore.Options{Endpoint: cfg.DynamoDBEndpoint})
	if err != nil {
		return err
	}
	h := admin.NewHandler(admin.Deps{
		Store:   dynamostore.New(client, cfg.TableName),
		Version: buildinfo.Version(),
		Log:     log,
	})
	lambda.Start(lambdahttp.Handler(h))
	return nil
}
