package retailcrm

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestKeyNeverLeaks runs calls against a server that echoes the API key into every place an
// answer can carry text, and checks that no error, log line or formatted client shows it.
func TestKeyNeverLeaks(t *testing.T) {
	echo := func(status int, header, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			key := r.Header.Get("X-API-KEY")
			if header != "" {
				w.Header().Set(header, strings.ReplaceAll("https://other.example/?apiKey=KEY", "KEY", key))
			}
			w.WriteHeader(status)
			_, _ = w.Write([]byte(strings.ReplaceAll(body, "KEY", key)))
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /api/credentials", echo(http.StatusForbidden, "",
		`{"success":false,"errorMsg":"Wrong \"apiKey\" value: KEY","errors":{"apiKey":"KEY is not valid"}}`))
	mux.Handle("GET /api/v5/reference/statuses", echo(http.StatusFound, "Location", ""))
	mux.Handle("GET /api/v5/orders/1", echo(http.StatusOK, "", `{"success":true,"order":{"totalSumm":"KEY"}}`))
	mux.Handle("GET /api/v5/orders/history", echo(http.StatusServiceUnavailable, "", "<html>KEY</html>"))
	mux.Handle("POST /api/v5/store/inventories/upload", echo(StatusPartial, "",
		`{"success":false,"errorMsg":"KEY","errors":["offer KEY"],"failedOffers":[{"externalId":"KEY"}]}`))
	mux.Handle("GET /api/v5/users", http.HandlerFunc(abort))
	s := newServer(t, mux)
	c, log := newClient(t, s.URL)
	ctx := t.Context()

	var errs []error
	_, err := c.Credentials(ctx)
	errs = append(errs, err)
	_, err = c.Statuses(ctx)
	errs = append(errs, err)
	_, err = c.Order(ctx, ByID(1, ""))
	errs = append(errs, err)
	_, err = c.OrdersHistory(ctx, HistoryFilter{})
	errs = append(errs, err)
	_, err = c.UploadInventories(ctx, "", nil)
	errs = append(errs, err)
	_, err = c.Users(ctx, UsersFilter{})
	errs = append(errs, err)

	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d: no error", i)
		}
		for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(text, testKey) {
				t.Errorf("call %d: the key leaks in %s", i, text)
			}
		}
	}
	if !strings.Contains(errs[0].Error(), `Wrong "apiKey" value: [redacted]`) {
		t.Errorf("the message around the key is lost: %v", errs[0])
	}
	if logs := log.String(); strings.Contains(logs, testKey) || !strings.Contains(logs, "retailcrm call") {
		t.Errorf("logs:\n%s", logs)
	}
	for _, text := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(text, testKey) {
			t.Errorf("the formatted client shows the key: %s", text)
		}
	}
	for _, r := range s.requests() {
		if r.Header.Get("X-API-KEY") != testKey || strings.Contains(r.Path+r.RawQuery+r.Body, testKey) {
			t.Errorf("%s %s: the key is not in the header alone", r.Method, r.Path)
		}
	}
}
