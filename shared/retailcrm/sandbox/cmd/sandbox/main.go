// Command sandbox serves the RetailCRM API v5 simulator with demo data on 127.0.0.1, for
// trying the bridge or a client by hand:
//
//	go run ./shared/retailcrm/sandbox/cmd/sandbox -addr 127.0.0.1:8090
//
// It prints the account URL and the demo API key, and runs until interrupted.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"unfbridge/shared/retailcrm/sandbox"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free one)")
	rate := flag.Int("rate", 10, "requests per second allowed per API key (negative: no limit)")
	flag.Parse()

	sb := sandbox.New(sandbox.Options{Addr: *addr, RateLimit: *rate})
	sb.SeedDemo()
	if err := sb.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer sb.Close()
	fmt.Printf("RetailCRM sandbox: %s\nAPI key: %s (site %s)\n", sb.URL(), sandbox.DemoAPIKey, sandbox.DemoSite)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
}
