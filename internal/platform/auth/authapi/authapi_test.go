package authapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/auth/authapi"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func sessionCookie(t *testing.T, r *apptest.Response) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "imaphub_session" {
			return c
		}
	}
	t.Fatalf("no session cookie in %v", r.Header)
	return nil
}

func login(t *testing.T, e *apptest.Env, c *http.Client, email, password string) *apptest.Response {
	t.Helper()
	return e.Send(t, c, "POST", "/api/auth/login", map[string]string{"email": email, "password": password})
}

func TestLocalSessionLifecycle(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.StartWith(t, d, authapi.Config{Mode: "local", CookieSecure: true})
		c := browser(t)
		if r := e.Send(t, c, "GET", "/api/me", nil); r.Status != 401 {
			t.Fatalf("anonymous /api/me: %d", r.Status)
		}
		r := login(t, e, c, "editor@example.com", apptest.Password)
		if r.Status != 200 {
			t.Fatalf("login: %d %s", r.Status, r.Body)
		}
		first := sessionCookie(t, r)
		if !first.HttpOnly || !first.Secure || first.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie flags: HttpOnly=%v Secure=%v SameSite=%v", first.HttpOnly, first.Secure, first.SameSite)
		}
		// The test server is plain http; send the Secure cookie ourselves.
		use := func(cookie *http.Cookie) []string { return []string{"Cookie", cookie.Name + "=" + cookie.Value} }
		me := e.Send(t, http.DefaultClient, "GET", "/api/me", nil, use(first)...).Map(t)
		if me["role"] != "editor" || me["via"] != "session" {
			t.Fatalf("me = %v", me)
		}
		// Session fixation: signing in again with the old cookie yields a new token.
		r = e.Send(t, http.DefaultClient, "POST", "/api/auth/login", map[string]string{"email": "editor@example.com", "password": apptest.Password}, use(first)...)
		second := sessionCookie(t, r)
		if second.Value == first.Value {
			t.Fatal("session token unchanged at sign-in")
		}
		// A session from another browser, then sign out everywhere from this one.
		other := sessionCookie(t, login(t, e, browser(t), "editor@example.com", apptest.Password))
		if s := e.Send(t, http.DefaultClient, "GET", "/api/me", nil, use(other)...).Status; s != 200 {
			t.Fatalf("second session: %d", s)
		}
		if s := e.Send(t, http.DefaultClient, "POST", "/api/auth/logout-everywhere", nil, use(second)...).Status; s != 204 {
			t.Fatalf("logout everywhere: %d", s)
		}
		for _, ck := range []*http.Cookie{first, second, other} {
			if s := e.Send(t, http.DefaultClient, "GET", "/api/me", nil, use(ck)...).Status; s != 401 {
				t.Errorf("session after sign-out everywhere: %d, want 401", s)
			}
		}
		// Plain sign-out ends just that session.
		third := sessionCookie(t, login(t, e, browser(t), "editor@example.com", apptest.Password))
		e.Send(t, http.DefaultClient, "POST", "/api/auth/logout", nil, use(third)...)
		if s := e.Send(t, http.DefaultClient, "GET", "/api/me", nil, use(third)...).Status; s != 401 {
			t.Errorf("session after sign-out: %d, want 401", s)
		}
		// A disabled user's session dies with the next request.
		fourth := sessionCookie(t, login(t, e, browser(t), "viewer@example.com", apptest.Password))
		e.Must(t, 200, "PATCH", "/api/users/"+itoa(e.Users[auth.Viewer].ID), map[string]any{"disabled": true})
		if s := e.Send(t, http.DefaultClient, "GET", "/api/me", nil, use(fourth)...).Status; s != 401 {
			t.Errorf("disabled user's session: %d, want 401", s)
		}
		if s := login(t, e, browser(t), "viewer@example.com", apptest.Password).Status; s != 401 {
			t.Errorf("disabled user's sign-in: %d, want 401", s)
		}
	})
}

