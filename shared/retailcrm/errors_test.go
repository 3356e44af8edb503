package retailcrm

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

var classes = []error{ErrValidation, ErrAuth, ErrNotFound, ErrPartial, ErrRateLimited, ErrServer,
	ErrWrongAccountURL, ErrRejected, ErrTransport, ErrInvalidArgument}

// checkClass asserts that err belongs to want and to no other class.
func checkClass(t *testing.T, err, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", want)
	}
	for _, class := range classes {
		if got := errors.Is(err, class); got != (class == want) {
			t.Errorf("errors.Is(%q, %v) = %v", err, class, got)
		}
	}
}

func TestErrorAnswers(t *testing.T) {
	for _, tc := range []struct {
		file    string
		status  int
		class   error
		message string
		errors  []FieldError
	}{
		{"error-400-missing-parameter.json", 400, ErrValidation, "Parameter 'externalId' in 'customer' is missing", nil},
		{"error-403-access-denied.json", 403, ErrAuth, "Access denied.", nil},
		{"error-403-wrong-apikey.json", 403, ErrAuth, `Wrong "apiKey" value`, nil},
		{"error-404-method-not-found.json", 404, ErrNotFound, "Method not found", nil},
		{"error-404-not-found.json", 404, ErrNotFound, "Not found", nil},
		{"error-405-invalid-data.json", 405, ErrRejected, "Invalid data", nil},
		{"error-405-method-not-allowed.json", 405, ErrRejected, "Method Not Allowed", nil},
		{"error-405-account-does-not-exist.html", 405, ErrWrongAccountURL, "the account URL is wrong", nil},
		// The envelopes carry no status: served with 200, success:false alone makes them errors.
		{"error-envelope-access-denied.json", 200, ErrAuth, "Access denied.", nil},
		{"error-envelope-account-does-not-exist.json", 200, ErrWrongAccountURL, "Account does not exist.", nil},
		{"error-envelope-apikey-missing.json", 200, ErrAuth, `"apiKey" is missing.`, nil},
		{"error-envelope-apikey-wrong.json", 200, ErrAuth, `Wrong "apiKey" value.`, nil},
		{"error-envelope-missing-parameter.json", 200, ErrValidation, "Parameter 'item' is missing", nil},
		{"error-envelope-validation.json", 200, ErrValidation, "Errors in the entity format",
			[]FieldError{{"name", "name must be provided"}}},
		{"error-envelope-errors-array.json", 200, ErrRejected, "Failed to activate module",
			[]FieldError{{"", "Your account has insufficient funds to activate integration module"}, {"", "Test error"}}},
		{"error-envelope-errors-object.json", 200, ErrRejected, "Failed to activate module",
			[]FieldError{{"id", "ID must be an integer"}, {"test", "Test error"}}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			s := newServer(t, reply{tc.status, tc.file}.handler(t))
			c, _ := newClient(t, s.URL)
			_, err := c.Credentials(t.Context())
			checkClass(t, err, tc.class)
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("%T is not an *APIError", err)
			}
			if ae.StatusCode != tc.status || !strings.HasPrefix(ae.Message, tc.message) || !reflect.DeepEqual(ae.Errors, tc.errors) {
				t.Errorf("got %d %q %v, want %d %q %v", ae.StatusCode, ae.Message, ae.Errors, tc.status, tc.message, tc.errors)
			}
			if !strings.Contains(err.Error(), ae.Message) || !strings.Contains(err.Error(), "/api/credentials") {
				t.Errorf("error text %q", err)
			}
			for _, fe := range tc.errors {
				if !strings.Contains(err.Error(), fe.Message) {
					t.Errorf("error text %q lacks %q", err, fe.Message)
				}
			}
			if len(s.requests()) != 1 {
				t.Errorf("%d requests, want 1 (not retried)", len(s.requests()))
			}
		})
	}
}

