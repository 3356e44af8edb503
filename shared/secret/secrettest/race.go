package secrettest

import (
	"fmt"
	"sync"
	"testing"

	"unfbridge/shared/secret"
)

// racers is how many goroutines use the store at once.
const racers = 32

// testConcurrent has racers goroutines write, then read, the secrets at once, several on each
// name: every read, and the final value of every name, is a value written to that name.
func testConcurrent(t *testing.T, s secret.Store) {
	type write struct{ name, value string }
	writes := make([]write, racers)
	valid := map[write]bool{}
	for i := range writes {
		name := secret.Names[i%len(secret.Names)]
		writes[i] = write{name, fmt.Sprintf("value %d of %s", i, name)}
		valid[writes[i]] = true
	}

	errs := make([]error, racers)
	var start, done sync.WaitGroup
	start.Add(1)
	for i, w := range writes {
		done.Go(func() {
			start.Wait()
			if err := s.Put(t.Context(), w.name, w.value); err != nil {
				errs[i] = fmt.Errorf("Put(%q): %w", w.name, err)
				return
			}
			got, err := s.Get(t.Context(), w.name)
			switch {
			case err != nil:
				errs[i] = fmt.Errorf("Get(%q): %w", w.name, err)
			case !valid[write{w.name, got}]:
				errs[i] = fmt.Errorf("Get(%q) = %q, a value never written to it", w.name, got)
			}
		})
	}
	start.Done()
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("racer %d: %v", i, err)
		}
	}

	for _, name := range secret.Names {
		got, err := s.Get(t.Context(), name)
		if err != nil || !valid[write{name, got}] {
			t.Errorf("after the race, Get(%q) = %q, %v; want a value written to it", name, got, err)
		}
	}
}
