package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"unfbridge/shared/store"
)

// Partitions and sort keys of the records.
const (
	workPK         = "push-work"
	failedPK       = "push-failed"
	orderSK        = "order"
	paymentPrefix  = "payment#"
	idDigits       = 20
	maxUpdateTries = 5
)

// maxRecordSize bounds the record an event writes: the rest of an item's room is left for the
// snapshot the pusher adds.
const maxRecordSize = store.MaxItemSize * 2 / 3

// ErrTooLarge is an event whose document does not fit in the store. It wraps
// store.ErrItemTooLarge.
var ErrTooLarge = fmt.Errorf("push: the document is too large to keep: %w", store.ErrItemTooLarge)

func idSK(crmOrderID int64) string { return fmt.Sprintf("%0*d", idDigits, crmOrderID) }

func orderPK(crmOrderID int64) string { return "push#" + idSK(crmOrderID) }

func orderKey(crmOrderID int64) store.Key { return store.Key{PK: orderPK(crmOrderID), SK: orderSK} }

func paymentKey(crmOrderID int64, ref string) store.Key {
	return store.Key{PK: orderPK(crmOrderID), SK: paymentPrefix + ref}
}

func workKey(crmOrderID int64) store.Key { return store.Key{PK: workPK, SK: idSK(crmOrderID)} }

// get reads the record at k into v and returns its version; false when none is stored.
func (r *Repo) get(ctx context.Context, k store.Key, v any) (int64, bool, error) {
	it, err := r.st.Get(ctx, k)
	if errors.Is(err, store.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("push: read %s: %w", k, err)
	}
	if err := decode(it, v); err != nil {
		return 0, false, err
	}
	return it.Version, true, nil
}

func decode(it store.Item, v any) error {
	if err := json.Unmarshal(it.Data, v); err != nil {
		return fmt.Errorf("push: decode %s: %w", it.Key(), err)
	}
	return nil
}

// save returns the operation that stores v at k over the version read (0: none stored), failing
// when the record changed meanwhile.
func save(k store.Key, version int64, v any) (store.Op, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return store.Op{}, fmt.Errorf("push: encode %s: %w", k, err)
	}
	it := store.Item{PK: k.PK, SK: k.SK, Version: version + 1, Data: data}
	cond := store.IfVersion(version)
	if version == 0 {
		cond = store.IfNotExists()
	}
	return store.Put(it, cond), nil
}

// update applies fn to the record at k and stores it, reading it again when it changed
// meanwhile; fn must set only what the caller owns, as it may run on a newer record.
func update[T any](ctx context.Context, r *Repo, k store.Key, fn func(*T)) error {
	for range maxUpdateTries {
		var v T
		version, found, err := r.get(ctx, k, &v)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("push: update %s: %w", k, store.ErrNotFound)
		}
		fn(&v)
		op, err := save(k, version, v)
		if err != nil {
			return err
		}
		err = r.st.Put(ctx, op.Item, op.Cond)
		if !errors.Is(err, store.ErrConditionFailed) {
			return err
		}
	}
	return fmt.Errorf("push: update %s: still changing after %d tries: %w", k, maxUpdateTries, store.ErrConditionFailed)
}

// WorkPartition is the partition of the orders with work pending: a stream consumer listens to
// its changes to push at once.
const WorkPartition = workPK

// WorkOrderID returns the CRM order id of a work item's sort key.
func WorkOrderID(sk string) (int64, bool) {
	id, err := strconv.ParseInt(sk, 10, 64)
	return id, err == nil && id > 0 && len(sk) == idDigits
}
