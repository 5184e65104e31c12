// Package googleadstest is a local server that speaks the Google Ads REST
// protocol (v25 shapes) and Google's OAuth 2.0 token endpoint strictly, for
// tests and manual runs. It is written from the protos and Google's
// documentation, independently of the googleads client, so that a mistake in
// the client is not mirrored here.
//
// What it enforces:
//
//   - OAuth: refresh tokens are exchanged for access tokens that expire;
//     unknown, revoked and other clients' refresh tokens are refused
//     (invalid_grant, invalid_client); an access token must carry the adwords
//     scope and the Google Ads API must be enabled for its client's project.
//   - Headers: Authorization (unknown or expired token: 401), developer-token
//     (see DeveloperTokenRule), login-customer-id (ten digits, an account the
//     user reaches, a manager above the account called), Content-Type
//     application/json.
//   - Access: an account tree of managers and clients; listAccessibleCustomers
//     answers the user's direct accounts; a client reached without its
//     manager as login customer is USER_PERMISSION_DENIED; a Test access level
//     reaches test accounts only.
//   - JSON: every field of a request must exist in the v25 message (unknown
//     names, wrong JSON types, unknown enum values and two members of one
//     oneof are refused as Google's transcoding refuses them); int64 values
//     may be strings or numbers and are answered as strings.
//   - googleAds:mutate: at most 10,000 operations; each operation exactly one
//     of create, update (with an update mask) or remove; temporary ids
//     (negative) only in the request that creates them, created before they
//     are referred to, each number once; atomic requests (all or nothing),
//     partialFailure (per-operation errors in partialFailureError, empty
//     results for failed operations), validateOnly (everything checked,
//     nothing stored); immutable fields refused in updates (the ad of an ad
//     group ad, a campaign's channel type, criteria, asset contents); the
//     validations listed in rules.go. Ids are assigned as Google does.
//   - googleAds:search and searchStream: a GAQL subset over what is stored
//     (see gaql.go), pages of PageSize rows with page tokens.
//
// Tests inject faults with Inject: short-term and daily quota errors,
// UNAVAILABLE, INTERNAL, DEADLINE_EXCEEDED, an answer lost after the request
// was handled, a connection dropped before it, a slow answer. Every request is
// recorded (Requests).
package googleadstest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Defaults of the accounts and credentials NewServer sets up.
const (
	ClientID        = "fake-client.apps.googleusercontent.com"
	ClientSecret    = "fake-client-secret"
	RefreshToken    = "fake-refresh-token"
	DeveloperToken  = "FAKEdeveloperTOKEN0123"
	UserEmail       = "ads@example.com"
	ManagerID       = "1234567890" // "IMAP Hub Manager", a manager account
	ClientAccountID = "1111111111" // "Reifen Müller", managed by ManagerID
	TestAccountID   = "2222222222" // "Reifen Müller (test)", a test account managed by ManagerID
	Version         = "v25"
)

// AccessLevel is what a developer token (before the sunset) or a Cloud
// project (after it) may do.
type AccessLevel string

const (
	AccessTest     AccessLevel = "TEST" // test accounts only
	AccessExplorer AccessLevel = "EXPLORER"
	AccessBasic    AccessLevel = "BASIC"
	AccessStandard AccessLevel = "STANDARD"
)

// DeveloperTokenRule says how the developer-token header is treated.
type DeveloperTokenRule int

const (
	// DeveloperTokenRequired is the API before 9 September 2026: the header
	// is required, must name a known token, and the token's access level
	// applies.
	DeveloperTokenRequired DeveloperTokenRule = iota
	// DeveloperTokenIgnored is the API since: the header is optional and
	// ignored; the access level is the OAuth client's Cloud project's.
	DeveloperTokenIgnored
)

// Account is a Google Ads account of the fake.
type Account struct {
	ID       string // ten digits
	Name     string
	Manager  bool
	Test     bool
	Parent   string // the manager account above it, if any
	Currency string // default EUR
	TimeZone string // default Europe/Berlin
}

type oauthClient struct {
	secret     string
	level      AccessLevel // the Cloud project's
	apiEnabled bool
}

type grant struct {
	clientID string
	user     string
	scopes   []string
	revoked  bool
}

type accessToken struct {
	user    string
	client  string
	scopes  []string
	expires time.Time
}

