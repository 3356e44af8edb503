package ssmfake_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"

	"unfbridge/shared/secret/ssmsecret/ssmfake"
)

// start starts a fake, closed when the test ends, and returns it with a client for it.
func start(t *testing.T) (*ssmfake.Server, *ssm.Client) {
	t.Helper()
	s := ssmfake.New()
	t.Cleanup(s.Close)
	return s, s.Client()
}

// put calls PutParameter and returns its output or the error.
func put(t *testing.T, c *ssm.Client, name, value string, typ types.ParameterType, overwrite bool, tier types.ParameterTier) (*ssm.PutParameterOutput, error) {
	t.Helper()
	return c.PutParameter(t.Context(), &ssm.PutParameterInput{
		Name: &name, Value: &value, Type: typ, Overwrite: aws.Bool(overwrite), Tier: tier,
	})
}

// get calls GetParameter and returns the parameter or the error.
func get(t *testing.T, c *ssm.Client, name string, decrypt bool) (*types.Parameter, error) {
	t.Helper()
	out, err := c.GetParameter(t.Context(), &ssm.GetParameterInput{Name: &name, WithDecryption: aws.Bool(decrypt)})
	if err != nil {
		return nil, err
	}
	return out.Parameter, nil
}

// wantCode checks that err is a service error with the code.
func wantCode(t *testing.T, err error, code, what string) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != code {
		t.Fatalf("%s: got error %v, want %s", what, err, code)
	}
}

func TestListensOnLoopback(t *testing.T) {
	s, _ := start(t)
	u, err := url.Parse(s.URL())
	if err != nil || u.Hostname() != "127.0.0.1" {
		t.Fatalf("URL %q (%v) is not on 127.0.0.1", s.URL(), err)
	}
}

func TestPutGetDelete(t *testing.T) {
	s, c := start(t)
	name := "/app/prod/key"
	before := time.Now().Add(-time.Second)
	out, err := put(t, c, name, "v1", types.ParameterTypeString, false, "")
	if err != nil || out.Version != 1 || out.Tier != types.ParameterTierStandard {
		t.Fatalf("create: %+v, %v; want version 1, Standard", out, err)
	}
	p, err := get(t, c, name, false)
	if err != nil {
		t.Fatal(err)
	}
	wantARN := "arn:aws:ssm:" + ssmfake.Region + ":123456789012:parameter" + name
	if aws.ToString(p.Name) != name || aws.ToString(p.Value) != "v1" || p.Type != types.ParameterTypeString ||
		p.Version != 1 || aws.ToString(p.ARN) != wantARN || aws.ToString(p.DataType) != "text" ||
		p.LastModifiedDate == nil || p.LastModifiedDate.Before(before) {
		t.Fatalf("get: %+v", p)
	}

	out, err = put(t, c, name, "v2", "", true, "")
	if err != nil || out.Version != 2 {
		t.Fatalf("overwrite: %+v, %v; want version 2", out, err)
	}
	if p, err := get(t, c, name, false); err != nil || aws.ToString(p.Value) != "v2" || p.Type != types.ParameterTypeString {
		t.Fatalf("get after overwrite: %+v, %v", p, err)
	}
	if v, ok := s.Value(name); !ok || v != "v2" {
		t.Fatalf("Value = %q, %v", v, ok)
	}

	if _, err := c.DeleteParameter(t.Context(), &ssm.DeleteParameterInput{Name: &name}); err != nil {
		t.Fatal(err)
	}
	var notFound *types.ParameterNotFound
	if _, err := get(t, c, name, true); !errors.As(err, &notFound) {
		t.Fatalf("get after delete: got error %v, want ParameterNotFound", err)
	}
	if _, err := c.DeleteParameter(t.Context(), &ssm.DeleteParameterInput{Name: &name}); !errors.As(err, &notFound) {
		t.Fatalf("delete of a missing parameter: got error %v, want ParameterNotFound", err)
	}
	if _, ok := s.Value(name); ok {
		t.Fatal("Value of a deleted parameter exists")
	}
}

func TestAlreadyExists(t *testing.T) {
	_, c := start(t)
	if _, err := put(t, c, "plain", "a", types.ParameterTypeStringList, false, ""); err != nil {
		t.Fatal(err)
	}
	_, err := put(t, c, "plain", "b", types.ParameterTypeStringList, false, "")
	var exists *types.ParameterAlreadyExists
	if !errors.As(err, &exists) {
		t.Fatalf("second create: got error %v, want ParameterAlreadyExists", err)
	}
	if p, err := get(t, c, "plain", false); err != nil || aws.ToString(p.Value) != "a" {
		t.Fatalf("after a refused create: %+v, %v; want the first value", p, err)
	}
}

// TestSecureString checks that a SecureString shows its value only when decrypted.
func TestSecureString(t *testing.T) {
	s, c := start(t)
	name, value := "/s/token", "clear-text-value"
	if _, err := put(t, c, name, value, types.ParameterTypeSecureString, false, ""); err != nil {
		t.Fatal(err)
	}
	p, err := get(t, c, name, false)
	if err != nil || p.Type != types.ParameterTypeSecureString || aws.ToString(p.Value) == "" ||
		strings.Contains(aws.ToString(p.Value), value) {
		t.Fatalf("get without decryption: %+v, %v; want an opaque value", p, err)
	}
	if p, err := get(t, c, name, true); err != nil || aws.ToString(p.Value) != value {
		t.Fatalf("get with decryption: %+v, %v; want %q", p, err, value)
	}
	if v, _ := s.Value(name); v != value {
		t.Fatalf("Value = %q, want %q", v, value)
	}
}

