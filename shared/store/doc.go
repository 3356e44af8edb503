package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// LoadJSON returns the JSON document stored in the item at k, decoded into a T, and the item's
// version; the zero T and version 0 when there is no item.
func LoadJSON[T any](ctx context.Context, st Store, k Key) (T, int64, error) {
	var v T
	it, err := st.Get(ctx, k)
	if errors.Is(err, ErrNotFound) {
		return v, 0, nil
	}
	if err != nil {
		return v, 0, fmt.Errorf("load %s/%s: %w", k.PK, k.SK, err)
	}
	if err := json.Unmarshal(it.Data, &v); err != nil {
		return v, 0, fmt.Errorf("decode %s/%s: %w", k.PK, k.SK, err)
	}
	return v, it.Version, nil
}

// UpdateJSON applies change to the JSON document at k (a zero T when there is none) and stores
// it under the version it was read at, reading again and retrying when another writer changed it
// meanwhile. It returns the document stored.
func UpdateJSON[T any](ctx context.Context, st Store, k Key, change func(*T)) (T, error) {
	for {
		v, version, err := LoadJSON[T](ctx, st, k)
		if err != nil {
			return v, err
		}
		change(&v)
		data, err := json.Marshal(v)
		if err != nil {
			return v, fmt.Errorf("encode %s/%s: %w", k.PK, k.SK, err)
		}
		cond := IfNotExists()
		if version > 0 {
			cond = IfVersion(version)
		}
		err = st.Put(ctx, Item{PK: k.PK, SK: k.SK, Version: version + 1, Data: data}, cond)
		if errors.Is(err, ErrConditionFailed) {
			continue
		}
		if err != nil {
			return v, fmt.Errorf("save %s/%s: %w", k.PK, k.SK, err)
		}
		return v, nil
	}
}
