package authapi_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/auth/authapi"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// A token lives the server's token lifetime unless asked for less, never
// more, and one user holds at most MaxTokensPerUser live tokens, also when
// they are created at once.
func TestTokenLifetimeAndPerUserCap(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.StartWith(t, d, authapi.Config{Mode: "local", TokenLifetime: 48 * time.Hour})
		var tok struct {
			ID        int64     `json:"id"`
			ExpiresAt time.Time `json:"expires_at"`
		}
		r := e.DoAs(t, auth.Editor, "POST", "/api/tokens", map[string]any{"name": "ci"})
		r.JSON(t, &tok)
		if r.Status != 201 || tok.ExpiresAt.Before(time.Now().Add(47*time.Hour)) || tok.ExpiresAt.After(time.Now().Add(49*time.Hour)) {
			t.Errorf("token without expires_at: %d, expires %v, want in 48h", r.Status, tok.ExpiresAt)
		}
		r = e.DoAs(t, auth.Editor, "POST", "/api/tokens", map[string]any{"name": "long", "expires_at": time.Now().Add(72 * time.Hour)})
		if r.Status != 422 || !strings.Contains(string(r.Body), `"location":"body.expires_at"`) {
			t.Errorf("token beyond the lifetime: %d %s, want 422 naming body.expires_at", r.Status, r.Body)
		}
		// The viewer holds the test's token already; create the rest at once.
		const tries = auth.MaxTokensPerUser + 10
		var wg sync.WaitGroup
		answers := make(chan *apptest.Response, tries)
		for range tries {
			wg.Go(func() { answers <- e.DoAs(t, auth.Viewer, "POST", "/api/tokens", map[string]any{"name": "many"}) })
		}
		wg.Wait()
		close(answers)
		status := map[int]int{}
		var last *apptest.Response
		for r := range answers {
			status[r.Status]++
			if r.Status == 409 {
				last = r
			}
		}
		if status[201] != auth.MaxTokensPerUser-1 || status[409] != tries-(auth.MaxTokensPerUser-1) {
			t.Fatalf("answers %v, want %d created and the rest 409", status, auth.MaxTokensPerUser-1)
		}
		if !strings.Contains(string(last.Body), "revoke one first") {
			t.Errorf("409 does not say what to do: %s", last.Body)
		}
		// Revoking one makes room for one.
		var mine []auth.Token
		e.DoAs(t, auth.Viewer, "GET", "/api/tokens", nil).JSON(t, &mine)
		e.DoAs(t, auth.Viewer, "DELETE", "/api/tokens/"+itoa(mine[0].ID), nil)
		if s := e.DoAs(t, auth.Viewer, "POST", "/api/tokens", map[string]any{"name": "after"}).Status; s != 201 {
			t.Errorf("after revoking one: %d, want 201", s)
		}
	})
}

// Taking access away from a user reaches their tokens, and giving it back
// does not revive them.
func TestAccessChangesReachTokens(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		with := func(role auth.Role, method, path string, body any) int {
			return e.Send(t, http.DefaultClient, method, path, body, "Authorization", "Bearer "+e.Tokens[role]).Status
		}
		user := func(role auth.Role) string { return "/api/users/" + itoa(e.Users[role].ID) }
		campaign := func(name string) map[string]any {
			return map[string]any{"name": name, "type": "SEARCH", "budget_micros": 1, "currency": "EUR"}
		}
		// Demoted and promoted again: the token stays capped at the lower role.
		e.Must(t, 200, "PATCH", user(auth.Editor), map[string]any{"role": "viewer"})
		e.Must(t, 200, "PATCH", user(auth.Editor), map[string]any{"role": "editor"})
		if s := with(auth.Editor, "POST", "/api/campaigns", campaign("after re-promotion")); s != 403 {
			t.Errorf("token of a demoted and re-promoted user wrote: %d, want 403", s)
		}
		var tokens []auth.Token
		e.Must(t, 200, "GET", user(auth.Editor)+"/tokens", nil).JSON(t, &tokens)
		if len(tokens) != 1 || tokens[0].Role == nil || *tokens[0].Role != auth.Viewer {
			t.Errorf("token after demotion = %+v, want capped at viewer", tokens)
		}
		// Raising a role, step by step, leaves tokens following their user.
		e.Must(t, 200, "PATCH", user(auth.Viewer), map[string]any{"role": "editor"})
		e.Must(t, 200, "PATCH", user(auth.Viewer), map[string]any{"role": "admin"})
		if s := with(auth.Viewer, "GET", "/api/users", nil); s != 200 {
			t.Errorf("token of a promoted user on an admin operation: %d, want 200", s)
		}
		// Disabled and enabled again: the token stays revoked.
		e.Must(t, 200, "PATCH", user(auth.Viewer), map[string]any{"disabled": true})
		e.Must(t, 200, "PATCH", user(auth.Viewer), map[string]any{"disabled": false})
		if s := with(auth.Viewer, "GET", "/api/me", nil); s != 401 {
			t.Errorf("token of a disabled and re-enabled user: %d, want 401", s)
		}
		// A password reset revokes the user's tokens.
		e.Must(t, 200, "PATCH", user(auth.Publisher), map[string]any{"password": "a brand new password 123"})
		if s := with(auth.Publisher, "GET", "/api/me", nil); s != 401 {
			t.Errorf("token after a password reset: %d, want 401", s)
		}
		// A disabled user gets no new token.
		e.Must(t, 200, "PATCH", user(auth.Viewer), map[string]any{"disabled": true})
		if _, _, err := e.App.Users.CreateToken(t.Context(), e.Users[auth.Viewer].ID, "cli", nil, nil); err == nil {
			t.Error("token created for a disabled user")
		}
	})
}

// Admins list and revoke anyone's tokens.
func TestAdminsListAndRevokeAnyonesTokens(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		path := "/api/users/" + itoa(e.Users[auth.Editor].ID) + "/tokens"
		r := e.Must(t, 200, "GET", path, nil)
		var tokens []auth.Token
		r.JSON(t, &tokens)
		if len(tokens) != 1 || tokens[0].Name != "test" || tokens[0].UserID != e.Users[auth.Editor].ID || strings.Contains(string(r.Body), e.Tokens[auth.Editor]) {
			t.Fatalf("editor's tokens = %s", r.Body)
		}
		if s := e.DoAs(t, auth.Publisher, "GET", path, nil).Status; s != 403 {
			t.Errorf("publisher lists tokens: %d, want 403", s)
		}
		if s := e.DoAs(t, auth.Publisher, "POST", "/api/tokens/"+itoa(tokens[0].ID)+"/revoke", nil).Status; s != 403 {
			t.Errorf("publisher revokes a token: %d, want 403", s)
		}
		e.Must(t, 204, "POST", "/api/tokens/"+itoa(tokens[0].ID)+"/revoke", nil)
		if s := e.DoAs(t, auth.Editor, "GET", "/api/me", nil).Status; s != 401 {
			t.Errorf("revoked token: %d, want 401", s)
		}
		e.Must(t, 404, "POST", "/api/tokens/"+itoa(tokens[0].ID)+"/revoke", nil)
		e.Must(t, 404, "GET", "/api/users/987654321/tokens", nil)
		// A user still revokes only their own tokens.
		admin, _ := e.App.Users.Tokens(t.Context(), e.Users[auth.Admin].ID)
		if s := e.DoAs(t, auth.Viewer, "DELETE", "/api/tokens/"+itoa(admin[0].ID), nil).Status; s != 404 {
			t.Errorf("viewer revokes the admin's token: %d, want 404", s)
		}
	})
}
