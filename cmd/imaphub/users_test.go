package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// cliEnv points the commands at a fresh SQLite data directory.
func cliEnv(t *testing.T, vars ...string) {
	t.Helper()
	t.Setenv("IMAPHUB_DATA_DIR", t.TempDir())
	t.Setenv("IMAPHUB_DATABASE_URL", "")
	t.Setenv("IMAPHUB_AUTH_MODE", "local")
	for i := 0; i+1 < len(vars); i += 2 {
		t.Setenv(vars[i], vars[i+1])
	}
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("imaphub %s: exit %d: %s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out + errOut
}

// Tokens made on the command line expire after IMAPHUB_TOKEN_LIFETIME and
// cannot be asked to live longer; disabling the user revokes them.
func TestTokensCommandsFollowTheLifetimeAndTheUser(t *testing.T) {
	cliEnv(t, "IMAPHUB_TOKEN_LIFETIME", "24h")
	mustRun(t, "users", "add", "--email", "ci@example.com", "--role", "editor")
	out := mustRun(t, "tokens", "create", "--user", "ci@example.com", "--name", "deploy")
	if !strings.Contains(out, "imh_") || !strings.Contains(out, "expiring ") {
		t.Errorf("tokens create: %s", out)
	}
	_, errOut, code := runCLI(t, "tokens", "create", "--user", "ci@example.com", "--name", "forever", "--expires", "48h")
	if code != 1 || !strings.Contains(errOut, "IMAPHUB_TOKEN_LIFETIME") {
		t.Errorf("token beyond the lifetime: exit %d: %s", code, errOut)
	}
	mustRun(t, "users", "disable", "--email", "ci@example.com")
	mustRun(t, "users", "disable", "--email", "ci@example.com", "--enable")
	list := mustRun(t, "tokens", "list", "--user", "ci@example.com")
	if lines := strings.Split(strings.TrimSpace(list), "\n"); len(lines) != 2 || strings.HasSuffix(strings.TrimSpace(lines[1]), " -") {
		t.Errorf("after disabling and enabling, the token is not listed as revoked:\n%s", list)
	}
	if _, _, code := runCLI(t, "tokens", "create", "--user", "ci@example.com", "--name", "new"); code != 0 {
		t.Errorf("a new token for the re-enabled user: exit %d", code)
	}
}

func TestUsersLinkMicrosoft(t *testing.T) {
	cliEnv(t)
	mustRun(t, "users", "add", "--email", "erika@example.com", "--role", "viewer")
	for _, bad := range [][]string{
		{"--object-id", "erika", "--tenant-id", "6f3b1c9e-0d7a-4b8e-9c2f-1a2b3c4d5e6f"},
		{"--object-id", "11111111-2222-4333-8444-555555555555", "--tenant-id", "contoso"},
	} {
		_, errOut, code := runCLI(t, append([]string{"users", "link-microsoft", "--email", "erika@example.com"}, bad...)...)
		if code != 1 || !strings.Contains(errOut, "want") {
			t.Errorf("link %v: exit %d: %s", bad, code, errOut)
		}
	}
	if _, _, code := runCLI(t, "users", "link-microsoft", "--email", "erika@example.com", "--object-id", "11111111-2222-4333-8444-555555555555"); code != 2 {
		t.Errorf("link without a tenant in local mode: exit %d, want 2", code)
	}
	out := mustRun(t, "users", "link-microsoft", "--email", "erika@example.com", "--object-id", "11111111-2222-4333-8444-555555555555", "--tenant-id", "6F3B1C9E-0D7A-4B8E-9C2F-1A2B3C4D5E6F")
	if !strings.Contains(out, "11111111-2222-4333-8444-555555555555") || !strings.Contains(out, "6f3b1c9e-0d7a-4b8e-9c2f-1a2b3c4d5e6f") {
		t.Errorf("link: %s", out)
	}
	if list := mustRun(t, "users", "list"); !strings.Contains(list, "microsoft") {
		t.Errorf("linked user not listed as signing in with Microsoft:\n%s", list)
	}
	mustRun(t, "users", "unlink-microsoft", "--email", "erika@example.com")
	if list := mustRun(t, "users", "list"); strings.Contains(list, "microsoft") {
		t.Errorf("unlinked user still listed with Microsoft:\n%s", list)
	}
}

func TestAuthConfigurationErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		vars []string
		want string
	}{
		"token lifetime unreadable": {[]string{"IMAPHUB_TOKEN_LIFETIME", "90 days"}, "IMAPHUB_TOKEN_LIFETIME"},
		"token lifetime too short":  {[]string{"IMAPHUB_TOKEN_LIFETIME", "5m"}, "IMAPHUB_TOKEN_LIFETIME"},
		"oidc without tenant": {[]string{"IMAPHUB_AUTH_MODE", "oidc", "IMAPHUB_OIDC_ISSUER", "http://127.0.0.1:1/unused",
			"IMAPHUB_OIDC_CLIENT_ID", "c", "IMAPHUB_OIDC_REDIRECT_URL", "http://hub.invalid/api/auth/oidc/callback"}, "IMAPHUB_OIDC_TENANT_ID"},
	} {
		t.Run(name, func(t *testing.T) {
			cliEnv(t, tc.vars...)
			_, errOut, code := runCLI(t, "users", "list")
			if code != 1 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d: %s, want an error naming %s", code, errOut, tc.want)
			}
		})
	}
}

// Changes made on the command line are audited like the API's, each entry
// naming the operator, the command and the user or token it changed; a
// listing changes nothing and leaves no entry.
func TestCommandLineChangesAreAudited(t *testing.T) {
	cliEnv(t)
	mustRun(t, "users", "add", "--email", "ci@example.com", "--role", "editor")
	mustRun(t, "users", "set-role", "--email", "ci@example.com", "--role", "publisher")
	mustRun(t, "tokens", "create", "--user", "ci@example.com", "--name", "deploy")
	mustRun(t, "users", "list")
	d, err := db.Open(context.Background(), db.Config{DataDir: os.Getenv("IMAPHUB_DATA_DIR")})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rows, err := d.Read().Query(context.Background(), `SELECT actor, action, entity, entity_id, summary FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var actor, action, entity, id, summary string
		if err := rows.Scan(&actor, &action, &entity, &id, &summary); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(actor, "cli:") || !strings.Contains(summary, "ci@example.com") {
			t.Errorf("entry %s by %q: %s", action, actor, summary)
		}
		got = append(got, action+" "+entity+"/"+id)
	}
	want := []string{"users add users/1", "users set-role users/1", "tokens create tokens/1"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("audit entries %q, want %q", got, want)
	}
}
