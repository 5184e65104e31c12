package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Limits of sign-in attempts within LoginWindow before further attempts are
// refused with 429: per account, and per client address.
const (
	LoginWindow       = 15 * time.Minute
	MaxFailsPerEmail  = 5
	MaxFailsPerClient = 30
)

// Service owns users, API tokens, sign-in and the audit log.
type Service struct {
	db    *db.DB
	argon Argon2Params
	now   func() time.Time
	// dummyHash is verified against when an account does not exist, so a
	// sign-in takes as long for an unknown email as for a wrong password.
	// It is made on first use: hashing at start-up costs time and memory.
	dummyOnce sync.Once
	dummyHash string
	cache     *authCache
}

// NewService returns the auth service.
func NewService(d *db.DB, argon Argon2Params) *Service {
	return &Service{db: d, argon: argon, now: func() time.Time { return time.Now().UTC() }, cache: newAuthCache()}
}

func (s *Service) dummy() string {
	s.dummyOnce.Do(func() { s.dummyHash, _ = HashPassword(RandomPassword(24), s.argon) })
	return s.dummyHash
}

const userCols = `id, email, name, role, password_hash IS NOT NULL, oidc_subject IS NOT NULL, disabled, sessions_valid_after, last_login_at, created_at`

type scanner interface{ Scan(...any) error }

func scanUser(row scanner) (User, error) {
	var u User
	var role string
	var last sql.NullTime
	err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &u.Local, &u.OIDC, &u.Disabled, &u.sessionsValidAfter, &last, &u.CreatedAt)
	if err != nil {
		return u, err
	}
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
		h, err := HashPassword(password, s.argon)
		if err != nil {
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

// updateUser changes a user. Every change but the sign-in time can take
// access away, so it moves the auth epoch in the same transaction.
func (s *Service) updateUser(ctx context.Context, id int64, set string, args ...any) (User, error) {
	var u User
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET `+set+`, updated_at = ? WHERE id = ? RETURNING `+userCols, append(args, s.now(), id)...))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf("user %d not found", id)
		}
		if err != nil || strings.HasPrefix(set, "last_login_at") {
			return err
		}
		return bumpEpoch(ctx, tx)
	})
	if err == nil {
		s.cache.clear()
	}
	return u, err
}

// SetRole changes a user's role; it takes effect on their next request.
func (s *Service) SetRole(ctx context.Context, id int64, role Role) (User, error) {
	if role < Viewer || role > Admin {
		return User{}, errs.Field("body.role", "want viewer, editor, publisher or admin", role.String())
	}
	return s.updateUser(ctx, id, `role = ?`, role.String())
}

// SetDisabled disables (signing the user out everywhere) or enables a user.
func (s *Service) SetDisabled(ctx context.Context, id int64, disabled bool) (User, error) {
	if disabled {
		return s.updateUser(ctx, id, `disabled = ?, sessions_valid_after = ?`, true, s.now())
	}
	return s.updateUser(ctx, id, `disabled = ?`, false)
}

// ResetPassword sets a new password and ends the user's sessions.
func (s *Service) ResetPassword(ctx context.Context, id int64, password string) (User, error) {
	if err := CheckPasswordStrength(password); err != nil {
		return User{}, errs.Field("body.password", err.Error(), nil)
	}
	h, err := HashPassword(password, s.argon)
	if err != nil {
		return User{}, err
	}
	return s.updateUser(ctx, id, `password_hash = ?, sessions_valid_after = ?`, h, s.now())
}

// SignOutEverywhere voids every session of the user started before now.
func (s *Service) SignOutEverywhere(ctx context.Context, id int64) error {
	_, err := s.updateUser(ctx, id, `sessions_valid_after = ?`, s.now())
	return err
}

// ErrBadCredentials is the one answer to a failed sign-in: it does not say
// whether the account exists.
var ErrBadCredentials = &errs.Error{Code: errs.Unauthorized, Message: "email or password is wrong"}

// ErrTooManyAttempts refuses sign-in after too many failures.
var ErrTooManyAttempts = errors.New("too many failed sign-in attempts")

// Login checks a local password. Failures are counted per account and per
// client address; past the limits, further attempts fail without a check.
func (s *Service) Login(ctx context.Context, email, password, client string) (User, error) {
	email = normEmail(email)
	since := s.now().Add(-LoginWindow)
	var byEmail, byClient int
	r := s.db.Read()
	if err := r.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE email = ? AND at > ?`, email, since).Scan(&byEmail); err != nil {
		return User{}, err
	}
	if err := r.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE client = ? AND at > ?`, client, since).Scan(&byClient); err != nil {
		return User{}, err
	}
	if byEmail >= MaxFailsPerEmail || byClient >= MaxFailsPerClient {
		return User{}, ErrTooManyAttempts
	}
	var hash sql.NullString
	u, err := scanUser(r.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, email))
	if err == nil {
		err = r.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&hash)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return User{}, err
	}
	ok := false
	if hash.Valid {
		ok, err = VerifyPassword(password, hash.String)
		if err != nil {
			return User{}, fmt.Errorf("user %d: %w", u.ID, err)
		}
	} else {
		_, _ = VerifyPassword(password, s.dummy())
	}
	if !ok || u.Disabled {
		err := s.db.InTx(ctx, func(tx db.Conn) error {
			_, err := tx.Exec(ctx, `INSERT INTO login_failures (at, email, client) VALUES (?, ?, ?)`, s.now(), email, client)
			return err
		})
		if err != nil {
			return User{}, err
		}
		return User{}, ErrBadCredentials
	}
	return s.recordLogin(ctx, u.ID)
}

func (s *Service) recordLogin(ctx context.Context, id int64) (User, error) {
	return s.updateUser(ctx, id, `last_login_at = ?`, s.now())
}

// --- API tokens

// tokenPrefix marks IMAP Hub tokens, so secret scanners can find leaked ones.
const tokenPrefix = "imh_"

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateToken issues an API token for a user and returns it with its secret,
// which is shown this once and stored only as a hash. role, when set, caps
// the token below its user's role.
func (s *Service) CreateToken(ctx context.Context, userID int64, name string, role *Role, expires *time.Time) (Token, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return Token{}, "", errs.Field("body.name", "must be 1 to 100 characters", name)
	}
	if expires != nil && !expires.After(s.now()) {
		return Token{}, "", errs.Field("body.expires_at", "must be in the future", expires)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Token{}, "", err
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	var roleText *string
	if role != nil {
		r := role.String()
		roleText = &r
	}
	var t Token
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		if _, err := s.userBy(ctx, tx, "id = ?", userID); err != nil {
			return err
		}
		var err error
		t, err = scanToken(tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, role, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING `+tokenCols, userID, name, hashToken(secret), secret[:10], roleText, s.now(), expires))
		return err
	})
	return t, secret, err
}

