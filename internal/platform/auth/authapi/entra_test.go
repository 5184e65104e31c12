package authapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/auth/authapi"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// Object ids of Entra ID identities in the tests.
const (
	otherTenant = "0b7e4d2a-5c1f-4e3b-8a9d-7f6e5d4c3b2a"
	oidErika    = "11111111-2222-4333-8444-555555555555"
	oidMax      = "22222222-3333-4444-8555-666666666666"
	oidMallory  = "33333333-4444-4555-8666-777777777777"
)

func userByEmail(t *testing.T, e *apptest.Env, email string) map[string]any {
	t.Helper()
	var users []map[string]any
	e.Must(t, 200, "GET", "/api/users", nil).JSON(t, &users)
	for _, u := range users {
		if u["email"] == email {
			return u
		}
	}
	t.Fatalf("no user %s", email)
	return nil
}

// An account an admin created for a colleague's first Microsoft sign-in is
// bound to the identity presenting its email only when Entra says the email
// is verified; afterwards the link is the object id, not the email.
func TestOIDCPreCreatedAccountIsBoundOnlyThroughAVerifiedEmail(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		o := startOIDC(t, d)
		pre := o.Must(t, 201, "POST", "/api/users", map[string]any{"email": "erika@example.com", "role": "editor"}).Map(t)
		// Someone whose mail attribute says erika@example.com, unverified.
		mallory := &entraUser{sub: "sub-m", oid: oidMallory, email: "erika@example.com", roles: []string{"ImapHub.Admin"}, tid: tenant}
		c := browser(t)
		if r := o.signInFlow(t, c, mallory, nil, nil); r.Status != 401 {
			t.Fatalf("unverified email took over the pre-created account: %d", r.Status)
		}
		if !strings.Contains(o.Logs.String(), "does not say the email is verified") {
			t.Error("refusal not logged with its reason")
		}
		if u := userByEmail(t, o.Env, "erika@example.com"); u["entra_object_id"] != nil || u["role"] != "editor" {
			t.Fatalf("account changed by a refused sign-in: %v", u)
		}
		// Erika, whose token carries xms_edov (email domain owner verified).
		erika := &entraUser{sub: "sub-e", oid: oidErika, email: "erika@example.com", roles: []string{"ImapHub.Editor"}, tid: tenant, edov: true}
		if r := o.signInFlow(t, c, erika, nil, nil); r.Status != 302 {
			t.Fatalf("verified owner: %d %s", r.Status, r.Body)
		}
		me := o.Send(t, c, "GET", "/api/me", nil).Map(t)["user"].(map[string]any)
		if me["id"] != pre["id"] || me["entra_object_id"] != oidErika {
			t.Fatalf("verified owner signed in as %v, want the pre-created account", me)
		}
		// Linked by object id: another subject (another app registration)
		// and another email still reach the same account.
		erika2 := &entraUser{sub: "sub-e-other-app", oid: oidErika, email: "erika.m@example.com", roles: []string{"ImapHub.Editor"}, tid: tenant}
		c2 := browser(t)
		if r := o.signInFlow(t, c2, erika2, nil, nil); r.Status != 302 {
			t.Fatalf("same object id, new subject and email: %d", r.Status)
		}
		if id := o.Send(t, c2, "GET", "/api/me", nil).Map(t)["user"].(map[string]any)["id"]; id != pre["id"] {
			t.Errorf("same object id reached user %v, want %v", id, pre["id"])
		}
		// Once bound, even a verified email of another identity does not move it.
		mallory.emailVerified = true
		if r := o.signInFlow(t, browser(t), mallory, nil, nil); r.Status != 401 {
			t.Errorf("another identity with the bound account's verified email: %d, want 401", r.Status)
		}
		// email_verified counts like xms_edov.
		o.Must(t, 201, "POST", "/api/users", map[string]any{"email": "max@example.com", "role": "viewer"})
		max := &entraUser{sub: "sub-x", oid: oidMax, email: "max@example.com", roles: []string{"ImapHub.Viewer"}, tid: tenant, emailVerified: true}
		if r := o.signInFlow(t, browser(t), max, nil, nil); r.Status != 302 {
			t.Errorf("email_verified owner: %d", r.Status)
		}
	})
}

