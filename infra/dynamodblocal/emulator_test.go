package dynamodblocal

import (
	"errors"
	"testing"
)

func TestLaunchWithoutJar(t *testing.T) {
	if _, err := launchFrom(t.TempDir()); !errors.Is(err, errNotInstalled) {
		t.Fatalf("got %v, want %v", err, errNotInstalled)
	}
}
