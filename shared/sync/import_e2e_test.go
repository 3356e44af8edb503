package sync_test

import (
	"testing"

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