// Fake is the server's state. Its methods are safe for concurrent use.
type Fake struct {
	mu             sync.Mutex
	now            func() time.Time
	devTokenRule   DeveloperTokenRule
	versions       map[string]bool // true: current; false: retired
	tokenLifetime  time.Duration
	pageSize       int
	clients        map[string]*oauthClient
	grants         map[string]*grant
	tokens         map[string]*accessToken
	devTokens      map[string]AccessLevel
	accounts       map[string]*Account
	access         map[string][]string // user → accounts reached directly
	store          *store
	faults         []*Fault
	tokenRefreshes int

	// reqMu guards requests apart from mu: answers are written while mu is
	// held, and recording them must not wait for it.
	reqMu    sync.Mutex
	requests []Request
}

// New makes a fake with the default accounts and credentials: the OAuth
// client ClientID/ClientSecret (Basic access, API enabled), the refresh token
// RefreshToken of UserEmail (adwords scope), the developer token
// DeveloperToken (Basic), and the manager ManagerID over ClientAccountID and
// TestAccountID, which UserEmail reaches through the manager.
func New() *Fake {
	f := &Fake{
		now:           time.Now,
		versions:      map[string]bool{"v22": true, "v23": true, "v24": true, "v25": true},
		tokenLifetime: 3599 * time.Second,
		pageSize:      10000,
		clients:       map[string]*oauthClient{},
		grants:        map[string]*grant{},
		tokens:        map[string]*accessToken{},
		devTokens:     map[string]AccessLevel{},
		accounts:      map[string]*Account{},
		access:        map[string][]string{},
		store:         newStore(),
	}
	for v := 1; v <= 21; v++ {
		f.versions["v"+itoa(int64(v))] = false
	}
	f.AddOAuthClient(ClientID, ClientSecret, AccessBasic)
	f.AddRefreshToken(RefreshToken, ClientID, UserEmail, "https://www.googleapis.com/auth/adwords")
	f.AddDeveloperToken(DeveloperToken, AccessBasic)
	f.AddAccount(Account{ID: ManagerID, Name: "IMAP Hub Manager", Manager: true})
	f.AddAccount(Account{ID: ClientAccountID, Name: "Reifen Müller", Parent: ManagerID})
	f.AddAccount(Account{ID: TestAccountID, Name: "Reifen Müller (test)", Parent: ManagerID, Test: true})
	f.GrantAccess(UserEmail, ManagerID)
	return f
}

// SetClock replaces time.Now (token expiry).
func (f *Fake) SetClock(now func() time.Time) { f.mu.Lock(); f.now = now; f.mu.Unlock() }

// SetDeveloperTokenRule chooses the API's treatment of developer tokens.
func (f *Fake) SetDeveloperTokenRule(r DeveloperTokenRule) {
	f.mu.Lock()
	f.devTokenRule = r
	f.mu.Unlock()
}

// SetTokenLifetime sets expires_in of new access tokens (default 3599s).
func (f *Fake) SetTokenLifetime(d time.Duration) { f.mu.Lock(); f.tokenLifetime = d; f.mu.Unlock() }

// SetPageSize sets the rows per search page and stream batch (Google's is
// 10,000).
func (f *Fake) SetPageSize(n int) { f.mu.Lock(); f.pageSize = n; f.mu.Unlock() }

// RetireVersion makes calls to version answer UNSUPPORTED_VERSION.
func (f *Fake) RetireVersion(version string) { f.mu.Lock(); f.versions[version] = false; f.mu.Unlock() }

// AddOAuthClient registers an OAuth client whose Cloud project has level and
// the Google Ads API enabled.
func (f *Fake) AddOAuthClient(id, secret string, level AccessLevel) {
	f.mu.Lock()
	f.clients[id] = &oauthClient{secret: secret, level: level, apiEnabled: true}
	f.mu.Unlock()
}

// SetAPIEnabled switches the Google Ads API of a client's Cloud project.
func (f *Fake) SetAPIEnabled(clientID string, on bool) {
	f.mu.Lock()
	f.clients[clientID].apiEnabled = on
	f.mu.Unlock()
}

// SetProjectAccessLevel sets the access level of a client's Cloud project.
func (f *Fake) SetProjectAccessLevel(clientID string, level AccessLevel) {
	f.mu.Lock()
	f.clients[clientID].level = level
	f.mu.Unlock()
}

// AddRefreshToken registers a refresh token the user granted clientID.
func (f *Fake) AddRefreshToken(token, clientID, user string, scopes ...string) {
	f.mu.Lock()
	f.grants[token] = &grant{clientID: clientID, user: user, scopes: scopes}
	f.mu.Unlock()
}

// RevokeRefreshToken revokes a refresh token and the access tokens made
// from it.
func (f *Fake) RevokeRefreshToken(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g := f.grants[token]; g != nil {
		g.revoked = true
		for k, t := range f.tokens {
			if t.user == g.user && t.client == g.clientID {
				delete(f.tokens, k)
			}
		}
	}
}

