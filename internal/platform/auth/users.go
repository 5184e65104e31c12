package auth

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"strings"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Users: accounts, their roles and passwords, and what disabling or a reset
// takes away.

const userCols = `id, email, name, role, password_hash IS NOT NULL, (oidc_subject IS NOT NULL OR entra_oid IS NOT NULL), entra_tid, entra_oid, disabled, sessions_valid_after, last_login_at, created_at`

type scanner interface{ Scan(...any) error }

func scanUser(row scanner) (User, error) {
	var u User
	var role string
	var last sql.NullTime
	var tid, oid sql.NullString
	err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &u.Local, &u.OIDC, &tid, &oid, &u.Disabled, &u.sessionsValidAfter, &last, &u.CreatedAt)
	if err != nil {
		return u, err
	}
	u.EntraTenantID, u.EntraObjectID = tid.String, oid.String
	if last.Valid {
		u.LastLoginAt = &last.Time
	}
	u.Role, err = ParseRole(role)
	return u, err
}

func (s *Service) userBy(ctx context.Context, q db.Conn, where string, args ...any) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return u, errs.NotFoundf("user not found")
	}
	return u, err
}

// User returns a user by id.
func (s *Service) User(ctx context.Context, id int64) (User, error) {
	return s.userBy(ctx, s.db.Read(), "id = ?", id)
}

// UserByEmail returns a user by email.
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	return s.userBy(ctx, s.db.Read(), "email = ?", normEmail(email))
}

func normEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

func checkEmail(location, e string) (string, error) {
	n := normEmail(e)
	if a, err := mail.ParseAddress(n); err != nil || a.Address != n {
		return "", errs.Field(location, "not an email address", e)
	}
	return n, nil
}

// CreateUser adds a local user; password may be empty for an account that
// signs in through OIDC only.
func (s *Service) CreateUser(ctx context.Context, email, name string, role Role, password string) (User, error) {
	email, err := checkEmail("body.email", email)
	if err != nil {
		return User{}, err
	}
	if role < Viewer || role > Admin {
		return User{}, errs.Field("body.role", "want viewer, editor, publisher or admin", role.String())
	}
	var hash *string
	if password != "" {
		if err := CheckPasswordStrength(password); err != nil {
			return User{}, errs.Field("body.password", err.Error(), nil)
		}
		var h string
		if err := s.hashing(ctx, func() (err error) { h, err = HashPassword(password, s.argon); return err }); err != nil {
			return User{}, err
		}
		hash = &h
	}
	now := s.now()
	var u User
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `INSERT INTO users (email, name, role, password_hash, sessions_valid_after, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING `+userCols, email, strings.TrimSpace(name), role.String(), hash, now, now, now))
		if kind, _ := db.Violation(err); kind == db.Unique {
			e := errs.Conflictf("a user with email %s already exists", email)
			e.Fields = []errs.FieldError{{Location: "body.email", Message: "already exists", Value: email}}
			return e
		}
		if err == nil {
			AuditEntity(ctx, u.ID)
		}
		return err
	})
	return u, err
}

// ListUsers returns every user, by email.
func (s *Service) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.db.Read().Query(ctx, `SELECT `+userCols+` FROM users ORDER BY email`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountUsers returns how many users exist.
func (s *Service) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.Read().QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// updateUser changes a user and, in the same transaction, runs then (when
// not nil) with the user before and after the change. Every such change can
// take access away, so it moves the auth epoch in that transaction too.
func (s *Service) updateUser(ctx context.Context, id int64, then func(tx db.Conn, before, after User) error, set string, args ...any) (User, error) {
	var u User
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		// The no-op update reads the user and locks the row (PostgreSQL;
		// SQLite serialises writers), so before is what the change changes.
		before, err := scanUser(tx.QueryRow(ctx, `UPDATE users SET updated_at = updated_at WHERE id = ? RETURNING `+userCols, id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf("user %d not found", id)
		}
		if err != nil {
			return err
		}
		if u, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET `+set+`, updated_at = ? WHERE id = ? RETURNING `+userCols, append(args, s.now(), id)...)); err != nil {
			return err
		}
		AuditEntity(ctx, id)
		if then != nil {
			if err := then(tx, before, u); err != nil {
				return err
			}
		}
		return bumpEpoch(ctx, tx)
	})
	if err == nil {
		s.cache.clear()
	}
	return u, err
}

// SetRole changes a user's role; it takes effect on their next request. A
// lower role also lowers the cap of every token of the user to it, so raising
// the role again later gives none of them back their power.
func (s *Service) SetRole(ctx context.Context, id int64, role Role) (User, error) {
	if role < Viewer || role > Admin {
		return User{}, errs.Field("body.role", "want viewer, editor, publisher or admin", role.String())
	}
	return s.updateUser(ctx, id, func(tx db.Conn, before, _ User) error {
		if role >= before.Role {
			return nil
		}
		return s.capTokens(ctx, tx, id, role)
	}, `role = ?`, role.String())
}

// SetDisabled disables a user, signing them out everywhere and revoking
// their API tokens, or enables them again (with none of those back).
func (s *Service) SetDisabled(ctx context.Context, id int64, disabled bool) (User, error) {
	if disabled {
		return s.updateUser(ctx, id, func(tx db.Conn, _, _ User) error { return s.revokeTokens(ctx, tx, id) },
			`disabled = ?, sessions_valid_after = ?`, true, s.now())
	}
	return s.updateUser(ctx, id, nil, `disabled = ?`, false)
}

// ResetPassword sets a new password, ends the user's sessions and revokes
// their API tokens: a reset answers a password that may be known to others.
func (s *Service) ResetPassword(ctx context.Context, id int64, password string) (User, error) {
	if err := CheckPasswordStrength(password); err != nil {
		return User{}, errs.Field("body.password", err.Error(), nil)
	}
	var h string
	if err := s.hashing(ctx, func() (err error) { h, err = HashPassword(password, s.argon); return err }); err != nil {
		return User{}, err
	}
	return s.updateUser(ctx, id, func(tx db.Conn, _, _ User) error { return s.revokeTokens(ctx, tx, id) },
		`password_hash = ?, sessions_valid_after = ?`, h, s.now())
}

// SignOutEverywhere voids every session of the user started before now.
func (s *Service) SignOutEverywhere(ctx context.Context, id int64) error {
	_, err := s.updateUser(ctx, id, nil, `sessions_valid_after = ?`, s.now())
	return err
}
