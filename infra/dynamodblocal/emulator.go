package dynamodblocal

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// errNotInstalled is the error when the emulator's jar is missing.
var errNotInstalled = errors.New("DynamoDB Local is not installed: run `make test` (it installs it into infra/dynamodb-local)")

// startTimeout bounds the wait for a starting emulator to answer.
const startTimeout = time.Minute

//go:embed LoopbackDynamoDBLocal.java
var launcher []byte

// emulator is a running DynamoDB Local process.
type emulator struct {
	endpoint string
	cmd      *exec.Cmd
	exited   chan error // receives the result of cmd.Wait
	output   *bytes.Buffer
	dir      string // working folder of the process, holding the launcher
}

// launch starts the DynamoDB Local that `make test` installs into the repository.
func launch() (*emulator, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	return launchFrom(filepath.Join(root, "infra", "dynamodb-local", "package", "emulator"))
}

// launchFrom starts DynamoDB Local from its folder home in memory on a free port of 127.0.0.1 and
// waits until it answers. It runs the jar through LoopbackDynamoDBLocal.java, because DynamoDB
// Local has no option to choose the listen address.
func launchFrom(home string) (*emulator, error) {
	jar := filepath.Join(home, "DynamoDBLocal.jar")
	if _, err := os.Stat(jar); errors.Is(err, fs.ErrNotExist) {
		return nil, errNotInstalled
	} else if err != nil {
		return nil, fmt.Errorf("dynamodblocal: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "dynamodblocal-")
	if err != nil {
		return nil, fmt.Errorf("dynamodblocal: %w", err)
	}
	src := filepath.Join(dir, "LoopbackDynamoDBLocal.java")
	if err := os.WriteFile(src, launcher, 0o600); err != nil {
		return nil, errors.Join(fmt.Errorf("dynamodblocal: %w", err), os.RemoveAll(dir))
	}
	args := []string{
		"-XX:TieredStopAtLevel=1", // the quick compiler only: starts in half the time
		"-Djava.library.path=" + filepath.Join(home, "DynamoDBLocal_lib"),
		"-cp", jar, src,
		// -sharedDb: one database whatever the credentials and region of a client.
		"-inMemory", "-sharedDb", "-disableTelemetry", "-port", strconv.Itoa(port),
	}
	e := &emulator{
		endpoint: "http://127.0.0.1:" + strconv.Itoa(port),
		cmd:      exec.Command("java", args...),
		exited:   make(chan error, 1),
		output:   new(bytes.Buffer),
		dir:      dir,
	}
	e.cmd.Dir, e.cmd.Stdout, e.cmd.Stderr = dir, e.output, e.output
	isolate(e.cmd)
	if err := e.cmd.Start(); err != nil {
		return nil, errors.Join(fmt.Errorf("dynamodblocal: start java: %w", err), os.RemoveAll(dir))
	}
	go func() { e.exited <- e.cmd.Wait() }()
	if err := e.waitReady(); err != nil {
		return nil, errors.Join(err, e.stop())
	}
	return e, nil
}

// waitReady polls ListTables until the emulator answers, exits or startTimeout passes.
func (e *emulator) waitReady() error {
	client := Client(e.endpoint)
	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := client.ListTables(ctx, &dynamodb.ListTablesInput{}, func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("dynamodblocal: no answer at %s within %v: %w", e.endpoint, startTimeout, err)
		}
		select {
		case err := <-e.exited:
			e.exited <- err
			return fmt.Errorf("dynamodblocal: DynamoDB Local exited while starting (%v):\n%s", err, e.output)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// stop kills the emulator's process group, waits for it to end and removes its working folder.
func (e *emulator) stop() error {
	err := killGroup(e.cmd.Process.Pid)
	<-e.exited
	return errors.Join(err, os.RemoveAll(e.dir))
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("dynamodblocal: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// repoRoot walks up from the working folder to the folder holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("dynamodblocal: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("dynamodblocal: no go.mod above the working folder")
		}
		dir = parent
	}
}
