package s3blob

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"unfbridge/shared/blob"
)

// Get implements blob.Store.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, blob.Info, error) {
	if err := checkKeys("get", key); err != nil {
		return nil, blob.Info{}, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		return nil, blob.Info{}, fmt.Errorf("s3blob: get %q: %w", key, mapNotFound(err))
	}
	return out.Body, blob.Info{
		Key:         key,
		Size:        aws.ToInt64(out.ContentLength),
		ContentType: aws.ToString(out.ContentType),
		Modified:    aws.ToTime(out.LastModified),
	}, nil
}

// Stat implements blob.Store.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	if err := checkKeys("stat", key); err != nil {
		return blob.Info{}, err
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		return blob.Info{}, fmt.Errorf("s3blob: stat %q: %w", key, mapNotFound(err))
	}
	return blob.Info{
		Key:         key,
		Size:        aws.ToInt64(out.ContentLength),
		ContentType: aws.ToString(out.ContentType),
		Modified:    aws.ToTime(out.LastModified),
	}, nil
}

// Delete implements blob.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := checkKeys("delete", key); err != nil {
		return err
	}
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &key}); err != nil {
		return fmt.Errorf("s3blob: delete %q: %w", key, err)
	}
	return nil
}

// List implements blob.Store with ListObjectsV2, page by page. S3 listings carry no content type,
// so it is left empty.
func (s *Store) List(ctx context.Context, prefix string) ([]blob.Info, error) {
	pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket:  &s.bucket,
		Prefix:  &prefix,
		MaxKeys: &s.pageSize,
	})
	var infos []blob.Info
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("s3blob: list %q: %w", prefix, err)
		}
		for _, o := range page.Contents {
			infos = append(infos, blob.Info{
				Key:      aws.ToString(o.Key),
				Size:     aws.ToInt64(o.Size),
				Modified: aws.ToTime(o.LastModified),
			})
		}
	}
	return infos, nil
}

// Move implements blob.Store: CopyObject from src to dst, which keeps the content type and
// replaces dst atomically, then DeleteObject of src. Objects over MaxCopySize are refused.
func (s *Store) Move(ctx context.Context, src, dst string) error {
	if err := checkKeys("move", src, dst); err != nil {
		return err
	}
	info, err := s.Stat(ctx, src)
	if err != nil || src == dst {
		return err
	}
	if info.Size > MaxCopySize {
		return fmt.Errorf("s3blob: move %q to %q: object of %d bytes is over the %d bytes a copy allows",
			src, dst, info.Size, MaxCopySize)
	}
	_, err = s.client.CopyObject(ctx, &s3.CopyObjectInput{
		Bucket:     &s.bucket,
		Key:        &dst,
		CopySource: aws.String(copySource(s.bucket, src)),
	})
	if err != nil {
		return fmt.Errorf("s3blob: move %q to %q: copy: %w", src, dst, mapNotFound(err))
	}
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &src}); err != nil {
		return fmt.Errorf("s3blob: move %q to %q: delete source: %w", src, dst, err)
	}
	return nil
}

// copySource is the URL-encoded "bucket/key" of CopyObject. Slashes stay as they are; "+" is
// escaped too, since some services decode the value as a query string.
func copySource(bucket, key string) string {
	segs := strings.Split(key, "/")
	for i, seg := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(seg), "+", "%2B")
	}
	return bucket + "/" + strings.Join(segs, "/")
}
