package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

var googleadsVars = []string{
	"IMAPHUB_GOOGLEADS_API_URL", "IMAPHUB_GOOGLEADS_API_VERSION", "IMAPHUB_GOOGLEADS_TOKEN_URL", "IMAPHUB_GOOGLEADS_CLIENT_ID",
	"IMAPHUB_GOOGLEADS_CLIENT_SECRET", "IMAPHUB_GOOGLEADS_REFRESH_TOKEN", "IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID",
	"IMAPHUB_GOOGLEADS_DEVELOPER_TOKEN", "IMAPHUB_GOOGLEADS_CALL_TIMEOUT",
}

// googleadsEnv points the IMAPHUB_GOOGLEADS_* variables at a fresh fake (and
// nothing else from the environment running the tests), with changes.
func googleadsEnv(t *testing.T, change map[string]string) *googleadstest.Server {
	t.Helper()
	srv := googleadstest.NewServer()
	t.Cleanup(srv.Close)
	env := srv.Env()
	for k, v := range change {
		env[k] = v
	}
	for _, k := range googleadsVars {
		t.Setenv(k, env[k])
		t.Setenv(k+"_FILE", env[k+"_FILE"])
	}
	return srv
}

func TestGoogleAdsCheckReportsAHealthyConnection(t *testing.T) {
	googleadsEnv(t, nil)
	out, errOut, code := runCLI(t, "googleads", "check", "--customer", "111-111-1111")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"ok    configuration API http://127.0.0.1:",
		"login customer 1234567890, developer token set",
		"ok    OAuth         the refresh token gives an access token",
		"ok    accounts      the Google user reaches 1234567890 directly (request-id ",
		"ok    manager       accounts through 1234567890 (request-id ",
		"          123-456-7890  IMAP Hub Manager               manager\n",
		"            111-111-1111  Reifen Müller                  client\n",
		"            222-222-2222  Reifen Müller (test)           client, test account\n",
		`ok    account       1111111111 "Reifen Müller" can be reached`,
		"Google Ads is connected.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{googleadstest.ClientSecret, googleadstest.RefreshToken, googleadstest.DeveloperToken} {
		if strings.Contains(out, secret) {
			t.Errorf("output shows the secret %q", secret)
		}
	}
}

func TestGoogleAdsCheckWithoutLoginCustomerNamesTheDirectAccounts(t *testing.T) {
	srv := googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID": ""})
	srv.GrantAccess(googleadstest.UserEmail, googleadstest.TestAccountID)
	out, _, code := runCLI(t, "googleads", "check")
	if code != 0 || !strings.Contains(out, "123-456-7890  IMAP Hub Manager               manager") ||
		!strings.Contains(out, "222-222-2222  Reifen Müller (test)           client, test account") ||
		!strings.Contains(out, "set IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID to its id") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// failure runs the check and wants exit 1 with the step that failed and a
// fix containing each of fix.
func failure(t *testing.T, args []string, step string, fix ...string) string {
	t.Helper()
	out, errOut, code := runCLI(t, append([]string{"googleads", "check"}, args...)...)
	t.Log("\n" + out)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "  FAIL  "+step) || !strings.Contains(out, "Google Ads is not usable yet") {
		t.Errorf("no FAIL for %s:\n%s", step, out)
	}
	_, fixLine, ok := strings.Cut(out, "        fix: ")
	if !ok {
		t.Fatalf("no fix printed:\n%s", out)
	}
	for _, f := range fix {
		if !strings.Contains(fixLine, f) {
			t.Errorf("fix lacks %q:\n%s", f, out)
		}
	}
	return out
}

