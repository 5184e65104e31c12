package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
)

//go:generate go run . config docs -o ../../docs/configuration.md

func runConfig(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: imaphub config check | docs [-o FILE]")
		return 2
	}
	switch args[0] {
	case "check":
		if ok, code := flags(flag.NewFlagSet("config check", flag.ContinueOnError), args[1:], stderr); !ok {
			return code
		}
		return configCheck(os.Environ(), stdout, stderr)
	case "docs":
		fs := flag.NewFlagSet("config docs", flag.ContinueOnError)
		out := fs.String("o", "", "write to this file instead of standard output")
		if ok, code := flags(fs, args[1:], stderr); !ok {
			return code
		}
		doc := configDocs()
		if *out == "" {
			stdout.Write(doc)
			return 0
		}
		if err := os.WriteFile(*out, doc, 0o644); err != nil {
			fmt.Fprintln(stderr, "imaphub config docs:", err)
			return 1
		}
		return 0
	default:
		fmt.Fprintf(stderr, "imaphub config: unknown subcommand %q (want check or docs)\n", args[0])
		return 2
	}
}

// configCheck prints the effective configuration of the environment (in
// os.Environ's form), secrets only as "set" or "not set", and returns 1 when
// it is invalid, naming each variable that is wrong and why.
func configCheck(environ []string, stdout, stderr io.Writer) int {
	env := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	lookup := func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}
	vals, err := readSettings(lookup, os.ReadFile)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "variable\tvalue\tfrom")
	for _, s := range settings {
		v, ok := vals.byName[s.Name]
		shown := v.v
		switch {
		case !ok:
			shown, v.from = "(invalid)", "see below"
		case s.Secret && v.v != "":
			shown = "set"
		case s.Secret:
			shown = "not set"
		case v.v == "" && s.DefaultDoc != "":
			shown = "(" + s.DefaultDoc + ")"
		case v.v == "":
			shown = "(empty)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, shown, v.from)
	}
	tw.Flush()
	for _, name := range unknownSettings(env) {
		fmt.Fprintf(stderr, "imaphub config check: warning: %s is set but is not a setting of imaphub (a typo?)\n", name)
	}
	if err == nil {
		_, err = configFrom(vals)
	}
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, "imaphub config check: invalid:", line)
		}
		return 1
	}
	fmt.Fprintln(stdout, "configuration is valid")
	return 0
}

// unknownSettings are the IMAPHUB_* names in env that no setting declares
// (neither as NAME nor as NAME_FILE), sorted.
func unknownSettings(env map[string]string) []string {
	var out []string
	for name := range env {
		if !strings.HasPrefix(name, "IMAPHUB_") || testOnly(name) {
			continue
		}
		base, _ := strings.CutSuffix(name, "_FILE")
		if _, ok := lookupSetting(name); ok {
			continue
		}
		if _, ok := lookupSetting(base); ok {
			continue
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// testOnly reports whether name is a variable of the tests and benchmarks,
// which the binary does not read.
func testOnly(name string) bool {
	return strings.HasPrefix(name, "IMAPHUB_TEST_") || strings.HasPrefix(name, "IMAPHUB_BENCH_")
}

// configDocs is docs/configuration.md, generated from the settings.
func configDocs() []byte {
	var b bytes.Buffer
	b.WriteString(`# Configuration

<!-- Generated from cmd/imaphub/settings.go by "go generate ./cmd/imaphub" (imaphub config docs).
     Do not edit: a test fails when this file differs from what the code declares. -->

IMAP Hub reads its configuration from environment variables only. Every variable may instead be
given as ` + "`NAME_FILE`" + `, the path of a file that holds the value (compose and Kubernetes mount secrets as
files; trailing line breaks are dropped); setting both is an error. An empty value counts as unset.

` + "`imaphub config check`" + ` prints the effective configuration, with secrets shown only as ` + "`set`" + ` or
` + "`not set`" + `, warns about ` + "`IMAPHUB_*`" + ` variables that are no setting (typos), and exits 1 when the
configuration is invalid, naming each wrong variable and why. Every command that opens the database
checks the whole configuration the same way before it starts.

"Used by" lists the commands on which a variable has an effect.
`)
	for _, g := range groups {
		fmt.Fprintf(&b, "\n## %s\n\n| variable | default | secret | used by | meaning |\n|---|---|---|---|---|\n", g)
		for _, s := range settings {
			if s.Group != g {
				continue
			}
			def := s.DefaultDoc
			if def == "" && s.Default != "" {
				def = "`" + s.Default + "`"
			}
			if def == "" {
				def = "empty"
			}
			secret := ""
			if s.Secret {
				secret = "secret"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", s.Name, def, secret, strings.Join(s.Commands, ", "), s.Help)
		}
	}
	b.WriteString(`
## Read by the tests only

The binary ignores these (` + "`config check`" + ` does not warn about them):
` + "`IMAPHUB_TEST_POSTGRES_URL`" + ` (a PostgreSQL server for the PostgreSQL half of the store tests) and
` + "`IMAPHUB_BENCH_SCALE`" + ` (` + "`large`" + ` for the full benchmark data sets).
`)
	return b.Bytes()
}
