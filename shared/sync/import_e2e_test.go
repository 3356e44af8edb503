package sync_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	gosync "sync"
	"testing"
	"time"

	"unfbridge/shared/onec/onecsim"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/runlog"
	"unfbridge/shared/sync"
	"unfbridge/shared/sync/importtest"
)

func TestDemoOrdersReach1C(t *testing.T) {
	b := importtest.New(t, importtest.Options{})
	runs := b.SyncAll(t)
	last := runs[len(runs)-1]
	t.Logf("run: %+v", last)
	rep := b.Pull(t)
	t.Logf("1C: %+v", rep)
	docs := b.Sim.Documents()
	if len(docs) == 0 || int64(len(docs)) != last.Counts[sync.CountQueued] {
		t.Fatalf("%d documents, run %+v", len(docs), last)
	}
	again := b.SyncAll(t)
	if q := again[len(again)-1].Counts[sync.CountQueued]; q != 0 {
		t.Fatalf("an unchanged history queued %d commands", q)
	}
}

// The end-to-end scenarios: scenarioOrders orders created and changed by CRM users in
// scenarioRounds rounds, each followed by the import and 1C's pull.
const (
	scenarioOrders = 2000
	scenarioRounds = 10
	scenarioSeed   = 1
)

// fastRetry retries often and briefly: under 30 % of 503s no call may run out of attempts
// (0.3^12 ≈ 5·10⁻⁷ per call), and the test does not sleep for nothing.
var fastRetry = retailcrm.RetryPolicy{MaxAttempts: 12, BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond}

// playSynced plays the scenario with a complete import and a pull after every round and at the
// end, checks 1C against the final orders and returns the scenario.
func playSynced(t *testing.T, b *importtest.Bridge) *scenario {
	sc := newScenario(t, b, scenarioSeed)
	start := time.Now()
	sync1C := func(int) {
		b.SyncAll(t)
		b.Pull(t)
	}
	sc.play(scenarioOrders, scenarioRounds, sync1C)
	sync1C(scenarioRounds)
	t.Logf("%d orders played and imported in %v; %s", len(sc.orders), time.Since(start).Round(time.Millisecond), check1C(t, b, sc))
	return sc
}

// TestScenario: 2,000 orders created and changed reach 1C exactly as the final orders say; the
// same scenario under 30 % of 503s gives the same 1C; the bridge's own changes queue nothing.
func TestScenario(t *testing.T) {
	t.Parallel()
	var clean, faulty map[int64]string
	t.Run("runs", func(t *testing.T) {
		t.Run("clean", func(t *testing.T) {
			t.Parallel()
			b := importtest.New(t, importtest.Options{Retry: fastRetry})
			sc := playSynced(t, b)
			clean = state1C(t, b.Sim)
			checkEcho(t, b, sc)
		})
		t.Run("503", func(t *testing.T) {
			t.Parallel()
			b := importtest.New(t, importtest.Options{Retry: fastRetry, Sandbox: sandbox.Options{Seed: 503}})
			b.Sandbox.SetFaults(sandbox.Faults{Unavailable: 0.3})
			playSynced(t, b)
			faulty = state1C(t, b.Sim)
			refused, requests := 0, b.Sandbox.Requests()
			for _, r := range requests {
				if r.Status == 503 {
					refused++
				}
			}
			t.Logf("%d of %d requests answered 503", refused, len(requests))
			if refused == 0 {
				t.Error("no 503 was injected")
			}
		})
	})
	if clean == nil || faulty == nil {
		return
	}
	differ := 0
	for _, id := range slices.Sorted(maps.Keys(clean)) {
		if faulty[id] != clean[id] {
			if differ++; differ <= 3 {
				t.Errorf("CRM order %d: 1C differs under 503s:\n clean %s\nfaulty %s", id, clean[id], faulty[id])
			}
		}
	}
	if differ > 0 || len(faulty) != len(clean) {
		t.Errorf("under 503s 1C holds %d documents (%d without), %d of them different", len(faulty), len(clean), differ)
	}
}

