package config

import (
	"strings"
	"testing"
	"time"
)

type sample struct {
	Store
	Timeout time.Duration `env:"TIMEOUT" default:"30s"`
	Debug   bool          `env:"DEBUG"`
	Workers int           `env:"WORKERS" default:"4"`
}

func lookupFrom(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadReadsValuesAndDefaults(t *testing.T) {
	var c sample
	err := Load(&c, lookupFrom(map[string]string{
		"TABLE_NAME": "bridge", "DYNAMODB_ENDPOINT": "", "DEBUG": "true", "WORKERS": "8",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.TableName != "bridge" || c.DynamoDBEndpoint != "" || !c.Debug || c.Workers != 8 || c.Timeout != 30*time.Second {
		t.Fatalf("loaded %+v", c)
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	var c sample
	err := Load(&c, lookupFrom(map[string]string{"DEBUG": "maybe", "TIMEOUT": "soon"}))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"TABLE_NAME is required", "DEBUG", "TIMEOUT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestVarsListsEmbeddedFields(t *testing.T) {
	got := map[string]bool{}
	for _, v := range Vars(CRMPush{}) {
		got[v.Name] = v.Required
	}
	want := map[string]bool{"TABLE_NAME": true, "DYNAMODB_ENDPOINT": false, "LOG_LEVEL": false,
		"SECRETS_PREFIX": true, "SSM_ENDPOINT": false, "RETAILCRM_RATE": false}
	if len(got) != len(want) {
		t.Fatalf("vars %v, want %v", got, want)
	}
	for k, req := range want {
		if r, ok := got[k]; !ok || r != req {
			t.Errorf("var %s: got required=%v present=%v", k, r, ok)
		}
	}
}
