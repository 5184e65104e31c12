package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/platform/auth"
)

// sub runs one of a command's subcommands.
func sub(ctx context.Context, name string, args []string, stdout, stderr io.Writer, subs map[string]func(context.Context, *app.App, []string, io.Writer, io.Writer) int, help string) int {
	if len(args) == 0 || subs[args[0]] == nil {
		if len(args) > 0 && args[0] != "--help" && args[0] != "-h" {
			fmt.Fprintf(stderr, "imaphub %s: unknown subcommand %q\n", name, args[0])
		}
		fmt.Fprint(stderr, help)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return 0
		}
		return 2
	}
	a, err := openApp(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "imaphub %s: %v\n", name, err)
		return 1
	}
	defer a.DB.Close()
	// What the command changes is audited like a change through the API,
	// in the change's own transaction, with the operator's account as actor.
	ctx = a.Users.Audited(ctx, auth.AuditEntry{Actor: "cli:" + operator(), Action: name + " " + args[0], Entity: name,
		Summary: cliSummary(args[1:])})
	return subs[args[0]](ctx, a, args[1:], stdout, stderr)
}

// operator names who runs a command: the operating system's user.
func operator() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if n := os.Getenv("USER"); n != "" {
		return n
	}
	return "unknown"
}

// cliSummary records a command's flags for the audit log. Secrets never
// come as flags (passwords are read from standard input).
func cliSummary(args []string) json.RawMessage {
	out, _ := json.Marshal(map[string]any{"args": args})
	return out
}

const usersHelp = `Usage: imaphub users <subcommand> [flags]

  add             --email E --role viewer|editor|publisher|admin [--name N] [--password-stdin]
  list
  set-role        --email E --role R
  disable         --email E [--enable]
  reset-password  --email E [--password-stdin]
  link-microsoft  --email E --object-id OID [--tenant-id TID]
  unlink-microsoft --email E

Without --password-stdin, add and reset-password generate a password and print it once.
Disabling a user or resetting their password also revokes their API tokens; enabling
them again brings none back. link-microsoft binds the account to the Entra ID identity
with that object id (Entra admin center → Users → Object ID); the tenant defaults to
IMAPHUB_OIDC_TENANT_ID. Both end the user's sessions.
`

func runUsers(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return sub(ctx, "users", args, stdout, stderr, map[string]func(context.Context, *app.App, []string, io.Writer, io.Writer) int{
		"add": usersAdd, "list": usersList, "set-role": usersSetRole, "disable": usersDisable, "reset-password": usersResetPassword,
		"link-microsoft": usersLinkMicrosoft, "unlink-microsoft": usersUnlinkMicrosoft,
	}, usersHelp)
}

// readPassword takes a password from the first line of standard input.
func readPassword(fromStdin bool) (pw string, generated bool, err error) {
	if !fromStdin {
		return auth.RandomPassword(20), true, nil
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", false, err
	}
	return strings.TrimRight(line, "\r\n"), false, nil
}

func fail(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "imaphub %s: %v\n", cmd, err)
	return 1
}

func usersAdd(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("users add", flag.ContinueOnError)
	email := fs.String("email", "", "email address (required)")
	name := fs.String("name", "", "display name")
	roleName := fs.String("role", "", "viewer, editor, publisher or admin (required)")
	stdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	role, err := auth.ParseRole(*roleName)
	if err != nil || *email == "" {
		fmt.Fprintln(stderr, "imaphub users add: --email and --role (viewer, editor, publisher, admin) are required")
		return 2
	}
	pw, generated := "", false
	if a.Opts.Auth.Mode == "local" || *stdin {
		if pw, generated, err = readPassword(*stdin); err != nil {
			return fail(stderr, "users add", err)
		}
	}
	u, err := a.Users.CreateUser(ctx, *email, *name, role, pw)
	if err != nil {
		return fail(stderr, "users add", err)
	}
	fmt.Fprintf(stdout, "created %s (%s), id %d\n", u.Email, u.Role, u.ID)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n(shown only now)\n", pw)
	}
	return 0
}