// checkEcho edits orders in RetailCRM with the bridge's own key, as the export of 1C's changes
// does: the next import reads no order and queues nothing.
func checkEcho(t *testing.T, b *importtest.Bridge, sc *scenario) {
	crm := b.CRM(t)
	edited := 0
	for _, o := range sc.live {
		if edited == 50 {
			break
		}
		if !o.everImported {
			continue
		}
		_, err := crm.EditOrder(t.Context(), retailcrm.ByID(int64(o.id), sandbox.DemoSite),
			retailcrm.Order{ManagerComment: fmt.Sprintf("Проведен в 1С (%d)", edited), Status: "complete"})
		if err != nil {
			t.Fatalf("edit order %d with the bridge's key: %v", o.id, err)
		}
		edited++
	}
	runs := b.SyncAll(t)
	run := runs[len(runs)-1]
	if run.Counts[sync.CountOwnRecords] < int64(edited) || run.Counts[sync.CountOrders] != 0 || run.Counts[sync.CountQueued] != 0 {
		t.Errorf("after %d edits with the bridge's key, the import %+v", edited, run)
	}
	if rep := b.Pull(t); rep.Pulled != 0 {
		t.Errorf("1C received %d commands after the bridge's own edits", rep.Pulled)
	}
}

// crashOrders is the number of orders of the crash scenario: fewer than in the others, each
// interrupted import reading again what the interrupted ones read.
const crashOrders = 600

// TestScenarioCrashes interrupts the import 100 times while the orders keep changing, by a
// cancelled context or a process killed between two store operations, with 1C applying
// commands without acking them and acking them twice; two imports are started at once now and
// then. After a clean final import and pull, 1C is what the final orders say.
func TestScenarioCrashes(t *testing.T) {
	t.Parallel()
	b := importtest.New(t, importtest.Options{Retry: fastRetry, RedeliverAfter: time.Millisecond,
		Faults: onecsim.Faults{Seed: 11, Unacked: 0.2, DoubleAck: 0.2}})
	sc := newScenario(t, b, scenarioSeed+1)
	dice := rand.New(rand.NewPCG(17, 18))
	// Every eleventh round starts two imports at once instead of interrupting one.
	const interruptions, pairs = 100, 10
	var cancelled, killed, busy int
	start := time.Now()
	sc.play(crashOrders, interruptions+pairs, func(round int) {
		if round%11 == 10 {
			busy += startTwoAtOnce(t, b)
			return
		}
		// Until an import is cut, one runs while users change orders and 1C pulls; the next
		// try cuts sooner.
		for try := 0; ; try++ {
			cut, byContext := interruptOnce(t, b, sc, dice, try)
			switch {
			case cut && byContext:
				cancelled++
			case cut:
				killed++
			default:
				continue
			}
			break
		}
	})
	b.SyncAll(t)
	drain(t, b)
	t.Logf("%d runs cut by the context, %d processes killed, %d imports refused as busy, in %v; 1C %+v; %s",
		cancelled, killed, busy, time.Since(start).Round(time.Millisecond), b.Sim.Stats(), check1C(t, b, sc))
	if cancelled+killed != interruptions {
		t.Errorf("%d imports cut, want %d", cancelled+killed, interruptions)
	}
	if busy == 0 {
		t.Error("no two imports ever overlapped: the lease was not tested")
	}
}