const tokenCols = `id, user_id, name, prefix, role, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row scanner) (Token, error) {
	var t Token
	var role sql.NullString
	var exp, used, rev sql.NullTime
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &role, &t.CreatedAt, &exp, &used, &rev); err != nil {
		return t, err
	}
	if role.Valid {
		r, err := ParseRole(role.String)
		if err != nil {
			return t, err
		}
		t.Role = &r
	}
	for _, p := range []struct {
		n   sql.NullTime
		dst **time.Time
	}{{exp, &t.ExpiresAt}, {used, &t.LastUsedAt}, {rev, &t.RevokedAt}} {
		if p.n.Valid {
			v := p.n.Time
			*p.dst = &v
		}
	}
	return t, nil
}

// Tokens lists a user's tokens, newest first.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.db.Read().Query(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of a user's tokens (admins may pass userID 0 for any).
func (s *Service) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		q := `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`
		args := []any{s.now(), tokenID}
		if userID != 0 {
			q += ` AND user_id = ?`
			args = append(args, userID)
		}
		res, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundf("token %d not found or already revoked", tokenID)
		}
		return bumpEpoch(ctx, tx)
	})
	if err == nil {
		s.cache.clear()
	}
	return err
}

// errUnauthenticated is the single public answer to a bad credential: it
// gives an attacker no hint about which part was wrong.
var errUnauthenticated = &errs.Error{Code: errs.Unauthorized, Message: "authentication required"}

// AuthenticateToken resolves a bearer token to its caller. Who a token
// belongs to is cached until the auth epoch moves (revocation, role change,
// disabling), so most requests cost no database round trip.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (*Principal, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return nil, errUnauthenticated
	}
	hash := hashToken(secret)
	s.cache.fresh(ctx, s.db)
	s.cache.mu.Lock()
	e, ok := s.cache.tokens[hash]
	s.cache.mu.Unlock()
	if !ok {
		var capRole sql.NullString
		var exp, rev, used sql.NullTime
		var userRole string
		err := s.db.Read().QueryRow(ctx, `SELECT t.id, t.user_id, t.role, t.expires_at, t.revoked_at, t.last_used_at, u.role, u.email, u.disabled
			FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, hash).
			Scan(&e.tokenID, &e.userID, &capRole, &exp, &rev, &used, &userRole, &e.email, &e.disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errUnauthenticated
		}
		if err != nil {
			return nil, err
		}
		if rev.Valid {
			e.disabled = true // a revoked token is refused like a disabled user's
		}
		if e.userRole, err = ParseRole(userRole); err != nil {
			return nil, err
		}
		if capRole.Valid {
			if e.cap, err = ParseRole(capRole.String); err != nil {
				return nil, err
			}
			e.hasCap = true
		}
		e.expires, e.lastUsed = exp.Time, used.Time
		s.cache.mu.Lock()
		if s.cache.tokens == nil {
			s.cache.tokens = map[string]tokenEntry{}
		}
		s.cache.tokens[hash] = e
		s.cache.mu.Unlock()
	}
	now := s.now()
	if e.disabled || (!e.expires.IsZero() && !e.expires.After(now)) {
		return nil, errUnauthenticated
	}
	role := e.userRole
	if e.hasCap && e.cap < role {
		role = e.cap
	}
	// Record use at most once a minute, so reads do not turn into writes.
	if now.Sub(e.lastUsed) > time.Minute {
		err := s.db.InTx(ctx, func(tx db.Conn) error {
			_, err := tx.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, now, e.tokenID)
			return err
		})
		if err != nil {
			return nil, err
		}
		s.cache.mu.Lock()
		if c, ok := s.cache.tokens[hash]; ok {
			c.lastUsed = now
			s.cache.tokens[hash] = c
		}
		s.cache.mu.Unlock()
	}
	return &Principal{UserID: e.userID, Email: e.email, Role: role, Via: "token", TokenID: e.tokenID}, nil
}

