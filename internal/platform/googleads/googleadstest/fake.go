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
//     (see gaql.go), pages of PageSize rows with page tokens; statistics
//     by day (metrics.*, segments.date) from a deterministic generator
//     (see reports.go), streamed batch by batch.
//
// Tests inject faults with Inject: short-term and daily quota errors,
// UNAVAILABLE, INTERNAL, DEADLINE_EXCEEDED, an answer lost after the request
// was handled, a connection dropped before it, a slow answer. Every request is
// recorded (Requests).
package googleadstest

import (
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
	reports        reportState // statistics, reports.go

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