func TestGoogleAdsCheckNamesTheFixOfEachFailure(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte(googleadstest.ClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + closed.Addr().String()
	closed.Close()

	t.Run("missing variable", func(t *testing.T) {
		googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_REFRESH_TOKEN": ""})
		out := failure(t, nil, "configuration", "Set IMAPHUB_GOOGLEADS_REFRESH_TOKEN", "NAME_FILE")
		if strings.Contains(out, "CLIENT_SECRET") {
			t.Errorf("names a variable that is set:\n%s", out)
		}
	})
	t.Run("variable and file both set", func(t *testing.T) {
		googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_CLIENT_SECRET_FILE": secretFile})
		failure(t, nil, "configuration", "Correct the variable")
	})
	t.Run("secret from a file", func(t *testing.T) {
		googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_CLIENT_SECRET": "", "IMAPHUB_GOOGLEADS_CLIENT_SECRET_FILE": secretFile})
		if out, _, code := runCLI(t, "googleads", "check"); code != 0 {
			t.Errorf("exit %d\n%s", code, out)
		}
	})
	t.Run("revoked refresh token", func(t *testing.T) {
		srv := googleadsEnv(t, nil)
		srv.RevokeRefreshToken(googleadstest.RefreshToken)
		failure(t, nil, "OAuth", "Get a new refresh token", "https://www.googleapis.com/auth/adwords", "IMAPHUB_GOOGLEADS_REFRESH_TOKEN")
	})
	t.Run("wrong client secret", func(t *testing.T) {
		googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_CLIENT_SECRET": "wrong"})
		failure(t, nil, "OAuth", "IMAPHUB_GOOGLEADS_CLIENT_SECRET", "Credentials")
	})
	t.Run("token endpoint unreachable", func(t *testing.T) {
		googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_TOKEN_URL": closedURL + "/token"})
		failure(t, nil, "OAuth", "network path to "+closed.Addr().String(), "IMAPHUB_GOOGLEADS_TOKEN_URL")
	})
	t.Run("API unreachable", func(t *testing.T) {
		srv := googleadsEnv(t, nil)
		t.Setenv("IMAPHUB_GOOGLEADS_API_URL", closedURL)
		t.Setenv("IMAPHUB_GOOGLEADS_TOKEN_URL", srv.TokenURL)
		failure(t, nil, "accounts", "network path", "IMAPHUB_GOOGLEADS_API_URL")
	})
	t.Run("developer token missing where still required", func(t *testing.T) {
		googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_DEVELOPER_TOKEN": ""})
		failure(t, nil, "accounts", "set IMAPHUB_GOOGLEADS_DEVELOPER_TOKEN")
	})
	t.Run("developer token with test access only", func(t *testing.T) {
		srv := googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_DEVELOPER_TOKEN": "TESTACCESSONLY"})
		srv.AddDeveloperToken("TESTACCESSONLY", googleadstest.AccessTest)
		failure(t, nil, "manager", "test access only", "Basic access")
	})
	t.Run("cloud project with test access only", func(t *testing.T) {
		srv := googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_DEVELOPER_TOKEN": ""})
		srv.SetDeveloperTokenRule(googleadstest.DeveloperTokenIgnored)
		srv.SetProjectAccessLevel(googleadstest.ClientID, googleadstest.AccessTest)
		failure(t, nil, "manager", "Explorer access", "Cloud console")
	})
	t.Run("API not enabled in the project", func(t *testing.T) {
		srv := googleadsEnv(t, nil)
		srv.SetAPIEnabled(googleadstest.ClientID, false)
		failure(t, nil, "accounts", "Enable the Google Ads API")
	})
	t.Run("refresh token without the adwords scope", func(t *testing.T) {
		srv := googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_REFRESH_TOKEN": "email-only"})
		srv.AddRefreshToken("email-only", googleadstest.ClientID, googleadstest.UserEmail, "openid", "email")
		failure(t, nil, "accounts", "lacks the scope https://www.googleapis.com/auth/adwords")
	})
	t.Run("login customer the user cannot reach", func(t *testing.T) {
		srv := googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID": "5555555555"})
		srv.AddAccount(googleadstest.Account{ID: "5555555555", Name: "Someone else", Manager: true})
		failure(t, nil, "manager", "cannot act as 5555555555", "IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID", "1234567890")
	})
	t.Run("login customer not a manager of the account", func(t *testing.T) {
		srv := googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID": googleadstest.ClientAccountID})
		srv.GrantAccess(googleadstest.UserEmail, googleadstest.ClientAccountID)
		out := failure(t, []string{"--customer", googleadstest.TestAccountID}, "account", "1111111111 does not manage 2222222222", "manager account above 2222222222")
		if !strings.Contains(out, "note  manager       1111111111 is not a manager account") {
			t.Errorf("no note that the login customer is no manager:\n%s", out)
		}
	})
	t.Run("account id that no account has", func(t *testing.T) {
		googleadsEnv(t, nil)
		out := failure(t, []string{"--customer", "9999999999"}, "account", "No Google Ads account has this id")
		if _, fix, _ := strings.Cut(out, "fix:"); strings.Contains(fix, "refresh token") {
			t.Errorf("blames the credentials for a wrong account id:\n%s", out)
		}
	})
	t.Run("retired API version", func(t *testing.T) {
		googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_API_VERSION": "v19"})
		failure(t, nil, "accounts", "version is retired", "IMAPHUB_GOOGLEADS_API_VERSION", "v25")
	})
	t.Run("unknown API version", func(t *testing.T) {
		googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_API_VERSION": "v99"})
		failure(t, nil, "accounts", "No such endpoint", "IMAPHUB_GOOGLEADS_API_VERSION")
	})
	t.Run("Google user without accounts", func(t *testing.T) {
		srv := googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_REFRESH_TOKEN": "nobody-token"})
		srv.AddRefreshToken("nobody-token", googleadstest.ClientID, "nobody@example.com", "https://www.googleapis.com/auth/adwords")
		failure(t, nil, "accounts", "Invite that Google user")
	})
}

func TestGoogleAdsCheckUsage(t *testing.T) {
	if _, _, code := runCLI(t, "googleads"); code != 2 {
		t.Errorf("no subcommand: exit %d", code)
	}
	if _, errOut, code := runCLI(t, "googleads", "publish"); code != 2 || !strings.Contains(errOut, `unknown command "publish"`) {
		t.Errorf("unknown subcommand: exit %d %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "googleads", "check", "--customer", "12"); code != 2 || !strings.Contains(errOut, "--customer") {
		t.Errorf("bad --customer: exit %d %s", code, errOut)
	}
}