// Without a verified email, an admin links the account to the object id.
func TestAdminLinksAnAccountToAnEntraIdentity(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		o := startOIDC(t, d)
		pre := o.Must(t, 201, "POST", "/api/users", map[string]any{"email": "max@example.com", "role": "viewer"}).Map(t)
		path := "/api/users/" + itoa(int64(pre["id"].(float64))) + "/entra-identity"
		max := &entraUser{sub: "sub-x", oid: oidMax, email: "max@example.com", roles: []string{"ImapHub.Viewer"}, tid: tenant}
		if r := o.signInFlow(t, browser(t), max, nil, nil); r.Status != 401 {
			t.Fatalf("unverified email before the admin's link: %d", r.Status)
		}
		for _, tc := range []struct {
			body     map[string]any
			status   int
			location string
		}{
			{map[string]any{"object_id": "max"}, 422, "body.object_id"},
			{map[string]any{"object_id": oidMax, "tenant_id": otherTenant}, 422, "body.tenant_id"},
			{map[string]any{"object_id": oidMax, "tenant_id": "not a guid"}, 422, "body.tenant_id"},
		} {
			r := o.Do(t, "PUT", path, tc.body)
			if r.Status != tc.status || !strings.Contains(string(r.Body), `"location":"`+tc.location+`"`) {
				t.Errorf("link %v: %d %s, want %d naming %s", tc.body, r.Status, r.Body, tc.status, tc.location)
			}
		}
		linked := o.Must(t, 200, "PUT", path, map[string]any{"object_id": strings.ToUpper(oidMax)}).Map(t)
		if linked["entra_object_id"] != oidMax || linked["entra_tenant_id"] != tenant {
			t.Fatalf("linked = %v", linked)
		}
		c := browser(t)
		if r := o.signInFlow(t, c, max, nil, nil); r.Status != 302 {
			t.Fatalf("sign-in after the admin's link: %d", r.Status)
		}
		if id := o.Send(t, c, "GET", "/api/me", nil).Map(t)["user"].(map[string]any)["id"]; id != pre["id"] {
			t.Errorf("signed in as %v, want %v", id, pre["id"])
		}
		// One identity, one account.
		other := o.Must(t, 201, "POST", "/api/users", map[string]any{"email": "other@example.com", "role": "viewer"}).Map(t)
		r := o.Do(t, "PUT", "/api/users/"+itoa(int64(other["id"].(float64)))+"/entra-identity", map[string]any{"object_id": oidMax})
		if r.Status != 409 {
			t.Errorf("linking an identity linked elsewhere: %d, want 409", r.Status)
		}
		// Unlinking ends the user's sessions.
		o.Must(t, 200, "DELETE", path, nil)
		if s := o.Send(t, c, "GET", "/api/me", nil).Status; s != 401 {
			t.Errorf("session after unlinking: %d, want 401", s)
		}
		if r := o.signInFlow(t, browser(t), max, nil, nil); r.Status != 401 {
			t.Errorf("sign-in after unlinking, email unverified: %d, want 401", r.Status)
		}
	})
}

// An account linked by issuer and subject before links used the object id
// keeps signing in, and is moved over to its object id.
func TestOIDCLinkBySubjectMovesToObjectID(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		o := startOIDC(t, d)
		now := time.Now().UTC()
		_, err := d.WriteDB().Exec(d.Q(`INSERT INTO users (email, name, role, oidc_issuer, oidc_subject, sessions_valid_after, created_at, updated_at)
			VALUES ('old@example.com', '', 'viewer', ?, 'sub-old', ?, ?, ?)`), o.mock.Issuer(), now, now, now)
		if err != nil {
			t.Fatal(err)
		}
		old := &entraUser{sub: "sub-old", oid: oidErika, email: "renamed@example.com", roles: []string{"ImapHub.Viewer"}, tid: tenant}
		if r := o.signInFlow(t, browser(t), old, nil, nil); r.Status != 302 {
			t.Fatalf("legacy link: %d", r.Status)
		}
		if u := userByEmail(t, o.Env, "old@example.com"); u["entra_object_id"] != oidErika {
			t.Errorf("legacy account not moved to its object id: %v", u)
		}
	})
}

