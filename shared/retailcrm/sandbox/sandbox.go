package sandbox

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Options configure a Sandbox. The zero value is usable.
type Options struct {
	// Addr is the listen address of Start; default "127.0.0.1:0" (a free port).
	Addr string
	// RateLimit is the number of requests per sliding second allowed per API key; 0 means
	// RetailCRM's 10, a negative value switches the limit off.
	RateLimit int
	// Location is the account's time zone, in which every date-time is written; default
	// Europe/Moscow.
	Location *time.Location
	// Clock tells the account time (createdAt, history, generatedAt); default time.Now.
	// The rate limit always uses the real time.
	Clock func() time.Time
	// Seed seeds the dice of the fault shares, so a failing test replays.
	Seed uint64
}

// Sandbox is a simulated RetailCRM account served over HTTP.
type Sandbox struct {
	addr    string
	routes  []route
	limiter *limiter
	faults  *faultBox
	rec     *recorder

	mu  sync.Mutex // guards acc
	acc *account

	srv *http.Server
	url string
}

// maxBody bounds request bodies (RetailCRM's own limit is unknown; uploads stay well below).
const maxBody = 16 << 20

// New returns a stopped sandbox with an empty account (no sites, keys or data).
// Use Start to serve it, or Handler to mount it elsewhere.
func New(opts Options) *Sandbox {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = 10
	}
	if opts.Location == nil {
		opts.Location = moscow()
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	return &Sandbox{
		addr:    opts.Addr,
		routes:  routes(),
		limiter: newLimiter(opts.RateLimit),
		faults:  newFaultBox(opts.Seed),
		rec:     &recorder{},
		acc:     newAccount(opts.Location, opts.Clock),
	}
}

// NewServer returns a started sandbox, like httptest.NewServer. It panics when it cannot listen.
func NewServer(opts Options) *Sandbox {
	s := New(opts)
	if err := s.Start(); err != nil {
		panic(err)
	}
	return s
}

// moscow is Europe/Moscow, or its fixed UTC+3 offset (valid since 2014) when the system has
// no time zone database.
func moscow() *time.Location {
	if loc, err := time.LoadLocation("Europe/Moscow"); err == nil {
		return loc
	}
	return time.FixedZone("MSK", 3*60*60)
}

// Start listens on Options.Addr and serves in the background.
func (s *Sandbox) Start() error {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen: %w", err)
	}
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.url = "http://" + ln.Addr().String()
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(err)
		}
	}()
	return nil
}

// URL is the base URL of the started sandbox, e.g. "http://127.0.0.1:41234" (the account URL;
// the API lives under /api/v5/).
func (s *Sandbox) URL() string { return s.url }

// Close stops the server and closes its connections.
func (s *Sandbox) Close() {
	if s.srv != nil {
		_ = s.srv.Close()
	}
}

// Handler returns the HTTP handler of the API, for mounting under a local runner. It answers
// paths that start with /api/; serve it under a prefix with http.StripPrefix.
func (s *Sandbox) Handler() http.Handler { return http.HandlerFunc(s.serve) }

func (s *Sandbox) serve(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	// Forms are read before anything else so that recording sees them.
	_ = r.ParseForm()
	rr := s.rec.start(s.acc.clock(), r)
	plan := s.faults.roll()
	if plan.latency > 0 {
		select {
		case <-time.After(plan.latency):
		case <-r.Context().Done():
			return
		}
	}
	if plan.drop {
		rr.finish(s.rec, 0)
		drop(w)
		return
	}
	status, body, ctype := s.answer(r, plan)
	if plan.applyThenDrop {
		rr.finish(s.rec, 0)
		drop(w)
		return
	}
	if plan.malformed && ctype == contentJSON {
		body = body[:len(body)/2]
	}
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	_, _ = w.Write(body)
	rr.finish(s.rec, status)
}

const (
	contentJSON = "application/json; charset=UTF-8"
	contentHTML = "text/html"
)

// answer runs the request through the account-missing mode, authentication, the rate limit,
// routing and the endpoint, and returns the response to write.
func (s *Sandbox) answer(r *http.Request, plan faultPlan) (int, []byte, string) {
	if plan.accountMissing {
		return http.StatusMethodNotAllowed, []byte(nginx405), contentHTML
	}
	if plan.unavailable {
		return s.fail(&apiError{status: http.StatusServiceUnavailable, msg: msgRateLimit})
	}
	key, _ := keyOf(r)
	if key == "" {
		return s.fail(&apiError{status: http.StatusForbidden, msg: msgKeyMissing})
	}
	s.mu.Lock()
	k := s.acc.keys[key]
	s.mu.Unlock()
	if k == nil {
		return s.fail(&apiError{status: http.StatusForbidden, msg: msgKeyWrong})
	}
	if !s.limiter.allow(key, time.Now()) {
		return s.fail(&apiError{status: http.StatusServiceUnavailable, msg: msgRateLimit})
	}
	rt, args, found := match(s.routes, r.Method, r.URL.EscapedPath())
	switch {
	case !found:
		return s.fail(&apiError{status: http.StatusNotFound, msg: msgMethodNotFound})
	case rt == nil:
		return s.fail(&apiError{status: http.StatusMethodNotAllowed, msg: msgNotAllowed})
	case rt.scope != scopeNone && !k.scopes[rt.scope]:
		return s.fail(errAccessDenied())
	}
	c := &call{r: r, key: k, query: r.URL.Query(), form: r.Form, args: args}
	s.mu.Lock()
	var v any
	_, err := s.acc.site(c) // any "site" sent must be one the key reaches
	if err == nil {
		v, err = rt.h(s.acc, c)
	}
	s.mu.Unlock()
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			ae = &apiError{status: http.StatusInternalServerError, msg: err.Error()}
		}
		return s.fail(ae)
	}
	return http.StatusOK, encode(v), contentJSON
}

func (s *Sandbox) fail(e *apiError) (int, []byte, string) {
	return e.status, errorBody(e), contentJSON
}

// keyOf finds the API key: the X-API-KEY header, else the apiKey parameter RetailCRM also
// accepts (in the query or a form body). It reports where the key was found.
func keyOf(r *http.Request) (key, from string) {
	if k := r.Header.Get("X-API-KEY"); k != "" {
		return k, KeyInHeader
	}
	if k := r.URL.Query().Get("apiKey"); k != "" {
		return k, KeyInQuery
	}
	if k := r.PostForm.Get("apiKey"); k != "" {
		return k, KeyInForm
	}
	return "", ""
}

// drop closes the connection without answering.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// nginx405 is the page nginx answers for an account that does not exist.
const nginx405 = `<html>
<head><title>405 Not Allowed</title></head>
<body>
<center><h1>405 Not Allowed</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

// do runs f on the account under the lock; Go methods of the sandbox use it.
func (s *Sandbox) do(f func(a *account) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return f(s.acc)
}
