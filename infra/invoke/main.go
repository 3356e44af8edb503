// Command invoke runs a function's real bootstrap under the AWS Lambda Runtime Interface Emulator
// (the emulator `sam local invoke` uses inside its container) and prints its response to an event:
//
//	make invoke FN=admin EVENT=events/admin-healthz.json
//
// The function gets a DynamoDB Local with the table of template.yaml, unless DYNAMODB_ENDPOINT and
// TABLE_NAME point it at one, and an in-process SSM parameter store holding the sample tokens
// that the events of events/ present (sampleAdminToken, sampleOnecToken).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/signal"

	"unfbridge/infra/dynamodblocal"
)

func main() {
	fn := flag.String("fn", "", "function: a folder under functions/")
	event := flag.String("event", "", "event file, e.g. events/admin-healthz.json")
	ldflags := flag.String("ldflags", "-s -w", "linker flags of the build (make passes the version stamp)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *fn, *event, *ldflags); err != nil {
		fmt.Fprintln(os.Stderr, "invoke:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, fn, eventFile, ldflags string) error {
	if fn == "" || eventFile == "" {
		return errors.New("usage: invoke -fn admin -event events/admin-healthz.json")
	}
	event, err := os.ReadFile(eventFile)
	if err != nil {
		return err
	}
	rie := os.Getenv("RIE_BIN")
	if rie == "" {
		return errors.New("RIE_BIN is not set: run it as `make invoke`, which installs the emulator")
	}
	vars, cleanup, err := localStore(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	secretVars, stopSecrets, err := sampleSecrets(ctx)
	if err != nil {
		return err
	}
	defer stopSecrets()
	maps.Copy(vars, secretVars)
	bucketVars, stopBuckets, err := localBuckets()
	if err != nil {
		return err
	}
	defer stopBuckets()
	maps.Copy(vars, bucketVars)
	env, err := functionEnv(fn, vars)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "invoke-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bootstrap, err := build(ctx, ".", fn, dir, ldflags)
	if err != nil {
		return err
	}
	out, err := invoke(ctx, rie, bootstrap, env, event, os.Stderr)
	if err != nil {
		return err
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, out, "", "  ") != nil {
		pretty.Reset()
		pretty.Write(out)
	}
	fmt.Println(pretty.String())
	return nil
}

// localStore returns the store variables of the function: the ones given in the environment, or a
// DynamoDB Local started for this run with the table of template.yaml.
func localStore(ctx context.Context) (map[string]string, func(), error) {
	if ep, table := os.Getenv("DYNAMODB_ENDPOINT"), os.Getenv("TABLE_NAME"); ep != "" && table != "" {
		return map[string]string{"DYNAMODB_ENDPOINT": ep, "TABLE_NAME": table}, func() {}, nil
	}
	fmt.Fprintln(os.Stderr, "==> starting DynamoDB Local for this invocation")
	endpoint, stop, err := dynamodblocal.Launch()
	if err != nil {
		return nil, nil, err
	}
	const table = "unfbridge-local"
	if err := dynamodblocal.CreateTable(ctx, dynamodblocal.Client(endpoint), table); err != nil {
		return nil, nil, errors.Join(err, stop())
	}
	cleanup := func() {
		if err := stop(); err != nil {
			fmt.Fprintln(os.Stderr, "invoke: stop DynamoDB Local:", err)
		}
	}
	return map[string]string{"DYNAMODB_ENDPOINT": endpoint, "TABLE_NAME": table}, cleanup, nil
}
