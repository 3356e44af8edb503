// Package blobtest is the contract suite of the blob port. Every adapter's tests run it, so that
// all adapters behave alike; the adapters' benchmarks use BenchmarkPut to measure the memory of a
// streaming Put.
package blobtest

import (
	"testing"

	"unfbridge/shared/blob"
)

// Run runs the contract suite against stores made by newStore, which must return a fresh, empty
// store for each call. Subtests run in parallel.
func Run(t *testing.T, newStore func(t *testing.T) blob.Store) {
	tests := []struct {
		name string
		run  func(*testing.T, blob.Store)
	}{
		{"PutGetStat", testPutGetStat},
		{"ContentType", testContentType},
		{"EmptyBody", testEmptyBody},
		{"NotFound", testNotFound},
		{"Delete", testDelete},
		{"List", testList},
		{"UnusualKeys", testUnusualKeys},
		{"InvalidKeys", testInvalidKeys},
		{"LargeBody", testLargeBody},
		{"FailingReader", testFailingReader},
		{"CancelledContext", testCancelledContext},
		{"CancelMidway", testCancelMidway},
		{"Move", testMove},
		{"Publish", testPublish},
		{"PublishCleansUp", testPublishCleansUp},
		{"AtomicPublish", testAtomicPublish},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newStore(t))
		})
	}
}
