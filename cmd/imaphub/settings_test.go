package main

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// docs/configuration.md is what the settings generate: a variable added,
// removed or reworded in code without `go generate ./cmd/imaphub` fails here.
func TestConfigurationDocIsCurrent(t *testing.T) {
	got, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := configDocs(); !bytes.Equal(got, want) {
		t.Fatalf("docs/configuration.md is stale: run 'go generate ./cmd/imaphub' and commit it")
	}
}

// Every IMAPHUB_* name in the source of the binary (every non-test Go file of
// every package of this module it is built from) is a declared setting, its
// NAME_FILE form, or a prefix of declared names ("IMAPHUB_LLM_*"). A variable
// read with os.Getenv anywhere in the product without being declared (and so
// missing from config check and the docs) fails here.
func TestEveryVariableTheBinaryNamesIsDeclared(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-json=ImportPath,Dir,GoFiles,Module", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	name := regexp.MustCompile(`IMAPHUB_[A-Z0-9][A-Z0-9_]*`)
	dec := json.NewDecoder(bytes.NewReader(out))
	files := 0
	for dec.More() {
		var p struct {
			Dir     string
			GoFiles []string
			Module  *struct{ Path string }
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if p.Module == nil || p.Module.Path != "github.com/imaphub/imaphub" {
			continue
		}
		for _, f := range p.GoFiles {
			path := filepath.Join(p.Dir, f)
			files++
			for _, lit := range stringLiterals(t, path) {
				for _, n := range name.FindAllString(lit, -1) {
					if msg := undeclared(n); msg != "" {
						t.Errorf("%s: %s %s", path, n, msg)
					}
				}
			}
		}
	}
	if files < 20 {
		t.Fatalf("only %d files scanned: go list found too little", files)
	}
}

// undeclared says why n is not a known name, or "" when it is.
func undeclared(n string) string {
	if testOnly(n) {
		return ""
	}
	if prefix, ok := strings.CutSuffix(n, "_"); ok {
		for _, s := range settings {
			if strings.HasPrefix(s.Name, prefix+"_") {
				return ""
			}
		}
		return "is a prefix of no declared setting"
	}
	if _, ok := lookupSetting(n); ok {
		return ""
	}
	if base, ok := strings.CutSuffix(n, "_FILE"); ok {
		if _, ok := lookupSetting(base); ok {
			return ""
		}
	}
	return "is not declared in settings (cmd/imaphub/settings.go)"
}

func stringLiterals(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				out = append(out, s)
			}
		}
		return true
	})
	return out
}

// The definition is consistent: unique names, a known group and help for
// each, commands that exist, defaults that pass their own check.
func TestSettingsAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range settings {
		if seen[s.Name] {
			t.Errorf("%s is declared twice", s.Name)
		}
		seen[s.Name] = true
		if s.Help == "" || !strings.Contains(strings.Join(groups, "\n"), s.Group) || s.Group == "" {
			t.Errorf("%s: wants help text and one of the groups, has %q", s.Name, s.Group)
		}
		if len(s.Commands) == 0 {
			t.Errorf("%s: used by no command", s.Name)
		}
		for _, c := range s.Commands {
			if _, ok := commands[c]; !ok {
				t.Errorf("%s: used by %q, which is not a subcommand", s.Name, c)
			}
		}
		if s.Default != "" && s.Check != nil {
			if err := s.Check(s.Default); err != nil {
				t.Errorf("%s: the default %q fails its own check: %v", s.Name, s.Default, err)
			}
		}
		if s.Default != "" && s.DefaultDoc != "" {
			t.Errorf("%s: Default and DefaultDoc both set", s.Name)
		}
	}
}

// envOf is a lookup over a fixed environment.
func envOf(env map[string]string) func(string) (string, bool) {
	return func(n string) (string, bool) { v, ok := env[n]; return v, ok }
}

