package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/imaphub/imaphub/internal/platform/googleads"
)

const googleadsHelp = `Usage: imaphub googleads check [--customer CID] [--timeout 60s]

Checks the Google Ads connection step by step and prints, for each problem,
the fix: the IMAPHUB_GOOGLEADS_* configuration, the OAuth refresh token, the
accounts the Google user reaches (customers:listAccessibleCustomers) and,
through IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID, the account tree under the
manager with names (GAQL on customer_client). --customer also checks that
one account can be reached. Nothing is changed in any account.

Exit status: 0 all is well, 1 a check failed, 2 bad usage.`

// runGoogleAds is `imaphub googleads`.
func runGoogleAds(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, googleadsHelp)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] != "check" {
		fmt.Fprintf(stderr, "imaphub googleads: unknown command %q\n\n%s\n", args[0], googleadsHelp)
		return 2
	}
	fs := flag.NewFlagSet("googleads check", flag.ContinueOnError)
	customer := fs.String("customer", "", "also check that this account (ten digits, dashes allowed) can be reached")
	timeout := fs.Duration("timeout", time.Minute, "limit of the whole check")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), googleadsHelp+"\n\nFlags:")
		fs.PrintDefaults()
	}
	if ok, code := flags(fs, args[1:], stderr); !ok {
		return code
	}
	if *customer != "" {
		id, err := googleads.NormalizeCustomerID(*customer)
		if err != nil {
			fmt.Fprintf(stderr, "imaphub googleads check: --customer: %v\n", err)
			return 2
		}
		*customer = id
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	r := &checkReport{w: stdout}
	fmt.Fprintln(stdout, "Google Ads check")
	r.run(ctx, *customer)
	if r.failed {
		fmt.Fprintln(stdout, "Google Ads is not usable yet: fix the problem above and run the check again.")
		return 1
	}
	fmt.Fprintln(stdout, "Google Ads is connected.")
	return 0
}

type checkReport struct {
	w      io.Writer
	failed bool
}

func (r *checkReport) ok(step, format string, a ...any) {
	fmt.Fprintf(r.w, "  ok    %-13s %s\n", step, fmt.Sprintf(format, a...))
}

func (r *checkReport) note(step, format string, a ...any) {
	fmt.Fprintf(r.w, "  note  %-13s %s\n", step, fmt.Sprintf(format, a...))
}

func (r *checkReport) fail(step string, err error, fix string) {
	r.failed = true
	fmt.Fprintf(r.w, "  FAIL  %-13s %v\n", step, err)
	if fix == "" {
		fix = googleads.Advice(err)
	}
	if fix != "" {
		fmt.Fprintf(r.w, "        fix: %s\n", fix)
	}
}

// run makes the checks in order; each needs the one before.
func (r *checkReport) run(ctx context.Context, customer string) {
	var cfg googleads.Config
	vals, err := readGroup(groupAds, os.LookupEnv, os.ReadFile)
	if err == nil {
		cfg, err = googleads.ConfigFromLookup(vals.lookupEnv)
	}
	if err != nil {
		r.fail("configuration", err, `Correct the variable named (docs/configuration.md).`)
		return
	}
	// Calls are logged nowhere: the report says what matters, with the
	// request-ids.
	client, err := googleads.New(cfg, googleads.WithLogger(slog.New(slog.DiscardHandler)),
		googleads.WithRetryPolicy(googleads.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Second, MaxDelay: 5 * time.Second}))
	if err != nil {
		r.fail("configuration", err, "")
		return
	}
	login := "none (every account is called directly)"
	if cfg.LoginCustomerID != "" {
		login = cfg.LoginCustomerID
	}
	devToken := "unset (not needed since 9 September 2026)"
	if cfg.DeveloperToken != "" {
		devToken = "set"
	}
	r.ok("configuration", "API %s/%s, token endpoint %s, OAuth client %s, login customer %s, developer token %s",
		cfg.APIURL, cfg.APIVersion, cfg.TokenURL, cfg.ClientID, login, devToken)

	if err := client.Authenticate(ctx); err != nil {
		r.fail("OAuth", err, "")
		return
	}
	r.ok("OAuth", "the refresh token gives an access token")

	acc, err := client.ListAccessibleCustomers(ctx)
	if err != nil {
		r.fail("accounts", err, "")
		return
	}
	ids := acc.CustomerIDs()
	if len(ids) == 0 {
		r.fail("accounts", errors.New("the Google user of the refresh token reaches no Google Ads account"),
			"Invite that Google user to the manager account (Admin → Access and security), or make the refresh token as a user who has access.")
		return
	}
	r.ok("accounts", "the Google user reaches %s directly (request-id %s)", strings.Join(ids, ", "), acc.RequestID)

	var rows []googleads.CustomerClient
	if cfg.LoginCustomerID != "" {
		rows = r.throughManager(ctx, client, cfg.LoginCustomerID, ids)
	} else {
		rows = r.direct(ctx, client, ids)
	}
	if r.failed {
		return
	}
	if len(rows) > 0 && !slices.ContainsFunc(rows, func(c googleads.CustomerClient) bool { return !c.TestAccount }) {
		r.note("access", "every account reached is a test account: fine for trying; production accounts need Explorer (or Basic) access for the Cloud project")
	}
	if customer != "" {
		acc, err := client.Customer(ctx, customer)
		if err != nil {
			fix := ""
			var api *googleads.APIError
			if errors.As(err, &api) && api.Has("authorizationError.USER_PERMISSION_DENIED") && cfg.LoginCustomerID != "" {
				fix = fmt.Sprintf("The login customer %s does not manage %s: set %s to a manager account above %s, or give the Google user access to it.",
					cfg.LoginCustomerID, customer, googleads.EnvLoginCustomerID, customer)
			}
			r.fail("account", err, fix)
			return
		}
		r.ok("account", "%s %q can be reached (request-id %s)", customer, acc.Customer.DescriptiveName, acc.RequestID)
	}
}

