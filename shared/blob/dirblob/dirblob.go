// Package dirblob implements the blob port on a local folder, for local runs: the object at key
// "a/b.xml" is the file <root>/a/b.xml, so the folder can be served over HTTP as it is.
//
// The adapter keeps its own files in <root>/.blob: the temporary files of Puts in progress and,
// for each object whose content type is not blob.DefaultContentType, a sidecar file holding it.
// Keys under ".blob" are therefore rejected. Unlike in S3, a key cannot name both an object and a
// folder of objects ("a" and "a/b"); the second Put fails.
//
// Puts and Moves are atomic for readers (a rename commits them). A reader sees a body together
// with its own content type as long as the folder is used through one Store in one process.
package dirblob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"unfbridge/shared/blob"
)

const (
	stateDir = ".blob"
	tmpDir   = stateDir + "/tmp"
	metaDir  = stateDir + "/meta"
)

// Store is a blob.Store on a local folder. It is safe for concurrent use.
type Store struct {
	root *os.Root
	// mu orders commits (the renames of bodies and sidecars) against the reads of a body and its
	// content type, so that a reader never pairs a body with another object's content type.
	mu sync.RWMutex
}

var _ blob.Store = (*Store)(nil)

// New opens the folder dir as a Store, creating it if needed. Close releases it.
func New(dir string) (*Store, error) {
	for _, d := range []string{tmpDir, metaDir} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			return nil, fmt.Errorf("dirblob: create %s: %w", d, err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("dirblob: open %s: %w", dir, err)
	}
	return &Store{root: root}, nil
}

// Close releases the folder.
func (s *Store) Close() error {
	return s.root.Close()
}

// checkKey applies blob.ValidateKey and rejects the keys of the adapter's own files.
func checkKey(key string) error {
	if err := blob.ValidateKey(key); err != nil {
		return err
	}
	if key == stateDir || strings.HasPrefix(key, stateDir+"/") {
		return fmt.Errorf("%w %q: %s is reserved by dirblob", blob.ErrInvalidKey, key, stateDir)
	}
	return nil
}

// begin checks the keys and the context of operation op.
func begin(ctx context.Context, op string, keys ...string) error {
	for _, k := range keys {
		if err := checkKey(k); err != nil {
			return fmt.Errorf("dirblob: %s: %w", op, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("dirblob: %s: %w", op, err)
	}
	return nil
}

// filePath is the path of key's body relative to the root.
func filePath(key string) string {
	return filepath.FromSlash(key)
}

// metaPath is the path of key's content type sidecar relative to the root.
func metaPath(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(filepath.FromSlash(metaDir), hex.EncodeToString(sum[:]))
}

// found maps the result of opening or statting a body: a missing file, or a folder, is
// blob.ErrNotFound.
func found(fi fs.FileInfo, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return blob.ErrNotFound
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return blob.ErrNotFound
	}
	return nil
}

// info describes key's body fi. s.mu must be held.
func (s *Store) info(key string, fi fs.FileInfo) (blob.Info, error) {
	contentType := blob.DefaultContentType
	data, err := s.root.ReadFile(metaPath(key))
	switch {
	case err == nil:
		contentType = string(data)
	case !errors.Is(err, fs.ErrNotExist):
		return blob.Info{}, fmt.Errorf("read content type: %w", err)
	}
	return blob.Info{Key: key, Size: fi.Size(), ContentType: contentType, Modified: fi.ModTime()}, nil
}

// setMeta makes the sidecar file tmp the content type of key, or removes key's sidecar when tmp
// is empty (the default content type). s.mu must be held.
func (s *Store) setMeta(key, tmp string) error {
	if tmp == "" {
		if err := s.root.Remove(metaPath(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove content type: %w", err)
		}
		return nil
	}
	if err := s.root.Rename(tmp, metaPath(key)); err != nil {
		return fmt.Errorf("save content type: %w", err)
	}
	return nil
}

// prune removes the folders above key that are left empty, so that they neither pile up nor
// block a later object of the same name. It is best effort: it stops at the first folder that
// cannot be removed, normally because it is not empty. s.mu must be held.
func (s *Store) prune(key string) {
	for dir := path.Dir(key); dir != "."; dir = path.Dir(dir) {
		if s.root.Remove(filePath(dir)) != nil {
			return
		}
	}
}