// Every secret can come from a file (NAME_FILE, as compose mounts secrets):
// the value reaches the part of the configuration that uses it, a trailing
// line break dropped. Both forms at once and an unreadable file are refused,
// naming the variable.
func TestSecretsFromFiles(t *testing.T) {
	dir := t.TempDir()
	secretFile := func(name, v string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	secrets := map[string]string{
		"IMAPHUB_DATABASE_URL":              "postgres://imaphub:pw-db@db:5432/imaphub",
		"IMAPHUB_ADMIN_PASSWORD":            "pw-admin-correct-horse",
		"IMAPHUB_METRICS_TOKEN":             "metrics-token-0123456789",
		"IMAPHUB_OIDC_CLIENT_SECRET":        "oidc-secret",
		"IMAPHUB_LLM_API_KEY":               "sk-llm-secret",
		"IMAPHUB_GOOGLEADS_CLIENT_SECRET":   "ads-client-secret",
		"IMAPHUB_GOOGLEADS_REFRESH_TOKEN":   "ads-refresh-token",
		"IMAPHUB_GOOGLEADS_DEVELOPER_TOKEN": "ads-developer-token",
	}
	env := map[string]string{
		"IMAPHUB_AUTH_MODE":           "oidc",
		"IMAPHUB_OIDC_TENANT_ID":      "72f988bf-86f1-41af-91ab-2d7cd011db47",
		"IMAPHUB_LLM_MODEL":           "gpt-test",
		"IMAPHUB_GOOGLEADS_CLIENT_ID": "client.apps.googleusercontent.com",
	}
	for _, s := range settings {
		if s.Secret {
			if _, ok := secrets[s.Name]; !ok {
				t.Fatalf("secret %s has no case in this test", s.Name)
			}
		}
	}
	for n, v := range secrets {
		env[n+"_FILE"] = secretFile(n, v)
	}
	vals, err := readSettings(envOf(env), os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	c, err := configFrom(vals)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{
		"IMAPHUB_DATABASE_URL":              c.DatabaseURL,
		"IMAPHUB_ADMIN_PASSWORD":            c.AdminPassword,
		"IMAPHUB_METRICS_TOKEN":             c.MetricsToken,
		"IMAPHUB_OIDC_CLIENT_SECRET":        c.Auth.OIDC.ClientSecret,
		"IMAPHUB_LLM_API_KEY":               c.LLM.APIKey,
		"IMAPHUB_GOOGLEADS_CLIENT_SECRET":   c.GoogleAds.ClientSecret,
		"IMAPHUB_GOOGLEADS_REFRESH_TOKEN":   c.GoogleAds.RefreshToken,
		"IMAPHUB_GOOGLEADS_DEVELOPER_TOKEN": c.GoogleAds.DeveloperToken,
	}
	for n, want := range secrets {
		if got[n] != want {
			t.Errorf("%s_FILE: configuration has %q, want %q", n, got[n], want)
		}
	}

	both := map[string]string{"IMAPHUB_LLM_API_KEY": "sk-direct", "IMAPHUB_LLM_API_KEY_FILE": env["IMAPHUB_LLM_API_KEY_FILE"]}
	if _, err := readSettings(envOf(both), os.ReadFile); err == nil || !strings.Contains(err.Error(), "IMAPHUB_LLM_API_KEY and IMAPHUB_LLM_API_KEY_FILE are both set") {
		t.Errorf("both forms: %v", err)
	}
	missing := map[string]string{"IMAPHUB_DATABASE_URL_FILE": filepath.Join(dir, "absent")}
	if _, err := readSettings(envOf(missing), os.ReadFile); err == nil || !strings.Contains(err.Error(), "IMAPHUB_DATABASE_URL_FILE") {
		t.Errorf("unreadable file: %v", err)
	}
}

// A wrong value is refused naming the variable and what is wanted; every
// wrong variable is named at once; a secret's value never appears in the
// message.
func TestInvalidValuesNameTheVariable(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"IMAPHUB_WORKERS": "two"}, []string{`IMAPHUB_WORKERS="two": want a whole number`}},
		{map[string]string{"IMAPHUB_ADDR": "8080"}, []string{`IMAPHUB_ADDR="8080": want host:port`}},
		{map[string]string{"IMAPHUB_LOG_LEVEL": "loud", "IMAPHUB_JOB_RESCUE_AFTER": "soon"},
			[]string{`IMAPHUB_LOG_LEVEL="loud": want debug, info, warn or error`, `IMAPHUB_JOB_RESCUE_AFTER="soon": want a duration`}},
		{map[string]string{"IMAPHUB_TOKEN_LIFETIME": "30m"}, []string{`IMAPHUB_TOKEN_LIFETIME="30m": want a duration of at least 1h0m0s`}},
		{map[string]string{"IMAPHUB_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"}, []string{`IMAPHUB_TRUSTED_PROXIES="10.0.0.0/8, proxy.local": "proxy.local/32" is not an address`}},
		{map[string]string{"IMAPHUB_DATABASE_URL": "mysql://root:hunter2@db/x"}, []string{"IMAPHUB_DATABASE_URL: want postgres://"}},
		{map[string]string{"IMAPHUB_METRICS_TOKEN": "hunter2"}, []string{"IMAPHUB_METRICS_TOKEN: want at least 16 characters"}},
		// Rules between variables.
		{map[string]string{"IMAPHUB_COOKIE_SECURE": "false", "IMAPHUB_ADDR": "0.0.0.0:8080"}, []string{"IMAPHUB_COOKIE_SECURE=false is allowed only when IMAPHUB_ADDR is a loopback address"}},
		{map[string]string{"IMAPHUB_JOB_RESCUE_AFTER": "5m", "IMAPHUB_PUBLISH_TIMEOUT": "6m"}, []string{"IMAPHUB_PUBLISH_TIMEOUT=\"6m\": must not be longer than IMAPHUB_JOB_RESCUE_AFTER"}},
		{map[string]string{"IMAPHUB_AUTH_MODE": "oidc"}, []string{"IMAPHUB_OIDC_TENANT_ID=\"\": required in oidc mode"}},
		{map[string]string{"IMAPHUB_LLM_API_KEY": "sk-hunter2"}, []string{"IMAPHUB_LLM_MODEL is required"}},
		{map[string]string{"IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID": "12-34"}, []string{"IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID"}},
	} {
		vals, err := readSettings(envOf(c.env), os.ReadFile)
		if err == nil {
			_, err = configFrom(vals)
		}
		if err == nil {
			t.Errorf("%v: accepted", c.env)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q, want it to say %q", c.env, err, w)
			}
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%v: the error shows a secret: %q", c.env, err)
		}
	}
}