// drain lets 1C pull until the inbox is empty: a command 1C applied without acking it comes
// back once RedeliverAfter is over, and a pull that finds nothing due ends 1C's sync.
func drain(t *testing.T, b *importtest.Bridge) {
	for range 50 {
		b.Pull(t)
		n, err := b.Importer.Inbox.PendingCount(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("1C did not empty its inbox in 50 pulls")
}

// interruptOnce runs an import that is cut (its context cancelled after up to 150 ms, or its
// process killed after up to 200 store operations, both ranges halved at every try), while
// users change orders and, now and then, 1C pulls. It tells whether the import was cut, and how.
func interruptOnce(t *testing.T, b *importtest.Bridge, sc *scenario, dice *rand.Rand, try int) (cut, byContext bool) {
	var others gosync.WaitGroup
	if dice.IntN(3) == 0 {
		others.Go(func() {
			if _, err := b.Sim.Sync(t.Context()); err != nil {
				t.Errorf("1C sync: %v", err)
			}
		})
	}
	byContext = dice.IntN(2) == 0
	delay, ops := time.Duration(dice.IntN((150>>try)+1))*time.Millisecond, 1+dice.IntN((200>>try)+1)
	var err error
	others.Go(func() {
		if byContext {
			cut, err = interruptByContext(b, delay)
		} else {
			cut, err = interruptByKill(b, ops)
		}
	})
	sc.change(5)
	others.Wait()
	if err != nil {
		t.Fatal(err)
	}
	return cut, byContext
}

// interruptByContext runs an import whose context is cancelled after delay (a context without
// a deadline: the run cannot see the end coming and stop cleanly). It tells whether the run was
// cut; an error is a failure of the import for another reason.
func interruptByContext(b *importtest.Bridge, delay time.Duration) (bool, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer time.AfterFunc(delay, cancel).Stop()
	run, err := b.Importer.Sync(ctx, sync.TriggerSchedule)
	if err != nil && !errors.Is(err, context.Canceled) {
		return false, fmt.Errorf("import failed otherwise than by its cancelled context: %w", err)
	}
	return !run.Complete, nil
}

// interruptByKill runs an import in a process that dies after ops store operations; the lease
// it held lapses. It tells whether the process died; an error is a failure of the import for
// another reason.
func interruptByKill(b *importtest.Bridge, ops int) (bool, error) {
	st := importtest.NewCrashStore(b.Store, ops)
	_, err := b.ImporterOn(st).Sync(context.Background(), sync.TriggerSchedule)
	switch {
	case !st.Killed() && err != nil:
		return false, fmt.Errorf("import failed in a living process: %w", err)
	case err != nil && !errors.Is(err, importtest.ErrKilled):
		return true, fmt.Errorf("import failed otherwise than by its death: %w", err)
	case !st.Killed():
		return false, nil
	}
	return true, b.LapseLease(context.Background())
}

// startTwoAtOnce starts two imports of the orders changed since the last one at the same
// moment, in two processes: one imports, the other finds the lease taken. It returns the number
// of imports refused as busy (1 when they overlapped, 0 when one ended before the other began).
func startTwoAtOnce(t *testing.T, b *importtest.Bridge) int {
	importers := []*sync.Importer{b.Importer, b.ImporterOn(b.Store)}
	runs := make([]runlog.Run, len(importers))
	var wg gosync.WaitGroup
	gate := make(chan struct{})
	for i, im := range importers {
		wg.Go(func() {
			<-gate
			var err error
			if runs[i], err = im.Sync(t.Context(), sync.TriggerSchedule); err != nil {
				t.Errorf("import %d: %v", i, err)
			}
		})
	}
	close(gate)
	wg.Wait()
	logged, err := b.Importer.Runs.Latest(t.Context(), sync.FlowHistorySync, len(runs))
	if err != nil {
		t.Fatal(err)
	}
	var worked, refused []runlog.Run
	for _, r := range runs {
		if !slices.ContainsFunc(logged, func(l runlog.Run) bool { return l.ID == r.ID }) {
			t.Errorf("run %s is not in the run log", r.ID)
		}
		if _, ok := r.Counts[sync.CountCursorTo]; ok {
			worked = append(worked, r)
		} else {
			refused = append(refused, r)
		}
	}
	switch {
	case len(worked) == 1 && (refused[0].Complete || len(refused[0].Messages) != 1):
		t.Errorf("the import refused as busy does not say so: %+v", refused[0])
	case len(worked) == 1:
		return 1
	case len(worked) == 0:
		t.Errorf("neither of two imports started at once worked: %+v", runs)
	case worked[0].Start.Before(worked[1].End) && worked[1].Start.Before(worked[0].End):
		t.Errorf("two imports worked at the same time: %+v", worked)
	}
	return 0
}
