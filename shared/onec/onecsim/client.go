package onecsim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/onec"
)

// maxAnswer bounds the answers read from the bridge.
const maxAnswer = 64 << 20

// pull asks the bridge for the commands after the cursor.
func (s *Sim) pull(ctx context.Context, after string) (onec.Inbox, error) {
	q := url.Values{"limit": {strconv.Itoa(s.opts.PageSize)}}
	if after != "" {
		q.Set("after", after)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.opts.BaseURL+"/onec/v1/inbox?"+q.Encode(), nil)
	if err != nil {
		return onec.Inbox{}, fmt.Errorf("onecsim: pull: %w", err)
	}
	var box onec.Inbox
	return box, s.do(req, &box)
}

// send acknowledges a command.
func (s *Sim) send(ctx context.Context, a onec.Ack) (onec.AckAnswer, error) {
	body, err := json.Marshal(a)
	if err != nil {
		return onec.AckAnswer{}, fmt.Errorf("onecsim: encode the ack of %s: %w", a.CommandID, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opts.BaseURL+"/onec/v1/inbox/ack", bytes.NewReader(body))
	if err != nil {
		return onec.AckAnswer{}, fmt.Errorf("onecsim: ack: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	var answer onec.AckAnswer
	return answer, s.do(req, &answer)
}

// do sends a request authenticated as 1C's HTTP client does and decodes a 200 answer into dst;
// any other answer is an error with the bridge's message.
func (s *Sim) do(req *http.Request, dst any) error {
	req.SetBasicAuth("1c", s.opts.Token)
	resp, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("onecsim: %s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("onecsim: %s %s: read the answer: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e httpapi.ErrorBody
		_ = json.Unmarshal(body, &e) // an answer that is no error body leaves the message empty
		return fmt.Errorf("onecsim: %s %s: %s: %s %s", req.Method, req.URL.Path, resp.Status, e.Error.Code, e.Error.Message)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return fmt.Errorf("onecsim: %s %s: decode the answer: %w", req.Method, req.URL.Path, err)
	}
	return nil
}

// eventsPath is where 1C pushes its events.
const eventsPath = "/onec/v1/events"

// post sends an event authenticated with the Bearer token and returns the bridge's answer; an
// error when there is none, or when a 2xx answer is not the bridge's JSON.
func (s *Sim) post(ctx context.Context, ev onec.Envelope) (Delivery, error) {
	d := Delivery{EventID: ev.EventID, Type: ev.Type}
	body, err := json.Marshal(ev)
	if err != nil {
		return d, fmt.Errorf("onecsim: encode event %s: %w", ev.EventID, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opts.BaseURL+eventsPath, bytes.NewReader(body))
	if err != nil {
		return d, fmt.Errorf("onecsim: event %s: %w", ev.EventID, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.opts.Token)
	resp, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		return d, fmt.Errorf("onecsim: POST %s: event %s: %w", eventsPath, ev.EventID, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return d, fmt.Errorf("onecsim: POST %s: event %s: read the answer: %w", eventsPath, ev.EventID, err)
	}
	d.HTTPStatus, d.Duplicate = resp.StatusCode, resp.Header.Get("X-Duplicate-Event") == "true"
	if resp.StatusCode/100 != 2 {
		var e httpapi.ErrorBody
		_ = json.Unmarshal(answer, &e) // an answer that is no error body leaves the message empty
		d.Code, d.Message = e.Error.Code, e.Error.Message
		return d, nil
	}
	var result struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(answer, &result); err != nil {
		return d, fmt.Errorf("onecsim: POST %s: event %s: decode the answer: %w", eventsPath, ev.EventID, err)
	}
	d.Status, d.Message = result.Status, result.Message
	return d, nil
}
