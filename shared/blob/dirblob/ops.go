package dirblob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"unfbridge/shared/blob"
)

// Get implements blob.Store.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, blob.Info, error) {
	if err := begin(ctx, "get", key); err != nil {
		return nil, blob.Info{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, err := s.root.Open(filePath(key))
	if err != nil {
		return nil, blob.Info{}, fmt.Errorf("dirblob: get %q: %w", key, found(nil, err))
	}
	fi, err := f.Stat()
	if err = found(fi, err); err == nil {
		var info blob.Info
		if info, err = s.info(key, fi); err == nil {
			return f, info, nil
		}
	}
	f.Close() // read-only: a close error changes nothing
	return nil, blob.Info{}, fmt.Errorf("dirblob: get %q: %w", key, err)
}

// Stat implements blob.Store.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	if err := begin(ctx, "stat", key); err != nil {
		return blob.Info{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	fi, err := s.root.Stat(filePath(key))
	if err = found(fi, err); err != nil {
		return blob.Info{}, fmt.Errorf("dirblob: stat %q: %w", key, err)
	}
	info, err := s.info(key, fi)
	if err != nil {
		return blob.Info{}, fmt.Errorf("dirblob: stat %q: %w", key, err)
	}
	return info, nil
}

// Delete implements blob.Store. Folders left empty are removed.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := begin(ctx, "delete", key); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fi, err := s.root.Lstat(filePath(key))
	if err = found(fi, err); errors.Is(err, blob.ErrNotFound) {
		return nil
	}
	if err == nil {
		err = s.root.Remove(filePath(key))
	}
	if err == nil {
		err = s.setMeta(key, "")
	}
	if err != nil {
		return fmt.Errorf("dirblob: delete %q: %w", key, err)
	}
	s.prune(key)
	return nil
}

// Move implements blob.Store with a rename. Folders left empty are removed.
func (s *Store) Move(ctx context.Context, src, dst string) error {
	if err := begin(ctx, "move", src, dst); err != nil {
		return err
	}
	if src == dst {
		_, err := s.Stat(ctx, src)
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.move(src, dst); err != nil {
		return fmt.Errorf("dirblob: move %q to %q: %w", src, dst, err)
	}
	s.prune(src)
	return nil
}

// move renames src's body and sidecar to dst. s.mu must be held.
func (s *Store) move(src, dst string) error {
	fi, err := s.root.Lstat(filePath(src))
	if err = found(fi, err); err != nil {
		return err
	}
	if err := s.root.MkdirAll(filepath.Dir(filePath(dst)), 0o755); err != nil {
		return fmt.Errorf("create folder: %w", err)
	}
	if err := s.root.Rename(filePath(src), filePath(dst)); err != nil {
		return err
	}
	meta := metaPath(src)
	if _, err := s.root.Stat(meta); errors.Is(err, fs.ErrNotExist) {
		meta = ""
	} else if err != nil {
		return fmt.Errorf("read content type: %w", err)
	}
	return s.setMeta(dst, meta)
}

// List implements blob.Store. It walks the folders under prefix, skipping the adapter's own
// files. As with S3 listings, the content type is left empty.
func (s *Store) List(ctx context.Context, prefix string) ([]blob.Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("dirblob: list %q: %w", prefix, err)
	}
	dir := "."
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		dir = prefix[:i]
	}
	if dir != "." && checkKey(dir) != nil {
		return nil, nil // no valid key lies under such a prefix
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var infos []blob.Info
	err := fs.WalkDir(s.root.FS(), dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return skipMissing(err)
		case d.IsDir() && p == stateDir:
			return fs.SkipDir
		case !d.Type().IsRegular() || !strings.HasPrefix(p, prefix) || checkKey(p) != nil:
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return skipMissing(err)
		}
		infos = append(infos, blob.Info{Key: p, Size: fi.Size(), Modified: fi.ModTime()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dirblob: list %q: %w", prefix, err)
	}
	slices.SortFunc(infos, func(a, b blob.Info) int { return strings.Compare(a.Key, b.Key) })
	return infos, nil
}

// skipMissing ignores a walk error about a path that does not exist or is not a folder.
func skipMissing(err error) error {
	if errors.Is(found(nil, err), blob.ErrNotFound) {
		return nil
	}
	return err
}
