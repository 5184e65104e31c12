package googleadstest

import (
	"net/http"
	"net/url"
	"strings"
	"time"
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
