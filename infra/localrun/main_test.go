package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"unfbridge/infra/samtemplate"
	"unfbridge/shared/admin"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
)

// TestMain lets the test binary act as the local runner itself, so that the tests below start it
// as a real process and stop it with Ctrl-C (SIGINT).
func TestMain(m *testing.M) {
	if os.Getenv("LOCALRUN_AS_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startRunner starts the local runner as a process and returns its base URL and its output lines.
func startRunner(t *testing.T, dataDir string, args ...string) (*exec.Cmd, string, <-chan string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-addr", "127.0.0.1:0", "-data", dataDir, "-retailcrm-url", ""}, args...)...)
	cmd.Env = append(os.Environ(), "LOCALRUN_AS_MAIN=1")
	cmd.Stderr = io.Discard
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := scanLines(stdout)
	return cmd, runnerURL(t, lines), lines
}

// scanLines returns the lines read from r, until it ends.
func scanLines(r io.Reader) <-chan string {
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines
}

// runnerURL waits for the runner to print its health URL and returns its base URL.
func runnerURL(t testing.TB, lines <-chan string) string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatal("the runner stopped before printing its URLs")
			}
			if _, url, found := strings.Cut(line, "health:"); found {
				return strings.TrimSuffix(strings.TrimSpace(url), "/healthz")
			}
		case <-timeout:
			t.Fatal("the runner printed no health URL within 30s")
		}
	}
}

func TestRunServesHealthAndObjectsAndStopsOnCtrlC(t *testing.T) {
	data := t.TempDir()
	cmd, base, lines := startRunner(t, data)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("runner serves %q, want 127.0.0.1", base)
	}

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var h admin.Health
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || h.Status != "ok" || h.Store != "ok" || h.Version == "" {
		t.Fatalf("healthz: %d %+v", resp.StatusCode, h)
	}

	icml := "<yml_catalog date=\"2026-11-29 10:00:00\"></yml_catalog>"
	if err := os.MkdirAll(filepath.Join(data, "objects", "catalog"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "objects", "catalog", "catalog_icml.xml"), []byte(icml), 0o644); err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(base + "/objects/catalog/catalog_icml.xml")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != icml {
		t.Fatalf("object: %d %q", resp.StatusCode, body)
	}
	resp, err = http.Post(base+"/objects/catalog/catalog_icml.xml", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST to objects answered %d, want 405 (read-only)", resp.StatusCode)
	}

	if err := os.MkdirAll(filepath.Join(data, "objects", ".blob"), 0o755); err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(base + "/objects/.blob/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("objects outside the catalog prefix answered %d, want them not served", resp.StatusCode)
	}

	assertSandboxServes(t, base)

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for line := range lines {
		rest = append(rest, line)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("runner exited with %v after Ctrl-C", err)
	}
	if len(rest) == 0 || rest[len(rest)-1] != "stopped" {
		t.Fatalf("runner's last lines %q, want it to say stopped", rest)
	}
}

func TestSecondRunnerOnSameDataFailsClearly(t *testing.T) {
	data := t.TempDir()
	startRunner(t, data)
	cmd := exec.Command(os.Args[0], "-addr", "127.0.0.1:0", "-data", data)
	cmd.Env = append(os.Environ(), "LOCALRUN_AS_MAIN=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("a second runner on the same data folder started")
	}
	if !strings.Contains(string(out), "locked") {
		t.Fatalf("second runner said %q, want it to say the store is locked", out)
	}
}

// TestRoutesAreTheTemplates keeps the local routes equal to the HTTP API events of template.yaml.
func TestRoutesAreTheTemplates(t *testing.T) {
	tmpl, err := samtemplate.Load("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var fromTemplate []route
	for _, fn := range tmpl.GetAllServerlessFunctionResources() {
		for _, ev := range fn.Events {
			if ev.Properties == nil || ev.Properties.HttpApiEvent == nil {
				continue
			}
			api := ev.Properties.HttpApiEvent
			fromTemplate = append(fromTemplate, route{
				Method: *api.Method, Path: *api.Path, Function: filepath.Base(*fn.CodeUri.String),
			})
		}
	}
	cmp := func(a, b route) int { return strings.Compare(a.Method+a.Path, b.Method+b.Path) }
	slices.SortFunc(fromTemplate, cmp)
	local := slices.SortedFunc(slices.Values(routes), cmp)
	if !slices.Equal(local, fromTemplate) {
		t.Fatalf("local routes %v\ntemplate routes %v", local, fromTemplate)
	}
}

// assertSandboxServes checks that, with no RetailCRM URL configured, the runner serves the
// RetailCRM sandbox with its demo data, reachable by the bridge's own client.
func assertSandboxServes(t *testing.T, base string) {
	t.Helper()
	c, err := retailcrm.New(retailcrm.Options{BaseURL: base + sandboxPrefix, APIKey: sandbox.DemoAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.Orders(t.Context(), retailcrm.OrdersFilter{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Orders) == 0 {
		t.Fatal("the sandbox of make run has no demo orders")
	}
}
