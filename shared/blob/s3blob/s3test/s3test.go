// Package s3test runs an S3 stand-in (gofakes3) for tests and benchmarks, reached through the real
// aws-sdk-go-v2 client of s3blob, like net/http/httptest runs a real server.
//
// A test package that uses it calls Main from its TestMain: it sets static credentials so that
// nothing from the machine's AWS setup is read, and lets the test binary serve gofakes3 in a child
// process for StartProcess.
package s3test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"unfbridge/shared/blob/s3blob"
)

// serveEnv makes the test binary serve gofakes3 instead of running tests; see StartProcess.
const serveEnv = "S3TEST_SERVE_FAKES3"

// Main runs the tests of m with static credentials for the stand-in, or, in the child process of
// StartProcess, serves gofakes3 instead.
func Main(m *testing.M) {
	if os.Getenv(serveEnv) != "" {
		if err := serve(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"} {
		os.Unsetenv(k)
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           "test",
		"AWS_SECRET_ACCESS_KEY":       "test",
		"AWS_CONFIG_FILE":             os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		os.Setenv(k, v)
	}
	os.Exit(m.Run())
}

// Start serves gofakes3 in process on 127.0.0.1 and returns its URL.
func Start(tb testing.TB) string {
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	tb.Cleanup(srv.Close)
	return srv.URL
}

// StartProcess runs the test binary as a gofakes3 server and returns its URL. gofakes3 keeps
// objects in memory, so a benchmark that measures its own heap uses this one. The child is killed
// at the end of tb. The package's TestMain must call Main.
func StartProcess(tb testing.TB) string {
	tb.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), serveEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start the gofakes3 process: %v", err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait() // reports the kill
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		tb.Fatalf("read the gofakes3 process URL: %v", err)
	}
	return strings.TrimSpace(line)
}

// serve serves gofakes3 on 127.0.0.1, prints its URL, and returns when stdin closes, which
// happens when the parent is done or gone.
func serve() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go http.Serve(ln, gofakes3.New(s3mem.New()).Server())
	fmt.Println("http://" + ln.Addr().String())
	_, err = io.Copy(io.Discard, os.Stdin)
	return err
}

var buckets atomic.Int64

// Bucket is a new bucket on a stand-in, with a Store on it and the client under it.
type Bucket struct {
	Store  *s3blob.Store
	Client *s3.Client
	Name   string
}

// NewBucket makes a new bucket on the stand-in at endpoint and a Store on it, through a client
// made by s3blob.NewClient.
func NewBucket(tb testing.TB, endpoint string, opts ...s3blob.StoreOption) Bucket {
	tb.Helper()
	client, err := s3blob.NewClient(tb.Context(), s3blob.Options{Endpoint: endpoint, Region: "us-east-1", PathStyle: true})
	if err != nil {
		tb.Fatal(err)
	}
	name := fmt.Sprintf("bucket-%d", buckets.Add(1))
	if _, err := client.CreateBucket(tb.Context(), &s3.CreateBucketInput{Bucket: &name}); err != nil {
		tb.Fatal(err)
	}
	s, err := s3blob.New(client, name, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return Bucket{Store: s, Client: client, Name: name}
}
