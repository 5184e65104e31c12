package app

import (
	"context"
	"fmt"
	"io"

	"github.com/imaphub/imaphub/internal/platform/auth"
)

// BootstrapAdmin makes sure a fresh install can be signed into. When no user
// exists: with email and password given, that admin is created; with neither,
// in local mode, an admin with a generated password is created and the
// password is written to console once (never to the log). In OIDC mode an
// email alone pre-creates the admin for the first Microsoft sign-in.
func (a *App) BootstrapAdmin(ctx context.Context, email, password string, console io.Writer) error {
	n, err := a.Users.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	if a.Opts.Auth.Mode == "oidc" {
		if email == "" {
			return nil
		}
		_, err := a.Users.CreateUser(ctx, email, "Administrator", auth.Admin, "")
		return err
	}
	generated := false
	if email == "" {
		email = "admin@imaphub.local"
	}
	if password == "" {
		password, generated = auth.RandomPassword(20), true
	}
	if _, err := a.Users.CreateUser(ctx, email, "Administrator", auth.Admin, password); err != nil {
		return fmt.Errorf("bootstrap admin: %w", err)
	}
	if generated {
		fmt.Fprintf(console, "\n  First start: created the admin account\n    email:    %s\n    password: %s\n  It is shown only now. Change it with: imaphub users reset-password --email %s\n\n", email, password, email)
	}
	return nil
}
