package main

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// composeFile is the part of compose.yaml these tests read.
type composeFile struct {
	Services map[string]struct {
		Image       string
		Build       any
		Command     []string
		Environment map[string]string
		Profiles    []string
		DependsOn   map[string]struct{ Condition string } `yaml:"depends_on"`
		Secrets     []string
		Volumes     []string
		Healthcheck *struct{ Test []string }
		EnvFile     []string `yaml:"env_file"`
	}
	Secrets map[string]struct{ File string }
	Volumes map[string]any
}

func readCompose(t *testing.T) composeFile {
	t.Helper()
	raw, err := os.ReadFile("../../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(false)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	if len(c.Services) == 0 {
		t.Fatal("compose.yaml has no services")
	}
	return c
}

// compose.yaml names only variables the binary declares and subcommands it
// has; every secret comes through NAME_FILE from a compose secret the
// service mounts, never as a plain variable.
func TestComposeNamesOnlyWhatTheBinaryKnows(t *testing.T) {
	c := readCompose(t)
	imaphubServices := 0
	for name, s := range c.Services {
		if s.Build == nil {
			continue // postgres, litellm: images of their own
		}
		imaphubServices++
		if len(s.Command) == 0 {
			t.Errorf("service %s: no command (want a subcommand such as serve or worker)", name)
		} else if _, ok := commands[s.Command[0]]; !ok {
			t.Errorf("service %s: command %q is not a subcommand of imaphub", name, s.Command[0])
		}
		for k, v := range s.Environment {
			if !strings.HasPrefix(k, "IMAPHUB_") {
				t.Errorf("service %s: %s is no IMAP Hub variable", name, k)
				continue
			}
			if msg := undeclared(k); msg != "" {
				t.Errorf("service %s: %s %s", name, k, msg)
				continue
			}
			if set, ok := lookupSetting(k); ok && set.Secret {
				t.Errorf("service %s: the secret %s is a plain variable; give it as %s_FILE from a compose secret", name, k, k)
			}
			if base, ok := strings.CutSuffix(k, "_FILE"); ok {
				secret, ok := strings.CutPrefix(v, "/run/secrets/")
				if !ok || !slices.Contains(s.Secrets, secret) {
					t.Errorf("service %s: %s=%s is not a secret the service mounts (/run/secrets/NAME)", name, k, v)
				}
				if set, _ := lookupSetting(base); !set.Secret {
					t.Errorf("service %s: %s is no secret; set %s directly", name, k, base)
				}
			}
		}
		for _, sec := range s.Secrets {
			if _, ok := c.Secrets[sec]; !ok {
				t.Errorf("service %s: secret %s is not declared under secrets:", name, sec)
			}
		}
	}
	// What compose fills in from .env, and the example .env itself.
	raw, _ := os.ReadFile("../../compose.yaml")
	example, err := os.ReadFile("../../deploy/compose.env.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\$\{(IMAPHUB_[A-Z0-9_]+)|(?m)^(IMAPHUB_[A-Z0-9_]+)=`).FindAllStringSubmatch(string(raw)+string(example), -1) {
		n := m[1] + m[2]
		if msg := undeclared(n); msg != "" {
			t.Errorf("compose.yaml or deploy/compose.env.example: %s %s", n, msg)
		}
	}
	if imaphubServices < 2 {
		t.Errorf("%d services built from this repository, want serve and worker", imaphubServices)
	}
}

// The shape README's "Production with compose" relies on: serve runs no
// jobs, worker runs them, both wait for a healthy PostgreSQL with its data
// on a volume, LiteLLM is optional with its config file in the repository.
func TestComposeServeWorkerAndPostgres(t *testing.T) {
	c := readCompose(t)
	serve, worker, pg := c.Services["serve"], c.Services["worker"], c.Services["postgres"]
	if !slices.Equal(serve.Command, []string{"serve"}) || serve.Environment["IMAPHUB_WORKERS"] != "0" {
		t.Errorf("serve: command %q, IMAPHUB_WORKERS=%q; want serve with 0", serve.Command, serve.Environment["IMAPHUB_WORKERS"])
	}
	if !slices.Equal(worker.Command, []string{"worker"}) || worker.Environment["IMAPHUB_WORKERS"] == "0" {
		t.Errorf("worker: command %q, IMAPHUB_WORKERS=%q; want worker with jobs", worker.Command, worker.Environment["IMAPHUB_WORKERS"])
	}
	for name, s := range map[string]struct {
		DependsOn map[string]struct{ Condition string }
	}{
		"serve": {serve.DependsOn}, "worker": {worker.DependsOn},
	} {
		if s.DependsOn["postgres"].Condition != "service_healthy" {
			t.Errorf("%s does not wait for a healthy postgres: %+v", name, s.DependsOn)
		}
		if !strings.HasPrefix(c.Services[name].Environment["IMAPHUB_DATABASE_URL_FILE"], "/run/secrets/") {
			t.Errorf("%s: the database URL does not come from a secret", name)
		}
	}
	if !strings.Contains(pg.Image, "postgres:15") || pg.Healthcheck == nil || !strings.Contains(strings.Join(pg.Healthcheck.Test, " "), "pg_isready") {
		t.Errorf("postgres: image %q, health check %+v; want postgres:15 checked with pg_isready", pg.Image, pg.Healthcheck)
	}
	if !slices.ContainsFunc(pg.Volumes, func(v string) bool { return strings.HasSuffix(v, ":/var/lib/postgresql/data") }) {
		t.Errorf("postgres keeps its data on no volume: %q", pg.Volumes)
	}
	ll := c.Services["litellm"]
	if !slices.Contains(ll.Profiles, "litellm") {
		t.Errorf("litellm is not optional (profile litellm): %q", ll.Profiles)
	}
	var cfg struct {
		ModelList []struct {
			ModelName string `yaml:"model_name"`
		} `yaml:"model_list"`
	}
	raw, err := os.ReadFile("../../deploy/litellm/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil || len(cfg.ModelList) == 0 {
		t.Errorf("deploy/litellm/config.yaml maps no model names: %v", err)
	}
	if !slices.ContainsFunc(ll.Volumes, func(v string) bool { return strings.HasPrefix(v, "./deploy/litellm/config.yaml:") }) {
		t.Errorf("litellm does not mount deploy/litellm/config.yaml: %q", ll.Volumes)
	}
}

// The Dockerfile's runtime stages start a subcommand the binary has and set
// only declared variables.
func TestDockerfileNamesOnlyWhatTheBinaryKnows(t *testing.T) {
	raw, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	cmds := regexp.MustCompile(`(?m)^CMD \["([a-z-]+)"\]`).FindAllStringSubmatch(string(raw), -1)
	if len(cmds) < 2 {
		t.Fatalf("want a CMD in both runtime stages, found %d", len(cmds))
	}
	for _, m := range cmds {
		if _, ok := commands[m[1]]; !ok {
			t.Errorf("Dockerfile: CMD %q is not a subcommand", m[1])
		}
	}
	for _, line := range regexp.MustCompile(`(?m)^ENV .*$`).FindAllString(string(raw), -1) {
		for _, n := range regexp.MustCompile(`IMAPHUB_[A-Z0-9_]+`).FindAllString(line, -1) {
			if msg := undeclared(n); msg != "" {
				t.Errorf("Dockerfile: %s %s", n, msg)
			}
		}
	}
}
