// Package dynamodblocal runs DynamoDB Local for tests and creates tables in it as template.yaml
// defines them.
//
// A test binary shares one emulator, started on first use and stopped after the tests:
//
//	func TestMain(m *testing.M) { dynamodblocal.Main(m) }
//
//	func TestX(t *testing.T) {
//		client, table := dynamodblocal.NewTable(t)
//		…
//	}
//
// When DYNAMODB_LOCAL_ENDPOINT is set, its emulator is used and none is started. Otherwise the
// emulator is the jar that `make test` installs into infra/dynamodb-local, run with Java in memory
// on a free port of 127.0.0.1.
package dynamodblocal

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/awslabs/goformation/v7/cloudformation"

	"unfbridge/infra/samtemplate"
)

// EnvEndpoint names the environment variable that points the tests at a running DynamoDB Local.
const EnvEndpoint = "DYNAMODB_LOCAL_ENDPOINT"

// tableResource is the logical ID of the table in template.yaml.
const tableResource = "Table"

// shared is the emulator of the test binary.
var shared struct {
	mainCalled bool
	once       sync.Once
	endpoint   string
	emulator   *emulator
	err        error
}

// Main runs the tests and then stops the emulator if one was started. Call it from TestMain; the
// test binary exits with the result of the tests when TestMain returns.
func Main(m *testing.M) {
	shared.mainCalled = true
	m.Run()
	if shared.emulator != nil {
		if err := shared.emulator.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "dynamodblocal: stop:", err)
		}
	}
}

// Start returns the endpoint of the test binary's DynamoDB Local: the value of
// DYNAMODB_LOCAL_ENDPOINT, or an emulator started on first use. It fails the test when the
// emulator cannot start, or is not installed.
func Start(t testing.TB) string {
	t.Helper()
	shared.once.Do(func() {
		if shared.endpoint = os.Getenv(EnvEndpoint); shared.endpoint != "" {
			return
		}
		if !shared.mainCalled {
			shared.err = errors.New("dynamodblocal: call dynamodblocal.Main(m) from TestMain, so that the emulator is stopped")
			return
		}
		shared.emulator, shared.err = launch()
		if shared.err == nil {
			shared.endpoint = shared.emulator.endpoint
		}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.endpoint
}

// Client returns a DynamoDB client for the endpoint with fixed credentials, which DynamoDB Local
// accepts (it runs with -sharedDb, so every client sees the same tables).
func Client(endpoint string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
}

// CreateTable creates the table name as the resource Table of template.yaml defines it, waits
// until it is active and enables its time to live.
func CreateTable(ctx context.Context, client *dynamodb.Client, name string) error {
	tmpl, err := template()
	if err != nil {
		return err
	}
	in, err := samtemplate.TableInput(tmpl, tableResource, name)
	if err != nil {
		return err
	}
	if _, err := client.CreateTable(ctx, in); err != nil {
		return fmt.Errorf("dynamodblocal: create table %s: %w", name, err)
	}
	waiter := dynamodb.NewTableExistsWaiter(client)
	if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, time.Minute); err != nil {
		return fmt.Errorf("dynamodblocal: wait for table %s: %w", name, err)
	}
	ttl, err := samtemplate.TimeToLiveInput(tmpl, tableResource, name)
	if err != nil || ttl == nil {
		return err
	}
	if _, err := client.UpdateTimeToLive(ctx, ttl); err != nil {
		return fmt.Errorf("dynamodblocal: enable time to live of %s: %w", name, err)
	}
	return nil
}

// NewTable starts the emulator if needed and creates a table with a unique name, deleted when the
// test ends. It returns a client (see Client) and the table name.
func NewTable(t testing.TB) (*dynamodb.Client, string) {
	t.Helper()
	client := Client(Start(t))
	name := "test-" + strings.ToLower(rand.Text())
	if err := CreateTable(t.Context(), client, name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &name}); err != nil {
			t.Errorf("dynamodblocal: delete table %s: %v", name, err)
		}
	})
	return client, name
}

// template loads template.yaml of the repository once.
var template = sync.OnceValues(func() (*cloudformation.Template, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	return samtemplate.Load(filepath.Join(root, "template.yaml"))
})

// Launch starts a DynamoDB Local of its own for a program (make invoke) and returns its endpoint
// and the function that stops it. Tests use Start instead.
func Launch() (endpoint string, stop func() error, err error) {
	e, err := launch()
	if err != nil {
		return "", nil, err
	}
	return e.endpoint, e.stop, nil
}