// Starting a Microsoft sign-in writes nothing on the server: no session row,
// no change of the auth epoch that would make every instance drop its cache.
// The flow travels in a sealed cookie instead.
func TestOIDCLoginWritesNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		o := startOIDC(t, d)
		epoch := func() int64 {
			var v int64
			if err := d.WriteDB().QueryRow(`SELECT v FROM auth_epoch`).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		sessions, secrets, before := countRows(t, d, "sessions"), countRows(t, d, "server_secrets"), epoch()
		for range 3 {
			r := o.Send(t, browser(t), "GET", "/api/auth/oidc/login", nil)
			if r.Status != 302 {
				t.Fatalf("login: %d", r.Status)
			}
			var flow *http.Cookie
			for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
				switch ck.Name {
				case "imaphub_oidc":
					flow = ck
				case "imaphub_session":
					t.Errorf("anonymous login set a session cookie")
				}
			}
			if flow == nil || !flow.HttpOnly || flow.Path != "/api/auth/oidc/" || flow.MaxAge <= 0 || flow.MaxAge > 600 || flow.SameSite != http.SameSiteLaxMode {
				t.Fatalf("flow cookie = %+v", flow)
			}
		}
		if n := countRows(t, d, "sessions"); n != sessions {
			t.Errorf("sessions %d → %d", sessions, n)
		}
		if n := countRows(t, d, "server_secrets"); n != secrets {
			t.Errorf("server secrets %d → %d", secrets, n)
		}
		if v := epoch(); v != before {
			t.Errorf("auth epoch moved %d → %d", before, v)
		}
	})
}

// The flow cookie is the only state: a callback in another browser, or with
// an altered cookie, is refused; one finished at another instance on the
// same database (behind a load balancer) succeeds.
func TestOIDCFlowCookie(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		o := startOIDC(t, d)
		user := func() *entraUser {
			return &entraUser{sub: "sub-e", oid: oidErika, email: "erika@example.com", roles: []string{"ImapHub.Viewer"}, tid: tenant}
		}
		if r := o.signInFlowVia(t, browser(t), browser(t), o.Env, user(), nil, nil); r.Status != 401 {
			t.Errorf("callback in another browser: %d, want 401", r.Status)
		}
		// An altered cookie: flip a character of the sealed value.
		c := browser(t)
		tamper := func(url.Values) {
			u, _ := url.Parse(o.Server.URL + "/api/auth/oidc/")
			for _, ck := range c.Jar.Cookies(u) {
				if ck.Name == "imaphub_oidc" {
					b := []byte(ck.Value)
					b[len(b)/2] ^= 1
					ck.Value, ck.Path = string(b), "/api/auth/oidc/"
					c.Jar.SetCookies(u, []*http.Cookie{ck})
				}
			}
		}
		if r := o.signInFlow(t, c, user(), nil, tamper); r.Status != 401 {
			t.Errorf("altered flow cookie: %d, want 401", r.Status)
		}
		// A second instance on the same database opens the first one's cookie.
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		second, err := app.New(ctx, d, app.Options{DataDir: t.TempDir(), Argon2: apptest.Fast, Auth: o.cfg, Jobs: jobs.Config{Workers: 0},
			Logger: slog.New(slog.NewTextHandler(o.Logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(second.Server().Handler())
		t.Cleanup(srv.Close)
		c = browser(t)
		r := o.signInFlowVia(t, c, c, &apptest.Env{App: second, Server: srv}, user(), nil, nil)
		if r.Status != 302 {
			t.Fatalf("finished at the second instance: %d %s", r.Status, r.Body)
		}
		// The used cookie is deleted.
		for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
			if ck.Name == "imaphub_oidc" && ck.MaxAge >= 0 {
				t.Errorf("flow cookie not deleted after use: %+v", ck)
			}
		}
	})
}

// Oidc mode needs the tenant: without it any tenant's users could sign in.
func TestOIDCNeedsTheTenant(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	svc := auth.NewService(d, apptest.Fast)
	for _, tid := range []string{"", "tenant-1"} {
		_, err := authapi.New(context.Background(), d, svc, authapi.Config{Mode: "oidc", OIDC: &authapi.OIDCConfig{
			Issuer: "http://127.0.0.1:1/unused", ClientID: "c", RedirectURL: "http://hub.invalid/api/auth/oidc/callback", TenantID: tid,
		}}, slog.New(slog.DiscardHandler))
		if err == nil || !strings.Contains(err.Error(), "IMAPHUB_OIDC_TENANT_ID") {
			t.Errorf("tenant %q: %v, want an error naming IMAPHUB_OIDC_TENANT_ID", tid, err)
		}
	}
}