// SessionUser resolves a session's user, refusing sessions that started
// before the user's sessions_valid_after and disabled users.
func (s *Service) SessionUser(ctx context.Context, userID int64, started time.Time) (*Principal, error) {
	s.cache.fresh(ctx, s.db)
	s.cache.mu.Lock()
	u, ok := s.cache.users[userID]
	s.cache.mu.Unlock()
	if !ok {
		var err error
		u, err = s.User(ctx, userID)
		if errs.Is(err, errs.NotFound) {
			return nil, errUnauthenticated
		}
		if err != nil {
			return nil, err
		}
		s.cache.mu.Lock()
		if s.cache.users == nil {
			s.cache.users = map[int64]User{}
		}
		s.cache.users[userID] = u
		s.cache.mu.Unlock()
	}
	if u.Disabled || started.Before(u.sessionsValidAfter) {
		return nil, errUnauthenticated
	}
	return &Principal{UserID: u.ID, Email: u.Email, Role: u.Role, Via: "session"}, nil
}

// OIDCSignIn finds or creates the user of an OIDC identity and sets the role
// its token grants. An identity is matched by issuer and subject; an existing
// account with the same email is linked only if it has no password and no
// other identity (an admin created it for OIDC sign-in).
func (s *Service) OIDCSignIn(ctx context.Context, issuer, subject, email, name string, role Role) (User, error) {
	email = normEmail(email)
	if _, err := mail.ParseAddress(email); err != nil {
		return User{}, errs.E(errs.Unauthorized, "the identity has no usable email")
	}
	now := s.now()
	var u User
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		var err error
		u, err = s.userBy(ctx, tx, "oidc_issuer = ? AND oidc_subject = ?", issuer, subject)
		switch {
		case err == nil:
		case errs.Is(err, errs.NotFound):
			var id int64
			var hasPassword, hasIdentity bool
			err = tx.QueryRow(ctx, `SELECT id, password_hash IS NOT NULL, oidc_subject IS NOT NULL FROM users WHERE email = ?`, email).Scan(&id, &hasPassword, &hasIdentity)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				u, err = scanUser(tx.QueryRow(ctx, `INSERT INTO users (email, name, role, oidc_issuer, oidc_subject, sessions_valid_after, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+userCols, email, name, role.String(), issuer, subject, now, now, now))
				if err != nil {
					return err
				}
			case err != nil:
				return err
			case hasPassword || hasIdentity:
				return errs.E(errs.Unauthorized, "an account with this email exists and is not linked to this identity")
			default:
				if _, err := tx.Exec(ctx, `UPDATE users SET oidc_issuer = ?, oidc_subject = ? WHERE id = ?`, issuer, subject, id); err != nil {
					return err
				}
			}
		default:
			return err
		}
		if u.ID == 0 {
			if u, err = s.userBy(ctx, tx, "email = ?", email); err != nil {
				return err
			}
		}
		if u.Disabled {
			return errs.E(errs.Unauthorized, "the account is disabled")
		}
		u, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET role = ?, name = CASE WHEN ? <> '' THEN ? ELSE name END, last_login_at = ?, updated_at = ? WHERE id = ? RETURNING `+userCols,
			role.String(), name, name, now, now, u.ID))
		if err != nil {
			return err
		}
		return bumpEpoch(ctx, tx) // the role may have changed
	})
	if err == nil {
		s.cache.clear()
	}
	return u, err
}