// TestValueLimits checks the size limits of the tiers, in UTF-8 bytes.
func TestValueLimits(t *testing.T) {
	_, c := start(t)
	cases := []struct {
		name     string
		value    string
		tier     types.ParameterTier
		wantTier types.ParameterTier // empty when the put fails
	}{
		{"standard max", strings.Repeat("v", 4096), "", types.ParameterTierStandard},
		{"standard over", strings.Repeat("v", 4097), types.ParameterTierStandard, ""},
		{"standard over in bytes", strings.Repeat("я", 2049), "", ""},
		{"advanced max", strings.Repeat("v", 8192), types.ParameterTierAdvanced, types.ParameterTierAdvanced},
		{"advanced over", strings.Repeat("v", 8193), types.ParameterTierAdvanced, ""},
		{"intelligent small", "v", types.ParameterTierIntelligentTiering, types.ParameterTierStandard},
		{"intelligent large", strings.Repeat("v", 5000), types.ParameterTierIntelligentTiering, types.ParameterTierAdvanced},
		{"empty", "", "", ""},
	}
	for _, tc := range cases {
		name := "/limits/" + strings.ReplaceAll(tc.name, " ", "-")
		out, err := put(t, c, name, tc.value, types.ParameterTypeSecureString, false, tc.tier)
		switch {
		case tc.wantTier == "":
			wantCode(t, err, "ValidationException", tc.name)
			if strings.Contains(err.Error(), tc.value) && tc.value != "" {
				t.Fatalf("%s: the error quotes the value", tc.name)
			}
		case err != nil || out.Tier != tc.wantTier:
			t.Fatalf("%s: %+v, %v; want tier %s", tc.name, out, err, tc.wantTier)
		}
	}

	// An Advanced parameter stays Advanced when overwritten without a tier.
	if _, err := put(t, c, "/limits/advanced-max", strings.Repeat("w", 8000), "", true, ""); err != nil {
		t.Fatalf("overwrite of an Advanced parameter: %v", err)
	}
}

func TestInvalidRequests(t *testing.T) {
	_, c := start(t)
	_, err := put(t, c, "/new", "v", "", false, "")
	wantCode(t, err, "ValidationException", "create without a type")
	_, err = put(t, c, "/new", "v", "Binary", false, "")
	wantCode(t, err, "ValidationException", "unknown type")
	_, err = put(t, c, "/new", "v", types.ParameterTypeString, false, "Premium")
	wantCode(t, err, "ValidationException", "unknown tier")

	for what, name := range map[string]string{
		"path without leading slash": "a/b",
		"trailing slash":             "/a/",
		"empty path part":            "/a//b",
		"space":                      "/a b",
		"non-ASCII":                  "/ключ",
		"selector":                   "/a:1",
		"too long":                   "/" + strings.Repeat("n", 2048),
	} {
		_, err := put(t, c, name, "v", types.ParameterTypeString, false, "")
		wantCode(t, err, "ValidationException", "put, "+what)
		_, err = get(t, c, name, true)
		wantCode(t, err, "ValidationException", "get, "+what)
	}
	for _, name := range []string{"/aws/x", "AWS-x", "/SSM/x", "ssmkey"} {
		_, err := put(t, c, name, "v", types.ParameterTypeString, false, "")
		wantCode(t, err, "ValidationException", "reserved name "+name)
	}
	if _, err := put(t, c, "/"+strings.Repeat("n", 2047), "v", types.ParameterTypeString, false, ""); err != nil {
		t.Fatalf("name of 2048 characters: %v", err)
	}

	deep := strings.Repeat("/l", 15)
	if _, err := put(t, c, deep, "v", types.ParameterTypeString, false, ""); err != nil {
		t.Fatalf("15 levels: %v", err)
	}
	_, err = put(t, c, deep+"/l", "v", types.ParameterTypeString, false, "")
	var tooDeep *types.HierarchyLevelLimitExceededException
	if !errors.As(err, &tooDeep) {
		t.Fatalf("16 levels: got error %v, want HierarchyLevelLimitExceededException", err)
	}
}

func TestUnknownOperation(t *testing.T) {
	_, c := start(t)
	_, err := c.DescribeParameters(t.Context(), &ssm.DescribeParametersInput{})
	wantCode(t, err, "UnknownOperationException", "DescribeParameters")
}

func TestRejectsUnsigned(t *testing.T) {
	s, _ := start(t)
	anonymous := ssm.New(ssm.Options{Region: ssmfake.Region, BaseEndpoint: aws.String(s.URL()), Credentials: aws.AnonymousCredentials{}})
	_, err := anonymous.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String("/x")})
	wantCode(t, err, "MissingAuthenticationTokenException", "unsigned request")
}
