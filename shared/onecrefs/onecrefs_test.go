package onecrefs_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"unfbridge/infra/dynamodblocal"
	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
	"unfbridge/shared/onecrefs"
	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
	"unfbridge/shared/store/dynamostore"
)

func TestMain(m *testing.M) { dynamodblocal.Main(m) }

var msk = time.FixedZone("MSK", 3*3600)

// base is the occurredAt of the first sample snapshot.
var base = time.Date(2026, 11, 29, 10, 0, 0, 0, msk)

// TestContract runs every test of the repository against both store adapters.
func TestContract(t *testing.T) {
	adapters := []struct {
		name string
		open func(*testing.T) store.Store
	}{
		{"bolt", openBolt},
		{"dynamo", func(t *testing.T) store.Store { return dynamostore.New(dynamodblocal.NewTable(t)) }},
	}
	tests := []struct {
		name string
		run  func(*testing.T, store.Store)
	}{
		{"Empty", testEmpty},
		{"SaveAndReplace", testSaveAndReplace},
		{"Stale", testStale},
		{"ConflictingSaves", testConflictingSaves},
		{"ConcurrentSavers", testConcurrentSavers},
		{"TooLarge", testTooLarge},
	}
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, a.open(t))
				})
			}
		})
	}
}

func openBolt(t *testing.T) store.Store {
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// snapshot returns a sample snapshot that occurred at the given time.
func snapshot(occurredAt time.Time) onecrefs.Snapshot {
	return onecrefs.Snapshot{
		EventID:    onectest.GUID(),
		OccurredAt: occurredAt,
		ReceivedAt: time.Now().UTC().Truncate(time.Millisecond),
		Infobase:   onectest.Infobase,
		References: onectest.References(),
	}
}

// save stores snap as the latest snapshot and fails the test unless it is applied.
func save(t *testing.T, st store.Store, snap onecrefs.Snapshot) {
	t.Helper()
	ops, stale, err := onecrefs.New(st).SaveOps(t.Context(), snap)
	if err != nil || stale || len(ops) != 1 {
		t.Fatalf("SaveOps: %d ops, stale %v, %v", len(ops), stale, err)
	}
	if err := st.Write(t.Context(), ops); err != nil {
		t.Fatal(err)
	}
}

// wantLatest fails the test unless the latest snapshot is want.
func wantLatest(t *testing.T, st store.Store, want onecrefs.Snapshot) {
	t.Helper()
	got, ok, err := onecrefs.New(st).Latest(t.Context())
	if err != nil || !ok {
		t.Fatalf("Latest: %v %v", ok, err)
	}
	if got.EventID != want.EventID || !got.OccurredAt.Equal(want.OccurredAt) || !got.ReceivedAt.Equal(want.ReceivedAt) ||
		got.Infobase != want.Infobase || !reflect.DeepEqual(got.References, want.References) {
		t.Fatalf("Latest = %+v\nwant %+v", got, want)
	}
}

func testEmpty(t *testing.T, st store.Store) {
	if _, ok, err := onecrefs.New(st).Latest(t.Context()); ok || err != nil {
		t.Fatalf("Latest of an empty store: %v %v", ok, err)
	}
}

func testSaveAndReplace(t *testing.T, st store.Store) {
	first := snapshot(base)
	save(t, st, first)
	wantLatest(t, st, first)
	org, ok := first.References.Lookup(onec.KindOrganizations, onectest.Organization)
	if !ok {
		t.Fatal("sample organization missing")
	}

	second := snapshot(base.Add(time.Hour))
	second.References.Organizations = []onec.RefItem{org}
	save(t, st, second)
	wantLatest(t, st, second)
}

func testStale(t *testing.T, st store.Store) {
	repo := onecrefs.New(st)
	stored := snapshot(base)
	save(t, st, stored)

	ops, stale, err := repo.SaveOps(t.Context(), snapshot(base.Add(-time.Second)))
	if err != nil || !stale || ops != nil {
		t.Fatalf("older snapshot: %v ops, stale %v, %v", ops, stale, err)
	}
	wantLatest(t, st, stored)

	// Times compare as instants: 08:00 UTC is after 10:00 Moscow time.
	sameInstant := snapshot(base.UTC())
	save(t, st, sameInstant)
	wantLatest(t, st, sameInstant)
	later := snapshot(time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC))
	save(t, st, later)
	wantLatest(t, st, later)
}

// testConflictingSaves computes two saves from the same state: the second write fails, whether
// the item existed or not, so no update is lost silently.
func testConflictingSaves(t *testing.T, st store.Store) {
	repo := onecrefs.New(st)
	var winner onecrefs.Snapshot
	for round := range 2 {
		a, b := snapshot(base.Add(time.Duration(2*round)*time.Hour)), snapshot(base.Add(time.Duration(2*round+1)*time.Hour))
		opsA, _, errA := repo.SaveOps(t.Context(), a)
		opsB, _, errB := repo.SaveOps(t.Context(), b)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if err := st.Write(t.Context(), opsA); err != nil {
			t.Fatal(err)
		}
		err := st.Write(t.Context(), opsB)
		if _, ok := errors.AsType[*store.WriteConflict](err); !ok || !errors.Is(err, store.ErrConditionFailed) {
			t.Fatalf("round %d: conflicting save: %v", round, err)
		}
		wantLatest(t, st, a)
		winner = b
		save(t, st, winner)
	}
	wantLatest(t, st, winner)
}

// testConcurrentSavers has savers retry on conflicts until their snapshot is applied or stale:
// the newest snapshot ends up stored.
func testConcurrentSavers(t *testing.T, st store.Store) {
	repo := onecrefs.New(st)
	const savers = 8
	snaps := make([]onecrefs.Snapshot, savers)
	for i := range snaps {
		snaps[i] = snapshot(base.Add(time.Duration(rand.IntN(1000)) * time.Minute))
	}
	newest := snaps[0]
	for _, s := range snaps {
		if s.OccurredAt.After(newest.OccurredAt) {
			newest = s
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, savers)
	for i, snap := range snaps {
		wg.Go(func() {
			for {
				ops, stale, err := repo.SaveOps(t.Context(), snap)
				if err != nil || stale {
					errs[i] = err
					return
				}
				if err = st.Write(t.Context(), ops); !errors.Is(err, store.ErrConditionFailed) {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	got, _, err := repo.Latest(t.Context())
	if err != nil || !got.OccurredAt.Equal(newest.OccurredAt) {
		t.Fatalf("Latest occurred at %v (%v), want the newest %v", got.OccurredAt, err, newest.OccurredAt)
	}
}

func testTooLarge(t *testing.T, st store.Store) {
	snap := snapshot(base)
	rnd := rand.NewChaCha8([32]byte{1})
	noise := make([]byte, 64)
	for range 5000 {
		_, _ = rnd.Read(noise)
		snap.References.Users = append(snap.References.Users, onec.RefItem{
			Ref: onectest.GUID(), Name: fmt.Sprintf("Пользователь %x", noise),
		})
	}
	ops, _, err := onecrefs.New(st).SaveOps(t.Context(), snap)
	tooLarge, ok := errors.AsType[*onecrefs.TooLargeError](err)
	if !ok || !errors.Is(err, onecrefs.ErrTooLarge) || ops != nil {
		t.Fatalf("SaveOps of a large snapshot: %d ops, %v", len(ops), err)
	}
	if tooLarge.Limit != onecrefs.MaxCompressedSize || tooLarge.Size <= tooLarge.Limit {
		t.Fatalf("TooLargeError = %+v", tooLarge)
	}
	testEmpty(t, st)
}