func itoa(n int64) string { return strings.TrimSpace(strings.Replace(jsonNum(n), "\n", "", -1)) }

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestSignInIsRateLimited(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	e := apptest.Start(t, d)
	c := browser(t)
	for i := 0; i < auth.MaxFailsPerAccountClient; i++ {
		if r := login(t, e, c, "admin@example.com", "wrong password "+itoa(int64(i))); r.Status != 401 {
			t.Fatalf("attempt %d: %d", i, r.Status)
		}
	}
	r := login(t, e, c, "admin@example.com", apptest.Password)
	if r.Status != 429 {
		t.Fatalf("sign-in after %d failures: %d, want 429", auth.MaxFailsPerAccountClient, r.Status)
	}
	checkRetryAfter(t, r)
	// An unknown account is refused exactly like a wrong password.
	r = login(t, e, c, "nobody@example.com", "whatever")
	if r.Status != 401 || strings.Contains(string(r.Body), "nobody") {
		t.Errorf("unknown account: %d %s", r.Status, r.Body)
	}
}

func TestTokens(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		ctx := context.Background()
		campaign := map[string]any{"name": "T", "type": "SEARCH", "budget_micros": 1, "currency": "EUR"}
		bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
		send := func(tok, method, path string, body any) int {
			return e.Send(t, http.DefaultClient, method, path, body, bearer(tok)...).Status
		}
		// Created through the API, shown once, capped below its user.
		var created struct {
			ID    int64  `json:"id"`
			Token string `json:"token"`
		}
		r := e.DoAs(t, auth.Editor, "POST", "/api/tokens", map[string]any{"name": "ci", "role": "viewer"})
		r.JSON(t, &created)
		if r.Status != 201 || !strings.HasPrefix(created.Token, "imh_") {
			t.Fatalf("create token: %d %s", r.Status, r.Body)
		}
		if s := send(created.Token, "GET", "/api/campaigns", nil); s != 200 {
			t.Errorf("capped token read: %d", s)
		}
		if s := send(created.Token, "POST", "/api/campaigns", campaign); s != 403 {
			t.Errorf("viewer-capped token wrote: %d, want 403", s)
		}
		if list := e.DoAs(t, auth.Editor, "GET", "/api/tokens", nil); strings.Contains(string(list.Body), created.Token) {
			t.Error("token secret listed after creation")
		}
		if s := e.DoAs(t, auth.Editor, "POST", "/api/tokens", map[string]any{"name": "up", "role": "admin"}).Status; s != 422 {
			t.Errorf("token above its user's role: %d, want 422", s)
		}
		// Never more powerful than its user, even after a demotion.
		if s := send(e.Tokens[auth.Editor], "POST", "/api/campaigns", campaign); s != 201 {
			t.Fatalf("editor token write: %d", s)
		}
		if _, err := e.App.Users.SetRole(ctx, e.Users[auth.Editor].ID, auth.Viewer); err != nil {
			t.Fatal(err)
		}
		if s := send(e.Tokens[auth.Editor], "POST", "/api/campaigns", map[string]any{"name": "T2", "type": "SEARCH", "budget_micros": 1, "currency": "EUR"}); s != 403 {
			t.Errorf("demoted user's token wrote: %d, want 403", s)
		}
		// Revoked, expired, malformed and foreign tokens: 401 with nothing to learn.
		if s := e.DoAs(t, auth.Editor, "DELETE", "/api/tokens/"+itoa(created.ID), nil).Status; s != 204 {
			t.Fatalf("revoke: %d", s)
		}
		_, expired, err := e.App.Users.CreateToken(ctx, e.Users[auth.Admin].ID, "short", nil, ptr(time.Now().Add(time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.WriteDB().Exec(d.Q(`UPDATE api_tokens SET expires_at = ? WHERE name = 'short'`), time.Now().Add(-time.Minute).UTC()); err != nil {
			t.Fatal(err)
		}
		bodies := map[string]bool{}
		for name, tok := range map[string]string{"revoked": created.Token, "expired": expired, "malformed": "imh_", "foreign": "ghp_abcdefabcdef", "garbage": "Basic dXNlcjpwYXNz"} {
			headers := bearer(tok)
			if name == "garbage" {
				headers = []string{"Authorization", tok}
			}
			r := e.Send(t, http.DefaultClient, "GET", "/api/campaigns", nil, headers...)
			if r.Status != 401 {
				t.Errorf("%s token: %d, want 401", name, r.Status)
			}
			bodies[string(r.Body)] = true
		}
		if len(bodies) != 1 {
			t.Errorf("401 bodies differ between bad tokens, telling them apart: %v", bodies)
		}
		if strings.Contains(e.Logs.String(), created.Token) || strings.Contains(e.Logs.String(), expired) {
			t.Error("a token appears in the logs")
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestCrossSiteWriteRefused(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	e := apptest.Start(t, d)
	r := e.Do(t, "POST", "/api/campaigns", map[string]any{"name": "X", "type": "SEARCH", "budget_micros": 1, "currency": "EUR"}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	if r.Status != 403 {
		t.Fatalf("cross-site POST: %d, want 403", r.Status)
	}
	var n int
	d.Read().QueryRow(context.Background(), `SELECT count(*) FROM campaigns`).Scan(&n)
	if n != 0 {
		t.Fatal("cross-site POST wrote")
	}
}

func TestAuditLogRecordsWritesWithoutSecrets(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		c := e.Must(t, 201, "POST", "/api/campaigns", map[string]any{"name": "Audited", "type": "SEARCH", "budget_micros": 1, "currency": "EUR"}).Map(t)
		id := itoa(int64(c["id"].(float64)))
		e.Must(t, 200, "PATCH", "/api/campaigns/"+id, map[string]any{"budget_micros": 2})
		e.Must(t, 200, "PATCH", "/api/users/"+itoa(e.Users[auth.Viewer].ID), map[string]any{"password": "a brand new password 123"})
		e.Do(t, "POST", "/api/campaigns", map[string]any{"name": "bad"}) // refused: not audited
		if s := login(t, e, browser(t), "editor@example.com", apptest.Password).Status; s != 200 {
			t.Fatal("login")
		}
		var page struct {
			Items []auth.AuditEntry `json:"items"`
		}
		e.Must(t, 200, "GET", "/api/audit?entity=campaigns&entity_id="+id, nil).JSON(t, &page)
		if len(page.Items) != 2 || page.Items[0].Action != "update-campaign" || page.Items[1].Action != "create-campaign" || page.Items[0].Actor != "admin@example.com" {
			t.Fatalf("campaign audit = %+v", page.Items)
		}
		if !strings.Contains(string(page.Items[0].Summary), `"budget_micros":2`) {
			t.Errorf("summary of the change: %s", page.Items[0].Summary)
		}
		all := e.Must(t, 200, "GET", "/api/audit", nil)
		if strings.Contains(string(all.Body), "a brand new password") || !strings.Contains(string(all.Body), `"password":"(redacted)"`) {
			t.Errorf("password in the audit log or not redacted: %s", all.Body)
		}
		if !strings.Contains(string(all.Body), `"action":"sign-in"`) {
			t.Error("sign-in not audited")
		}
		if s := e.DoAs(t, auth.Publisher, "GET", "/api/audit", nil).Status; s != 403 {
			t.Errorf("audit as publisher: %d, want 403", s)
		}
		// Append-only in the database itself.
		if _, err := d.WriteDB().Exec(`UPDATE audit_log SET actor = 'someone else'`); err == nil {
			t.Error("audit_log accepted an UPDATE")
		}
		if _, err := d.WriteDB().Exec(`DELETE FROM audit_log`); err == nil {
			t.Error("audit_log accepted a DELETE")
		}
		for _, secret := range []string{apptest.Password, "a brand new password", e.Tokens[auth.Admin]} {
			if strings.Contains(e.Logs.String(), secret) {
				t.Errorf("secret %q in the logs", secret[:6])
			}
		}
	})
}

// --- OIDC against a real OIDC provider (mockoidc) on a random port.

// Tenant is the Entra ID tenant the OIDC tests' server accepts.
const tenant = "6f3b1c9e-0d7a-4b8e-9c2f-1a2b3c4d5e6f"

type entraUser struct {
	sub, email string
	roles      []string
	tid, oid   string
	// emailVerified and edov set the email_verified and xms_edov claims.
	emailVerified, edov bool
	tamper              func(*mockoidc.IDTokenClaims)
}

func (u *entraUser) ID() string { return u.sub }
func (u *entraUser) Userinfo([]string) ([]byte, error) {
	return json.Marshal(map[string]string{"sub": u.sub, "email": u.email})
}
func (u *entraUser) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	if u.tamper != nil {
		u.tamper(base)
	}
	return &struct {
		*mockoidc.IDTokenClaims
		Email         string   `json:"email"`
		Name          string   `json:"name"`
		Roles         []string `json:"roles,omitempty"`
		Tid           string   `json:"tid,omitempty"`
		Oid           string   `json:"oid,omitempty"`
		EmailVerified bool     `json:"email_verified,omitempty"`
		Edov          bool     `json:"xms_edov,omitempty"`
	}{base, u.email, "Erika Mustermann", u.roles, u.tid, u.oid, u.emailVerified, u.edov}, nil
}

type oidcEnv struct {
	*apptest.Env
	mock *mockoidc.MockOIDC
	cfg  authapi.Config
	// corrupt, when set, alters the signature of ID tokens the provider issues.
	corrupt atomic.Bool
}

func startOIDC(t *testing.T, d *db.DB) *oidcEnv {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	o := &oidcEnv{mock: m}
	if err := m.AddMiddleware(o.corruptSignatures); err != nil {
		t.Fatal(err)
	}
	if err := m.AddMiddleware(publishEndSession); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	cfg := m.Config()
	o.cfg = authapi.Config{Mode: "oidc", OIDC: &authapi.OIDCConfig{
		Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		RedirectURL: "http://hub.invalid/api/auth/oidc/callback", TenantID: tenant,
	}}
	o.Env = apptest.StartWith(t, d, o.cfg)
	return o
}

// publishEndSession adds an end_session_endpoint to the provider's discovery
// document, as Entra ID publishes one (mockoidc has none).
func publishEndSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration") {
			next.ServeHTTP(w, r)
			return
		}
		rec := &recorder{header: http.Header{}}
		next.ServeHTTP(rec, r)
		var doc map[string]any
		json.Unmarshal(rec.body, &doc)
		doc["end_session_endpoint"] = strings.TrimSuffix(doc["issuer"].(string), "/") + "/logout"
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(doc)
	})
}