// throughManager lists the account tree under the login customer.
func (r *checkReport) throughManager(ctx context.Context, client *googleads.Client, login string, direct []string) []googleads.CustomerClient {
	tree, err := client.AccountTree(ctx, login, 2)
	if err != nil {
		fix := ""
		var api *googleads.APIError
		if errors.As(err, &api) && (api.Has("authorizationError.USER_PERMISSION_DENIED") || api.Has("headerError.INVALID_LOGIN_CUSTOMER_ID")) {
			fix = fmt.Sprintf("The Google user cannot act as %s: set %s to one of the accounts it reaches (%s) or a manager below one of them, without dashes.",
				login, googleads.EnvLoginCustomerID, strings.Join(direct, ", "))
		}
		r.fail("manager", err, fix)
		return nil
	}
	rows := tree.Accounts
	r.ok("manager", "accounts through %s (request-id %s):", login, tree.RequestIDs[0])
	r.printAccounts(rows)
	if len(rows) > 0 && !rows[0].Manager {
		r.note("manager", "%s is not a manager account: it reaches only itself; to publish to other accounts set %s to their manager", login, googleads.EnvLoginCustomerID)
	}
	return rows
}

// direct names each directly reachable account.
func (r *checkReport) direct(ctx context.Context, client *googleads.Client, ids []string) []googleads.CustomerClient {
	const most = 20
	var rows []googleads.CustomerClient
	for i, id := range ids {
		if i == most {
			r.note("accounts", "%d more not shown", len(ids)-most)
			break
		}
		acc, err := client.Customer(ctx, id)
		if err != nil {
			r.fail("account "+id, err, "")
			continue
		}
		c := acc.Customer
		rows = append(rows, googleads.CustomerClient{ID: c.ID, DescriptiveName: c.DescriptiveName, Manager: c.Manager, TestAccount: c.TestAccount})
	}
	if len(rows) > 0 {
		r.ok("names", "accounts reached directly:")
		r.printAccounts(rows)
	}
	if slices.ContainsFunc(rows, func(c googleads.CustomerClient) bool { return c.Manager }) {
		r.note("manager", "to reach the accounts under a manager, set %s to its id", googleads.EnvLoginCustomerID)
	}
	return rows
}

func (r *checkReport) printAccounts(rows []googleads.CustomerClient) {
	for _, c := range rows {
		kind := "client"
		if c.Manager {
			kind = "manager"
		}
		if c.TestAccount {
			kind += ", test account"
		}
		indent := strings.Repeat("  ", int(c.Level))
		fmt.Fprintf(r.w, "          %s%s  %-30s %s\n", indent, formatCustomerID(int64(c.ID)), c.DescriptiveName, kind)
	}
}

// formatCustomerID writes an id as the Google Ads UI shows it, 123-456-7890.
func formatCustomerID(id int64) string {
	s := fmt.Sprintf("%010d", id)
	return s[:3] + "-" + s[3:6] + "-" + s[6:]
}