// ExpireAccessTokens makes every access token issued so far expired.
func (f *Fake) ExpireAccessTokens() {
	f.mu.Lock()
	for _, t := range f.tokens {
		t.expires = f.now().Add(-time.Second)
	}
	f.mu.Unlock()
}

// TokenRefreshes counts successful refresh-token exchanges.
func (f *Fake) TokenRefreshes() int { f.mu.Lock(); defer f.mu.Unlock(); return f.tokenRefreshes }

// AddDeveloperToken registers a developer token with its access level.
func (f *Fake) AddDeveloperToken(token string, level AccessLevel) {
	f.mu.Lock()
	f.devTokens[token] = level
	f.mu.Unlock()
}

// AddAccount adds or replaces an account.
func (f *Fake) AddAccount(a Account) {
	if a.Currency == "" {
		a.Currency = "EUR"
	}
	if a.TimeZone == "" {
		a.TimeZone = "Europe/Berlin"
	}
	f.mu.Lock()
	f.accounts[a.ID] = &a
	f.mu.Unlock()
}

// GrantAccess gives a Google user direct access to an account (and through
// a manager, to the accounts under it).
func (f *Fake) GrantAccess(user, accountID string) {
	f.mu.Lock()
	if !slices.Contains(f.access[user], accountID) {
		f.access[user] = append(f.access[user], accountID)
	}
	f.mu.Unlock()
}

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

var digits10 = regexp.MustCompile(`^[0-9]{10}$`)

// authenticate checks the headers and the account access, in the order
// Google's front end and the Ads API do.
func (c *callCtx) authenticate() *apiError {
	f := c.f
	f.mu.Lock()
	defer f.mu.Unlock()
	auth := c.r.Header.Get("Authorization")
	if auth == "" {
		return &apiError{status: "UNAUTHENTICATED", message: "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
			details: []map[string]any{errorInfo("CREDENTIALS_MISSING")}}
	}
	raw, ok := strings.CutPrefix(auth, "Bearer ")
	tok := f.tokens[raw]
	invalid := &apiError{status: "UNAUTHENTICATED", message: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
		details: []map[string]any{errorInfo("ACCESS_TOKEN_TYPE_UNSUPPORTED")}}
	if !ok || raw == "" || tok == nil {
		return invalid
	}
	if !f.now().Before(tok.expires) {
		invalid.details = []map[string]any{failure(c.version, []adsError{newErr(nil, "authenticationError", "OAUTH_TOKEN_EXPIRED", "OAuth token in the header has expired.")}, c.requestID)}
		return invalid
	}
	client := f.clients[tok.client]
	if !client.apiEnabled {
		return &apiError{status: "PERMISSION_DENIED", message: "Google Ads API has not been used in project 1000 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/googleads.googleapis.com/overview?project=1000 then retry.",
			details: []map[string]any{errorInfo("SERVICE_DISABLED")}}
	}
	if !slices.Contains(tok.scopes, "https://www.googleapis.com/auth/adwords") {
		return &apiError{status: "PERMISSION_DENIED", message: "Request had insufficient authentication scopes.",
			details: []map[string]any{errorInfo("ACCESS_TOKEN_SCOPE_INSUFFICIENT")}}
	}
	c.user, c.level = tok.user, client.level
	dev := c.r.Header.Get("developer-token")
	if f.devTokenRule == DeveloperTokenRequired {
		if dev == "" {
			return c.fail("INVALID_ARGUMENT", newErr(nil, "requestError", "DEVELOPER_TOKEN_PARAMETER_MISSING", "The developer-token parameter is required for all requests."))
		}
		level, known := f.devTokens[dev]
		if !known {
			return c.fail("UNAUTHENTICATED", newErr(nil, "authenticationError", "DEVELOPER_TOKEN_INVALID", "The developer token is not valid."))
		}
		c.level = level
	}
	if c.call == "mutate" || c.call == "search" || c.call == "searchStream" {
		if ct := c.r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			return &apiError{status: "INVALID_ARGUMENT", message: "Invalid JSON payload received. Content-Type " + ct + " is not application/json.",
				details: []map[string]any{badRequest("", "Invalid JSON payload received.")}}
		}
	}
	login := c.r.Header.Get("login-customer-id")
	if login != "" && (!digits10.MatchString(login) || f.accounts[login] == nil) {
		return c.fail("UNAUTHENTICATED", newErr(nil, "headerError", "INVALID_LOGIN_CUSTOMER_ID", "The login customer ID could not be validated."))
	}
	if c.call == "listAccessibleCustomers" {
		return nil
	}
	if !digits10.MatchString(c.customerID) {
		return c.fail("INVALID_ARGUMENT", newErr(nil, "requestError", "INVALID_CUSTOMER_ID", "Customer ID is invalid.").withTrigger(c.customerID))
	}
	target := f.accounts[c.customerID]
	if target == nil {
		return c.fail("UNAUTHENTICATED", newErr(nil, "authenticationError", "CUSTOMER_NOT_FOUND", "No customer found for the provided customer ID."))
	}
	denied := c.fail("PERMISSION_DENIED", newErr(nil, "authorizationError", "USER_PERMISSION_DENIED",
		"User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer ID must be set in the 'login-customer-id' header. See https://developers.google.com/google-ads/api/docs/concepts/call-structure#cid"))
	if login == "" {
		if !slices.Contains(f.access[c.user], c.customerID) {
			return denied
		}
	} else if !f.reaches(c.user, login) || !f.isUnder(c.customerID, login) {
		return denied
	}
	if !target.Test && c.level == AccessTest {
		if f.devTokenRule == DeveloperTokenRequired {
			return c.fail("PERMISSION_DENIED", newErr(nil, "authorizationError", "DEVELOPER_TOKEN_NOT_APPROVED",
				"The developer token is only approved for use with test accounts. To access non-test accounts, apply for Basic or Standard access."))
		}
		return c.fail("PERMISSION_DENIED", newErr(nil, "authorizationError", "CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION",
			"The Google Cloud project is only approved for use with test accounts. To access non-test accounts, apply for Explorer, Basic or Standard access."))
	}
	return nil
}