func (o *oidcEnv) corruptSignatures(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !o.corrupt.Load() || !strings.HasSuffix(r.URL.Path, "/token") {
			next.ServeHTTP(w, r)
			return
		}
		rec := &recorder{header: http.Header{}}
		next.ServeHTTP(rec, r)
		var body map[string]any
		json.Unmarshal(rec.body, &body)
		if tok, ok := body["id_token"].(string); ok {
			parts := strings.Split(tok, ".")
			parts[2] = strings.Repeat("A", len(parts[2]))
			body["id_token"] = strings.Join(parts, ".")
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(body)
	})
}

// signInFlow runs the browser's part: our login redirect, the provider's
// authorize endpoint, our callback. mutate may change the authorize URL or
// the callback query. It returns the callback's response.
func (o *oidcEnv) signInFlow(t *testing.T, c *http.Client, user *entraUser, mutateAuthorize func(url.Values), mutateCallback func(url.Values)) *apptest.Response {
	t.Helper()
	return o.signInFlowVia(t, c, c, o.Env, user, mutateAuthorize, mutateCallback)
}

// signInFlowVia is signInFlow with the callback sent by the browser
// returning (which may be another browser) to the server finish (which may be another
// instance on the same database).
func (o *oidcEnv) signInFlowVia(t *testing.T, c, returning *http.Client, finish *apptest.Env, user *entraUser, mutateAuthorize func(url.Values), mutateCallback func(url.Values)) *apptest.Response {
	t.Helper()
	o.mock.QueueUser(user)
	r := o.Send(t, c, "GET", "/api/auth/oidc/login?return_to=/campaigns", nil)
	if r.Status != 302 {
		t.Fatalf("login redirect: %d %s", r.Status, r.Body)
	}
	authURL, _ := url.Parse(r.Header.Get("Location"))
	q := authURL.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("authorize URL lacks PKCE, nonce or state: %s", authURL)
	}
	if mutateAuthorize != nil {
		mutateAuthorize(q)
		authURL.RawQuery = q.Encode()
	}
	res, err := c.Get(authURL.String())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, _ := url.Parse(res.Header.Get("Location"))
	cq := back.Query()
	if mutateCallback != nil {
		mutateCallback(cq)
	}
	return finish.Send(t, returning, "GET", "/api/auth/oidc/callback?"+cq.Encode(), nil)
}

