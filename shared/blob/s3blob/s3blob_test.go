package s3blob_test

import (
	"bufio"
	"errors"
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
	"testing/iotest"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"unfbridge/shared/blob"
	"unfbridge/shared/blob/blobtest"
	"unfbridge/shared/blob/s3blob"
)

// serveEnv makes the test binary serve gofakes3 instead of running tests; see startFakeS3Process.
const serveEnv = "S3BLOB_TEST_SERVE_FAKES3"

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) != "" {
		if err := serveFakeS3(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	// Static credentials for the fake server, and nothing from the machine's AWS setup.
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

// startFakeS3 serves gofakes3 in process on 127.0.0.1 and returns its URL.
func startFakeS3(tb testing.TB) string {
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	tb.Cleanup(srv.Close)
	return srv.URL
}

var buckets atomic.Int64

// fixture is a Store on a new bucket, with the client under it.
type fixture struct {
	store  *s3blob.Store
	client *s3.Client
	bucket string
}

// newFixture makes a new bucket on the server at endpoint and a Store on it, through a client
// made by s3blob.NewClient.
func newFixture(tb testing.TB, endpoint string, opts ...s3blob.StoreOption) fixture {
	tb.Helper()
	client, err := s3blob.NewClient(tb.Context(), s3blob.Options{Endpoint: endpoint, Region: "us-east-1", PathStyle: true})
	if err != nil {
		tb.Fatal(err)
	}
	bucket := fmt.Sprintf("bucket-%d", buckets.Add(1))
	if _, err := client.CreateBucket(tb.Context(), &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		tb.Fatal(err)
	}
	s, err := s3blob.New(client, bucket, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return fixture{store: s, client: client, bucket: bucket}
}

// TestContract runs the suite with list pages of two keys, so that List pages through.
func TestContract(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		return newFixture(t, startFakeS3(t), s3blob.WithListPageSize(2)).store
	})
}

// TestAbortsUpload checks that a failed multipart Put leaves no upload behind to be billed.
func TestAbortsUpload(t *testing.T) {
	f := newFixture(t, startFakeS3(t))
	body := io.MultiReader(strings.NewReader(strings.Repeat("x", 20<<20)), iotest.ErrReader(errors.New("broken")))
	if err := f.store.Put(t.Context(), "big", body, blob.PutOptions{}); err == nil {
		t.Fatal("Put of a failing reader succeeded")
	}
	out, err := f.client.ListMultipartUploads(t.Context(), &s3.ListMultipartUploadsInput{Bucket: &f.bucket})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Uploads) != 0 {
		t.Fatalf("%d multipart uploads left, want none", len(out.Uploads))
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	client := s3.New(s3.Options{Region: "us-east-1"})
	cases := map[string][]s3blob.StoreOption{
		"small parts":    {s3blob.WithPartSize(s3blob.MinPartSize - 1)},
		"no concurrency": {s3blob.WithConcurrency(0)},
		"no page":        {s3blob.WithListPageSize(0)},
		"huge page":      {s3blob.WithListPageSize(1001)},
	}
	for name, opts := range cases {
		if _, err := s3blob.New(client, "b", opts...); err == nil {
			t.Errorf("New with %s succeeded", name)
		}
	}
	if _, err := s3blob.New(client, ""); err == nil {
		t.Error("New without a bucket succeeded")
	}
}

// BenchmarkPutStream streams 1 GiB (-blob.size) to gofakes3 and reports peak-heap-MiB. gofakes3
// keeps parts and objects in memory, so it runs in a child process and only the adapter's heap is
// measured.
func BenchmarkPutStream(b *testing.B) {
	blobtest.BenchmarkPut(b, newFixture(b, startFakeS3Process(b)).store)
}

// startFakeS3Process runs this test binary as a gofakes3 server (see serveFakeS3) and returns its
// URL. The child is killed at the end of tb.
func startFakeS3Process(tb testing.TB) string {
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

// serveFakeS3 serves gofakes3 on 127.0.0.1, prints its URL, and returns when stdin closes, which
// happens when the parent is done or gone.
func serveFakeS3() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go http.Serve(ln, gofakes3.New(s3mem.New()).Server())
	fmt.Println("http://" + ln.Addr().String())
	_, err = io.Copy(io.Discard, os.Stdin)
	return err
}