func usersList(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) int {
	if ok, code := flags(flag.NewFlagSet("users list", flag.ContinueOnError), args, stderr); !ok {
		return code
	}
	us, err := a.Users.ListUsers(ctx)
	if err != nil {
		return fail(stderr, "users list", err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tROLE\tSIGN-IN\tDISABLED\tLAST SIGN-IN")
	for _, u := range us {
		via := []string{}
		if u.Local {
			via = append(via, "password")
		}
		if u.OIDC {
			via = append(via, "microsoft")
		}
		last := "-"
		if u.LastLoginAt != nil {
			last = u.LastLoginAt.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%v\t%s\n", u.ID, u.Email, u.Role, strings.Join(via, ","), u.Disabled, last)
	}
	tw.Flush()
	return 0
}

func userFlag(fs *flag.FlagSet) *string { return fs.String("email", "", "the user's email (required)") }

func lookupUser(ctx context.Context, a *app.App, email string) (auth.User, error) {
	if email == "" {
		return auth.User{}, fmt.Errorf("--email is required")
	}
	u, err := a.Users.UserByEmail(ctx, email)
	if err != nil {
		return u, fmt.Errorf("no user with email %s", email)
	}
	return u, nil
}

func usersSetRole(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("users set-role", flag.ContinueOnError)
	email := userFlag(fs)
	roleName := fs.String("role", "", "viewer, editor, publisher or admin")
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	role, err := auth.ParseRole(*roleName)
	if err != nil {
		return fail(stderr, "users set-role", err)
	}
	u, err := lookupUser(ctx, a, *email)
	if err != nil {
		return fail(stderr, "users set-role", err)
	}
	if u, err = a.Users.SetRole(ctx, u.ID, role); err != nil {
		return fail(stderr, "users set-role", err)
	}
	fmt.Fprintf(stdout, "%s is now %s\n", u.Email, u.Role)
	return 0
}

func usersDisable(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("users disable", flag.ContinueOnError)
	email := userFlag(fs)
	enable := fs.Bool("enable", false, "enable the user again")
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	u, err := lookupUser(ctx, a, *email)
	if err != nil {
		return fail(stderr, "users disable", err)
	}
	if u, err = a.Users.SetDisabled(ctx, u.ID, !*enable); err != nil {
		return fail(stderr, "users disable", err)
	}
	state := "disabled, signed out everywhere and their API tokens revoked"
	if !u.Disabled {
		state = "enabled"
	}
	fmt.Fprintf(stdout, "%s is %s\n", u.Email, state)
	return 0
}

func usersResetPassword(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("users reset-password", flag.ContinueOnError)
	email := userFlag(fs)
	stdin := fs.Bool("password-stdin", false, "read the new password from standard input")
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	u, err := lookupUser(ctx, a, *email)
	if err != nil {
		return fail(stderr, "users reset-password", err)
	}
	pw, generated, err := readPassword(*stdin)
	if err != nil {
		return fail(stderr, "users reset-password", err)
	}
	if _, err := a.Users.ResetPassword(ctx, u.ID, pw); err != nil {
		return fail(stderr, "users reset-password", err)
	}
	fmt.Fprintf(stdout, "password of %s reset; their sessions are ended and their API tokens revoked\n", u.Email)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n(shown only now)\n", pw)
	}
	return 0
}

func usersLinkMicrosoft(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("users link-microsoft", flag.ContinueOnError)
	email := userFlag(fs)
	objectID := fs.String("object-id", "", "the user's object id in Entra ID, a GUID (required)")
	tenantID := fs.String("tenant-id", "", "directory (tenant) id; default IMAPHUB_OIDC_TENANT_ID")
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	tenant := *tenantID
	if tenant == "" && a.Opts.Auth.OIDC != nil {
		tenant = a.Opts.Auth.OIDC.TenantID
	}
	if tenant == "" || *objectID == "" {
		fmt.Fprintln(stderr, "imaphub users link-microsoft: --object-id is required, and --tenant-id unless IMAPHUB_OIDC_TENANT_ID is set")
		return 2
	}
	if _, ok := auth.ParseGUID(*objectID); !ok {
		return fail(stderr, "users link-microsoft", fmt.Errorf("--object-id=%q: want the user's object id in Entra ID, a GUID", *objectID))
	}
	if _, ok := auth.ParseGUID(tenant); !ok {
		return fail(stderr, "users link-microsoft", fmt.Errorf("--tenant-id=%q: want the directory (tenant) id, a GUID", tenant))
	}
	u, err := lookupUser(ctx, a, *email)
	if err != nil {
		return fail(stderr, "users link-microsoft", err)
	}
	if u, err = a.Users.LinkEntraIdentity(ctx, u.ID, tenant, *objectID); err != nil {
		return fail(stderr, "users link-microsoft", err)
	}
	fmt.Fprintf(stdout, "%s is linked to Entra ID object %s in tenant %s; their sessions are ended\n", u.Email, u.EntraObjectID, u.EntraTenantID)
	return 0
}

func usersUnlinkMicrosoft(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("users unlink-microsoft", flag.ContinueOnError)
	email := userFlag(fs)
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	u, err := lookupUser(ctx, a, *email)
	if err != nil {
		return fail(stderr, "users unlink-microsoft", err)
	}
	if u, err = a.Users.UnlinkEntraIdentity(ctx, u.ID); err != nil {
		return fail(stderr, "users unlink-microsoft", err)
	}
	fmt.Fprintf(stdout, "%s is no longer linked to an Entra ID identity; their sessions are ended\n", u.Email)
	return 0
}

const tokensHelp = `Usage: imaphub tokens <subcommand> [flags]

  create  --user EMAIL --name NAME [--expires 720h|2027-01-31] [--role R]
  list    --user EMAIL
  revoke  --id N

A token expires after IMAPHUB_TOKEN_LIFETIME (default 2160h, 90 days), which is also the
longest --expires may ask for. A user holds at most 25 live tokens.
`

func runTokens(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return sub(ctx, "tokens", args, stdout, stderr, map[string]func(context.Context, *app.App, []string, io.Writer, io.Writer) int{
		"create": tokensCreate, "list": tokensList, "revoke": tokensRevoke,
	}, tokensHelp)
}

func tokensCreate(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tokens create", flag.ContinueOnError)
	email := fs.String("user", "", "email of the token's user (required)")
	name := fs.String("name", "", "what the token is for (required)")
	expires := fs.String("expires", "", "lifetime (e.g. 720h) or date (2027-01-31); default and longest: IMAPHUB_TOKEN_LIFETIME")
	roleName := fs.String("role", "", "cap the token below its user's role")
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	u, err := lookupUser(ctx, a, *email)
	if err != nil {
		return fail(stderr, "tokens create", err)
	}
	var exp *time.Time
	if *expires != "" {
		t, err := parseExpiry(*expires)
		if err != nil {
			return fail(stderr, "tokens create", err)
		}
		exp = &t
	}
	var role *auth.Role
	if *roleName != "" {
		r, err := auth.ParseRole(*roleName)
		if err != nil {
			return fail(stderr, "tokens create", err)
		}
		role = &r
	}
	t, secret, err := a.Users.CreateToken(ctx, u.ID, *name, role, exp)
	if err != nil {
		return fail(stderr, "tokens create", err)
	}
	fmt.Fprintf(stderr, "created token %d %q for %s, expiring %s; it is shown only now:\n", t.ID, t.Name, u.Email, t.ExpiresAt.Format(time.RFC3339))
	fmt.Fprintln(stdout, secret)
	return 0
}

func parseExpiry(s string) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return time.Now().Add(d).UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("--expires=%q: want a duration (720h) or a date (2027-01-31)", s)
}

func tokensList(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tokens list", flag.ContinueOnError)
	email := fs.String("user", "", "email of the user (required)")
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	u, err := lookupUser(ctx, a, *email)
	if err != nil {
		return fail(stderr, "tokens list", err)
	}
	ts, err := a.Users.Tokens(ctx, u.ID)
	if err != nil {
		return fail(stderr, "tokens list", err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tROLE CAP\tCREATED\tEXPIRES\tREVOKED")
	for _, t := range ts {
		exp, rev, role := "-", "-", "-"
		if t.Role != nil {
			role = t.Role.String()
		}
		if t.ExpiresAt != nil {
			exp = t.ExpiresAt.Format(time.RFC3339)
		}
		if t.RevokedAt != nil {
			rev = t.RevokedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s…\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Prefix, role, t.CreatedAt.Format(time.RFC3339), exp, rev)
	}
	tw.Flush()
	return 0
}

func tokensRevoke(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tokens revoke", flag.ContinueOnError)
	id := fs.Int64("id", 0, "token id (required)")
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	if err := a.Users.RevokeToken(ctx, 0, *id); err != nil {
		return fail(stderr, "tokens revoke", err)
	}
	fmt.Fprintf(stdout, "token %d revoked\n", *id)
	return 0
}
