package onecrefs

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
)

// encode returns the snapshot as gzip-compressed JSON.
func encode(snap Snapshot) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(snap); err != nil {
		return nil, fmt.Errorf("onecrefs: encode snapshot: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("onecrefs: compress snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// decode reads gzip-compressed JSON into v.
func decode(data []byte, v any) error {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("onecrefs: decompress snapshot: %w", err)
	}
	if err := json.NewDecoder(zr).Decode(v); err != nil {
		return fmt.Errorf("onecrefs: decode snapshot: %w", err)
	}
	return nil
}
