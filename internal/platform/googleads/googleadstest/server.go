package googleadstest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
)

// Request is one recorded request.
type Request struct {
	Call       string // token, listAccessibleCustomers, search, searchStream, mutate, or "" for an unknown path
	Method     string
	Path       string
	Header     http.Header
	Body       []byte
	CustomerID string
	Status     int    // 0 when no answer was sent (a dropped connection)
	RequestID  string // the request-id header answered
}

// Requests returns the requests received so far, in order.
func (f *Fake) Requests() []Request {
	f.reqMu.Lock()
	defer f.reqMu.Unlock()
	return slices.Clone(f.requests)
}

// RequestsTo returns the recorded requests of one call.
func (f *Fake) RequestsTo(call string) []Request {
	var out []Request
	for _, r := range f.Requests() {
		if r.Call == call {
			out = append(out, r)
		}
	}
	return out
}

// Server is a Fake on a local port.
type Server struct {
	*Fake
	// URL is the API base URL (IMAPHUB_GOOGLEADS_API_URL).
	URL string
	// TokenURL is the OAuth token endpoint (IMAPHUB_GOOGLEADS_TOKEN_URL).
	TokenURL string
	srv      *httptest.Server
}

// NewServer starts New() on a random local port. Close it when done.
func NewServer() *Server {
	f := New()
	srv := httptest.NewServer(f)
	return &Server{Fake: f, URL: srv.URL, TokenURL: srv.URL + "/token", srv: srv}
}

// Close stops the server.
func (s *Server) Close() { s.srv.CloseClientConnections(); s.srv.Close() }

// Env is the IMAPHUB_GOOGLEADS_* configuration that reaches this server with
// the default credentials, through the manager account.
func (s *Server) Env() map[string]string {
	return map[string]string{
		"IMAPHUB_GOOGLEADS_API_URL":           s.URL,
		"IMAPHUB_GOOGLEADS_API_VERSION":       Version,
		"IMAPHUB_GOOGLEADS_TOKEN_URL":         s.TokenURL,
		"IMAPHUB_GOOGLEADS_CLIENT_ID":         ClientID,
		"IMAPHUB_GOOGLEADS_CLIENT_SECRET":     ClientSecret,
		"IMAPHUB_GOOGLEADS_REFRESH_TOKEN":     RefreshToken,
		"IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID": ManagerID,
		"IMAPHUB_GOOGLEADS_DEVELOPER_TOKEN":   DeveloperToken,
	}
}

var apiPath = regexp.MustCompile(`^/(v[0-9]+)/customers(?::(listAccessibleCustomers)|/([^/]+)/googleAds:(search|searchStream|mutate))$`)

// ServeHTTP answers /token, /vNN/customers:listAccessibleCustomers,
// /vNN/customers/{id}/googleAds:{search,searchStream,mutate}, and the
// control endpoints /_fake/faults (POST a JSON array of Fault) and
// /_fake/requests (GET).
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	// The request is recorded before it is answered, and its status when
	// the answer starts, so that a client that has its answer finds both.
	f.reqMu.Lock()
	f.requests = append(f.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	idx := len(f.requests) - 1
	f.reqMu.Unlock()
	rw := &recorder{ResponseWriter: w, f: f, idx: idx}
	rec := func(call, customer string) {
		f.reqMu.Lock()
		f.requests[idx].Call, f.requests[idx].CustomerID = call, customer
		f.reqMu.Unlock()
	}
	switch {
	case r.URL.Path == "/token":
		rec("token", "")
		f.serveToken(rw, r, body)
		return
	case strings.HasPrefix(r.URL.Path, "/_fake/"):
		f.serveControl(rw, r, body)
		return
	}
	m := apiPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		notFoundPage(rw, r)
		return
	}
	version := m[1]
	call := m[2]
	if call == "" {
		call = m[4]
	}
	rec(call, m[3])
	wantMethod := http.MethodPost
	if call == "listAccessibleCustomers" {
		wantMethod = http.MethodGet
	}
	current, known := f.versionState(version)
	if !known || r.Method != wantMethod {
		notFoundPage(rw, r)
		return
	}
	rid := newRequestID()
	rw.Header().Set("request-id", rid)
	c := &callCtx{f: f, w: rw, r: r, body: body, version: version, call: call, customerID: m[3], requestID: rid}
	if !current {
		f.writeError(rw, adsFailure(version, "INVALID_ARGUMENT", rid, newErr(nil, "requestError", "UNSUPPORTED_VERSION",
			"This API version has been sunset and is no longer supported.")))
		return
	}
	if err := c.authenticate(); err != nil {
		f.writeError(rw, err)
		return
	}
	if done := f.applyFault(c); done {
		return
	}
	f.handle(c)
}

// handle answers an authenticated API call.
func (f *Fake) handle(c *callCtx) {
	var err *apiError
	switch c.call {
	case "listAccessibleCustomers":
		err = c.listAccessibleCustomers()
	case "search", "searchStream":
		err = c.search()
	case "mutate":
		err = c.mutate()
	}
	if err != nil {
		f.writeError(c.w, err)
	}
}

func (f *Fake) versionState(v string) (current, known bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	current, known = f.versions[v]
	return
}

// recorder notes the status and request-id of an answer as it starts.
type recorder struct {
	http.ResponseWriter
	f      *Fake
	idx    int
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
		r.f.reqMu.Lock()
		r.f.requests[r.idx].Status, r.f.requests[r.idx].RequestID = code, r.Header().Get("request-id")
		r.f.reqMu.Unlock()
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (to drop it).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func newRequestID() string {
	b := make([]byte, 11)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:22]
}

// callCtx is one API call being answered.
type callCtx struct {
	f          *Fake
	w          http.ResponseWriter
	r          *http.Request
	body       []byte
	version    string
	call       string
	customerID string
	requestID  string
	user       string
	level      AccessLevel
}

func (c *callCtx) fail(status string, errs ...adsError) *apiError {
	return adsFailure(c.version, status, c.requestID, errs...)
}

// serveControl lets a browser test or a person inject faults into a running
// fake-googleads and read its requests.
func (f *Fake) serveControl(w http.ResponseWriter, r *http.Request, body []byte) {
	switch {
	case r.URL.Path == "/_fake/faults" && r.Method == http.MethodPost:
		var faults []Fault
		if err := json.Unmarshal(body, &faults); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "want a JSON array of faults: " + err.Error()})
			return
		}
		f.Inject(faults...)
		writeJSON(w, http.StatusOK, map[string]int{"queued": len(faults)})
	case r.URL.Path == "/_fake/requests" && r.Method == http.MethodGet:
		type summary struct {
			Call, Method, Path, CustomerID, RequestID string
			Status                                    int
		}
		var out []summary
		for _, q := range f.Requests() {
			out = append(out, summary{q.Call, q.Method, q.Path, q.CustomerID, q.RequestID, q.Status})
		}
		writeJSON(w, http.StatusOK, out)
	default:
		notFoundPage(w, r)
	}
}