// `imaphub config check`, run as an operator runs it: the effective values
// with where each comes from, secrets only as "set"/"not set" (their values
// nowhere in the output), a warning for an unknown IMAPHUB_* name, exit 0;
// on an invalid configuration exit 1 naming the variable.
func TestConfigCheckCommand(t *testing.T) {
	bin := testBinary(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "llm_key")
	if err := os.WriteFile(keyFile, []byte("sk-do-not-print\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(env ...string) (string, string, int) {
		cmd := exec.Command(bin, "config", "check")
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return stdout.String(), stderr.String(), code
	}
	stdout, stderr, code := run("IMAPHUB_WORKERS=0", "IMAPHUB_LLM_MODEL=gpt-test", "IMAPHUB_LLM_BASE_URL=http://litellm:4000/v1",
		"IMAPHUB_LLM_API_KEY_FILE="+keyFile, "IMAPHUB_WORKER=0")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, line := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^IMAPHUB_WORKERS +0 +environment$`),
		regexp.MustCompile(`(?m)^IMAPHUB_ADDR +127\.0\.0\.1:8080 +default$`),
		regexp.MustCompile(`(?m)^IMAPHUB_LLM_API_KEY +set +file ` + regexp.QuoteMeta(keyFile) + `$`),
		regexp.MustCompile(`(?m)^IMAPHUB_DATABASE_URL +not set +default$`),
		regexp.MustCompile(`(?m)^configuration is valid$`),
	} {
		if !line.MatchString(stdout) {
			t.Errorf("output lacks %s:\n%s", line, stdout)
		}
	}
	if !strings.Contains(stderr, "IMAPHUB_WORKER is set but is not a setting") {
		t.Errorf("no warning about IMAPHUB_WORKER: %q", stderr)
	}
	if strings.Contains(stdout+stderr, "sk-do-not-print") {
		t.Errorf("config check prints a secret:\n%s%s", stdout, stderr)
	}

	stdout, stderr, code = run("IMAPHUB_WORKERS=-1", "IMAPHUB_DATABASE_URL=mysql://u:sk-do-not-print@h/d")
	if code != 1 {
		t.Fatalf("invalid configuration: exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	for _, w := range []string{`invalid: IMAPHUB_WORKERS="-1": want a whole number`, "invalid: IMAPHUB_DATABASE_URL: want postgres://"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	if strings.Contains(stdout+stderr, "sk-do-not-print") {
		t.Errorf("config check prints a secret:\n%s%s", stdout, stderr)
	}
}
