package retailcrm

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"

	"unfbridge/shared/retailcrm/fixtures"
)

// servedSet is the set of fixture files that test servers wrote to the client.
type servedSet struct {
	mu    sync.Mutex
	files map[string]bool
}

func (s *servedSet) add(file string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[file] = true
}

// missing returns the names of the files not served, sorted.
func (s *servedSet) missing(names []string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, n := range names {
		if !s.files[n] {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// fixturesServed records every fixture a reply handler answers with.
var fixturesServed = &servedSet{files: map[string]bool{}}

// TestMain runs the tests, then checks the acceptance point "the client decodes every file in
// ../shared/fixtures/retailcrm unchanged": every file of the folder must have been served to
// the client by some test (each of which asserts the decoded values). A Test function cannot
// make this check: nothing orders it after the tests that serve the fixtures (-shuffle, parallel
// tests). The check runs only after a complete, passing run: with -run, -skip or -list, or after
// a failure, the set of served files is incomplete.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && completeRun() {
		code = everyFixtureIsDecoded()
	}
	os.Exit(code)
}

// completeRun tells whether no flag left tests out.
func completeRun() bool {
	for _, name := range []string{"test.run", "test.skip", "test.list"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return true
}

// everyFixtureIsDecoded reports the fixture files no test served and returns the exit code.
func everyFixtureIsDecoded() int {
	dir, err := fixtures.Dir()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: every fixture is decoded:", err)
		return 1
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: every fixture is decoded:", err)
		return 1
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && e.Name() != "README.md" {
			names = append(names, e.Name())
		}
	}
	if missing := fixturesServed.missing(names); len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: no test serves these %d fixtures to the client:\n", len(missing))
		for _, n := range missing {
			fmt.Fprintln(os.Stderr, "\t"+n)
		}
		return 1
	}
	return 0
}
