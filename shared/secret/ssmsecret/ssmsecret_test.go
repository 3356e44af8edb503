package ssmsecret_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"unfbridge/shared/secret"
	"unfbridge/shared/secret/secrettest"
	"unfbridge/shared/secret/ssmsecret"
	"unfbridge/shared/secret/ssmsecret/ssmfake"
)

const prefix = "/unfbridge/test/"

// startFake starts a fake, closed when the test ends.
func startFake(t *testing.T) *ssmfake.Server {
	t.Helper()
	f := ssmfake.New()
	t.Cleanup(f.Close)
	return f
}

func newStore(t *testing.T, client *ssm.Client, prefix string) *ssmsecret.Store {
	t.Helper()
	s, err := ssmsecret.New(client, prefix)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestContract(t *testing.T) {
	secrettest.Run(t, func(t *testing.T) secret.Store {
		return newStore(t, startFake(t).Client(), prefix)
	})
}

// TestParameter checks that a secret is the SecureString parameter prefix + name.
func TestParameter(t *testing.T) {
	f := startFake(t)
	if err := newStore(t, f.Client(), prefix).Put(t.Context(), secret.AdminToken, "tok"); err != nil {
		t.Fatal(err)
	}
	name := prefix + secret.AdminToken
	if v, ok := f.Value(name); !ok || v != "tok" {
		t.Fatalf("parameter %s = %q, %v; want %q", name, v, ok, "tok")
	}
	out, err := f.Client().GetParameter(t.Context(), &ssm.GetParameterInput{Name: &name})
	if err != nil || out.Parameter.Type != types.ParameterTypeSecureString {
		t.Fatalf("parameter %s: %+v, %v; want a SecureString", name, out, err)
	}
}

func TestPrefixesAreIndependent(t *testing.T) {
	f := startFake(t)
	a, b := newStore(t, f.Client(), "/a/"), newStore(t, f.Client(), "/b/")
	if err := a.Put(t.Context(), secret.OnecToken, "of a"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(t.Context(), secret.OnecToken); !errors.Is(err, secret.ErrNotFound) {
		t.Fatalf("get under another prefix: got error %v, want secret.ErrNotFound", err)
	}
}

func TestNewRejectsBadPrefix(t *testing.T) {
	client := ssm.New(ssm.Options{Region: ssmfake.Region}) // never called
	for _, p := range []string{"", "unfbridge/", "/unfbridge", "/unfbridge//prod/", "/unf bridge/", "/ключ/"} {
		if _, err := ssmsecret.New(client, p); err == nil {
			t.Errorf("New with prefix %q succeeded", p)
		}
	}
	if _, err := ssmsecret.New(nil, prefix); err == nil {
		t.Error("New without a client succeeded")
	}
}

// TestNewClient reaches the fake through NewClient, configured as a deployment is: credentials
// from the environment, region and endpoint from the options.
func TestNewClient(t *testing.T) {
	f := startFake(t)
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           "test",
		"AWS_SECRET_ACCESS_KEY":       "test",
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             none,
		"AWS_SHARED_CREDENTIALS_FILE": none,
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_SSM":        "",
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
	const region = "eu-west-3"
	client, err := ssmsecret.NewClient(t.Context(), ssmsecret.Options{Endpoint: f.URL(), Region: region})
	if err != nil {
		t.Fatal(err)
	}
	s := newStore(t, client, prefix)
	if err := s.Put(t.Context(), secret.CRMTriggerSecret, "via NewClient"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get(t.Context(), secret.CRMTriggerSecret); err != nil || v != "via NewClient" {
		t.Fatalf("get: %q, %v", v, err)
	}
	out, err := client.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String(prefix + secret.CRMTriggerSecret)})
	if err != nil || !strings.Contains(aws.ToString(out.Parameter.ARN), ":"+region+":") {
		t.Fatalf("parameter %+v, %v; want an ARN in %s", out, err, region)
	}
}
