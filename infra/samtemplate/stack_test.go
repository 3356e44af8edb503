package samtemplate_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/global"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"

	"unfbridge/infra/samtemplate"
	"unfbridge/shared/config"
	stagingpkg "unfbridge/shared/staging"
)

const root = "../.."

func loadStack(t *testing.T) *cloudformation.Template {
	t.Helper()
	tmpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func globalFunction(t *testing.T, tmpl *cloudformation.Template) *global.Function {
	t.Helper()
	g, ok := tmpl.Globals["Function"].(*global.Function)
	if !ok {
		t.Fatal("template.yaml has no Globals.Function")
	}
	return g
}

// TestEveryFunctionIsBuildableAndConfigured checks each AWS::Serverless::Function: its CodeUri is a
// folder under functions/ holding a main package, it runs on provided.al2023 on arm64 with the
// bootstrap handler, and every environment variable its configuration reads is defined.
func TestEveryFunctionIsBuildableAndConfigured(t *testing.T) {
	tmpl := loadStack(t)
	g := globalFunction(t, tmpl)
	fns := tmpl.GetAllServerlessFunctionResources()
	seen := map[string]bool{}
	for name, fn := range fns {
		t.Run(name, func(t *testing.T) {
			if fn.CodeUri == nil || fn.CodeUri.String == nil {
				t.Fatal("CodeUri is not a folder")
			}
			dir := *fn.CodeUri.String
			function, ok := strings.CutPrefix(filepath.ToSlash(filepath.Clean(dir)), "functions/")
			if !ok || strings.Contains(function, "/") {
				t.Fatalf("CodeUri %q is not a folder functions/<name>", dir)
			}
			seen[function] = true
			assertMainPackage(t, filepath.Join(root, dir))

			if got := pick(fn.Runtime, g.Runtime); got != "provided.al2023" {
				t.Errorf("runtime %q, want provided.al2023", got)
			}
			if got := pick(fn.Handler, g.Handler); got != "bootstrap" {
				t.Errorf("handler %q, want bootstrap", got)
			}
			arch := fn.Architectures
			if len(arch) == 0 && g.Architectures != nil {
				arch = *g.Architectures
			}
			if !slices.Equal(arch, []string{"arm64"}) {
				t.Errorf("architectures %v, want [arm64]", arch)
			}

			cfg, ok := config.Functions[function]
			if !ok {
				t.Fatalf("config.Functions has no configuration for %s", function)
			}
			defined := map[string]bool{}
			for _, env := range []*serverless.Function_FunctionEnvironment{g.Environment, fn.Environment} {
				if env != nil {
					for k := range env.Variables {
						defined[k] = true
					}
				}
			}
			for _, v := range config.Vars(cfg) {
				if !defined[v.Name] {
					t.Errorf("%s reads %s, which the template does not define", function, v.Name)
				}
			}
		})
	}
	dirs, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if d.IsDir() && !seen[d.Name()] {
			t.Errorf("functions/%s is not in template.yaml", d.Name())
		}
	}
}

func pick(own, global *string) string {
	if own != nil {
		return *own
	}
	if global != nil {
		return *global
	}
	return ""
}

func assertMainPackage(t *testing.T, dir string) {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", dir, err)
	}
	pkg, ok := pkgs["main"]
	if !ok || len(pkgs) != 1 {
		t.Fatalf("%s holds packages %v, want only main", dir, keys(pkgs))
	}
	for _, f := range pkg.Files {
		if f.Scope.Lookup("main") != nil {
			return
		}
	}
	t.Fatalf("%s has no func main", dir)
}

func keys[M ~map[string]V, V any](m M) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// TestStorageAndBucketsAreSafe checks the table (on-demand, PITR, TTL on the attribute the stores
// write) and that only the catalog prefix of the catalog bucket is public, while staging is private.
func TestStorageAndBucketsAreSafe(t *testing.T) {
	tmpl := loadStack(t)
	table, err := tmpl.GetDynamoDBTableWithName("Table")
	if err != nil {
		t.Fatal(err)
	}
	if table.PointInTimeRecoverySpecification == nil || table.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled == nil ||
		!*table.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled {
		t.Error("point-in-time recovery is not on")
	}
	if table.TimeToLiveSpecification == nil || table.TimeToLiveSpecification.AttributeName == nil ||
		*table.TimeToLiveSpecification.AttributeName != "ttl" || !table.TimeToLiveSpecification.Enabled {
		t.Error("time to live is not on for the attribute ttl")
	}

	policy, err := tmpl.GetS3BucketPolicyWithName("CatalogBucketPolicy")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := policy.PolicyDocument.(map[string]any)
	statements, _ := doc["Statement"].([]any)
	var allows []map[string]any
	for _, s := range statements {
		if st, _ := s.(map[string]any); st["Effect"] == "Allow" {
			allows = append(allows, st)
		}
	}
	if len(allows) != 1 || allows[0]["Action"] != "s3:GetObject" || allows[0]["Resource"] != "/catalog/*" {
		t.Errorf("catalog bucket allows %v, want public s3:GetObject on the catalog/ prefix only", allows)
	}

	staging, err := tmpl.GetS3BucketWithName("StagingBucket")
	if err != nil {
		t.Fatal(err)
	}
	pab := staging.PublicAccessBlockConfiguration
	if pab == nil || !*pab.BlockPublicAcls || !*pab.BlockPublicPolicy || !*pab.IgnorePublicAcls || !*pab.RestrictPublicBuckets {
		t.Error("staging bucket is not fully private")
	}
	// Only the pages of 1C's snapshots expire, never the catalog's offer index or the upload state.
	var expiring []string
	if lc := staging.LifecycleConfiguration; lc != nil {
		for _, r := range lc.Rules {
			if r.ExpirationInDays != nil {
				expiring = append(expiring, *r.Prefix)
			}
		}
	}
	var pages []string
	for _, kind := range []stagingpkg.Kind{stagingpkg.Catalog, stagingpkg.Stock, stagingpkg.Prices} {
		pages = append(pages, string(kind)+"/")
	}
	if !slices.Equal(expiring, pages) {
		t.Errorf("staging objects expiring under %q, want the page prefixes %q only", expiring, pages)
	}
	if _, err := tmpl.GetServerlessHttpApiWithName("HttpApi"); err != nil {
		t.Error(err)
	}
}
