package storetest

import (
	"errors"
	"strconv"
	"sync"
	"testing"

	"unfbridge/shared/store"
)

// racers is how many goroutines race on one key.
const racers = 50

// race runs f in racers goroutines at once and returns their errors.
func race(f func(i int) error) []error {
	errs := make([]error, racers)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range racers {
		done.Go(func() {
			start.Wait()
			errs[i] = f(i)
		})
	}
	start.Done()
	done.Wait()
	return errs
}

func testRacePutIfNotExists(t *testing.T, s store.Store) {
	k := store.Key{PK: partition(t, ""), SK: "item"}
	errs := race(func(i int) error {
		return s.Put(t.Context(), store.Item{PK: k.PK, SK: k.SK, Version: 1, Data: []byte(strconv.Itoa(i))}, store.IfNotExists())
	})
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("racers %d and %d both created the item", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, store.ErrConditionFailed):
			t.Fatalf("racer %d: %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no racer created the item")
	}
	wantItem(t, s, store.Item{PK: k.PK, SK: k.SK, Version: 1, Data: []byte(strconv.Itoa(winner))})
}

// testRaceVersion has every racer increment a counter once with read, IfVersion put, retry on
// conflict: no increment may be lost.
func testRaceVersion(t *testing.T, s store.Store) {
	k := store.Key{PK: partition(t, ""), SK: "counter"}
	seed(t, s, store.Item{PK: k.PK, SK: k.SK, Version: 0, Data: []byte("0")})
	errs := race(func(int) error {
		for {
			cur, err := s.Get(t.Context(), k)
			if err != nil {
				return err
			}
			n, err := strconv.Atoi(string(cur.Data))
			if err != nil {
				return err
			}
			next := store.Item{PK: k.PK, SK: k.SK, Version: cur.Version + 1, Data: []byte(strconv.Itoa(n + 1))}
			err = s.Put(t.Context(), next, store.IfVersion(cur.Version))
			if !errors.Is(err, store.ErrConditionFailed) {
				return err
			}
		}
	})
	for i, err := range errs {
		noErr(t, err, "racer "+strconv.Itoa(i))
	}
	wantItem(t, s, store.Item{PK: k.PK, SK: k.SK, Version: racers, Data: []byte(strconv.Itoa(racers))})
}