func TestPartialAnswers(t *testing.T) {
	for _, tc := range []struct {
		file     string
		message  string
		uploaded []EntityRef
		failed   []EntityRef
		errors   []FieldError
	}{
		{"orders-upload-460.json", "Orders are loaded with errors", nil, []EntityRef{{ExternalID: "123123"}},
			[]FieldError{{"", "items[0].offer.id: Offer with id 123123 not found."}}},
		{"customers-upload-460.json", "Customers are loaded with errors", []EntityRef{{ID: 132}},
			[]EntityRef{{ExternalID: "123123"}}, []FieldError{{"managerId", "Something went wrong"}}},
		{"customers-corporate-upload-460.json", "Customers are loaded with errors", nil,
			[]EntityRef{{ExternalID: "123123"}}, []FieldError{{"managerId", "Something went wrong"}}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			s := newServer(t, reply{StatusPartial, tc.file}.handler(t))
			c, _ := newClient(t, s.URL)
			_, err := c.UploadInventories(t.Context(), "shop", []InventoryOffer{{ExternalID: "123123"}})
			checkClass(t, err, ErrPartial)
			var pe *PartialError
			var ae *APIError
			if !errors.As(err, &pe) || !errors.As(err, &ae) {
				t.Fatalf("%T: want *PartialError and *APIError", err)
			}
			if pe.Message != tc.message || !reflect.DeepEqual(pe.Errors, tc.errors) ||
				!reflect.DeepEqual(pe.Uploaded, tc.uploaded) || !reflect.DeepEqual(pe.Failed, tc.failed) {
				t.Errorf("got %q %v uploaded %v failed %v", pe.Message, pe.Errors, pe.Uploaded, pe.Failed)
			}
		})
	}
}

func TestRussianMessageKeptAsGiven(t *testing.T) {
	const msg = "Заказ с externalId «АСФР/12 3» не найден"
	s := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"success":false,"errorMsg":"` + msg + `","errors":{"order.items[0]":"Товар не найден"}}`))
	}))
	c, _ := newClient(t, s.URL)
	_, err := c.Order(t.Context(), ByExternalID("АСФР/12 3", "shop"))
	checkClass(t, err, ErrNotFound)
	if !strings.Contains(err.Error(), msg) || !strings.Contains(err.Error(), "order.items[0]: Товар не найден") {
		t.Errorf("error text %q", err)
	}
}

func TestNonAPIAnswers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		header map[string]string
		body   string
		class  error
	}{
		{"redirect", http.StatusMovedPermanently, map[string]string{"Location": "https://example.com/"}, "", ErrWrongAccountURL},
		{"web page", http.StatusOK, map[string]string{"Content-Type": "text/html"}, "<!doctype html><p>shop</p>", ErrWrongAccountURL},
		{"plain text", http.StatusOK, nil, "hello", ErrWrongAccountURL},
		{"gateway page", http.StatusBadGateway, map[string]string{"Content-Type": "text/html"}, "<html>502</html>", ErrServer},
		{"JSON without success", http.StatusOK, nil, `{"orders":[]}`, ErrRejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			c, _ := newClient(t, s.URL, func(o *Options) { o.Retry.MaxAttempts = 1 })
			_, err := c.Credentials(t.Context())
			checkClass(t, err, tc.class)
			if tc.class == ErrWrongAccountURL && !strings.Contains(err.Error(), "account URL is wrong") {
				t.Errorf("error text %q", err)
			}
		})
	}
}

func TestInvalidArguments(t *testing.T) {
	s := newServer(t, http.NotFoundHandler())
	c, _ := newClient(t, s.URL)
	ctx := t.Context()
	for name, call := range map[string]func() error{
		"externalId without site": func() error { _, err := c.Order(ctx, ByExternalID("A-1", "")); return err },
		"zero id":                 func() error { return c.DeletePayment(ctx, 0) },
		"dot id":                  func() error { _, err := c.Order(ctx, Ref{By: RefExternalID, ID: "..", Site: "s"}); return err },
		"bad by":                  func() error { _, err := c.Order(ctx, Ref{By: "number", ID: "1"}); return err },
		"create without site":     func() error { _, err := c.CreateOrder(ctx, "", Order{}); return err },
		"payment without site":    func() error { _, err := c.CreatePayment(ctx, "", Payment{}); return err },
		"limit 30":                func() error { _, err := c.OrdersHistory(ctx, HistoryFilter{Limit: 30}); return err },
	} {
		checkClass(t, call(), ErrInvalidArgument)
		if len(s.requests()) != 0 {
			t.Fatalf("%s: a request was sent", name)
		}
	}
}