// reaches reports whether user can act as account: direct access to it or to
// a manager above it. Called with f.mu held.
func (f *Fake) reaches(user, account string) bool {
	for _, a := range f.access[user] {
		if f.isUnder(account, a) {
			return true
		}
	}
	return false
}

// isUnder reports whether account is manager or lies below it. Called with
// f.mu held.
func (f *Fake) isUnder(account, manager string) bool {
	for id, hops := account, 0; id != "" && hops < 20; hops++ {
		if id == manager {
			return true
		}
		a := f.accounts[id]
		if a == nil {
			return false
		}
		id = a.Parent
	}
	return false
}

func (c *callCtx) listAccessibleCustomers() *apiError {
	c.f.mu.Lock()
	ids := slices.Clone(c.f.access[c.user])
	c.f.mu.Unlock()
	slices.Sort(ids)
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = "customers/" + id
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"resourceNames": names})
	return nil
}

// serveToken is the OAuth 2.0 token endpoint (refresh_token grant).
func (f *Fake) serveToken(w http.ResponseWriter, r *http.Request, body []byte) {
	oauthErr := func(status int, code, desc string) {
		writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
	}
	if r.Method != http.MethodPost {
		oauthErr(http.StatusMethodNotAllowed, "invalid_request", "The token endpoint takes POST.")
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		oauthErr(http.StatusBadRequest, "invalid_request", "Invalid Content-Type: want application/x-www-form-urlencoded.")
		return
	}
	if f.tokenFault(w) {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		oauthErr(http.StatusBadRequest, "invalid_request", "The request body is not form-encoded.")
		return
	}
	if gt := form.Get("grant_type"); gt != "refresh_token" {
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+gt)
		return
	}
	id, secret := form.Get("client_id"), form.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	client := f.clients[id]
	switch {
	case client == nil:
		oauthErr(http.StatusUnauthorized, "invalid_client", "The OAuth client was not found.")
		return
	case client.secret != secret:
		oauthErr(http.StatusUnauthorized, "invalid_client", "Unauthorized")
		return
	}
	rt := form.Get("refresh_token")
	if rt == "" {
		oauthErr(http.StatusBadRequest, "invalid_request", "Missing required parameter: refresh_token")
		return
	}
	g := f.grants[rt]
	switch {
	case g == nil || g.revoked:
		oauthErr(http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked.")
		return
	case g.clientID != id:
		oauthErr(http.StatusUnauthorized, "unauthorized_client", "Unauthorized")
		return
	}
	access := "ya29.fake-" + newRequestID()
	f.tokens[access] = &accessToken{user: g.user, client: id, scopes: g.scopes, expires: f.now().Add(f.tokenLifetime)}
	f.tokenRefreshes++
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access, "expires_in": int64(f.tokenLifetime / time.Second),
		"scope": strings.Join(g.scopes, " "), "token_type": "Bearer",
	})
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
