package onec_test

import (
	"testing"

	"unfbridge/shared/onec"
)

func TestValidGUID(t *testing.T) {
	for s, want := range map[string]bool{
		"0f8fad5b-d9cb-469f-a165-70867728950e":  true,
		"0F8FAD5B-D9CB-469F-A165-70867728950E":  false,
		"00000000-0000-0000-0000-000000000000":  false,
		"0f8fad5b-d9cb-469f-a165-70867728950":   false,
		"0f8fad5b-d9cb-469f-a165-70867728950e0": false,
		"0f8fad5bd-9cb-469f-a165-70867728950e":  false,
		"0f8fad5b-d9cb-469f-a165-70867728950g":  false,
		"{0f8fad5b-d9cb-469f-a165-70867728950}": false,
		"":                                      false,
	} {
		if got := onec.ValidGUID(s); got != want {
			t.Errorf("ValidGUID(%q) = %v, want %v", s, got, want)
		}
	}
}
