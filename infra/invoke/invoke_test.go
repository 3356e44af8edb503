package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"unfbridge/infra/dynamodblocal"
)

func TestMain(m *testing.M) { dynamodblocal.Main(m) }

// expected says, for every file in events/, what its function must answer. A new event file
// without an entry here fails the test.
var expected = map[string]func(t *testing.T, out []byte){
	"admin-healthz.json": func(t *testing.T, out []byte) {
		resp := httpResponse(t, out)
		var h struct{ Status, Store, Version string }
		if err := json.Unmarshal([]byte(resp.Body), &h); err != nil {
			t.Fatalf("body %q: %v", resp.Body, err)
		}
		if resp.StatusCode != 200 || h.Status != "ok" || h.Store != "ok" || h.Version != "v-test" {
			t.Fatalf("healthz answered %d %+v", resp.StatusCode, h)
		}
	},
}

func init() {
	expected["admin-get-settings.json"] = func(t *testing.T, out []byte) {
		var v struct {
			Verified bool
			Settings struct{ Catalog struct{ ObjectKey string } }
		}
		checkHTTP(t, out, 200, &v)
		if v.Verified || v.Settings.Catalog.ObjectKey != "catalog_icml.xml" {
			t.Fatalf("settings %+v", v)
		}
	}
	expected["admin-put-catalog.json"] = func(t *testing.T, out []byte) {
		var v struct {
			Settings struct {
				Catalog struct{ Characteristics bool }
			}
		}
		checkHTTP(t, out, 200, &v)
		if !v.Settings.Catalog.Characteristics {
			t.Fatalf("catalog not saved: %+v", v)
		}
	}
	expected["admin-settings-no-token.json"] = func(t *testing.T, out []byte) {
		var e struct {
			Error struct{ Code, Message string }
		}
		checkHTTP(t, out, 401, &e)
		if e.Error.Code != "unauthorized" || e.Error.Message == "" {
			t.Fatalf("error %+v", e)
		}
	}
	expected["admin-import-orders.json"] = func(t *testing.T, out []byte) {
		var run struct {
			Flow     string
			Messages []string
		}
		checkHTTP(t, out, 200, &run)
		if run.Flow != "history-sync" || len(run.Messages) != 1 || !strings.Contains(run.Messages[0], "выключена") {
			t.Fatalf("run %+v", run)
		}
	}
	expected["history-sync-schedule.json"] = func(t *testing.T, out []byte) {
		var run struct {
			Flow, Trigger string
			Messages      []string
		}
		if err := json.Unmarshal(out, &run); err != nil || run.Flow != "history-sync" || run.Trigger != "schedule" ||
			len(run.Messages) != 1 || !strings.Contains(run.Messages[0], "выключена") {
			t.Fatalf("run %s: %v", out, err)
		}
	}
	expected["crm-webhook-trigger.json"] = func(t *testing.T, out []byte) {
		var a struct {
			CRMOrderID int64
			Messages   []string
		}
		checkHTTP(t, out, 200, &a)
		if a.CRMOrderID != 138 || len(a.Messages) != 1 {
			t.Fatalf("answer %+v", a)
		}
	}
	expected["onec-gateway-inbox-pull.json"] = func(t *testing.T, out []byte) {
		var in struct {
			Commands []json.RawMessage
			Next     *string
		}
		checkHTTP(t, out, 200, &in)
		if in.Commands == nil || len(in.Commands) != 0 || in.Next == nil {
			t.Fatalf("inbox %+v", in)
		}
	}
	expected["onec-gateway-inbox-ack-unknown.json"] = func(t *testing.T, out []byte) {
		var e struct {
			Error struct{ Code, Message string }
		}
		checkHTTP(t, out, 404, &e)
		if e.Error.Message == "" {
			t.Fatalf("error %+v", e)
		}
	}
	pushRun := func(trigger string) func(t *testing.T, out []byte) {
		return func(t *testing.T, out []byte) {
			var run struct {
				Flow, Trigger string
				Messages      []string
			}
			if err := json.Unmarshal(out, &run); err != nil || run.Flow != "crm-push" || run.Trigger != trigger {
				t.Fatalf("run %s: %v", out, err)
			}
		}
	}
	// A fresh stack has no verified connection: a stream batch fails loudly (the Lambda error
	// shows in the metrics, the work stays for the schedule).
	expected["crm-push-stream.json"] = func(t *testing.T, out []byte) {
		var e struct{ ErrorMessage string }
		if err := json.Unmarshal(out, &e); err != nil || !strings.Contains(e.ErrorMessage, "not verified") {
			t.Fatalf("answer %s: %v", out, err)
		}
	}
	expected["crm-push-schedule.json"] = pushRun("schedule")
	expected["onec-gateway-payment-posted.json"] = func(t *testing.T, out []byte) {
		var a struct{ Status, Message string }
		checkHTTP(t, out, 200, &a)
		if a.Status != "ignored" || !strings.Contains(a.Message, "выключена") {
			t.Fatalf("answer %+v", a)
		}
	}
	// Each sample page event is a whole one-page snapshot, staged for its consumer.
	for _, file := range []string{"onec-gateway-catalog-page.json", "onec-gateway-stock-page.json", "onec-gateway-prices-page.json"} {
		expected[file] = func(t *testing.T, out []byte) {
			var a struct{ Status, Message string }
			checkHTTP(t, out, 200, &a)
			if a.Status != "applied" || !strings.Contains(a.Message, "получена полностью") {
				t.Fatalf("answer %+v", a)
			}
		}
	}
	// The catalog builder's schedule after admin-build-catalog.json (the files run in name order)
	// asked for a file, with no catalog from 1C yet: the request is answered with what to do.
	expected["catalog-builder-schedule.json"] = func(t *testing.T, out []byte) {
		var run struct {
			Flow     string
			Complete bool
			Messages []string
		}
		if err := json.Unmarshal(out, &run); err != nil || run.Flow != "catalog" || run.Complete ||
			len(run.Messages) != 1 || !strings.Contains(run.Messages[0], "нет полной выгрузки каталога из 1С") {
			t.Fatalf("answer %s: %v", out, err)
		}
	}
	// Stock upload is off in the sample settings: the button says so at once.
	expected["admin-upload-stock.json"] = func(t *testing.T, out []byte) {
		var e struct {
			Error struct{ Code, Message string }
		}
		checkHTTP(t, out, 409, &e)
		if e.Error.Code != "blocked" || !strings.Contains(e.Error.Message, "Выгрузка остатков выключена") {
			t.Fatalf("error %+v", e)
		}
	}
	// The schedule of store-sync with an unverified connection: nothing to upload, no error.
	expected["store-sync-schedule.json"] = func(t *testing.T, out []byte) {
		var runs []struct{ Flow string }
		if err := json.Unmarshal(out, &runs); err != nil || len(runs) != 0 {
			t.Fatalf("answer %s: %v", out, err)
		}
	}
	expected["admin-build-catalog.json"] = func(t *testing.T, out []byte) {
		var a struct{ Message, URL string }
		checkHTTP(t, out, 202, &a)
		if !strings.Contains(a.Message, "в течение минуты") || !strings.HasSuffix(a.URL, "/unfbridge-catalog/catalog/catalog_icml.xml") {
			t.Fatalf("answer %+v", a)
		}
	}
	expected["onec-gateway-references-snapshot.json"] = func(t *testing.T, out []byte) {
		var a struct {
			Status string
			Counts map[string]int
		}
		checkHTTP(t, out, 200, &a)
		if a.Status != "applied" || a.Counts["organizations"] != 1 || a.Counts["priceKinds"] != 2 {
			t.Fatalf("answer %+v", a)
		}
	}
}