func TestOIDCSignIn(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		o := startOIDC(t, d)
		c := browser(t)
		pre := o.Send(t, c, "GET", "/api/auth/config", nil).Map(t)
		if pre["mode"] != "oidc" || pre["oidc_login_path"] != "/api/auth/oidc/login" {
			t.Fatalf("auth config = %v", pre)
		}
		// Where the browser goes after signing out, to end the Microsoft session too.
		logout, _ := url.Parse(fmt.Sprint(pre["oidc_logout_url"]))
		if logout.Path != "/oidc/logout" || logout.Query().Get("post_logout_redirect_uri") != "http://hub.invalid/" || logout.Query().Get("client_id") != o.mock.ClientID {
			t.Errorf("oidc_logout_url = %v", pre["oidc_logout_url"])
		}
		u := &entraUser{sub: "sub-1", oid: oidErika, email: "Erika@Example.com", roles: []string{"ImapHub.Publisher", "Unrelated"}, tid: tenant}
		r := o.signInFlow(t, c, u, nil, nil)
		if r.Status != 302 || r.Header.Get("Location") != "/campaigns" {
			t.Fatalf("callback: %d %s %s", r.Status, r.Header.Get("Location"), r.Body)
		}
		me := o.Send(t, c, "GET", "/api/me", nil).Map(t)
		user := me["user"].(map[string]any)
		if me["role"] != "publisher" || user["email"] != "erika@example.com" || user["oidc"] != true || user["entra_object_id"] != oidErika || user["entra_tenant_id"] != tenant {
			t.Fatalf("me after OIDC sign-in = %v", me)
		}
		// Password sign-in is off in oidc mode.
		if s := login(t, o.Env, browser(t), "admin@example.com", apptest.Password).Status; s != 409 {
			t.Errorf("password sign-in in oidc mode: %d, want 409", s)
		}
		// The same identity again: same user, role follows the claim.
		u.roles = []string{"ImapHub.Viewer"}
		c2 := browser(t)
		if r := o.signInFlow(t, c2, u, nil, nil); r.Status != 302 {
			t.Fatalf("second sign-in: %d %s", r.Status, r.Body)
		}
		me2 := o.Send(t, c2, "GET", "/api/me", nil).Map(t)
		if me2["role"] != "viewer" || me2["user"].(map[string]any)["id"] != user["id"] {
			t.Errorf("second sign-in = %v", me2)
		}
	})
}

