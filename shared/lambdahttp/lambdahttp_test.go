package lambdahttp

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func TestHandlerCarriesRequestAndResponse(t *testing.T) {
	var got struct {
		method, path, query, auth, body string
		accept                          []string
		cookie                          string
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.path, got.query, got.body = r.Method, r.URL.Path, r.URL.RawQuery, string(b)
		got.auth = r.Header.Get("Authorization")
		got.accept = r.Header.Values("Accept")
		if c, err := r.Cookie("s"); err == nil {
			got.cookie = c.Value
		}
		w.Header().Set("Content-Type", "application/json")
		http.SetCookie(w, &http.Cookie{Name: "a", Value: "1"})
		http.SetCookie(w, &http.Cookie{Name: "b", Value: "2"})
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"ok":true}`))
	})
	ev := events.APIGatewayV2HTTPRequest{
		RawPath:         "/onec/v1/inbox",
		RawQueryString:  "after=5&limit=50",
		Headers:         map[string]string{"authorization": "Bearer t", "accept": "text/html, application/json"},
		Cookies:         []string{"s=xyz"},
		Body:            base64.StdEncoding.EncodeToString([]byte("тело")),
		IsBase64Encoded: true,
	}
	ev.RequestContext.HTTP.Method = http.MethodPost
	resp, err := Handler(h)(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if got.method != "POST" || got.path != "/onec/v1/inbox" || got.query != "after=5&limit=50" ||
		got.auth != "Bearer t" || got.body != "тело" || got.cookie != "xyz" || len(got.accept) != 2 {
		t.Fatalf("handler saw %+v", got)
	}
	if resp.StatusCode != 201 || resp.Body != `{"ok":true}` || resp.Headers["Content-Type"] != "application/json" ||
		len(resp.Cookies) != 2 || resp.IsBase64Encoded {
		t.Fatalf("response %+v", resp)
	}
}

func TestBinaryResponseIsBase64(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte{0xff, 0xfe, 0}) })
	resp, err := Handler(h)(context.Background(), events.APIGatewayV2HTTPRequest{RawPath: "/x"})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.IsBase64Encoded || resp.Body != base64.StdEncoding.EncodeToString([]byte{0xff, 0xfe, 0}) || resp.StatusCode != 200 {
		t.Fatalf("response %+v", resp)
	}
}

func TestBadBase64BodyIsAnError(t *testing.T) {
	_, err := Handler(http.NotFoundHandler())(context.Background(), events.APIGatewayV2HTTPRequest{Body: "%%", IsBase64Encoded: true})
	if err == nil {
		t.Fatal("want an error")
	}
}
