package retailcrm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// v5 is the path of the versioned API below the account URL.
const v5 = "/api/v5"

// call is one API request. Only idempotent calls are retried: every method says whether it is.
type call struct {
	method     string
	path       string // escaped, below the account URL
	query      url.Values
	form       url.Values // POST only
	idempotent bool
}

// get reads path: GETs are idempotent.
func get[T any](ctx context.Context, c *Client, path string, query url.Values) (T, error) {
	var out T
	err := c.do(ctx, call{method: http.MethodGet, path: path, query: query, idempotent: true}, &out)
	return out, err
}

// post sends form to path.
func post[T any](ctx context.Context, c *Client, path string, form url.Values, idempotent bool) (T, error) {
	var out T
	err := c.do(ctx, call{method: http.MethodPost, path: path, form: form, idempotent: idempotent}, &out)
	return out, err
}

// idAnswer is the answer of create and edit calls.
type idAnswer struct {
	ID int64 `json:"id"`
}

// postEntity posts one entity as the JSON form field name and returns the answer's id.
func (c *Client) postEntity(ctx context.Context, path, name string, entity any, extra url.Values, idempotent bool) (int64, error) {
	form, err := entityForm(name, entity, extra)
	if err != nil {
		return 0, err
	}
	resp, err := post[idAnswer](ctx, c, path, form, idempotent)
	return resp.ID, err
}

// do runs the call, retrying an idempotent one on 429/503, 5xx and transport errors until it
// succeeds, the attempts run out or the next attempt would start after the context deadline.
// The answer is decoded into out.
func (c *Client) do(ctx context.Context, r call, out any) error {
	var last error // the failure that called for this attempt
	for attempt := 1; ; attempt++ {
		err := c.attempt(ctx, r, out, attempt)
		switch {
		case err == nil:
			return nil
		case last != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)):
			return fmt.Errorf("%w (retry abandoned: %w)", last, err)
		case r.idempotent && ctx.Err() != nil:
			// The context ended while this attempt failed: say both.
			return fmt.Errorf("%w (retry abandoned: %w)", err, ctx.Err())
		case !r.idempotent || !retryable(ctx, err):
			return err
		case attempt >= c.retry.MaxAttempts:
			return fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
		}
		delay := c.backoff(attempt, err)
		if deadline, ok := ctx.Deadline(); ok && time.Now().Add(delay).After(deadline) {
			return fmt.Errorf("%w (no time left for attempt %d: %w)", err, attempt+1, context.DeadlineExceeded)
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "retailcrm retry",
			slog.String("method", r.method), slog.String("path", r.path), slog.Int("attempt", attempt),
			slog.Duration("delay", delay), slog.String("error", err.Error()))
		if werr := sleep(ctx, delay); werr != nil {
			return fmt.Errorf("%w (retry abandoned: %w)", err, werr)
		}
		last = err
	}
}

// retryable tells whether a failed attempt may be repeated: the context is still alive and
// the failure is transient.
func retryable(ctx context.Context, err error) bool {
	return ctx.Err() == nil &&
		(errors.Is(err, ErrRateLimited) || errors.Is(err, ErrServer) || errors.Is(err, ErrTransport))
}

// backoff returns the wait before attempt+1: full jitter over an exponential backoff, at least
// the server's Retry-After.
func (c *Client) backoff(attempt int, err error) time.Duration {
	d := c.retry.MaxDelay
	if shift := attempt - 1; shift < 32 {
		d = min(c.retry.BaseDelay<<shift, c.retry.MaxDelay)
	}
	if !c.retry.NoJitter && d > 0 {
		d = rand.N(d + 1)
	}
	var ae *APIError
	if errors.As(err, &ae) {
		d = max(d, ae.RetryAfter)
	}
	return d
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// attempt waits for the budget, sends the request once and decodes the answer.
func (c *Client) attempt(ctx context.Context, r call, out any, n int) error {
	if c.budget != nil {
		if err := c.budget.Wait(ctx); err != nil {
			return fmt.Errorf("retailcrm: %s %s: wait for the rate budget: %w", r.method, r.path, err)
		}
	}
	req, err := c.newRequest(ctx, r)
	if err != nil {
		return err
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return c.logged(ctx, r, n, start, 0, c.transportError(r, err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	switch {
	case err != nil:
		return c.logged(ctx, r, n, start, resp.StatusCode, c.transportError(r, err))
	case len(body) > maxBody:
		return c.logged(ctx, r, n, start, resp.StatusCode,
			fmt.Errorf("retailcrm: %s %s: answer over %d bytes", r.method, r.path, maxBody))
	}
	return c.logged(ctx, r, n, start, resp.StatusCode, c.decode(r, resp, body, out))
}

func (c *Client) newRequest(ctx context.Context, r call) (*http.Request, error) {
	target := c.base + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.method == http.MethodPost {
		body = strings.NewReader(r.form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: %s", ErrInvalidArgument, r.method, r.path, c.redact(err.Error()))
	}
	req.Header.Set("X-API-KEY", c.apiKey)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req, nil
}

// decode checks the answer and decodes a success into out.
func (c *Client) decode(r call, resp *http.Response, body []byte, out any) error {
	var env envelope
	if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) || json.Unmarshal(body, &env) != nil {
		return answerError(r.method, r.path, resp, body, nil, c.redact)
	}
	if resp.StatusCode/100 != 2 || env.Success == nil || !*env.Success {
		return answerError(r.method, r.path, resp, body, &env, c.redact)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("retailcrm: %s %s: decode the answer: %s", r.method, r.path, c.redact(err.Error()))
	}
	return nil
}

func (c *Client) transportError(r call, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &TransportError{Method: r.method, Path: r.path, Err: err, msg: c.redact(err.Error())}
}

// logged writes the debug line of an attempt and returns err.
func (c *Client) logged(ctx context.Context, r call, n int, start time.Time, status int, err error) error {
	attrs := []slog.Attr{
		slog.String("method", r.method), slog.String("path", r.path), slog.Int("attempt", n),
		slog.Int("status", status), slog.Duration("elapsed", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "retailcrm call", attrs...)
	return err
}