// checkHTTP checks the status of an HTTP API response and decodes its JSON body into v.
func checkHTTP(t *testing.T, out []byte, status int, v any) {
	t.Helper()
	resp := httpResponse(t, out)
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, resp.Body)
	}
	if err := json.Unmarshal([]byte(resp.Body), v); err != nil {
		t.Fatalf("body %q: %v", resp.Body, err)
	}
}

func httpResponse(t *testing.T, out []byte) events.APIGatewayV2HTTPResponse {
	t.Helper()
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("response %q is not an HTTP API response: %v", out, err)
	}
	return resp
}

// TestEveryEventThroughTheEmulator builds every function's real bootstrap and invokes it under the
// Lambda Runtime Interface Emulator with every sample event of events/ that belongs to it.
func TestEveryEventThroughTheEmulator(t *testing.T) {
	rie := os.Getenv("RIE_BIN")
	if rie == "" {
		t.Fatal("RIE_BIN is not set: run the tests with `make test`, which installs the emulator")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	functions, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no event files: %v", err)
	}
	_, table := dynamodblocal.NewTable(t)
	vars, stopSecrets, err := sampleSecrets(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopSecrets)
	bucketVars, stopBuckets, err := localBuckets()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopBuckets)
	maps.Copy(vars, bucketVars)
	vars["DYNAMODB_ENDPOINT"], vars["TABLE_NAME"] = dynamodblocal.Start(t), table
	bin := t.TempDir()
	built := map[string]string{}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			check, ok := expected[name]
			if !ok {
				t.Fatalf("%s has no expectation in this test", name)
			}
			fn := owner(name, functions)
			if fn == "" {
				t.Fatalf("%s is named after no function (events/<function>-<case>.json)", name)
			}
			if built[fn] == "" {
				if built[fn], err = build(t.Context(), root, fn, bin, "-s -w -X unfbridge/shared/buildinfo.version=v-test"); err != nil {
					t.Fatal(err)
				}
			}
			env, err := functionEnv(fn, vars)
			if err != nil {
				t.Fatal(err)
			}
			event, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			out, err := invoke(t.Context(), rie, built[fn], env, event, &logs)
			if err != nil {
				t.Fatalf("%v\nemulator and function logs:\n%s", err, logs.String())
			}
			check(t, out)
		})
	}
}

// owner returns the function an event file belongs to: the longest function name it starts with.
func owner(file string, functions []os.DirEntry) string {
	best := ""
	for _, f := range functions {
		if f.IsDir() && strings.HasPrefix(file, f.Name()+"-") && len(f.Name()) > len(best) {
			best = f.Name()
		}
	}
	return best
}
