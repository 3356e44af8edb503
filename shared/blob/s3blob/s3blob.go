// Package s3blob implements the blob port on Amazon S3 or an S3-compatible service (Yandex Object
// Storage, gofakes3) through aws-sdk-go-v2.
//
// Put streams its body as a multipart upload whose memory is bounded by the part size times the
// number of parts in flight; bodies smaller than one part take a single PutObject. Move is a
// CopyObject then a DeleteObject, so it is limited to objects of at most 5 GiB.
package s3blob

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"unfbridge/shared/blob"
)

// Options select the S3 service that NewClient talks to.
type Options struct {
	// Endpoint is the base URL of an S3-compatible service, such as
	// "https://storage.yandexcloud.net"; empty means Amazon S3.
	Endpoint string
	// Region overrides the region of the default configuration when not empty.
	Region string
	// PathStyle puts the bucket in the URL path instead of the host name.
	PathStyle bool
}

// NewClient builds an S3 client from the default AWS configuration (environment, shared files,
// role) and o. With a custom endpoint, checksums are only computed and validated where an
// operation requires them, since S3-compatible services do not all support the newer ones.
func NewClient(ctx context.Context, o Options) (*s3.Client, error) {
	var load []func(*config.LoadOptions) error
	if o.Region != "" {
		load = append(load, config.WithRegion(o.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("s3blob: load AWS configuration: %w", err)
	}
	return s3.NewFromConfig(cfg, func(so *s3.Options) {
		so.UsePathStyle = o.PathStyle
		if o.Endpoint != "" {
			so.BaseEndpoint = aws.String(o.Endpoint)
			so.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
			so.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		}
	}), nil
}

// Limits of S3 multipart uploads and copies.
const (
	// MinPartSize is the smallest part size S3 accepts (for all parts but the last).
	MinPartSize = 5 << 20
	// MaxPartSize is the largest part size S3 accepts.
	MaxPartSize int64 = 5 << 30
	// MaxCopySize is the largest object a single CopyObject copies, hence the largest one Move moves.
	MaxCopySize int64 = 5 << 30

	maxParts        = 10000
	maxListPageSize = 1000
)

// Defaults of Store.
const (
	defaultPartSize    = 8 << 20
	defaultConcurrency = 3
)

// Store is a blob.Store on one S3 bucket. It is safe for concurrent use.
type Store struct {
	client      *s3.Client
	bucket      string
	partSize    int
	concurrency int
	pageSize    int32
	// checksum is the algorithm declared for multipart uploads: CRC32 when the client computes
	// checksums by default, as S3 then rejects parts of an upload created without one.
	checksum types.ChecksumAlgorithm
	// parts recycles part buffers (*[]byte of partSize bytes) across Puts.
	parts sync.Pool
}

var _ blob.Store = (*Store)(nil)

// StoreOption tunes a Store.
type StoreOption func(*Store)

// WithPartSize sets the size of the parts of a multipart upload, between MinPartSize and
// MaxPartSize (default 8 MiB). Bodies smaller than one part are sent in a single request.
func WithPartSize(n int) StoreOption { return func(s *Store) { s.partSize = n } }

// WithConcurrency sets how many part buffers one Put may hold, the one being filled included
// (default 3). A Put holds at most concurrency × part size bytes of body.
func WithConcurrency(n int) StoreOption { return func(s *Store) { s.concurrency = n } }

// Frugal makes a Store hold as little body as S3 allows: two part buffers of MinPartSize, for a
// function that streams several objects at once within a small heap (the catalog builder).
func Frugal() StoreOption {
	return func(s *Store) { s.partSize, s.concurrency = MinPartSize, 2 }
}

// WithListPageSize sets how many keys List asks for per request, from 1 to 1000 (default 1000).
func WithListPageSize(n int32) StoreOption { return func(s *Store) { s.pageSize = n } }

// New returns a Store on bucket through client.
func New(client *s3.Client, bucket string, opts ...StoreOption) (*Store, error) {
	s := &Store{
		client:      client,
		bucket:      bucket,
		partSize:    defaultPartSize,
		concurrency: defaultConcurrency,
		pageSize:    maxListPageSize,
	}
	for _, o := range opts {
		o(s)
	}
	switch {
	case client == nil:
		return nil, errors.New("s3blob: nil client")
	case bucket == "":
		return nil, errors.New("s3blob: empty bucket name")
	case s.partSize < MinPartSize || int64(s.partSize) > MaxPartSize:
		return nil, fmt.Errorf("s3blob: part size %d outside [%d, %d]", s.partSize, MinPartSize, MaxPartSize)
	case s.concurrency < 1:
		return nil, fmt.Errorf("s3blob: concurrency %d below 1", s.concurrency)
	case s.pageSize < 1 || s.pageSize > maxListPageSize:
		return nil, fmt.Errorf("s3blob: list page size %d outside [1, %d]", s.pageSize, maxListPageSize)
	}
	if client.Options().RequestChecksumCalculation != aws.RequestChecksumCalculationWhenRequired {
		s.checksum = types.ChecksumAlgorithmCrc32
	}
	s.parts.New = func() any {
		b := make([]byte, s.partSize)
		return &b
	}
	return s, nil
}

// checkKeys applies blob.ValidateKey to the keys of operation op.
func checkKeys(op string, keys ...string) error {
	for _, k := range keys {
		if err := blob.ValidateKey(k); err != nil {
			return fmt.Errorf("s3blob: %s: %w", op, err)
		}
	}
	return nil
}

// mapNotFound turns the S3 errors for a missing object into blob.ErrNotFound, keeping the rest.
func mapNotFound(err error) error {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return fmt.Errorf("%w: %w", blob.ErrNotFound, err)
		}
	}
	return err
}
