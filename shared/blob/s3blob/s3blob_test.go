package s3blob_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"unfbridge/shared/blob"
	"unfbridge/shared/blob/blobtest"
	"unfbridge/shared/blob/s3blob"
	"unfbridge/shared/blob/s3blob/s3test"
)

func TestMain(m *testing.M) { s3test.Main(m) }

// TestContract runs the suite with list pages of two keys, so that List pages through.
func TestContract(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		return s3test.NewBucket(t, s3test.Start(t), s3blob.WithListPageSize(2)).Store
	})
}

// TestAbortsUpload checks that a failed multipart Put leaves no upload behind to be billed.
func TestAbortsUpload(t *testing.T) {
	f := s3test.NewBucket(t, s3test.Start(t))
	body := io.MultiReader(strings.NewReader(strings.Repeat("x", 20<<20)), iotest.ErrReader(errors.New("broken")))
	if err := f.Store.Put(t.Context(), "big", body, blob.PutOptions{}); err == nil {
		t.Fatal("Put of a failing reader succeeded")
	}
	out, err := f.Client.ListMultipartUploads(t.Context(), &s3.ListMultipartUploadsInput{Bucket: &f.Name})
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
	blobtest.BenchmarkPut(b, s3test.NewBucket(b, s3test.StartProcess(b)).Store)
}
