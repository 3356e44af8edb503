package dirblob

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"unfbridge/shared/blob"
)

// copyBufferSize is the size of the one buffer a Put copies its body through.
const copyBufferSize = 256 << 10

// Put implements blob.Store: the body goes to a synced temporary file under .blob/tmp, which is
// then renamed to the key.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, opts blob.PutOptions) error {
	if err := begin(ctx, "put", key); err != nil {
		return err
	}
	if err := s.put(ctx, key, r, cmp.Or(opts.ContentType, blob.DefaultContentType)); err != nil {
		return fmt.Errorf("dirblob: put %q: %w", key, err)
	}
	return nil
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, contentType string) error {
	body, err := s.writeTemp(func(w io.Writer) error {
		_, err := io.CopyBuffer(writerOnly{w}, ctxReader{ctx, r}, make([]byte, copyBufferSize))
		return err
	})
	if err != nil {
		return err
	}
	defer s.root.Remove(body) // fails harmlessly once renamed
	var meta string
	if contentType != blob.DefaultContentType {
		meta, err = s.writeTemp(func(w io.Writer) error {
			_, err := io.WriteString(w, contentType)
			return err
		})
		if err != nil {
			return err
		}
		defer s.root.Remove(meta) // fails harmlessly once renamed
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.root.MkdirAll(filepath.Dir(filePath(key)), 0o755); err != nil {
		return fmt.Errorf("create folder: %w", err)
	}
	if err := s.root.Rename(body, filePath(key)); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return s.setMeta(key, meta)
}

// writeTemp creates a temporary file under .blob/tmp, fills it with fill, syncs it and returns
// its path relative to the root. On error the file is removed.
func (s *Store) writeTemp(fill func(io.Writer) error) (name string, err error) {
	name = filepath.Join(filepath.FromSlash(tmpDir), strings.ToLower(rand.Text()))
	f, err := s.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", fmt.Errorf("create temporary file: %w", err)
	}
	if err = fill(f); err != nil {
		err = fmt.Errorf("write temporary file: %w", err)
	} else if err = f.Sync(); err != nil {
		err = fmt.Errorf("sync temporary file: %w", err)
	}
	if cerr := f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close temporary file: %w", cerr)
	}
	if err != nil {
		s.root.Remove(name) // best effort: the write error is what matters
		return "", err
	}
	return name, nil
}

// writerOnly hides the io.ReaderFrom of a file so that io.CopyBuffer uses the given buffer.
type writerOnly struct{ io.Writer }

// ctxReader fails its reads once ctx is done, so a long copy stops on cancellation.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
