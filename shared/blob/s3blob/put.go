package s3blob

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"unfbridge/shared/blob"
)

// abortTimeout bounds the abort of a failed multipart upload, which runs even when the caller's
// context is already cancelled.
const abortTimeout = 30 * time.Second

// Put implements blob.Store. A body smaller than one part is sent with PutObject; a larger one
// with a multipart upload, which is aborted on error and so never shows under the key.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, opts blob.PutOptions) error {
	if err := checkKeys("put", key); err != nil {
		return err
	}
	if err := s.put(ctx, key, r, cmp.Or(opts.ContentType, blob.DefaultContentType)); err != nil {
		return fmt.Errorf("s3blob: put %q: %w", key, err)
	}
	return nil
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, contentType string) error {
	buf := s.parts.Get().(*[]byte)
	n, last, err := readPart(ctx, r, *buf)
	if err == nil && !last {
		return s.putMultipart(ctx, key, r, buf, contentType)
	}
	defer s.parts.Put(buf)
	if err != nil {
		return err
	}
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        &s.bucket,
		Key:           &key,
		Body:          bytes.NewReader((*buf)[:n]),
		ContentLength: aws.Int64(int64(n)),
		ContentType:   &contentType,
	})
	return err
}

// readPart fills buf from r; last reports that r is exhausted.
func readPart(ctx context.Context, r io.Reader, buf []byte) (n int, last bool, err error) {
	if err := ctx.Err(); err != nil {
		return 0, false, err
	}
	n, err = io.ReadFull(r, buf)
	switch {
	case err == nil:
		return n, false, nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return n, true, nil
	}
	return n, false, fmt.Errorf("read body: %w", err)
}

// putMultipart uploads first, a full part buffer it takes over, then the rest of r as a multipart
// upload.
func (s *Store) putMultipart(ctx context.Context, key string, r io.Reader, first *[]byte, contentType string) (err error) {
	created, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket:            &s.bucket,
		Key:               &key,
		ContentType:       &contentType,
		ChecksumAlgorithm: s.checksum,
	})
	if err != nil {
		s.parts.Put(first)
		return fmt.Errorf("create multipart upload: %w", err)
	}
	defer func() {
		if err != nil {
			err = s.abort(ctx, key, created.UploadId, err)
		}
	}()

	m := &multipart{s: s, key: key, id: created.UploadId, slots: make(chan struct{}, s.concurrency)}
	m.ctx, m.cancel = context.WithCancelCause(ctx)
	defer m.cancel(nil)
	m.run(r, first)
	m.wg.Wait()
	if err := context.Cause(m.ctx); err != nil {
		return err
	}
	slices.SortFunc(m.parts, func(a, b types.CompletedPart) int {
		return cmp.Compare(*a.PartNumber, *b.PartNumber)
	})
	_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          &s.bucket,
		Key:             &key,
		UploadId:        created.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: m.parts},
	})
	if err != nil {
		return fmt.Errorf("complete multipart upload: %w", err)
	}
	return nil
}

// abort aborts the multipart upload id after err, and returns err joined with any abort error.
func (s *Store) abort(ctx context.Context, key string, id *string, err error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	_, aerr := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket:   &s.bucket,
		Key:      &key,
		UploadId: id,
	})
	if aerr != nil {
		return errors.Join(err, fmt.Errorf("abort multipart upload: %w", aerr))
	}
	return err
}

// multipart uploads the parts of one multipart upload. Each part buffer takes a slot while it is
// filled and uploaded, so one upload holds at most cap(slots) buffers. The first error cancels
// ctx and is its cause.
type multipart struct {
	s      *Store
	key    string
	id     *string
	slots  chan struct{}
	ctx    context.Context
	cancel context.CancelCauseFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	parts  []types.CompletedPart
}

// run sends buf, a full part, then reads and sends the rest of r part by part until r ends or
// the upload fails.
func (m *multipart) run(r io.Reader, buf *[]byte) {
	m.slots <- struct{}{}
	n, last := len(*buf), false
	for num := int32(1); ; num++ {
		m.send(num, buf, n)
		if last {
			return
		}
		select {
		case m.slots <- struct{}{}:
		case <-m.ctx.Done():
			return
		}
		buf = m.s.parts.Get().(*[]byte)
		var err error
		n, last, err = readPart(m.ctx, r, *buf)
		if err == nil && n > 0 && num == maxParts {
			err = fmt.Errorf("body larger than %d parts of %d bytes", maxParts, m.s.partSize)
		}
		if err != nil || n == 0 {
			m.release(buf)
			if err != nil {
				m.cancel(err)
			}
			return
		}
	}
}

// send uploads buf[:n] as part num in the background, then releases the buffer.
func (m *multipart) send(num int32, buf *[]byte, n int) {
	m.wg.Go(func() {
		defer m.release(buf)
		out, err := m.s.client.UploadPart(m.ctx, &s3.UploadPartInput{
			Bucket:            &m.s.bucket,
			Key:               &m.key,
			UploadId:          m.id,
			PartNumber:        aws.Int32(num),
			Body:              bytes.NewReader((*buf)[:n]),
			ContentLength:     aws.Int64(int64(n)),
			ChecksumAlgorithm: m.s.checksum,
		})
		if err != nil {
			m.cancel(fmt.Errorf("upload part %d: %w", num, err))
			return
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		m.parts = append(m.parts, types.CompletedPart{
			PartNumber:    aws.Int32(num),
			ETag:          out.ETag,
			ChecksumCRC32: out.ChecksumCRC32,
		})
	})
}

// release returns a part buffer to the pool and frees its slot.
func (m *multipart) release(buf *[]byte) {
	m.s.parts.Put(buf)
	<-m.slots
}