func TestOIDCTamperedFlowsAreRefused(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	o := startOIDC(t, d)
	good := func() *entraUser {
		return &entraUser{sub: "sub-2", oid: oidMax, email: "max@example.com", roles: []string{"ImapHub.Editor"}, tid: tenant}
	}
	cases := map[string]struct {
		user      func() *entraUser
		authorize func(url.Values)
		callback  func(url.Values)
		reason    string
	}{
		"wrong state":    {good, nil, func(q url.Values) { q.Set("state", "forged") }, "state does not match"},
		"missing state":  {good, nil, func(q url.Values) { q.Del("state") }, "state does not match"},
		"injected nonce": {good, func(q url.Values) { q.Set("nonce", "attacker-nonce") }, nil, "nonce does not match"},
		"wrong PKCE":     {good, func(q url.Values) { q.Set("code_challenge", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") }, nil, "code exchange failed"},
		"wrong issuer": {func() *entraUser {
			u := good()
			u.tamper = func(c *mockoidc.IDTokenClaims) { c.Issuer = "https://evil.example" }
			return u
		}, nil, nil, "ID token rejected"},
		"wrong audience": {func() *entraUser {
			u := good()
			u.tamper = func(c *mockoidc.IDTokenClaims) { c.Audience = jwt.ClaimStrings{"other-app"} }
			return u
		}, nil, nil, "ID token rejected"},
		"expired": {func() *entraUser {
			u := good()
			u.tamper = func(c *mockoidc.IDTokenClaims) { c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Hour)) }
			return u
		}, nil, nil, "ID token rejected"},
		"foreign tenant": {func() *entraUser { u := good(); u.tid = otherTenant; return u }, nil, nil, "tenant not allowed"},
		"no tenant":      {func() *entraUser { u := good(); u.tid = ""; return u }, nil, nil, "tenant not allowed"},
		"no object id":   {func() *entraUser { u := good(); u.oid = ""; return u }, nil, nil, "no tenant id (tid) or object id (oid)"},
		"no role":        {func() *entraUser { u := good(); u.roles = nil; return u }, nil, nil, "no IMAP Hub role"},
		"provider error": {good, nil, func(q url.Values) { q.Set("error", "access_denied") }, "provider returned an error"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := browser(t)
			r := o.signInFlow(t, c, tc.user(), tc.authorize, tc.callback)
			if r.Status != 401 {
				t.Fatalf("status %d, want 401: %s", r.Status, r.Body)
			}
			if s := o.Send(t, c, "GET", "/api/me", nil).Status; s != 401 {
				t.Errorf("signed in after a refused flow: %d", s)
			}
			if !strings.Contains(o.Logs.String(), tc.reason) {
				t.Errorf("refusal not logged with reason %q", tc.reason)
			}
		})
	}
	// A bad signature: the token endpoint's answer is altered in transit.
	t.Run("bad signature", func(t *testing.T) {
		o.corrupt.Store(true)
		defer o.corrupt.Store(false)
		if r := o.signInFlow(t, browser(t), good(), nil, nil); r.Status != 401 {
			t.Fatalf("bad signature: %d", r.Status)
		}
	})
}

