package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"unfbridge/shared/config"
	"unfbridge/shared/secret"
	"unfbridge/shared/secret/ssmsecret"
	"unfbridge/shared/secret/ssmsecret/ssmfake"
)

// invocationPath is the emulator's endpoint, the one `sam local invoke` calls too.
const invocationPath = "/2015-03-31/functions/function/invocations"

// build compiles the function's real bootstrap for this machine (the Lambda build is linux/arm64,
// with the same flags) into dir and returns its path.
func build(ctx context.Context, repoRoot, function, dir, ldflags string) (string, error) {
	out := filepath.Join(dir, function, "bootstrap")
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", ldflags,
		"-o", out, "./functions/"+function)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s: %w\n%s", function, err, msg)
	}
	return out, nil
}

// functionEnv is the environment of a function under the emulator: its configuration from vars
// (every variable it reads that has a local value) and fake AWS credentials for the local stand-ins.
func functionEnv(function string, vars map[string]string) ([]string, error) {
	cfg, ok := config.Functions[function]
	if !ok {
		return nil, fmt.Errorf("unknown function %q (no entry in config.Functions)", function)
	}
	env := []string{"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local"}
	for _, v := range config.Vars(cfg) {
		val, ok := vars[v.Name]
		if !ok && v.Required {
			return nil, fmt.Errorf("function %s needs %s and no local value is known for it", function, v.Name)
		}
		if ok {
			env = append(env, v.Name+"="+val)
		}
	}
	return env, nil
}

// invoke runs bootstrap under the Lambda Runtime Interface Emulator at rie, sends it event and
// returns the function's response. The emulator's and the function's logs go to logs.
func invoke(ctx context.Context, rie, bootstrap string, env []string, event []byte, logs io.Writer) ([]byte, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	apiAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr, "--runtime-api-address", apiAddr, bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the emulator %s: %w", rie, err)
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}()
	if err := waitListening(ctx, addr); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+invocationPath, bytes.NewReader(event))
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("invoke: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Amz-Function-Error") != "" {
		return body, fmt.Errorf("function failed (HTTP %d): %s", resp.StatusCode, body)
	}
	return body, nil
}

// freeAddr returns a 127.0.0.1 address with a port that was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return "127.0.0.1:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

func waitListening(ctx context.Context, addr string) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the emulator did not listen on %s: %w", addr, err)
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// The tokens the sample events of events/ present; sampleSecrets holds them.
const (
	sampleAdminToken = "sample-admin-token-change-me-0123456789abcdef"
	sampleOnecToken  = "sample-onec-token-change-me-0123456789abcdef"
	sampleTrigger    = "sample-trigger-secret-change-me-0123456789abcdef"
	secretsPrefix    = "/unfbridge/local/"
)

// sampleSecrets starts the SSM stand-in with the sample tokens and returns the function
// variables that point at it.
func sampleSecrets(ctx context.Context) (map[string]string, func(), error) {
	fake := ssmfake.New()
	secrets, err := ssmsecret.New(fake.Client(), secretsPrefix)
	if err != nil {
		fake.Close()
		return nil, nil, err
	}
	for name, value := range map[string]string{secret.AdminToken: sampleAdminToken, secret.OnecToken: sampleOnecToken,
		secret.CRMTriggerSecret: sampleTrigger} {
		if err := secrets.Put(ctx, name, value); err != nil {
			fake.Close()
			return nil, nil, err
		}
	}
	return map[string]string{"SSM_ENDPOINT": fake.URL(), "SECRETS_PREFIX": secretsPrefix}, fake.Close, nil
}

// Buckets of the local S3 stand-in.
const (
	stagingBucket = "unfbridge-staging"
	catalogBucket = "unfbridge-catalog"
	catalogPrefix = "catalog/"
)

// localBuckets serves an S3 stand-in (gofakes3, in memory) on 127.0.0.1 with the staging and
// catalog buckets, and returns the function variables that point at it.
func localBuckets() (map[string]string, func(), error) {
	backend := s3mem.New()
	for _, name := range []string{stagingBucket, catalogBucket} {
		if err := backend.CreateBucket(name); err != nil {
			return nil, nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{Handler: gofakes3.New(backend).Server(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	endpoint := "http://" + ln.Addr().String()
	return map[string]string{"S3_ENDPOINT": endpoint, "S3_PATH_STYLE": "true", "STAGING_BUCKET": stagingBucket,
		"CATALOG_BUCKET": catalogBucket, "CATALOG_PREFIX": catalogPrefix,
		"CATALOG_BASE_URL": endpoint + "/" + catalogBucket + "/" + catalogPrefix}, func() { srv.Close() }, nil
}
