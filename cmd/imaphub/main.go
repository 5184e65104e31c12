// Command imaphub is IMAP Hub in one binary: the API server with the web app,
// migrations, demo data, and the command-line tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{
	"serve":   {"run the API server and web app (--demo loads demo data into an empty database)", runServe},
	"migrate": {"apply database migrations and print the schema version", runMigrate},
	"worker":  {"run background jobs only (generation, publishing); serve runs them too unless IMAPHUB_WORKERS=0", runWorker},
	"demo":    {"load demo data (--scale small|large)", runDemo},
	"version": {"print the version", runVersion},
	"config":  {"print the effective configuration without secrets, exit 1 naming what is invalid (check); print its reference (docs)", runConfig},
	"users":   {"manage users: add, list, set-role, disable, reset-password", runUsers},
	"tokens":  {"manage API tokens: create, list, revoke", runTokens},
	// Writes copy from a brief; opens no database.
	"generate": {"write a validated RSA or Performance Max text set from a brief (--brief FILE --format rsa|pmax [--json])", runGenerate},
	// Checks of texts and files; they open no database.
	"validate": {"check ad texts against Google Ads limits and editorial rules (--jsonl, one object per line)", runValidate},
	// Talks to Google Ads only; opens no database.
	"googleads": {"check the Google Ads connection and print the fix for each problem (check [--customer CID])", runGoogleAds},
	"publish":   {"publish an approved campaign to Google Ads, or check it (--campaign ID [--customer CID] [--validate-only])", runPublish},
	"reports":   {"download Google Ads reports into the database (download --customer CID --from YYYY-MM-DD --to YYYY-MM-DD)", runReports},
	"backup":    {"write a consistent copy of the SQLite database and the blob store to one archive, while the server runs (--to FILE)", runBackup},
	"restore":   {"restore an archive of imaphub backup into an empty data dir (--from FILE [--force])", runRestore},
	"export":    {"write a campaign as a Google Ads Editor file (--campaign ID --format editor -o FILE)", runExport},
	"import":    {"read a Google Ads Editor file into a new draft campaign (--format editor FILE)", runImport},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "imaphub: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return cmd.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "IMAP Hub — briefs in, validated Google Ads campaigns out.")
	fmt.Fprintln(w, "\nUsage: imaphub <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'imaphub <command> --help' for a command's flags. Configuration is read from IMAPHUB_* variables (docs/configuration.md, 'imaphub config check').")
}

// flags parses a command's flags; it returns false and the exit code when the
// command should stop (help or a bad flag).
func flags(fs *flag.FlagSet, args []string, stderr io.Writer) (bool, int) {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return false, 0
		}
		return false, 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "imaphub %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return false, 2
	}
	return true, 0
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if ok, code := flags(flag.NewFlagSet("version", flag.ContinueOnError), args, stderr); !ok {
		return code
	}
	fmt.Fprintln(stdout, "imaphub", version)
	return 0
}