type recorder struct {
	header http.Header
	body   []byte
	status int
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { r.body = append(r.body, b...); return len(b), nil }
func (r *recorder) WriteHeader(s int)           { r.status = s }

// A change made by another process (another instance, or the CLI) reaches
// this server's cache: on SQLite with the very next request (the WAL-index
// header moved), on PostgreSQL once the commit's notification arrives.
func TestRevocationElsewhereReachesTheCache(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		tok := e.Tokens[auth.Editor]
		get := func() int {
			return e.Send(t, http.DefaultClient, "GET", "/api/me", nil, "Authorization", "Bearer "+tok).Status
		}
		for range 3 {
			if s := get(); s != 200 {
				t.Fatalf("before: %d", s)
			}
		}
		// Another process's view of the same database: its own connections.
		od := openAgain(t, d)
		other := auth.NewService(od, apptest.Fast)
		tokens, err := other.Tokens(context.Background(), e.Users[auth.Editor].ID)
		if err != nil || len(tokens) != 1 {
			t.Fatal(tokens, err)
		}
		if err := other.RevokeToken(context.Background(), 0, tokens[0].ID); err != nil {
			t.Fatal(err)
		}
		if d.Engine == db.SQLite {
			if s := get(); s != 401 {
				t.Fatalf("token revoked by another process: the next request got %d, want 401", s)
			}
			return
		}
		deadline := time.Now().Add(2 * time.Second)
		for get() != 401 {
			if time.Now().After(deadline) {
				t.Fatal("token revoked by another process still accepted after 2s")
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

// openAgain opens the database d is open on with connections of its own,
// as another process would.
func openAgain(t *testing.T, d *db.DB) *db.DB {
	t.Helper()
	ctx := context.Background()
	var od *db.DB
	var err error
	if d.Engine == db.Postgres {
		od, err = db.Open(ctx, db.Config{URL: d.DSN()})
	} else {
		var file string
		if err = d.Read().QueryRow(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
			t.Fatal(err)
		}
		od, err = db.OpenSQLiteFile(ctx, file, 1)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { od.Close() })
	return od
}

// Behind a trusted reverse proxy, failed sign-ins count against the client
// the proxy names, so one client cannot lock everyone out; a header from an
// untrusted peer is ignored.
func TestRateLimitBehindATrustedProxy(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	e := apptest.StartWith(t, d, authapi.Config{Mode: "local", TrustedProxies: []*net.IPNet{loopback}})
	attempt := func(from, email string) int {
		return e.Send(t, http.DefaultClient, "POST", "/api/auth/login", map[string]string{"email": email, "password": "wrong password"}, "X-Forwarded-For", from).Status
	}
	for i := 0; i < auth.MaxFailsPerClient; i++ {
		if s := attempt("10.1.1.1, 203.0.113.7", fmt.Sprintf("u%d@example.com", i)); s != 401 {
			t.Fatalf("attempt %d: %d", i, s)
		}
	}
	if s := attempt("203.0.113.7", "someone@example.com"); s != 429 {
		t.Errorf("the limited client: %d, want 429", s)
	}
	if s := attempt("198.51.100.9", "someone@example.com"); s != 401 {
		t.Errorf("another client behind the same proxy: %d, want 401", s)
	}
}
